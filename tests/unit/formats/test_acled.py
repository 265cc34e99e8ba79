"""ACLED CSV: reading both layouts and refusing bad rows by line."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from formats_helpers import (
    ACLED_COLUMNS,
    by_dataset_id,
    csv_dicts,
    csv_header,
    fixture_text,
    sample_text,
    to_csv,
)

from truce.domain.errors import InputRejected
from truce.domain.vocab import (
    ActorRoleKind,
    DatePrecision,
)
from truce.formats.acled import read_acled

OLD_LAYOUT = "acled_old_layout.csv"
TEXT_INTER = "acled_text_inter.csv"
BAD_ROWS = "acled_bad_rows.csv"


def _sample_row(event_id: str) -> dict[str, str]:
    return next(r for r in csv_dicts(sample_text()) if r["event_id_cnty"] == event_id)


def _one_row_file(**cells: str) -> str:
    """A one-row current-layout file: the sample's first row with some cells changed."""
    row = {**csv_dicts(sample_text())[0], **cells}
    return to_csv(ACLED_COLUMNS, [row])


# ---------------------------------------------------------------- reading: sample corpus


def test_sample_corpus_is_read_whole_in_the_current_layout():
    text = sample_text()
    assert csv_header(text) == ACLED_COLUMNS
    assert len(ACLED_COLUMNS) == 31

    result = read_acled(text)

    assert result.layout == "current"
    assert result.rejected == []
    assert result.warnings == []
    assert len(result.reports) == len(csv_dicts(text)) == 77


def test_sample_corpus_provenance_is_acled_with_the_event_id():
    rows = csv_dicts(sample_text())
    reports = read_acled(sample_text()).reports

    assert [r.provenance.dataset for r in reports] == ["ACLED"] * len(rows)
    assert [r.provenance.dataset_id for r in reports] == [row["event_id_cnty"] for row in rows]
    assert [r.provenance.dataset_version for r in reports] == [row["timestamp"] for row in rows]
    # Report IDs come from content: distinct rows give distinct IDs, and they are stable.
    assert len({r.id for r in reports}) == len(reports)
    assert all(r.id.startswith("rep_") for r in reports)
    assert [r.id for r in read_acled(sample_text()).reports] == [r.id for r in reports]


def test_sample_row_fields_map_to_canonical_fields():
    # SYRTR003: the ceasefire agreement, with associated actors on both sides, geo_precision 3.
    report = by_dataset_id(read_acled(sample_text()).reports)["SYRTR003"]

    assert report.date_start == report.date_end == date(2016, 12, 30)
    assert report.date_precision is DatePrecision.DAY
    assert report.event_type == "Strategic developments"
    assert report.sub_event_type == "Agreement"
    assert report.disorder_type == "Strategic developments"
    assert report.civilian_targeting is False
    assert [(a.name, a.role, a.inter) for a in report.actors] == [
        ("Military Forces of Syria (2000-)", ActorRoleKind.SIDE_A, 1),
        ("Military Forces of Russia (2000-)", ActorRoleKind.ASSOCIATED_A, None),
        ("Free Syrian Army", ActorRoleKind.SIDE_B, 2),
        ("Military Forces of Turkey (2016-)", ActorRoleKind.ASSOCIATED_B, None),
        ("Jaish al Islam", ActorRoleKind.ASSOCIATED_B, None),
        ("Faylaq al Sham", ActorRoleKind.ASSOCIATED_B, None),
    ]
    assert report.country == "Syria"
    assert report.country_iso == 760
    assert report.region == "Middle East"
    assert (report.admin1, report.admin2, report.admin3) == ("Damascus", "Damascus", "Damascus")
    assert report.location_name == "Damascus"
    assert (report.lat, report.lon) == (33.5131, 36.2919)
    assert report.location_precision == 4  # ACLED geo_precision 3: a larger region
    assert [s.name for s in report.sources] == ["Reuters", "SANA", "Anadolu Agency"]
    assert report.source_scale == "National-International"
    assert report.notes is not None and report.notes.startswith("On 30 December 2016")
    assert (report.fatalities_low, report.fatalities_best, report.fatalities_high) == (0, 0, None)
    assert report.tags == ()


def test_sample_civilian_targeting_tags_and_geo_precision():
    reports = read_acled(sample_text()).reports
    rows = csv_dicts(sample_text())
    for report, row in zip(reports, rows, strict=True):
        assert report.civilian_targeting is (row["civilian_targeting"] == "Civilians targeted")
        assert report.location_precision == {"1": 1, "2": 2, "3": 4}[row["geo_precision"]]
        assert report.tags == tuple(t.strip() for t in row["tags"].split(";") if t.strip())
        assert report.fatalities_low == report.fatalities_best == int(row["fatalities"])
    assert sum(r.civilian_targeting for r in reports) == 26
    assert [r.tags for r in reports if r.tags] == [("local administrators",)]


@pytest.mark.parametrize(
    ("event_id", "recorded"),
    [
        ("SYRTR027", date(2017, 1, 20)),
        ("SYRTR040", date(2017, 1, 31)),
        ("SYRTR070", date(2017, 2, 24)),
    ],
)
def test_week_precision_is_a_seven_day_span_centred_on_the_recorded_day(event_id, recorded):
    assert _sample_row(event_id)["time_precision"] == "2"
    report = by_dataset_id(read_acled(sample_text()).reports)[event_id]

    assert report.date_precision is DatePrecision.WEEK
    assert report.date_start == recorded - timedelta(days=3)
    assert report.date_end == recorded + timedelta(days=3)
    assert (report.date_end - report.date_start).days + 1 == 7
    assert report.date_start + (report.date_end - report.date_start) / 2 == recorded


def test_week_span_crosses_month_and_year_ends():
    report = read_acled(_one_row_file(event_date="2017-01-01", year="2017", time_precision="2"))
    (only,) = report.reports
    assert (only.date_start, only.date_end) == (date(2016, 12, 29), date(2017, 1, 4))


def test_month_precision_spans_the_month_and_keeps_the_recorded_day():
    row = _sample_row("SYRTR022")
    assert (row["event_date"], row["time_precision"]) == ("2017-01-15", "3")
    report = by_dataset_id(read_acled(sample_text()).reports)["SYRTR022"]

    assert report.date_precision is DatePrecision.MONTH
    assert (report.date_start, report.date_end) == (date(2017, 1, 1), date(2017, 1, 31))
    assert report.provenance.extras["acled.event_date"] == "2017-01-15"


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        ("2016-02-10", date(2016, 2, 1), date(2016, 2, 29)),  # leap year
        ("2017-02-10", date(2017, 2, 1), date(2017, 2, 28)),
        ("2017-04-30", date(2017, 4, 1), date(2017, 4, 30)),
        ("2017-12-01", date(2017, 12, 1), date(2017, 12, 31)),
    ],
)
def test_month_precision_uses_the_real_month_length(day, start, end):
    result = read_acled(_one_row_file(event_date=day, year=day[:4], time_precision="3"))
    (report,) = result.reports
    assert (report.date_start, report.date_end) == (start, end)
    assert report.date_precision is DatePrecision.MONTH


def test_day_precision_is_one_day():
    report = by_dataset_id(read_acled(sample_text()).reports)["SYRTR001"]
    assert report.date_precision is DatePrecision.DAY
    assert report.date_start == report.date_end == date(2016, 12, 27)
    assert "acled.event_date" not in report.provenance.extras


# ------------------------------------------------------------------- reading: old layout


def test_old_layout_is_recognised_and_keeps_its_own_columns_as_extras():
    rows = csv_dicts(fixture_text(OLD_LAYOUT))
    result = read_acled(fixture_text(OLD_LAYOUT))

    assert result.layout == "old"
    assert result.rejected == []
    assert result.warnings == []
    assert len(result.reports) == len(rows) == 5
    for report, row in zip(result.reports, rows, strict=True):
        extras = report.provenance.extras
        assert extras["acled.data_id"] == row["data_id"]
        assert extras["acled.event_id_no_cnty"] == row["event_id_no_cnty"]
        assert extras["acled.iso3"] == row["iso3"] == "SYR"
        assert report.provenance.dataset_id == row["event_id_cnty"]
        # The columns the old layout lacks come through as empty, not invented.
        assert report.disorder_type is None
        assert report.civilian_targeting is False
        assert report.tags == ()


def test_old_layout_long_dates_parse():
    reports = read_acled(fixture_text(OLD_LAYOUT)).reports
    assert [r.date_start for r in reports] == [
        date(2017, 1, 15),
        date(2017, 1, 22),
        date(2017, 2, 3),
        date(2017, 2, 11),
        date(2017, 2, 25),
    ]
    assert all(r.date_end == r.date_start for r in reports)
    assert reports[1].actors[0].inter == 8  # Russian forces: external/other
    assert [s.name for s in reports[1].sources] == ["Smart News Agency", "Enab Baladi"]


# ------------------------------------------------------------------- reading: text inters


def test_text_inter_labels_become_codes_and_the_style_is_kept():
    result = read_acled(fixture_text(TEXT_INTER))

    assert result.rejected == []
    assert result.warnings == []  # the text interactions agree with the labels
    reports = by_dataset_id(result.reports)
    codes = {
        key: [(a.role, a.inter) for a in r.actors if a.inter is not None]
        for key, r in reports.items()
    }
    assert codes == {
        "SYRTX001": [(ActorRoleKind.SIDE_A, 1), (ActorRoleKind.SIDE_B, 2)],
        "SYRTX002": [(ActorRoleKind.SIDE_A, 8), (ActorRoleKind.SIDE_B, 7)],
        "SYRTX003": [(ActorRoleKind.SIDE_A, 6)],
        "SYRTX004": [(ActorRoleKind.SIDE_A, 2), (ActorRoleKind.SIDE_B, 7)],
    }
    assert all(isinstance(a.inter, int) for r in result.reports for a in r.actors if a.inter)
    assert all(r.provenance.extras["acled.inter_style"] == "text" for r in result.reports)
    assert reports["SYRTX003"].tags == ("crowd size=several hundred",)


def test_numeric_inter_files_are_not_marked_as_text_style():
    reports = read_acled(sample_text()).reports
    assert all("acled.inter_style" not in r.provenance.extras for r in reports)


@pytest.mark.parametrize(
    ("inter1", "expected"), [("state forces", 1), ("REBEL GROUP", 2), ("External/Other forces", 8)]
)
def test_text_inter_labels_are_case_insensitive(inter1, expected):
    result = read_acled(_one_row_file(inter1=inter1, interaction=""))
    assert result.rejected == []
    assert result.reports[0].actors[0].inter == expected


# --------------------------------------------------------------------- reading: bad input


def test_bad_rows_are_refused_with_their_line_and_field_and_good_rows_kept():
    result = read_acled(fixture_text(BAD_ROWS))

    assert [(e.line, e.row_id) for e in result.rejected] == [
        (3, "SYRBD002"),  # latitude 95.2
        (5, "SYRBD004"),  # 30 February
        (6, "SYRBD005"),  # a Protests sub-type under Battles
    ]
    lat, day, sub = (e.reason for e in result.rejected)
    assert "lat" in lat and "95.2" in lat
    assert "event_date" in day and "2017-02-30" in day
    assert "sub_event_type" in sub and "Peaceful protest" in sub
    assert [r.provenance.dataset_id for r in result.reports] == ["SYRBD001", "SYRBD003", "SYRBD006"]
    assert str(result.rejected[1]).startswith("line 5 (SYRBD004): event_date")


def test_bad_latitude_reason_names_the_acled_column():
    rejected = read_acled(fixture_text(BAD_ROWS)).rejected[0]
    assert rejected.reason.startswith("latitude")


@pytest.mark.parametrize("column", ["latitude", "event_date", "fatalities", "inter2"])
def test_missing_required_column_rejects_the_file_naming_it(column):
    text = sample_text().replace(column, "something_else", 1)
    with pytest.raises(InputRejected, match=column):
        read_acled(text)


def test_several_missing_columns_are_all_named():
    text = to_csv(["event_id_cnty", "event_date", "notes"], [])
    with pytest.raises(InputRejected) as caught:
        read_acled(text)
    for column in ("latitude", "longitude", "actor1", "sub_event_type", "geo_precision"):
        assert column in str(caught.value)


@pytest.mark.parametrize("text", ["", "\n", "\ufeff"])
def test_empty_file_is_rejected(text):
    with pytest.raises(InputRejected, match="empty"):
        read_acled(text)


def test_header_only_gives_no_reports_and_no_errors():
    result = read_acled(",".join(ACLED_COLUMNS) + "\n")
    assert (result.reports, result.rejected, result.warnings) == ([], [], [])


def test_byte_order_mark_and_crlf_line_ends_are_accepted():
    text = "\ufeff" + sample_text().replace("\n", "\r\n")
    result = read_acled(text)
    assert result.rejected == []
    assert len(result.reports) == 77
    assert result.reports == read_acled(sample_text()).reports


def test_row_with_too_many_fields_is_rejected_with_its_line():
    lines = sample_text().splitlines(keepends=True)
    text = lines[0] + lines[1] + lines[2].rstrip("\n") + ",surplus\n" + lines[3]
    result = read_acled(text)

    assert [e.line for e in result.rejected] == [3]
    assert "32 fields" in result.rejected[0].reason
    assert "31" in result.rejected[0].reason
    assert [r.provenance.dataset_id for r in result.reports] == ["SYRTR001", "SYRTR003"]


def test_row_with_too_few_fields_is_rejected_with_its_line():
    lines = sample_text().splitlines(keepends=True)
    short = ",".join(lines[3].split(",")[:10]) + "\n"
    result = read_acled(lines[0] + lines[1] + lines[2] + short + lines[4])

    assert [e.line for e in result.rejected] == [4]
    assert "10 fields" in result.rejected[0].reason
    assert len(result.reports) == 3


def test_multi_line_notes_keep_line_numbers_right_for_later_rows():
    rows = csv_dicts(sample_text())[:4]
    rows[0]["notes"] = "First line of the note.\nSecond line.\n\nFourth line after a blank."
    rows[1]["year"] = "1999"  # accepted with a warning: shows the row's line
    rows[3]["event_date"] = "2016-12-32"  # refused: shows the row's line
    text = to_csv(ACLED_COLUMNS, rows)
    # header: line 1; row 1: lines 2-5; row 2: line 6; row 3: line 7; row 4: line 8
    assert text.count("\n") == 8

    result = read_acled(text)

    assert result.reports[0].notes == rows[0]["notes"]
    assert [(w.line, w.row_id) for w in result.warnings] == [(6, rows[1]["event_id_cnty"])]
    assert "year 1999" in result.warnings[0].reason
    assert [(e.line, e.row_id) for e in result.rejected] == [(8, rows[3]["event_id_cnty"])]
    assert len(result.reports) == 3


def test_a_rejected_multi_line_row_is_reported_at_its_first_line():
    rows = csv_dicts(sample_text())[:3]
    rows[1]["notes"] = "one\ntwo\nthree"
    rows[1]["geo_precision"] = "9"
    result = read_acled(to_csv(ACLED_COLUMNS, rows))
    assert [(e.line, e.row_id) for e in result.rejected] == [(3, rows[1]["event_id_cnty"])]
    assert "geo_precision" in result.rejected[0].reason


def test_blank_lines_do_not_shift_line_numbers():
    lines = sample_text().splitlines(keepends=True)
    bad = lines[2].replace("2016-12-29", "2016-13-29")
    text = lines[0] + lines[1] + "\n" + bad + lines[3]  # the bad row is on line 4
    result = read_acled(text)
    assert [e.line for e in result.rejected] == [4]


@pytest.mark.parametrize(
    ("cells", "field"),
    [
        ({"time_precision": "4"}, "time_precision"),
        ({"time_precision": ""}, "time_precision"),
        ({"geo_precision": "0"}, "geo_precision"),
        ({"inter1": "9"}, "inter1"),
        ({"inter2": "Aliens"}, "inter2"),
        ({"civilian_targeting": "yes"}, "civilian_targeting"),
        ({"fatalities": "many"}, "fatalities"),
        ({"event_type": "Ceasefire violation"}, "event_type"),
        ({"longitude": "east"}, "longitude"),
        ({"event_date": "30/02/2017"}, "event_date"),
        ({"latitude": ""}, "lat"),  # a longitude without a latitude
    ],
)
def test_invalid_cells_reject_the_row_naming_the_field(cells, field):
    result = read_acled(_one_row_file(**cells))
    assert result.reports == []
    assert [e.line for e in result.rejected] == [2]
    assert field in result.rejected[0].reason


def test_inconsistent_year_and_interaction_are_warnings_not_rejections():
    result = read_acled(_one_row_file(year="2015", interaction="28"))
    assert len(result.reports) == 1
    assert result.rejected == []
    reasons = [w.reason for w in result.warnings]
    assert [w.line for w in result.warnings] == [2, 2]
    assert any("year 2015" in r for r in reasons)
    assert any("interaction '28'" in r and "17" in r for r in reasons)
