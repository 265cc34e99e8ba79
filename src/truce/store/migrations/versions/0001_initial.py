"""initial tables: actors, agreements, members, raw documents, intake, reports

Revision ID: 0001
Revises:
Create Date: 2026-11-28 16:30:39.895605
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "actors",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("scenario", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("side", sa.String(length=40), nullable=True),
        sa.Column("parent_id", sa.String(length=80), nullable=True),
        sa.Column("inter", sa.Integer(), nullable=False),
        sa.Column(
            "body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
    )
    op.create_table(
        "agreements",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("amends", sa.String(length=80), nullable=True),
        sa.Column("in_force_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["amends"], ["agreements.id"], name=op.f("fk_agreements_amends_agreements")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column(
            "body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
    )
    op.create_table(
        "raw_documents",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("status_detail", sa.Text(), nullable=True),
        sa.Column("first_received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raw_documents")),
    )
    op.create_table(
        "intake_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitter", sa.String(length=200), nullable=True),
        sa.Column("filename", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["raw_documents.id"],
            name=op.f("fk_intake_events_document_id_raw_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_events")),
    )
    with op.batch_alter_table("intake_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intake_events_document_id"), ["document_id"], unique=False
        )

    op.create_table(
        "reports",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.String(length=64), nullable=True),
        sa.Column("dataset", sa.String(length=40), nullable=True),
        sa.Column("dataset_id", sa.String(length=120), nullable=True),
        sa.Column("date_start", sa.Date(), nullable=False),
        sa.Column("date_end", sa.Date(), nullable=False),
        sa.Column("admin1", sa.String(length=120), nullable=True),
        sa.Column("event_type", sa.String(length=80), nullable=True),
        sa.Column("sub_event_type", sa.String(length=80), nullable=True),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("superseded_by", sa.String(length=64), nullable=True),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["raw_documents.id"], name=op.f("fk_reports_document_id_raw_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reports_admin1"), ["admin1"], unique=False)
        batch_op.create_index(
            "ix_reports_dataset_dataset_id", ["dataset", "dataset_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reports_date_start"), ["date_start"], unique=False)
        batch_op.create_index(batch_op.f("ix_reports_document_id"), ["document_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_document_id"))
        batch_op.drop_index(batch_op.f("ix_reports_date_start"))
        batch_op.drop_index("ix_reports_dataset_dataset_id")
        batch_op.drop_index(batch_op.f("ix_reports_admin1"))

    op.drop_table("reports")
    with op.batch_alter_table("intake_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_events_document_id"))

    op.drop_table("intake_events")
    op.drop_table("raw_documents")
    op.drop_table("members")
    op.drop_table("agreements")
    op.drop_table("actors")
