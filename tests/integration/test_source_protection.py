"""Source protection: only the mechanism's analysts see a protected source (the Astana scenario's
"Witness WB-1") and the exact place it reported from; every other role sees "protected source"
and the district, in reports and incidents alike. On SQLite and PostgreSQL, through the views
every surface uses; and the redaction itself, pure, on hand-made reports and incidents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from truce import scenarios
from truce.domain.access import OPERATIONS_CENTRE, Principal, Role
from truce.domain.incidents import FieldClaim, Incident
from truce.domain.redaction import (
    DISTRICT_PRECISION,
    PROTECTED,
    is_protected,
    redact_incident,
    redact_report,
)
from truce.domain.reports import Report, SourceRef, Span
from truce.domain.vocab import DatePrecision
from truce.services.extraction import store_resources, submit_text
from truce.services.incidents import fuse, merge_incidents
from truce.services.scenarios import load_scenario
from truce.services.sources import source_book
from truce.services.views import incident_view, report_view, sees_protected
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

AGREEMENT = "astana-2016"
NOW = datetime(2017, 1, 12, 8, 0, tzinfo=UTC)
SAMPLES = scenarios.load(AGREEMENT).sample_reports
WITNESS = next(r for r in SAMPLES if r["source"] == "Witness WB-1")
NAMES = ("Witness WB-1", "WB-1")  # the witness's name and its alias in sources.json
PLACE = "Ain al-Fijah"

MEMBER_OF = {
    Role.ADMINISTRATOR: "un",
    Role.ANALYST: "un",
    Role.GUARANTOR: "russia",
    Role.LIAISON: "syria-gov",
    Role.OBSERVER: "usa",
    Role.PUBLIC: "un",
}
ANALYST = Principal("analyst", "un", Role.ANALYST)
OTHERS = [Principal(f"{m}-{r.value}", m, r) for r, m in MEMBER_OF.items() if r is not Role.ANALYST]
EVERYONE = [ANALYST, *OTHERS]
# The fields redaction may change; all the others stay as they were.
REDACTED = {
    "sources",
    "notes",
    "attribution",
    "location_name",
    "admin3",
    "lat",
    "lon",
    "location_precision",
    "spans",
    # The raw document hash gives way to the keyed identifier (issue 11, item 4).
    "document_id",
    "provenance",
}
PLACE_SPANS = {"location_name", "admin3", "lat", "lon", "sources", "attribution"}


def leaks(value: Any) -> list[str]:
    """The witness's names found anywhere in a record's JSON."""
    text = json.dumps(value, default=str).casefold()
    return [name for name in NAMES if name.casefold() in text]


@dataclass
class Corpus:
    uow: UnitOfWork
    witness_report: str
    witness_incident: str


def _submit(uow: UnitOfWork, item: dict[str, Any], source: str | None = None) -> list[Report]:
    submitted = submit_text(
        uow=uow,
        text=item["text"],
        title=item["title"],
        source=source or item["source"],
        published=date.fromisoformat(item["published"]),
        now=NOW,
        max_bytes=1 << 20,
        resources=store_resources(uow),
        who=ANALYST,
    )
    return submitted.reports


@pytest.fixture
def corpus(engine: Engine, tmp_path: Path) -> Iterator[Corpus]:
    """The scenario and its sample texts, as the demo takes them in, fused."""
    with UnitOfWork(engine, Keyring(tmp_path / "keys")) as uow:
        load_scenario(uow=uow, who=ANALYST, name=AGREEMENT)
        witness = []
        for item in SAMPLES:
            reports = _submit(uow, item)
            if item is WITNESS:
                witness = reports
        fuse(uow=uow, now=NOW, rebuild=True, who=ANALYST)
        (report,) = witness
        (incident,) = [i for i in uow.incidents.all() if report.id in i.report_ids]
        yield Corpus(uow, report.id, incident.id)


def test_the_witness_report_is_the_one_protected_report_of_the_corpus(corpus: Corpus) -> None:
    book = source_book(uow=corpus.uow)
    protected = [
        r.id for r in corpus.uow.reports.iter_current() if is_protected(r, book.confidential)
    ]
    assert protected == [corpus.witness_report]
    original = corpus.uow.reports.get(corpus.witness_report)
    assert [s.name for s in original.sources] == ["Witness WB-1"]
    assert (original.location_name, original.admin2, original.location_precision) == (
        PLACE,
        "Qudsiya",
        1,
    )
    assert [sees_protected(who) for who in EVERYONE] == [True] + [False] * len(OTHERS)


def test_an_analyst_sees_the_source_and_the_exact_place(corpus: Corpus) -> None:
    uow = corpus.uow
    size = uow.ledger.size()
    report = report_view(uow=uow, who=ANALYST, report_id=corpus.witness_report)
    assert report == uow.reports.get(corpus.witness_report)
    assert [s.name for s in report.sources] == ["Witness WB-1"]
    assert (report.location_name, report.lat, report.lon) == (PLACE, 33.6153, 36.1829)
    incident, reports, finding = incident_view(
        uow=uow, who=ANALYST, incident_id=corpus.witness_incident, agreement_id=AGREEMENT
    )
    assert incident == uow.incidents.get(corpus.witness_incident)
    assert (incident.location_name, incident.lat, incident.lon) == (PLACE, 33.6153, 36.1829)
    assert [c.value for c in incident.claims["location_name"]] == [PLACE]
    assert reports == [uow.reports.get(corpus.witness_report)]
    assert finding == uow.findings.current(corpus.witness_incident, AGREEMENT)
    assert uow.ledger.size() == size  # looking writes nothing


def test_everyone_else_sees_a_protected_source_in_its_district(corpus: Corpus) -> None:
    assert {who.role for who in OTHERS} == set(Role) - {Role.ANALYST}  # every other role is checked
    for who in OTHERS:
        _sees_a_protected_source_in_its_district(corpus, who)


def _sees_a_protected_source_in_its_district(corpus: Corpus, who: Principal) -> None:
    uow = corpus.uow
    size = uow.ledger.size()
    original = uow.reports.get(corpus.witness_report)
    seen = report_view(uow=uow, who=who, report_id=corpus.witness_report)
    assert [s.name for s in seen.sources] == [PROTECTED]
    assert leaks(seen.to_plain()) == []
    assert seen.notes is not None and seen.notes.startswith(f"{PROTECTED}, a resident, told")
    assert seen.attribution in (None, PROTECTED)
    assert (
        (seen.lat, seen.lon)
        == (round(original.lat or 0, 1), round(original.lon or 0, 1))
        == (33.6, 36.2)
    )
    assert seen.location_precision is not None and seen.location_precision >= DISTRICT_PRECISION
    assert seen.location_name == original.admin2 == "Qudsiya"
    assert seen.admin3 is None
    assert PLACE_SPANS.isdisjoint(seen.spans)
    # What happened, when and to whom is shown as it was reported.
    assert seen.model_dump(exclude=REDACTED) == original.model_dump(exclude=REDACTED)
    assert uow.ledger.size() == size


def test_everyone_else_sees_the_incident_coarsened_without_the_witness_place(
    corpus: Corpus,
) -> None:
    assert {who.role for who in OTHERS} == set(Role) - {Role.ANALYST}  # every other role is checked
    for who in OTHERS:
        _sees_the_incident_coarsened(corpus, who)


def _sees_the_incident_coarsened(corpus: Corpus, who: Principal) -> None:
    uow = corpus.uow
    stored = uow.incidents.get(corpus.witness_incident)
    incident, reports, finding = incident_view(
        uow=uow, who=who, incident_id=corpus.witness_incident, agreement_id=AGREEMENT
    )
    assert incident.location_name == "Qudsiya"
    assert (incident.lat, incident.lon) == (33.6, 36.2)
    assert (
        incident.location_precision is not None
        and incident.location_precision >= DISTRICT_PRECISION
    )
    for place_field in ("location_name", "admin3", "lat", "lon"):
        claims = incident.claims.get(place_field, ())
        assert all(corpus.witness_report not in c.report_ids for c in claims), place_field
    # The other claims (who did it, how many were killed) stay.
    kept = {
        k: v for k, v in stored.claims.items() if k not in ("location_name", "admin3", "lat", "lon")
    }
    assert {k: v for k, v in incident.claims.items() if k in kept} == kept
    assert (incident.date_start, incident.fatalities_best, incident.report_ids) == (
        stored.date_start,
        stored.fatalities_best,
        stored.report_ids,
    )
    assert [r.id for r in reports] == [corpus.witness_report]
    assert [s.name for s in reports[0].sources] == [PROTECTED]
    assert reports[0] == report_view(uow=uow, who=who, report_id=corpus.witness_report)
    assert finding == uow.findings.current(corpus.witness_incident, AGREEMENT)
    assert (
        leaks(
            [incident.to_plain(), [r.to_plain() for r in reports], finding and finding.to_plain()]
        )
        == []
    )


def test_reports_and_incidents_without_a_protected_source_are_the_same_for_everyone(
    corpus: Corpus,
) -> None:
    uow = corpus.uow
    open_reports = [r for r in uow.reports.iter_current() if r.id != corpus.witness_report]
    open_incidents = [i for i in uow.incidents.all() if i.id != corpus.witness_incident]
    assert len(open_reports) == len(SAMPLES) - 1 and open_incidents
    for who in EVERYONE:
        for report in open_reports:
            assert report_view(uow=uow, who=who, report_id=report.id) == report, who
        for incident in open_incidents:
            seen, reports, finding = incident_view(
                uow=uow, who=who, incident_id=incident.id, agreement_id=AGREEMENT
            )
            assert seen == incident, who
            assert reports == [uow.reports.get(r) for r in incident.report_ids], who
            assert finding == uow.findings.current(incident.id, AGREEMENT), who


def test_an_incident_mixing_the_witness_with_open_sources(corpus: Corpus) -> None:
    """Merged with the Basimah clashes: the place is coarsened to the witness's district, the
    witness's place claims go, the open reports' claims and the open reports themselves stay."""
    uow = corpus.uow
    (basimah,) = [i for i in uow.incidents.all() if i.location_name == "Basimah"]
    merged = merge_incidents(
        uow=uow,
        incident_ids=[basimah.id, corpus.witness_incident],
        reason="one battle",
        now=NOW,
        who=ANALYST,
    )
    stored = uow.incidents.get(merged.id)
    witness_claims = [
        c for c in stored.claims["location_name"] if corpus.witness_report in c.report_ids
    ]
    assert [c.value for c in witness_claims] == [PLACE]
    analyst_view, _, _ = incident_view(
        uow=uow, who=ANALYST, incident_id=merged.id, agreement_id=AGREEMENT
    )
    assert analyst_view == stored
    for who in OTHERS:
        incident, reports, _ = incident_view(
            uow=uow, who=who, incident_id=merged.id, agreement_id=AGREEMENT
        )
        assert incident.location_name == "Qudsiya"
        assert (incident.lat, incident.lon) == (
            round(stored.lat or 0, 1),
            round(stored.lon or 0, 1),
        )
        assert (
            incident.location_precision is not None
            and incident.location_precision >= DISTRICT_PRECISION
        )
        claims = incident.claims["location_name"]
        assert [c.value for c in claims] == ["Basimah"]  # the open reports' claim only
        assert all(corpus.witness_report not in c.report_ids for c in claims)
        for report in reports:
            if report.id == corpus.witness_report:
                assert [s.name for s in report.sources] == [PROTECTED]
            else:
                assert report == uow.reports.get(report.id)
        assert leaks([incident.to_plain(), [r.to_plain() for r in reports]]) == []


@pytest.mark.parametrize("name", ["WB-1", "witness wb-1"])
def test_the_source_is_protected_under_any_of_its_names(corpus: Corpus, name: str) -> None:
    (report,) = _submit(corpus.uow, WITNESS, source=name)
    assert [s.name for s in corpus.uow.reports.get(report.id).sources] == [name]
    assert report_view(uow=corpus.uow, who=ANALYST, report_id=report.id).sources[0].name == name
    for who in OTHERS:
        seen = report_view(uow=corpus.uow, who=who, report_id=report.id)
        assert [s.name for s in seen.sources] == [PROTECTED]
        assert leaks(seen.to_plain()) == []
        assert (seen.location_name, seen.lat, seen.lon) == ("Qudsiya", 33.6, 36.2)


def test_the_exact_place_is_nowhere_in_what_others_see(corpus: Corpus) -> None:
    seen = report_view(uow=corpus.uow, who=OTHERS[-1], report_id=corpus.witness_report)
    assert PLACE.casefold() not in json.dumps(seen.to_plain()).casefold()


# ---------------------------------------------------------------------------------------------
# The redaction itself, pure

NOTES = "Witness WB-1 said artillery shelled Ain al-Fijah at dawn; wb-1 saw two people killed."


def _at(word: str, confidence: float = 0.9) -> Span:
    start = NOTES.index(word)
    return Span(start=start, end=start + len(word), confidence=confidence)


def hand_made(**update: Any) -> Report:
    report = Report(
        date_start=date(2017, 1, 10),
        date_end=date(2017, 1, 10),
        location_name=PLACE,
        admin1="Rural Damascus",
        admin2="Qudsiya",
        admin3="Lower quarter",
        country="Syria",
        lat=33.6153,
        lon=36.1829,
        location_precision=1,
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        fatalities_best=2,
        weapons=("artillery",),
        sources=(
            SourceRef(
                name="Witness WB-1",
                headline="Statement taken from witness WB-1",
                published="2017-01-10",
            ),
            SourceRef(name="SOHR", url="https://example.org/sohr"),
        ),
        attribution="WB-1",
        notes=NOTES,
        spans={
            "sources": _at("Witness WB-1"),
            "attribution": _at("wb-1"),
            "location_name": _at(PLACE),
            "date": _at("at dawn"),
            "fatalities": _at("two people killed"),
            "weapons.0": _at("artillery"),
        },
    )
    return report.model_copy(update=update).with_content_id()


def _confidential(name: str) -> bool:
    return name.casefold() in {n.casefold() for n in NAMES}


def _aliases(name: str) -> list[str]:
    return list(NAMES) if _confidential(name) else [name]


def test_an_unprotected_report_is_returned_as_it_is() -> None:
    report = hand_made(sources=(SourceRef(name="SOHR"),), attribution=None)
    assert not is_protected(report, _confidential)
    assert redact_report(report, _confidential, _aliases) is report


def test_a_protected_source_is_hidden_under_every_name_and_its_place_coarsened() -> None:
    report = hand_made()
    seen = redact_report(report, _confidential, _aliases)
    # The protected source is replaced, with its headline and date; the open co-source stays.
    assert seen.sources == (
        SourceRef(name=PROTECTED),
        SourceRef(name="SOHR", url="https://example.org/sohr"),
    )
    # Every name, in any case, longest first (no "Witness protected source"); the exact place
    # gives way to the district.
    assert seen.notes == (
        f"{PROTECTED} said artillery shelled Qudsiya at dawn; {PROTECTED} saw two people killed."
    )
    assert seen.attribution == PROTECTED
    assert leaks(seen.to_plain()) == []
    assert (seen.location_name, seen.admin3, seen.lat, seen.lon) == ("Qudsiya", None, 33.6, 36.2)
    assert seen.location_precision == DISTRICT_PRECISION
    assert seen.spans == {}  # every span dropped: they could lead back, and no longer fit the text
    assert seen.model_dump(exclude=REDACTED) == report.model_dump(exclude=REDACTED)
    assert report.sources[0].name == "Witness WB-1"  # the original is untouched


def test_the_real_source_book_knows_the_witness_by_every_name(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        load_scenario(uow=uow, who=OPERATIONS_CENTRE, name=AGREEMENT)
        book = source_book(uow=uow)
    assert all(book.confidential(n) for n in ("Witness WB-1", "WB-1", "witness wb-1"))
    assert not any(
        book.confidential(n) for n in ("SOHR", "SANA", "Joint mechanism monitoring team", "nobody")
    )
    seen = redact_report(
        hand_made(sources=(SourceRef(name="WB-1"),)), book.confidential, book.names_of
    )
    assert [s.name for s in seen.sources] == [PROTECTED]
    assert leaks(seen.to_plain()) == []


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ({}, ("Qudsiya", 33.6, 36.2, 3)),
        ({"admin2": None}, ("Rural Damascus", 33.6, 36.2, 3)),  # no district: the governorate
        ({"admin2": None, "admin1": None}, (None, 33.6, 36.2, 3)),
        ({"location_precision": None}, ("Qudsiya", 33.6, 36.2, 3)),
        ({"location_precision": 5}, ("Qudsiya", 33.6, 36.2, 5)),  # already coarser: kept
        ({"lat": None, "lon": None}, ("Qudsiya", None, None, 3)),
        ({"lat": -33.66, "lon": 36.14}, ("Qudsiya", -33.7, 36.1, 3)),
    ],
)
def test_the_place_is_coarsened_to_the_district(
    place: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    seen = redact_report(hand_made(**place), _confidential, _aliases)
    assert (seen.location_name, seen.lat, seen.lon, seen.location_precision) == expected


def test_the_extractors_location_span_is_dropped() -> None:
    report = hand_made(spans={"location": _at(PLACE), "date": _at("at dawn")})
    assert "location" not in redact_report(report, _confidential, _aliases).spans


def test_no_span_survives_to_point_into_the_scrubbed_notes() -> None:
    # Cutting names out shifts the text, and any span could lead back to the source or the
    # place: redaction drops them all.
    report = hand_made(spans={"location": _at(PLACE), "date": _at("at dawn")})
    assert report.spans and redact_report(report, _confidential, _aliases).spans == {}


def _incident(protected: str, other: str) -> Incident:
    return Incident(
        id="inc_test",
        report_ids=(protected, other),
        date_start=date(2017, 1, 10),
        date_end=date(2017, 1, 10),
        date_precision=DatePrecision.DAY,
        location_name=PLACE,
        admin1="Rural Damascus",
        lat=33.6153,
        lon=36.1829,
        location_precision=1,
        fatalities_best=2,
        claims={
            "location_name": (
                FieldClaim(value=PLACE, report_ids=(protected,)),
                FieldClaim(value="Basimah", report_ids=(other,)),
            ),
            "lat": (FieldClaim(value=33.6153, report_ids=(protected, other)),),
            "admin3": (FieldClaim(value="Lower quarter", report_ids=(protected,)),),
            "fatalities": (FieldClaim(value=2, report_ids=(protected, other)),),
        },
    )


def test_an_incident_without_protected_reports_is_returned_as_it_is() -> None:
    incident = _incident("rep_a", "rep_b")
    assert redact_incident(incident, [], "Qudsiya") is incident
    assert redact_incident(incident, ["rep_elsewhere"], "Qudsiya") is incident


def test_an_incident_loses_the_protected_reports_place_claims_and_is_coarsened() -> None:
    incident = _incident("rep_w", "rep_open")
    seen = redact_incident(incident, ["rep_w"], "Qudsiya")
    assert (seen.location_name, seen.lat, seen.lon, seen.location_precision) == (
        "Qudsiya",
        33.6,
        36.2,
        3,
    )
    assert seen.claims == {
        "location_name": (FieldClaim(value="Basimah", report_ids=("rep_open",)),),
        "fatalities": incident.claims["fatalities"],  # not a place claim: kept
    }
    # Without a district the name stays, the coordinates are still coarsened.
    assert redact_incident(incident, ["rep_w"], None).location_name == PLACE
    assert redact_incident(incident, ["rep_w"], None).lat == 33.6
    assert incident.claims["admin3"]  # the original is untouched
