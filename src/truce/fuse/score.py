"""How alike two reports are: a Fellegi-Sunter match weight, field by field and in sum.

Each field comparison falls into a level, and each level carries a weight: log2 of how
much likelier that level is between two reports of one event than between two reports
of different events that blocking still put side by side. The weights were estimated on
simulated reports (bench/fuse_sim.py, seed 1, not the benchmark's seed) and then bounded
by judgement: no single field may veto or force a match on its own beyond ±6 bits, except
a word-for-word copy; and levels the simulator never produces for one event (casualty
figures far apart, a different kind of event) keep a moderate penalty, because real
sources disagree more than simulated ones.

Days apart or far apart is never one event, whatever else agrees: those pairs score
`NEVER` and are not looked at further.
"""

from __future__ import annotations

from dataclasses import dataclass

from truce.domain.geo import haversine_km
from truce.fuse.features import Features

NEVER = -100.0
CIVILIANS = "civilians"
THRESHOLD = 4.0  # bits: above it, two reports are taken for one event (chosen on seed 1)

TIME = {"same day": 2.8, "within a week": 0.9, "within a month": -1.6, "a day apart": -0.7,
        "two days apart": -3.0}  # fmt: skip
WEEK = 7  # a report dated more vaguely than this says little about which event it was
PLACE = {"same point": 3.2, "same town": 3.2, "within reach": 0.7, "within a wide reach": -0.6, "close by": -1.5,
         "nearby": -4.0, "unlocated": -0.6}  # fmt: skip
KIND = {"same sub-type": 0.4, "same type": -0.9, "other type": -6.0}
# A counter-claim: one side's own source blames the other side for what the other report
# lays at its door (and names other victims). Parties do this to each other all the time.
PERPETRATOR = {"same actor": 3.5, "same civilians": 3.5, "same side": -2.0, "counter-claim": -0.5,
               "other side": -1.7, "unknown": 0.0}  # fmt: skip
# Civilians are the commonest target: naming them in both reports says less than naming one armed group.
TARGET = {"same actor": 4.5, "same civilians": 3.2, "same side": -2.0, "counter-claim": -2.0,
          "other side": -4.0, "unknown": 0.0}  # fmt: skip
CASUALTIES = {"equal": 2.1, "close": 1.6, "apart": 0.1, "far apart": -2.0, "unknown": 0.0}
# Word overlap (Jaccard) in tenths: 0, 0.1, ... 0.6 and above; then word-for-word copies.
TEXT = (-1.4, 0.4, 1.4, 2.5, 3.3, 4.4, 6.0)
COPY = 8.0
COPY_OVERLAP = 0.8
SAME_SOURCE = -6.0  # one outlet does not tell one event twice, unless syndicating it

SAME_POINT_KM = 0.5
CLOSE_KM = 5.0  # beyond both reports' reach: gazetteers place one town a few km apart
NEARBY_KM = 10.0  # and beyond this, two places
WIDE_KM = 25.0  # a reach wider than this is a district, a governorate or more

BEST = {
    "time": max(TIME.values()),
    "place": max(PLACE.values()),
    "kind": max(KIND.values()),
    "perpetrator": max(PERPETRATOR.values()),
    "target": max(TARGET.values()),
    "casualties": max(CASUALTIES.values()),
    "text": COPY,
    "source": 0.0,
}


@dataclass(frozen=True, slots=True)
class PairScore:
    total: float
    levels: dict[str, str]

    def explain(self) -> str:
        return "; ".join(f"{field}: {level}" for field, level in self.levels.items())


def score(a: Features, b: Features) -> PairScore:
    time, place = time_level(a, b), place_level(a, b)
    if time is None or place is None:
        return PairScore(NEVER, {"time": time or "days apart", "place": place or "far apart"})
    overlap = word_overlap(a, b)
    perpetrator = actor_level(
        a.perpetrators, b.perpetrators, a.perpetrator_sides, b.perpetrator_sides
    )
    target = actor_level(a.targets, b.targets, a.target_sides, b.target_sides)
    if perpetrator == "other side" and counter_claim(a, b):
        perpetrator = "counter-claim"
        target = "counter-claim" if target == "other side" else target
    levels = {
        "time": time,
        "place": place,
        "kind": kind_level(a, b),
        "perpetrator": perpetrator,
        "target": target,
        "casualties": casualty_level(a.fatalities, b.fatalities),
        "text": f"{overlap:.2f}",
    }  # fmt: skip
    total = (
        TIME[time]
        + PLACE[place]
        + KIND[levels["kind"]]
        + PERPETRATOR[levels["perpetrator"]]
        + TARGET[levels["target"]]
        + CASUALTIES[levels["casualties"]]
        + text_weight(overlap)
    )
    if a.source and a.source == b.source and overlap < COPY_OVERLAP:
        total += SAME_SOURCE
        levels["source"] = "same source"
    return PairScore(total, levels)


def time_level(a: Features, b: Features) -> str | None:
    gap = max(a.day_lo - b.day_hi, b.day_lo - a.day_hi, 0)
    if gap == 0:
        if a.day_lo == a.day_hi == b.day_lo == b.day_hi:
            return "same day"
        span = max(a.day_hi - a.day_lo, b.day_hi - b.day_lo)
        return "within a week" if span < WEEK else "within a month"
    # Sources often date one event a day apart (night-time events, late reports).
    return {1: "a day apart", 2: "two days apart"}.get(gap)


def place_level(a: Features, b: Features) -> str | None:
    if a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return "unlocated"
    km = haversine_km(a.lat, a.lon, b.lat, b.lon)
    reach = max(a.radius_km, b.radius_km, 2.0)
    if km <= SAME_POINT_KM and reach <= CLOSE_KM:
        return "same point"
    if a.place and a.place == b.place and reach <= CLOSE_KM and km <= reach + CLOSE_KM:
        return "same town"  # one town, placed a little apart by two gazetteers
    if km <= reach:
        return "within reach" if reach <= WIDE_KM else "within a wide reach"
    if km <= reach + CLOSE_KM:
        return "close by"
    return "nearby" if km <= reach + NEARBY_KM else None


def kind_level(a: Features, b: Features) -> str:
    if a.sub == b.sub:
        return "same sub-type"
    return "same type" if a.family == b.family else "other type"


def actor_level(
    a: frozenset[str],
    b: frozenset[str],
    a_sides: frozenset[str | None],
    b_sides: frozenset[str | None],
) -> str:
    # Sides blame each other for the same shelling: a disagreement on the perpetrator
    # weakens the match but does not rule it out.
    if not a or not b:
        return "unknown"
    if a & b:
        return "same civilians" if CIVILIANS in a_sides & b_sides else "same actor"
    if (a_sides & b_sides) - {None}:
        return "same side"
    return "unknown" if None in a_sides or None in b_sides else "other side"


def counter_claim(a: Features, b: Features) -> bool:
    """One report comes from a source of the side the other report blames."""
    return bool(
        (a.source_side and a.source_side in b.perpetrator_sides)
        or (b.source_side and b.source_side in a.perpetrator_sides)
    )


def casualty_level(x: int | None, y: int | None) -> str:
    if x is None or y is None:
        return "unknown"
    if x == y:
        return "equal"
    gap = abs(x - y) / max(x, y, 1)
    return "close" if gap <= 0.34 else ("apart" if gap <= 0.67 else "far apart")


def word_overlap(a: Features, b: Features) -> float:
    if not a.words or not b.words:
        return 0.0
    return len(a.words & b.words) / len(a.words | b.words)


def text_weight(overlap: float) -> float:
    if overlap >= COPY_OVERLAP:
        return COPY
    return TEXT[min(int(overlap * 10), len(TEXT) - 1)]
