"""The column tables ACLED and UCDP are declared in: complete, consistent and ordered."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from formats_helpers import (
    ACLED_COLUMNS,
    ACLED_OLD_ONLY,
    UCDP_COLUMNS,
    csv_dicts,
    csv_header,
    fixture_text,
    make_report,
    sample_text,
    to_csv,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from truce.domain.reports import ActorRole, Provenance, Report, SourceRef
from truce.domain.vocab import ActorRoleKind
from truce.formats import acled, ucdp
from truce.formats.common import INTERNAL_FIELDS, Column, columns_of
from truce.formats.ucdp import read_ucdp, write_ucdp

TABLES = {"acled": acled.TABLE, "ucdp": ucdp.TABLE}
PROVENANCE_TARGETS = {"provenance.dataset_id", "provenance.dataset_version"}


def _names(table: tuple[object, ...]) -> list[str]:
    return [entry.name for entry in table if isinstance(entry, Column)]


# ----------------------------------------------------------------------- completeness


def test_every_acled_column_of_both_layouts_is_in_the_table_exactly_once():
    names = Counter(_names(acled.TABLE))
    assert set(names.values()) == {1}
    assert set(names) == set(ACLED_COLUMNS) | set(ACLED_OLD_ONLY)
    assert set(names) == set(acled.CURRENT_COLUMNS) | set(acled.OLD_COLUMNS)


def test_every_ucdp_column_is_in_the_table_exactly_once():
    names = Counter(_names(ucdp.TABLE))
    assert set(names.values()) == {1}
    assert set(names) == set(UCDP_COLUMNS) == set(ucdp.COLUMNS)


def test_the_layouts_list_the_columns_in_file_order():
    assert acled.CURRENT_COLUMNS == ACLED_COLUMNS
    assert csv_header(fixture_text("acled_old_layout.csv")) == acled.OLD_COLUMNS
    assert ucdp.COLUMNS == UCDP_COLUMNS


@pytest.mark.parametrize("table", TABLES.values(), ids=TABLES.keys())
def test_columns_read_into_report_fields_that_exist(table):
    targets = {name for column in columns_of(table) for name in column.fields}
    plain = {name for name in targets if "." not in name}
    assert plain <= set(Report.model_fields) - INTERNAL_FIELDS
    assert targets - plain <= PROVENANCE_TARGETS


@pytest.mark.parametrize("module", [acled, ucdp], ids=["acled", "ucdp"])
def test_errors_are_only_ever_named_after_columns_of_the_table(module):
    assert set(module.FIELD_COLUMNS.values()) <= set(_names(module.TABLE))


# ------------------------------------------------------------- what the tables derive
# Pinned: these sets were hand-written lists before the tables existed.


def test_acled_required_columns():
    expected = {
        "event_id_cnty",
        "event_date",
        "time_precision",
        "event_type",
        "sub_event_type",
        "actor1",
        "inter1",
        "actor2",
        "inter2",
        "country",
        "admin1",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "fatalities",
    }
    assert expected == acled.REQUIRED


def test_acled_kept_columns_and_carried_fields():
    assert acled.OLD_ONLY == ("data_id", "event_id_no_cnty", "iso3")
    expected = {
        "date_start",
        "date_end",
        "date_precision",
        "location_name",
        "admin1",
        "admin2",
        "admin3",
        "country",
        "country_iso",
        "region",
        "lat",
        "lon",
        "location_precision",
        "actors",
        "event_type",
        "sub_event_type",
        "disorder_type",
        "civilian_targeting",
        "fatalities_low",
        "fatalities_best",
        "fatalities_high",
        "sources",
        "source_scale",
        "notes",
        "tags",
    }
    assert expected == acled.CARRIED


def test_ucdp_kept_columns_and_carried_fields():
    assert ucdp.KEPT_AS_EXTRAS == (
        "relid",
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
        "side_b_dset_id",
        "number_of_sources",
        "where_description",
        "priogrid_gid",
        "country_id",
        "event_clarity",
        "gwnoa",
        "gwnob",
    )
    expected = {
        "date_start",
        "date_end",
        "date_precision",
        "location_name",
        "admin1",
        "admin2",
        "country",
        "country_iso",
        "region",
        "lat",
        "lon",
        "location_precision",
        "actors",
        "fatalities_low",
        "fatalities_best",
        "fatalities_high",
        "deaths_a",
        "deaths_b",
        "deaths_civilians",
        "deaths_unknown",
        "sources",
        "civilian_targeting",
    }
    assert expected == ucdp.CARRIED


# ------------------------------------------------------------------------- table order


@pytest.mark.parametrize(
    ("cells", "named"),
    [
        ({"year": "x", "time_precision": "9"}, "time_precision"),
        ({"latitude": "x", "fatalities": "x"}, "fatalities"),
        ({"geo_precision": "0", "inter2": "9"}, "inter2"),
        ({"iso": "x", "civilian_targeting": "yes"}, "civilian_targeting"),
    ],
)
def test_an_acled_row_with_several_bad_cells_is_refused_for_the_first_in_the_table(cells, named):
    row = {**csv_dicts(sample_text())[0], **cells}
    (rejected,) = acled.read_acled(to_csv(ACLED_COLUMNS, [row])).rejected
    assert rejected.reason.startswith(named)


def _lossy_report() -> Report:
    """A report that sets off every loss rule of both layouts at once."""
    return make_report(
        date_start=date(2017, 2, 1),
        date_end=date(2017, 2, 3),
        date_precision="days",
        location_precision=None,
        fatalities_low=None,
        fatalities_best=4,
        fatalities_high=9,
        injured=2,
        civilian_targeting=True,
        actors=(
            ActorRole(name="A", role=ActorRoleKind.SIDE_A, ucdp_id="9"),
            ActorRole(name="B", role=ActorRoleKind.SIDE_B),
            ActorRole(name="C", role=ActorRoleKind.ASSOCIATED_B),
        ),
        sources=(SourceRef(name="S", url="https://example.org/s"),),
        provenance=Provenance(
            dataset="PLOVER", dataset_id="P1", extras={"acled.data_id": "7", "plover.x": "1"}
        ),
    )


LOSS_ORDER_HEAD = [
    "date_precision",
    "actors",
    "location_precision",
    "fatalities",
    "injured",
    "sources",
    "actors.ucdp_id",
    "provenance.plover.x",
    "provenance.dataset_id",
]


@pytest.mark.parametrize(
    ("layout", "last"),
    [("current", "provenance.acled.data_id"), ("old", "disorder_type/civilian_targeting/tags")],
)
def test_acled_losses_are_listed_in_table_order(layout, last):
    written = acled.write_acled([_lossy_report()], layout=layout)
    assert [loss.field for loss in written.losses] == [*LOSS_ORDER_HEAD, last]


def test_ucdp_losses_are_listed_in_table_order():
    written = write_ucdp([_lossy_report()])
    assert [loss.field for loss in written.losses] == [
        "type_of_violence",
        "sources",
        "deaths",
        "location_precision",
        "provenance.dataset_id",
        "event_type",
        "injured",
        "sub_event_type",
        "actors",
        "provenance.acled.data_id",
        "provenance.plover.x",
    ]


# ---------------------------------------------------------------- UCDP property round trip


def _no_formula(text: str) -> str:
    """A cell beginning with "-" is written with a leading quote, a loss (test_formula_cells):
    these round trips are of cells written as they are."""
    return text.strip().lstrip("-").strip()


_text = st.text(
    alphabet=st.characters(categories=("L", "N"), include_characters=" ,.'-()/;"),
    max_size=20,
).map(_no_formula)
_name = _text.filter(bool)
_code = st.integers(1, 99_999).map(str)
_optional_code = st.one_of(st.just(""), _code)


@st.composite
def ucdp_rows(draw: st.DrawFn, number: int) -> dict[str, str]:
    prec = draw(st.integers(1, 5))
    start = draw(st.dates(min_value=date(1989, 1, 1), max_value=date(2023, 12, 31)))
    span = 0 if prec == 1 else draw(st.integers(0, 400))
    deaths = [draw(st.integers(0, 50)) for _ in range(4)]
    best = sum(deaths)
    lat = draw(st.integers(-900_000, 900_000)) / 10_000
    lon = draw(st.integers(-1_800_000, 1_800_000)) / 10_000
    has_b = draw(st.booleans())
    return {
        "id": str(number),
        "relid": draw(_optional_code),
        "year": str(start.year),
        "active_year": draw(st.sampled_from(["", "0", "1"])),
        "code_status": draw(st.sampled_from(["", "Clear"])),
        "type_of_violence": draw(st.sampled_from(["1", "2", "3"])),
        "conflict_dset_id": draw(_optional_code),
        "conflict_new_id": draw(_optional_code),
        "conflict_name": draw(_text),
        "dyad_dset_id": draw(_optional_code),
        "dyad_new_id": draw(_optional_code),
        "dyad_name": draw(_text),
        "side_a_dset_id": draw(_optional_code),
        "side_a_new_id": draw(_optional_code),
        "side_a": draw(_name),
        "side_b_dset_id": draw(_optional_code),
        "side_b_new_id": draw(_optional_code) if has_b else "",
        "side_b": draw(_name) if has_b else "",
        "number_of_sources": draw(_optional_code),
        "source_article": draw(_text),
        "source_office": draw(_text),
        "source_date": draw(st.sampled_from(["", "2017-01-15"])),
        "source_headline": draw(_text),
        "source_original": draw(_text),
        "where_prec": str(draw(st.integers(1, 7))),
        "where_coordinates": draw(_text),
        "where_description": draw(_text),
        "adm_1": draw(_text),
        "adm_2": draw(_text),
        "latitude": repr(lat),
        "longitude": repr(lon),
        "geom_wkt": f"POINT ({lon!r} {lat!r})",
        "priogrid_gid": draw(_optional_code),
        "country": draw(_text),
        "country_id": draw(st.sampled_from(["652", "640", "645"])),
        "region": draw(_text),
        "event_clarity": draw(st.sampled_from(["", "1", "2"])),
        "date_prec": str(prec),
        "date_start": start.isoformat(),
        "date_end": (start + timedelta(days=span)).isoformat(),
        "deaths_a": str(deaths[0]),
        "deaths_b": str(deaths[1]),
        "deaths_civilians": str(deaths[2]),
        "deaths_unknown": str(deaths[3]),
        "best": str(best),
        "high": str(best + draw(st.integers(0, 20))),
        "low": str(best - draw(st.integers(0, best))),
        "gwnoa": draw(_optional_code),
        "gwnob": draw(_optional_code),
    }


@st.composite
def ucdp_files(draw: st.DrawFn) -> tuple[str, list[dict[str, str]]]:
    rows = [draw(ucdp_rows(n)) for n in range(1, draw(st.integers(1, 4)) + 1)]
    return to_csv(UCDP_COLUMNS, rows), rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ucdp_files())
def test_property_ucdp_rows_survive_read_write_read(file):
    text, rows = file
    first = read_ucdp(text)
    assert first.rejected == []
    assert first.warnings == []

    written = write_ucdp(first.reports)
    assert written.losses == []
    assert csv_dicts(written.text) == rows
    assert read_ucdp(written.text).reports == first.reports
