"""Dates in text: absolute forms, relative ones against the publication date, and precision."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from truce.domain.vocab import DatePrecision
from truce.extract.dates import find_dates

# Wednesday 25 January 2017, the day after the Astana talks closed.
PUBLISHED = date(2017, 1, 25)


def _one(text: str, published: date | None = PUBLISHED):  # type: ignore[no-untyped-def]
    found = find_dates(text, published)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shelling hit Douma on 9 January 2017.", date(2017, 1, 9)),
        ("Shelling hit Douma on 9th January 2017.", date(2017, 1, 9)),
        ("Shelling hit Douma on January 9, 2017.", date(2017, 1, 9)),
        ("Shelling hit Douma on 2017-01-09.", date(2017, 1, 9)),
        ("Shelling hit Douma on 10/02/2017.", date(2017, 2, 10)),  # day first
        ("Shelling hit Douma on Jan. 12.", date(2017, 1, 12)),
        ("Shelling hit Douma on Sept. 3, 2016.", date(2016, 9, 3)),
    ],
)
def test_absolute_dates(text: str, expected: date) -> None:
    found = _one(text)
    assert (found.date_start, found.date_end) == (expected, expected)
    assert found.precision is DatePrecision.DAY
    assert not found.relative
    assert text[found.start : found.end].strip(" .,") in text
    assert 0 < found.score <= 1


def test_absolute_dates_with_a_year_need_no_publication_date() -> None:
    assert _one("On 9 January 2017, shelling hit Douma.", None).date_start == date(2017, 1, 9)
    assert _one("On 2017-01-09 shelling hit Douma.", None).date_start == date(2017, 1, 9)


def test_a_date_without_a_year_takes_the_publication_year() -> None:
    assert _one("Clashes on Jan. 12 left two dead.").date_start == date(2017, 1, 12)
    assert _one("Clashes on 20 January left two dead.").date_start == date(2017, 1, 20)


def test_a_date_without_a_year_is_not_resolved_without_a_publication_date() -> None:
    assert find_dates("Clashes on Jan. 12 left two dead.", None) == []


def test_december_30_read_in_january_is_the_year_before() -> None:
    found = _one("The truce has been in place since December 30.", date(2017, 1, 10))
    assert found.date_start == date(2016, 12, 30)


def test_a_year_is_more_sure_than_an_inferred_one() -> None:
    assert _one("on 9 January 2017").score > _one("on 9 January").score


def test_impossible_dates_are_ignored() -> None:
    assert find_dates("on 31 February 2017", PUBLISHED) == []
    assert find_dates("on 2017-13-40", PUBLISHED) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shelling hit Douma on Tuesday.", date(2017, 1, 24)),
        ("Shelling hit Douma on Monday.", date(2017, 1, 23)),
        ("Shelling hit Douma on Thursday.", date(2017, 1, 19)),
        ("Shelling hit Douma on Wednesday.", date(2017, 1, 25)),  # the day it was published
        ("Shelling hit Douma last Wednesday.", date(2017, 1, 18)),
        ("Shelling hit Douma yesterday.", date(2017, 1, 24)),
        ("Shelling hit Douma last night.", date(2017, 1, 24)),
        ("Shelling hit Douma today.", date(2017, 1, 25)),
        ("Shelling hit Douma two days ago.", date(2017, 1, 23)),
        ("Shelling hit Douma 3 days ago.", date(2017, 1, 22)),
        ("Shelling hit Douma the day before yesterday.", date(2017, 1, 23)),
    ],
)
def test_relative_days(text: str, expected: date) -> None:
    found = _one(text)
    assert (found.date_start, found.date_end) == (expected, expected)
    assert found.precision is DatePrecision.DAY
    assert found.relative


def test_a_weekday_is_the_latest_one_on_or_before_publication() -> None:
    for offset in range(7):
        published = date(2017, 1, 23 + offset)  # Monday 23 to Sunday 29 January
        found = _one("Clashes broke out on Tuesday.", published)
        assert found.date_start.weekday() == 1
        assert 0 <= (published - found.date_start).days < 7


def test_overnight_spans_two_days() -> None:
    found = _one("Shelling went on overnight.")
    assert (found.date_start, found.date_end) == (date(2017, 1, 24), date(2017, 1, 25))
    assert found.precision is DatePrecision.DAYS


def test_last_week_is_the_previous_monday_to_sunday() -> None:
    found = _one("Clashes broke out last week.")
    assert (found.date_start, found.date_end) == (date(2017, 1, 16), date(2017, 1, 22))
    assert found.date_start.weekday() == 0 and found.date_end.weekday() == 6
    assert found.precision is DatePrecision.WEEK


def test_last_month_is_the_whole_previous_month() -> None:
    found = _one("Clashes broke out last month.")
    assert (found.date_start, found.date_end) == (date(2016, 12, 1), date(2016, 12, 31))
    assert found.precision is DatePrecision.MONTH


def test_a_month_name_has_month_precision() -> None:
    found = _one("Clashes broke out in February.", date(2017, 3, 5))
    assert (found.date_start, found.date_end) == (date(2017, 2, 1), date(2017, 2, 28))
    assert found.precision is DatePrecision.MONTH
    assert not found.relative


def test_a_month_with_a_year_needs_no_publication_date() -> None:
    found = _one("Clashes broke out in December 2016.", None)
    assert (found.date_start, found.date_end) == (date(2016, 12, 1), date(2016, 12, 31))


def test_december_named_in_january_is_last_december() -> None:
    found = _one("Clashes broke out in December.", date(2017, 1, 10))
    assert found.date_start == date(2016, 12, 1)


@pytest.mark.parametrize(
    "text",
    [
        "Shelling hit Douma on Tuesday.",
        "Shelling hit Douma yesterday.",
        "Shelling went on overnight.",
        "Clashes broke out last week.",
        "Shelling hit Douma two days ago.",
        "Clashes broke out in February.",
        "Clashes on Jan. 12 left two dead.",
    ],
)
def test_no_relative_dates_without_a_publication_date(text: str) -> None:
    assert find_dates(text, None) == []


def test_dates_come_in_text_order_without_overlaps() -> None:
    text = "Clashes on 9 January 2017 were followed by shelling on Tuesday and again yesterday."
    found = find_dates(text, PUBLISHED)
    assert text[found[0].start : found[0].end] == "9 January 2017"
    assert len(found) == 3
    assert [d.start for d in found] == sorted(d.start for d in found)
    for a, b in pairwise(found):
        assert a.end <= b.start


def test_every_result_is_well_formed() -> None:
    text = "On 9 January 2017, yesterday, overnight, last week, in February and on Friday."
    for d in find_dates(text, PUBLISHED):
        assert d.date_start <= d.date_end
        assert isinstance(d.precision, DatePrecision)
        assert 0 < d.score <= 1
        if d.precision is DatePrecision.DAY:
            assert d.date_start == d.date_end
