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
from datetime import date, timedelta
from itertools import pairwise

from truce.domain.vocab import SUB_EVENT_TO_EVENT, DatePrecision
from truce.extract import recall
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
    triggers = _outermost(
        [t for t in _triggers(doc, index) if not _counted(sentence, t[0].start - start)]
    )
    if not triggers:
        return None
    denial = NEGATION.search(sentence)
    if denial and not _separate_denial(sentence, denial.start(), triggers, start):
        doc.dropped.append((triggers[0][0], "denial"))
        return None
    if denial:
        # "Rebels said regime forces attacked X, and denied that JFS was there": the act is
        # asserted; the denial is a counter-claim kept beside it (roles leaves its actors out).
        doc.cache.setdefault("counter-claims", {})[index] = (start + denial.start(), end)
    asserted = _asserted(doc, sentence, start, triggers)
    if not asserted:
        return None
    return _by_precedence(doc, index, sentence, start, asserted)


def _outermost(triggers: list[tuple[Match, str]]) -> list[tuple[Match, str]]:
    """A trigger inside a longer one of another kind is that one's word: "defused an IED" is a
    disrupted weapon, not an explosion; "protesters clashed" a riot, not a battle; "opened fire
    on demonstrators" excessive force, not an armed clash."""
    return [
        (m, sub)
        for m, sub in triggers
        if not any(
            other != sub
            and o.start <= m.start
            and m.end <= o.end
            and (o.end - o.start) > (m.end - m.start)
            for o, other in triggers
        )
    ]


_DENIAL_CLAUSE = re.compile(r"(?:,\s*(?:and|but|while)|;|\band\b)\s+(?:\w+\s+){0,3}$", re.I)


def _separate_denial(
    sentence: str, offset: int, triggers: list[tuple[Match, str]], start: int
) -> bool:
    """A denial in its own clause after every trigger denies something else (a group's presence),
    not the act: "breached the truce with a ground push on X, and denied that any JFS members
    were in the area"."""
    if any(m.start - start >= offset for m, _ in triggers):
        return False
    last = max(m.end - start for m, _ in triggers)
    between = sentence[last:offset]
    if not _DENIAL_CLAUSE.search(between):
        return False
    # Denying the act itself ("... and denied carrying out the attack") still negates it.
    return not re.match(
        r"\w+\s+(?:(?:any|the|that it|that they|having|carrying out|responsibility)\b\s*)*"
        r"(?:attack|shell|strike|bomb|responsibility|involvement|carrying|targeting|role)",
        sentence[offset:],
        re.IGNORECASE,
    )


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
    # "Soldiers captured or missing": people taken, not ground.
    territory = [
        m
        for m in territory
        if not (
            _CAPTIVES.search(sentence, 0, m.start - start)
            and _TAKEN_PEOPLE.match(sentence, m.end - start)
        )
    ]
    if not ranked:
        return (territory[0], "Armed clash", True) if territory else None
    match, sub = _from_afar(sentence, start, ranked)
    if territory and SUB_EVENT_TO_EVENT[sub] not in ("Protests", "Riots"):
        if SUB_EVENT_TO_EVENT[sub] in _VIOLENT:
            return territory[0], "Armed clash", True
        return territory[0], "Non-violent transfer of territory", False
    return match, sub, False


# Clash words that say only that someone fired or aimed at a target: with a weapon fired from
# afar in the same sentence, the act is that weapon's (ACLED: one side firing from a distance is
# remote violence, not an armed clash).
_AIMED = re.compile(r"^(?:fired|targeted)", re.IGNORECASE)
_CLOSE_RANGE = re.compile(r"\b(?:anti-tank|guided|atgms?|small arms|machine ?guns?)\b", re.I)


def _from_afar(sentence: str, start: int, ranked: list[tuple[Match, str]]) -> tuple[Match, str]:
    match, sub = ranked[0]
    if sub != "Armed clash" or not _AIMED.match(match.value) or _CLOSE_RANGE.search(sentence):
        return match, sub  # anti-tank missiles and small arms are a fight at close quarters
    if any(o != "Armed clash" and not _AIMED.match(m.value) for m, o in ranked if o == sub):
        return match, sub  # "clashes" or "fighting" too: a battle after all
    remote = [(m, o) for m, o in ranked if SUB_EVENT_TO_EVENT[o] == "Explosions/Remote violence"]
    return remote[0] if remote else (match, sub)


_CAPTIVES = re.compile(
    r"\b(?:soldiers|fighters|troops|members|men|civilians|people|hostages|prisoners|officers|"
    r"pilots?|sons?|relatives|who were|had been|were)\s+$",
    re.IGNORECASE,
)
# ... and no ground after the verb: "soldiers captured or missing", "fighters captured by IS".
_TAKEN_PEOPLE = re.compile(
    r"\s*(?:$|[,.;)]|(?:or|and|by|during|in|since|while|when|were|was|last|earlier)\b)",
    re.IGNORECASE,
)
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
    r"fleeing|displaced by|escaped)\s+(?:the\s+|about\s+|some\s+|more\s+)?(?:[\w-]+\s+){0,2}$"
    # "a landmine left over from earlier fighting": the fighting is the mine's past.
    r"|\b(?:left(?: over| behind)? from|remnants? of|leftover from)\s+(?:the\s+)?"
    r"(?:earlier\s+|previous\s+|past\s+|years of\s+)?$)",
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


def _is_background(doc: Doc, index: int, at: int | None = None) -> bool:
    """An earlier event that the text itself tells as past: "the 2013 chemical attack",
    "last year's offensive", "two years ago", "in May 2016" beside this week's news. Distance
    from the publication date alone never drops one: an archive's backfill and a monitor's
    weekly digest tell weeks-old events as news. `at` is the act's offset in the text."""
    start, _ = doc.sentences[index]
    dated = doc.in_sentence(doc.dates, index)
    now = _story_date(doc)
    past = _marks_of_the_past(doc, index, dated, now)
    if not past:
        return False
    news = [d.start for d in dated if d.relative or (now is not None and _recent_day(d, now))]
    if not news:
        return True
    # Both. A mark in the act's own clause tells: "rebels, who lost the town in 2015, shelled
    # it on Tuesday" is news. Else the nearer: "families of soldiers captured in 2015 held a
    # sit-in on Saturday" recalls the capture.
    at = start if at is None else at
    past_here = any(_one_clause(doc, p, at) for p in past)
    news_here = any(_one_clause(doc, n, at) for n in news)
    if past_here != news_here:
        return past_here
    return min(abs(p - at) for p in past) < min(abs(n - at) for n in news)


def _one_clause(doc: Doc, a: int, b: int) -> bool:
    return _CLAUSE_MARK.search(doc.body, min(a, b), max(a, b)) is None


def _marks_of_the_past(doc: Doc, index: int, dated: list[DateMatch], now: date | None) -> list[int]:
    """Where the sentence says that what it tells is past (offsets into the body)."""
    start, end = doc.sentences[index]
    sentence = doc.body[start:end]
    marks = [start + m.start() for m in _PAST.finditer(sentence)]
    if now is None:
        return marks
    # "the 2013 chemical attack": a year just before the act names an old one.
    marks += [start + m.start() for m in _OLD_YEAR.finditer(sentence) if int(m["year"]) < now.year]
    years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", sentence)]
    if years and max(years) < now.year - 1:  # "in 2013", "since 2012", "formerly"
        marks += [start + m.start() for m in BACKGROUND.finditer(sentence)]
    # "in May 2016", "on 3 March 2013" past the lead of a story of later date: recalled.
    lead = bool(doc.paragraphs) and start < doc.paragraphs[0][1]
    if not lead:
        marks += [
            d.start
            for d in dated
            if d.date_end.year < now.year
            and (d.precision is not DatePrecision.DAY or d.date_end.year < now.year - 1)
        ]
    return marks


def _story_date(doc: Doc) -> date | None:
    """When the story stands: its publication date, else the latest date it names."""
    if doc.published is not None:
        return doc.published
    named = [d.date_end for d in doc.dates if not d.relative]
    return max(named) if named else None


def _recent_day(d: DateMatch, now: date) -> bool:
    # A day named with its year, this year or last (a digest of late December read in
    # January): how news and digests date their events.
    return d.precision is DatePrecision.DAY and d.date_end.year >= now.year - 1


_PAST = re.compile(
    r"\b(?:last|previous|past) year'?s\b|\b(?:a|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|several|many|\d+) years? (?:ago|after|since)\b|\banniversary\b|\bback in\b",
    re.IGNORECASE,
)
_CLAUSE_MARK = re.compile(r"[,;:()—–]")
_OLD_YEAR = re.compile(r"\b(?:the|a|its|their)\s+(?P<year>(?:19|20)\d\d)\s+[\w-]+", re.IGNORECASE)


_OWN_TIME_REFERENCE = re.compile(r"(?:since|until|till|before|ahead of)\b", re.IGNORECASE)


def _event_date(doc: Doc, index: int) -> DateMatch | None:
    for d in doc.in_sentence(doc.dates, index):
        # "held by Turkish forces since February 2017": the date may carry its "since" itself.
        if not TIME_REFERENCE.search(doc.body[max(0, d.start - 12) : d.start]) and not (
            _OWN_TIME_REFERENCE.match(doc.body, d.start)
        ):
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
        if _is_background(doc, index, trigger.start):
            doc.dropped.append((trigger, "background (an earlier event)"))
            continue
        recalled = recall.recalled(doc, index, found, _event_date(doc, index))
        if recalled:
            doc.dropped.append((trigger, recalled))
            continue
        not_an_event = recall.not_one_event(doc, index, trigger, sub)
        if not_an_event:
            doc.dropped.append((trigger, not_an_event))
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
        if recall.restates_tally(doc, event):
            doc.dropped.append((trigger, "a tally's summary, placed no finer than a governorate"))
            continue
        if found and recall.told_again(doc, index, event, found[-1]):
            _merge(found[-1], event)
            continue
        for each in _one_per_place(doc, event, index):
            earlier = _earlier_report_of(found, each)
            if earlier is not None:
                _merge(earlier, each)
            else:
                found.append(each)
    doc.events = _context_only(doc, found)


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


_FORCES_ACT = {
    "Change to group/activity",
    "Headquarters or base established",
    "Disrupted weapons use",
}
# Logged by a monitor as events of their own, but only context in a text that reports fighting.
_CONTEXT_ONLY = {"Change to group/activity", "Headquarters or base established"}


def _context_only(doc: Doc, found: list[Event]) -> list[Event]:
    """A movement of forces beside the fighting it leads to is the fighting's context
    ("rebels sent reinforcements"); a text about the movement alone reports it."""
    if not any(e.event_type in _VIOLENT for e in found):
        return found
    for e in found:
        if e.sub_event_type in _CONTEXT_ONLY:
            doc.dropped.append((e.trigger, "a movement of forces told as context of the fighting"))
    return [e for e in found if e.sub_event_type not in _CONTEXT_ONLY]


def _has_substance(doc: Doc, event: Event, index: int) -> bool:
    actors = [m for m in doc.in_sentence(doc.actors, index) if not m.value.generic or m.value.side]
    casualties = doc.in_sentence(doc.casualties, index)
    # A country named is not a place of an event: "fighting in Syria" is commentary.
    placed = event.place is not None and event.place.value.precision <= 4
    if event.sub_event_type == "Agreement":
        # An agreement is news when the text says where or when, or who made it.
        return bool(placed or doc.in_sentence(doc.dates, index) or len(actors) >= 2)
    # Only armed forces move, patrol, set up bases or stop a weapon: an aid convoy is not one.
    if event.sub_event_type in _FORCES_ACT and not any(
        m.value.side not in (None, "civilians") for m in actors
    ):
        return False
    if event.event_type == "Strategic developments":
        return bool(placed or len(actors) >= 2 or doc.in_sentence(doc.dates, index))
    return bool(placed or casualties or (actors and event.date))


def _attach_follow_up(doc: Doc, found: list[Event], index: int) -> None:
    """A sentence with no trigger of its own ("Two children were among the dead")."""
    if not found or found[-1].sentences[-1] < index - 2:
        return
    if doc.in_sentence(doc.casualties, index) and not doc.in_sentence(doc.places, index):
        found[-1].sentences.append(index)
