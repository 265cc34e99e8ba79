"""Acts a text tells that are no event of their own: news recalled behind the lead, tallies,
joint patrols, and the lead event told again.

A news article leads with its event. A later paragraph that recalls an earlier one ("Earlier
this month ...", "In March, twin bombings ...", "The last strikes were on September 4") is
background; a second event of the same day in a later paragraph is news. A tally over a period
("324 civilians killed in April ... 124 in explosions", "we recorded three attacks on
settlements in Aleppo province") counts many acts and places none. A joint patrol carries out
an agreement rather than moving a force. And "the blast" in a later sentence is the event
already told, wherever that sentence places it.

Pure functions over a Doc; events.py decides what to do with what they say.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from truce.extract.doc import DateMatch, Doc, Event, Match

# How far before a news lead a later paragraph's event may be and still be the story's news:
# the days before it that an article reports as news ("on Sunday ... and on Monday"). A digest
# tells its days oldest first, so none of its later paragraphs is dated before its lead.
LEAD_DAYS = 3
# A lead this close to the publication date is the day's news; a lead weeks older is a digest's
# or an archive's, whose paragraphs are each their own news.
NEWS_DAYS = 3

_COUNT_WORD = (
    r"(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen|"
    r"dozens of|several|a number of)"
)
# Words that say a later paragraph tells something earlier than the story's news. Days are left
# out on purpose: "over the past two days" is how news tells its own event.
_RECALL = re.compile(
    r"\b(?:earlier (?:this|that|in the) (?:week|month|year)"
    # "Last week, a boy was shot dead ..., the council added" may be news told late; "in a
    # similar attack last week" recalls one already told.
    r"|last (?:month|year)(?:'s)?|\ba similar (?:[\w-]+ )?(?:attack|strike|raid|bombing|blast)"
    r"|(?:in|over|during|within) (?:the )?(?:recent|past|previous|last) "
    r"(?:(?:few|several|" + _COUNT_WORD + r") )?(?:weeks|months|years)"
    r"|in recent (?:weeks|months|years)"
    r"|for (?:weeks|months|years)"
    r"|recently|previously|before that"
    r"|an? (?:week|month|year) (?:ago|earlier|before)"
    r"|the (?:last|previous) (?:[\w-]+ ){0,2}"
    r"(?:strikes?|attacks?|raids?|bombings?|blasts?|explosions?|shelling)"
    # An ongoing campaign, not one act: "forces have been battling rebels", "has been dropping".
    r"|(?:has|have) been \w+ing"
    # "The attacks came two days after the government took Homs": what follows is earlier.
    r"|\b(?:came|comes|followed|follows) (?:[\w-]+ ){0,3}?(?:after|amid)"
    r"|before(?=\s*[.;]|\s*$))",
    re.IGNORECASE,
)
# A briefing's count of acts: "we have recorded three attacks on settlements", "registered 12
# violations of the ceasefire".
_TALLY = re.compile(
    r"\b(?:recorded|registered|counted|documented|logged)\s+(?:\w+\s+){0,2}?"
    + _COUNT_WORD
    + r"\s+(?:[\w-]+\s+){0,3}?"
    r"(?:attacks|violations|breaches|shellings|cases|incidents|instances)\b",
    re.IGNORECASE,
)
# "124 were killed in explosions": a cause of death in a count, not one act.
_BY_CAUSE = re.compile(
    r"\b(?:killed|died|dead|wounded|injured)\s+(?:in|by)\s+"
    r"(?:(?!(?:the|this|that|these|those|its|their|a|an)\b)[\w-]+\s+)?$",
    re.IGNORECASE,
)
# A briefing's round of patrols "in the provinces of Raqqa, Hasakah and Deir ez-Zor" is routine;
# a patrol in Amuda is logged (ACLED's change to group/activity), and so is one that begins.
_BROAD = re.compile(r"\b(?:provinces|governorates|regions)\b", re.IGNORECASE)
# A patrol is a change of activity when it begins: "began patrolling", "launched patrols".
_NEW_ACTIVITY = re.compile(
    r"\b(?:began|begin|begins|started|starts|launched|resumed|first|new|expanded)\b", re.IGNORECASE
)
_JOINT = re.compile(r"\b(?:joint|combined)\b", re.IGNORECASE)
# "the blast", "the same attack": told again, not new ("the second blast" is new).
_ANAPHOR = re.compile(
    r"\bthe\s+(?:(?:same|deadly|latest|suspected|reported|car|truck|suicide)\s+)?$", re.IGNORECASE
)


_VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}


def paragraph_of(doc: Doc, offset: int) -> int:
    starts = [start for start, _ in doc.paragraphs]
    return max(bisect_right(starts, offset) - 1, 0)


def recalled(doc: Doc, index: int, found: list[Event], own_date: DateMatch | None) -> str | None:
    """Why a later paragraph's act is the lead's background, if it is: it says it is past, or its
    date is days before the lead's. Before a lead is found, or in its paragraph, nothing is."""
    if not found or not doc.paragraphs:
        return None
    start, end = doc.sentences[index]
    lead = found[0]
    if paragraph_of(doc, start) <= paragraph_of(doc, doc.sentences[lead.sentences[0]][0]):
        return None
    cue = _RECALL.search(doc.body, start, end)
    if cue:
        return f"background: a later paragraph recalls an earlier event ({cue.group()})"
    # Days before a violent lead are its background; a statement listing a base set up this
    # week and a strike of two weeks ago tells both as its news.
    if (
        own_date is not None
        and lead.date is not None
        and doc.published is not None
        and lead.event_type in _VIOLENT
        and (doc.published - lead.date.date_end).days <= NEWS_DAYS
        and (lead.date.date_start - own_date.date_end).days > LEAD_DAYS
    ):
        return "background: a later paragraph's event, dated days before the lead's"
    return None


def not_one_event(doc: Doc, index: int, trigger: Match, sub: str) -> str | None:
    """Why the act is no event of its own, if it is not: a cause of death in a tally, or a joint
    patrol."""
    start, end = doc.sentences[index]
    before = doc.body[max(start, trigger.start - 40) : trigger.start]
    if "patrol" in trigger.value.lower():
        if _JOINT.search(before + trigger.value):
            return "a joint patrol: an agreement carried out, not a movement of forces"
        if _BROAD.search(doc.body, trigger.end, end) and not _NEW_ACTIVITY.search(
            doc.body, start, trigger.start
        ):
            return "a routine patrol across provinces, not a change of activity at a place"
    if (
        trigger.value.lower().endswith("s")
        and _BY_CAUSE.search(before)
        and not doc.in_sentence(doc.places, index)
        and not doc.in_sentence(doc.dates, index)
    ):
        return "a cause of death in a tally (no place, no day), not one event"
    return None


def restates_tally(doc: Doc, event: Event) -> bool:
    """In a briefing that counts acts ("recorded three attacks"), an act placed no finer than a
    governorate is the count said again ("fired on settlements in Aleppo province")."""
    if event.place is not None and event.place.value.precision < 4:
        return False
    tallies = doc.cache.get("tallies")
    if tallies is None:
        tallies = doc.cache["tallies"] = bool(_TALLY.search(doc.body))
    return bool(tallies)


def told_again(doc: Doc, index: int, event: Event, previous: Event) -> bool:
    """ "The blast went off on the outskirts of Sayeda Zeinab": a later sentence with no day of
    its own, naming the act with "the", tells the event before it of the same type, even where it
    names another (nearer) place."""
    if event.date is not None or previous.event_type != event.event_type:
        return False
    if index <= previous.sentences[-1]:
        return False
    start, _ = doc.sentences[index]
    before = doc.body[max(start, event.trigger.start - 30) : event.trigger.start]
    return bool(_ANAPHOR.search(before))
