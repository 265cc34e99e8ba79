"""parties' requests to reopen a case (issue 11, item 7)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 05:40:00.000000

Nothing to backfill: no request existed before this revision, and the agreement's new
settings (who sees unpublished cases, how many requests a case takes) have defaults that
apply to agreements stored without them.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_reopen_requests",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("member_id", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_reopen_requests_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", "number", name=op.f("pk_case_reopen_requests")),
    )
    with op.batch_alter_table("case_reopen_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_reopen_requests_status"), ["status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("case_reopen_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_reopen_requests_status"))
    op.drop_table("case_reopen_requests")
