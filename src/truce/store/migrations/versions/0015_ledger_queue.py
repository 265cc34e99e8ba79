"""The ledger's queue: acts committed with their change, sequenced into the log in batches

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 08:40:00.000000

On PostgreSQL a transaction no longer appends its entries under the log's head lock (which
made every writer wait for the one before to sign, insert and flush its commit). It commits
its acts here, with the change they record; a sequencer then numbers, links and signs the
queued acts in batches, in one transaction per batch (`truce.store.ledger`). Nothing to
backfill: the queue starts empty, and every entry already in the log stays as it is.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_queue",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("member_id", sa.String(80), nullable=False),
        sa.Column("act", sa.Text, nullable=False),
        sa.Column("effective", sa.DateTime(timezone=True), nullable=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    # Acts still queued would be lost with the table: refuse rather than drop them.
    connection = op.get_bind()
    waiting = connection.execute(sa.text("SELECT count(*) FROM ledger_queue")).scalar_one()
    if waiting:
        raise RuntimeError(
            f"{waiting} act(s) wait in ledger_queue: start Truce once at 0015 to sequence "
            "them into the log, then downgrade"
        )
    op.drop_table("ledger_queue")
