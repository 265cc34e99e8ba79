"""protected documents: the installation's commitment key, and incidents quoting a protected
source coarsened for the public (issue 11, items 2-4)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 05:40:00.000000
"""

import json
import secrets
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COMMITMENT_KEY = "commitment-key"


def upgrade() -> None:
    op.create_table(
        "installation_secrets",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    # A random key per installation, made here: it never leaves the store, and without it a
    # ledger commitment or a keyed document identifier confirms nothing.
    secrets_table = sa.table("installation_secrets", sa.column("name"), sa.column("value"))
    op.get_bind().execute(
        sa.insert(secrets_table).values(name=COMMITMENT_KEY, value=secrets.token_hex(32))
    )
    _coarsen_quoting(op.get_bind())


def _plain(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _coarsen_quoting(connection: sa.Connection) -> None:
    """Incidents stored before this revision whose reports name or quote a protected source
    in any form ("WB1", "Witness WB-1 said ..."): their public place coarsened, as redaction
    now does. 0009 caught only the reports a protected source submitted under an exact name."""
    from truce.domain.redaction import mentioned_anywhere

    sources = sa.table(
        "sources", sa.column("name"), sa.column("aliases"), sa.column("confidential")
    )
    protected: list[str] = []
    for name, aliases, confidential in connection.execute(
        sa.select(sources.c.name, sources.c.aliases, sources.c.confidential)
    ):
        if confidential:
            protected += [name, *(_plain(aliases) or ())]
    if not protected:
        return
    members = sa.table("incident_members", sa.column("report_id"), sa.column("incident_id"))
    reports = sa.table("reports", sa.column("id"), sa.column("body"))
    hidden = set()
    rows = connection.execute(
        sa.select(members.c.incident_id, reports.c.body).join(
            reports, reports.c.id == members.c.report_id
        )
    )
    for incident_id, body in rows:
        plain = _plain(body) or {}
        plain.pop("spans", None)
        if mentioned_anywhere(plain, protected):
            hidden.add(incident_id)
    incidents = sa.table(
        "incidents",
        sa.column("id"),
        sa.column("lat"),
        sa.column("lon"),
        sa.column("public_lat"),
        sa.column("public_lon"),
    )
    for incident_id in sorted(hidden):
        row = connection.execute(
            sa.select(incidents.c.lat, incidents.c.lon).where(incidents.c.id == incident_id)
        ).first()
        if row is not None and row.lat is not None and row.lon is not None:
            connection.execute(
                sa.update(incidents)
                .where(incidents.c.id == incident_id)
                .values(public_lat=round(row.lat, 1), public_lon=round(row.lon, 1))
            )


def downgrade() -> None:
    op.drop_table("installation_secrets")
