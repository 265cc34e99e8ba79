"""Stages that find things in the text: actors, places, dates, weapons, casualties, sources."""

from __future__ import annotations

import re
from dataclasses import replace

from truce.domain.actors import ActorFamily
from truce.extract.casualties import find_casualties
from truce.extract.dates import find_dates
from truce.extract.doc import Doc, Match
from truce.extract.lexicon import WEAPON_PATTERNS
from truce.extract.pipeline import stage
from truce.extract.places import find_places
from truce.extract.resources import ActorRef, Resources
from truce.extract.speakers import our_forces, speaker
from truce.text import Token, tokens

# "Russian jets", "Turkish troops": a nationality before a word for armed forces.
_NATIONAL_FORCES = {
    "russian": "rus-military",
    "russia": "rus-military",
    "syrian": "syr-military",
    "regime": "syr-military",
    "turkish": "tur-military",
    "turkey": "tur-military",
    "iranian": "irn-military",
    "israeli": "isr-military",
    "american": "us-military",
    "us": "us-military",
    "u": "us-military",
    "coalition": "us-led-coalition",  # "coalition aircraft": the US-led coalition's
    "jordanian": "jor-military",
    "iraqi": "irq-military",
}
_FORCE_NOUNS = {
    "helicopter",
    "warplane",
    "jet",
    "plane",
    "drone",
    "tank",
    "soldier",
    "guards",
    "police",
    "gendarmerie",
    "strike",
    "airstrike",
    "troop",
    "militias",
    "militia",
    "artillery",
    "forces",
    "troops",
    "army",
    "warplanes",
    "jets",
    "aircraft",
    "planes",
    "helicopters",
    "strikes",
    "airstrikes",
    "raids",
    "soldiers",
    "military",
    "drones",
    "tanks",
    "air",
    "navy",
    "gunships",
    "bombers",
    "fighter",
    # A party's words for a foreign force: "the Turkish occupation", "the Israeli enemy".
    "occupation",
    "invasion",
    "enemy",
    "invaders",
}
_QUOTE = re.compile(
    r"(?:according to (?P<a>(?:the )?[A-Z][\w'’.-]*(?:\s+(?:for|of|the|al|and|[A-Z][\w'’.-]*))*|"
    r"activists|local sources|residents|witnesses|state media|"
    r"a (?:military|security|rebel|local|medical) source)|"
    r"(?P<b>(?:the |a )?(?:[A-Z][\w'’.-]*\s+){0,5}(?:[A-Z][\w'’.-]*|spokesman|spokeswoman|ministry|"
    r"observatory|activists|sources|media|agency|official|officials|commander|monitor|group|centre|center))"
    r"\s+(?:said|says|reported|reports|told|announced|claimed|stated|added|confirmed|accused))"
)


@stage("actors", 3, requires=["body", "tokens", "meta"], assigns=["actors"])
def actors(doc: Doc, res: Resources) -> None:
    doc.actors = [_of_the_zone(doc.body, m) for m in _named(doc.body, doc.tokens, res)]
    # "our forces" in a party's statement are the speaker's (speakers.py).
    publisher = _named(doc.meta.publisher or "", tokens(doc.meta.publisher or ""), res)
    who = speaker(doc.body, doc.actors, [m.value for m in publisher])
    ours = our_forces(doc.body, who)
    # "our soldiers" is the speaker's, not the government's "soldiers".
    kept = [m for m in doc.actors if not any(o.start <= m.start < o.end for o in ours)]
    doc.actors = sorted([*kept, *ours], key=lambda m: m.start)


# "Militants in the Idlib de-escalation zone": the Russian and Syrian briefings' formula for
# the factions holding the zone, HTS and the opposition's, all "rebels" in the shared families.
_IDLIB_ZONE = re.compile(
    r"\s+(?:in|from|of|inside)\s+the\s+Idlib\s+de-?\s?escalation\s+(?:zone|area)", re.I
)


def _of_the_zone(body: str, m: Match) -> Match:
    """A description with no family ("militants", "illegal armed groups") gets the family
    of the only forces holding the Idlib de-escalation zone; its side stays unknown."""
    if m.value.generic and m.value.family is None and _IDLIB_ZONE.match(body, m.end):
        return replace(m, value=replace(m.value, family=ActorFamily.REBELS))
    return m


def _named(body: str, toks: list[Token], res: Resources) -> list[Match]:
    """The actors a text names: registry names and aliases, descriptions, nationality + force."""
    found: dict[int, tuple[int, Match]] = {}  # first token -> (end token, match)
    for first, end, refs in res.actor_matcher.find(toks):
        ref = refs[0]
        surface = body[toks[first].start : toks[end - 1].end]
        if not ref.generic and surface.islower() and len(surface) <= 4:
            continue  # abbreviations are written in capitals: "is" is not ISIL
        score = 0.6 if ref.generic else (0.95 if len(refs) == 1 else 0.6)
        found[first] = (end, Match(toks[first].start, toks[end - 1].end, ref, score, kind="actor"))
    for first, end, match in _national_forces(toks, found, res):
        # "regime helicopters": the nationality names the force a bare "helicopters" would not.
        for k in [k for k, (e, m) in found.items() if first <= k < end and m.value.generic]:
            del found[k]
        if not any(k < end and first < e for k, (e, _) in found.items()):
            found[first] = (end, match)
    ordered = _qualified(body, sorted((m for _, m in found.values()), key=lambda m: m.start))
    # "Militants of Jaish al-Islam", "gunmen from HTS": the named group is the actor.
    return [
        m
        for k, m in enumerate(ordered)
        if not (
            (m.value.generic or _descriptive(m.value))
            and k + 1 < len(ordered)
            and not ordered[k + 1].value.generic
            and not _descriptive(ordered[k + 1].value)
            and re.fullmatch(r"\s+(?:of|from)\s+(?:the\s+)?", body[m.end : ordered[k + 1].start])
        )
    ]


# What joins a group's name to a word for its members or to another group it qualifies:
# "IS gunmen", "SNA-affiliated Sultan Murad Division", "HTS-linked militants".
_JOINED = re.compile(r"\s*|\s*-?\s*(?:affiliated|backed|aligned|linked|allied|loyal)\s+", re.I)


def _qualified(body: str, ordered: list[Match]) -> list[Match]:
    """One actor where a name qualifies another.

    A group's name before a bare description is that group: "IS gunmen" and "HTS-affiliated
    militants" are IS and HTS, not unidentified gunmen beside them. A group's name before
    another group's only says whom that one belongs to: "SNA-affiliated Sultan Murad
    Division" is the Sultan Murad Division.
    """
    out: list[Match] = []
    for m in ordered:
        last = out[-1] if out else None
        if last is None or not _JOINED.fullmatch(body[last.end : m.start]):
            out.append(m)
        elif _members(m.value) and not _descriptive(last.value) and not _civilian(last.value):
            out[-1] = replace(last, end=m.end)
        elif not _descriptive(m.value) and not m.value.generic and not last.value.generic:
            if body[last.end : m.start].strip():  # a qualifier joined by "-affiliated" ...
                out[-1] = m
            else:  # ... not two names side by side ("Hezbollah Fatemiyoun"): keep both
                out.append(m)
        else:
            out.append(m)
    return out


def _descriptive(ref: ActorRef) -> bool:
    """A description of fighters that says nothing about whose they are ("gunmen",
    "militants", "unidentified armed men"), as against a named force or civilians."""
    if _civilian(ref):
        return False
    return (ref.generic and ref.side is None) or ref.family is ActorFamily.UNIDENTIFIED


def _members(ref: ActorRef) -> bool:
    """A word for a force's fighters or machines, which after a name means that force's:
    "IS gunmen", "SDF troops", "coalition aircraft" (but not "Turkey", a government)."""
    if _descriptive(ref):
        return True
    return ref.generic and not _civilian(ref) and not ref.name.startswith("Government of")


def _civilian(ref: ActorRef) -> bool:
    return ref.family is ActorFamily.CIVILIANS or ref.side == "civilians"


def _national_forces(
    toks: list[Token], found: dict[int, tuple[int, Match]], res: Resources
) -> list[tuple[int, int, Match]]:
    registered = {k for k, (e, m) in found.items() if not m.value.generic for k in range(k, e)}
    out = []
    for i, tok in enumerate(toks[:-1]):
        actor_id = _NATIONAL_FORCES.get(tok.key)
        if actor_id is None or i in registered:
            continue
        # "Russian warplanes", "regime border guards", "Russian and Turkish aircraft"; not
        # "the Iraqi border", a place
        for j in range(i + 1, min(i + 5, len(toks))):
            if toks[j].key in _FORCE_NOUNS and j not in registered:
                # "Turkish occupation army", "Turkish drone strike": the whole phrase.
                while _joined_noun(toks, j + 1, registered):
                    j += 1
                actor = res.registry.get(actor_id)
                if actor is not None:
                    ref = ActorRef(
                        name=actor.name,
                        side=res.registry.side_of(actor.id),
                        actor_id=actor.id,
                        inter=actor.inter,
                        family=res.registry.family_of(actor.id),
                    )
                    end = i + 1 if toks[i + 1].key == "and" else j + 1
                    out.append(
                        (i, end, Match(tok.start, toks[end - 1].end, ref, 0.8, kind="actor"))
                    )
                break
            if toks[j].key not in _NATIONAL_FORCES and toks[j].key not in (
                "and",
                "border",
                "air",
                "special",
            ):
                break
    return out


def _joined_noun(toks: list[Token], j: int, registered: set[int]) -> bool:
    """A force noun right after the previous one, one space apart ("occupation army")."""
    return (
        j < len(toks)
        and toks[j].key in _FORCE_NOUNS
        and j not in registered
        and toks[j].start - toks[j - 1].end == 1
    )


@stage("places", 2, requires=["body", "tokens", "actors", "dateline"], assigns=["places"])
def places(doc: Doc, res: Resources) -> None:
    doc.places = find_places(doc, res)  # names, same-named places, areas, fallbacks: places.py


@stage("dates", 2, requires=["body", "published", "dateline", "meta"], assigns=["dates"])
def dates(doc: Doc, res: Resources) -> None:
    """Every date after the dateline (the filing date is the publication date, not an
    event's). With no publication date, relative ones are kept unplaced (precision unknown)
    on the day the text was received, if that is known."""
    line = doc.dateline
    found = find_dates(doc.body, doc.published, received=doc.meta.received)
    doc.dates = [d for d in found if line is None or d.start >= line.end]


@stage("weapons", 1, requires=["body"], assigns=["weapons"])
def weapons(doc: Doc, res: Resources) -> None:
    doc.weapons = sorted(
        (
            Match(m.start(), m.end(), name, 0.8, kind="weapon")
            for name, pattern in WEAPON_PATTERNS
            for m in pattern.finditer(doc.body)
        ),
        key=lambda m: m.start,
    )


@stage("casualties", 1, requires=["body"], assigns=["casualties"])
def casualties(doc: Doc, res: Resources) -> None:
    doc.casualties = find_casualties(doc.body)


@stage("quotes", 1, requires=["body"], assigns=["quotes"])
def quotes(doc: Doc, res: Resources) -> None:
    """Who the text says the claim comes from, kept apart from who published the text."""
    found = []
    for m in _QUOTE.finditer(doc.body):
        group = "a" if m.group("a") else "b"
        who = m.group(group).strip().rstrip(".,;:")
        if who.lower() in ("he", "she", "it", "they", "the", "a"):
            continue
        found.append(Match(m.start(group), m.start(group) + len(who), who, 0.7, kind="quote"))
    doc.quotes = found
