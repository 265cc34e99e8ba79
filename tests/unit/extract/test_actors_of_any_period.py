"""Actors as real notes of any year name them, resolved with their family (issue 13)."""

from __future__ import annotations

from datetime import date

import pytest

from truce.domain.actors import ActorFamily
from truce.domain.documents import TextMeta
from truce.domain.reports import Report
from truce.extract.doc import Doc
from truce.extract.run import extract
from truce.services.extraction import resources_for

RESOURCES = resources_for()


def _run(text: str, published: date = date(2022, 5, 4)) -> Doc:
    return extract(text, TextMeta(label="note", published=published), RESOURCES)


def _found(text: str) -> list[tuple[str, str | None, ActorFamily | None]]:
    doc = _run(text)
    return [(text[m.start : m.end], m.value.actor_id, m.value.family) for m in doc.actors]


def _perpetrator(report: Report) -> tuple[str | None, str | None]:
    actor = report.perpetrator()
    assert actor is not None
    return actor.actor_id, actor.family


@pytest.mark.parametrize(
    ("text", "actor_id", "family"),
    [
        (
            "On 3 May 2022, SNA-affiliated Sultan Murad Division fighters shelled Tal Rifaat.",
            "sultan-murad",
            "rebels",
        ),
        ("On 3 May 2022, QSD shelled positions of the SNA near Marea.", "sdf", "SDF"),
        (
            "On 3 May 2022, US-led coalition aircraft struck a house near Shaddadi, killing 2.",
            "us-led-coalition",
            "external forces",
        ),
        (
            "On 3 May 2022, an ISIS cell attacked a regime checkpoint near Sukhnah, "
            "killing 3 soldiers.",
            "isil",
            "IS",
        ),
        (
            "On 3 May 2022, Iran-backed militiamen shot dead a shepherd near Mayadin.",
            "pro-iran-militias",
            "pro-government militias",
        ),
        (
            "On 3 May 2022, unknown gunmen shot dead a man in Tafas.",
            "unidentified-armed-group",
            "unidentified",
        ),
        (
            "On 3 May 2022, armed men kidnapped a child in Jasim.",
            "unidentified-armed-group",
            "unidentified",
        ),
        (
            "On 3 May 2022, HTS-affiliated militants attacked a regime position in Kafr Nabl.",
            "hts",
            "rebels",
        ),
    ],
)
def test_the_perpetrator_and_its_family_on_the_report(
    text: str, actor_id: str, family: str
) -> None:
    reports = _run(text).reports
    assert reports, text
    assert _perpetrator(reports[0]) == (actor_id, ActorFamily(family))
    # The family is in the report as stored and exported.
    assert reports[0].to_plain()["actors"][0]["family"] == family


def test_a_group_qualifying_another_is_not_a_second_actor() -> None:
    assert _found("SNA-affiliated Sultan Murad Division fighters shelled Tal Rifaat.") == [
        ("Sultan Murad Division", "sultan-murad", ActorFamily.REBELS)
    ]


def test_a_word_for_fighters_after_a_name_is_that_group() -> None:
    # Before: "IS" and an unidentified "gunmen" beside it; "coalition" and "aircraft"
    # (government or Russian) as two actors.
    assert _found("IS gunmen killed two shepherds.")[0] == ("IS gunmen", "isil", ActorFamily.IS)
    assert [a for _, a, _ in _found("US-led coalition aircraft struck Hajin.")] == [
        "us-led-coalition"
    ]
    assert _found("Coalition warplanes struck Hajin.")[0][1] == "us-led-coalition"


def test_two_names_side_by_side_stay_two_actors() -> None:
    ids = [a for _, a, _ in _found("Hezbollah Fatemiyoun fighters attacked rebels.")]
    assert ids[:2] == ["hezbollah", "fatemiyoun"]


def test_civilians_after_a_name_are_not_its_fighters() -> None:
    found = _found("The SDF civilians were evacuated.")
    assert ("SDF", "sdf", ActorFamily.SDF) in found
    assert any(family is ActorFamily.CIVILIANS for _, _, family in found)


def test_a_nationality_before_a_border_is_a_place_not_a_force() -> None:
    # Unnamed warplanes are an unidentified perpetrator (issue 13, helper C).
    assert _found("Warplanes struck Albu Kamal near the Iraqi border.") == [
        ("Warplanes", None, ActorFamily.UNIDENTIFIED)
    ]
    assert _found("Turkish border guards shot a man.")[0][1] == "tur-gendarmerie"


def test_generic_descriptions_carry_the_family_they_name() -> None:
    families = {text: family for text, _, family in _found("Rebels shelled regime positions.")}
    assert families == {"Rebels": ActorFamily.REBELS, "regime": ActorFamily.STATE_FORCES}


def test_the_astana_scenarios_sides_are_unchanged_on_its_own_phrases() -> None:
    report = _run(
        "On 1 March 2017, Turkish-backed FSA factions attacked Manbij Military Council "
        "positions in villages near al-Arima, while Turkish forces shelled SDF positions.",
        published=date(2017, 3, 2),
    ).reports[0]
    sides = {a.name: a.side for a in report.actors}
    assert sides["Syrian National Army"] == "opposition"  # the FSA's, as before the catalogue
    assert sides["Manbij Military Council"] == sides["QSD: Syrian Democratic Forces"] == "other"
    assert sides["Military Forces of Turkey (2016-)"] == "opposition"
