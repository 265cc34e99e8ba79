"""Dates as archives need them (issue 13): number words and capitals in relative dates, no
publication date (an unplaced date, flagged for review), datelines that give the
publication date, and background told by the text rather than by distance."""

from __future__ import annotations

from datetime import date

import pytest

from truce.domain.documents import TextMeta
from truce.domain.vocab import DatePrecision
from truce.extract.dates import REVIEW_DATE_UNKNOWN, find_dates
from truce.extract.doc import Doc
from truce.extract.run import extract
from truce.extract.stages_text import date_line
from truce.services.extraction import resources_for

RESOURCES = resources_for()
PUBLISHED = date(2017, 1, 25)  # a Wednesday
RECEIVED = date(2026, 3, 2)


def _run(text: str, **meta: object) -> Doc:
    return extract(text, TextMeta(label="test", **meta), RESOURCES)  # type: ignore[arg-type]


# --- number words and capitals ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Two days ago the same neighborhood was shelled.", date(2017, 1, 23)),
        ("TWO DAYS AGO the same neighborhood was shelled.", date(2017, 1, 23)),
        ("Ten days ago the town was shelled.", date(2017, 1, 15)),
        ("The town was shelled 12 days ago.", date(2017, 1, 13)),
        ("Yesterday the town was shelled.", date(2017, 1, 24)),
        ("Last Tuesday the town was shelled.", date(2017, 1, 24)),
        ("Last Wednesday the town was shelled.", date(2017, 1, 18)),
        ("The Day Before Yesterday the town was shelled.", date(2017, 1, 23)),
    ],
)
def test_relative_dates_in_any_case_and_with_number_words(text: str, expected: date) -> None:
    (found,) = find_dates(text, PUBLISHED)
    assert (found.date_start, found.date_end) == (expected, expected)
    assert found.precision is DatePrecision.DAY and found.relative


def test_a_publication_date_near_the_ends_of_the_calendar_gives_no_date_and_no_error() -> None:
    assert find_dates("Shelling hit Douma two days ago.", date(1, 1, 1)) == []
    assert find_dates("Shelling hit Douma yesterday.", date(1899, 12, 31)) == []
    assert find_dates("Shelling hit Douma today.", date(9999, 12, 31)) == []


# --- no publication date -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["Shelling hit Douma yesterday.", "Shelling hit Douma on Tuesday.", "Two days ago."]
)
def test_without_a_publication_date_a_relative_date_is_unplaced_on_the_day_received(
    text: str,
) -> None:
    (found,) = find_dates(text, None, received=RECEIVED)
    assert (found.date_start, found.date_end) == (RECEIVED, RECEIVED)
    assert found.precision is DatePrecision.UNKNOWN
    assert found.relative and found.score < 0.5


def test_an_absolute_date_is_never_unplaced() -> None:
    (found,) = find_dates("Clashes on 9 January 2017.", None, received=RECEIVED)
    assert found.precision is DatePrecision.DAY and found.date_start == date(2017, 1, 9)
    assert find_dates("Clashes on Jan. 12 left two dead.", None, received=RECEIVED) == []


def test_a_relative_date_without_a_publication_date_gives_a_report_flagged_for_review() -> None:
    text = "Yesterday, regime forces shelled Kafr Zita in northern Hama, killing 3 civilians."
    (report,) = _run(text, received=RECEIVED).reports
    assert report.date_precision is DatePrecision.UNKNOWN
    assert (report.date_start, report.date_end) == (RECEIVED, RECEIVED)
    assert report.tags == (REVIEW_DATE_UNKNOWN,)
    assert report.location_name == "Kafr Zita" and report.fatalities_best == 3
    # With the publication date, the same text is placed and carries no flag.
    (placed,) = _run(text, published=PUBLISHED, received=RECEIVED).reports
    assert placed.date_precision is DatePrecision.DAY and placed.tags == ()
    assert placed.date_start == date(2017, 1, 24)


def test_without_any_reference_day_the_event_is_dropped_with_the_reason() -> None:
    doc = _run("Yesterday, regime forces shelled Kafr Zita, killing 3 civilians.")
    assert doc.reports == []
    assert any("no date" in why for _, why in doc.dropped)


# --- datelines -----------------------------------------------------------------------------

STORY = "Regime forces shelled Kafr Zita in northern Hama yesterday, killing 3 civilians."


@pytest.mark.parametrize(
    ("text", "received", "published"),
    [
        (f"Wed 05 Apr 2017\n{STORY}", None, date(2017, 4, 5)),
        (f"Wednesday, 5 April 2017 14:32 GMT\n{STORY}", None, date(2017, 4, 5)),
        (f"Published: April 5, 2017\n{STORY}", None, date(2017, 4, 5)),
        (f"BEIRUT, April 5 (Reuters) - {STORY}", date(2017, 4, 6), date(2017, 4, 5)),
        (f"BEIRUT, April 5, 2017 (Reuters) - {STORY}", None, date(2017, 4, 5)),
        (f"DAMASCUS, 5/4/2017 (SANA)-{STORY}", None, date(2017, 4, 5)),
        (f"Aleppo, SANA – {STORY}\nWed 05 Apr 2017", None, date(2017, 4, 5)),
        # A year named elsewhere beats the day received for a dateline without one.
        (f"Wed 05 Apr 2017\nBEIRUT, April 5 (Reuters) - {STORY}", RECEIVED, date(2017, 4, 5)),
    ],
)
def test_a_dateline_sets_the_publication_date_when_none_is_given(
    text: str, received: date | None, published: date
) -> None:
    doc = _run(text, received=received)
    assert doc.published == published
    (report,) = doc.reports
    assert report.date_start == published.replace(day=published.day - 1)  # "yesterday"
    assert report.date_precision is DatePrecision.DAY
    assert report.location_name == "Kafr Zita"  # the filing place is not the event's


def test_a_given_publication_date_wins_over_the_dateline() -> None:
    doc = _run(f"BEIRUT, April 5, 2017 (Reuters) - {STORY}", published=date(2017, 4, 7))
    assert doc.published == date(2017, 4, 7)


def test_the_agency_after_the_place_is_a_dateline() -> None:
    doc = _run(f"Aleppo, SANA – {STORY}", published=PUBLISHED)
    assert doc.dateline is not None and doc.dateline.value == "Aleppo"


@pytest.mark.parametrize(
    "line",
    [
        "On 9 January 2017, regime forces shelled Douma.",  # a note's first sentence
        "April 2017",  # no day
        "Clashes 5 April 2017 and more",
        "The war began in 2011",
    ],
)
def test_a_sentence_is_not_a_date_line(line: str) -> None:
    assert date_line(line) is None


def test_a_date_line_deep_in_the_text_is_not_the_publication_date() -> None:
    middle = "\n".join(["Some line of the story that says little."] * 6)
    raw = f"{middle}\n5 April 2017\n{middle}"
    assert date_line(raw) is None


# --- background: told by the text, not by distance ---------------------------------------


def test_an_archive_note_months_before_publication_is_an_event() -> None:
    # A backfill: the note is read long after the event, with a late publication date.
    text = "On 3 January 2017, regime forces shelled Kafr Zita, killing 3 civilians."
    (report,) = _run(text, published=date(2017, 9, 1)).reports
    assert report.date_start == date(2017, 1, 3)


def test_a_digest_of_earlier_weeks_keeps_every_event() -> None:
    text = (
        "Weekly summary.\n"
        "On 2 January 2017, regime forces shelled Kafr Zita, killing 3 civilians.\n"
        "On 28 December 2016, rebels shelled Hamdaniyeh in Aleppo, killing two civilians.\n"
        "On 12 October 2016, regime forces shelled Douma, killing 4 civilians."
    )
    doc = _run(text, published=date(2017, 2, 20))
    assert sorted(r.date_start for r in doc.reports) == [
        date(2016, 10, 12),
        date(2016, 12, 28),
        date(2017, 1, 2),
    ]


@pytest.mark.parametrize(
    "recalled",
    [
        "The 2013 chemical attack on Ghouta killed hundreds of people.",
        "Last year's offensive on Daraa killed hundreds of people.",
        "Two years ago regime forces shelled Douma, killing dozens.",
        "Back in the summer regime forces shelled Douma, killing dozens.",
        "In March 2015, regime forces shelled Douma, killing dozens.",
    ],
)
def test_an_event_the_text_tells_as_past_is_background(recalled: str) -> None:
    text = (
        "On Tuesday, regime forces shelled Kafr Zita in northern Hama, killing 3 civilians.\n"
        f"{recalled}"
    )
    doc = _run(text, published=PUBLISHED)
    assert [r.location_name for r in doc.reports] == ["Kafr Zita"]
    assert any(why == "background (an earlier event)" for _, why in doc.dropped)


def test_news_of_the_day_that_recalls_an_old_year_is_kept() -> None:
    text = (
        "Regime forces, which lost the town in 2015, shelled Kafr Zita on Tuesday, killing "
        "3 civilians."
    )
    (report,) = _run(text, published=PUBLISHED).reports
    assert report.date_start == date(2017, 1, 24)


def test_without_a_publication_date_the_latest_date_named_is_the_story_s_time() -> None:
    text = (
        "On 9 January 2017, regime forces shelled Kafr Zita, killing 3 civilians.\n"
        "The 2013 chemical attack on Ghouta killed hundreds of people."
    )
    doc = _run(text)
    assert [r.location_name for r in doc.reports] == ["Kafr Zita"]
