"""sources in the store, incident history index, covering indexes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 03:20:00.000000
"""

import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("scenario", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("affiliation", sa.String(length=40), nullable=True),
        sa.Column("reliability", sa.String(length=1), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("aliases", JSON, nullable=False),
        sa.Column("body", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
    )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sources_scenario"), ["scenario"], unique=False)
    op.create_table(
        "incident_history_ids",
        sa.Column("incident_id", sa.String(length=64), nullable=False),
        sa.Column("history_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["history_id"],
            ["incident_history.id"],
            name=op.f("fk_incident_history_ids_history_id_incident_history"),
        ),
        sa.PrimaryKeyConstraint("incident_id", "history_id", name=op.f("pk_incident_history_ids")),
    )
    # A revision's look-up of the row it replaces must not scan the table: partial indexes,
    # whose statistics count only the rows that have a value.
    op.drop_index("ix_reports_dataset_dataset_id", table_name="reports")
    op.create_index(
        "ix_reports_dataset_dataset_id",
        "reports",
        ["dataset", "dataset_id"],
        sqlite_where=sa.text("dataset_id IS NOT NULL"),
        postgresql_where=sa.text("dataset_id IS NOT NULL"),
    )
    op.create_index(
        "ix_reports_superseded_by",
        "reports",
        ["superseded_by"],
        sqlite_where=sa.text("superseded_by IS NOT NULL"),
        postgresql_where=sa.text("superseded_by IS NOT NULL"),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_date_start_id", ["date_start", "id"])
        batch_op.create_index("ix_incidents_near", ["date_start", "lat", "lon", "admin1", "id"])
        batch_op.create_index("ix_incidents_admin1_date_start_id", ["admin1", "date_start", "id"])
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_findings_current_lookup",
            ["agreement_id", "current", "incident_id", "category", "responsible_side"],
        )
    connection = op.get_bind()
    _backfill_history_index(connection)
    _backfill_sources(connection)


def _backfill_history_index(connection: sa.Connection) -> None:
    history = sa.table(
        "incident_history",
        sa.column("id", sa.Integer),
        sa.column("removed", sa.JSON),
        sa.column("created", sa.JSON),
    )
    index = sa.table(
        "incident_history_ids", sa.column("incident_id", sa.String), sa.column("history_id")
    )
    rows = []
    for history_id, removed, created in connection.execute(
        sa.select(history.c.id, history.c.removed, history.c.created)
    ).all():
        named = {*_ids(removed), *_ids(created)}
        rows += [{"incident_id": i, "history_id": history_id} for i in sorted(named)]
    if rows:
        connection.execute(sa.insert(index), rows)


def _ids(value: object) -> list[str]:
    return json.loads(value) if isinstance(value, str) else list(value or ())  # type: ignore[call-overload]


def _backfill_sources(connection: sa.Connection) -> None:
    """A store that loaded a scenario before sources lived in the store gets that scenario's
    source book now, as the scenario shipped it."""
    from truce import scenarios

    agreements = sa.table("agreements", sa.column("id", sa.String))
    held = set(connection.execute(sa.select(agreements.c.id)).scalars())
    sources = sa.table(
        "sources",
        *(
            sa.column(n)
            for n in (
                "id",
                "scenario",
                "name",
                "kind",
                "affiliation",
                "reliability",
                "confidential",
                "aliases",
                "body",
            )
        ),
    )
    for name in scenarios.available():
        scenario = scenarios.load(name)
        if not held.intersection(a.id for a in scenario.agreements):
            continue
        aliases = scenario.source_aliases or {}
        connection.execute(
            sa.insert(sources),
            [
                {
                    "id": s.id,
                    "scenario": name,
                    "name": s.name,
                    "kind": s.kind.value,
                    "affiliation": s.affiliation,
                    "reliability": s.reliability,
                    "confidential": s.confidential,
                    "aliases": list(aliases.get(s.id, ())),
                    "body": s.to_plain(),
                }
                for s in scenario.sources
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index("ix_findings_current_lookup")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_admin1_date_start_id")
        batch_op.drop_index("ix_incidents_near")
        batch_op.drop_index("ix_incidents_date_start_id")
    op.drop_index("ix_reports_superseded_by", table_name="reports")
    op.drop_index("ix_reports_dataset_dataset_id", table_name="reports")
    op.create_index("ix_reports_dataset_dataset_id", "reports", ["dataset", "dataset_id"])
    op.drop_table("incident_history_ids")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sources_scenario"))
    op.drop_table("sources")
