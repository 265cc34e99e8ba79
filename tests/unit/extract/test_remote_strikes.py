"""Missiles fired from the air are an air strike; the Turkish ministry's "neutralised" a fight."""

from __future__ import annotations

from datetime import date

import pytest

from truce.domain.documents import TextMeta
from truce.extract.run import extract
from truce.services.extraction import resources_for

RESOURCES = resources_for()


def _subs(text: str) -> list[str]:
    doc = extract(text, TextMeta(label="example", published=date(2018, 3, 6)), RESOURCES)
    return [r.sub_event_type for r in doc.reports]


@pytest.mark.parametrize(
    "text",
    [
        "On 5 March 2018, Syrian air defences intercepted missiles fired by Israeli warplanes "
        "at the Damascus area.",
        "On 5 March 2018, Israel fired missiles from over the Golan at targets near Kisweh.",
        "On 5 March 2018, Israel fired missiles from Lebanese airspace at positions near Homs.",
        "On 5 March 2018, Israeli missiles fired from the air hit a base near Masyaf.",
        "On 5 March 2018, Israeli warplanes fired missiles at positions near Damascus airport.",
    ],
)
def test_missiles_fired_from_the_air_are_an_air_strike(text: str) -> None:
    assert _subs(text) == ["Air/drone strike"]


@pytest.mark.parametrize(
    "text",
    [
        "On 5 March 2018, Israel fired surface-to-surface missiles at positions near Quneitra.",
        "On 5 March 2018, regime forces fired missiles at Kafr Zita.",
    ],
)
def test_missiles_from_the_ground_stay_shelling(text: str) -> None:
    assert _subs(text) == ["Shelling/artillery/missile attack"]


@pytest.mark.parametrize(
    "text",
    [
        "On 5 March 2018, Turkish forces neutralized 7 PKK/YPG terrorists in Afrin, the "
        "ministry said.",
        "The Turkish Ministry of National Defence said on 5 March 2018 that 12 terrorists were "
        "neutralised near Afrin.",
    ],
)
def test_neutralised_terrorists_are_a_clash_with_no_one_counted_dead(text: str) -> None:
    doc = extract(text, TextMeta(label="example", published=date(2018, 3, 6)), RESOURCES)
    assert [r.sub_event_type for r in doc.reports] == ["Armed clash"]
    assert not doc.reports[0].fatalities_low  # neutralised is not killed


def test_a_neutralised_bomb_is_still_a_disrupted_weapon() -> None:
    assert _subs("On 5 March 2018, Turkish forces neutralised an IED near Afrin.") == [
        "Disrupted weapons use"
    ]
