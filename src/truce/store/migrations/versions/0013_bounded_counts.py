"""counts out of bounds in stored reports

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 06:30:00.000000

Reports are now refused with a count above 100,000 (or below 0) in any one field. A store
filled before the bound may hold such a report (10^30 deaths from a liaison, a 23-digit ACLED
cell), and a report that no longer reads would break every listing that touches it. Such a
count is emptied here: it was never a number anyone could use, and the document it came from
is kept byte for byte, so nothing received is lost. The bound and the fields are copied, not
imported, so that this revision keeps its meaning if the domain's bound moves later.
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BOUND = 100_000
COUNTS = (
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "injured",
    "arrested",
)


def _plain(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _out_of_bounds(value: Any) -> bool:
    # A float (1e+23) or a huge integer alike; booleans are not counts but never stored here.
    return isinstance(value, int | float) and not 0 <= value <= BOUND


def upgrade() -> None:
    bind = op.get_bind()
    reports = sa.table("reports", sa.column("id", sa.String), sa.column("body", sa.JSON))
    for report_id, body in bind.execute(sa.select(reports.c.id, reports.c.body)).all():
        plain = _plain(body)
        bad = [f for f in COUNTS if _out_of_bounds(plain.get(f))]
        if not bad:
            continue
        for field in bad:
            plain[field] = None
        bind.execute(reports.update().where(reports.c.id == report_id).values(body=plain))


def downgrade() -> None:
    pass  # the emptied counts were unusable; the documents they came from still hold them
