"""Stages over the text itself: cleaning, sentences, dateline, publication date."""

from __future__ import annotations

import re

from truce.extract.clean import clean_text
from truce.extract.dates import find_dates
from truce.extract.doc import Doc, Match
from truce.extract.pipeline import stage
from truce.extract.resources import Resources
from truce.text import paragraphs, sentences, tokens

# "BEIRUT, Jan 9 (Reuters) -", "DAMASCUS —", "ISTANBUL:", "Idlib, Syria (AP) —"
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Za-z'’\-/ ]{2,40}?)(?:,\s*(?:Syria|Turkey|Lebanon|Jordan|Kazakhstan))?"
    r"(?:,\s*(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?\s*(?:\((?P<agency>[A-Za-z .]{2,20})\))?"
    r"\s*(?:[—–:-]+|//)\s+"
)


@stage("clean", 1, requires=["raw"], assigns=["body"])
def clean(doc: Doc, res: Resources) -> None:
    doc.body = clean_text(doc.raw)


@stage("sentences", 1, requires=["body"], assigns=["sentences", "paragraphs", "tokens"])
def split_sentences(doc: Doc, res: Resources) -> None:
    doc.sentences = sentences(doc.body)
    doc.paragraphs = paragraphs(doc.body)
    doc.tokens = tokens(doc.body)


@stage("dateline", 1, requires=["body"], assigns=["dateline"])
def dateline(doc: Doc, res: Resources) -> None:
    """The place and date a story was filed from. The filing place is not the event's place."""
    for start, _ in doc.paragraphs[:3]:
        m = _DATELINE.match(doc.body, start)
        if m is None:
            continue
        place = m.group("place").strip()
        if place.isupper() or m.group("agency") or m.group("date"):
            doc.dateline = Match(m.start(), m.end(), place, 0.9, kind="dateline")
            return


@stage("published", 1, requires=["dateline", "meta"], assigns=["published"])
def published(doc: Doc, res: Resources) -> None:
    """The publication date: given with the text, else read off the dateline."""
    if doc.meta.published is not None:
        doc.published = doc.meta.published
        return
    if doc.dateline is not None:
        found = find_dates(doc.body[doc.dateline.start : doc.dateline.end], None)
        if found:
            doc.published = found[0].date_start
