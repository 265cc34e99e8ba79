"""Blocking: which reports are worth comparing. Not every pair: only those that could
be one event, by day (respecting date precision), by place (a grid of about 25 km,
respecting location precision), and by compatible kinds of event."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Sequence

from truce.fuse.features import Features

CELL_DEGREES = 0.05  # about 5.5 km of latitude
MAX_DAYS = 31  # a month-precision report is compared within its month, no wider
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


RING = math.ceil(
    (2.0 + 10.0) / (111.0 * CELL_DEGREES * 0.8)
)  # cells a town-level report looks across


def _within(f: Features, g: Features) -> bool:
    """Not farther apart than either could reach, plus the 10 km the score allows."""
    if f.lat is None or g.lat is None or f.lon is None or g.lon is None:
        return True
    reach = (max(f.radius_km, g.radius_km, 2.0) + 10.0) / 111.0
    scale = max(math.cos(math.radians(f.lat)), 0.2)
    return abs(f.lat - g.lat) <= reach and abs(f.lon - g.lon) * scale <= reach


def candidate_pairs(items: Sequence[Features]) -> Iterator[tuple[int, int]]:
    """Each candidate pair once, as (i, j) with i < j, in a deterministic order.

    Town-level reports sit in a fine grid cell for each day they may fall on;
    each looks at the cells around it, one day either side, and pairs only with
    reports after it, so no pair is visited twice. Vaguer reports (a
    countryside, a governorate) are compared within their governorate and day,
    and only with reports of the same sub-type: vague about place and kind at
    once is too little to call two reports one event.
    """
    grid: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    by_kind: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    vague: list[Features] = []
    for f in items:
        days = range(f.day_lo, min(f.day_hi, f.day_lo + MAX_DAYS - 1) + 1)
        for day in days:
            by_kind[(day, f.admin1 or "?", f.sub)].append(f.index)
        if f.coarse or f.radius_km > VAGUE_KM:
            vague.append(f)
            continue
        cy, cx = _home(f)
        for day in days:
            grid[(day, cy, cx)].append(f.index)
    seen: set[tuple[int, int]] = set()
    for f in items:
        if f.coarse or f.radius_km > VAGUE_KM:
            continue
        cy, cx = _home(f)
        last = min(f.day_hi, f.day_lo + MAX_DAYS - 1)
        mine: set[int] = set()
        for day in range(f.day_lo - DAY_SLACK, last + DAY_SLACK + 1):
            for dy in range(-RING, RING + 1):
                for dx in range(-RING, RING + 1):
                    for j in grid.get((day, cy + dy, cx + dx), ()):
                        if (
                            j > f.index
                            and j not in mine
                            and _within(f, items[j])
                            and compatible(f.family, items[j].family)
                        ):
                            mine.add(j)
        for j in sorted(mine):
            seen.add((f.index, j))
            yield f.index, j
    for f in vague:
        slack = 0 if f.coarse else DAY_SLACK
        last = min(f.day_hi, f.day_lo + MAX_DAYS - 1)
        for day in range(f.day_lo - slack, last + slack + 1):
            for j in by_kind.get((day, f.admin1 or "?", f.sub), ()):
                pair = (f.index, j) if f.index < j else (j, f.index)
                if j != f.index and pair not in seen and _within(f, items[j]):
                    seen.add(pair)
                    yield pair
