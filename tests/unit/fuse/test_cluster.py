"""Fusion: which reports are one event, and what the incident keeps of each of them."""

from __future__ import annotations

import random
from datetime import date, timedelta

from truce.domain.reports import ActorRole, Report, SourceRef
from truce.fuse.blocking import candidate_pairs, compatible
from truce.fuse.cluster import best_incident, fuse_batch, incident_id, members_of
from truce.fuse.features import features
from truce.fuse.score import score

DAY = date(2017, 1, 9)
BASIMAH = (33.663, 36.112)  # Wadi Barada, Rural Damascus
SHELLING = ("Explosions/Remote violence", "Shelling/artillery/missile attack")


def report(
    source: str,
    notes: str | None,
    *,
    day: date = DAY,
    end: date | None = None,
    precision: str = "day",
    where: tuple[float, float] | None = BASIMAH,
    place: str | None = "Basimah",
    admin1: str = "Rural Damascus",
    location_precision: int | None = 1,
    kind: tuple[str, str] = SHELLING,
    perpetrator: tuple[str, str] | None = ("government forces", "government"),
    target: tuple[str, str] | None = ("Ahl al-Sham", "opposition"),
    deaths: int | None = 3,
) -> Report:
    actors = []
    if perpetrator:
        actors.append(ActorRole(name=perpetrator[0], role="perpetrator", side=perpetrator[1]))
    if target:
        actors.append(ActorRole(name=target[0], role="target", side=target[1]))
    return Report(
        date_start=day,
        date_end=end or day,
        date_precision=precision,
        location_name=place,
        admin1=admin1,
        lat=where[0] if where else None,
        lon=where[1] if where else None,
        location_precision=location_precision,
        actors=tuple(actors),
        event_type=kind[0],
        sub_event_type=kind[1],
        fatalities_best=deaths,
        sources=(SourceRef(name=source),),
        notes=notes,
    ).with_content_id()


def km_north(point: tuple[float, float], km: float) -> tuple[float, float]:
    return (point[0] + km / 111.0, point[1])


# The scenario's source list says which outlets belong to a side.
AFFILIATIONS = {
    "sana": "government",
    "smart news agency": "opposition",
    "enab baladi": "opposition",
}


def groups(reports: list[Report]) -> set[frozenset[str]]:
    fusion = fuse_batch(reports, affiliations=AFFILIATIONS)
    return {frozenset(i.report_ids) for i in fusion.incidents}


SOHR = report(
    "SOHR",
    "Government artillery shelled Basimah in Wadi Barada, "
    "killing three civilians and wounding others.",
)
# The other side's outlet: a day later, 2.5 km off, another spelling, four dead, rebels blamed.
SANA = report(
    "SANA",
    "Terrorist groups fired shells on Bassima village in the Barada valley, "
    "killing four, the army said.",
    day=DAY + timedelta(days=1),
    where=(33.680, 36.095),
    place="Bassima",
    perpetrator=("terrorist groups", "opposition"),
    target=("civilians", "civilians"),
    deaths=4,
)
SMART = report(
    "Smart News Agency",
    "Regime shelling on Bassima in the Barada valley killed four people; rebels blamed the army.",
    day=DAY + timedelta(days=1),
    where=(33.680, 36.095),
    place="Bassima",
    deaths=4,
)
SANA_SAME_DAY = report(
    "SANA",
    "Terrorist groups fired shells on Bassima village in the Barada valley, "
    "killing four, the army said.",
    where=(33.650, 36.130),
    place="Bassima",
    perpetrator=("terrorist groups", "opposition"),
    target=("civilians", "civilians"),
    deaths=4,
)


# --- one event, many reports --------------------------------------------------------------------


def test_two_outlets_a_day_apart_with_different_figures_fuse() -> None:
    assert groups([SOHR, SMART]) == {frozenset({SOHR.id, SMART.id})}


def test_sides_blaming_each_other_for_one_shelling_fuse() -> None:
    assert groups([SOHR, SANA_SAME_DAY]) == {frozenset({SOHR.id, SANA_SAME_DAY.id})}


def test_a_counter_claim_counts_only_from_a_source_known_to_be_partisan() -> None:
    # SANA blames the rebels for what SOHR lays at the army's door. Known as a government
    # outlet, that is the parties' usual counter-claim; from an unknown source, it is just
    # two reports disagreeing on who did what to whom, and too little to call them one.
    assert groups([SOHR, SANA_SAME_DAY]) == {frozenset({SOHR.id, SANA_SAME_DAY.id})}
    apart = fuse_batch([SOHR, SANA_SAME_DAY])
    assert len(apart.incidents) == 2


def test_two_spellings_of_one_town_a_little_apart_are_one_place() -> None:
    a, b = features(0, SOHR), features(1, SANA_SAME_DAY)
    assert (a.place, b.place) == ("bsm", "bsm")
    assert score(a, b).levels["place"] == "same town"
    elsewhere = report(
        "SANA", None, place="Deir Qanun", where=(SANA_SAME_DAY.lat or 0, SANA_SAME_DAY.lon or 0)
    )
    assert score(a, features(1, elsewhere)).levels["place"] == "close by"


def test_three_accounts_of_one_shelling_fuse_into_one_incident() -> None:
    fusion = fuse_batch([SOHR, SMART, SANA_SAME_DAY], affiliations=AFFILIATIONS)
    assert len(fusion.incidents) == 1
    assert set(fusion.assignment) == {SOHR.id, SMART.id, SANA_SAME_DAY.id}
    assert set(fusion.assignment.values()) == {fusion.incidents[0].id}


def test_conflicting_claims_are_kept_side_by_side() -> None:
    (incident,) = fuse_batch([SOHR, SMART, SANA_SAME_DAY], affiliations=AFFILIATIONS).incidents
    fatalities = {c.value: set(c.report_ids) for c in incident.claims["fatalities"]}
    assert fatalities == {3: {SOHR.id}, 4: {SMART.id, SANA_SAME_DAY.id}}
    sides = {c.value: set(c.report_ids) for c in incident.claims["perpetrator_side"]}
    assert sides == {"government": {SOHR.id, SMART.id}, "opposition": {SANA_SAME_DAY.id}}
    places = {c.value for c in incident.claims["location_name"]}
    assert places == {"Basimah", "Bassima"}
    assert (incident.fatalities_low, incident.fatalities_high) == (3, 4)
    assert incident.fatalities_low <= incident.fatalities_best <= incident.fatalities_high
    assert incident.report_ids == tuple(sorted((SOHR.id, SMART.id, SANA_SAME_DAY.id)))
    # Reports a day apart: the incident spans both days rather than picking one.
    assert (incident.date_start, incident.date_end) == (DAY, DAY + timedelta(days=1))


def test_the_incident_id_comes_from_its_earliest_report_in_any_order() -> None:
    reports = [SOHR, SMART, SANA_SAME_DAY]
    expected = {fuse_batch(reports, affiliations=AFFILIATIONS).incidents[0].id}
    for seed in range(6):
        shuffled = reports[:]
        random.Random(seed).shuffle(shuffled)
        (incident,) = fuse_batch(shuffled, affiliations=AFFILIATIONS).incidents
        expected.add(incident.id)
    assert len(expected) == 1
    # SMART is a day later; SOHR and SANA_SAME_DAY share the first day and the lower ID anchors.
    anchor = min((SOHR, SANA_SAME_DAY), key=lambda r: r.id)
    assert expected == {incident_id([anchor])}
    assert incident_id([SMART, SOHR, SANA_SAME_DAY]) == incident_id([SANA_SAME_DAY, SOHR, SMART])


# --- different events stay apart ---------------------------------------------------------------


def test_the_same_shelling_a_week_later_is_another_incident() -> None:
    later = report(
        "Smart News Agency", SMART.notes, day=DAY + timedelta(days=7), place="Bassima", deaths=4
    )
    assert groups([SOHR, later]) == {frozenset({SOHR.id}), frozenset({later.id})}


def test_the_same_shelling_forty_km_away_is_another_incident() -> None:
    far = report("Smart News Agency", SOHR.notes, where=km_north(BASIMAH, 40), place="Elsewhere")
    assert groups([SOHR, far]) == {frozenset({SOHR.id}), frozenset({far.id})}


def test_one_outlet_telling_two_stories_of_one_day_and_place_are_two_events() -> None:
    other_story = report(
        "SOHR",
        "A rocket hit a checkpoint near the water plant and clashes followed; one fighter died.",
        deaths=1,
    )
    assert groups([SOHR, other_story]) == {frozenset({SOHR.id}), frozenset({other_story.id})}


def test_a_third_report_cannot_bridge_two_stories_of_one_outlet() -> None:
    other_story = report(
        "SOHR",
        "A rocket hit a checkpoint near the water plant and clashes followed; one fighter died.",
        deaths=1,
    )
    bridge = report("Reuters", "Shelling and clashes around Basimah, a monitor said.", deaths=2)
    result = groups([SOHR, other_story, bridge])
    assert len(result) == 2
    assert not any({SOHR.id, other_story.id} <= g for g in result)
    assert any(bridge.id in g and len(g) == 2 for g in result)


def test_syndicated_copies_from_two_outlets_fuse() -> None:
    wire = (
        "Shelling hit Basimah village in the Wadi Barada valley on Monday, killing three people, "
        "a monitoring group said."
    )
    original = report("Reuters", wire)
    copy = report("Syria Direct", wire, where=(33.70, 36.08), target=None, deaths=None)
    assert groups([original, copy]) == {frozenset({original.id, copy.id})}


def test_a_syndicated_copy_under_the_same_outlet_name_may_join() -> None:
    wire = "Shelling hit Basimah village in the Wadi Barada valley, killing three people."
    first = report("Reuters", wire)
    again = report("Reuters", wire + " Update.", where=(33.67, 36.12))
    assert groups([first, again]) == {frozenset({first.id, again.id})}


def test_a_governorate_level_report_joins_a_precise_one_that_day() -> None:
    vague = report(
        "Orient News",
        "Regime forces shelled villages in the Damascus countryside.",
        where=None,
        place=None,
        location_precision=4,
    )
    assert groups([SOHR, vague]) == {frozenset({SOHR.id, vague.id})}
    (incident,) = fuse_batch([SOHR, vague]).incidents
    # The precise report gives the incident its place.
    assert (incident.location_name, incident.lat, incident.location_precision) == (
        "Basimah",
        BASIMAH[0],
        1,
    )


def test_a_governorate_level_report_stays_out_of_other_governorates_and_days() -> None:
    elsewhere = report(
        "Orient News",
        "Regime forces shelled villages in the countryside.",
        where=None,
        place=None,
        location_precision=4,
        admin1="Idleb",
    )
    later = report(
        "Orient News",
        "Regime forces shelled villages in the Damascus countryside.",
        where=None,
        place=None,
        location_precision=4,
        day=DAY + timedelta(days=5),
    )
    assert len(groups([SOHR, elsewhere])) == 2
    assert len(groups([SOHR, later])) == 2


def test_week_precision_reports_are_compared_within_their_week() -> None:
    monday = date(2017, 1, 9)
    week = report(
        "Step News Agency",
        "A week of regime shelling on Basimah.",
        day=monday,
        end=monday + timedelta(days=6),
        precision="week",
    )
    inside = report("SOHR", SOHR.notes, day=monday + timedelta(days=4))
    outside = report("SOHR", SOHR.notes, day=monday + timedelta(days=9))
    assert groups([week, inside]) == {frozenset({week.id, inside.id})}
    assert groups([week, outside]) == {frozenset({week.id}), frozenset({outside.id})}
    (incident,) = fuse_batch([week, inside]).incidents
    # The day both allow.
    assert incident.date_start == incident.date_end == monday + timedelta(days=4)


def test_battles_and_explosions_are_compatible_kinds_strategic_developments_are_not() -> None:
    assert compatible("Battles", "Explosions/Remote violence")
    assert compatible("Explosions/Remote violence", "Battles")
    assert compatible("Strategic developments", "Strategic developments")
    for violent in ("Battles", "Explosions/Remote violence", "Violence against civilians"):
        assert not compatible("Strategic developments", violent)
        assert not compatible(violent, "Strategic developments")


def test_an_air_strike_during_a_battle_can_be_one_event() -> None:
    notes = "Regime forces and Hezbollah attacked Basimah under heavy air strikes, a monitor said."
    clash = report("SOHR", notes, kind=("Battles", "Armed clash"))
    strike = report("Reuters", notes, kind=("Explosions/Remote violence", "Air/drone strike"))
    items = [features(0, clash), features(1, strike)]
    assert candidate_pairs(items).tolist() == [[0, 1]]
    assert groups([clash, strike]) == {frozenset({clash.id, strike.id})}
    (incident,) = fuse_batch([clash, strike]).incidents
    assert {c.value for c in incident.claims["sub_event_type"]} == {
        "Armed clash",
        "Air/drone strike",
    }


def test_a_strategic_development_never_fuses_with_violence() -> None:
    notes = "Government forces and Ahl al-Sham in Basimah agreed a local truce, a monitor said."
    deal = report("SOHR", notes, kind=("Strategic developments", "Agreement"), deaths=None)
    clash = report("Reuters", notes, kind=("Battles", "Armed clash"), deaths=None)
    assert candidate_pairs([features(0, deal), features(1, clash)]).tolist() == []
    assert len(groups([deal, clash])) == 2


# --- incremental fusion ------------------------------------------------------------------------


def test_best_incident_puts_a_new_report_into_the_right_incident() -> None:
    idlib = report(
        "SOHR",
        "Warplanes struck a market in Idlib city, killing five civilians.",
        where=(35.930, 36.634),
        place="Idlib",
        admin1="Idleb",
        kind=("Explosions/Remote violence", "Air/drone strike"),
        target=("civilians", "civilians"),
        deaths=5,
    )
    existing = [SOHR, SANA_SAME_DAY, idlib]
    fusion = fuse_batch(existing, affiliations=AFFILIATIONS)
    members = members_of(fusion, existing)
    assert len(members) == 2
    assert best_incident(SMART, members, affiliations=AFFILIATIONS) == fusion.assignment[SOHR.id]
    later_idlib = report(
        "Reuters",
        "Air strikes hit a market in Idlib city, killing six civilians, rescuers said.",
        where=(35.935, 36.630),
        place="Idleb",
        admin1="Idleb",
        kind=("Explosions/Remote violence", "Air/drone strike"),
        target=("civilians", "civilians"),
        deaths=6,
    )
    assert (
        best_incident(later_idlib, members, affiliations=AFFILIATIONS)
        == fusion.assignment[idlib.id]
    )


def test_best_incident_returns_none_when_nothing_fits() -> None:
    members = members_of(fuse_batch([SOHR, SMART]), [SOHR, SMART])
    far = report("Reuters", SOHR.notes, where=km_north(BASIMAH, 40), place="Elsewhere")
    week_later = report("Reuters", SOHR.notes, day=DAY + timedelta(days=7))
    second_story = report(
        "SOHR", "A rocket hit a checkpoint near the water plant; one fighter died.", deaths=1
    )
    assert best_incident(far, members, affiliations=AFFILIATIONS) is None
    assert best_incident(week_later, members, affiliations=AFFILIATIONS) is None
    assert (
        best_incident(second_story, members, affiliations=AFFILIATIONS) is None
    )  # SOHR already told its story of it
    assert best_incident(SOHR, {}, affiliations=AFFILIATIONS) is None


def test_incremental_and_batch_agree_on_a_simple_case() -> None:
    fusion = fuse_batch([SOHR, SMART, SANA_SAME_DAY], affiliations=AFFILIATIONS)
    members = members_of(fuse_batch([SOHR, SMART]), [SOHR, SMART])
    (only,) = members
    assert best_incident(SANA_SAME_DAY, members, affiliations=AFFILIATIONS) == only
    assert fusion.assignment[SANA_SAME_DAY.id] == fusion.assignment[SOHR.id]
