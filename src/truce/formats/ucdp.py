"""UCDP GED CSV (49 columns), read and written.

TABLE declares each column once; the generic functions in common.py walk it.
"""

from __future__ import annotations

from truce.domain.errors import InputRejected
from truce.domain.reports import Report
from truce.domain.vocab import UCDP_DATE_PREC, UCDP_DATE_PREC_CODE
from truce.formats.common import (
    Builder,
    Column,
    ReadResult,
    RowRule,
    Table,
    WriteResult,
    carried_fields,
    coded,
    extra,
    foreign_extra_losses,
    header_of,
    kept_columns,
    no_column_losses,
    parse_float,
    parse_int,
    parse_year,
    plain,
    read_row,
    read_rows,
    write_rows,
)
from truce.formats.ucdp_cells import (
    DATASET,
    GedRow,
    check_figures,
    count,
    dataset_id_lost,
    death_split_lost,
    extra_actors_lost,
    gw_number,
    number,
    own_id,
    point,
    prepare,
    read_country_iso,
    read_dates,
    read_day,
    read_one_sided,
    read_sides,
    read_source,
    source_office,
    source_text,
    sources_lost,
    violence_type,
    violence_type_lost,
    where_lost,
    whole,
)

COLUMNS = [
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
]
# Truce's field names to UCDP's columns, so that errors name what the user sees.
FIELD_COLUMNS = {
    "lat": "latitude",
    "lon": "longitude",
    "location_name": "where_coordinates",
    "location_precision": "where_prec",
    "fatalities_low": "low",
    "fatalities_best": "best",
    "fatalities_high": "high",
    "admin1": "adm_1",
    "admin2": "adm_2",
    "deaths_a": "deaths_a",
    "deaths_b": "deaths_b",
    "deaths_civilians": "deaths_civilians",
    "deaths_unknown": "deaths_unknown",
    "country_iso": "country_id",
}
WHERE_PREC = {code: code for code in range(1, 8)}


def _kept(name: str) -> Column[GedRow]:
    """One of UCDP's own codes and IDs, which Truce keeps as provenance, not as fields."""
    return Column(name, write=extra(f"ucdp.{name}"), keep=True)


def _counted(name: str, into: str) -> Column[GedRow]:
    return Column(name, read=parse_int, into=into, write=count(into))


# The order is that of the checks: a row with several bad cells is refused naming the
# first, and losses are listed in this order too.
TABLE: Table[GedRow] = (
    Column(
        "date_start",
        read=read_day,
        into="date_start",
        write=lambda r: r.report.date_start.isoformat(),
    ),
    Column(
        "date_end",
        read=read_day,
        into="date_end",
        write=lambda r: r.report.date_end.isoformat(),
    ),
    Column(
        "date_prec",
        read=coded(UCDP_DATE_PREC, "1-5"),
        into="date_precision",
        write=lambda r: str(UCDP_DATE_PREC_CODE[r.report.date_precision]),
    ),
    Column(
        "type_of_violence",
        read=read_one_sided,
        into="civilian_targeting",
        keep=True,
        write=violence_type,
        lost=violence_type_lost,
    ),
    Column("source_office", write=source_office, lost=sources_lost),
    Column("source_article", write=source_text("citation")),
    Column("source_date", write=source_text("published")),
    Column("source_headline", write=source_text("headline")),
    Column("source_original", write=source_text("original")),
    RowRule(death_split_lost),
    Column(
        "where_prec",
        read=coded(WHERE_PREC, "1-7"),
        into="location_precision",
        write=lambda r: str(r.report.location_precision or 2),
        lost=where_lost,
    ),
    Column("latitude", read=parse_float, into="lat", write=lambda r: number(r.report.lat)),
    Column("longitude", read=parse_float, into="lon", write=lambda r: number(r.report.lon)),
    Column("geom_wkt", write=point),
    plain("where_coordinates", "location_name"),
    plain("adm_1", "admin1"),
    plain("adm_2", "admin2"),
    Column("year", read=parse_year, write=lambda r: str(r.report.date_start.year)),
    _counted("deaths_a", "deaths_a"),
    _counted("deaths_b", "deaths_b"),
    _counted("deaths_civilians", "deaths_civilians"),
    Column(
        "deaths_unknown",
        read=parse_int,
        into="deaths_unknown",
        write=lambda r: whole(r.report.deaths_unknown, (r.best or 0) if r.unsplit else 0),
    ),
    Column("best", read=parse_int, into="fatalities_best", write=lambda r: whole(r.best, 0)),
    Column(
        "country_id",
        read=read_country_iso,
        into="country_iso",
        keep=True,
        write=gw_number,
    ),
    plain("country"),
    plain("region"),
    Column(
        "low",
        read=parse_int,
        into="fatalities_low",
        write=lambda r: whole(r.report.fatalities_low, r.best or 0),
    ),
    Column(
        "high",
        read=parse_int,
        into="fatalities_high",
        write=lambda r: whole(r.report.fatalities_high, r.best or 0),
    ),
    Column("side_a", write=lambda r: r.side_a.name if r.side_a else ""),
    Column("side_a_new_id", write=lambda r: r.side_a.ucdp_id or "" if r.side_a else ""),
    Column("side_b", write=lambda r: r.side_b.name if r.side_b else ""),
    Column("side_b_new_id", write=lambda r: r.side_b.ucdp_id or "" if r.side_b else ""),
    _kept("relid"),
    _kept("active_year"),
    _kept("code_status"),
    _kept("conflict_dset_id"),
    _kept("conflict_new_id"),
    _kept("conflict_name"),
    _kept("dyad_dset_id"),
    _kept("dyad_new_id"),
    _kept("dyad_name"),
    _kept("side_a_dset_id"),
    _kept("side_b_dset_id"),
    _kept("number_of_sources"),
    _kept("where_description"),
    _kept("priogrid_gid"),
    _kept("event_clarity"),
    _kept("gwnoa"),
    _kept("gwnob"),
    Column("id", into="provenance.dataset_id", write=own_id, lost=dataset_id_lost),
    RowRule(lambda r: no_column_losses(r.report, CARRIED, "UCDP GED has no column for it")),
    RowRule(extra_actors_lost),
    RowRule(lambda r: foreign_extra_losses(r.report, "ucdp.", DATASET)),
)
KEPT_AS_EXTRAS = kept_columns(TABLE, COLUMNS)
# Fields built from several columns at once.
CARRIED: set[str] = carried_fields(TABLE) | {"actors", "sources"}
BUILDERS: tuple[Builder, ...] = (read_dates, check_figures, read_sides, read_source)


def read_ucdp(text: str) -> ReadResult:
    """Parse a UCDP GED CSV. Bad rows are refused; odd death ranges only warned."""
    header = header_of(text)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputRejected(
            f"not a UCDP GED file: missing {len(missing)} column(s), e.g. {', '.join(missing[:5])}"
        )
    return read_rows(
        text, ReadResult(layout="ged"), id_column="id", read=_read_row, field_columns=FIELD_COLUMNS
    )


def _read_row(row: dict[str, str]) -> tuple[Report, list[str]]:
    report, warnings = read_row(
        row, TABLE, BUILDERS, dataset=DATASET, kept=KEPT_AS_EXTRAS, prefix="ucdp."
    )
    return report.with_content_id(), warnings + report.fatality_warnings()


def write_ucdp(reports: list[Report]) -> WriteResult:
    """Write reports as UCDP GED rows, listing per row what could not be carried."""
    return write_rows(reports, COLUMNS, TABLE, prepare)
