"""The Place record and the Gazetteer index with context-based disambiguation."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from truce.domain.geo import haversine_km
from truce.text import PhraseMatcher, Token, phrase_key, skeleton


@dataclass(frozen=True)
class Place:
    name: str
    lat: float
    lon: float
    precision: int  # UCDP where_prec: 1 a place, 2 within ~25 km, 4 a governorate, 6 a country
    kind: str
    admin1: str | None = None
    admin2: str | None = None
    country: str = "SYR"
    radius_km: float = 2.0
    population: int = 0
    source: str = "truce"
    parent: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def is_admin_area(self) -> bool:
        return self.kind in ("country", "governorate")


class Gazetteer:
    """All known places, indexed by every name, merged where two sources name the same place."""

    def __init__(self, places: Iterable[Place]) -> None:
        self.places: list[Place] = []
        entries: list[tuple[str, Place]] = []
        by_key: dict[str, list[Place]] = {}
        for place in places:
            spellings = _spellings(place)
            twin = next(
                (p for name in spellings for p in by_key.get(_key(name), ()) if _same(p, place)),
                None,
            )
            if twin is not None:
                # The same place from a second source: its names lead to the first record.
                for name in spellings:
                    entries.append((name, twin))
                    listed = by_key.setdefault(_key(name), [])
                    if twin not in listed:
                        listed.append(twin)
                continue
            self.places.append(place)
            for name in spellings:
                entries.append((name, place))
                listed = by_key.setdefault(_key(name), [])
                if place not in listed:
                    listed.append(place)
        self.matcher: PhraseMatcher[Place] = PhraseMatcher(entries)
        # Spelling-tolerant fallback: only names with enough consonants to be distinctive.
        self.loose: PhraseMatcher[Place] = PhraseMatcher(
            [
                (name, place)
                for name, place in entries
                if len(skeleton(_key(name).replace(" ", ""))) >= 5
            ],
            transform=skeleton,
        )
        self._by_key = by_key
        self.governorates = {
            p.admin1: p for p in self.places if p.kind == "governorate" and p.admin1
        }

    def __len__(self) -> int:
        return len(self.places)

    def lookup(self, name: str) -> list[Place]:
        """Exact (folded) lookup of one name; several places may share it."""
        return list(self._by_key.get(_key(name), ()))

    def find(self, toks: list[Token]) -> list[tuple[int, int, list[Place]]]:
        return list(self.matcher.find(toks))


def _same(a: Place, b: Place) -> bool:
    """Two records of one place: same country, both areas or both places, and close together."""
    if a.is_admin_area != b.is_admin_area or a.country != b.country:
        return False
    return haversine_km(a.lat, a.lon, b.lat, b.lon) < max(5.0, min(a.radius_km, b.radius_km))


def _key(name: str) -> str:
    return " ".join(phrase_key(name))


_ARTICLE = re.compile(r"^(?:al|el|ad|ash|as|at|ar|az|an|adh)[- ]", re.IGNORECASE)


def _spellings(place: Place) -> list[str]:
    """Every name of a place, plus each without a "(Daraa)" qualifier or an "al-" article."""
    names = []
    for name in (place.name, *place.aliases):
        names.append(name)
        bare = name.split(" (")[0].strip()
        names.append(bare)
        stripped = _ARTICLE.sub("", bare)
        if stripped != bare and len(stripped) >= 5:
            names.append(stripped)
    return list(dict.fromkeys(names))


def choose(
    candidates: Sequence[Place],
    *,
    admin1_hints: set[str],
    anchors: Sequence[Place],
) -> tuple[Place, float]:
    """Pick among places sharing a name: governorate named nearby, then closeness, then size.

    Returns the place and a confidence in (0, 1].
    """
    if len(candidates) == 1:
        return candidates[0], 0.9
    scored = []
    for place in candidates:
        score = 0.0
        if place.admin1 in admin1_hints:
            score += 2.0
        if anchors:
            nearest = min(haversine_km(place.lat, place.lon, a.lat, a.lon) for a in anchors)
            score += 1.5 * math.exp(-nearest / 60.0)
        score += 0.15 * math.log10(place.population + 10)
        if place.country != "SYR":
            score -= 0.5  # the texts are about Syria unless they say otherwise
        scored.append((score, place))
    scored.sort(key=lambda sp: -sp[0])
    best, runner_up = scored[0], scored[1]
    margin = best[0] - runner_up[0]
    return best[1], max(0.3, min(0.85, 0.5 + margin / 4))
