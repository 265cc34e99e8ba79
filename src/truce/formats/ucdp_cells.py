"""UCDP GED cells: how each is read and written, and what writing it loses.

These are the functions ucdp.TABLE names, with the fields read from several cells at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from truce.domain.reports import ActorRole, Report, SourceRef
from truce.domain.vocab import COUNTRY_BY_GW, COUNTRY_BY_ISO, ActorRoleKind, DatePrecision
from truce.formats.common import Cells, Draft, Lost, joined, parse_int, sides

DATASET = "UCDP GED"
SOURCE_COLUMNS = (
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
)


@dataclass(frozen=True)
class GedRow:
    """A report being written, with the values several columns and losses share."""

    report: Report
    side_a: ActorRole | None
    side_b: ActorRole | None
    source: SourceRef | None  # the one source record UCDP keeps
    best: int | None  # best, else low, else high
    unsplit: bool  # no deaths are split by side

    @property
    def merged_sources(self) -> bool:
        """Whether the sources do not fit one record, so only their names are kept."""
        source = self.source
        details = source is not None and (source.url or source.publisher or source.language)
        return len(self.report.sources) > 1 or bool(details)


def prepare(report: Report) -> GedRow:
    side_a, side_b = sides(report)
    low, best, high = report.fatalities_low, report.fatalities_best, report.fatalities_high
    deaths = (report.deaths_a, report.deaths_b, report.deaths_civilians, report.deaths_unknown)
    return GedRow(
        report=report,
        side_a=side_a,
        side_b=side_b,
        source=report.sources[0] if report.sources else None,
        best=best if best is not None else (low if low is not None else high),
        unsplit=all(d is None for d in deaths),
    )


# ------------------------------------------------------------------- cell readers


def read_day(cell: str, name: str) -> date:
    value = cell.strip()
    try:
        return datetime.fromisoformat(value.replace(" ", "T")).date()
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not a valid date") from None


def read_one_sided(cell: str, name: str) -> bool:
    """UCDP's type of violence 3, one-sided violence, is violence against civilians."""
    return cell.strip() == "3"


def read_country_iso(cell: str, name: str) -> int | None:
    """The ISO number of the country given by its Gleditsch-Ward number."""
    country = COUNTRY_BY_GW.get(parse_int(cell, name) or 0)
    return country.iso_numeric if country else None


# -------------------------------------------------------------- cell writers and losses


def number(value: float | None) -> str:
    return "" if value is None else repr(value)


def whole(value: int | None, default: int) -> str:
    return str(default if value is None else value)


def count(name: str) -> Callable[[GedRow], str]:
    return lambda row: whole(getattr(row.report, name), 0)


def point(row: GedRow) -> str:
    lat, lon = row.report.lat, row.report.lon
    return f"POINT ({number(lon)} {number(lat)})" if lat is not None else ""


def source_text(name: str) -> Callable[[GedRow], str]:
    return lambda row: getattr(row.source, name) or "" if row.source else ""


def source_office(row: GedRow) -> str:
    if row.merged_sources:
        return joined([s.name for s in row.report.sources])
    return row.source.name if row.source else ""


def violence_type(row: GedRow) -> str:
    """UCDP's type, derived from ACLED-style codes when UCDP's own is not known."""
    coded = row.report.provenance.extras.get("ucdp.type_of_violence", "")
    if coded:
        return coded
    if row.report.civilian_targeting:
        return "3"
    main = {ActorRoleKind.SIDE_A, ActorRoleKind.SIDE_B}
    inters = {a.inter for a in row.report.actors if a.role in main}
    return "1" if inters & {1, 8} else "2"


def gw_number(row: GedRow) -> str:
    kept = row.report.provenance.extras.get("ucdp.country_id", "")
    country = COUNTRY_BY_ISO.get(row.report.country_iso or 0)
    return kept or (str(country.gw_number) if country is not None else "")


def own_id(row: GedRow) -> str:
    """UCDP's own event ID; another dataset's is never passed off as UCDP's."""
    provenance = row.report.provenance
    return provenance.dataset_id or "" if provenance.dataset == DATASET else ""


def violence_type_lost(row: GedRow) -> Lost:
    if not row.report.provenance.extras.get("ucdp.type_of_violence", ""):
        return [("type_of_violence", "derived from actor types; not coded by UCDP")]
    return []


def sources_lost(row: GedRow) -> Lost:
    if row.merged_sources:
        return [("sources", "UCDP keeps one source record; names joined into source_office")]
    return []


def death_split_lost(row: GedRow) -> Lost:
    if row.unsplit and row.best:
        return [("deaths", "the split of deaths by side is unknown; all counted as unknown")]
    return []


def where_lost(row: GedRow) -> Lost:
    if row.report.location_precision is None and row.report.lat is not None:
        return [("location_precision", "unknown; written as 2 (within about 25 km)")]
    return []


def dataset_id_lost(row: GedRow) -> Lost:
    provenance = row.report.provenance
    if provenance.dataset != DATASET and provenance.dataset_id:
        return [("provenance.dataset_id", f"{provenance.dataset} ID is not a UCDP ID")]
    return []


def extra_actors_lost(row: GedRow) -> Lost:
    return [
        ("actors", f"UCDP GED holds one actor per side; {actor.name!r} ({actor.role}) dropped")
        for actor in row.report.actors
        if actor is not row.side_a and actor is not row.side_b
    ]


# ------------------------------------------------------------- fields of several cells


def read_dates(cells: Cells, draft: Draft) -> None:
    start, end = cells["date_start"], cells["date_end"]
    if cells["date_prec"] is DatePrecision.DAY and end != start:
        draft.warnings.append(
            "date_prec 1 (exact day) but date_end differs; kept as a 2-6 day span"
        )
        draft.fields["date_precision"] = DatePrecision.DAYS


def check_figures(cells: Cells, draft: Draft) -> None:
    """Cells that must agree with others: accepted, but warned of when they do not."""
    lat, lon, wkt = cells["latitude"], cells["longitude"], cells["geom_wkt"]
    if lat is not None and lon is not None and wkt and _point(wkt) != (lon, lat):
        draft.warnings.append(f"geom_wkt {wkt!r} does not match latitude/longitude")
    year, start = cells["year"], cells["date_start"]
    if year is not None and year != start.year:
        draft.warnings.append(f"year {year} does not match date_start {start.isoformat()}")
    deaths = [cells[k] for k in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")]
    best, total = cells["best"], sum(v or 0 for v in deaths)
    if best is not None and any(v is not None for v in deaths) and total != best:
        draft.warnings.append(f"best {best} is not the sum of the deaths columns ({total})")


def _point(wkt: str) -> tuple[float, float] | None:
    inside = wkt.upper().removeprefix("POINT").strip().strip("()").split()
    try:
        return (float(inside[0]), float(inside[1])) if len(inside) == 2 else None
    except ValueError:
        return None


def read_sides(cells: Cells, draft: Draft) -> None:
    draft.fields["actors"] = tuple(
        ActorRole(name=cells[side], role=role, ucdp_id=cells[f"{side}_new_id"])
        for side, role in (("side_a", ActorRoleKind.SIDE_A), ("side_b", ActorRoleKind.SIDE_B))
        if cells[side]
    )


def read_source(cells: Cells, draft: Draft) -> None:
    draft.fields["sources"] = ()
    if any(cells[k] for k in SOURCE_COLUMNS):
        source = SourceRef(
            name=cells["source_office"] or "",
            published=cells["source_date"],
            headline=cells["source_headline"],
            citation=cells["source_article"],
            original=cells["source_original"],
        )
        draft.fields["sources"] = (source,)
