"""UCDP GED CSV: reading the 49 columns, refusing bad rows, writing back without loss."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from formats_helpers import (
    UCDP_COLUMNS,
    by_dataset_id,
    csv_dicts,
    csv_header,
    drop_columns,
    edit_rows,
    fixture_text,
    loss_fields,
    make_report,
    sample_text,
    wkt_point,
)

from truce.domain.errors import InputRejected
from truce.domain.reports import ActorRole, SourceRef
from truce.domain.vocab import ActorRoleKind, DatePrecision
from truce.formats.acled import read_acled
from truce.formats.ucdp import read_ucdp, write_ucdp

UCDP = "ucdp_ged_sample.csv"
DATE_COLUMNS = {"date_start", "date_end", "source_date"}


def _read(**edits: dict[str, str]):
    return read_ucdp(edit_rows(fixture_text(UCDP), edits, id_column="id"))


def _accepted_rows() -> list[dict[str, str]]:
    return [r for r in csv_dicts(fixture_text(UCDP)) if r["id"] != "900007"]


# --------------------------------------------------------------------------- reading


def test_fixture_has_the_49_schema_columns():
    assert csv_header(fixture_text(UCDP)) == UCDP_COLUMNS
    assert len(UCDP_COLUMNS) == 49


def test_fixture_gives_six_reports_one_rejection_and_one_warning():
    result = read_ucdp(fixture_text(UCDP))

    assert result.layout == "ged"
    assert [r.provenance.dataset_id for r in result.reports] == [
        "900001",
        "900002",
        "900003",
        "900004",
        "900005",
        "900006",
    ]
    assert all(r.provenance.dataset == "UCDP GED" for r in result.reports)
    assert [(e.line, e.row_id) for e in result.rejected] == [(8, "900007")]
    assert "latitude" in result.rejected[0].reason
    assert "not-a-number" in result.rejected[0].reason
    # 900004: best 4 is below low 5. UCDP data breaks this ~1% of the time: warn, keep.
    assert [(w.line, w.row_id) for w in result.warnings] == [(5, "900004")]
    assert "below" in result.warnings[0].reason
    kept = by_dataset_id(result.reports)["900004"]
    assert (kept.fatalities_low, kept.fatalities_best, kept.fatalities_high) == (5, 4, 7)


def test_row_fields_map_to_canonical_fields():
    report = by_dataset_id(read_ucdp(fixture_text(UCDP)).reports)["900001"]

    assert report.date_start == report.date_end == date(2017, 1, 15)
    assert report.date_precision is DatePrecision.DAY
    assert report.location_name == "Ayn al-Fijah village"
    assert report.admin1 == "Rif Dimashq governorate"
    assert report.admin2 == "Qudsaya district"
    assert report.country == "Syria"
    assert report.country_iso == 760  # from Gleditsch-Ward 652
    assert report.region == "Middle East"
    assert (report.lat, report.lon) == (33.615, 36.172)
    assert report.location_precision == 1
    assert [(a.name, a.role, a.ucdp_id) for a in report.actors] == [
        ("Government of Syria", ActorRoleKind.SIDE_A, "120"),
        ("Syrian insurgents", ActorRoleKind.SIDE_B, "1127"),
    ]
    assert (report.deaths_a, report.deaths_b, report.deaths_civilians, report.deaths_unknown) == (
        3,
        5,
        0,
        0,
    )
    assert (report.fatalities_low, report.fatalities_best, report.fatalities_high) == (6, 8, 11)
    (source,) = report.sources
    assert source.name == "Reuters; SOHR"
    assert source.published == "2017-01-15"
    assert source.headline == "Government forces press assault on Wadi Barada springs"
    assert source.citation.startswith("Reuters,2017-01-15")
    assert source.original == "Reuters; SOHR"
    extras = report.provenance.extras
    assert extras["ucdp.relid"] == "SYR-2017-1-1001-1"
    assert extras["ucdp.type_of_violence"] == "1"
    assert extras["ucdp.conflict_name"] == "Syria: Government"
    assert extras["ucdp.gwnoa"] == "652"
    assert "ucdp.gwnob" not in extras  # blank cells are not kept
    assert report.civilian_targeting is False


def test_one_sided_violence_is_civilian_targeting():
    reports = by_dataset_id(read_ucdp(fixture_text(UCDP)).reports)
    assert reports["900003"].civilian_targeting is True
    assert reports["900006"].civilian_targeting is True
    assert reports["900005"].civilian_targeting is False


@pytest.mark.parametrize(
    ("row_id", "precision", "start", "end"),
    [
        ("900001", DatePrecision.DAY, date(2017, 1, 15), date(2017, 1, 15)),
        ("900002", DatePrecision.DAYS, date(2017, 1, 21), date(2017, 1, 24)),
        ("900005", DatePrecision.WEEK, date(2017, 2, 5), date(2017, 2, 11)),
        ("900006", DatePrecision.MONTH, date(2017, 1, 1), date(2017, 1, 31)),
    ],
)
def test_date_prec_maps_to_date_precision(row_id, precision, start, end):
    report = by_dataset_id(read_ucdp(fixture_text(UCDP)).reports)[row_id]
    assert report.date_precision is precision
    assert (report.date_start, report.date_end) == (start, end)


def test_date_prec_5_is_a_year():
    result = _read(
        **{"900006": {"date_prec": "5", "date_start": "2017-01-01", "date_end": "2017-12-31"}}
    )
    report = by_dataset_id(result.reports)["900006"]
    assert report.date_precision is DatePrecision.YEAR
    assert (report.date_start, report.date_end) == (date(2017, 1, 1), date(2017, 12, 31))


def test_exact_day_with_a_different_end_is_kept_as_a_span_with_a_warning():
    result = _read(**{"900003": {"date_end": "2017-02-09 00:00:00.000"}})
    report = by_dataset_id(result.reports)["900003"]
    assert report.date_precision is DatePrecision.DAYS
    assert report.date_end == date(2017, 2, 9)
    assert [(w.line, w.row_id) for w in result.warnings if w.row_id == "900003"] == [(4, "900003")]


@pytest.mark.parametrize(
    ("row_id", "where_prec"), [("900001", 1), ("900002", 2), ("900005", 3), ("900006", 4)]
)
def test_where_prec_is_kept_as_location_precision(row_id, where_prec):
    report = by_dataset_id(read_ucdp(fixture_text(UCDP)).reports)[row_id]
    assert report.location_precision == where_prec


@pytest.mark.parametrize("where_prec", ["5", "6", "7"])
def test_coarse_where_prec_values_are_kept(where_prec):
    report = by_dataset_id(_read(**{"900001": {"where_prec": where_prec}}).reports)["900001"]
    assert report.location_precision == int(where_prec)


@pytest.mark.parametrize(
    ("cells", "field"),
    [
        ({"where_prec": "8"}, "where_prec"),
        ({"where_prec": ""}, "where_prec"),
        ({"date_prec": "6"}, "date_prec"),
        ({"date_start": ""}, "date_start"),
        ({"date_end": "2017-02-31"}, "date_end"),
        ({"best": "eight"}, "best"),
        ({"longitude": "200"}, "lon"),
    ],
)
def test_invalid_cells_reject_the_row_naming_the_field(cells, field):
    result = _read(**{"900003": cells})
    assert [(e.line, e.row_id) for e in result.rejected] == [(4, "900003"), (8, "900007")]
    assert field in result.rejected[0].reason
    assert "900003" not in by_dataset_id(result.reports)


def test_best_not_the_sum_of_deaths_and_a_mismatched_point_are_warnings():
    result = _read(**{"900003": {"best": "7", "high": "9", "geom_wkt": "POINT (1 2)"}})
    reasons = [w.reason for w in result.warnings if w.row_id == "900003"]
    assert any("sum of the deaths" in r for r in reasons)
    assert any("geom_wkt" in r for r in reasons)
    assert "900003" in by_dataset_id(result.reports)


def test_file_missing_columns_is_rejected():
    text = drop_columns(fixture_text(UCDP), "geom_wkt", "gwnob", "date_prec")
    with pytest.raises(InputRejected) as caught:
        read_ucdp(text)
    message = str(caught.value)
    assert "3 column(s)" in message
    for column in ("geom_wkt", "gwnob", "date_prec"):
        assert column in message


def test_an_acled_file_is_not_taken_for_ucdp():
    with pytest.raises(InputRejected, match="not a UCDP GED file"):
        read_ucdp(sample_text())


def test_empty_file_is_rejected():
    with pytest.raises(InputRejected, match="empty"):
        read_ucdp("")


# ------------------------------------------------------------------------ round trip


def _same_value(column: str, before: str, after: str) -> bool:
    if before == after:
        return True
    if column in DATE_COLUMNS:
        return datetime.fromisoformat(before).date() == datetime.fromisoformat(after).date()
    if column == "geom_wkt":
        return wkt_point(before) == pytest.approx(wkt_point(after))
    try:
        return float(before) == float(after)
    except ValueError:
        return False


def test_round_trip_reproduces_all_49_columns_without_loss():
    first = read_ucdp(fixture_text(UCDP))
    written = write_ucdp(first.reports)

    assert written.losses == []
    assert written.rows == 6
    assert csv_header(written.text) == UCDP_COLUMNS
    out = csv_dicts(written.text)
    original = _accepted_rows()
    assert len(out) == len(original)
    for before, after in zip(original, out, strict=True):
        assert set(after) == set(UCDP_COLUMNS)
        for column in UCDP_COLUMNS:
            assert _same_value(column, before[column], after[column]), (
                before["id"],
                column,
                before[column],
                after[column],
            )
    again = read_ucdp(written.text)
    assert again.rejected == []
    assert again.reports == first.reports
    assert [(w.line, w.row_id) for w in again.warnings] == [(5, "900004")]


def test_written_dates_are_iso_days_and_the_point_is_lon_lat():
    written = write_ucdp(read_ucdp(fixture_text(UCDP)).reports)
    row = csv_dicts(written.text)[1]
    assert (row["date_start"], row["date_end"], row["date_prec"]) == (
        "2017-01-21",
        "2017-01-24",
        "2",
    )
    lon, lat = wkt_point(row["geom_wkt"])
    assert (lon, lat) == (float(row["longitude"]), float(row["latitude"])) == (40.1759, 35.2854)


# -------------------------------------------------------------------------- losses


def test_acled_origin_report_to_ucdp_lists_its_losses():
    acled = by_dataset_id(read_acled(sample_text()).reports)
    chosen = [acled["SYRTR001"], acled["SYRTR004"]]
    written = write_ucdp(chosen)

    for row in (1, 2):
        fields = loss_fields(written.losses, row=row)
        assert {
            "event_type",
            "sub_event_type",
            "notes",
            "disorder_type",
            "source_scale",
            "admin3",
            "type_of_violence",
            "provenance.dataset_id",
            "sources",
            "deaths",
        } <= fields
    assert all(loss.report_id == chosen[loss.row - 1].id for loss in written.losses)

    first, second = csv_dicts(written.text)
    assert first["id"] == ""  # an ACLED ID is never passed off as a UCDP ID
    assert first["type_of_violence"] == "3"  # civilians targeted: one-sided
    assert second["type_of_violence"] == "1"  # state forces on side A
    assert first["source_office"] == "SOHR; Enab Baladi"
    assert (first["deaths_unknown"], first["best"], first["low"], first["high"]) == ("3",) * 4
    assert first["where_prec"] == "1"
    assert second["where_prec"] == "2"
    assert first["country_id"] == "652"
    assert (first["side_a"], first["side_b"]) == (
        "Military Forces of Syria (2000-)",
        "Civilians (Syria)",
    )


def test_old_acled_extras_are_listed_as_losses_in_ucdp():
    report = read_acled(fixture_text("acled_old_layout.csv")).reports[0]
    fields = loss_fields(write_ucdp([report]).losses)
    assert {
        "provenance.acled.data_id",
        "provenance.acled.event_id_no_cnty",
        "provenance.acled.iso3",
    } <= fields


def test_non_state_violence_is_derived_when_no_state_actor_takes_part():
    report = make_report(
        actors=(
            ActorRole(name="Islamic State (Syria)", role=ActorRoleKind.SIDE_A, inter=2),
            ActorRole(name="Free Syrian Army", role=ActorRoleKind.SIDE_B, inter=2),
        )
    )
    written = write_ucdp([report])
    (row,) = csv_dicts(written.text)
    assert row["type_of_violence"] == "2"
    assert [(loss.row, loss.field) for loss in written.losses] == [
        (1, "type_of_violence"),
        (1, "deaths"),
        (1, "event_type"),
        (1, "sub_event_type"),
    ]


def test_several_sources_or_source_urls_are_a_loss():
    report = make_report(
        sources=(SourceRef(name="SOHR", url="https://example.org/a"),),
    )
    written = write_ucdp([report])
    assert "sources" in loss_fields(written.losses)


def test_associated_actors_dropped_by_ucdp_are_listed_as_losses():
    report = by_dataset_id(read_acled(sample_text()).reports)["SYRTR003"]
    assert len(report.actors_in(ActorRoleKind.ASSOCIATED_B)) == 3
    assert "actors" in loss_fields(write_ucdp([report]).losses)
