"""Casualty figures: numbers in digits and words, outcomes, groups, lists, ACLED's vague rules."""

from __future__ import annotations

import pytest

from truce.extract.casualties import find_casualties, number_value, total
from truce.extract.doc import Casualty


def _figures(text: str) -> list[tuple[int, str, str]]:
    return [(c.count, c.outcome, c.group) for c in find_casualties(text)]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Shelling killed 3 civilians in Douma.", 3),
        ("Shelling killed three civilians in Douma.", 3),
        ("Shelling killed twelve civilians in Douma.", 12),
        ("Shelling killed 14 people in Douma.", 14),
        ("Seven civilians were killed in Douma.", 7),
        ("A child was killed in Douma.", 1),
        ("The strike left 4 dead.", 4),
        ("The death toll rose to 15.", 15),
    ],
)
def test_numbers_in_digits_and_words(text: str, count: int) -> None:
    found = find_casualties(text)
    assert [c.count for c in found] == [count]
    assert found[0].outcome == "killed"
    assert total(found, "killed") == count


def test_each_figure_points_at_its_text() -> None:
    text = "Regime shelling on Tuesday killed three civilians in Douma."
    (figure,) = find_casualties(text)
    assert text[figure.start : figure.end] == "killed three civilians"


def test_killed_and_injured_are_told_apart() -> None:
    text = "Regime forces shelled Kafr Zita, killing 3 civilians and wounding 5."
    found = find_casualties(text)
    assert total(found, "killed") == 3
    assert total(found, "injured") == 5
    assert {c.outcome for c in found} == {"killed", "injured"}


@pytest.mark.parametrize("verb", ["wounded", "injured", "hurt"])
def test_injury_verbs(verb: str) -> None:
    assert _figures(f"Two civilians were {verb} by shrapnel.") == [(2, "injured", "civilians")]


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("Four civilians were killed.", "civilians"),
        ("Four children were killed.", "civilians"),
        ("Four women were killed.", "civilians"),
        ("Four soldiers were killed.", "fighters"),
        ("Four rebel fighters were killed.", "fighters"),
        ("Four militants were killed.", "fighters"),
        ("Four people were killed.", "unknown"),
    ],
)
def test_civilians_and_fighters_are_told_apart(text: str, group: str) -> None:
    assert _figures(text) == [(4, "killed", group)]


def test_a_list_of_victims_is_added_up() -> None:
    found = find_casualties("Two children and a woman were killed in the strike.")
    assert total(found, "killed") == 3
    assert all(c.group == "civilians" for c in found)


def test_a_list_of_civilians_and_fighters_keeps_the_groups_apart() -> None:
    found = find_casualties("Two soldiers, three civilians and a child were killed.")
    groups = {c.group: c.count for c in found}
    assert groups == {"fighters": 2, "civilians": 4}
    assert total(found, "killed") == 6


@pytest.mark.parametrize(
    "text",
    [
        "Twelve people were killed, including three children.",
        "Shelling killed twelve people, including three children.",
        "Twelve civilians, among them three children, were killed.",
    ],
)
def test_a_subset_is_not_counted_twice(text: str) -> None:
    assert total(find_casualties(text), "killed") == 12


@pytest.mark.parametrize(
    ("word", "count"), [("Several", 3), ("A few", 3), ("Dozens of", 12), ("Hundreds of", 100)]
)
def test_vague_amounts_follow_acled(word: str, count: int) -> None:
    found = find_casualties(f"{word} civilians were killed in the shelling.")
    assert [(c.count, c.vague) for c in found] == [(count, True)]
    assert total(found, "killed") == count


def test_an_exact_figure_is_not_vague() -> None:
    assert [c.vague for c in find_casualties("Nine civilians were killed.")] == [False]


@pytest.mark.parametrize(
    "text",
    [
        "No fatalities were reported.",
        "There were no casualties.",
        "The shelling ended without casualties.",
    ],
)
def test_none_reported_means_zero(text: str) -> None:
    found = find_casualties(text)
    assert found and all(c.none_reported for c in found)
    assert total(found, "killed") == 0


def test_nothing_said_means_unknown_not_zero() -> None:
    assert find_casualties("Shelling hit the market in Douma.") == []
    assert total([], "killed") is None
    assert total(find_casualties("Three civilians were wounded."), "killed") is None


@pytest.mark.parametrize(
    "text",
    [
        "In 2013 killed",
        "The siege that began in 2013 killed many.",
        "Since 2011 killed",
    ],
)
def test_years_are_not_counts(text: str) -> None:
    assert all(c.count < 1900 or c.count > 2100 for c in find_casualties(text))
    assert (total(find_casualties(text), "killed") or 0) < 1900


def test_a_year_before_a_real_figure_does_not_become_the_count() -> None:
    found = find_casualties("In 2016, 40 people were killed in the city.")
    assert [c.count for c in found] == [40]


def test_a_date_right_before_the_verb_does_not_hide_the_figure() -> None:
    """Regression (fixed bug): 'on 12 January 2017 killed 4 people': the
    subject rule matches '2017 killed', discards it as a year, but keeps its span taken, so
    'killed 4 people' is never read"""
    found = find_casualties("The attack on 12 January 2017 killed 4 people.")
    assert total(found, "killed") == 4


def test_when_sources_disagree_the_lowest_figure_is_taken() -> None:
    text = "Activists said 5 people were killed, while state media said 3 people were killed."
    found = find_casualties(text)
    assert sorted(c.count for c in found) == [3, 5]
    assert total(found, "killed") == 3
    assert total(found, "killed", highest=True) == 5


def test_total_adds_groups_and_takes_the_lowest_per_group() -> None:
    figures = [
        Casualty(0, 1, 2, "killed", "fighters"),
        Casualty(2, 3, 4, "killed", "fighters"),
        Casualty(4, 5, 3, "killed", "civilians"),
        Casualty(6, 7, 9, "injured", "civilians"),
    ]
    assert total(figures, "killed") == 2 + 3
    assert total(figures, "killed", highest=True) == 4 + 3
    assert total(figures, "injured") == 9


def test_a_general_figure_covers_the_groups_in_it() -> None:
    figures = [
        Casualty(0, 1, 12, "killed", "unknown"),
        Casualty(2, 3, 5, "killed", "civilians"),
    ]
    assert total(figures, "killed") == 12


def test_none_reported_does_not_hide_a_real_figure() -> None:
    figures = [
        Casualty(0, 1, 0, "killed", "unknown", none_reported=True),
        Casualty(2, 3, 2, "killed", "civilians"),
    ]
    assert total(figures, "killed") == 2


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("3", (3, False)),
        ("three", (3, False)),
        ("at least three", (3, False)),
        ("more than 20", (20, False)),
        ("several", (3, True)),
        ("dozens", (12, True)),
        ("hundreds", (100, True)),
        ("a dozen", (12, False)),
    ],
)
def test_number_value(phrase: str, value: tuple[int, bool]) -> None:
    assert number_value(phrase) == value


def test_figures_come_in_text_order() -> None:
    text = "Three soldiers were killed. Later, shelling killed two civilians and wounded four."
    found = find_casualties(text)
    assert [c.start for c in found] == sorted(c.start for c in found)
    assert [(c.count, c.outcome) for c in found] == [(3, "killed"), (2, "killed"), (4, "injured")]
