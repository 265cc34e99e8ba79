"""ACLED CSV: the current 31-column export and the older layout, read and written."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from truce.domain.errors import InputRejected, TruceError
from truce.domain.reports import ActorRole, Provenance, Report, SourceRef
from truce.domain.vocab import (
    ACLED_INTER_BY_LABEL,
    ACLED_INTER_CODES,
    COUNTRY_BY_ISO,
    ActorRoleKind,
    DatePrecision,
)
from truce.formats.common import (
    ROW_ERROR,
    Loss,
    ReadResult,
    RowError,
    WriteResult,
    column_error,
    csv_records,
    foreign_extras,
    header_of,
    parse_float,
    parse_int,
    present_fields,
    require_int,
    split_list,
    write_csv,
)

CURRENT_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip
OLD_COLUMNS = [
    "data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year",
    "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1",
    "actor2", "assoc_actor_2", "inter2", "interaction", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "timestamp", "iso3",
]  # fmt: skip
# The columns both layouts need; the rest are optional and kept when present.
REQUIRED = {
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
    "inter1", "actor2", "inter2", "country", "admin1", "location", "latitude", "longitude",
    "geo_precision", "fatalities",
}  # fmt: skip
OLD_ONLY = ("data_id", "event_id_no_cnty", "iso3")
DATASET = "ACLED"

# ACLED geo_precision (1-3) to Truce's UCDP-style location precision (1-7), and back.
GEO_TO_WHERE = {1: 1, 2: 2, 3: 4}
WHERE_TO_GEO = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 3, 7: 3}
TIME_TO_DATE = {1: DatePrecision.DAY, 2: DatePrecision.WEEK, 3: DatePrecision.MONTH}

# Truce's field names to ACLED's columns, so that errors name what the user sees.
FIELD_COLUMNS = {
    "lat": "latitude", "lon": "longitude", "date_start": "event_date", "date_end": "event_date",
    "location_name": "location", "fatalities_low": "fatalities", "fatalities_best": "fatalities",
    "event_type": "event_type", "sub_event_type": "sub_event_type", "country_iso": "iso",
    "location_precision": "geo_precision", "actors": "actor1",
}  # fmt: skip

# Fields an ACLED row carries (some only approximately; see _write_row).
CARRIED = {
    "date_start", "date_end", "date_precision", "location_name", "admin1", "admin2", "admin3",
    "country", "country_iso", "region", "lat", "lon", "location_precision", "actors",
    "event_type", "sub_event_type", "disorder_type", "civilian_targeting", "fatalities_low",
    "fatalities_best", "fatalities_high", "sources", "source_scale", "notes", "tags",
}  # fmt: skip


def read_acled(text: str) -> ReadResult:
    """Parse an ACLED export in either layout. Bad rows are refused with their line."""
    header = header_of(text)
    missing = sorted(REQUIRED - set(header))
    if missing:
        raise InputRejected(f"not an ACLED export: missing column(s) {', '.join(missing)}")
    layout = "current" if "disorder_type" in header else "old"
    result = ReadResult(layout=layout)
    for line, row in csv_records(text):
        row_id = (row.get("event_id_cnty") or "").strip() or None
        if ROW_ERROR in row:
            result.rejected.append(RowError(line, row_id, row[ROW_ERROR]))
            continue
        try:
            report, warnings = _read_row(row, layout)
        except (TruceError, ValueError) as exc:
            result.rejected.append(RowError(line, row_id, column_error(exc, FIELD_COLUMNS)))
            continue
        result.reports.append(report)
        result.warnings.extend(RowError(line, row_id, w) for w in warnings)
    return result


def _parse_date(text: str) -> date:
    value = text.strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"event_date: {value!r} is not a valid date")


def _parse_inter(text: str, name: str) -> tuple[int | None, bool]:
    """An inter code given as a digit or as ACLED's newer text label."""
    value = text.strip()
    if not value:
        return None, False
    if value.isdigit():
        code = int(value)
        if code not in ACLED_INTER_CODES:
            raise ValueError(f"{name}: {code} is not an ACLED inter code (0-8)")
        return code, False
    labelled = ACLED_INTER_BY_LABEL.get(value.lower())
    if labelled is None:
        raise ValueError(f"{name}: {value!r} is not an ACLED inter label")
    return labelled, True


def _read_row(row: dict[str, str], layout: str) -> tuple[Report, list[str]]:
    warnings: list[str] = []
    day = _parse_date(row["event_date"])
    precision_code = require_int(row["time_precision"], "time_precision")
    if precision_code not in TIME_TO_DATE:
        raise ValueError(f"time_precision: {precision_code} is not 1, 2 or 3")
    precision = TIME_TO_DATE[precision_code]
    extras: dict[str, str] = {}
    if precision is DatePrecision.WEEK:
        start, end = day - timedelta(days=3), day + timedelta(days=3)
    elif precision is DatePrecision.MONTH:
        start = day.replace(day=1)
        end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        extras["acled.event_date"] = day.isoformat()  # the day ACLED chose to record
    else:
        start = end = day
    year = parse_int(row.get("year", ""), "year")
    if year is not None and year != day.year:
        warnings.append(f"year {year} does not match event_date {day.isoformat()}")

    inter1, text1 = _parse_inter(row["inter1"], "inter1")
    inter2, text2 = _parse_inter(row["inter2"], "inter2")
    if text1 or text2:
        extras["acled.inter_style"] = "text"
    actors = _actors(row, inter1, inter2)
    interaction = row.get("interaction", "").strip()
    expected = _interaction(inter1, inter2, text=text1 or text2)
    if interaction and interaction != expected:
        warnings.append(f"interaction {interaction!r} does not match inter codes ({expected})")

    targeting = row.get("civilian_targeting", "").strip()
    if targeting not in ("", "Civilians targeted"):
        raise ValueError(
            f"civilian_targeting: {targeting!r} is neither blank nor 'Civilians targeted'"
        )
    geo = require_int(row["geo_precision"], "geo_precision")
    if geo not in GEO_TO_WHERE:
        raise ValueError(f"geo_precision: {geo} is not 1, 2 or 3")
    fatalities = parse_int(row["fatalities"], "fatalities")
    for name in OLD_ONLY:
        if row.get(name, "").strip():
            extras[f"acled.{name}"] = row[name].strip()
    report = Report(
        date_start=start,
        date_end=end,
        date_precision=precision,
        location_name=row["location"].strip() or None,
        admin1=row["admin1"].strip() or None,
        admin2=row.get("admin2", "").strip() or None,
        admin3=row.get("admin3", "").strip() or None,
        country=row["country"].strip() or None,
        country_iso=parse_int(row.get("iso", ""), "iso"),
        region=row.get("region", "").strip() or None,
        lat=parse_float(row["latitude"], "latitude"),
        lon=parse_float(row["longitude"], "longitude"),
        location_precision=GEO_TO_WHERE[geo],
        actors=actors,
        event_type=row["event_type"].strip() or None,
        sub_event_type=row["sub_event_type"].strip() or None,
        disorder_type=row.get("disorder_type", "").strip() or None,
        civilian_targeting=bool(targeting),
        fatalities_low=fatalities,
        fatalities_best=fatalities,
        sources=tuple(SourceRef(name=n) for n in split_list(row.get("source", ""))),
        source_scale=row.get("source_scale", "").strip() or None,
        notes=row.get("notes", "").strip() or None,
        tags=split_list(row.get("tags", "")),
        provenance=Provenance(
            dataset=DATASET,
            dataset_id=row["event_id_cnty"].strip() or None,
            dataset_version=row.get("timestamp", "").strip() or None,
            extras=extras,
        ),
    )
    return report.with_content_id(), warnings


def _actors(row: dict[str, str], inter1: int | None, inter2: int | None) -> tuple[ActorRole, ...]:
    actors: list[ActorRole] = []
    if row["actor1"].strip():
        actors.append(
            ActorRole(name=row["actor1"].strip(), role=ActorRoleKind.SIDE_A, inter=inter1)
        )
    actors += [
        ActorRole(name=n, role=ActorRoleKind.ASSOCIATED_A)
        for n in split_list(row.get("assoc_actor_1", ""))
    ]
    if row["actor2"].strip():
        actors.append(
            ActorRole(name=row["actor2"].strip(), role=ActorRoleKind.SIDE_B, inter=inter2)
        )
    actors += [
        ActorRole(name=n, role=ActorRoleKind.ASSOCIATED_B)
        for n in split_list(row.get("assoc_actor_2", ""))
    ]
    return tuple(actors)


def _interaction(inter1: int | None, inter2: int | None, *, text: bool) -> str:
    codes = sorted(c for c in (inter1 or 0, inter2 or 0))
    if text:
        labels = [ACLED_INTER_CODES[c] for c in codes if c]
        return "-".join(labels) if len(labels) > 1 else (f"{labels[0]} only" if labels else "")
    if not codes[1]:
        return ""
    return f"{codes[1]}{codes[0]}" if not codes[0] else f"{codes[0]}{codes[1]}"


def write_acled(reports: list[Report], *, layout: str = "current") -> WriteResult:
    """Write reports as an ACLED export, listing per row what could not be carried."""
    if layout not in ("current", "old"):
        raise InputRejected(f"unknown ACLED layout {layout!r}: use 'current' or 'old'")
    columns = CURRENT_COLUMNS if layout == "current" else OLD_COLUMNS
    rows, losses = [], []
    for number, report in enumerate(reports, start=1):
        row, lost = _write_row(report, layout)
        rows.append({c: row.get(c, "") for c in columns})
        losses += [Loss(number, report.id, f, why) for f, why in lost]
    return WriteResult(text=write_csv(columns, rows), rows=len(rows), losses=losses)


def _write_row(report: Report, layout: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    lost: list[tuple[str, str]] = []
    extras = report.provenance.extras
    precision = report.date_precision
    if precision is DatePrecision.DAY:
        day, time_precision = report.date_start, 1
    elif precision in (DatePrecision.WEEK, DatePrecision.DAYS):
        day = report.date_start + (report.date_end - report.date_start) / 2
        time_precision = 2
        if precision is DatePrecision.DAYS:
            lost.append(("date_precision", "a 2-6 day span is written as ACLED week precision"))
    elif precision is DatePrecision.MONTH:
        recorded = extras.get("acled.event_date")
        day = (
            date.fromisoformat(recorded)
            if recorded
            else report.date_start + (report.date_end - report.date_start) / 2
        )
        time_precision = 3
    else:
        day, time_precision = report.date_start, 3
        lost.append(("date_precision", "a year-only date has no ACLED form; written as month"))

    side_a = report.first_actor(ActorRoleKind.SIDE_A) or report.first_actor(
        ActorRoleKind.PERPETRATOR
    )
    side_b = report.first_actor(ActorRoleKind.SIDE_B) or report.first_actor(ActorRoleKind.TARGET)
    text_inter = extras.get("acled.inter_style") == "text"
    inter1 = side_a.inter if side_a and side_a.inter is not None else None
    inter2 = side_b.inter if side_b and side_b.inter is not None else None
    if side_a and inter1 is None:
        lost.append(("actors", f"no ACLED inter code known for {side_a.name!r}"))

    def inter_text(code: int | None, present: bool) -> str:
        if not present:
            return "" if text_inter else "0"
        if code is None:
            return ""
        return ACLED_INTER_CODES[code] if text_inter else str(code)

    geo = WHERE_TO_GEO.get(report.location_precision or 2, 3)
    if report.location_precision is None and report.lat is not None:
        lost.append(("location_precision", "unknown; written as geo_precision 2 (near a town)"))
    if report.location_precision in (3, 5, 6, 7):
        lost.append(
            (
                "location_precision",
                f"UCDP precision {report.location_precision} "
                f"is written as ACLED geo_precision {geo}",
            )
        )
    fatalities = next(
        (v for v in (report.fatalities_low, report.fatalities_best) if v is not None), 0
    )
    if any(v not in (None, fatalities) for v in (report.fatalities_best, report.fatalities_high)):
        lost.append(("fatalities", f"ACLED keeps only the lowest figure ({fatalities})"))
    for name in sorted(present_fields(report) - CARRIED):
        lost.append((name, "ACLED has no column for it"))
    if any(s.model_dump(exclude={"name"}, exclude_none=True) for s in report.sources):
        lost.append(
            ("sources", "ACLED keeps only source names (not URLs, dates, headlines or texts)")
        )
    if any(a.ucdp_id for a in report.actors):
        lost.append(("actors.ucdp_id", "ACLED has no column for UCDP actor IDs"))
    lost += [
        (f"provenance.{k}", "kept from another layout; ACLED has no column for it")
        for k in foreign_extras(report, "acled.")
    ]
    if report.provenance.dataset not in (None, DATASET) and report.provenance.dataset_id:
        lost.append(("provenance.dataset_id", f"{report.provenance.dataset} ID is not an ACLED ID"))
    if layout == "current":
        lost += [
            (f"provenance.acled.{n}", "only the older ACLED layout has it")
            for n in OLD_ONLY
            if f"acled.{n}" in extras
        ]
    elif report.disorder_type or report.civilian_targeting or report.tags:
        lost.append(("disorder_type/civilian_targeting/tags", "the older ACLED layout lacks them"))

    row = {
        "event_id_cnty": report.provenance.dataset_id or ""
        if report.provenance.dataset == DATASET
        else "",
        "event_date": day.isoformat(),
        "year": str(day.year),
        "time_precision": str(time_precision),
        "disorder_type": report.disorder_type or "",
        "event_type": report.event_type or "",
        "sub_event_type": report.sub_event_type or "",
        "actor1": side_a.name if side_a else "",
        "assoc_actor_1": "; ".join(a.name for a in report.actors_in(ActorRoleKind.ASSOCIATED_A)),
        "inter1": inter_text(inter1, side_a is not None),
        "actor2": side_b.name if side_b else "",
        "assoc_actor_2": "; ".join(a.name for a in report.actors_in(ActorRoleKind.ASSOCIATED_B)),
        "inter2": inter_text(inter2, side_b is not None),
        "interaction": _interaction(inter1, inter2, text=text_inter),
        "civilian_targeting": "Civilians targeted" if report.civilian_targeting else "",
        "iso": str(report.country_iso) if report.country_iso is not None else "",
        "region": report.region or "",
        "country": report.country or "",
        "admin1": report.admin1 or "",
        "admin2": report.admin2 or "",
        "admin3": report.admin3 or "",
        "location": report.location_name or "",
        "latitude": f"{report.lat:.4f}" if report.lat is not None else "",
        "longitude": f"{report.lon:.4f}" if report.lon is not None else "",
        "geo_precision": str(geo),
        "source": "; ".join(s.name for s in report.sources),
        "source_scale": report.source_scale or "",
        "notes": report.notes or "",
        "fatalities": str(fatalities),
        "tags": "; ".join(report.tags),
        "timestamp": report.provenance.dataset_version or ""
        if report.provenance.dataset == DATASET
        else "",
    }
    for name in OLD_ONLY:
        row[name] = extras.get(f"acled.{name}", "")
    country = COUNTRY_BY_ISO.get(report.country_iso or 0)
    if layout == "old" and not row["iso3"] and country is not None:
        row["iso3"] = country.iso_alpha3
    return row, lost
