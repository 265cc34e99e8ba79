"""ACLED CSV: the current 31-column export and the older layout, read and written.

TABLE declares each column once; the generic functions in common.py walk it.
"""

from __future__ import annotations

from truce.domain.errors import InputRejected
from truce.domain.reports import Report
from truce.domain.vocab import ActorRoleKind
from truce.formats.acled_cells import (
    DATASET,
    GEO_TO_WHERE,
    TIME_TO_DATE,
    AcledRow,
    associates,
    coordinate,
    dataset_id_lost,
    date_precision_lost,
    fatalities_lost,
    geo_lost,
    inter_cell,
    inter_code,
    inter_lost,
    interaction,
    new_only_lost,
    old_only,
    own_id,
    prepare,
    read_actors,
    read_dates,
    read_event_date,
    read_inter,
    read_sources,
    read_targeting,
    sources_lost,
    ucdp_ids_lost,
)
from truce.formats.common import (
    Builder,
    Column,
    ReadResult,
    RowRule,
    Table,
    WriteResult,
    carried_fields,
    coded,
    columns_of,
    foreign_extra_losses,
    header_of,
    joined,
    kept_columns,
    no_column_losses,
    parse_float,
    parse_int,
    parse_names,
    parse_year,
    plain,
    read_row,
    read_rows,
    write_rows,
)

CURRENT_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
OLD_COLUMNS = [
    "data_id",
    "iso",
    "event_id_cnty",
    "event_id_no_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "timestamp",
    "iso3",
]
LAYOUTS = {"current": CURRENT_COLUMNS, "old": OLD_COLUMNS}

# Truce's field names to ACLED's columns, so that errors name what the user sees.
FIELD_COLUMNS = {
    "lat": "latitude",
    "lon": "longitude",
    "date_start": "event_date",
    "date_end": "event_date",
    "location_name": "location",
    "fatalities_low": "fatalities",
    "fatalities_best": "fatalities",
    "event_type": "event_type",
    "sub_event_type": "sub_event_type",
    "country_iso": "iso",
    "location_precision": "geo_precision",
    "actors": "actor1",
}


# The order is that of the checks: a row with several bad cells is refused naming the
# first, and losses are listed in this order too.
TABLE: Table[AcledRow] = (
    Column("event_date", read=read_event_date, write=lambda r: r.day.isoformat(), required=True),
    Column(
        "time_precision",
        read=coded(TIME_TO_DATE, "1, 2 or 3"),
        write=lambda r: str(r.time_precision),
        lost=date_precision_lost,
        required=True,
    ),
    Column("year", read=parse_year, write=lambda r: str(r.day.year)),
    Column("actor1", write=lambda r: r.side_a.name if r.side_a else "", required=True),
    Column(
        "assoc_actor_1",
        read=parse_names,
        write=lambda r: associates(r, ActorRoleKind.ASSOCIATED_A),
    ),
    Column(
        "inter1",
        read=read_inter,
        write=lambda r: inter_cell(r, r.side_a),
        lost=inter_lost,
        required=True,
    ),
    Column("actor2", write=lambda r: r.side_b.name if r.side_b else "", required=True),
    Column(
        "assoc_actor_2",
        read=parse_names,
        write=lambda r: associates(r, ActorRoleKind.ASSOCIATED_B),
    ),
    Column("inter2", read=read_inter, write=lambda r: inter_cell(r, r.side_b), required=True),
    Column(
        "interaction",
        write=lambda r: interaction(inter_code(r.side_a), inter_code(r.side_b), text=r.text_inter),
    ),
    Column(
        "civilian_targeting",
        read=read_targeting,
        into="civilian_targeting",
        write=lambda r: "Civilians targeted" if r.report.civilian_targeting else "",
    ),
    Column(
        "geo_precision",
        read=coded(GEO_TO_WHERE, "1, 2 or 3"),
        into="location_precision",
        write=lambda r: str(r.geo),
        lost=geo_lost,
        required=True,
    ),
    Column(
        "fatalities",
        read=parse_int,
        into=("fatalities_low", "fatalities_best"),
        write=lambda r: str(r.fatalities),
        lost=fatalities_lost,
        required=True,
    ),
    Column(
        "iso",
        read=parse_int,
        into="country_iso",
        write=lambda r: str(r.report.country_iso) if r.report.country_iso is not None else "",
    ),
    Column(
        "latitude",
        read=parse_float,
        into="lat",
        write=lambda r: coordinate(r.report.lat),
        required=True,
    ),
    Column(
        "longitude",
        read=parse_float,
        into="lon",
        write=lambda r: coordinate(r.report.lon),
        required=True,
    ),
    plain("location", "location_name", required=True),
    plain("admin1", required=True),
    plain("admin2"),
    plain("admin3"),
    plain("country", required=True),
    plain("region"),
    plain("event_type", required=True),
    plain("sub_event_type", required=True),
    plain("disorder_type"),
    Column("tags", read=parse_names, into="tags", write=lambda r: joined(r.report.tags)),
    plain("source_scale"),
    plain("notes"),
    RowRule(lambda r: no_column_losses(r.report, CARRIED, "ACLED has no column for it")),
    Column(
        "source",
        read=read_sources,
        into="sources",
        write=lambda r: joined([s.name for s in r.report.sources]),
        lost=sources_lost,
    ),
    RowRule(ucdp_ids_lost),
    RowRule(lambda r: foreign_extra_losses(r.report, "acled.", DATASET)),
    Column(
        "event_id_cnty",
        into="provenance.dataset_id",
        write=lambda r: own_id(r.report.provenance.dataset_id, r),
        lost=dataset_id_lost,
        required=True,
    ),
    Column(
        "timestamp",
        into="provenance.dataset_version",
        write=lambda r: own_id(r.report.provenance.dataset_version, r),
    ),
    old_only("data_id"),
    old_only("event_id_no_cnty"),
    old_only("iso3"),
    RowRule(new_only_lost),
)
REQUIRED = {column.name for column in columns_of(TABLE) if column.required}
OLD_ONLY = kept_columns(TABLE, OLD_COLUMNS)
# Built from several columns, or (fatalities_high) approximated with its own loss rule.
CARRIED: set[str] = carried_fields(TABLE) | {
    "date_start",
    "date_end",
    "date_precision",
    "actors",
    "fatalities_high",
}


BUILDERS: tuple[Builder, ...] = (read_dates, read_actors)


def read_acled(text: str) -> ReadResult:
    """Parse an ACLED export in either layout. Bad rows are refused with their line."""
    header = header_of(text)
    missing = sorted(REQUIRED - set(header))
    if missing:
        raise InputRejected(f"not an ACLED export: missing column(s) {', '.join(missing)}")
    result = ReadResult(layout="current" if "disorder_type" in header else "old")
    return read_rows(
        text, result, id_column="event_id_cnty", read=_read_row, field_columns=FIELD_COLUMNS
    )


def _read_row(row: dict[str, str]) -> tuple[Report, list[str]]:
    report, warnings = read_row(
        row, TABLE, BUILDERS, dataset=DATASET, kept=OLD_ONLY, prefix="acled."
    )
    return report.with_content_id(), warnings


def write_acled(reports: list[Report], *, layout: str = "current") -> WriteResult:
    """Write reports as an ACLED export, listing per row what could not be carried."""
    if layout not in LAYOUTS:
        raise InputRejected(f"unknown ACLED layout {layout!r}: use 'current' or 'old'")
    return write_rows(reports, LAYOUTS[layout], TABLE, lambda r: prepare(r, layout))
