"""incidents' place as the public sees it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 05:10:00.000000
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_lat", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("public_lon", sa.Float(), nullable=True))
    _backfill(op.get_bind())


def _plain(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _backfill(connection: sa.Connection) -> None:
    """Incidents stored before this revision: the exact place, coarsened (to a tenth of a
    degree, as redaction does) where one of their reports names a protected source."""
    from truce.domain.actors import normalise_name

    sources = sa.table(
        "sources", sa.column("name"), sa.column("aliases"), sa.column("confidential")
    )
    protected = set()
    for name, aliases, confidential in connection.execute(
        sa.select(sources.c.name, sources.c.aliases, sources.c.confidential)
    ):
        if confidential:
            protected |= {normalise_name(n) for n in (name, *(_plain(aliases) or ()))}
    incidents = sa.table(
        "incidents",
        sa.column("id"),
        sa.column("lat"),
        sa.column("lon"),
        sa.column("public_lat"),
        sa.column("public_lon"),
    )
    members = sa.table("incident_members", sa.column("report_id"), sa.column("incident_id"))
    reports = sa.table("reports", sa.column("id"), sa.column("body"))
    hidden = set()
    if protected:
        rows = connection.execute(
            sa.select(members.c.incident_id, reports.c.body).join(
                reports, reports.c.id == members.c.report_id
            )
        )
        for incident_id, body in rows:
            names = [s.get("name") for s in (_plain(body) or {}).get("sources", ())]
            if any(n and normalise_name(n) in protected for n in names):
                hidden.add(incident_id)
    connection.execute(
        sa.update(incidents).values(public_lat=incidents.c.lat, public_lon=incidents.c.lon)
    )
    for incident_id in sorted(hidden):
        row = connection.execute(
            sa.select(incidents.c.lat, incidents.c.lon).where(incidents.c.id == incident_id)
        ).first()
        if row is not None and row.lat is not None:
            connection.execute(
                sa.update(incidents)
                .where(incidents.c.id == incident_id)
                .values(public_lat=round(row.lat, 1), public_lon=round(row.lon, 1))
            )


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("public_lon")
        batch_op.drop_column("public_lat")
