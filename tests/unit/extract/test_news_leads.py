"""News leads and texts with no violent event (issue 13): a later paragraph recalling an earlier
event gives no report, a second event of the day does; tallies, joint and routine patrols give
none; "the blast" told again is the lead; tolls list every victim and skip running totals.
The sentences are written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from truce.domain.documents import TextMeta
from truce.domain.reports import Report
from truce.domain.vocab import ACLED_VIOLENT_EVENT_TYPES
from truce.extract.casualties import find_casualties
from truce.extract.run import extract
from truce.services.extraction import resources_for

RESOURCES = resources_for()
PUBLISHED = date(2017, 5, 23)  # a Tuesday


def _reports(text: str, published: date = PUBLISHED) -> list[Report]:
    doc = extract(text, TextMeta(label="test", published=published), RESOURCES)
    return list(doc.reports)


def _violent(text: str, published: date = PUBLISHED) -> list[Report]:
    return [r for r in _reports(text, published) if r.event_type in ACLED_VIOLENT_EVENT_TYPES]


LEAD = (
    "Regime artillery shelled the town of Saraqeb in Idlib province on Tuesday, killing three "
    "civilians, the Observatory said.\n"
)


# --- texts with no violent event --------------------------------------------------------------


def test_a_monthly_tally_by_perpetrator_and_cause_gives_no_report() -> None:
    text = (
        "The network documented 210 civilians killed in April, 90 of them by regime forces. "
        "Russian forces killed 20 civilians, IS 8 and the SDF 5; 40 were killed in explosions. "
        "Since the start of the year, 800 civilians have been killed."
    )
    assert _reports(text) == []


def test_a_death_in_the_clashes_of_a_placed_event_still_counts() -> None:
    text = (
        "On 12 April 2017, regime forces regained control of Suran in Hama from HTS. At least 11 "
        "fighters were killed in the clashes."
    )
    (report,) = _reports(text)
    assert report.fatalities_best == 11


def test_a_briefing_that_tallies_attacks_by_province_gives_no_report() -> None:
    text = (
        "Militants fired on settlements in Syria's Idlib province, the head of the Russian "
        "reconciliation centre said on Tuesday.\n"
        '"We have recorded four attacks on settlements in Idlib province from positions held by '
        'the terrorists," he told a briefing.'
    )
    assert _violent(text) == []


def test_a_briefing_that_tallies_still_reports_an_attack_on_a_named_village() -> None:
    text = (
        "Militants shelled the village of Kafr Nabl in Idlib on Tuesday, killing two civilians, "
        "the head of the Russian reconciliation centre said.\n"
        '"We have recorded four attacks on settlements in Idlib province," he told a briefing.'
    )
    (report,) = _violent(text)
    assert report.fatalities_best == 2


def test_a_joint_patrol_gives_no_report() -> None:
    text = (
        "Turkish and Russian troops carried out their sixth joint patrol on the M4 highway in "
        "Idlib province on Tuesday, the Turkish defence ministry said."
    )
    assert _reports(text) == []


def test_a_round_of_patrols_across_provinces_gives_no_report_but_a_patrol_at_a_town_does() -> None:
    routine = (
        "Russian military police units patrolled the provinces of Raqqa and Hasakah on Tuesday, "
        "he added."
    )
    at_a_town = "Russian military police patrolled the town of Tal Tamr on Tuesday, he added."
    assert _reports(routine) == []
    (report,) = _reports(at_a_town)
    assert report.sub_event_type == "Change to group/activity"


# --- news leads -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "recalled",
    [
        "Earlier this month, regime jets struck a market in Maarat al-Numan, killing 12 people.",
        "In a similar attack, regime artillery shelled Kafr Nabl, killing two children.",
        "In recent months regime forces have shelled Jisr al-Shughur, killing dozens.",
        "The last air strikes on the province hit Khan Shaykhun, killing four people.",
        "Government forces have been fighting rebels in the nearby town of Kafr Nabl.",
        "The shelling came two days after rebels shelled Kafr Nabl, killing four people.",
    ],
)
def test_a_later_paragraph_that_says_it_recalls_gives_no_report(recalled: str) -> None:
    (report,) = _violent(LEAD + recalled)
    assert report.location_name == "Saraqib"


def test_a_later_paragraph_dated_days_before_the_lead_gives_no_report() -> None:
    text = LEAD + "On 3 May, twin suicide bombings in Damascus killed 40 people, mostly pilgrims."
    (report,) = _violent(text)
    assert report.location_name == "Saraqib"


def test_a_digest_of_older_news_keeps_its_later_paragraphs() -> None:
    # The lead is weeks before publication: an archive's or a digest's, not the day's news.
    text = LEAD.replace("on Tuesday", "on 2 April") + (
        "On 3 March, twin suicide bombings in Damascus killed 40 people, mostly pilgrims."
    )
    assert len(_violent(text)) == 2


def test_a_second_event_of_the_same_day_in_a_later_paragraph_gives_its_own_report() -> None:
    text = LEAD + "Separately, rebels shelled Muhradah in Hama on Tuesday, killing two civilians."
    reports = _violent(text)
    assert [r.date_start for r in reports] == [PUBLISHED, PUBLISHED]
    assert len({r.location_name for r in reports}) == 2


def test_a_recall_word_in_the_lead_paragraph_drops_nothing() -> None:
    text = "Earlier this month, regime jets struck a market in Saraqeb, killing 12 people."
    (report,) = _violent(text)
    assert report.fatalities_best == 12


def test_the_blast_told_again_in_a_later_paragraph_is_the_lead_event() -> None:
    text = (
        "A car bomb on the edge of Damascus killed at least six people on Tuesday, state media "
        "said.\n"
        "The blast went off on the outskirts of Sayyida Zeinab, near the shrine.\n"
        "Nobody claimed the blast in the area, held by the army since February 2013."
    )
    (report,) = _violent(text)
    assert report.date_start == PUBLISHED and report.fatalities_best == 6


def test_the_second_blast_is_a_new_event() -> None:
    text = (
        "The first blast, near the al-Zahraa district of Homs, killed four people on Tuesday.\n"
        "The second blast hit a checkpoint in Sayyida Zeinab, killing a civilian."
    )
    assert len(_violent(text)) == 2


# --- tolls ------------------------------------------------------------------------------------


def test_a_list_of_victims_after_the_verb_counts_them_all() -> None:
    (found,) = find_casualties("Barrel bombs killed five children, a woman and two elderly men.")
    assert (found.count, found.outcome) == (8, "killed")


def test_a_running_total_is_not_the_events_toll() -> None:
    found = find_casualties(
        "The shelling killed five civilians, bringing the total to 40 since the offensive began."
    )
    assert [(c.count, c.outcome) for c in found] == [(5, "killed")]
