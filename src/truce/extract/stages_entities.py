"""Stages that find things in the text: actors, places, dates, weapons, casualties, sources."""

from __future__ import annotations

import re

from truce.extract.casualties import find_casualties
from truce.extract.dates import find_dates
from truce.extract.doc import Doc, Match
from truce.extract.lexicon import WEAPON_PATTERNS
from truce.extract.pipeline import stage
from truce.extract.resources import ActorRef, Resources
from truce.gazetteer.model import Place, choose
from truce.text import Token

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
    "border",
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
}
_ORGANISATION_WORDS = {
    "media",
    "office",
    "council",
    "centre",
    "center",
    "committee",
    "network",
    "coordination",
    "observatory",
    "news",
    "agency",
    "24",
    "radio",
    "tv",
    "post",
    "today",
    "times",
    "press",
    "channel",
    "daily",
    "mirror",
    "eye",
    "voice",
    "activists",
    "operations",
    "room",
}
_AREA_WORDS = {
    "countryside",
    "province",
    "governorate",
    "region",
    "suburbs",
    "outskirts",
    "area",
    "countrysides",
}
_DIRECTIONS = {
    "northern": (0.25, 0.0),
    "southern": (-0.25, 0.0),
    "eastern": (0.0, 0.3),
    "western": (0.0, -0.3),
    "north": (0.25, 0.0),
    "south": (-0.25, 0.0),
    "east": (0.0, 0.3),
    "west": (0.0, -0.3),
}
_QUOTE = re.compile(
    r"(?:according to (?P<a>(?:the )?[A-Z][\w'’.-]*(?:\s+(?:for|of|the|al|and|[A-Z][\w'’.-]*))*|"
    r"activists|local sources|residents|witnesses|state media|"
    r"a (?:military|security|rebel|local|medical) source)|"
    r"(?P<b>(?:the |a )?(?:[A-Z][\w'’.-]*\s+){0,5}(?:[A-Z][\w'’.-]*|spokesman|spokeswoman|ministry|"
    r"observatory|activists|sources|media|agency|official|officials|commander|monitor|group|centre|center))"
    r"\s+(?:said|says|reported|reports|told|announced|claimed|stated|added|confirmed|accused))"
)


@stage("actors", 1, requires=["body", "tokens"], assigns=["actors"])
def actors(doc: Doc, res: Resources) -> None:
    toks = doc.tokens
    found: dict[int, tuple[int, Match]] = {}  # first token -> (end token, match)
    for first, end, refs in res.actor_matcher.find(toks):
        ref = refs[0]
        surface = doc.body[toks[first].start : toks[end - 1].end]
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
    ordered = sorted((m for _, m in found.values()), key=lambda m: m.start)
    # "Militants of Jaish al-Islam", "fighters from HTS": the named group is the actor.
    doc.actors = [
        m
        for k, m in enumerate(ordered)
        if not (
            m.value.generic
            and k + 1 < len(ordered)
            and not ordered[k + 1].value.generic
            and re.fullmatch(
                r"\s+(?:of|from)\s+(?:the\s+)?", doc.body[m.end : ordered[k + 1].start]
            )
        )
    ]


def _national_forces(
    toks: list[Token], found: dict[int, tuple[int, Match]], res: Resources
) -> list[tuple[int, int, Match]]:
    registered = {k for k, (e, m) in found.items() if not m.value.generic for k in range(k, e)}
    out = []
    for i, tok in enumerate(toks[:-1]):
        actor_id = _NATIONAL_FORCES.get(tok.key)
        if actor_id is None or i in registered:
            continue
        # "Russian warplanes", "regime border guards", "Russian and Turkish aircraft"
        for j in range(i + 1, min(i + 5, len(toks))):
            if toks[j].key in _FORCE_NOUNS and j not in registered:
                actor = res.registry.get(actor_id)
                if actor is not None:
                    ref = ActorRef(
                        name=actor.name,
                        side=res.registry.side_of(actor.id),
                        actor_id=actor.id,
                        inter=actor.inter,
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


@stage("places", 1, requires=["body", "tokens", "actors", "dateline"], assigns=["places"])
def places(doc: Doc, res: Resources) -> None:
    toks = doc.tokens
    blocked = [(m.start, m.end) for m in doc.actors]
    if doc.dateline is not None:
        blocked.append((doc.dateline.start, doc.dateline.end))
    raw: list[tuple[int, int, list[Place]]] = []
    taken: set[int] = set()
    for matcher, loose in ((res.gazetteer.matcher, False), (res.gazetteer.loose, True)):
        for first, end, candidates in matcher.find(toks):
            start, stop = toks[first].start, toks[end - 1].end
            if any(start < e and s < stop for s, e in blocked) or taken & set(range(first, end)):
                continue
            # Place names are capitalised; "bab" or "ain" in running text are not. A loose
            # (spelling-tolerant) match must be capitalised throughout.
            if not any(t.upper for t in toks[first:end]) or (
                loose and not all(t.upper for t in toks[first:end])
            ):
                continue
            if end < len(toks) and toks[end].key in _ORGANISATION_WORDS:
                continue  # "Wadi Barada Media Center", "Suwayda 24": an outlet, not a place
            raw.append((first, end, candidates))
            taken.update(range(first, end))
    raw.sort()
    hints = {p.admin1 for _, _, cands in raw for p in cands if p.kind == "governorate" and p.admin1}
    anchors = [c[0] for _, _, c in raw if len(c) == 1 and c[0].precision <= 2]
    found = []
    for first, end, candidates in raw:
        place, score = choose(candidates, admin1_hints=hints, anchors=anchors)
        place, first, end = _area(place, toks, first, end, res)
        found.append(Match(toks[first].start, toks[end - 1].end, place, score, kind="place"))
    doc.places = found


def _area(
    place: Place, toks: list[Token], first: int, end: int, res: Resources
) -> tuple[Place, int, int]:
    """ "Idlib countryside", "northern Hama countryside", "Daraa province": widen the place."""
    following = toks[end].key if end < len(toks) else ""
    if following not in _AREA_WORDS:
        return place, first, end
    end += 1
    if following in ("province", "governorate") and place.admin1 in res.gazetteer.governorates:
        return res.gazetteer.governorates[place.admin1], first, end
    direction = toks[first - 1].key if first > 0 else ""
    dlat, dlon = _DIRECTIONS.get(direction, (0.0, 0.0))
    label = f"{place.name} {following}"
    if direction in _DIRECTIONS:
        first -= 1
        label = f"{direction} {label}"
    area = Place(
        name=label,
        lat=place.lat + dlat,
        lon=place.lon + dlon,
        precision=2,
        kind="countryside",
        admin1=place.admin1,
        country=place.country,
        radius_km=30.0,
        source="derived",
    )
    return area, first, end


@stage("dates", 1, requires=["body", "published", "dateline"], assigns=["dates"])
def dates(doc: Doc, res: Resources) -> None:
    line = doc.dateline
    doc.dates = [
        d for d in find_dates(doc.body, doc.published) if line is None or d.start >= line.end
    ]


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
