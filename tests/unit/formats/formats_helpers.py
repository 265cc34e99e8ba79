"""Shared data and small helpers for the format tests (not a test module)."""

from __future__ import annotations

import csv
import io
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from truce.domain.reports import ActorRole, Provenance, Report, SourceRef
from truce.domain.vocab import ActorRoleKind, DatePrecision

TESTS = Path(__file__).resolve().parents[2]
FIXTURES = TESTS / "fixtures"
SAMPLE_ACLED = TESTS.parent / "src" / "truce" / "scenarios" / "astana_2016" / "sample_acled.csv"

# The column lists as SCHEMA.md states them, independent of the code under test.
ACLED_COLUMNS = [
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
ACLED_OLD_ONLY = ["data_id", "event_id_no_cnty", "iso3"]
ACLED_NEW_ONLY = ["disorder_type", "civilian_targeting", "tags"]
UCDP_COLUMNS = [
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


@cache
def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@cache
def sample_text() -> str:
    return SAMPLE_ACLED.read_text(encoding="utf-8")


def csv_header(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text, newline="")))


def csv_dicts(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def to_csv(columns: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def edit_rows(text: str, edits: dict[str, dict[str, str]], *, id_column: str) -> str:
    """The CSV with some cells changed, rows picked by their ID column."""
    rows = csv_dicts(text)
    for row in rows:
        row.update(edits.get(row[id_column], {}))
    return to_csv(csv_header(text), rows)


def drop_columns(text: str, *names: str) -> str:
    columns = [c for c in csv_header(text) if c not in names]
    rows = [{c: r[c] for c in columns} for r in csv_dicts(text)]
    return to_csv(columns, rows)


def by_dataset_id(reports: list[Report]) -> dict[str, Report]:
    return {r.provenance.dataset_id or "": r for r in reports}


def loss_fields(losses: list[Any], row: int | None = None) -> set[str]:
    return {loss.field for loss in losses if row is None or loss.row == row}


def wkt_point(text: str) -> tuple[float, float]:
    inside = text.strip().upper().removeprefix("POINT").strip().strip("()").split()
    return float(inside[0]), float(inside[1])


def make_report(**changes: Any) -> Report:
    """A plain located day-precision report with no imported provenance, IDed by content."""
    fields: dict[str, Any] = {
        "date_start": date(2017, 2, 1),
        "date_end": date(2017, 2, 1),
        "date_precision": DatePrecision.DAY,
        "location_name": "Kafr Zita",
        "admin1": "Hama",
        "country": "Syria",
        "country_iso": 760,
        "lat": 35.3744,
        "lon": 36.6017,
        "location_precision": 1,
        "actors": (
            ActorRole(name="Military Forces of Syria (2000-)", role=ActorRoleKind.SIDE_A, inter=1),
            ActorRole(name="Ahrar al Sham", role=ActorRoleKind.SIDE_B, inter=2),
        ),
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "fatalities_low": 2,
        "fatalities_best": 2,
        "sources": (SourceRef(name="SOHR"),),
        "provenance": Provenance(),
    }
    fields.update(changes)
    return Report(**fields).with_content_id()
