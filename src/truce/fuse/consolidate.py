"""An incident's consolidated fields, each traced to the reports that claim it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from truce.domain.incidents import FieldClaim, Incident
from truce.domain.reports import Report
from truce.domain.vocab import (
    ACLED_EVENT_TYPES,
    ACLED_SUB_EVENT_TYPES,
    SUB_EVENT_TO_EVENT,
    DatePrecision,
)

_PRECEDENCE = {
    sub: (ACLED_EVENT_TYPES.index(ev), i)
    for ev, subs in ACLED_SUB_EVENT_TYPES.items()
    for i, sub in enumerate(subs)
}


def _precision(span_days: int) -> DatePrecision:
    if span_days == 0:
        return DatePrecision.DAY
    if span_days <= 5:
        return DatePrecision.DAYS
    return DatePrecision.WEEK if span_days <= 7 else DatePrecision.MONTH


def claims(reports: Sequence[Report], value_of: Any) -> tuple[FieldClaim, ...]:
    """Every value the reports give for a field, with who gives it; conflicts kept side by side."""
    by_value: dict[Any, list[str]] = {}
    for report in reports:
        value = value_of(report)
        if value is not None:
            by_value.setdefault(value, []).append(report.id)
    return tuple(FieldClaim(value=v, report_ids=tuple(ids)) for v, ids in by_value.items())


def consolidate(
    incident_id: str, reports: Sequence[Report], former_ids: tuple[str, ...] = ()
) -> Incident:
    if not reports:
        raise ValueError("an incident needs at least one report")
    lo = max(r.date_start for r in reports)
    hi = min(r.date_end for r in reports)
    if lo <= hi:
        start, end = lo, hi  # the days every report allows
    else:
        start, end = min(r.date_start for r in reports), max(r.date_end for r in reports)
    precision = _precision((end - start).days)
    placed = [r for r in reports if r.lat is not None]
    where = min(placed, key=lambda r: (r.location_precision or 9, r.id)) if placed else None
    subs = Counter(r.sub_event_type for r in reports if r.sub_event_type)
    sub = min(subs, key=lambda s: (-subs[s], _PRECEDENCE[s])) if subs else None
    figures = [f for f in (r.best_fatalities() for r in reports) if f is not None]
    return Incident(
        id=incident_id,
        report_ids=tuple(sorted(r.id for r in reports)),
        former_ids=former_ids,
        date_start=start,
        date_end=end,
        date_precision=precision,
        location_name=where.location_name if where else None,
        admin1=where.admin1 if where else Counter(r.admin1 for r in reports).most_common(1)[0][0],
        lat=where.lat if where else None,
        lon=where.lon if where else None,
        location_precision=where.location_precision if where else None,
        event_type=SUB_EVENT_TO_EVENT[sub]
        if sub
        else next((r.event_type for r in reports if r.event_type), None),
        sub_event_type=sub,
        # ACLED keeps the lowest figure; the range keeps every source's claim visible.
        fatalities_low=min(figures) if figures else None,
        fatalities_best=sorted(figures)[(len(figures) - 1) // 2] if figures else None,
        fatalities_high=max(figures) if figures else None,
        claims={
            "sub_event_type": claims(reports, lambda r: r.sub_event_type),
            "date_start": claims(reports, lambda r: r.date_start.isoformat()),
            "location_name": claims(reports, lambda r: r.location_name),
            "fatalities": claims(reports, lambda r: r.best_fatalities()),
            "perpetrator_side": claims(reports, _perpetrator_side),
            "perpetrator": claims(reports, _perpetrator),
        },
    )


def _perpetrator(report: Report) -> str | None:
    actor = report.perpetrator()
    return actor.name if actor else None


def _perpetrator_side(report: Report) -> str | None:
    actor = report.perpetrator()
    return actor.side if actor else None
