"""ACLED CSV: writing back without loss, and listing what another origin loses."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from formats_helpers import (
    ACLED_COLUMNS,
    ACLED_NEW_ONLY,
    ACLED_OLD_ONLY,
    by_dataset_id,
    csv_dicts,
    csv_header,
    fixture_text,
    loss_fields,
    make_report,
    sample_text,
    to_csv,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from truce.domain.errors import InputRejected
from truce.domain.reports import ActorRole, SourceRef
from truce.domain.vocab import (
    ACLED_DISORDER_TYPES,
    ACLED_INTER_CODES,
    ACLED_SUB_EVENT_TYPES,
    ActorRoleKind,
)
from truce.formats.acled import read_acled, write_acled
from truce.formats.ucdp import read_ucdp

OLD_LAYOUT = "acled_old_layout.csv"
TEXT_INTER = "acled_text_inter.csv"
BAD_ROWS = "acled_bad_rows.csv"


# ----------------------------------------------------------------------- round trips


def _assert_acled_rows_equal(original: list[dict[str, str]], written: list[dict[str, str]]):
    assert len(written) == len(original)
    for before, after in zip(original, written, strict=True):
        for column, value in before.items():
            if column in ("latitude", "longitude"):
                assert float(after[column]) == pytest.approx(float(value), abs=1e-9), column
            elif column == "event_date":
                assert date.fromisoformat(after[column]) == read_acled_date(value), column
            else:
                assert after[column] == value, (before["event_id_cnty"], column)


def read_acled_date(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise AssertionError(f"unexpected date {text!r}")


def test_round_trip_sample_corpus_reproduces_every_field():
    first = read_acled(sample_text())
    written = write_acled(first.reports)

    assert written.losses == []
    assert written.rows == 77
    assert csv_header(written.text) == ACLED_COLUMNS
    _assert_acled_rows_equal(csv_dicts(sample_text()), csv_dicts(written.text))
    again = read_acled(written.text)
    assert again.rejected == [] and again.warnings == []
    assert again.reports == first.reports


def test_round_trip_old_layout_reproduces_every_field():
    first = read_acled(fixture_text(OLD_LAYOUT))
    written = write_acled(first.reports, layout="old")

    assert written.losses == []
    assert csv_header(written.text) == csv_header(fixture_text(OLD_LAYOUT))
    assert set(ACLED_OLD_ONLY) <= set(csv_header(written.text))
    assert not set(ACLED_NEW_ONLY) & set(csv_header(written.text))
    _assert_acled_rows_equal(csv_dicts(fixture_text(OLD_LAYOUT)), csv_dicts(written.text))
    again = read_acled(written.text)
    assert again.layout == "old"
    assert again.reports == first.reports


def test_round_trip_text_inter_file_reproduces_every_field():
    first = read_acled(fixture_text(TEXT_INTER))
    written = write_acled(first.reports)

    assert written.losses == []
    original = csv_dicts(fixture_text(TEXT_INTER))
    out = csv_dicts(written.text)
    _assert_acled_rows_equal(original, out)
    assert [r["interaction"] for r in out] == [
        "State forces-Rebel group",
        "Civilians-External/Other forces",
        "Protesters only",
        "Rebel group-Civilians",
    ]
    assert read_acled(written.text).reports == first.reports


def test_round_trip_bad_rows_file_reproduces_its_good_rows():
    first = read_acled(fixture_text(BAD_ROWS))
    written = write_acled(first.reports)
    assert written.losses == []
    good = [
        r
        for r in csv_dicts(fixture_text(BAD_ROWS))
        if r["event_id_cnty"] in {"SYRBD001", "SYRBD003", "SYRBD006"}
    ]
    _assert_acled_rows_equal(good, csv_dicts(written.text))


def test_month_precision_round_trip_writes_the_recorded_day_back():
    written = write_acled(read_acled(sample_text()).reports)
    row = next(r for r in csv_dicts(written.text) if r["event_id_cnty"] == "SYRTR022")
    assert (row["event_date"], row["time_precision"]) == ("2017-01-15", "3")


def test_month_without_a_recorded_day_is_written_at_its_middle():
    report = make_report(
        date_start=date(2017, 3, 1), date_end=date(2017, 3, 31), date_precision="month"
    )
    (row,) = csv_dicts(write_acled([report]).text)
    assert (row["event_date"], row["time_precision"], row["year"]) == ("2017-03-16", "3", "2017")


def test_old_layout_written_as_current_lists_the_old_only_columns_as_lost():
    reports = read_acled(fixture_text(OLD_LAYOUT)).reports
    written = write_acled(reports)
    assert loss_fields(written.losses) == {f"provenance.acled.{n}" for n in ACLED_OLD_ONLY}
    assert {loss.row for loss in written.losses} == {1, 2, 3, 4, 5}
    assert csv_header(written.text) == ACLED_COLUMNS


def test_current_layout_written_as_old_lists_the_new_only_columns_as_lost():
    reports = by_dataset_id(read_acled(sample_text()).reports)
    chosen = [reports["SYRTR001"], reports["SYRTR002"]]  # disorder type, civilians targeted
    written = write_acled(chosen, layout="old")
    assert {(loss.row, loss.field) for loss in written.losses} == {
        (1, "disorder_type/civilian_targeting/tags"),
        (2, "disorder_type/civilian_targeting/tags"),
    }
    rows = csv_dicts(written.text)
    assert [r["iso3"] for r in rows] == ["SYR", "SYR"]  # derived from the ISO number
    assert [r["data_id"] for r in rows] == ["", ""]


def test_unknown_layout_is_refused():
    with pytest.raises(InputRejected, match="layout"):
        write_acled([], layout="2019")


# -------------------------------------------------------------------------- losses


def test_ucdp_origin_report_to_acled_lists_its_losses():
    ucdp = by_dataset_id(read_ucdp(fixture_text("ucdp_ged_sample.csv")).reports)
    chosen = [ucdp["900001"], ucdp["900006"]]
    written = write_acled(chosen)

    first = loss_fields(written.losses, row=1)
    assert {"deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"} <= first
    assert "fatalities" in first  # low 6, best 8, high 11: ACLED keeps only 6
    assert "provenance.dataset_id" in first  # the UCDP ID is not an ACLED ID
    assert "actors" in first  # UCDP actors have no ACLED inter code
    ucdp_extras = {f for f in first if f.startswith("provenance.ucdp.")}
    assert {
        "provenance.ucdp.relid",
        "provenance.ucdp.type_of_violence",
        "provenance.ucdp.conflict_name",
        "provenance.ucdp.priogrid_gid",
    } <= ucdp_extras
    assert len(ucdp_extras) == len(ucdp["900001"].provenance.extras)
    # 900006 has low = best = high = 5: no fatality loss, but where_prec 4 and month are fine.
    second = loss_fields(written.losses, row=2)
    assert "fatalities" not in second
    assert {"deaths_civilians", "provenance.dataset_id"} <= second
    assert all(loss.report_id == chosen[loss.row - 1].id for loss in written.losses)

    rows = csv_dicts(written.text)
    assert rows[0]["fatalities"] == "6"
    assert rows[0]["event_id_cnty"] == ""  # a UCDP ID is never passed off as an ACLED ID
    assert rows[1]["time_precision"] == "3"


def test_ucdp_where_precision_without_an_acled_equivalent_is_a_loss():
    ucdp = by_dataset_id(read_ucdp(fixture_text("ucdp_ged_sample.csv")).reports)
    written = write_acled([ucdp["900005"]])  # where_prec 3, week
    assert "location_precision" in loss_fields(written.losses)
    (row,) = csv_dicts(written.text)
    assert row["geo_precision"] == "2"
    assert row["time_precision"] == "2"
    assert row["event_date"] == "2017-02-08"  # the middle of 5-11 February


def test_ucdp_source_details_dropped_by_acled_are_listed_as_losses():
    report = by_dataset_id(read_ucdp(fixture_text("ucdp_ged_sample.csv")).reports)["900001"]
    assert report.sources[0].headline
    assert "sources" in loss_fields(write_acled([report]).losses)


def test_year_precision_report_to_acled_lists_a_date_precision_loss():
    year = make_report(
        date_start=date(2017, 1, 1), date_end=date(2017, 12, 31), date_precision="year"
    )
    day = make_report()
    written = write_acled([day, year, day])

    assert [(loss.row, loss.report_id, loss.field) for loss in written.losses] == [
        (2, year.id, "date_precision")
    ]
    assert "year" in written.losses[0].reason
    rows = csv_dicts(written.text)
    assert rows[1]["time_precision"] == "3"
    assert rows[1]["event_date"] == "2017-01-01"


def test_days_precision_report_to_acled_lists_a_date_precision_loss():
    span = make_report(
        date_start=date(2017, 1, 21), date_end=date(2017, 1, 24), date_precision="days"
    )
    written = write_acled([span])
    assert [(loss.row, loss.report_id, loss.field) for loss in written.losses] == [
        (1, span.id, "date_precision")
    ]
    (row,) = csv_dicts(written.text)
    assert row["time_precision"] == "2"


def test_fields_acled_has_no_column_for_are_listed_as_losses():
    report = make_report(
        plover_event="ASSAULT",
        cameo_code="193",
        injured=4,
        fatalities_high=5,
        actors=(ActorRole(name="Unknown gunmen", role=ActorRoleKind.PERPETRATOR),),
        sources=(SourceRef(name="SOHR"),),
    )
    written = write_acled([report])
    assert loss_fields(written.losses) == {
        "plover_event",
        "cameo_code",
        "injured",
        "fatalities",
        "actors",
    }
    assert all(loss.row == 1 and loss.report_id == report.id for loss in written.losses)
    (row,) = csv_dicts(written.text)
    assert (row["actor1"], row["inter1"], row["fatalities"]) == ("Unknown gunmen", "", "2")


# ---------------------------------------------------------------- property round trip

_PUNCTUATION = " ,.'\"-()/&:"


def _no_formula(text: str) -> str:
    """A cell beginning with "-" is written with a leading quote, a loss (test_formula_cells):
    these round trips are of cells written as they are."""
    return text.strip().lstrip("-").strip()


_word = st.text(
    alphabet=st.characters(categories=("L", "N"), include_characters=_PUNCTUATION),
    min_size=1,
    max_size=24,
).map(_no_formula)
_name = _word.filter(bool)
_list_item = _name.filter(lambda s: ";" not in s)
_names_list = st.lists(_list_item, max_size=3).map("; ".join)
_notes = st.one_of(
    st.just(""),
    _name,
    st.lists(_name, min_size=2, max_size=4).map("\n".join),
)
_event_pairs = [(event, sub) for event, subs in ACLED_SUB_EVENT_TYPES.items() for sub in subs]


@st.composite
def acled_rows(draw: st.DrawFn, number: int) -> dict[str, str]:
    day = draw(st.dates(min_value=date(2016, 1, 1), max_value=date(2018, 12, 31)))
    event_type, sub_event_type = draw(st.sampled_from(_event_pairs))
    inter1 = draw(st.integers(1, 8))
    has_actor2 = draw(st.booleans())
    inter2 = draw(st.integers(1, 8)) if has_actor2 else 0
    low, high = sorted((inter1, inter2))
    interaction = f"{high}0" if low == 0 else f"{low}{high}"
    lat = draw(st.integers(323_000, 373_000)) / 10_000
    lon = draw(st.integers(357_000, 424_000)) / 10_000
    return {
        "event_id_cnty": f"SYR{number:05d}",
        "event_date": day.isoformat(),
        "year": str(day.year),
        "time_precision": draw(st.sampled_from(["1", "2"])),
        "disorder_type": draw(st.sampled_from(["", *ACLED_DISORDER_TYPES])),
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actor1": draw(_name),
        "assoc_actor_1": draw(_names_list),
        "inter1": str(inter1),
        "actor2": draw(_name) if has_actor2 else "",
        "assoc_actor_2": draw(_names_list) if has_actor2 else "",
        "inter2": str(inter2),
        "interaction": interaction,
        "civilian_targeting": draw(st.sampled_from(["", "Civilians targeted"])),
        "iso": "760",
        "region": "Middle East",
        "country": "Syria",
        "admin1": draw(_name),
        "admin2": draw(_word),
        "admin3": draw(_word),
        "location": draw(_name),
        "latitude": f"{lat:.4f}",
        "longitude": f"{lon:.4f}",
        "geo_precision": draw(st.sampled_from(["1", "2", "3"])),
        "source": draw(_names_list),
        "source_scale": draw(_word),
        "notes": draw(_notes),
        "fatalities": str(draw(st.integers(0, 500))),
        "tags": draw(_names_list),
        "timestamp": str(draw(st.integers(1_450_000_000, 1_550_000_000))),
    }


@st.composite
def acled_files(draw: st.DrawFn) -> tuple[str, list[dict[str, str]]]:
    count = draw(st.integers(1, 4))
    rows = [draw(acled_rows(n)) for n in range(1, count + 1)]
    return to_csv(ACLED_COLUMNS, rows), rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(acled_files())
def test_property_acled_reports_survive_write_and_read(file):
    text, rows = file
    first = read_acled(text)
    assert first.rejected == []
    assert first.warnings == []
    assert len(first.reports) == len(rows)

    written = write_acled(first.reports)
    assert written.losses == []
    again = read_acled(written.text)

    assert again.rejected == []
    assert again.reports == first.reports
    for report, row in zip(again.reports, rows, strict=True):
        assert report.provenance.dataset_id == row["event_id_cnty"]
        assert report.notes == (row["notes"] or None)
        assert f"{report.lat:.4f}" == row["latitude"]
        assert report.fatalities_low == int(row["fatalities"])
        side_a = report.first_actor(ActorRoleKind.SIDE_A)
        assert side_a is not None and side_a.inter == int(row["inter1"])
    _assert_acled_rows_equal(rows, csv_dicts(written.text))


def test_strategy_vocabulary_matches_acled():
    # The generator draws from the full hierarchy: 25 sub-types under 6 types.
    assert len(_event_pairs) == 25
    assert set(ACLED_INTER_CODES) == set(range(9))


def test_csv_quoting_of_written_notes_is_standard():
    report = make_report(notes='He said "stop", then left;\nsecond line')
    written = write_acled([report])
    rows = list(csv.reader(io.StringIO(written.text, newline="")))
    assert rows[1][ACLED_COLUMNS.index("notes")] == 'He said "stop", then left;\nsecond line'
