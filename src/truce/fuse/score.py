"""How alike two reports are, field by field, and in sum."""

from __future__ import annotations

from dataclasses import dataclass

from truce.domain.geo import haversine_km
from truce.fuse.features import Features

WEIGHTS = {
    "time": 0.25,
    "place": 0.25,
    "kind": 0.2,
    "actors": 0.1,
    "casualties": 0.05,
    "text": 0.15,
}
THRESHOLD = 0.76
TIME_BY_GAP = {0: 1.0, 1: 0.85, 2: 0.4}
PLACE_DECAY_KM = 10.0  # beyond a report's own precision radius, closeness fades within 10 km


@dataclass(frozen=True, slots=True)
class PairScore:
    total: float
    parts: dict[str, float]


def score(a: Features, b: Features) -> PairScore:
    time, place = _time(a, b), _place(a, b)
    if time == 0.0 or place == 0.0:
        # Days apart or far apart is never one event, whatever else agrees.
        return PairScore(0.0, {"time": time, "place": place})
    parts = {
        "time": time,
        "place": place,
        "kind": 1.0 if a.sub == b.sub else (0.6 if a.family == b.family else 0.35),
        "actors": _actors(a, b),
        "casualties": _casualties(a.fatalities, b.fatalities),
        "text": _jaccard(a.words, b.words),
    }
    return PairScore(sum(WEIGHTS[k] * v for k, v in parts.items()), parts)


def _time(a: Features, b: Features) -> float:
    gap = max(a.day_lo - b.day_hi, b.day_lo - a.day_hi, 0)
    # Sources often date one event a day apart (night-time events, late reports).
    return TIME_BY_GAP.get(gap, 0.0)


def _place(a: Features, b: Features) -> float:
    if a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return 0.6 if a.admin1 and a.admin1 == b.admin1 else 0.3
    km = haversine_km(a.lat, a.lon, b.lat, b.lon)
    reach = max(a.radius_km, b.radius_km, 2.0)
    if km <= reach:
        return 1.0 if reach <= 25 else 0.7  # a governorate-level report could be anywhere in it
    return max(0.0, 1.0 - (km - reach) / PLACE_DECAY_KM)


def _actors(a: Features, b: Features) -> float:
    # Sides blame each other for the same shelling: a disagreement on the perpetrator weakens
    # the match but does not rule it out.
    perpetrators = a.perpetrator_sides and b.perpetrator_sides
    targets = a.target_sides and b.target_sides
    if not perpetrators and not targets:
        return 0.5
    agree = 0.0
    count = 0
    if perpetrators:
        count += 1
        agree += 1.0 if a.perpetrator_sides & b.perpetrator_sides else 0.3
    if targets:
        count += 1
        agree += 1.0 if a.target_sides & b.target_sides else 0.3
    return agree / count


def _casualties(x: int | None, y: int | None) -> float:
    if x is None or y is None:
        return 0.5
    return max(0.0, 1.0 - abs(x - y) / max(x, y, 1))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
