"""Event detection: which sentences assert an event of which kind, and which are not events.

A sentence's triggers are classified by ACLED's hierarchy (a battle outranks
an air strike within it). Denials, threats, conditions and intentions are
dropped with the reason kept. Sentences that go on about the same event (same
kind, place and day) are merged into one; a new place, day or kind opens a new
event, so a document can yield several reports.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from itertools import pairwise

from truce.domain.vocab import SUB_EVENT_TO_EVENT
from truce.extract.doc import DateMatch, Doc, Event, Match
from truce.extract.lexicon import BACKGROUND, HEDGE, NEGATION, TIME_REFERENCE
from truce.extract.merging import RANK as _RANK
from truce.extract.merging import earlier_report_of as _earlier_report_of
from truce.extract.merging import merge as _merge
from truce.extract.pipeline import stage
from truce.extract.resources import Resources
from truce.extract.triggers import TERRITORY, TRIGGERS

_CLAUSE_BREAK = re.compile(r"[;,:]\s|\s(?:but|while|whereas|after|as)\s")
_VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}


def _hedged(sentence: str, offset: int) -> str | None:
    """Why the trigger at `offset` is not asserted as having happened, if it is not."""
    clause_start = 0
    for brk in _CLAUSE_BREAK.finditer(sentence, 0, offset):
        clause_start = brk.end()
    cue = HEDGE.search(sentence[clause_start:offset])
    if cue:
        return f"hedged ({cue.group().strip()})"
    return None


def _triggers(doc: Doc, index: int) -> list[tuple[Match, str]]:
    by_sentence = doc.cache.get("triggers by sentence")
    if by_sentence is None:
        by_sentence = {}
        for m, sub in _all_triggers(doc):
            by_sentence.setdefault(doc.sentence_of(m.start), []).append((m, sub))
        doc.cache["triggers by sentence"] = by_sentence
    return list(by_sentence.get(index, ()))


def _all_triggers(doc: Doc) -> list[tuple[Match, str]]:
    """Every trigger in the body, found once per document and kept on it."""
    cached = doc.cache.get("triggers")
    if cached is None:
        cached = [
            (Match(m.start(), m.end(), m.group(), 0.8, kind="trigger"), sub)
            for sub, pattern in TRIGGERS
            for m in pattern.finditer(doc.body)
        ]
        doc.cache["triggers"] = cached
    return cached


def classify(doc: Doc, index: int) -> tuple[Match, str, bool] | None:
    """The sentence's event kind by ACLED precedence, or None (with the reason recorded)."""
    start, end = doc.sentences[index]
    sentence = doc.body[start:end]
    triggers = [t for t in _triggers(doc, index) if not _counted(sentence, t[0].start - start)]
    if not triggers:
        return None
    if NEGATION.search(sentence):
        doc.dropped.append((triggers[0][0], "denial"))
        return None
    asserted = _asserted(doc, sentence, start, triggers)
    if not asserted:
        return None
    return _by_precedence(doc, index, sentence, start, asserted)


def _asserted(
    doc: Doc, sentence: str, start: int, triggers: list[tuple[Match, str]]
) -> list[tuple[Match, str]]:
    """The triggers the sentence asserts as events; the others are dropped with the reason."""
    asserted = []
    for match, sub in triggers:
        if (
            sub == "Agreement"
            and _PARTICIPLE.match(sentence, match.end - start)
            and not _FINITE.search(match.value)
        ):
            doc.dropped.append(
                (match, 'an agreement named, not made ("the ceasefire brokered by ...")')
            )
            continue
        if _TEMPORAL.search(sentence[max(0, match.start - start - 30) : match.start - start]):
            doc.dropped.append((match, "a time reference (since/until/before ...), not an event"))
            continue
        reason = _hedged(sentence, match.start - start)
        if reason:
            doc.dropped.append((match, reason))
        else:
            asserted.append((match, sub))
    return asserted


def _by_precedence(
    doc: Doc, index: int, sentence: str, start: int, asserted: list[tuple[Match, str]]
) -> tuple[Match, str, bool] | None:
    territory = [m for m, sub in asserted if sub == TERRITORY]
    main = [
        (m, sub)
        for m, sub in asserted
        if sub != TERRITORY and not _subordinate(sentence, m.start - start, asserted, start)
    ]
    # Among triggers of one rank, prefer one an actor does: "JFS fighters clashed" over "the
    # fighting".
    acted = {
        m.start
        for m, _ in asserted
        if any(0 <= m.start - a.end <= 30 for a in doc.in_sentence(doc.actors, index))
    }
    ranked = sorted(
        main or [ms for ms in asserted if ms[1] != TERRITORY],
        key=lambda ms: (_rank(ms[1]), ms[0].start not in acted),
    )
    if territory and _only_positions(sentence, territory[0].end - start):
        territory = []  # taking "positions" or "checkpoints" is fighting, not a change of control
    if not ranked:
        return (territory[0], "Armed clash", True) if territory else None
    match, sub = ranked[0]
    if territory:
        if SUB_EVENT_TO_EVENT[sub] in _VIOLENT:
            return territory[0], "Armed clash", True
        return territory[0], "Non-violent transfer of territory", False
    return match, sub, False


_COUNT_BEFORE = re.compile(
    r"(?<![\d,])(?!(?:19|20)\d\d\b)(?:\d+(?:,\d{3})*|dozens of|hundreds of|scores of|tens of)"
    r"\s+(?:[a-z-]+\s+)?$",
    re.IGNORECASE,
)


def _counted(sentence: str, offset: int) -> bool:
    """ "About 90 explosions", "31 air strikes": a tally of many, not one event."""
    word = sentence[offset:].split(" ", 1)[0].rstrip(".,;:")
    before = sentence[max(0, offset - 40) : offset]
    if _NOT_AN_ACT.search(before):
        return True  # "no explosions", "observers heard explosions", "fled fighting"
    return word.endswith("s") and bool(_COUNT_BEFORE.search(before[-30:]))


_NOT_AN_ACT = re.compile(
    r"(?:\b(?:no|without|heard|observed|recorded|registered|counted|assessed as|fled(?: from)?|"
    r"fleeing|displaced by|escaped)\s+(?:the\s+|about\s+|some\s+|more\s+)?(?:[\w-]+\s+){0,2}$)",
    re.IGNORECASE,
)


def _rank(sub: str) -> tuple[int, int]:
    # Within strategic developments a transfer of territory is the act itself; the deal behind it
    # ranks after.
    if sub == "Non-violent transfer of territory":
        return _RANK["Agreement"][0], -1
    return _RANK[sub]


_AFTER = re.compile(
    r"\b(?:after|following|amid|since|ahead of|before|as part of|in response to|in retaliation for|"
    r"against the|over the|denouncing|condemning|to denounce|to condemn|in protest at|demanding)\b",
    re.IGNORECASE,
)
_POSITIONS = re.compile(
    r"^\s*(?:[\w'-]+\s+){0,3}(?:positions?|checkpoints?|points?|posts?|outposts?|barricades?)\b",
    re.IGNORECASE,
)


def _subordinate(sentence: str, offset: int, triggers: list[tuple[Match, str]], start: int) -> bool:
    """A trigger inside an "after ..."/"amid ..." clause that follows the main act is context."""
    cue = None
    for m in _AFTER.finditer(sentence, 0, offset):
        cue = m
    if cue is None:
        return False
    return any(t.start - start < cue.start() for t, _ in triggers)


def _only_positions(sentence: str, offset: int) -> bool:
    return bool(_POSITIONS.match(sentence[offset:]))


def _is_background(doc: Doc, index: int) -> bool:
    """An old event told as background ("the 2013 chemical attack on Ghouta")."""
    if doc.published is None:
        return False
    for d in doc.in_sentence(doc.dates, index):
        if d.date_end < doc.published - timedelta(days=120):
            return True
    start, end = doc.sentences[index]
    if _OLD_YEAR.search(doc.body[start:end]) and any(
        int(y) < doc.published.year - 1
        for y in re.findall(r"\b(?:19|20)\d\d\b", doc.body[start:end])
    ):
        return True  # "the 2013 chemical attack": a year just before the act names an old one
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", doc.body[start:end])]
    return (
        bool(years)
        and max(years) < doc.published.year - 1
        and bool(BACKGROUND.search(doc.body[start:end]))
    )


_OLD_YEAR = re.compile(r"\b(?:the|a|its|their)\s+(?:19|20)\d\d\s+[\w-]+", re.IGNORECASE)


def _event_date(doc: Doc, index: int) -> DateMatch | None:
    for d in doc.in_sentence(doc.dates, index):
        if not TIME_REFERENCE.search(doc.body[max(0, d.start - 12) : d.start]):
            return d
    return None


def _event_place(doc: Doc, index: int, *, violent: bool = False) -> Match | None:
    # A country is not the place of an event; "from X" names where people came from;
    # fighting in Syria is not placed at the talks in Astana the sentence also mentions.
    candidates = [
        p
        for p in doc.in_sentence(doc.places, index)
        if p.value.precision < 6 and not (violent and p.value.country != "SYR")
    ]
    if not candidates:
        return None
    # The most precise place named: a village beats its countryside, which beats a governorate.
    return min(
        candidates, key=lambda m: (_origin(doc, m), m.value.precision, m.value.radius_km, m.start)
    )


def _origin(doc: Doc, place: Match) -> bool:
    return bool(
        re.search(
            r"\b(?:from|of evacuees from|residents of)\s+(?:the\s+)?(?:\w+\s+)?$",
            doc.body[max(0, place.start - 25) : place.start],
            re.IGNORECASE,
        )
    )


_TEMPORAL = re.compile(
    r"\b(?:since|until|till|ever since) (?:the |a |an |its |their )?(?:[\w-]+,? ){0,3}$"
    r"|\b(?:that|which|who) (?:have |has |had )?$",
    re.IGNORECASE,
)
_PARTICIPLE = re.compile(r"\s+by\b", re.IGNORECASE)
_FINITE = re.compile(r"\b(?:was|were|has|have|had|been|is|are)\b", re.IGNORECASE)
_SAME_DAY = re.compile(
    r"\b(?:the same day|that day|on the same day|the following day|the next day|a day later|"
    r"the previous day|a day earlier|the day before)\b",
    re.IGNORECASE,
)
_SHIFT = {"following": 1, "next": 1, "later": 1, "previous": -1, "earlier": -1, "before": -1}


@stage(
    "events",
    1,
    requires=["sentences", "actors", "places", "dates", "casualties", "published"],
    assigns=["events"],
)
def events(doc: Doc, res: Resources) -> None:
    found: list[Event] = []
    headline = _headline(doc)
    for index in range(len(doc.sentences)):
        if headline is not None and doc.sentences[index][0] < headline:
            continue  # a headline restates the story's events; the body tells them
        kind = classify(doc, index)
        if kind is None:
            _attach_follow_up(doc, found, index)
            continue
        trigger, sub, territory = kind
        if _is_background(doc, index):
            doc.dropped.append((trigger, "background (an earlier event)"))
            continue
        date = _event_date(doc, index) or _relative_to_previous(doc, index, found)
        event = Event(
            sentences=[index],
            trigger=trigger,
            event_type=SUB_EVENT_TO_EVENT[sub],
            sub_event_type=sub,
            score=0.75,
            territory=territory,
            place=_event_place(doc, index, violent=SUB_EVENT_TO_EVENT[sub] in _VIOLENT),
            date=date,
        )
        if not _has_substance(doc, event, index):
            doc.dropped.append((trigger, "no place, actor or casualty: commentary, not an event"))
            continue
        if _stale_agreement(doc, event):
            doc.dropped.append((trigger, "an agreement told as background, not news"))
            continue
        for each in _one_per_place(doc, event, index):
            earlier = _earlier_report_of(found, each)
            if earlier is not None:
                _merge(earlier, each)
            else:
                found.append(each)
    doc.events = found


_LIST_GAP = re.compile(
    r"^\s*(?:,|and|, and|as well as|&)\s*(?:the\s+)?(?:towns?\s+of\s+|villages?\s+of\s+)?$",
    re.IGNORECASE,
)


def _one_per_place(doc: Doc, event: Event, index: int) -> list[Event]:
    """ "Shelled Hass and Kafr Nabl": ACLED codes one event per place, so one event each."""
    _, end = doc.sentences[index]
    after = [p for p in doc.places if event.trigger.end <= p.start < end and p.value.precision == 1]
    if len(after) < 2:
        return [event]
    listed = [after[0]]
    for previous, current in pairwise(after):
        if not _LIST_GAP.match(doc.body[previous.end : current.start]):
            break
        listed.append(current)
    if len(listed) < 2:
        return [event]
    return [
        replace(event, place=place, perpetrators=[], targets=[], casualties=[], weapons=[], part=n)
        for n, place in enumerate(listed)
    ]


def _headline(doc: Doc) -> int | None:
    """The end of a headline paragraph: short, first, and not a sentence."""
    if len(doc.paragraphs) < 2:
        return None
    start, end = doc.paragraphs[0]
    text = doc.body[start:end].strip()
    if len(text.split()) <= 25 and not re.search(r"[.!?]['\"”’)]*$", text):
        return end
    return None


def _relative_to_previous(doc: Doc, index: int, found: list[Event]) -> DateMatch | None:
    """ "The same day", "the next day": a date told against the event before."""
    start, end = doc.sentences[index]
    cue = _SAME_DAY.search(doc.body, start, end)
    if cue is None or not found or found[-1].date is None:
        return None
    shift = next((v for k, v in _SHIFT.items() if k in cue.group().lower()), 0)
    base = found[-1].date
    day = base.date_start + timedelta(days=shift)
    return DateMatch(
        cue.start(), cue.end(), day, day, base.precision, base.score * 0.9, relative=True
    )


def _stale_agreement(doc: Doc, event: Event) -> bool:
    if event.sub_event_type != "Agreement" or doc.published is None or event.date is None:
        return False
    return abs((doc.published - event.date.date_start).days) > 10


def _has_substance(doc: Doc, event: Event, index: int) -> bool:
    actors = [m for m in doc.in_sentence(doc.actors, index) if not m.value.generic or m.value.side]
    casualties = doc.in_sentence(doc.casualties, index)
    # A country named is not a place of an event: "fighting in Syria" is commentary.
    placed = event.place is not None and event.place.value.precision <= 4
    if event.sub_event_type == "Agreement":
        # An agreement is news when the text says where or when, or who made it.
        return bool(placed or doc.in_sentence(doc.dates, index) or len(actors) >= 2)
    if event.event_type == "Strategic developments":
        return bool(placed or len(actors) >= 2 or doc.in_sentence(doc.dates, index))
    return bool(placed or casualties or (actors and event.date))


def _attach_follow_up(doc: Doc, found: list[Event], index: int) -> None:
    """A sentence with no trigger of its own ("Two children were among the dead")."""
    if not found or found[-1].sentences[-1] < index - 2:
        return
    if doc.in_sentence(doc.casualties, index) and not doc.in_sentence(doc.places, index):
        found[-1].sentences.append(index)
