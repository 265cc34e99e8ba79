"""Domain records reject impossible data, with messages that name the field."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from truce.domain.agreements import Agreement, Guarantor, Party, ProhibitedAct, Zone
from truce.domain.documents import Channel, IntakeEvent, RawDocument
from truce.domain.errors import ValidationFailed
from truce.domain.incidents import Finding, Incident
from truce.domain.members import Source
from truce.domain.reports import ActorRole, Report, Span
from truce.domain.vocab import DatePrecision

DAY = date(2017, 1, 9)


def report(**fields: object) -> Report:
    base: dict[str, object] = {"date_start": DAY, "date_end": DAY}
    return Report(**{**base, **fields})


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"lat": 95.2, "lon": 36.1}, "lat", "less than or equal to 90"),
        ({"lat": -90.5, "lon": 36.1}, "lat", "greater than or equal to -90"),
        ({"lat": 33.5, "lon": 181.0}, "lon", "less than or equal to 180"),
        ({"lat": 33.5}, "lat", "come together"),
        ({"date_end": date(2017, 1, 1), "date_precision": "days"}, "date_end", "before date_start"),
        ({"date_end": date(2017, 1, 10)}, "date_end", "day-precision"),
        ({"fatalities_low": 9, "fatalities_high": 3}, "fatalities_low", "above fatalities_high"),
        ({"fatalities_best": -1}, "fatalities_best", "greater than or equal to 0"),
        (
            {"event_type": "Battles", "sub_event_type": "Peaceful protest"},
            "sub_event_type",
            "belongs to 'Protests', not 'Battles'",
        ),
        ({"sub_event_type": "Carpet bombing"}, "sub_event_type", "unknown sub-event type"),
        ({"event_type": "Ceasefire violation"}, "event_type", "unknown ACLED event type"),
        ({"plover_event": "BOMB"}, "plover_event", "unknown PLOVER category"),
        ({"location_precision": 8}, "location_precision", "less than or equal to 7"),
        ({"date_precision": "fortnight"}, "date_precision", "Input should be"),
    ],
)
def test_impossible_reports_name_the_field(
    fields: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message) as caught:
        report(**fields)
    assert caught.value.field == field
    assert field in str(caught.value)


def test_a_valid_report_and_its_content_id() -> None:
    r = report(
        date_end=date(2017, 1, 12),
        date_precision=DatePrecision.DAYS,
        lat=33.61,
        lon=36.17,
        event_type="Battles",
        sub_event_type="Armed clash",
        fatalities_low=1,
        fatalities_best=3,
        fatalities_high=4,
        actors=(ActorRole(name="Hezbollah", role="side_a"),),
    )
    with_id = r.with_content_id()
    assert with_id.id.startswith("rep_")
    assert with_id.with_content_id().id == with_id.id  # the ID is not part of its own content
    assert r.evolve(fatalities_best=2).with_content_id().id != with_id.id
    assert with_id.evolve(document_id="a" * 64).with_content_id().id == with_id.id


def test_unusual_death_ranges_are_warnings_not_errors() -> None:
    r = report(fatalities_low=5, fatalities_best=4, fatalities_high=9)
    assert r.fatality_warnings() == ["fatalities_best 4 is below fatalities_low 5"]
    assert report(fatalities_low=1, fatalities_best=2, fatalities_high=3).fatality_warnings() == []
    assert report(fatalities_low=1, fatalities_best=12, fatalities_high=3).fatality_warnings() == [
        "fatalities_best 12 is above fatalities_high 3"
    ]


def test_best_fatalities_prefers_best_then_low_then_high() -> None:
    assert report(fatalities_low=2, fatalities_best=5).best_fatalities() == 5
    assert report(fatalities_low=2).best_fatalities() == 2
    assert report(fatalities_high=7).best_fatalities() == 7
    assert report().best_fatalities() is None


def test_records_are_immutable() -> None:
    r = report()
    with pytest.raises(ValueError, match="frozen"):
        r.admin1 = "Idleb"  # type: ignore[misc]


def test_evolve_copies_with_changes_and_leaves_the_original() -> None:
    r = report(lat=33.5, lon=36.3, actors=(ActorRole(name="Hezbollah", role="side_a"),))
    moved = r.evolve(lat=34.0, admin1="Homs")
    assert (moved.lat, moved.lon, moved.admin1) == (34.0, 36.3, "Homs")
    assert (r.lat, r.admin1) == (33.5, None)
    assert moved.actors == r.actors
    assert r.evolve() == r


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"lat": 200}, "lat", r"Report\.lat: Input should be less than or equal to 90"),
        ({"lon": None}, "lat", "come together"),  # the record's own checks run again
        ({"date_end": date(2017, 1, 1)}, "date_end", "before date_start"),
        ({"fatalities_best": -3}, "fatalities_best", "greater than or equal to 0"),
        # A nested record given as plain data is checked as it is built, and names its own field.
        ({"actors": ({"name": "", "role": "side_a"},)}, "name", r"ActorRole\.name: String"),
        ({"admin_9": "Idlib"}, "admin_9", "Extra inputs are not permitted"),
    ],
)
def test_evolve_rejects_an_invalid_change_naming_the_field(
    changes: dict[str, object], field: str, message: str
) -> None:
    r = report(lat=33.5, lon=36.3)
    with pytest.raises(ValidationFailed, match=message) as caught:
        r.evolve(**changes)
    assert caught.value.field == field


def test_evolve_validates_every_kind_of_record() -> None:
    incident = Incident(
        id="inc_1", report_ids=("rep_1",), date_start=DAY, date_end=DAY, date_precision="day"
    )
    with pytest.raises(ValidationFailed, match=r"Incident\.lat") as caught:
        incident.evolve(lat=200.0)
    assert caught.value.field == "lat"
    with pytest.raises(ValidationFailed) as caught:
        incident.evolve(report_ids=())
    assert caught.value.field == "report_ids"
    source = Source(id="s", name="SOHR", kind="ngo", reliability="B")
    with pytest.raises(ValidationFailed) as caught:
        source.evolve(reliability="G")
    assert caught.value.field == "reliability"


def test_spans_must_be_ordered() -> None:
    with pytest.raises(ValidationFailed, match="end"):
        Span(start=10, end=3)
    assert Span(start=3, end=10).end == 10


def test_timezone_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="received_at") as caught:
        IntakeEvent(document_id="a" * 64, channel=Channel.FILE, received_at=datetime(2017, 1, 1))
    assert "timezone" in str(caught.value)
    with pytest.raises(ValidationFailed, match="in_force_from"):
        Agreement(id="x", title="x", in_force_from=datetime(2016, 12, 30))


def test_raw_document_ids_are_sha256_hex() -> None:
    with pytest.raises(ValidationFailed, match="id"):
        RawDocument(id="not-a-hash", media_type="text/plain", size=1)


def test_agreement_guarantors_must_answer_for_real_sides() -> None:
    with pytest.raises(ValidationFailed, match="answers for unknown side") as caught:
        Agreement(
            id="x",
            title="x",
            in_force_from=datetime(2016, 12, 30, tzinfo=UTC),
            parties=(Party(side="government", name="G"),),
            guarantors=(Guarantor(member_id="turkey", answers_for=("opposition",)),),
        )
    assert caught.value.field == "guarantors"


def test_quorum_rule_needs_a_size() -> None:
    with pytest.raises(ValidationFailed, match="quorum"):
        Agreement(
            id="x", title="x", in_force_from=datetime(2016, 12, 30, tzinfo=UTC), sign_off="quorum"
        )


def test_prohibited_acts_use_known_sub_types() -> None:
    with pytest.raises(ValidationFailed, match="unknown ACLED sub-event type"):
        ProhibitedAct(clause="T1", sub_event_type="Sniping")


def test_zone_checks_dates_geometry_and_centroid() -> None:
    with pytest.raises(ValidationFailed, match="valid_to"):
        Zone(id="z", name="z", kind="other", valid_from=date(2017, 5, 6), valid_to=date(2017, 1, 1))
    with pytest.raises(ValidationFailed, match="geometry"):
        Zone(id="z", name="z", kind="other", geometry={"type": "Point", "coordinates": [36, 33]})
    with pytest.raises(ValidationFailed, match="centroid"):
        Zone(id="z", name="z", kind="other", centroid=(33.5, 236.3))
    zone = Zone(id="z", name="z", kind="other", valid_from=date(2017, 5, 6))
    assert not zone.active_on(date(2017, 5, 5))
    assert zone.active_on(date(2017, 5, 6))


def test_incident_and_finding_validate() -> None:
    with pytest.raises(ValidationFailed, match="report_ids"):
        Incident(id="inc_1", report_ids=(), date_start=DAY, date_end=DAY, date_precision="day")
    with pytest.raises(ValidationFailed, match="reasons"):
        Finding(
            incident_id="inc_1",
            agreement_id="a",
            category="undetermined",
            occurrence="C2",
            attribution="undetermined",
            reasons=(),
            assessed_at=datetime(2017, 1, 9, tzinfo=UTC),
        )


def test_source_reliability_is_an_admiralty_letter() -> None:
    assert Source(id="s", name="SOHR", kind="ngo", reliability="B").reliability == "B"
    with pytest.raises(ValidationFailed, match="reliability"):
        Source(id="s", name="SOHR", kind="ngo", reliability="G")


def test_parse_gives_the_same_named_errors() -> None:
    with pytest.raises(ValidationFailed, match=r"Report\.lat"):
        Report.parse({"date_start": "2017-01-09", "date_end": "2017-01-09", "lat": 91, "lon": 0})
    assert Report.parse(report().to_plain()) == report()
