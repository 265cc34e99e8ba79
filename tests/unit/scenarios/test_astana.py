"""The Astana scenario as data: members, agreement terms, actors, zones, sample corpus."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from truce import scenarios
from truce.domain.actors import normalise_name
from truce.domain.errors import NotFound
from truce.domain.vocab import ActorRoleKind
from truce.formats.acled import read_acled

SCENARIO = scenarios.load("astana-2016")
REGISTRY = SCENARIO.actors
TRUCE = SCENARIO.base_agreement


def test_unknown_scenario_is_named_in_the_error() -> None:
    with pytest.raises(NotFound, match="no scenario 'geneva'; available: astana-2016"):
        scenarios.load("geneva")


def test_members_and_their_roles() -> None:
    kinds = {m.id: m.kind.value for m in SCENARIO.members}
    assert kinds == {
        "russia": "guarantor",
        "iran": "guarantor",
        "turkey": "guarantor",
        "syria-gov": "party",
        "syria-opp": "party",
        "un": "chair",
        "usa": "observer",
    }
    assert TRUCE.observers == ("un", "usa")
    assert TRUCE.chair == "un"


def test_excluded_groups_and_the_disputed_ones() -> None:
    excluded = {g.actor_id: g for g in TRUCE.excluded}
    assert set(excluded) == {"isil", "jfs", "hts"}
    assert not excluded["isil"].disputed
    assert excluded["jfs"].disputed and excluded["hts"].disputed
    assert excluded["hts"].valid_from == date(2017, 1, 28)
    assert not excluded["hts"].applies_on(date(2017, 1, 27))


def test_prohibited_acts_cover_air_strikes_and_territory() -> None:
    by_clause = Counter(p.clause for p in TRUCE.prohibited)
    subs = {p.sub_event_type: p.clause for p in TRUCE.prohibited}
    assert subs["Air/drone strike"] == "T2"
    assert subs["Government regains territory"] == "T3"
    assert "Agreement" not in subs
    assert by_clause["T1"] >= 6


def test_registry_has_at_least_60_actors_with_the_usual_abbreviations() -> None:
    assert len(REGISTRY) >= 60
    expected = {
        "SAA": "government",
        "NDF": "government",
        "FSA": "opposition",
        "JFS": "excluded",
        "HTS": "excluded",
        "QSD": "other",
        "SDF": "other",
        "YPG": "other",
        "IRGC": "government",
        "ISIS": "excluded",
        "Daesh": "excluded",
    }
    for alias, side in expected.items():
        found = REGISTRY.lookup(alias)
        assert found is not None, alias
        assert REGISTRY.side_of(found.id) == side, alias


@pytest.mark.parametrize(
    ("name", "actor_id"),
    [
        ("regime forces", "syr-military"),
        ("هيئة تحرير الشام", "hts"),
        ("Jabhat al-Nusra", "jfs"),
        ("جيش الإسلام", None),
        ("Ahrar ash-Sham", "ahrar-al-sham"),
    ],
)
def test_arabic_names_and_spelling_variants_resolve(name: str, actor_id: str | None) -> None:
    found = REGISTRY.lookup(name)
    assert found is not None, name
    if actor_id is not None:
        assert found.id == actor_id


def test_every_actor_is_complete() -> None:
    for actor in REGISTRY.all():
        assert actor.aliases, actor.id
        assert 1 <= actor.inter <= 8
    kinds = Counter(a.kind.value for a in REGISTRY.all())
    assert kinds["state_force"] and kinds["rebel_group"] and kinds["external_force"]
    assert any(a.parent for a in REGISTRY.all())


def test_fourteen_governorates_and_four_timed_de_escalation_zones() -> None:
    zones = [z for a in SCENARIO.agreements for z in a.zones]
    governorates = [z for z in zones if z.kind == "governorate"]
    assert len(governorates) == 14
    assert {z.pcode for z in governorates} == {f"SY{n:02d}" for n in range(1, 15)}
    assert all(z.iso3166_2 and z.iso3166_2.startswith("SY-") for z in governorates)
    de_escalation = [z for z in zones if z.kind == "de_escalation"]
    assert len(de_escalation) == 4
    assert all(z.valid_from == date(2017, 5, 6) and z.geometry for z in de_escalation)
    assert [z.id for z in zones if z.kind == "country"] == ["syria"]


def test_sample_corpus_is_realistic_and_covers_the_required_places() -> None:
    parsed = read_acled(SCENARIO.sample_acled.decode("utf-8"))
    assert parsed.rejected == [] and parsed.warnings == []
    window = [r for r in parsed.reports if date(2016, 12, 30) <= r.date_start <= date(2017, 2, 28)]
    assert len(window) >= 40
    text = " ".join(f"{r.location_name} {r.admin1} {r.admin2} {r.notes}" for r in window)
    for place in ("Wadi Barada", "Idleb", "Douma", "Dar'a"):
        assert place in text, place
    # Every actor in the sample is in the registry.
    names = {a.name for r in parsed.reports for a in r.actors}
    assert {n for n in names if REGISTRY.lookup(n) is None} == set()


def test_sample_corpus_has_fighting_among_rebel_groups() -> None:
    parsed = read_acled(SCENARIO.sample_acled.decode("utf-8"))
    infighting = []
    for r in parsed.reports:
        a = r.first_actor(ActorRoleKind.SIDE_A)
        b = r.first_actor(ActorRoleKind.SIDE_B)
        if r.event_type != "Battles" or a is None or b is None:
            continue
        sides = {REGISTRY.side_of(REGISTRY.lookup(x.name).id) for x in (a, b)}  # type: ignore[union-attr]
        if sides <= {"opposition", "excluded"}:
            infighting.append(r)
    assert len(infighting) >= 3
    assert any(
        normalise_name("Jund al Aqsa") in normalise_name(" ".join(x.name for x in r.actors))
        for r in infighting
    )
