"""ACLED cells: how each is read and written, and what writing it loses.

These are the functions acled.TABLE names, with the fields read from several cells at once.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from truce.domain.reports import ActorRole, Report, SourceRef
from truce.domain.vocab import (
    ACLED_INTER_BY_LABEL,
    ACLED_INTER_CODES,
    COUNTRY_BY_ISO,
    ActorRoleKind,
    DatePrecision,
)
from truce.formats.common import Cells, Column, Draft, Lost, extra, joined, parse_names, sides

DATASET = "ACLED"

# ACLED geo_precision (1-3) to Truce's UCDP-style location precision (1-7), and back.
GEO_TO_WHERE = {1: 1, 2: 2, 3: 4}
WHERE_TO_GEO = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 3, 7: 3}
TIME_TO_DATE = {1: DatePrecision.DAY, 2: DatePrecision.WEEK, 3: DatePrecision.MONTH}


@dataclass(frozen=True)
class AcledRow:
    """A report being written, with the values several columns and losses share."""

    report: Report
    layout: str
    day: date  # the one day ACLED records
    time_precision: int
    side_a: ActorRole | None
    side_b: ActorRole | None
    text_inter: bool  # write inter codes as ACLED's newer text labels
    geo: int
    fatalities: int


def prepare(report: Report, layout: str) -> AcledRow:
    day, time_precision = _recorded_day(report)
    side_a, side_b = sides(report)
    low, best = report.fatalities_low, report.fatalities_best
    return AcledRow(
        report=report,
        layout=layout,
        day=day,
        time_precision=time_precision,
        side_a=side_a,
        side_b=side_b,
        text_inter=report.provenance.extras.get("acled.inter_style") == "text",
        geo=WHERE_TO_GEO.get(report.location_precision or 2, 3),
        fatalities=next((v for v in (low, best) if v is not None), 0),
    )


def _recorded_day(report: Report) -> tuple[date, int]:
    precision = report.date_precision
    middle = report.date_start + (report.date_end - report.date_start) / 2
    if precision is DatePrecision.DAY:
        return report.date_start, 1
    if precision in (DatePrecision.WEEK, DatePrecision.DAYS):
        return middle, 2
    if precision is DatePrecision.MONTH:
        recorded = report.provenance.extras.get("acled.event_date")
        return (date.fromisoformat(recorded) if recorded else middle), 3
    return report.date_start, 3


# ------------------------------------------------------------------- cell readers


def read_event_date(cell: str, name: str) -> date:
    value = cell.strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{name}: {value!r} is not a valid date")


def read_inter(cell: str, name: str) -> tuple[int | None, bool]:
    """An inter code given as a digit or as ACLED's newer text label, and which it was."""
    value = cell.strip()
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


def read_targeting(cell: str, name: str) -> bool:
    value = cell.strip()
    if value not in ("", "Civilians targeted"):
        raise ValueError(f"{name}: {value!r} is neither blank nor 'Civilians targeted'")
    return bool(value)


def read_sources(cell: str, name: str) -> tuple[SourceRef, ...]:
    return tuple(SourceRef(name=n) for n in parse_names(cell, name))


# -------------------------------------------------------------- cell writers and losses


def associates(row: AcledRow, role: ActorRoleKind) -> str:
    return joined([a.name for a in row.report.actors_in(role)])


def inter_code(side: ActorRole | None) -> int | None:
    return side.inter if side else None


def inter_cell(row: AcledRow, side: ActorRole | None) -> str:
    if side is None:
        return "" if row.text_inter else "0"
    if side.inter is None:
        return ""
    return ACLED_INTER_CODES[side.inter] if row.text_inter else str(side.inter)


def interaction(inter1: int | None, inter2: int | None, *, text: bool) -> str:
    codes = sorted(c for c in (inter1 or 0, inter2 or 0))
    if text:
        labels = [ACLED_INTER_CODES[c] for c in codes if c]
        return "-".join(labels) if len(labels) > 1 else (f"{labels[0]} only" if labels else "")
    if not codes[1]:
        return ""
    return f"{codes[1]}{codes[0]}" if not codes[0] else f"{codes[0]}{codes[1]}"


def coordinate(value: float | None) -> str:
    return f"{value:.4f}" if value is not None else ""


def own_id(value: str | None, row: AcledRow) -> str:
    """An identifier of ACLED's own; another dataset's is never passed off as ACLED's."""
    return value or "" if row.report.provenance.dataset == DATASET else ""


def iso3(row: AcledRow) -> str:
    country = COUNTRY_BY_ISO.get(row.report.country_iso or 0)
    kept = row.report.provenance.extras.get("acled.iso3", "")
    return kept or (country.iso_alpha3 if country is not None else "")


def date_precision_lost(row: AcledRow) -> Lost:
    if row.report.date_precision is DatePrecision.DAYS:
        return [("date_precision", "a 2-6 day span is written as ACLED week precision")]
    if row.report.date_precision is DatePrecision.YEAR:
        return [("date_precision", "a year-only date has no ACLED form; written as month")]
    return []


def inter_lost(row: AcledRow) -> Lost:
    if row.side_a and row.side_a.inter is None:
        return [("actors", f"no ACLED inter code known for {row.side_a.name!r}")]
    return []


def geo_lost(row: AcledRow) -> Lost:
    where = row.report.location_precision
    if where is None and row.report.lat is not None:
        return [("location_precision", "unknown; written as geo_precision 2 (near a town)")]
    if where in (3, 5, 6, 7):
        reason = f"UCDP precision {where} is written as ACLED geo_precision {row.geo}"
        return [("location_precision", reason)]
    return []


def fatalities_lost(row: AcledRow) -> Lost:
    others = (row.report.fatalities_best, row.report.fatalities_high)
    if any(v not in (None, row.fatalities) for v in others):
        return [("fatalities", f"ACLED keeps only the lowest figure ({row.fatalities})")]
    return []


def sources_lost(row: AcledRow) -> Lost:
    if any(s.model_dump(exclude={"name"}, exclude_none=True) for s in row.report.sources):
        reason = "ACLED keeps only source names (not URLs, dates, headlines or texts)"
        return [("sources", reason)]
    return []


def ucdp_ids_lost(row: AcledRow) -> Lost:
    if any(a.ucdp_id for a in row.report.actors):
        return [("actors.ucdp_id", "ACLED has no column for UCDP actor IDs")]
    return []


def dataset_id_lost(row: AcledRow) -> Lost:
    provenance = row.report.provenance
    if provenance.dataset not in (None, DATASET) and provenance.dataset_id:
        return [("provenance.dataset_id", f"{provenance.dataset} ID is not an ACLED ID")]
    return []


def old_only(name: str) -> Column[AcledRow]:
    """A column only the older layout has: kept as an extra, lost in the current layout."""

    def lost(row: AcledRow) -> Lost:
        if row.layout == "current" and f"acled.{name}" in row.report.provenance.extras:
            return [(f"provenance.acled.{name}", "only the older ACLED layout has it")]
        return []

    write = iso3 if name == "iso3" else extra(f"acled.{name}")
    return Column(name, write=write, keep=True, lost=lost)


def new_only_lost(row: AcledRow) -> Lost:
    report = row.report
    if row.layout == "old" and (report.disorder_type or report.civilian_targeting or report.tags):
        return [("disorder_type/civilian_targeting/tags", "the older ACLED layout lacks them")]
    return []


# ------------------------------------------------------------- fields of several cells


def read_dates(cells: Cells, draft: Draft) -> None:
    day, precision = cells["event_date"], cells["time_precision"]
    if precision is DatePrecision.WEEK:
        start, end = day - timedelta(days=3), day + timedelta(days=3)
    elif precision is DatePrecision.MONTH:
        start = day.replace(day=1)
        end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        draft.extras["acled.event_date"] = day.isoformat()  # the day ACLED chose to record
    else:
        start = end = day
    draft.fields.update(date_start=start, date_end=end, date_precision=precision)
    year = cells["year"]
    if year is not None and year != day.year:
        draft.warnings.append(f"year {year} does not match event_date {day.isoformat()}")


def read_actors(cells: Cells, draft: Draft) -> None:
    (inter1, text1), (inter2, text2) = cells["inter1"], cells["inter2"]
    if text1 or text2:
        draft.extras["acled.inter_style"] = "text"
    actors = (
        *_side(cells["actor1"], ActorRoleKind.SIDE_A, inter1),
        *(ActorRole(name=n, role=ActorRoleKind.ASSOCIATED_A) for n in cells["assoc_actor_1"]),
        *_side(cells["actor2"], ActorRoleKind.SIDE_B, inter2),
        *(ActorRole(name=n, role=ActorRoleKind.ASSOCIATED_B) for n in cells["assoc_actor_2"]),
    )
    draft.fields["actors"] = actors
    given = cells["interaction"]
    expected = interaction(inter1, inter2, text=text1 or text2)
    if given and given != expected:
        draft.warnings.append(f"interaction {given!r} does not match inter codes ({expected})")


def _side(name: str | None, role: ActorRoleKind, inter: int | None) -> list[ActorRole]:
    return [ActorRole(name=name, role=role, inter=inter)] if name else []
