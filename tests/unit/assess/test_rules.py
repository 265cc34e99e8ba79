"""The agreement rule engine on worked examples from the Syrian truce, and its invariants."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from truce import scenarios
from truce.assess.grading import SourceBook, grade
from truce.assess.parties import Excluded
from truce.assess.rules import assess
from truce.domain.incidents import AttributionGrade, Finding, FindingCategory
from truce.domain.members import Source
from truce.domain.reports import ActorRole, Report, SourceRef
from truce.domain.vocab import ACLED_SUB_EVENT_TYPES, SUB_EVENT_TO_EVENT
from truce.fuse.cluster import incident_id
from truce.fuse.consolidate import consolidate

SCENARIO = scenarios.load("astana-2016")
NOW = datetime(2017, 6, 1, tzinfo=UTC)
_SOURCES = json.loads(
    resources.files("truce.scenarios.astana_2016").joinpath("sources.json").read_text()
)
BOOK = SourceBook(
    [
        Source(
            id=d["id"],
            name=d["name"],
            kind=d["kind"],
            affiliation=d["affiliation"],
            reliability=d["reliability"],
        )
        for d in _SOURCES
    ],
    aliases={d["id"]: d["aliases"] for d in _SOURCES},
)
VIOLATIONS = {FindingCategory.VIOLATION_MINOR, FindingCategory.VIOLATION_SERIOUS}
SHARED_EXCLUDED = Excluded(SCENARIO.base_agreement, SCENARIO.actors)

BASIMAH = ("Basimah", "Rural Damascus", 33.663, 36.112)
IDLIB = ("Idlib", "Idleb", 35.930, 36.634)
DEIR_EZ_ZOR = ("Deir ez-Zor", "Deir-ez-Zor", 35.336, 40.141)
STRIKE = "Air/drone strike"
CLASH = "Armed clash"


def report(
    perpetrator: str | None,
    target: str | None = None,
    *,
    day: date = date(2017, 1, 9),
    end: date | None = None,
    sub: str = CLASH,
    where: tuple[str | None, str, float | None, float | None] = BASIMAH,
    precision: int | None = 1,
    source: str = "Reuters",
    notes: str | None = None,
    deaths: int | None = None,
    sides: tuple[str | None, str | None] | None = None,
) -> Report:
    """A report naming actors as sources do; their sides come from the registry unless given."""

    def role(name: str, kind: str, side: str | None) -> ActorRole:
        known = SCENARIO.actors.lookup(name)
        if side is None and known is not None:
            side = SCENARIO.actors.side_of(known.id)
        return ActorRole(name=name, role=kind, side=side, actor_id=known.id if known else None)

    given_sides = sides or (None, None)
    actors = []
    if perpetrator:
        actors.append(role(perpetrator, "perpetrator", given_sides[0]))
    if target:
        actors.append(role(target, "target", given_sides[1]))
    name, admin1, lat, lon = where
    return Report(
        date_start=day,
        date_end=end or day,
        date_precision="day" if end is None else "week",
        location_name=name,
        admin1=admin1,
        lat=lat,
        lon=lon,
        location_precision=precision,
        actors=tuple(actors),
        event_type=SUB_EVENT_TO_EVENT[sub],
        sub_event_type=sub,
        fatalities_best=deaths,
        sources=(SourceRef(name=source),),
        notes=notes,
    ).with_content_id()


def assessed(*reports: Report) -> Finding:
    incident = consolidate(incident_id(reports), reports)
    finding = assess(
        incident,
        reports,
        agreements=SCENARIO.agreements,
        base_id="astana-2016",
        registry=SCENARIO.actors,
        grades=grade(reports, BOOK),
        now=NOW,
    )
    assert finding.incident_id == incident.id
    assert finding.agreement_id == "astana-2016"
    assert finding.reasons
    # A run builds the excluded groups' matcher once and hands it to every incident: the
    # finding must not depend on whether it was shared.
    shared = assess(
        incident,
        reports,
        agreements=SCENARIO.agreements,
        base_id="astana-2016",
        registry=SCENARIO.actors,
        grades=grade(reports, BOOK),
        now=NOW,
        excluded=SHARED_EXCLUDED,
    )
    assert shared == finding
    return finding


def mentions(finding: Finding, *words: str) -> bool:
    text = " ".join(finding.reasons).casefold()
    return all(w.casefold() in text for w in words)


# --- worked examples ---------------------------------------------------------------------------

WADI_BARADA_NOTES = (
    "Regime forces and Hezbollah clashed with Ahl al-Sham fighters near Basimah. The regime said "
    "JFS fighters were among the defenders; opposition sources denied it."
)


def test_wadi_barada_is_a_contested_exclusion_held_against_the_government() -> None:
    finding = assessed(
        report("regime forces", "Ahl al-Sham", notes=WADI_BARADA_NOTES, source="SOHR", deaths=4),
        report("Hezbollah", "Wadi Barada rebels", notes=WADI_BARADA_NOTES, source="Reuters"),
    )
    assert finding.category is FindingCategory.CONTESTED_EXCLUSION
    assert finding.responsible_side == "government"
    assert "T1" in finding.clauses
    assert mentions(finding, "disputed")
    assert mentions(finding, "Jabhat Fateh al") or mentions(finding, "JFS")
    assert not mentions(finding, "Islamic State")


def test_an_air_strike_on_civilians_in_idlib_is_a_serious_violation_of_t2() -> None:
    finding = assessed(
        report(
            "Syrian warplanes",
            "civilians",
            day=date(2017, 1, 10),
            sub=STRIKE,
            where=IDLIB,
            deaths=6,
            source="Syria Civil Defence",
        ),
    )
    assert finding.category is FindingCategory.VIOLATION_SERIOUS
    assert finding.clauses == ("T2",)
    assert finding.responsible_side == "government"
    assert mentions(finding, "serious")


def test_a_small_clash_between_the_parties_is_a_minor_violation() -> None:
    finding = assessed(
        report("SAA", "Jaish al-Islam", where=("Douma", "Rural Damascus", 33.57, 36.40))
    )
    assert finding.category is FindingCategory.VIOLATION_MINOR
    assert finding.clauses == ("T1",)
    assert finding.responsible_side == "government"


def test_a_clash_killing_five_or_more_is_serious() -> None:
    finding = assessed(
        report("SAA", "Jaish al-Islam", deaths=6, source="SOHR"),
        report("government forces", "Army of Islam", deaths=5, source="Enab Baladi"),
    )
    assert finding.category is FindingCategory.VIOLATION_SERIOUS
    assert mentions(finding, "at least 5 killed")  # the lowest figure counts


def test_an_attack_by_isil_is_not_a_violation() -> None:
    finding = assessed(report("ISIL", "government forces", day=date(2017, 1, 15)))
    assert finding.category is FindingCategory.NOT_A_VIOLATION
    assert finding.responsible_side is None
    assert mentions(finding, "excludes")


def test_a_strike_on_isil_is_an_excluded_target() -> None:
    finding = assessed(report("Syrian warplanes", "Daesh", sub=STRIKE, where=DEIR_EZ_ZOR))
    assert finding.category is FindingCategory.EXCLUDED_TARGET
    assert finding.responsible_side is None
    assert mentions(finding, "excludes")
    assert not mentions(finding, "disputed")


def test_a_strike_on_hts_after_its_founding_is_a_contested_exclusion() -> None:
    finding = assessed(report("SAA", "HTS", day=date(2017, 2, 10), where=IDLIB))
    assert finding.category is FindingCategory.CONTESTED_EXCLUSION
    assert finding.responsible_side == "government"
    assert mentions(finding, "disputed")


def test_fighting_between_hts_and_jund_al_aqsa_is_not_a_violation() -> None:
    finding = assessed(report("HTS", "Jund al-Aqsa", day=date(2017, 2, 10), where=IDLIB))
    assert finding.category is FindingCategory.NOT_A_VIOLATION
    assert finding.responsible_side is None
    assert mentions(finding, "HTS", "excludes")


def test_fighting_between_two_excluded_groups_says_so() -> None:
    finding = assessed(report("HTS", "Jund al-Aqsa", day=date(2017, 2, 10), where=IDLIB))
    assert mentions(finding, "two excluded groups")


@pytest.mark.parametrize("group", ["Jund al-Aqsa", "Turkistan Islamic Party"])
def test_a_strike_on_a_group_the_registry_excludes_is_no_violation(group: str) -> None:
    finding = assessed(report("SAA", group, day=date(2017, 2, 10), where=IDLIB))
    assert finding.category not in VIOLATIONS


def test_fighting_among_opposition_groups_is_not_a_violation() -> None:
    finding = assessed(report("Ahrar al-Sham", "Jaish al-Islam", day=date(2017, 1, 20)))
    assert finding.category is FindingCategory.NOT_A_VIOLATION
    assert finding.responsible_side is None
    assert mentions(finding, "same side")


@pytest.mark.parametrize("perpetrator", ["SDF", "US-led coalition"])
def test_a_perpetrator_that_is_not_a_party_is_not_a_violation(perpetrator: str) -> None:
    finding = assessed(report(perpetrator, "Ahrar al-Sham", day=date(2017, 1, 20), sub=STRIKE))
    assert finding.category is FindingCategory.NOT_A_VIOLATION
    assert finding.responsible_side is None
    assert mentions(finding, "not a party")


def test_an_incident_before_the_truce_is_outside_the_period() -> None:
    finding = assessed(report("SAA", "Jaish al-Islam", day=date(2016, 12, 29)))
    assert finding.category is FindingCategory.NOT_A_VIOLATION
    assert mentions(finding, "outside the period", "2016-12-30")


def test_the_first_day_of_the_truce_is_inside_the_period() -> None:
    finding = assessed(report("SAA", "Jaish al-Islam", day=date(2016, 12, 30)))
    assert finding.category in VIOLATIONS


def test_an_incident_straddling_the_start_is_undetermined() -> None:
    finding = assessed(
        report("SAA", "Jaish al-Islam", day=date(2016, 12, 28), end=date(2017, 1, 3))
    )
    assert finding.category is FindingCategory.UNDETERMINED
    assert finding.responsible_side is None
    assert mentions(finding, "straddle")


def test_a_strategic_development_is_not_an_incident() -> None:
    finding = assessed(report("SAA", "Ahl al-Sham", day=date(2017, 1, 28), sub="Agreement"))
    assert finding.category is FindingCategory.NOT_AN_INCIDENT
    assert finding.clauses == ()
    assert finding.responsible_side is None


def test_a_violent_act_the_agreement_does_not_list_is_not_a_violation() -> None:
    finding = assessed(report("SAA", "civilians", sub="Excessive force against protesters"))
    assert finding.category is FindingCategory.NOT_AN_INCIDENT  # protests are not violence here
    finding = assessed(report("rebel forces", "SAA", sub="Looting/property destruction"))
    assert finding.category is FindingCategory.NOT_AN_INCIDENT


def test_sides_blaming_each_other_is_undetermined() -> None:
    douma = ("Douma", "Rural Damascus", 33.572, 36.402)
    reports = (
        report(
            "government forces",
            "Jaish al-Islam",
            day=date(2017, 1, 15),
            where=douma,
            source="Orient News",
            sub="Shelling/artillery/missile attack",
        ),
        report(
            "Jaish al-Islam",
            "government forces",
            day=date(2017, 1, 15),
            where=douma,
            source="SANA",
            sub="Shelling/artillery/missile attack",
        ),
    )
    assert grade(reports, BOOK).attribution is AttributionGrade.CONTESTED
    finding = assessed(*reports)
    assert finding.category is FindingCategory.UNDETERMINED
    assert finding.responsible_side is None
    assert finding.attribution is AttributionGrade.CONTESTED
    assert finding.clauses == ("T1",)
    assert mentions(finding, "blame each other")


def test_no_named_perpetrator_is_undetermined() -> None:
    finding = assessed(report(None, "civilians", sub="Shelling/artillery/missile attack"))
    assert finding.category is FindingCategory.UNDETERMINED
    assert finding.responsible_side is None


def test_the_finding_carries_the_grades() -> None:
    finding = assessed(
        report("SAA", "Jaish al-Islam", source="Joint mechanism monitoring team"),
    )
    assert finding.occurrence.value == "C4"
    assert finding.assessed_at == NOW
    assert mentions(finding, "mechanism team")


# --- de-escalation zones (from 6 May 2017) -----------------------------------------------------


def test_a_strike_in_the_idlib_zone_after_6_may_breaks_d1() -> None:
    finding = assessed(
        report(
            "Syrian warplanes",
            "civilians",
            day=date(2017, 5, 10),
            sub=STRIKE,
            where=IDLIB,
            deaths=2,
        )
    )
    assert finding.category is FindingCategory.VIOLATION_SERIOUS
    assert "D1" in finding.clauses and "T2" in finding.clauses
    assert mentions(finding, "inside the Idlib de-escalation zone")


def test_the_same_strike_on_5_may_does_not_break_d1() -> None:
    finding = assessed(
        report(
            "Syrian warplanes", "civilians", day=date(2017, 5, 5), sub=STRIKE, where=IDLIB, deaths=2
        )
    )
    assert finding.clauses == ("T2",)
    assert not mentions(finding, "de-escalation")


def test_a_governorate_level_location_is_possibly_inside_the_zone() -> None:
    finding = assessed(
        report(
            "Syrian warplanes",
            "civilians",
            day=date(2017, 5, 10),
            sub=STRIKE,
            where=(None, "Idleb", None, None),
            precision=4,
        )
    )
    assert "D1" in finding.clauses
    assert mentions(finding, "possibly inside the Idlib de-escalation zone")


def test_a_strike_outside_every_zone_after_6_may_does_not_break_d1() -> None:
    finding = assessed(
        report(
            "Syrian warplanes", "civilians", day=date(2017, 5, 10), sub=STRIKE, where=DEIR_EZ_ZOR
        )
    )
    assert finding.category is FindingCategory.VIOLATION_SERIOUS
    assert finding.clauses == ("T2",)


def test_a_strike_inside_a_zone_breaks_only_the_prohibiting_clauses() -> None:
    finding = assessed(
        report("Syrian warplanes", "civilians", day=date(2017, 5, 10), sub=STRIKE, where=IDLIB)
    )
    assert finding.clauses == ("D1", "T2")


def test_the_word_is_in_the_notes_does_not_name_isil() -> None:
    finding = assessed(
        report("SAA", "Jaish al-Islam", notes="The situation is tense after the clash.")
    )
    assert finding.category is FindingCategory.VIOLATION_MINOR


# --- properties --------------------------------------------------------------------------------

ACTOR_NAMES = sorted(a.name for a in SCENARIO.actors)
VIOLENT_SUBS = [
    sub
    for family in ("Battles", "Explosions/Remote violence", "Violence against civilians")
    for sub in ACLED_SUB_EVENT_TYPES[family]
]
ALL_SUBS = sorted(SUB_EVENT_TO_EVENT)
TOWNS = (
    BASIMAH,
    IDLIB,
    DEIR_EZ_ZOR,
    ("Douma", "Rural Damascus", 33.572, 36.402),
    ("Daraa", "Dar'a", 32.618, 36.102),
    (None, "Hama", None, None),
)
OUTLETS = ("Reuters", "SANA", "Orient News", "SOHR", "Joint mechanism monitoring team")
SIDES = (None, "government", "opposition", "other", "excluded", "civilians")
PROPERTY = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def actor_names(draw: st.DrawFn) -> tuple[str | None, str | None]:
    """A registry name (its side from the registry), or a name the registry does not know."""
    if draw(st.booleans()):
        return draw(st.sampled_from(ACTOR_NAMES)), None
    return draw(st.sampled_from(("unknown gunmen", "a local brigade"))), draw(
        st.sampled_from(SIDES)
    )


@st.composite
def incidents(draw: st.DrawFn, days: st.SearchStrategy[date], subs: Sequence[str]) -> list[Report]:
    out = []
    for _ in range(draw(st.integers(1, 3))):
        (perpetrator, p_side), (target, t_side) = draw(actor_names()), draw(actor_names())
        town = draw(st.sampled_from(TOWNS))
        start = draw(days)
        out.append(
            report(
                draw(st.one_of(st.none(), st.just(perpetrator))),
                target,
                day=start,
                end=start + timedelta(days=6) if draw(st.booleans()) else None,
                sub=draw(st.sampled_from(subs)),
                where=town,
                precision=1 if town[2] is not None else 4,
                source=draw(st.sampled_from(OUTLETS)),
                notes=draw(st.sampled_from((None, WADI_BARADA_NOTES, "Shelling was heard."))),
                deaths=draw(st.one_of(st.none(), st.integers(0, 12))),
                sides=(p_side, t_side),
            )
        )
    return out


@PROPERTY
@given(reports=incidents(st.dates(date(2015, 1, 1), date(2016, 12, 23)), ALL_SUBS))
def test_nothing_before_the_truce_is_a_violation(reports: list[Report]) -> None:
    finding = assessed(*reports)
    assert finding.category not in VIOLATIONS
    assert finding.responsible_side is None


@PROPERTY
@given(reports=incidents(st.dates(date(2016, 12, 30), date(2017, 7, 31)), VIOLENT_SUBS))
def test_no_finding_holds_responsible_a_side_that_is_not_a_party(reports: list[Report]) -> None:
    finding = assessed(*reports)
    assert finding.responsible_side in (None, "government", "opposition")
    if finding.category in VIOLATIONS:
        assert finding.responsible_side is not None
        assert finding.clauses
