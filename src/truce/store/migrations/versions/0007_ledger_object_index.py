"""ledger object index

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 20:44:36.532023
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_objects",
        sa.Column("object_id", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["seq"], ["ledger_entries.seq"], name=op.f("fk_ledger_objects_seq_ledger_entries")
        ),
        sa.PrimaryKeyConstraint("object_id", "seq", name=op.f("pk_ledger_objects")),
    )

    # Entries written before this revision: their objects, read from their signed lines.
    entries = sa.table(
        "ledger_entries", sa.column("seq", sa.Integer), sa.column("line", sa.LargeBinary)
    )
    objects = sa.table(
        "ledger_objects", sa.column("object_id", sa.String), sa.column("seq", sa.Integer)
    )
    connection = op.get_bind()
    rows = []
    for seq, line in connection.execute(sa.select(entries.c.seq, entries.c.line)).all():
        text = bytes(line).decode()
        body = json.loads(text[len('{"entry":') : text.rindex(',"signature":')])
        rows += [
            {"object_id": str(o)[:200], "seq": seq} for o in sorted(set(body.get("objects", ())))
        ]
    if rows:
        connection.execute(sa.insert(objects), rows)


def downgrade() -> None:
    op.drop_table("ledger_objects")
