"""Incidents out of the store as GeoJSON (RFC 7946), CSV or JSON, streamed.

The store is read a page at a time (the incident list's keyset cursor, 500 incidents a page)
and each row is written as it comes, so a million incidents export in bounded memory. A row
is the incident with its finding (category, side held responsible, the first of its
reasons), its grades (occurrence, attribution), its case's state and the IDs of its reports,
as the principal may see it: incidents built on protected sources are coarsened to their
district for everyone but the mechanism's analysts, as in every list.
"""

from __future__ import annotations

import csv
import json
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, TextIO

from truce.domain.access import Principal, UseCase, authorize
from truce.domain.errors import InputRejected
from truce.domain.incidents import Finding
from truce.formats.common import neutralise_cell
from truce.services.listing import MAX_LIMIT, IncidentFilter, Page, Row, list_incidents
from truce.store.uow import UnitOfWork

PAGE_SIZE = MAX_LIMIT
Box = tuple[float, float, float, float]  # west, south, east, north


@dataclass(frozen=True, slots=True)
class ExportRow:
    id: str
    date_start: date
    date_end: date
    location_name: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    location_precision: int | None
    event_type: str | None
    sub_event_type: str | None
    fatalities_best: int | None
    finding: str | None  # the finding's category; None if never assessed
    responsible_side: str | None
    reason: str | None  # the first line of the finding's first reason
    occurrence: str | None  # C4 to C0
    attribution: str | None
    case_id: str | None
    case_state: str | None
    report_ids: tuple[str, ...]

    def to_plain(self) -> dict[str, Any]:
        plain = {name: getattr(self, name) for name in COLUMNS}
        plain["date_start"] = self.date_start.isoformat()
        plain["date_end"] = self.date_end.isoformat()
        plain["report_ids"] = list(self.report_ids)
        return plain


COLUMNS = tuple(ExportRow.__dataclass_fields__)
assert COLUMNS[-1] == "report_ids"  # the CSV writer joins the last column
_values = operator.attrgetter(*COLUMNS)


def incident_rows(
    *,
    uow: UnitOfWork,
    who: Principal,
    agreement_id: str,
    start: date | None = None,
    end: date | None = None,
    governorate: str | None = None,
    bbox: Box | None = None,
    page_size: int = PAGE_SIZE,
) -> Iterator[ExportRow]:
    """Every incident matching the filters, newest first, read page by page: dates bound the
    incident's first day, the box its coordinates (an incident with none is outside it).

    The principal and the filters are checked, and the first page read, before the first
    row is asked for: a refusal comes before anything is written."""
    authorize(who, UseCase.VIEW)
    filters = IncidentFilter(start=start, end=end, governorate=governorate, bbox=bbox)

    def page(cursor: str | None) -> Page:
        return list_incidents(
            uow=uow,
            who=who,
            agreement_id=agreement_id,
            filters=filters,
            cursor=cursor,
            limit=page_size,
        )

    def rows(current: Page) -> Iterator[ExportRow]:
        while True:
            assessed = [row.incident.id for row in current.rows if row.category is not None]
            findings = uow.findings.current_many(assessed, agreement_id) if assessed else {}
            for row in current.rows:
                yield _row(row, findings.get(row.incident.id))
            if current.next_cursor is None:
                return
            current = page(current.next_cursor)

    return rows(page(None))


def _row(row: Row, finding: Finding | None) -> ExportRow:
    i = row.incident
    reason = next(iter(finding.reasons[0].splitlines()), "") if finding else None
    return ExportRow(
        id=i.id,
        date_start=i.date_start,
        date_end=i.date_end,
        location_name=i.location_name,
        admin1=i.admin1,
        lat=i.lat,
        lon=i.lon,
        location_precision=i.location_precision,
        event_type=i.event_type,
        sub_event_type=i.sub_event_type,
        fatalities_best=i.fatalities_best,
        finding=row.category,
        responsible_side=row.responsible_side,
        reason=reason,
        occurrence=row.occurrence,
        attribution=row.attribution,
        case_id=row.case_id,
        case_state=row.case_state,
        report_ids=i.report_ids,
    )


# --- writers: each takes rows as they come and returns how many it wrote ---------------------


def write_csv(rows: Iterable[ExportRow], out: TextIO) -> int:
    """One header line, then a line per incident; report IDs joined by ';'."""
    writer = csv.writer(out, lineterminator="\n")  # None is written as an empty cell
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        *cells, report_ids = _values(row)
        # A place name or reason beginning with "=" must not run as a spreadsheet formula.
        safe = [neutralise_cell(c) if isinstance(c, str) else c for c in cells]
        writer.writerow([*safe, ";".join(report_ids)])
        count += 1
    return count


def write_json(rows: Iterable[ExportRow], out: TextIO) -> int:
    """One JSON array, an incident per line."""
    out.write("[")
    count = 0
    for row in rows:
        out.write(("\n" if count == 0 else ",\n") + _dumps(row.to_plain()))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_geojson(rows: Iterable[ExportRow], out: TextIO) -> int:
    """An RFC 7946 FeatureCollection: a Point (longitude, latitude; WGS 84) per incident, or
    a null geometry for one never placed; every other field is a property."""
    out.write('{"type": "FeatureCollection", "features": [')
    count = 0
    for row in rows:
        properties = row.to_plain()
        del properties["lat"], properties["lon"]
        geometry = (
            {"type": "Point", "coordinates": [row.lon, row.lat]}
            if row.lat is not None and row.lon is not None
            else None
        )
        feature = {"type": "Feature", "id": row.id, "geometry": geometry, "properties": properties}
        out.write(("\n" if count == 0 else ",\n") + _dumps(feature))
        count += 1
    out.write("\n]}\n" if count else "]}\n")
    return count


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


Writer = Callable[[Iterable[ExportRow], TextIO], int]
WRITERS: dict[str, Writer] = {"geojson": write_geojson, "csv": write_csv, "json": write_json}
FORMATS = tuple(WRITERS)


def writer_for(fmt: str) -> Writer:
    try:
        return WRITERS[fmt]
    except KeyError:
        raise InputRejected(
            f"unknown incident export format {fmt!r}; use one of {', '.join(FORMATS)}"
        ) from None


def export_incidents(
    *,
    uow: UnitOfWork,
    who: Principal,
    fmt: str,
    out: TextIO,
    agreement_id: str,
    start: date | None = None,
    end: date | None = None,
    governorate: str | None = None,
    bbox: Box | None = None,
) -> int:
    """Write the incidents matching the filters to `out` in `fmt`; how many were written."""
    write = writer_for(fmt)
    rows = incident_rows(
        uow=uow,
        who=who,
        agreement_id=agreement_id,
        start=start,
        end=end,
        governorate=governorate,
        bbox=bbox,
    )
    return write(rows, out)
