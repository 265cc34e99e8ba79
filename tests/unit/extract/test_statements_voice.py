"""Party statements and state media in their own voice (issue 13, tuning on gold-real's tune half).

Every sentence here is written for these tests: a briefing's "past 24 hours", a statement's
"our forces" and its speaker, state media's words for foreign forces ("the Turkish
occupation", "the Israeli enemy"), a de-escalation zone that is no governorate, and who acted
when an attack was foiled or missiles were "fired by" someone.
"""

from __future__ import annotations

from datetime import date

import pytest

from truce.domain.documents import TextMeta
from truce.domain.reports import Report
from truce.extract.dates import find_dates
from truce.extract.doc import Doc
from truce.extract.run import extract
from truce.services.extraction import resources_for

RESOURCES = resources_for()
PUBLISHED = date(2021, 6, 11)  # a Friday


def _run(text: str, publisher: str | None = None) -> Doc:
    meta = TextMeta(label="statement", published=PUBLISHED, publisher=publisher)
    return extract(text, meta, RESOURCES)


def _first(text: str, publisher: str | None = None) -> Report:
    reports = _run(text, publisher).reports
    assert reports, "no report"
    return reports[0]


def _perpetrator(report: Report) -> tuple[str | None, str | None]:
    actor = report.perpetrator()
    assert actor is not None, "no perpetrator"
    return actor.actor_id, actor.family


def _targets(report: Report) -> set[str | None]:
    return {a.actor_id for a in report.actors if a.role.value in ("target", "side_b")}


# Dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "in the past 24 hours",
        "over the past 24 hours",
        "Over the last 24 hours",
        "during the past twenty-four hours",
    ],
)
def test_a_briefings_past_24_hours_is_the_day_before_publication(phrase: str) -> None:
    found = find_dates(f"Two shellings were recorded {phrase}, the centre said.", PUBLISHED)
    assert [(d.date_start, d.date_end) for d in found] == [(date(2021, 6, 10), date(2021, 6, 10))]


def test_a_briefings_event_is_dated_the_day_before_not_the_day_it_was_told() -> None:
    report = _first(
        "Gunmen in the Idlib de-escalation zone shelled Kafr Nabl in the past 24 hours, "
        "the head of the reconciliation centre said on Friday."
    )
    assert report.date_start == date(2021, 6, 10)


# Speakers and "our forces" --------------------------------------------------------------------


def test_our_forces_are_the_speakers_and_the_speaker_is_no_party() -> None:
    report = _first(
        "Statement of the Syrian Democratic Forces: this morning a drone of the Turkish "
        "occupation struck our fighters near Tell Tamer, killing two."
    )
    assert _perpetrator(report) == ("tur-military", "external forces")
    assert _targets(report) == {"sdf"}


def test_our_forces_fall_back_on_the_publishers_name() -> None:
    report = _first(
        "Turkish artillery shelled our positions in the village of Tell Tamer this morning.",
        publisher="SDF Media Center (via a news site)",
    )
    assert _targets(report) == {"sdf"}


def test_our_forces_without_any_speaker_name_no_one() -> None:
    doc = _run("Turkish artillery shelled our positions near Tell Tamer this morning.")
    assert [doc.body[m.start : m.end] for m in doc.actors] == ["Turkish artillery"]


@pytest.mark.parametrize(
    "speaker",
    [
        "The General Command of the Syrian Democratic Forces announces that",
        "SDF spokesperson Farhad Shami said that",
    ],
)
def test_a_party_announcing_an_attack_on_it_is_not_its_perpetrator(speaker: str) -> None:
    report = _first(f"{speaker} a Turkish drone strike on a car near Qamishli killed three.")
    assert _perpetrator(report) == ("tur-military", "external forces")


# Words for forces -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "actor_id"),
    [
        ("The Turkish invasion army shelled the village of Tell Tamer today.", "tur-military"),
        ("The Turkish occupation forces shelled the village of Tell Tamer today.", "tur-military"),
        ("The Israeli enemy shelled the town of Khan Arnabah today.", "isr-military"),
        (
            "The Zionist entity struck military sites near Kisweh with missiles today.",
            "isr-military",
        ),
        ("Turkish mercenaries shelled the village of Tell Tamer today.", "sna"),
        ("Assad's militias shelled the town of Kafr Nabl today.", "syr-military"),
    ],
)
def test_a_partys_words_for_a_force_name_that_force(sentence: str, actor_id: str) -> None:
    assert _perpetrator(_first(sentence))[0] == actor_id


def test_militants_of_the_idlib_zone_are_rebels_of_unknown_side() -> None:
    report = _first(
        "Militants from the Idlib de-escalation zone shelled Kafr Nabl in the past 24 hours."
    )
    actor = report.perpetrator()
    assert actor is not None
    assert (actor.family, actor.side) == ("rebels", None)


def test_militants_elsewhere_keep_no_family() -> None:
    actor = _first("Militants shelled the town of Kafr Nabl today.").perpetrator()
    assert actor is not None and actor.family is None


def test_illegal_armed_formations_are_armed_groups() -> None:
    doc = _run("Illegal armed formations shelled the town of Kafr Nabl today.")
    assert [m.value.name for m in doc.actors] == ["Armed groups"]


# Places ---------------------------------------------------------------------------------------


def test_the_idlib_de_escalation_zone_does_not_place_an_event_in_idlib() -> None:
    report = _first(
        "In the past 24 hours one shelling by militants was recorded in the Idlib "
        "de-escalation zone, in Latakia province."
    )
    assert report.admin1 == "Lattakia"


# Who acted ------------------------------------------------------------------------------------


def test_fire_from_a_groups_positions_is_that_groups() -> None:
    report = _first(
        "One shelling from positions of Hayat Tahrir al-Sham hit government troops near "
        "Kafr Nabl today."
    )
    assert _perpetrator(report)[0] == "hts"


def test_who_foiled_an_attack_was_its_target() -> None:
    report = _first(
        "Syrian Arab Army units foiled an attack that Hayat Tahrir al-Sham launched on army "
        "points near Kafr Nabl today."
    )
    assert _perpetrator(report)[0] == "hts"
    assert "syr-military" in _targets(report)


def test_missiles_fired_by_someone_were_that_ones_even_when_intercepted() -> None:
    report = _first(
        "Syrian air defences intercepted missiles fired by Israeli warplanes at Kisweh today."
    )
    assert _perpetrator(report)[0] == "isr-military"


def test_warplanes_of_a_force_are_that_forces() -> None:
    report = _first(
        'Warplanes of the US-led "international coalition" struck Hajin today, killing '
        "four civilians."
    )
    assert _perpetrator(report)[0] == "us-led-coalition"
