"""api tokens, incident coordinates

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 20:04:17.879332
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lat", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("lon", sa.Float(), nullable=True))
        batch_op.create_index(batch_op.f("ix_incidents_admin1"), ["admin1"], unique=False)

    # Incidents stored before this revision get their coordinates from their stored record.
    incidents = sa.table(
        "incidents",
        sa.column("id", sa.String),
        sa.column("body", sa.JSON),
        sa.column("lat", sa.Float),
        sa.column("lon", sa.Float),
    )
    connection = op.get_bind()
    for incident_id, body in connection.execute(sa.select(incidents.c.id, incidents.c.body)).all():
        record = json.loads(body) if isinstance(body, str) else body
        connection.execute(
            sa.update(incidents)
            .where(incidents.c.id == incident_id)
            .values(lat=record.get("lat"), lon=record.get("lon"))
        )


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_admin1"))
        batch_op.drop_column("lon")
        batch_op.drop_column("lat")

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
