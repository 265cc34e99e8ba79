"""The places stage's work: names found in the text, same-named places told apart, areas widened,
and honest fallbacks when a village is missing from every list.

1. Names: every gazetteer name whose spelling key the text holds (one automaton pass), then a
   bounded fuzzy match on capitalised words the automaton missed. Place names are capitalised.
   A name that is also a common word, a personal name or a bare toponym word ("Tal", "Ain",
   "Sheikh") is taken from the long list only after "in", "near", "village of" and the like.
2. Choice: a governorate right after the name ("Tawilah, Hasakah", "Suran in northern Hama")
   decides, and a candidate elsewhere is refused; otherwise governorates named anywhere in the
   text, closeness to the other places named, and size.
3. Fallback: a village the lists lack ("the village of X in Idlib's Jisr al-Shughur district")
   is placed at the district or governorate named with it, with that precision (ACLED's
   geo-precision 2 or 3), never at a wrong village.
"""

from __future__ import annotations

import re

from truce.extract.doc import Doc, Match
from truce.extract.resources import Resources
from truce.gazetteer.model import Gazetteer, Place, choose, in_governorate
from truce.gazetteer.names import Hit, text_key
from truce.gazetteer.spelling import letters
from truce.text import Token

# "Wadi Barada Media Center", "Suwayda 24": a word after the name that makes it an outlet.
ORGANISATION_WORDS = {
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
    "brigade",
    "brigades",
    "battalion",
    "army",
    "movement",
    "division",
    "regiment",
}
AREA_WORDS = {
    "countryside",
    "province",
    "governorate",
    "region",
    "suburbs",
    "outskirts",
    "area",
    "countrysides",
}
DIRECTIONS = {
    "northern": (0.25, 0.0),
    "southern": (-0.25, 0.0),
    "eastern": (0.0, 0.3),
    "western": (0.0, -0.3),
    "north": (0.25, 0.0),
    "south": (-0.25, 0.0),
    "east": (0.0, 0.3),
    "west": (0.0, -0.3),
}
# Words before a name that say a place follows ("shelling in X", "the village of X").
_LOCATIVE = {"in", "at", "near", "outside", "around", "into", "toward", "towards", "between"}
_SETTLEMENT = {"village", "villages", "town", "towns", "hamlet", "farms", "villagers"}
# Words that may stand between a place and the governorate or district that qualifies it:
# "Tawilah, in Hasakah", "Suran in northern Hama's countryside", "X (Idlib)".
_QUALIFIER_GAP = {"in", "the", "of", "rural", "province", "governorate", *DIRECTIONS}
# First words of names that are as often people as places: "Abu Omar", "Umm Ahmad".
_PERSONAL = {"abu", "um", "ibn", "bin", "bint", "bani"}


# A de-escalation zone is named after one governorate but reaches into others (Idlib's into
# Hama, Latakia and Aleppo): the name says nothing of where in the zone an event was.
_ZONE = re.compile(r"\s*de-?\s?escalation\s+(?:zone|area)", re.IGNORECASE)


def find_places(doc: Doc, res: Resources) -> list[Match]:
    toks, body, gazetteer = doc.tokens, doc.body, res.gazetteer
    blocked = [(m.start, m.end) for m in doc.actors]
    if doc.dateline is not None:
        blocked.append((doc.dateline.start, doc.dateline.end))

    def usable(hit: Hit[Place]) -> bool:
        start, stop = toks[hit.first].start, toks[hit.end - 1].end
        if any(start < e and s < stop for s, e in blocked):
            return False
        if hit.end < len(toks) and toks[hit.end].key in ORGANISATION_WORDS:
            return False
        if _ZONE.match(body, stop):
            return False  # the Idlib de-escalation zone spans four governorates, not Idlib's
        return _capitalised(toks, hit) and _evidence_enough(toks, hit, res)

    # Longest names first: "Kafr Nabl" over "Nabl", "Ras al-Ain" over "Ain".
    exact = sorted(gazetteer.names.exact(toks, body), key=lambda h: (h.first - h.end, h.first))
    taken: set[int] = set()
    chosen: list[Hit[Place]] = []
    for hit in exact:
        if not taken & set(range(hit.first, hit.end)) and usable(hit):
            chosen.append(hit)
            taken.update(range(hit.first, hit.end))
    # Actors' and the dateline's words are no place: the fuzzy match does not try them.
    skip = {
        k
        for k, t in enumerate(toks)
        if t.upper and any(t.start < e and s < t.end for s, e in blocked)
    }
    for hit in _fuzzy_hits(toks, body, chosen, skip, gazetteer):
        span = set(range(hit.first, hit.end))
        # A fuzzy name may replace exact names it wholly holds, never cut one.
        held = [h for h in chosen if h.first >= hit.first and h.end <= hit.end]
        if usable(hit) and not (taken - {k for h in held for k in range(h.first, h.end)}) & span:
            chosen = [h for h in chosen if h not in held] + [hit]
            taken |= span
    chosen.sort(key=lambda h: h.first)
    return _resolve(doc, chosen, res)


def _capitalised(toks: list[Token], hit: Hit[Place]) -> bool:
    """Place names are capitalised; "bab" or "ain" in running text are not. A name found only
    in the long list, or only by the fuzzy match, must be capitalised in every word."""
    words = [t for t in toks[hit.first : hit.end] if t.key != "al"]
    if not words or not words[0].upper:
        return False
    if hit.fuzzy or not any(p.source == "truce" for p in hit.values):
        return all(t.upper for t in words)
    return True


def _evidence_enough(toks: list[Token], hit: Hit[Place], res: Resources) -> bool:
    """Whether the text says enough for this name to be a place.

    "Tal", "Ain", "Sheikh" alone are words of many names: only "al-Tall" with its article or
    "the village of Tal" is a place. Otherwise a name a curated list, a city or a town holds is
    enough. A name only the long list holds, if it is also a common word, a personal name, short,
    or matched only by the fuzzy match, needs a word that says a place follows ("in", "near",
    "the village of")."""
    weak_names = res.gazetteer.weak_names
    key = hit.key
    words = key.split()
    if len(words) == 1 and key in res.gazetteer.generic_names and not hit.fuzzy:
        return _settlement_before(toks, hit.first) or (
            hit.first > 0 and toks[hit.first - 1].key == "al"
        )
    listed = any(p.source != "wof" or p.kind in ("city", "town") for p in hit.values)
    if listed and not hit.fuzzy:
        return True
    weak = (
        (hit.fuzzy and (len(words) == 1 or letters(key) < 8))
        or (len(words) == 1 and letters(key) <= 4)
        or words[0] in _PERSONAL
        or all(w in weak_names for w in words)
    )
    return not weak or _locative(toks, hit.first, hit.end)


def _locative(toks: list[Token], first: int, end: int) -> bool:
    before = _previous_word(toks, first)
    after = toks[end].key if end < len(toks) else ""
    return before in _LOCATIVE or _settlement_before(toks, first) or after in _SETTLEMENT


def _settlement_before(toks: list[Token], first: int) -> bool:
    """ "the village of X", "the town of X"."""
    k = first - 1
    while k >= 0 and toks[k].key == "al":
        k -= 1
    return k >= 1 and toks[k].key == "of" and toks[k - 1].key in _SETTLEMENT


def _previous_word(toks: list[Token], first: int) -> str:
    k = first - 1
    while k >= 0 and toks[k].key == "al":
        k -= 1
    return toks[k].key if k >= 0 else ""


def _fuzzy_hits(
    toks: list[Token], body: str, exact: list[Hit[Place]], skip: set[int], gazetteer: Gazetteer
) -> list[Hit[Place]]:
    """Runs of capitalised words tried against near keys, longest first: words no exact name
    covers, and longer names around an exact one ("Sahem al-Jawlan" around "Jawlan")."""
    inside: dict[int, tuple[int, int]] = {}
    for hit in exact:
        for k in range(hit.first, hit.end):
            inside[k] = (hit.first, hit.end)
    out: list[Hit[Place]] = []
    i, n = 0, len(toks)
    while i < n:
        if not toks[i].upper or toks[i].key == "al" or i in skip or inside.get(i, (i, 0))[0] != i:
            i += 1
            continue
        run_end = i + 1
        while (
            run_end < n
            and run_end - i < 6
            and run_end not in skip
            and (toks[run_end].upper or toks[run_end].key == "al")
            and re.fullmatch(r"[ \-]*", body[toks[run_end - 1].end : toks[run_end].start])
        ):
            run_end += 1
        found = None
        for end in range(run_end, i, -1):
            last = inside.get(end - 1)
            if last is not None and (last[1] != end or last == (i, end)):
                continue  # cuts an exact name, or is one: nothing the fuzzy match can add
            if toks[end - 1].key == "al" or sum(t.key != "al" for t in toks[i:end]) > 4:
                continue
            key = text_key(toks, i, end)
            similarity, keys = gazetteer.names.fuzzy(key)
            if keys:
                values = tuple(dict.fromkeys(p for k in keys for p in gazetteer.names.values_of(k)))
                found = Hit(i, end, key, values, similarity)
                break
        if found is not None:
            out.append(found)
            i = found.end
        else:
            i = inside.get(i, (i, i + 1))[1]
    return out


def _resolve(doc: Doc, hits: list[Hit[Place]], res: Resources) -> list[Match]:
    toks = doc.tokens
    # Names that can place another: a governorate, or a district ("the Jisr al-Shughur district").
    areas: dict[int, Place] = {}
    for k, hit in enumerate(hits):
        area = _admin_area(hit, toks, res)
        if area is not None:
            areas[k] = area
    qualifier_of: dict[int, int] = {}
    for k, hit in enumerate(hits[:-1]):
        if k + 1 in areas and _qualifies(doc, hit.end, hits[k + 1].first):
            qualifier_of[k] = k + 1
    missing = _missing_villages(doc, hits, areas)
    qualifiers = set(qualifier_of.values()) | {k for _, _, k in missing}
    hints = {a.admin1 for a in areas.values() if a.admin1}
    anchors = [h.values[0] for h in hits if len(h.values) == 1 and h.values[0].precision <= 2]
    found = [
        Match(toks[first].start, toks[end - 1].end, areas[k], 0.5, kind="place")
        for first, end, k in missing
    ]
    for k, hit in enumerate(hits):
        candidates = list(hit.values)
        if k in qualifiers and areas[k].kind == "governorate":
            # "Saraqib, Idlib": the governorate that places the name before it, not the city.
            place, first, end = _area(areas[k], toks, hit.first, hit.end, res)
            found.append(Match(toks[first].start, toks[end - 1].end, place, 0.8, kind="place"))
            continue
        qualifier = areas.get(qualifier_of.get(k, -1))
        if qualifier is not None and qualifier.admin1:
            inside = [p for p in candidates if in_governorate(p, qualifier.admin1)]
            if not inside:
                # Refused: the text puts the name in another governorate than any we know it
                # in. The district or governorate named is the honest answer.
                found.append(
                    Match(toks[hit.first].start, toks[hit.end - 1].end, qualifier, 0.5, "place")
                )
                continue
            candidates = inside
        elif hints and all(_long_list_only(p) for p in candidates):
            candidates = [p for p in candidates if any(in_governorate(p, h) for h in hints)]
            if not candidates:
                continue  # a village elsewhere than every governorate the text names: refused
        place, score = choose(candidates, admin1_hints=hints, anchors=anchors)
        place, first, end = _area(place, toks, hit.first, hit.end, res)
        score *= hit.similarity
        found.append(Match(toks[first].start, toks[end - 1].end, place, score, kind="place"))
    found.sort(key=lambda m: m.start)
    return found


def _long_list_only(place: Place) -> bool:
    """A village known only from the long list (no curated entry, not a city or town)."""
    return place.source == "wof" and place.kind not in ("city", "town")


def _admin_area(hit: Hit[Place], toks: list[Token], res: Resources) -> Place | None:
    """The district ("Jisr al-Shughur district") or governorate ("Idlib") a name stands for."""
    if hit.end < len(toks) and toks[hit.end].key == "district":
        district = _district(hit, res)
        if district is not None:
            return district
    return _governorate_of(hit, res.gazetteer)


def _governorate_of(hit: Hit[Place], gazetteer: Gazetteer) -> Place | None:
    for place in hit.values:
        if place.kind == "governorate" and place.admin1 in gazetteer.governorates:
            return place
    return None


def _qualifies(doc: Doc, end: int, next_first: int) -> bool:
    """Whether the words between a name and the governorate after it make the governorate the
    name's: "X, Idlib", "X in Idlib", "X (Hama)", "X in northern Hama"; not "X and Idlib"."""
    toks = doc.tokens
    if next_first - end > 4:
        return False
    between = doc.body[toks[end - 1].end : toks[next_first].start]
    if "\n" in between or re.search(r"[.;!?]", between):
        return False
    words = [t.key for t in toks[end:next_first]]
    if not words:
        return bool(re.fullmatch(r"\s*[,(]\s*", between))
    if not all(w in _QUALIFIER_GAP for w in words):
        return False
    return words[0] in ("in", "of", "rural") or between.lstrip().startswith(",")


def _missing_villages(
    doc: Doc, hits: list[Hit[Place]], areas: dict[int, Place]
) -> list[tuple[int, int, int]]:
    """ "The village of Xyz in Idlib", "the town of Xyz in the Jisr al-Shughur district": a
    settlement no list holds, as (first token, end token, the area hit that places it)."""
    toks = doc.tokens
    covered = {i for h in hits for i in range(h.first, h.end)}
    out = []
    for k, tok in enumerate(toks[:-2]):
        if tok.key not in _SETTLEMENT or toks[k + 1].key != "of":
            continue
        first = k + 2
        while first < len(toks) and toks[first].key == "al":
            first += 1
        end = first
        while end < len(toks) and toks[end].upper and end not in covered and end - first < 4:
            end += 1
        if end == first:
            continue
        after = next((j for j, h in enumerate(hits) if h.first >= end), None)
        if after in areas and _qualifies(doc, end, hits[after].first):
            out.append((first, end, after))
    return out


def _district(hit: Hit[Place], res: Resources) -> Place | None:
    return _district_named(hit.key, hit.values, res)


def _district_named(key: str, places: tuple[Place, ...], res: Resources) -> Place | None:
    """ "Jisr al-Shughur district": a district by its name, or the district a town heads; never
    a neighbourhood's ("the Manshiyeh district of Daraa")."""
    names = res.gazetteer.district_names
    named = names.values_of(key) or tuple(
        p for k in names.fuzzy(key)[1] for p in names.values_of(k)
    )
    if named:
        return named[0]
    for place in places:
        if place.kind in ("city", "town"):
            district = res.gazetteer.district_of(place)
            if district is not None:
                return district
    return None


def _area(
    place: Place, toks: list[Token], first: int, end: int, res: Resources
) -> tuple[Place, int, int]:
    """ "Idlib countryside", "northern Hama countryside", "Daraa province", "Manbij district",
    "rural Idlib": widen the place."""
    following = toks[end].key if end < len(toks) else ""
    before = _previous_word(toks, first)
    if following == "district":
        # "Manbij district" is the district; "the Manshiyeh district of Daraa" a neighbourhood.
        district = _district_named(text_key(toks, first, end), (place,), res)
        if district is not None:
            return district, first, end + 1
    if following not in AREA_WORDS and before != "rural":
        return place, first, end
    if following in ("province", "governorate") and place.admin1 in res.gazetteer.governorates:
        return res.gazetteer.governorates[place.admin1], first, end + 1
    if following in AREA_WORDS:
        end += 1
    else:
        following = "countryside"
        first -= 1  # "rural Idlib" is Idlib's countryside
    direction = toks[first - 1].key if first > 0 else ""
    dlat, dlon = DIRECTIONS.get(direction, (0.0, 0.0))
    label = f"{place.name} {following}"
    if direction in DIRECTIONS:
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
