"""Dates in text: absolute ones, and ones relative to the publication date, with precision."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from truce.domain.vocab import EARLIEST_YEAR, LATEST_YEAR, DatePrecision
from truce.extract.doc import DateMatch

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?P<weekday>" + "|".join(WEEKDAYS) + r")"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("iso", r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
        ("dmy_numeric", r"\b(?P<day>[0-3]?\d)/(?P<month>[01]?\d)/(?P<year>(?:19|20)\d\d)\b"),
        ("day_month", rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b"),
        ("month_day", rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR})?"),
        (
            "month_part",
            r"\b(?P<part>early|mid|late|end of|beginning of|the end of|the beginning of)[\s-]+"
            + _MONTH
            + rf"(?:\s+{_YEAR})?\b",
        ),
        ("month_year", rf"\b(?:in|during|since|throughout|of)\s+{_MONTH}\s*{_YEAR}?\b"),
        ("weekday", rf"\b(?:on\s+|last\s+|this\s+|late\s+|early\s+)?{_WEEKDAY}\b"),
        (
            "relative",
            r"\b(?P<rel>today|this morning|this afternoon|this evening|tonight|at dawn today|"
            r"yesterday|last night|overnight|the day before yesterday|"
            r"(?P<n>two|three|four|five|six|seven|eight|nine|ten|[1-9]|[12]\d) days ago|"
            r"last week|this week|(?:(?:in|over|during|within) the (?:past|last) "
            r"(?:24|twenty-four) hours)|"
            r"earlier this week|earlier this month|this month|last month)\b",
        ),
    )
)
# Matched without regard to case ("Two days ago" opens a sentence), so looked up folded.
_NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
# A relative date with no publication date to count from: the day is not known, only that
# the event came before the text was received. Low, so that any real date in reach wins.
UNKNOWN_SCORE = 0.3
# The tag an unplaced date puts on its report: every extracted report awaits review, and this
# one tells the reviewer what to settle first.
REVIEW_DATE_UNKNOWN = "review: date unknown (relative, no publication date)"


def find_dates(text: str, published: date | None, received: date | None = None) -> list[DateMatch]:
    """Every date mentioned, resolved against the publication date where relative.

    Without a publication date, a relative date ("yesterday", "on Tuesday") cannot be placed:
    given the day the text was received, it is kept as precision UNKNOWN on that day (the
    latest the event can be), for a reviewer to settle; without either it is left out."""
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            try:
                resolved = _resolve(kind, m, published)
            except OverflowError:  # counted back from a publication date near year 1
                resolved = None
            if resolved is None and published is None and received is not None:
                resolved = _unplaced(kind, received)
            if resolved is None:
                continue
            start, end, precision, score = resolved
            if start.year < EARLIEST_YEAR or end.year > LATEST_YEAR:
                continue  # outside the years a report may carry (vocab)
            found.append(
                DateMatch(
                    m.start(),
                    m.end(),
                    start,
                    end,
                    precision,
                    score,
                    relative=kind in ("weekday", "relative"),
                )
            )
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def _unplaced(kind: str, received: date) -> tuple[date, date, DatePrecision, float] | None:
    if kind not in ("weekday", "relative"):
        return None  # "Jan. 12" without a year: not a relative date, and no year to give it
    return received, received, DatePrecision.UNKNOWN, UNKNOWN_SCORE


def _resolve(kind: str, m: re.Match[str], published: date | None):  # type: ignore[no-untyped-def]
    groups = m.groupdict()
    if kind in ("iso", "dmy_numeric", "day_month", "month_day"):
        month = _month(groups["month"])
        day = int(groups["day"])
        year = int(groups["year"]) if groups.get("year") else _infer_year(month, day, published)
        if year is None:
            return None
        try:
            when = date(year, month, day)
        except ValueError:
            return None
        return when, when, DatePrecision.DAY, 0.95 if groups.get("year") else 0.85
    if kind in ("month_part", "month_year"):
        month = _month(groups["month"])
        year = int(groups["year"]) if groups.get("year") else _infer_year(month, 1, published)
        if year is None:
            return None
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
        return first, last, DatePrecision.MONTH, 0.7
    if published is None:
        return None
    if kind == "weekday":
        # The latest such weekday on or before publication: news speaks of the past.
        back = (published.weekday() - WEEKDAYS[groups["weekday"].lower()]) % 7
        prefix = m.group().lower()
        if prefix.startswith("last ") and back == 0:
            back = 7
        when = published - timedelta(days=back)
        return when, when, DatePrecision.DAY, 0.8
    n = groups.get("n")
    return _relative(groups["rel"].lower(), n.lower() if n else None, published)


def _relative(rel: str, n: str | None, published: date):  # type: ignore[no-untyped-def]
    if rel in (
        "today",
        "this morning",
        "this afternoon",
        "this evening",
        "tonight",
        "at dawn today",
    ):
        return published, published, DatePrecision.DAY, 0.8
    if rel in ("yesterday", "last night"):
        day = published - timedelta(days=1)
        return day, day, DatePrecision.DAY, 0.8
    if rel.endswith("hours"):
        # A briefing's "over the past 24 hours" counts back from its release: the day before.
        day = published - timedelta(days=1)
        return day, day, DatePrecision.DAY, 0.75
    if rel == "overnight":
        day = published - timedelta(days=1)
        return day, published, DatePrecision.DAYS, 0.6
    if rel == "the day before yesterday":
        day = published - timedelta(days=2)
        return day, day, DatePrecision.DAY, 0.8
    if n is not None:
        day = published - timedelta(days=_NUMBER_WORDS[n] if n in _NUMBER_WORDS else int(n))
        return day, day, DatePrecision.DAY, 0.75
    if rel in ("this week", "earlier this week"):
        monday = published - timedelta(days=published.weekday())
        return monday, published, DatePrecision.WEEK, 0.5
    if rel == "last week":
        monday = published - timedelta(days=published.weekday() + 7)
        return monday, monday + timedelta(days=6), DatePrecision.WEEK, 0.5
    if rel in ("this month", "earlier this month"):
        return published.replace(day=1), published, DatePrecision.MONTH, 0.5
    if rel == "last month":
        last = published.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last, DatePrecision.MONTH, 0.5
    return None


def _month(text: str) -> int:
    return int(text) if text.isdigit() else MONTHS[text.lower().rstrip(".")]


def _infer_year(month: int, day: int, published: date | None) -> int | None:
    """A date without a year is the latest such date not long after publication."""
    if published is None:
        return None
    year = published.year
    try:
        candidate = date(year, month, min(day, calendar.monthrange(year, month)[1]))
    except ValueError:
        return None
    return year - 1 if candidate > published + timedelta(days=7) else year
