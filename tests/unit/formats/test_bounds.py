"""Counts, places, codes and years out of bounds are refused by every reader, naming the
column (or field) and the row; the file's other rows are read (issue 11, item 15)."""

from __future__ import annotations

import json

import pytest
from formats_helpers import FIXTURES, csv_dicts, fixture_text, sample_text, to_csv

from truce.domain.vocab import MAX_COUNT_PER_EVENT
from truce.formats.acled import CURRENT_COLUMNS, read_acled
from truce.formats.geojson import read_geojson, write_geojson
from truce.formats.plover import read_plover
from truce.formats.ucdp import COLUMNS as UCDP_COLUMNS
from truce.formats.ucdp import read_ucdp

HUGE = "99999999999999999999999"
JUST_OVER = str(MAX_COUNT_PER_EVENT + 1)


def _acled(row: int, **cells: str) -> str:
    """The sample's first three rows, with some cells of one row changed."""
    rows = csv_dicts(sample_text())[:3]
    rows[row] = {**rows[row], **cells}
    return to_csv(CURRENT_COLUMNS, rows)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("fatalities", HUGE),
        ("fatalities", JUST_OVER),
        ("fatalities", "9" * 5000),  # past Python's own int() limit
        ("fatalities", HUGE + ".0"),
        ("latitude", "1e999"),
        ("longitude", "nan"),
        ("geo_precision", "4"),
        ("time_precision", HUGE),
        ("year", "20017"),
        ("event_date", "1017-02-02"),
        ("iso", "76000"),
    ],
)
def test_acled_refuses_the_row_naming_the_column_and_line_and_keeps_the_others(
    column: str, value: str
) -> None:
    result = read_acled(_acled(1, **{column: value}))
    assert len(result.reports) == 2
    [refused] = result.rejected
    assert refused.line == 3  # the header is line 1
    assert str(refused).startswith(f"line 3 ({csv_dicts(sample_text())[1]['event_id_cnty']}): ")
    assert refused.reason.startswith(f"{column}: "), refused.reason
    assert len(refused.reason) < 200  # the 5,000 digits are not echoed back whole


def test_acled_takes_the_largest_count_allowed() -> None:
    result = read_acled(_acled(0, fatalities=str(MAX_COUNT_PER_EVENT)))
    assert result.rejected == [] and result.reports[0].fatalities_best == MAX_COUNT_PER_EVENT


@pytest.mark.parametrize("column", ["best", "low", "high", "deaths_a", "deaths_civilians"])
def test_ucdp_refuses_a_huge_count_naming_the_column(column: str) -> None:
    rows = csv_dicts(fixture_text("ucdp_ged_sample.csv"))
    before = read_ucdp(to_csv(UCDP_COLUMNS, rows))
    rows[2] = {**rows[2], column: HUGE}
    result = read_ucdp(to_csv(UCDP_COLUMNS, rows))
    assert len(result.reports) == len(before.reports) - 1
    [refused] = [r for r in result.rejected if r not in before.rejected]
    assert refused.line == 4 and refused.reason.startswith(f"{column}: "), refused


def test_ucdp_refuses_a_year_out_of_range() -> None:
    rows = csv_dicts(fixture_text("ucdp_ged_sample.csv"))
    before = read_ucdp(to_csv(UCDP_COLUMNS, rows)).rejected
    rows[0] = {**rows[0], "year": HUGE}
    [refused] = [r for r in read_ucdp(to_csv(UCDP_COLUMNS, rows)).rejected if r not in before]
    assert refused.line == 2 and refused.reason.startswith("year: ")


@pytest.mark.parametrize(
    ("size", "field"),
    [({"dead": 10**30}, "fatalities_best"), ({"injured": 1e30}, "injured")],
)
def test_plover_refuses_a_huge_size_naming_the_field(size: dict[str, float], field: str) -> None:
    lines = (FIXTURES / "plover_sample.jsonl").read_text().splitlines()
    record = json.loads(lines[1])
    lines[1] = json.dumps({**record, "size": size})
    result = read_plover("\n".join(lines))
    assert len(result.reports) == len(lines) - 1
    [refused] = result.rejected
    assert refused.line == 2 and f".{field}: " in refused.reason, refused


def test_geojson_refuses_a_huge_count_naming_the_field() -> None:
    reports = read_acled(_acled(0)).reports
    collection = json.loads(write_geojson(reports).text)
    collection["features"][1]["properties"]["fatalities_best"] = 10**30
    result = read_geojson(json.dumps(collection))
    assert len(result.reports) == len(reports) - 1
    [refused] = result.rejected
    assert refused.line == 2 and ".fatalities_best: " in refused.reason, refused
