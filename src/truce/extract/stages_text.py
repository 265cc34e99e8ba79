"""Stages over the text itself: cleaning, sentences, dateline, publication date."""

from __future__ import annotations

import re
from datetime import date

from truce.domain.vocab import DatePrecision
from truce.extract.clean import clean_text
from truce.extract.dates import find_dates
from truce.extract.doc import Doc, Match
from truce.extract.pipeline import stage
from truce.extract.resources import Resources
from truce.text import paragraphs, sentences, tokens

# The date a dateline may carry: "April 5", "April 5, 2017", "5 April 2017", "5/4/2017" (day
# first, as SANA writes it), "2017-04-05".
_FILED = (
    r"[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,?\s+(?:19|20)\d\d)?"
    r"|\d{1,2}\s+[A-Z][a-z]{2,8}\.?(?:,?\s+(?:19|20)\d\d)?"
    r"|\d{1,2}/\d{1,2}/(?:19|20)\d\d|(?:19|20)\d\d-\d\d-\d\d"
)
# An agency named without brackets after the place: "Aleppo, SANA –".
_OUTLET = r"[A-Z]{2,8}|Reuters|Xinhua|Sputnik|Anadolu|Interfax"
# "BEIRUT, Jan 9 (Reuters) -", "DAMASCUS —", "ISTANBUL:", "Idlib, Syria (AP) —",
# "DAMASCUS, 5/4/2017 (SANA)-" (no space after a bracket's dash), "Aleppo, SANA –".
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Za-z'’\-/ ]{2,40}?)(?:,\s*(?:Syria|Turkey|Lebanon|Jordan|Kazakhstan))?"
    rf"(?:,\s*(?P<date>{_FILED}))?"
    rf"\s*(?:\((?P<agency>[A-Za-z .]{{2,20}})\)|,\s*(?P<outlet>{_OUTLET})(?=\s*[—–:-]))?"
    r"(?:\s*(?:[—–:-]+|//)\s+|(?<=\))\s*[—–:-]+\s*)"
)
# A line that is a date and nothing else, as pages print above or below a story:
# "Wed 05 Apr 2017", "Wednesday, 5 April 2017 14:32 GMT", "Published: April 5, 2017".
# The cleaning stage drops such lines from the body, so they are read off the raw text.
_DATE_LINE = re.compile(
    r"(?:(?:published|posted|updated|last updated|date)\s*(?:on\s*)?:?\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    r"(?P<date>.+?)"
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d\d(?:[:.]\d\d)?(?:\s*(?:am|pm|gmt|utc|[+-]\d\d:?\d\d))*)?",
    re.IGNORECASE,
)
_DATE_LINES_SEEN = 5  # lines from the top, and as many from the bottom, that may hold one


@stage("clean", 1, requires=["raw"], assigns=["body"])
def clean(doc: Doc, res: Resources) -> None:
    doc.body = clean_text(doc.raw)


@stage("sentences", 1, requires=["body"], assigns=["sentences", "paragraphs", "tokens"])
def split_sentences(doc: Doc, res: Resources) -> None:
    doc.sentences = sentences(doc.body)
    doc.paragraphs = paragraphs(doc.body)
    doc.tokens = tokens(doc.body)


@stage("dateline", 2, requires=["body", "paragraphs"], assigns=["dateline"])
def dateline(doc: Doc, res: Resources) -> None:
    """The place and date a story was filed from. The filing place is not the event's place."""
    for start, _ in doc.paragraphs[:3]:
        m = _DATELINE.match(doc.body, start)
        if m is None:
            continue
        place = m.group("place").strip()
        if place.isupper() or m.group("agency") or m.group("outlet") or m.group("date"):
            doc.dateline = Match(m.start(), m.end(), place, 0.9, kind="dateline")
            return


@stage("published", 2, requires=["raw", "dateline", "meta"], assigns=["published"])
def published(doc: Doc, res: Resources) -> None:
    """The publication date: given with the text; else the dateline's date if it has a year;
    else a line that is only a date ("Wed 05 Apr 2017"); else the dateline's "April 5" in
    the year that puts it last on or before the day the text was received."""
    if doc.meta.published is not None:
        doc.published = doc.meta.published
        return
    doc.published = _filed(doc, None) or date_line(doc.raw) or _filed(doc, doc.meta.received)


def _filed(doc: Doc, reference: date | None) -> date | None:
    """The dateline's date: its own year, or (given a reference) the year inferred from it."""
    if doc.dateline is None:
        return None
    for found in find_dates(doc.body[doc.dateline.start : doc.dateline.end], reference):
        if found.precision is DatePrecision.DAY:
            return found.date_start
    return None


def date_line(raw: str) -> date | None:
    """The date of the first line, near the top or the bottom, that holds a full date
    (with its year) and nothing else but a weekday, a time or a "Published:" label."""
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    near = lines[:_DATE_LINES_SEEN] + lines[_DATE_LINES_SEEN:][-_DATE_LINES_SEEN:]
    for line in near:
        if len(line) > 80:
            continue  # a sentence, not a date line: a note's "On 9 January 2017, ..."
        m = _DATE_LINE.fullmatch(line)
        if m is None:
            continue
        text = m.group("date").strip(" .,")
        found = find_dates(text, None)
        if (
            len(found) == 1
            and found[0].precision is DatePrecision.DAY
            and found[0].start == 0
            and found[0].end >= len(text.rstrip(" ."))
        ):
            return found[0].date_start
    return None
