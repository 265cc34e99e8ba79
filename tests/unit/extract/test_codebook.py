"""ACLED's codebook, not just its event names: the sub-types it tells apart, its fatality rules,
and statements and state media read as events. The sentences are written for these tests in the
style of monitors' notes, wire copy and ministry statements."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from truce import scenarios
from truce.assess.grading import SourceBook, grade
from truce.assess.rules import assess
from truce.assess.tally import tally
from truce.domain.documents import TextMeta
from truce.domain.incidents import FindingCategory
from truce.domain.reports import Report
from truce.domain.vocab import ActorRoleKind
from truce.extract.casualties import find_casualties, split_coded, total
from truce.extract.doc import Doc
from truce.extract.run import extract
from truce.fuse.cluster import incident_id
from truce.fuse.consolidate import consolidate
from truce.services.extraction import resources_for

RESOURCES = resources_for()
PERPETRATORS = (ActorRoleKind.PERPETRATOR, ActorRoleKind.ASSOCIATED_A)
TARGETS = (ActorRoleKind.TARGET, ActorRoleKind.ASSOCIATED_B)


def _run(text: str, published: date | None = None) -> Doc:
    return extract(text, TextMeta(label="codebook", published=published), RESOURCES)


def _first(text: str, published: date | None = None) -> Report:
    doc = _run(text, published)
    assert doc.reports, doc.dropped
    return doc.reports[0]


# The sub-types ACLED tells apart ---------------------------------------------------------------

SUB_TYPES = [
    # Abduction (non-state actors, outside any legal process) against arrests (state forces).
    (
        "On 3 March 2022, unknown gunmen kidnapped a young man from his home in Tafas (Daraa). "
        "His fate is still unknown.",
        "Abduction/forced disappearance",
    ),
    (
        "On 4 March 2022, regime forces arrested a former opposition commander at a checkpoint "
        "in Sanamayn (Daraa).",
        "Arrests",
    ),
    # Remote explosive against armed clash: nobody of the attackers at the scene.
    (
        "On 6 March 2022, an IED went off beside a regime forces vehicle near Busra al-Harir "
        "(Daraa), killing 2 soldiers.",
        "Remote explosive/landmine/IED",
    ),
    (
        "On 7 March 2022, a landmine left from earlier fighting exploded near Maarat al-Numan "
        "(Idleb), killing a shepherd.",
        "Remote explosive/landmine/IED",
    ),
    # Air/drone strike against shelling.
    (
        "On 10 March 2022, a Turkish drone struck a car near Qamishli (Hasakeh), killing "
        "2 SDF members.",
        "Air/drone strike",
    ),
    (
        "On 12 March 2022, Turkish forces fired rockets at Tal Rifaat (Aleppo). "
        "Casualties unknown.",
        "Shelling/artillery/missile attack",
    ),
    # Jets that "fired at least three missiles at" a block are an air strike, not a clash.
    (
        "On 13 March 2022, jets fired at least three missiles at a residential block in "
        "Douma (Rural Damascus).",
        "Air/drone strike",
    ),
    # Attack (one-sided, on civilians) against armed clash (two armed sides).
    (
        "On 13 March 2022, unidentified gunmen shot and killed a civilian in Tafas (Daraa).",
        "Attack",
    ),
    (
        "On 5 April 2022, unidentified gunmen shot dead a former FSA member in Nawa (Daraa).",
        "Attack",
    ),
    ("On 18 January 2017, a regime sniper shot dead a woman in Kafr Laha (Homs).", "Attack"),
    (
        "On 14 March 2022, HTS and regime forces clashed on the Kabani front (Latakia). "
        "2 HTS fighters were killed.",
        "Armed clash",
    ),
    (
        "On 9 March 2022, militants fired at the positions of regime forces near Khan Tuman "
        "(Aleppo) with anti-tank guided missiles and small arms.",
        "Armed clash",
    ),
    # Grenade, suicide bomb, chemical weapon.
    (
        "On 15 March 2022, an unidentified person threw a hand grenade at a house in Al-Bab "
        "(Aleppo), wounding 2 civilians.",
        "Grenade",
    ),
    (
        "On 16 March 2022, a suicide bomber blew himself up at a checkpoint in Jarablus "
        "(Aleppo), killing 4 SNA fighters.",
        "Suicide bomb",
    ),
    (
        "On 1 April 2022, chlorine was used in an attack on Latamneh (Hama), leaving "
        "10 people suffocating.",
        "Chemical weapon",
    ),
    # Strategic developments a monitor logs.
    (
        "On 17 March 2022, regime forces sent military reinforcements to Saraqeb (Idleb).",
        "Change to group/activity",
    ),
    (
        "On 18 March 2022, Russian military police carried out a patrol in Amuda (Hasakeh).",
        "Change to group/activity",
    ),
    (
        "On 20 March 2022, SNA fighters looted houses of displaced Kurds in Afrin (Aleppo).",
        "Looting/property destruction",
    ),
    (
        "On 21 March 2022, SDF members defused an IED planted on the road near Hajin "
        "(Deir ez-Zor).",
        "Disrupted weapons use",
    ),
    (
        "On 2 April 2022, SDF forces seized a weapons depot of IS cells in Shaddadi (Hasakeh).",
        "Disrupted weapons use",
    ),
    (
        "On 19 March 2022, HTS fighters captured the village of Kabani (Latakia) after "
        "clashes with regime forces.",
        "Non-state actor overtakes territory",
    ),
    (
        "On 22 March 2022, regime forces and local notables agreed a settlement deal in "
        "Jasim (Daraa).",
        "Agreement",
    ),
    # Protests and riots: on the record.
    (
        "On 23 March 2022, residents of Jasim (Daraa) held a protest against the regime. "
        "[size=no report]",
        "Peaceful protest",
    ),
    (
        "On 24 March 2022, demonstrators in Suwayda city (As-Suwayda) stormed the governorate "
        "building and burned tires.",
        "Violent demonstration",
    ),
    (
        "On 25 March 2022, security forces fired live ammunition at protesters in Daraa city.",
        "Excessive force against protesters",
    ),
]


@pytest.mark.parametrize(("text", "sub"), SUB_TYPES)
def test_the_codebooks_sub_types(text: str, sub: str) -> None:
    assert _first(text).sub_event_type == sub


def test_soldiers_captured_are_people_taken_not_ground() -> None:
    doc = _run(
        "TARTOUS — Families of soldiers captured or missing held a sit-in outside the "
        "governorate building in Tartous on Saturday.",
        date(2017, 4, 23),
    )
    assert [r.sub_event_type for r in doc.reports] == ["Peaceful protest"]


def test_an_aid_convoy_is_not_a_movement_of_forces() -> None:
    doc = _run(
        "A convoy of the UN and the Red Crescent carrying food for 40,000 people entered "
        "al-Rastan on Wednesday.",
        date(2017, 2, 16),
    )
    assert not doc.reports


def test_reinforcements_beside_the_fighting_are_its_context() -> None:
    doc = _run(
        "On 2 March 2017, HTS fighters clashed with regime forces in Kabani (Latakia). "
        "On 2 March 2017, regime forces sent reinforcements to Kabani (Latakia)."
    )
    assert [r.sub_event_type for r in doc.reports] == ["Armed clash"]


# Fatalities as ACLED reads them ----------------------------------------------------------------

FATALITIES = [
    ("On 9 March 2022, Russian warplanes struck Kansafra (Idleb). Casualties unknown.", 0),
    ("On 11 March 2022, regime forces shelled Kansafra (Idleb). No fatalities reported.", 0),
    # A crowd's size is not a casualty figure.
    (
        "On 23 March 2022, residents of Busra (Daraa) held a protest. [size=around 50] "
        "Regime forces shot dead 2 protesters.",
        2,
    ),
    # A running total is not this event's toll.
    (
        "Regime shelling killed five civilians in Douma on Wednesday, bringing the death toll "
        "in the town this week to 40.",
        5,
    ),
    ("Regime shelling hit Douma on Wednesday, raising the toll to 40.", 0),
    (
        "Air strikes on Kafr Nabl on Wednesday brought the number of people killed in the town "
        "since the offensive began to 58.",
        0,
    ),
    # "a number of": as vague as "several".
    (
        "Army units repelled an attack by Nusra terrorists on military points in Jobar on "
        "Wednesday, killing a number of them.",
        3,
    ),
    # The killer is not a casualty.
    ("On 18 January 2017, a regime sniper shot dead a woman in Kafr Laha (Homs).", 1),
    # The note's coded figure overrides the numbers in its text.
    (
        "On 6 March 2022, clashes between SNA factions in Afrin (Aleppo) killed 4 fighters "
        "according to one source and 6 according to another. Fatalities coded to 3.",
        3,
    ),
]


@pytest.mark.parametrize(("text", "fatalities"), FATALITIES)
def test_fatalities_as_acled_codes_them(text: str, fatalities: int) -> None:
    assert (_first(text, date(2017, 3, 2)).fatalities_best or 0) == fatalities


def test_coded_fatalities_split_between_both_locations() -> None:
    doc = _run(
        "On 5 March 2022, regime forces shelled Kafr Nabl and Hass (Idleb). "
        "Fatalities coded to 5, split between both locations."
    )
    assert [r.fatalities_best for r in doc.reports] == [3, 2]
    assert doc.reports[1].location_name == "Hass"


def test_casualty_figures_acled_does_not_count() -> None:
    assert find_casualties("Hundreds gathered in Jasim [size=hundreds] and 2 were killed.")[
        0
    ].count == (2)
    assert not find_casualties("It brought the death toll from the week's raids to 40 people.")
    assert total(find_casualties("Casualties unknown."), "killed") == 0
    assert split_coded(5, 2) == [3, 2]
    assert split_coded(2, 2) == [1, 1]


# Statements and state media are events too -----------------------------------------------------


def test_state_media_operations_against_daesh_are_a_clash() -> None:
    report = _first(
        "Army units, backed by allied forces, pressed their operations against Daesh terrorists "
        "east of Palmyra on Wednesday, killing dozens of them.",
        date(2017, 3, 2),
    )
    assert (report.event_type, report.sub_event_type) == ("Battles", "Armed clash")
    assert report.fatalities_best == 12
    assert "government" in {a.side for a in report.actors_in(*PERPETRATORS)}
    assert any("Islamic State" in a.name for a in report.actors_in(*TARGETS))


def test_a_denial_of_presence_is_a_counter_claim_not_a_denial_of_the_act() -> None:
    report = _first(
        "Rebel factions said regime forces and allied militias breached the truce with a ground "
        "push on Khan al-Shih on Tuesday, and denied that any Fateh al-Sham members were in "
        "the area.",
        date(2017, 3, 2),
    )
    assert report.sub_event_type == "Armed clash"
    assert {a.side for a in report.actors_in(*PERPETRATORS)} == {"government"}
    assert not any("Fateh" in a.name or "Sham" in a.name for a in report.actors)
    claim = report.provenance.extras["text.counter_claim"]
    assert claim.startswith("denied") and "Fateh al-Sham" in claim


def test_a_denial_of_the_act_itself_still_drops_it() -> None:
    doc = _run("Rebel factions on Tuesday denied that they shelled Mhardeh.", date(2017, 3, 2))
    assert not doc.reports
    assert any(reason == "denial" for _, reason in doc.dropped)


def test_unnamed_warplanes_give_an_air_strike_by_an_unknown_perpetrator() -> None:
    report = _first(
        "Warplanes struck a bakery in Saraqeb, killing four civilians.", date(2017, 3, 2)
    )
    assert report.sub_event_type == "Air/drone strike"
    assert report.fatalities_best == 4
    assert [a.side for a in report.actors_in(*PERPETRATORS)] == [None]
    assert "civilians" in {a.side for a in report.actors_in(*TARGETS)}


# Protests and riots: on the record, out of the violation tallies -------------------------------


def test_protests_and_riots_are_kept_but_never_counted_as_violations() -> None:
    scenario = scenarios.load("astana-2016")
    texts = (
        "On 9 January 2017, residents of Douma held a protest against the siege.",
        "On 9 January 2017, demonstrators in Daraa city stormed the municipal building.",
        "On 9 January 2017, regime forces opened fire on protesters in Douma, killing 2.",
    )
    reports = [_first(text) for text in texts]
    assert [r.event_type for r in reports] == ["Protests", "Riots", "Protests"]
    counted = tally(
        reports,
        agreement=scenario.base_agreement,
        registry=scenario.actors,
        start=date(2016, 12, 30),
        end=date(2017, 2, 28),
    )
    assert counted.totals().total == 0
    for report in reports:
        finding = assess(
            consolidate(incident_id([report]), [report]),
            [report],
            agreements=scenario.agreements,
            base_id="astana-2016",
            registry=scenario.actors,
            grades=grade([report], SourceBook([])),
            now=datetime(2017, 3, 1, tzinfo=UTC),
        )
        assert finding.category is FindingCategory.NOT_AN_INCIDENT
