"""Incident lists with filters and cursor pagination, for the API and the pages.

Newest first. A cursor is the (date, ID) of the last row seen, opaque to clients; pages
stay stable while incidents are added (no offsets that shift under the reader).
"""

from __future__ import annotations

import base64
import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

from shapely.geometry import Point, shape

from truce.domain.access import Principal, UseCase, authorize
from truce.domain.errors import ValidationFailed
from truce.domain.incidents import Incident
from truce.services.views import coarsened, sees_protected
from truce.store.incidents import IncidentFilter
from truce.store.uow import UnitOfWork

MAX_LIMIT = 500


@dataclass(frozen=True)
class Row:
    incident: Incident
    category: str | None
    responsible_side: str | None
    occurrence: str | None
    attribution: str | None
    case_id: str | None
    case_state: str | None

    def to_plain(self) -> dict[str, Any]:
        i = self.incident
        return {"id": i.id, "date_start": i.date_start.isoformat(), "date_end": i.date_end.isoformat(),
                "location_name": i.location_name, "admin1": i.admin1, "lat": i.lat, "lon": i.lon,
                "location_precision": i.location_precision, "event_type": i.event_type,
                "sub_event_type": i.sub_event_type, "fatalities_best": i.fatalities_best,
                "reports": len(i.report_ids), "finding": self.category, "responsible_side": self.responsible_side,
                "occurrence": self.occurrence, "attribution": self.attribution, "case_id": self.case_id,
                "case_state": self.case_state}  # fmt: skip


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    next_cursor: str | None


def _cursor(row: Row) -> str:
    raw = f"{row.incident.date_start.isoformat()}|{row.incident.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[date, str]:
    try:
        day, incident_id = (
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|", 1)
        )
        return date.fromisoformat(day), incident_id
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("not a cursor this server gave out", field="cursor") from None


def list_incidents(*, uow: UnitOfWork, who: Principal, agreement_id: str, filters: IncidentFilter,
                   cursor: str | None = None, limit: int = 50) -> Page:  # fmt: skip
    authorize(who, UseCase.VIEW)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    f = filters
    if f.grade is not None and f.grade not in {"C0", "C1", "C2", "C3", "C4"}:
        raise ValidationFailed("grade is one of C0 to C4", field="grade")
    if f.bbox and (f.bbox[0] > f.bbox[2] or f.bbox[1] > f.bbox[3]):
        raise ValidationFailed("bbox is west,south,east,north", field="bbox")
    zone = _zone(uow, agreement_id, f.zone) if f.zone else None
    after = _decode(cursor) if cursor else None
    rows: list[Row] = []
    batch = limit + 1
    found = uow.incidents.listing(agreement_id, f, after, limit=batch * 4 if zone else batch)
    for body, category, side, occurrence, attribution, case_id, state in found:
        incident = Incident.parse(body)
        if zone is not None and (
            incident.lat is None or not zone.covers(Point(incident.lon, incident.lat))
        ):
            continue
        rows.append(Row(incident, category, side, occurrence, attribution, case_id, state))
        if len(rows) == batch:
            break
    more = len(rows) > limit
    rows = rows[:limit]
    if not sees_protected(who):
        rows = _redacted(uow, rows)
    return Page(rows, _cursor(rows[-1]) if more and rows else None)


VIOLATIONS = ("violation_serious", "violation_minor")


def violation_counts(*, uow: UnitOfWork, who: Principal, agreement_id: str, start: date | None = None,
                     end: date | None = None) -> dict[str, Any]:  # fmt: skip
    """Violations by governorate and by side held responsible, for the dashboard."""
    authorize(who, UseCase.VIEW)
    by_governorate: dict[str, int] = {}
    by_side: dict[str, int] = {}
    for governorate, side, n in uow.incidents.counts(agreement_id, VIOLATIONS, start, end):
        by_governorate[governorate or "unknown"] = (
            by_governorate.get(governorate or "unknown", 0) + n
        )
        by_side[side or "unknown"] = by_side.get(side or "unknown", 0) + n
    return {"by_governorate": by_governorate, "by_side": by_side, "total": sum(by_side.values())}


def _zone(uow: UnitOfWork, agreement_id: str, zone_id: str) -> Any:
    for agreement in uow.agreements.all():
        if agreement.id == agreement_id or agreement.amends == agreement_id:
            for zone in agreement.zones:
                if zone.id == zone_id and zone.geometry:
                    return shape(zone.geometry)
    raise ValidationFailed(f"no zone {zone_id} in {agreement_id}", field="zone")


def _redacted(uow: UnitOfWork, rows: list[Row]) -> list[Row]:
    """Coarsen the incidents built on protected sources (their reports read in one query)."""
    reports = uow.reports.get_many([r for row in rows for r in row.incident.report_ids])
    out = []
    for row in rows:
        incident = coarsened(
            row.incident, [reports[r] for r in row.incident.report_ids if r in reports]
        )
        out.append(row if incident is row.incident else dataclasses.replace(row, incident=incident))
    return out
