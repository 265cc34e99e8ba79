"""The Place record and the Gazetteer index with context-based disambiguation."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from truce.domain.geo import haversine_km
from truce.gazetteer.names import NameIndex
from truce.gazetteer.spelling import name_key


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
    """All known places, indexed by every name, merged where two sources name the same place.

    `districts` (kind "district") are kept apart: "Manbij" is the town, "Manbij district" the
    district, and a text's village that no list holds falls back to one.
    """

    def __init__(
        self,
        places: Iterable[Place],
        districts: Iterable[Place] = (),
        weak_names: Iterable[str] = (),
        generic_names: Iterable[str] = (),
    ) -> None:
        self.places: list[Place] = []
        # Spelling keys of words too common to be taken alone as a long-list village's name
        # (common words, people, countries), and of words that make up names but name no one
        # place ("Tal", "Ain", "Sheikh"), which no list's entry may be alone.
        self.weak_names = frozenset(filter(None, map(name_key, weak_names)))
        self.generic_names = frozenset(filter(None, map(name_key, generic_names)))
        self.weak_names |= self.generic_names
        entries: list[tuple[str, Place]] = []
        by_key: dict[str, list[Place]] = {}
        for place in places:
            spellings = _spellings(place)
            twin = next(
                (p for name in spellings for p in by_key.get(_key(name), ()) if _same(p, place)),
                None,
            )
            # The same place from a second source: its names lead to the first record.
            kept = twin if twin is not None else place
            if twin is None:
                self.places.append(place)
            for name in spellings:
                entries.append((name, kept))
                listed = by_key.setdefault(_key(name), [])
                if kept not in listed:
                    listed.append(kept)
        self.names: NameIndex[Place] = NameIndex(entries)
        self.governorates = {
            p.admin1: p for p in self.places if p.kind == "governorate" and p.admin1
        }
        self.districts = {d.name: d for d in districts}
        self.district_names: NameIndex[Place] = NameIndex(
            (name, d) for d in self.districts.values() for name in (d.name, *d.aliases)
        )

    def __len__(self) -> int:
        return len(self.places)

    def lookup(self, name: str) -> list[Place]:
        """Lookup of one name by its spelling key; several places may share it."""
        return self.names.lookup(name)

    def district_of(self, place: Place) -> Place | None:
        return self.districts.get(place.admin2) if place.admin2 else None


def _same(a: Place, b: Place) -> bool:
    """Two records of one place: same country, both areas or both places, and close together."""
    if a.is_admin_area != b.is_admin_area or a.country != b.country:
        return False
    return haversine_km(a.lat, a.lon, b.lat, b.lon) < max(5.0, min(a.radius_km, b.radius_km))


def _key(name: str) -> str:
    return name_key(name)


def _spellings(place: Place) -> list[str]:
    """Every name of a place, plus each without a "(Daraa)" qualifier."""
    names = []
    for name in (place.name, *place.aliases):
        names.append(name)
        names.append(name.split(" (")[0].strip())
    return list(dict.fromkeys(names))


# Governorates whose names stand for each other in reports: "Damascus" for its countryside.
NEIGHBOURS = {"Damascus": {"Rural Damascus"}, "Rural Damascus": {"Damascus"}}
TYPICAL_POPULATION = {"city": 50_000, "town": 5_000, "village": 500}


def in_governorate(place: Place, admin1: str) -> bool:
    """Whether a place lies in the governorate a text names (or one it stands for)."""
    return place.admin1 == admin1 or admin1 in NEIGHBOURS.get(place.admin1 or "", set())


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
        elif admin1_hints & NEIGHBOURS.get(place.admin1 or "", set()):
            score += 1.0  # "Douma, near Damascus": Damascus often stands for its countryside
        if anchors:
            nearest = min(haversine_km(place.lat, place.lon, a.lat, a.lon) for a in anchors)
            score += 1.5 * math.exp(-nearest / 60.0)
        score += 0.15 * math.log10(
            (place.population or TYPICAL_POPULATION.get(place.kind, 1000)) + 10
        )
        if place.source == "truce":
            score += 0.6  # listed by hand because reports name it: the likelier reading
        if place.country != "SYR":
            score -= 0.5  # the texts are about Syria unless they say otherwise
        scored.append((score, place))
    scored.sort(key=lambda sp: -sp[0])
    best, runner_up = scored[0], scored[1]
    margin = best[0] - runner_up[0]
    return best[1], max(0.3, min(0.85, 0.5 + margin / 4))
