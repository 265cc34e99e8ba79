"""Who speaks in a statement, and whom its "our forces" means.

A party's statement names itself as the speaker ("Press release of the Syrian Democratic
Forces:", "SDF spokesperson Aram Hanna said", "The General Command of the SDF announces")
and its own side as "our forces", "our fighters". The speaker is no party to the event it
reports; "our forces" are the speaker's. Pure functions over the body and the actor matches.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from truce.domain.actors import ActorFamily
from truce.extract.doc import Match
from truce.extract.resources import ActorRef

# "our forces", "our heroic commandos": the speaker's own side. Not "our country", "our people".
OURS = re.compile(
    r"\bour\s+(?:own\s+|heroic\s+|brave\s+|valiant\s+)?"
    r"(?:forces|fighters|units|troops|comrades|commandos|soldiers|personnel|positions|points|"
    r"posts|members|military|army)\b",
    re.IGNORECASE,
)
# What follows a speaker's name: a colon heading the statement, or a verb of saying, after
# at most an office and a person's name ("SDF spokesperson Aram Hanna said").
_SPEAKS_AFTER = re.compile(
    r"^\s*(?::(?!\d)|(?:(?:spokes(?:man|woman|person)|media (?:cent(?:er|re)|office)|"
    r"general command|press office|commander|official)\s+(?:(?-i:[A-Z])[\w'’-]*\s+){0,3})?"
    r"(?:said|says|announced|announces|stated|states|declared|declares|reported|reports)\b)",
    re.IGNORECASE,
)
# What comes before a speaker's name: "Statement of the", "Press release of", "The General
# Command of the".
_SPEAKS_BEFORE = re.compile(
    r"\b(?:statement|press release|communiqu[eé]|general command|media cent(?:er|re)|"
    r"spokes(?:man|woman|person)|press office)\s+(?:of|for|from)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def speaks(body: str, mention: Match) -> bool:
    """Whether this actor is named as the one making the statement, not as a party."""
    before = body[max(0, mention.start - 40) : mention.start]
    return bool(
        _SPEAKS_AFTER.match(body[mention.end : mention.end + 60]) or _SPEAKS_BEFORE.search(before)
    )


def _party(ref: ActorRef) -> bool:
    """An armed party that can have forces of its own: a registered actor, not civilians."""
    return (
        not ref.generic
        and ref.family not in (ActorFamily.CIVILIANS, ActorFamily.UNIDENTIFIED, None)
        and ref.side != "civilians"
    )


def speaker(body: str, actors: Sequence[Match], publisher: Sequence[ActorRef]) -> ActorRef | None:
    """The party making the statement: the first one the text names as speaking, else the
    first party the publisher's name holds ("SDF Media Center statement"), else none."""
    for m in actors:
        if _party(m.value) and speaks(body, m):
            return m.value
    return next((ref for ref in publisher if _party(ref)), None)


def our_forces(body: str, who: ActorRef | None) -> list[Match]:
    """A match for each "our forces" of the text, resolved to the speaker."""
    if who is None:
        return []
    return [Match(m.start(), m.end(), who, 0.7, kind="actor") for m in OURS.finditer(body)]
