"""PLOVER JSON lines: reading records, deriving codes from ACLED sub-types, listing losses."""

from __future__ import annotations

import json
from datetime import date

import pytest
from formats_helpers import by_dataset_id, fixture_text, loss_fields, make_report, sample_text

from truce.domain.vocab import ActorRoleKind, DatePrecision
from truce.formats.acled import read_acled
from truce.formats.plover import read_plover, write_plover
from truce.formats.ucdp import read_ucdp

PLOVER = "plover_sample.jsonl"


def _fixture_records() -> list[dict]:
    return [json.loads(line) for line in fixture_text(PLOVER).splitlines() if line.strip()]


def _records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


# --------------------------------------------------------------------------- reading


def test_fixture_records_are_read():
    result = read_plover(fixture_text(PLOVER))
    assert result.layout == "plover"
    assert result.rejected == []
    assert [r.provenance.dataset_id for r in result.reports] == [
        "PLV-SYR-0001",
        "PLV-SYR-0002",
        "PLV-SYR-0003",
        "PLV-SYR-0004",
    ]
    assert all(r.provenance.dataset == "PLOVER" for r in result.reports)
    assert [r.plover_event for r in result.reports] == ["CONCEDE", "ASSAULT", "ASSAULT", "ACCUSE"]
    assert [r.plover_mode for r in result.reports] == [
        None,
        "aerial",
        "heavy-weapons",
        "investigate",
    ]


def test_record_fields_map_to_canonical_fields():
    report = by_dataset_id(read_plover(fixture_text(PLOVER)).reports)["PLV-SYR-0002"]

    assert report.date_start == report.date_end == date(2017, 1, 22)
    assert report.date_precision is DatePrecision.DAY
    assert [(a.name, a.role) for a in report.actors] == [
        ("Russian military", ActorRoleKind.PERPETRATOR),
        ("Civilians (Idlib)", ActorRoleKind.TARGET),
    ]
    assert report.plover_context == ("military",)
    assert report.location_name == "Idlib"
    assert (report.lat, report.lon) == (35.9306, 36.6339)
    assert (report.fatalities_best, report.injured) == (4, 11)
    assert report.notes.startswith("Aircraft reported as Russian")
    assert report.id.startswith("rep_")


def test_record_missing_event_is_rejected_with_its_line():
    records = _fixture_records()
    del records[2]["event"]
    lines = [json.dumps(r) for r in records]
    text = "\n".join([lines[0], "", lines[1], lines[2], lines[3]]) + "\n"  # blank line 2

    result = read_plover(text)

    assert [(e.line, e.row_id) for e in result.rejected] == [(4, "PLV-SYR-0003")]
    assert "event" in result.rejected[0].reason
    assert [r.provenance.dataset_id for r in result.reports] == [
        "PLV-SYR-0001",
        "PLV-SYR-0002",
        "PLV-SYR-0004",
    ]


@pytest.mark.parametrize("field", ["id", "date", "actor", "event"])
def test_each_required_field_is_checked(field):
    record = _fixture_records()[1]
    record[field] = ""
    result = read_plover(json.dumps(record) + "\n")
    assert result.reports == []
    assert [e.line for e in result.rejected] == [1]
    assert result.rejected[0].reason.startswith(field)


def test_bad_json_line_is_rejected_with_its_line():
    lines = fixture_text(PLOVER).splitlines()
    text = "\n".join([lines[0], lines[1], '{"id": "PLV-X", "date": ', lines[3]])
    result = read_plover(text)

    assert [(e.line, e.row_id) for e in result.rejected] == [(3, None)]
    assert "not JSON" in result.rejected[0].reason
    assert len(result.reports) == 3


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("[1, 2, 3]", "JSON object"),
        ('{"id": "P1", "date": "2017-02-30", "actor": "A", "event": "ASSAULT"}', "date"),
        ('{"id": "P1", "date": "2017-02-01", "actor": "A", "event": "FIGHT"}', "plover_event"),
    ],
)
def test_invalid_records_are_rejected(line, reason):
    result = read_plover(line + "\n")
    assert result.reports == []
    assert [e.line for e in result.rejected] == [1]
    assert reason in result.rejected[0].reason


def test_event_category_is_upper_cased_and_timestamps_cut_to_the_day():
    line = '{"id": "P9", "date": "2017-02-01T13:45:00Z", "actor": "A", "event": "assault"}'
    (report,) = read_plover(line).reports
    assert report.plover_event == "ASSAULT"
    assert report.date_start == date(2017, 2, 1)


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize(
    ("sub_event_type", "event", "mode", "cameo"),
    [
        ("Air/drone strike", "ASSAULT", "aerial", "195"),
        ("Shelling/artillery/missile attack", "ASSAULT", "heavy-weapons", "194"),
        ("Armed clash", "ASSAULT", "firearms", "193"),
        ("Abduction/forced disappearance", "COERCE", "abduct", "181"),
    ],
)
def test_acled_sub_type_gives_event_mode_and_cameo(sub_event_type, event, mode, cameo):
    acled = [r for r in read_acled(sample_text()).reports if r.sub_event_type == sub_event_type]
    assert acled, sub_event_type
    written = write_plover(acled[:1])
    (record,) = _records(written.text)
    assert (record["event"], record["mode"], record["cameo"]) == (event, mode, cameo)
    assert record["acled_sub_event_type"] == sub_event_type


def test_acled_origin_record_content_and_losses():
    report = by_dataset_id(read_acled(sample_text()).reports)["SYRTR001"]  # an air strike
    written = write_plover([report])
    (record,) = _records(written.text)

    assert record["id"] == report.id  # not an ACLED ID passed off as a PLOVER one
    assert record["date"] == "2016-12-27"
    assert (record["event"], record["mode"], record["cameo"]) == ("ASSAULT", "aerial", "195")
    assert record["actor"] == "Military Forces of Syria (2000-)"
    assert record["recipient"] == "Civilians (Syria)"
    assert record["event_loc"] == {
        "name": "Ain al-Fijah",
        "admin1": "Rural Damascus",
        "country": "Syria",
        "lat": 33.6125,
        "lon": 36.1733,
    }
    assert record["size"] == {"dead": 3}
    assert record["acled_event_type"] == "Explosions/Remote violence"
    assert record["event_text"] == report.notes

    fields = loss_fields(written.losses)
    assert {
        "disorder_type",
        "sources",
        "source_scale",
        "admin2",
        "admin3",
        "civilian_targeting",
    } <= fields
    assert set(record["truce_lost"]) == fields
    assert record["truce_lost"] == sorted(record["truce_lost"])
    assert all(loss.row == 1 and loss.report_id == report.id for loss in written.losses)


def test_losses_carry_each_row_number():
    acled = read_acled(sample_text()).reports[:3]
    written = write_plover(acled)
    assert {loss.row for loss in written.losses} == {1, 2, 3}
    for loss in written.losses:
        assert loss.report_id == acled[loss.row - 1].id
    assert written.rows == 3


def test_week_precision_is_written_as_its_first_day_with_a_loss():
    report = by_dataset_id(read_acled(sample_text()).reports)["SYRTR027"]
    written = write_plover([report])
    (record,) = _records(written.text)
    assert record["date"] == "2017-01-17"
    assert "date_precision" in record["truce_lost"]
    assert any("week" in loss.reason for loss in written.losses if loss.field == "date_precision")


def test_sub_type_without_a_plover_category_is_a_loss():
    report = make_report(
        event_type="Strategic developments", sub_event_type="Change to group/activity"
    )
    (record,) = _records(write_plover([report]).text)
    assert record["event"] == ""
    assert "plover_event" in record["truce_lost"]


def test_a_fatality_range_keeps_best_and_lists_the_loss():
    report = by_dataset_id(read_ucdp(fixture_text("ucdp_ged_sample.csv")).reports)["900001"]
    written = write_plover([report])
    (record,) = _records(written.text)
    assert record["size"] == {"dead": 8}
    assert "fatalities" in record["truce_lost"]
    assert {"deaths_a", "deaths_b"} <= set(record["truce_lost"])


def test_round_trip_keeps_the_original_ids_and_reports():
    first = read_plover(fixture_text(PLOVER))
    written = write_plover(first.reports)
    records = _records(written.text)

    assert [r["id"] for r in records] == [r["id"] for r in _fixture_records()]
    for before, after in zip(_fixture_records(), records, strict=True):
        for key in ("id", "date", "actor", "recipient", "event", "event_loc", "event_text", "size"):
            assert after[key] == before[key], (before["id"], key)
        assert after.get("mode") == before.get("mode")
        assert after["context"] == before["context"]
    assert read_plover(written.text).reports == first.reports


def test_round_trip_of_day_precision_records_loses_nothing():
    written = write_plover(read_plover(fixture_text(PLOVER)).reports)
    assert written.losses == []
    assert all("truce_lost" not in r for r in _records(written.text))


def test_associated_actors_dropped_by_plover_are_listed_as_losses():
    report = by_dataset_id(read_acled(sample_text()).reports)["SYRTR003"]
    assert len(report.actors) == 6
    assert "actors" in loss_fields(write_plover([report]).losses)
