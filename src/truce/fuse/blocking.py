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
# Kinds that can be one event: ACLED codes an air strike during a battle as a battle.
COMPATIBLE = {
    "Battles": {"Battles", "Explosions/Remote violence"},
    "Explosions/Remote violence": {"Battles", "Explosions/Remote violence"},
}


def compatible(a: str, b: str) -> bool:
    return a == b or b in COMPATIBLE.get(a, ())


def _cells(f: Features) -> list[tuple[int, int]]:
    assert f.lat is not None and f.lon is not None
    reach = max(f.radius_km, NEIGHBOURHOOD_KM) / 111.0
    lat_lo, lat_hi = (
        math.floor((f.lat - reach) / CELL_DEGREES),
        math.floor((f.lat + reach) / CELL_DEGREES),
    )
    scale = max(math.cos(math.radians(f.lat)), 0.2)
    lon_lo = math.floor((f.lon - reach / scale) / CELL_DEGREES)
    lon_hi = math.floor((f.lon + reach / scale) / CELL_DEGREES)
    return [(y, x) for y in range(lat_lo, lat_hi + 1) for x in range(lon_lo, lon_hi + 1)]


def candidate_pairs(items: Sequence[Features]) -> Iterator[tuple[int, int]]:
    """Each candidate pair once, as (i, j) with i < j, in a deterministic order."""
    fine: dict[tuple[object, ...], list[int]] = defaultdict(list)
    by_area: dict[tuple[object, ...], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for f in items:
        last_day = min(f.day_hi, f.day_lo + MAX_DAYS - 1)
        days = range(f.day_lo - DAY_SLACK, last_day + DAY_SLACK + 1)
        area = f.admin1 or "?"
        for day in days:
            # Precise and coarse reports meet in the governorate bucket; precise ones also by cell.
            by_area[(day, area)][1 if f.coarse else 0].append(f.index)
            if not f.coarse:
                for cell in _cells(f):
                    fine[(day, cell)].append(f.index)
    seen: set[tuple[int, int]] = set()
    for bucket in fine.values():
        yield from _pairs(bucket, bucket, items, seen)
    for precise, coarse in by_area.values():
        yield from _pairs(coarse, coarse, items, seen)
        yield from _pairs(coarse, precise, items, seen)


def _pairs(left: list[int], right: list[int], items: Sequence[Features],
           seen: set[tuple[int, int]]) -> Iterator[tuple[int, int]]:  # fmt: skip
    for i in left:
        for j in right:
            pair = (i, j) if i < j else (j, i)
            if i == j or pair in seen:
                continue
            if not compatible(items[i].family, items[j].family):
                continue
            seen.add(pair)
            yield pair
