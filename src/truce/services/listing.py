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
from truce.services.views import Redactor, sees_protected
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
        return {
            "id": i.id,
            "date_start": i.date_start.isoformat(),
            "date_end": i.date_end.isoformat(),
            "location_name": i.location_name,
            "admin1": i.admin1,
            "lat": i.lat,
            "lon": i.lon,
            "location_precision": i.location_precision,
            "event_type": i.event_type,
            "sub_event_type": i.sub_event_type,
            "fatalities_best": i.fatalities_best,
            "reports": len(i.report_ids),
            "finding": self.category,
            "responsible_side": self.responsible_side,
            "occurrence": self.occurrence,
            "attribution": self.attribution,
            "case_id": self.case_id,
            "case_state": self.case_state,
        }


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


def list_incidents(
    *,
    uow: UnitOfWork,
    who: Principal,
    agreement_id: str,
    filters: IncidentFilter,
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    authorize(who, UseCase.VIEW)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    f = filters
    if f.grade is not None and f.grade not in {"C0", "C1", "C2", "C3", "C4"}:
        raise ValidationFailed("grade is one of C0 to C4", field="grade")
    if f.bbox and (f.bbox[0] > f.bbox[2] or f.bbox[1] > f.bbox[3]):
        raise ValidationFailed("bbox is west,south,east,north", field="bbox")
    # Every place filter acts on the place as this viewer may see it: the coarsened one for
    # incidents built on protected sources, unless the viewer may see those.
    f = dataclasses.replace(f, exact=sees_protected(who))
    zone = _zone(uow, agreement_id, f.zone) if f.zone else None
    if zone is not None:
        # The database narrows to the zone's bounding box; the exact test runs here.
        f = dataclasses.replace(f, bbox=_intersect(f.bbox, zone.bounds))
    after = _decode(cursor) if cursor else None
    rows = _fetch(uow, agreement_id, f, zone, after, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    if not sees_protected(who):
        rows = _redacted(Redactor(uow, who), uow, rows)
    return Page(rows, _cursor(rows[-1]) if more and rows else None)


def _fetch(
    uow: UnitOfWork,
    agreement_id: str,
    f: IncidentFilter,
    zone: Any,
    after: tuple[date, str] | None,
    wanted: int,
) -> list[Row]:
    """Up to `wanted` rows matching every filter. With a zone, fetch batch after batch until
    the page is full or the matches run out, so that a page never ends early."""
    rows: list[Row] = []
    if f.bbox == EMPTY:
        return rows
    batch = wanted if zone is None else max(wanted * 4, 200)
    while len(rows) < wanted:
        found = uow.incidents.listing(agreement_id, f, after, limit=batch)
        for body, category, side, occurrence, attribution, case_id, state, lat, lon in found:
            incident = Incident.parse(body)
            after = (incident.date_start, incident.id)
            if zone is not None and (lat is None or not zone.covers(Point(lon, lat))):
                continue
            rows.append(Row(incident, category, side, occurrence, attribution, case_id, state))
            if len(rows) == wanted:
                break
        if len(found) < batch:
            break
    return rows


EMPTY = (0.0, 0.0, -1.0, -1.0)  # a box nothing falls in


def _intersect(
    box: tuple[float, float, float, float] | None, bounds: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    if box is None:
        return bounds
    west, south = max(box[0], bounds[0]), max(box[1], bounds[1])
    east, north = min(box[2], bounds[2]), min(box[3], bounds[3])
    return (west, south, east, north) if west <= east and south <= north else EMPTY


def _zone(uow: UnitOfWork, agreement_id: str, zone_id: str) -> Any:
    for agreement in uow.agreements.all():
        if agreement.id == agreement_id or agreement.amends == agreement_id:
            for zone in agreement.zones:
                if zone.id == zone_id and zone.geometry:
                    return shape(zone.geometry)
    raise ValidationFailed(f"no zone {zone_id} in {agreement_id}", field="zone")


def _redacted(redactor: Redactor, uow: UnitOfWork, rows: list[Row]) -> list[Row]:
    """Coarsen the incidents built on protected sources (their reports read in one query)."""
    reports = uow.reports.get_many([r for row in rows for r in row.incident.report_ids])
    out = []
    for row in rows:
        incident = redactor.incident(
            row.incident, [reports[r] for r in row.incident.report_ids if r in reports]
        )
        out.append(row if incident is row.incident else dataclasses.replace(row, incident=incident))
    return out
