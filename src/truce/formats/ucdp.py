"""UCDP GED CSV (49 columns), read and written."""

from __future__ import annotations

from datetime import date, datetime

from truce.domain.errors import InputRejected, TruceError
from truce.domain.reports import ActorRole, Provenance, Report, SourceRef
from truce.domain.vocab import (
    COUNTRY_BY_GW,
    COUNTRY_BY_ISO,
    UCDP_DATE_PREC,
    UCDP_DATE_PREC_CODE,
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
    write_csv,
)

COLUMNS = [
    "id", "relid", "year", "active_year", "code_status", "type_of_violence",
    "conflict_dset_id", "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id",
    "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id",
    "side_b", "number_of_sources", "source_article", "source_office", "source_date",
    "source_headline", "source_original", "where_prec", "where_coordinates",
    "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt", "priogrid_gid",
    "country", "country_id", "region", "event_clarity", "date_prec", "date_start", "date_end",
    "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
    "gwnoa", "gwnob",
]  # fmt: skip
# UCDP's own codes and IDs, which Truce keeps as provenance rather than modelling.
KEPT_AS_EXTRAS = (
    "relid", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name",
    "side_a_dset_id", "side_b_dset_id", "number_of_sources", "where_description",
    "priogrid_gid", "country_id", "event_clarity", "gwnoa", "gwnob",
)  # fmt: skip
DATASET = "UCDP GED"
FIELD_COLUMNS = {
    "lat": "latitude", "lon": "longitude", "location_name": "where_coordinates",
    "location_precision": "where_prec", "fatalities_low": "low", "fatalities_best": "best",
    "fatalities_high": "high", "admin1": "adm_1", "admin2": "adm_2",
}  # fmt: skip
CARRIED = {
    "date_start", "date_end", "date_precision", "location_name", "admin1", "admin2",
    "country", "country_iso", "region", "lat", "lon", "location_precision", "actors",
    "fatalities_low", "fatalities_best", "fatalities_high", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "sources", "civilian_targeting",
}  # fmt: skip


def read_ucdp(text: str) -> ReadResult:
    """Parse a UCDP GED CSV. Bad rows are refused; odd death ranges only warned."""
    header = header_of(text)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputRejected(
            f"not a UCDP GED file: missing {len(missing)} column(s), e.g. {', '.join(missing[:5])}"
        )
    result = ReadResult(layout="ged")
    for line, row in csv_records(text):
        row_id = (row.get("id") or "").strip() or None
        if ROW_ERROR in row:
            result.rejected.append(RowError(line, row_id, row[ROW_ERROR]))
            continue
        try:
            report, warnings = _read_row(row)
        except (TruceError, ValueError) as exc:
            result.rejected.append(RowError(line, row_id, column_error(exc, FIELD_COLUMNS)))
            continue
        result.reports.append(report)
        result.warnings.extend(RowError(line, row_id, w) for w in warnings)
    return result


def _parse_day(text: str, name: str) -> date:
    value = text.strip()
    try:
        return datetime.fromisoformat(value.replace(" ", "T")).date() if value else _missing(name)
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not a valid date") from None


def _missing(name: str) -> date:
    raise ValueError(f"{name}: a value is required")


def _read_row(row: dict[str, str]) -> tuple[Report, list[str]]:
    warnings: list[str] = []
    start = _parse_day(row["date_start"], "date_start")
    end = _parse_day(row["date_end"], "date_end")
    prec_code = require_int(row["date_prec"], "date_prec")
    if prec_code not in UCDP_DATE_PREC:
        raise ValueError(f"date_prec: {prec_code} is not 1-5")
    precision = UCDP_DATE_PREC[prec_code]
    if precision is DatePrecision.DAY and end != start:
        warnings.append("date_prec 1 (exact day) but date_end differs; kept as a 2-6 day span")
        precision = DatePrecision.DAYS
    where = require_int(row["where_prec"], "where_prec")
    if not 1 <= where <= 7:
        raise ValueError(f"where_prec: {where} is not 1-7")
    lat = parse_float(row["latitude"], "latitude")
    lon = parse_float(row["longitude"], "longitude")
    wkt = row["geom_wkt"].strip()
    if lat is not None and lon is not None and wkt and _point(wkt) != (lon, lat):
        warnings.append(f"geom_wkt {wkt!r} does not match latitude/longitude")
    year = parse_int(row["year"], "year")
    if year is not None and year != start.year:
        warnings.append(f"year {year} does not match date_start {start.isoformat()}")
    deaths = {
        k: parse_int(row[k], k)
        for k in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
    }
    best = parse_int(row["best"], "best")
    total = sum(v or 0 for v in deaths.values())
    if best is not None and any(v is not None for v in deaths.values()) and total != best:
        warnings.append(f"best {best} is not the sum of the deaths columns ({total})")
    gw = parse_int(row["country_id"], "country_id")
    country = COUNTRY_BY_GW.get(gw or 0)
    extras = {f"ucdp.{k}": row[k].strip() for k in KEPT_AS_EXTRAS if row[k].strip()}
    actors = []
    if row["side_a"].strip():
        actors.append(
            ActorRole(
                name=row["side_a"].strip(),
                role=ActorRoleKind.SIDE_A,
                ucdp_id=row["side_a_new_id"].strip() or None,
            )
        )
    if row["side_b"].strip():
        actors.append(
            ActorRole(
                name=row["side_b"].strip(),
                role=ActorRoleKind.SIDE_B,
                ucdp_id=row["side_b_new_id"].strip() or None,
            )
        )
    source_fields = (
        "source_article",
        "source_office",
        "source_date",
        "source_headline",
        "source_original",
    )
    sources: tuple[SourceRef, ...] = ()
    if any(row[k].strip() for k in source_fields):
        sources = (
            SourceRef(
                name=row["source_office"].strip(),
                published=row["source_date"].strip() or None,
                headline=row["source_headline"].strip() or None,
                citation=row["source_article"].strip() or None,
                original=row["source_original"].strip() or None,
            ),
        )
    report = Report(
        date_start=start,
        date_end=end,
        date_precision=precision,
        location_name=row["where_coordinates"].strip() or None,
        admin1=row["adm_1"].strip() or None,
        admin2=row["adm_2"].strip() or None,
        country=row["country"].strip() or None,
        country_iso=country.iso_numeric if country else None,
        region=row["region"].strip() or None,
        lat=lat,
        lon=lon,
        location_precision=where,
        actors=tuple(actors),
        civilian_targeting=row["type_of_violence"].strip() == "3",
        fatalities_low=parse_int(row["low"], "low"),
        fatalities_best=best,
        fatalities_high=parse_int(row["high"], "high"),
        sources=sources,
        provenance=Provenance(dataset=DATASET, dataset_id=row["id"].strip() or None, extras=extras),
        **deaths,
    )
    warnings += report.fatality_warnings()
    return report.with_content_id(), warnings


def _point(wkt: str) -> tuple[float, float] | None:
    inside = wkt.upper().removeprefix("POINT").strip().strip("()").split()
    try:
        return (float(inside[0]), float(inside[1])) if len(inside) == 2 else None
    except ValueError:
        return None


def write_ucdp(reports: list[Report]) -> WriteResult:
    """Write reports as UCDP GED rows, listing per row what could not be carried."""
    rows, losses = [], []
    for number, report in enumerate(reports, start=1):
        row, lost = _write_row(report)
        rows.append({c: row.get(c, "") for c in COLUMNS})
        losses += [Loss(number, report.id, f, why) for f, why in lost]
    return WriteResult(text=write_csv(COLUMNS, rows), rows=len(rows), losses=losses)


def _type_of_violence(report: Report) -> str:
    """UCDP's type, derived from ACLED-style codes when UCDP's own is not known."""
    if report.civilian_targeting:
        return "3"
    inters = {
        a.inter for a in report.actors if a.role in (ActorRoleKind.SIDE_A, ActorRoleKind.SIDE_B)
    }
    return "1" if inters & {1, 8} else "2"


def _write_row(report: Report) -> tuple[dict[str, str], list[tuple[str, str]]]:
    lost: list[tuple[str, str]] = []
    extras = report.provenance.extras
    side_a = report.first_actor(ActorRoleKind.SIDE_A) or report.first_actor(
        ActorRoleKind.PERPETRATOR
    )
    side_b = report.first_actor(ActorRoleKind.SIDE_B) or report.first_actor(ActorRoleKind.TARGET)
    row = {c: extras.get(f"ucdp.{c}", "") for c in KEPT_AS_EXTRAS}
    if not row["type_of_violence"]:
        row["type_of_violence"] = _type_of_violence(report)
        lost.append(("type_of_violence", "derived from actor types; not coded by UCDP"))
    country = COUNTRY_BY_ISO.get(report.country_iso or 0)
    if not row["country_id"] and country is not None:
        row["country_id"] = str(country.gw_number)
    source = report.sources[0] if report.sources else None
    if len(report.sources) > 1 or (source and (source.url or source.publisher or source.language)):
        row["source_office"] = "; ".join(s.name for s in report.sources)
        lost.append(("sources", "UCDP keeps one source record; names joined into source_office"))
    elif source is not None:
        row["source_office"] = source.name
    if source is not None:
        row.update(
            source_article=source.citation or "",
            source_date=source.published or "",
            source_headline=source.headline or "",
            source_original=source.original or "",
        )
    low, best, high = report.fatalities_low, report.fatalities_best, report.fatalities_high
    deaths = (report.deaths_a, report.deaths_b, report.deaths_civilians, report.deaths_unknown)
    if best is None:
        best = low if low is not None else high
    if all(d is None for d in deaths) and best:
        lost.append(("deaths", "the split of deaths by side is unknown; all counted as unknown"))
    is_ucdp = report.provenance.dataset == DATASET
    row.update(
        id=report.provenance.dataset_id or "" if is_ucdp else "",
        year=str(report.date_start.year),
        side_a_new_id=side_a.ucdp_id or "" if side_a else "",
        side_a=side_a.name if side_a else "",
        side_b_new_id=side_b.ucdp_id or "" if side_b else "",
        side_b=side_b.name if side_b else "",
        where_prec=str(report.location_precision or 2),
        where_coordinates=report.location_name or "",
        adm_1=report.admin1 or "",
        adm_2=report.admin2 or "",
        latitude=_num(report.lat),
        longitude=_num(report.lon),
        geom_wkt=f"POINT ({_num(report.lon)} {_num(report.lat)})" if report.lat is not None else "",
        country=report.country or "",
        region=report.region or "",
        date_prec=str(UCDP_DATE_PREC_CODE[report.date_precision]),
        date_start=report.date_start.isoformat(),
        date_end=report.date_end.isoformat(),
        deaths_a=_int(report.deaths_a, 0),
        deaths_b=_int(report.deaths_b, 0),
        deaths_civilians=_int(report.deaths_civilians, 0),
        deaths_unknown=_int(
            report.deaths_unknown, (best or 0) if all(d is None for d in deaths) else 0
        ),
        best=_int(best, 0),
        high=_int(high, best or 0),
        low=_int(low, best or 0),
    )
    if report.location_precision is None and report.lat is not None:
        lost.append(("location_precision", "unknown; written as 2 (within about 25 km)"))
    if not is_ucdp and report.provenance.dataset_id:
        lost.append(("provenance.dataset_id", f"{report.provenance.dataset} ID is not a UCDP ID"))
    for name in sorted(present_fields(report) - CARRIED):
        lost.append((name, "UCDP GED has no column for it"))
    main = {id(side_a), id(side_b)}
    for actor in report.actors:
        if id(actor) not in main:
            lost.append(
                (
                    "actors",
                    f"UCDP GED holds one actor per side; {actor.name!r} ({actor.role}) dropped",
                )
            )
    lost += [
        (f"provenance.{k}", "kept from another layout; UCDP GED has no column for it")
        for k in foreign_extras(report, "ucdp.")
    ]
    return row, lost


def _num(value: float | None) -> str:
    return "" if value is None else repr(value)


def _int(value: int | None, default: int) -> str:
    return str(default if value is None else value)
