"""Casualty figures: digits and number words, killed or injured, civilians or fighters.

Vague amounts follow ACLED's rules ("several" 3, "dozens" 12, "hundreds" 100).
"""

from __future__ import annotations

import re

from truce.extract.doc import Casualty
from truce.extract.lexicon import CIVILIAN_NOUNS, FIGHTER_NOUNS, NUMBER_WORDS, VAGUE_NUMBERS

_WORDS = sorted([*NUMBER_WORDS, *VAGUE_NUMBERS], key=len, reverse=True)
_NUM = (
    r"\b(?:(?:at least|at most|some|about|around|nearly|almost|approximately|more than|over|up to|"
    r"as many as|another|a further|an estimated)\s+)?(?:\d{1,4}|"
    + "|".join(map(re.escape, _WORDS))
    + r")"
)
# Up to three words between the number and the noun: "3 Turkish soldiers", "12 ISIL fighters".
_ADJ = r"(?:(?!(?:were|was|and|in|on|at|by|near)\b)[\w'’-]+\s+){0,3}?"
# After the noun: "fighters from both sides", "members of one family".
_AFTER = (
    r"(?:\s+(?:from|of|on) (?:both|each|either|the two|all) sides?|"
    r"\s+from (?:the )?[\w-]+ (?:sides?|factions?|forces)|"
    r"\s+(?:of|from|belonging to) (?:the |a |an )?(?:[\w'’-]+\s+){0,4}?[\w'’-]+)?"
)
_GROUP = rf"(?P<group>{CIVILIAN_NOUNS}|{FIGHTER_NOUNS}){_AFTER}"
_ITEM = rf"{_NUM}\s+(?:of\s+)?{_ADJ}(?:{CIVILIAN_NOUNS}|{FIGHTER_NOUNS})"
_AUX = (
    r"(?:\s*\b(?:were|was|have been|has been|had been|are|is|reportedly|reported|"
    r"said to have been|also|all|been|being|later|in total|confirmed)\b)*"
)
_KILLED = (
    r"killed|dead|died|slain|lost their lives|perished|executed|shot dead|eliminated|"
    r"neutrali[sz]ed|beaten to death|stabbed to death|tortured to death"
)
_INJURED = r"wounded|injured|hurt|maimed"

_PATTERNS = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            # ACLED's own word on the figure: "Fatalities coded to 2, split between both
            # locations". It overrides every other number in the note.
            "coded",
            r"\b(?:fatalities|deaths)\s+(?:were\s+|are\s+)?coded\s+(?:to|as|at)\s+(?P<num>\d+)"
            r"(?P<split>[^.;]{0,30}?\bsplit\b)?",
        ),
        (
            # A running total, not this event's dead: "bringing the death toll to 40".
            "cumulative",
            r"\b(?:bringing|raising|pushing|taking|lifting|brought|raised|pushed|took)\s+"
            r"(?:the\s+|its\s+)?(?:overall\s+|total\s+|cumulative\s+|overall\s+)?"
            r"(?:death\s+toll|toll|total|tally|number\s+of\s+(?:dead|deaths|people\s+killed|"
            r"fatalities|victims))(?:\s+[\w'’-]+){0,8}?\s+to\s+(?:at\s+least\s+|more\s+than\s+|"
            r"over\s+|nearly\s+|around\s+|about\s+)?\d[\d,]*(?:\s+[\w-]+){0,2}",
        ),
        (
            "list",
            rf"(?P<list>{_ITEM}(?:\s*,\s*{_ITEM})*,?\s+and\s+{_ITEM}){_AUX}\s+(?P<verb>{_KILLED}|{_INJURED})\b",
        ),
        (
            # The same list after the verb: "barrel bombs killed five children, a woman and two
            # elderly men" is eight dead, not five.
            "list",
            rf"\b(?P<verb>killing|killed|wounding|wounded|injuring|injured)\s+"
            rf"(?P<list>{_ITEM}(?:\s*,\s*{_ITEM})*,?\s+and\s+{_ITEM})\b",
        ),
        (
            "subject",
            rf"(?P<num>{_NUM})(?:\s+(?:of\s+)?{_ADJ}{_GROUP})?{_AUX}\s*(?:,[^,.]{{0,40}},\s*)?{_AUX}\s*(?P<verb>{_KILLED}|{_INJURED})\b",
        ),
        (
            "object",
            rf"\b(?P<verb>killing|killed|wounding|wounded|injuring|injured|left|leaving|executed|executing|"
            rf"shot dead|shooting dead)\s+(?:at least\s+)?"
            rf"(?P<num>{_NUM})(?:\s+(?:of\s+)?{_ADJ}{_GROUP})?(?P<dead>\s+(?:dead|injured|wounded))?\b",
        ),
        (
            "noun",
            rf"\b(?:the )?(?P<verb>killing|deaths?|wounding|injuring|injuries) of "
            rf"(?P<num>{_NUM})(?:\s+{_ADJ}{_GROUP})?\b",
        ),
        (
            "to death",
            rf"\b(?:beat|beaten|stabbed|tortured|shot|burned|lynched)\s+"
            rf"(?P<num>a|an|one|two|three|\d+)\s+(?:[\w-]+\s+){{0,2}}?"
            rf"(?:{CIVILIAN_NOUNS}|{FIGHTER_NOUNS}|man|woman|boy|girl)\s+to death\b",
        ),
        (
            "toll",
            rf"\b(?:death toll|toll|fatalities|deaths)\s+(?:\w+\s+){{0,3}}?"
            rf"(?:rose|climbed|reached|stood|stands|"
            rf"increased|was|is|at|to|of)\s+(?:at\s+|to\s+)?(?P<num>{_NUM})\b",
        ),
        (
            "none",
            r"\b(?:no (?:reported )?(?:fatalities|casualties|deaths|injuries|"
            r"one was (?:killed|hurt|injured))|"
            r"without (?:causing )?(?:any )?(?:casualties|fatalities)|"
            r"(?:fatalities|casualties|deaths) (?:were |are |remain )?"
            r"(?:unknown|not (?:yet )?(?:reported|known|specified))|"
            r"unknown (?:number of )?(?:casualties|fatalities)|"
            r"(?:fatalities|casualties) (?:were )?reported as (?:none|zero))\b",
        ),
    )
)
# After a figure, in its clause: a count over a period, not one event's ("since the offensive
# began", "so far this year").
_RUNNING = re.compile(
    r"^[^.;]{0,60}?\b(?:since|so far|to date|over the (?:past|last)|in the (?:past|last)|"
    r"throughout|over the course of)\b",
    re.IGNORECASE,
)
# "[size=around 50]": a crowd's size in ACLED's notes, never a casualty figure.
_SIZE_TAG = re.compile(r"\[\s*size\s*=[^\]]*\]", re.IGNORECASE)
# After "killed"/"shot dead" with no "was/were" before it: an object follows, so the subject
# is the one who killed.
_ACTIVE = re.compile(
    r"\s+(?:a|an|the|his|her|their|one|two|three|four|five|six|seven|eight|nine|ten|several|"
    r"at least|dozens|\d+)\s",
    re.IGNORECASE,
)
_AUX_SEEN = re.compile(r"\b(?:was|were|been|being|are|is)\b", re.IGNORECASE)
_SUBSET = re.compile(
    r"(?:including|among them|among whom|of them|of whom|among the dead)\s*$", re.IGNORECASE
)
_CIVILIAN = re.compile(rf"\b(?:{CIVILIAN_NOUNS})\b", re.IGNORECASE)
_FIGHTER = re.compile(rf"\b(?:{FIGHTER_NOUNS})\b", re.IGNORECASE)


def number_value(text: str) -> tuple[int, bool]:
    """The number a phrase states, and whether it is vague ("several" counts as 3)."""
    words = text.lower().split()
    while (
        words
        and words[0]
        in {
            "at",
            "least",
            "most",
            "some",
            "about",
            "around",
            "nearly",
            "almost",
            "approximately",
            "more",
            "than",
            "over",
            "up",
            "to",
            "as",
            "many",
            "another",
            "a",
            "further",
            "an",
            "estimated",
        }
        and len(words) > 1
    ):
        if " ".join(words) in NUMBER_WORDS or " ".join(words) in VAGUE_NUMBERS:
            break
        words = words[1:]
    phrase = " ".join(words)
    if phrase.isdigit():
        return int(phrase), False
    if phrase in VAGUE_NUMBERS:
        return VAGUE_NUMBERS[phrase], True
    return NUMBER_WORDS.get(phrase, NUMBER_WORDS.get(words[-1] if words else "", 0)), False


def _group(text: str) -> str:
    if "famil" in text.lower():
        return "civilians"
    if _FIGHTER.search(text):
        return "fighters"
    if re.search(r"\b(?:people|persons)\b", text, re.IGNORECASE):
        return "unknown"
    return "civilians" if _CIVILIAN.search(text) else "unknown"


def find_casualties(text: str) -> list[Casualty]:
    # Blanked, not removed, so that every offset still points into the text.
    text = _SIZE_TAG.sub(lambda m: " " * len(m.group()), text)
    found: list[Casualty] = []
    taken: list[tuple[int, int]] = []
    for name, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            if _SUBSET.search(text[max(0, m.start() - 20) : m.start()]):
                continue  # "including three children": part of a figure already counted
            if name == "cumulative" or (
                name in ("subject", "object", "toll") and _RUNNING.match(text, m.end())
            ):
                taken.append((m.start(), m.end()))  # a running total: no figure for this event
                continue
            read = _read(name, m, text)
            if read:
                # A match that reads as nothing (a year) must not hide a real figure inside it.
                taken.append((m.start(), m.end()))
                found += read
    return sorted(found, key=lambda c: c.start)


def _read(name: str, m: re.Match[str], text: str) -> list[Casualty]:
    if name == "none":
        return [Casualty(m.start(), m.end(), 0, "killed", "unknown", none_reported=True)]
    if name == "coded":
        group = CODED_SPLIT if m.group("split") else CODED
        return [Casualty(m.start(), m.end(), int(m.group("num")), "killed", group)]
    verb = (m.groupdict().get("verb") or "killed").lower()
    outcome = "injured" if re.match(_INJURED + r"|wounding|injuring|injuries", verb) else "killed"
    if verb in ("left", "leaving"):
        dead = (m.group("dead") or "").strip().lower()
        if not dead:
            return []
        outcome = "killed" if dead == "dead" else "injured"
    if name == "list":
        # "two children and a woman": one figure per group, the list's items added up.
        sums: dict[str, tuple[int, bool]] = {}
        item_pattern = (
            rf"(?P<num>{_NUM})\s+(?:of\s+)?{_ADJ}(?P<noun>{CIVILIAN_NOUNS}|{FIGHTER_NOUNS})"
        )
        for item in re.finditer(item_pattern, m.group("list"), re.IGNORECASE):
            count, vague = number_value(item.group("num"))
            group = _group(item.group("noun"))
            before = sums.get(group, (0, False))
            sums[group] = (before[0] + count, before[1] or vague)
        return [Casualty(m.start(), m.end(), n, outcome, g, v) for g, (n, v) in sums.items()]
    if name == "subject" and _ACTIVE.match(text, m.end()) and not _AUX_SEEN.search(m.group()):
        return []  # "a regime sniper shot dead a woman": the number names the killer
    count, vague = number_value(m.group("num"))
    if count == 0 or (
        not vague and 1900 <= count <= 2100 and m.group("num").strip()[-4:].isdigit()
    ):
        return []  # nothing, or a year ("in 2013 killed")
    group = _group(m.groupdict().get("group") or "")
    if name == "toll":
        outcome, group = "killed", "toll"
    if name == "to death":
        outcome = "killed"
    return [Casualty(m.start(), m.end(), count, outcome, group, vague)]


CODED = "coded"  # ACLED's note states the coded figure
CODED_SPLIT = "coded, split"  # ... to be shared between the note's locations


def split_coded(figure: int, parts: int) -> list[int]:
    """A coded figure shared between `parts` events as ACLED does: evenly, the remainder to the
    first ones (5 between two places: 3 and 2)."""
    return [figure // parts + (1 if k < figure % parts else 0) for k in range(parts)]


def total(casualties: list[Casualty], outcome: str, *, highest: bool = False) -> int | None:
    """One figure per event: the lowest per group (sources disagree), groups added up.

    A figure for "people" in general is taken as the total when it is not smaller
    than the groups' sum ("12 people were killed, among them 5 children"). With
    `highest`, the highest figure per group instead: the top of the range.
    """
    relevant = [c for c in casualties if c.outcome == outcome]
    if not relevant:
        return None
    coded = [c.count for c in relevant if c.group in (CODED, CODED_SPLIT)]
    if coded:
        return min(coded)
    if all(c.none_reported for c in relevant):
        return 0
    lowest: dict[str, int] = {}
    for c in relevant:
        if not c.none_reported:
            pick = max if highest else min
            lowest[c.group] = pick(lowest.get(c.group, c.count), c.count)
    specific = lowest.get("civilians", 0) + lowest.get("fighters", 0)
    figure = max(specific, lowest.get("unknown", 0))
    if "toll" in lowest:
        # A toll stated by another source: ACLED keeps the lowest figure when sources differ.
        figure = min(figure, lowest["toll"]) if figure else lowest["toll"]
    return figure
