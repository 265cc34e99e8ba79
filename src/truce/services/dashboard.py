"""The dashboard's view model: map markers, judged-violation counts, the daily chart and
each guarantor's tally, for one period, as this user may see them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from truce.assess.views import GuarantorTally
from truce.domain.access import Principal, UseCase, authorize
from truce.services.assessment import tally_for_day
from truce.services.counts import ViolationCounts, violation_counts
from truce.services.listing import IncidentFilter, Row, list_incidents
from truce.store.uow import UnitOfWork

MAP_LIMIT = 500  # markers drawn; the counts never depend on it
DEFAULT_SPAN = timedelta(days=60)


@dataclass(frozen=True)
class Dashboard:
    start: date
    end: date
    markers: list[dict[str, Any]]
    rows: list[Row]
    map_truncated: bool  # more incidents matched than the map draws
    counts: ViolationCounts
    today: Counter[tuple[str, str]]
    before: Counter[tuple[str, str]]
    chart: dict[str, Any]
    tallies: list[GuarantorTally]


def dashboard(
    *,
    uow: UnitOfWork,
    who: Principal,
    agreement_id: str,
    start: date | None = None,
    end: date | None = None,
    governorate: str | None = None,
    side: str | None = None,
    finding: str | None = None,
) -> Dashboard:
    """Opens on the newest incident's day (not the clock: the data may be historical)."""
    authorize(who, UseCase.VIEW)
    end = end or uow.incidents.latest_day() or date.today()
    start = start or end - DEFAULT_SPAN
    filters = IncidentFilter(
        start=start, end=end, governorate=governorate, side=side, finding=finding
    )
    page = list_incidents(
        uow=uow, who=who, agreement_id=agreement_id, filters=filters, limit=MAP_LIMIT
    )
    counts = violation_counts(
        uow=uow,
        who=who,
        agreement_id=agreement_id,
        start=start,
        end=end,
        governorate=governorate,
        side=side,
        finding=finding,
    )
    return Dashboard(
        start=start,
        end=end,
        markers=[_marker(r) for r in page.rows if r.incident.lat is not None],
        rows=page.rows,
        map_truncated=page.next_cursor is not None,
        counts=counts,
        today=counts.on(end),
        before=counts.on(end - timedelta(days=1)),
        chart=counts.daily(start, end),
        tallies=tally_for_day(uow=uow, who=who, agreement_id=agreement_id, day=end),
    )


def _marker(row: Row) -> dict[str, Any]:
    i = row.incident
    return {
        "id": i.id,
        "lat": i.lat,
        "lon": i.lon,
        "finding": row.category or "none",
        "label": f"{i.date_start} {i.location_name or ''} — {i.sub_event_type or ''}",
        "url": f"/incidents/{i.id}",
    }
