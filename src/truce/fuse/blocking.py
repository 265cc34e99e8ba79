"""Blocking: which reports are worth comparing. Not every pair: only those that could
be one event, by day (respecting date precision), by place (a grid of about 25 km,
respecting location precision), and by compatible kinds of event."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Sequence

from truce.fuse.features import Features

CELL_DEGREES = 0.25  # about 25 km of latitude
MAX_DAYS = 31  # a month-precision report is compared within its month, no wider
NEIGHBOURHOOD_KM = 12.0  # reports a few km apart must meet even across a cell border
DAY_SLACK = 1  # and reports a day apart (dates jitter by a day between sources)
VAGUE_KM = 5.0  # reports less precise than a town must also agree on the kind of event
# Kinds that can be one event: ACLED codes an air strike during a battle as a battle.
COMPATIBLE = {
    "Battles": {"Battles", "Explosions/Remote violence"},
    "Explosions/Remote violence": {"Battles", "Explosions/Remote violence"},
}


def compatible(a: str, b: str) -> bool:
    return a == b or b in COMPATIBLE.get(a, ())


def _home(f: Features) -> tuple[int, int]:
    assert f.lat is not None and f.lon is not None
    return math.floor(f.lat / CELL_DEGREES), math.floor(f.lon / CELL_DEGREES)


def _ring(f: Features) -> int:
    """How many cells around its own a report must look, given its precision radius."""
    return max(1, math.ceil(max(f.radius_km, NEIGHBOURHOOD_KM) / (111.0 * CELL_DEGREES * 0.8)))


def candidate_pairs(items: Sequence[Features]) -> Iterator[tuple[int, int]]:
    """Each candidate pair once, as (i, j) with i < j, in a deterministic order.

    Precise reports sit in their home cell for each day they may fall on; each
    looks at the cells around it, one day either side, and pairs only with
    reports after it, so no pair is visited twice. Reports located only to a
    governorate meet the reports of that governorate and day.
    """
    grid: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    by_area: dict[tuple[int, str], list[int]] = defaultdict(list)
    coarse: list[Features] = []
    for f in items:
        days = range(f.day_lo, min(f.day_hi, f.day_lo + MAX_DAYS - 1) + 1)
        area = f.admin1 or "?"
        for day in days:
            by_area[(day, area)].append(f.index)
        if f.coarse:
            coarse.append(f)
            continue
        cy, cx = _home(f)
        for day in days:
            grid[(day, cy, cx)].append(f.index)
    seen: set[tuple[int, int]] = set()
    for f in items:
        if f.coarse:
            continue
        cy, cx = _home(f)
        ring = _ring(f)
        last = min(f.day_hi, f.day_lo + MAX_DAYS - 1)
        mine: set[int] = set()
        scale = max(math.cos(math.radians(f.lat or 0.0)), 0.2)
        for day in range(f.day_lo - DAY_SLACK, last + DAY_SLACK + 1):
            for dy in range(-ring, ring + 1):
                for dx in range(-ring, ring + 1):
                    for j in grid.get((day, cy + dy, cx + dx), ()):
                        if j <= f.index or j in mine:
                            continue
                        g = items[j]
                        # Farther apart than either could reach (plus the 10 km the score allows): skip.
                        reach = (max(f.radius_km, g.radius_km, 2.0) + 10.0) / 111.0
                        if abs(f.lat - g.lat) > reach or abs(f.lon - g.lon) * scale > reach:  # type: ignore[operator]
                            continue
                        if f.sub != g.sub and (f.radius_km > VAGUE_KM or g.radius_km > VAGUE_KM):
                            continue  # vague about place and about kind: too little to call it one event
                        if compatible(f.family, g.family):
                            mine.add(j)
        for j in sorted(mine):
            seen.add((f.index, j))
            yield f.index, j
    for f in coarse:
        # Placed only by governorate: compared on its own days, with reports of the same kind.
        last = min(f.day_hi, f.day_lo + MAX_DAYS - 1)
        for day in range(f.day_lo, last + 1):
            for j in by_area.get((day, f.admin1 or "?"), ()):
                pair = (f.index, j) if f.index < j else (j, f.index)
                if j != f.index and pair not in seen and f.sub == items[j].sub:
                    seen.add(pair)
                    yield pair
