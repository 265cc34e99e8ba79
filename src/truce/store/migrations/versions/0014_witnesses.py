"""C2SP checkpoints, witnesses' cosignatures and witnesses' keys (issue 12)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 06:45:00.000000

New checkpoints are C2SP signed notes signed by the log operator; each is stored as issued,
and the witnesses' cosignatures beside it as they arrive. The old co-signed checkpoints stay
in `checkpoints` untouched: their signatures still verify, and the first new checkpoint
covers every entry they covered. Nothing to backfill.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkpoint_notes",
        sa.Column("size", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("root", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(200), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "checkpoint_cosignatures",
        sa.Column(
            "size",
            sa.Integer,
            sa.ForeignKey("checkpoint_notes.size", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("witness", sa.String(80), primary_key=True),
        sa.Column("key_hash", sa.String(8), nullable=False),
        sa.Column("timestamp", sa.BigInteger, nullable=False),
        sa.Column("line", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "witness_keys",
        sa.Column("vkey", sa.String(300), primary_key=True),
        sa.Column("member_id", sa.String(80), nullable=False),
        sa.Column("key_hash", sa.String(8), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_witness_keys_member_id", "witness_keys", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_witness_keys_member_id", "witness_keys")
    op.drop_table("witness_keys")
    op.drop_table("checkpoint_cosignatures")
    op.drop_table("checkpoint_notes")
