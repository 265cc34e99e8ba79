"""Blocking: which reports are worth comparing. Not every pair: only those that could
be one event, by day (respecting date precision), by place (a grid of about 17 km,
respecting location precision), and by compatible kinds of event.

Town-level reports sit in a grid cell for each day they may fall on, widened by a day
either side (dates jitter by a day between sources); each looks at its own cell and those
around it. Vaguer reports (a countryside, a governorate) are compared within their
governorate, day and family of event. The lookups are sorted-array joins, so a million
reports block in seconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from truce.fuse.features import Features

CELL_DEGREES = 0.15  # about 17 km of latitude, more than any town-level reach (15 km)
LON_CELLS = 2  # cells looked across east and west: longitude degrees shrink away from the equator
MAX_DAYS = 31  # a month-precision report is compared within its month, no wider
DAY_SLACK = 1  # and reports a day apart (dates jitter by a day between sources)
VAGUE_KM = 5.0  # reports less precise than a town are blocked by governorate instead
# Kinds that can be one event: ACLED codes an air strike during a battle as a battle.
COMPATIBLE = {
    "Battles": {"Battles", "Explosions/Remote violence"},
    "Explosions/Remote violence": {"Battles", "Explosions/Remote violence"},
}

Pairs = NDArray[np.int64]


def compatible(a: str, b: str) -> bool:
    return a == b or b in COMPATIBLE.get(a, ())


def _vague(f: Features) -> bool:
    return f.coarse or f.radius_km > VAGUE_KM


def _codes(values: Sequence[str]) -> NDArray[np.int64]:
    table: dict[str, int] = {}
    return np.array([table.setdefault(v, len(table)) for v in values], dtype=np.int64)


def _expand(
    index: NDArray[np.int64], first: NDArray[np.int64], last: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(report, day) for every day from first to last of each report."""
    counts = np.maximum(last - first + 1, 0)
    rows = np.repeat(index, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return rows, np.repeat(first, counts) + offsets


def _join(
    keys: NDArray[np.int64],
    rows: NDArray[np.int64],
    row_start: NDArray[np.int64],
    probes: NDArray[np.int64],
    askers: NDArray[np.int64],
    days: NDArray[np.int64],
    ask_start: NDArray[np.int64],
) -> Pairs:
    """Every (asker, row) whose probe key equals the row's key, once: on the first day both
    cover (the later of the asker's first probe day and the row's first entry day)."""
    order = np.argsort(keys, kind="stable")
    keys, rows = keys[order], rows[order]
    lo = np.searchsorted(keys, probes, side="left")
    hi = np.searchsorted(keys, probes, side="right")
    counts = hi - lo
    left = np.repeat(askers, counts)
    starts = np.repeat(lo - (np.cumsum(counts) - counts), counts)
    right = rows[np.arange(counts.sum()) + starts]
    keep = np.repeat(days, counts) == np.maximum(ask_start[left], row_start[right])
    return np.stack([left[keep], right[keep]], axis=1)


def candidate_pairs(items: Sequence[Features]) -> Pairs:
    """Each candidate pair once, as rows (i, j) with i < j, sorted."""
    n = len(items)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    index = np.arange(n, dtype=np.int64)
    lo = np.array([f.day_lo for f in items], dtype=np.int64)
    hi = np.minimum(np.array([f.day_hi for f in items], dtype=np.int64), lo + MAX_DAYS - 1)
    vague = np.array([_vague(f) for f in items])
    lat = np.array([np.nan if f.lat is None else f.lat for f in items])
    lon = np.array([np.nan if f.lon is None else f.lon for f in items])
    radius = np.array([f.radius_km for f in items])
    family = _codes([f.family for f in items])
    area = _codes([f.admin1 or "?" for f in items])
    day0 = int(lo.min()) - DAY_SLACK

    found = [_town_pairs(index[~vague], lo, hi, lat, lon, day0)]
    found.append(_vague_pairs(index, vague, lo, hi, area, family, day0))
    both = np.concatenate(found)
    i, j = np.minimum(both[:, 0], both[:, 1]), np.maximum(both[:, 0], both[:, 1])
    keys = np.sort((i * n + j)[i != j])  # sorting beats numpy's hashed unique here, by far
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys
    i, j = keys // n, keys % n
    ok = _within(lat, lon, radius, i, j) & _compatible(items, family, i, j)
    return np.stack([i[ok], j[ok]], axis=1)


def _town_pairs(
    town: NDArray[np.int64],
    lo: NDArray[np.int64],
    hi: NDArray[np.int64],
    lat: NDArray[np.float64],
    lon: NDArray[np.float64],
    day0: int,
) -> Pairs:
    if len(town) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    cy = np.floor(lat[town] / CELL_DEGREES).astype(np.int64)
    cx = np.floor(lon[town] / CELL_DEGREES).astype(np.int64)
    y0, x0 = int(cy.min()) - 1, int(cx.min()) - 1
    width, height = int(cx.max()) - x0 + 2, int(cy.max()) - y0 + 2
    at = np.arange(len(town))

    def key(
        days: NDArray[np.int64], y: NDArray[np.int64], x: NDArray[np.int64]
    ) -> NDArray[np.int64]:
        return ((days - day0) * height + (y - y0)) * width + (x - x0)

    rows, days = _expand(town, lo[town] - DAY_SLACK, hi[town] + DAY_SLACK)
    where = np.repeat(at, hi[town] - lo[town] + 1 + 2 * DAY_SLACK)
    keys = key(days, cy[where], cx[where])
    askers, ask_days = _expand(town, lo[town], hi[town])
    ask_at = np.repeat(at, hi[town] - lo[town] + 1)
    found = []
    for dy in range(-1, 2):
        for dx in range(-LON_CELLS, LON_CELLS + 1):
            probes = key(ask_days, cy[ask_at] + dy, cx[ask_at] + dx)
            found.append(_join(keys, rows, lo - DAY_SLACK, probes, askers, ask_days, lo))
    return np.concatenate(found)


def _vague_pairs(
    index: NDArray[np.int64],
    vague: NDArray[np.bool_],
    lo: NDArray[np.int64],
    hi: NDArray[np.int64],
    area: NDArray[np.int64],
    family: NDArray[np.int64],
    day0: int,
) -> Pairs:
    """Vague reports against every report of their governorate, family and days."""
    if not vague.any():
        return np.zeros((0, 2), dtype=np.int64)
    families = int(family.max()) + 1
    areas = int(area.max()) + 1

    def key(days: NDArray[np.int64], who: NDArray[np.int64]) -> NDArray[np.int64]:
        return ((days - day0) * areas + area[who]) * families + family[who]

    rows, days = _expand(index, lo, hi)
    askers, ask_days = _expand(index[vague], lo[vague] - DAY_SLACK, hi[vague] + DAY_SLACK)
    return _join(key(days, rows), rows, lo, key(ask_days, askers), askers, ask_days, lo - DAY_SLACK)


def _within(
    lat: NDArray[np.float64],
    lon: NDArray[np.float64],
    radius: NDArray[np.float64],
    i: Pairs,
    j: Pairs,
) -> NDArray[np.bool_]:
    """Not farther apart than either could reach, plus the 10 km the score allows."""
    reach = (np.maximum(np.maximum(radius[i], radius[j]), 2.0) + 10.0) / 111.0
    scale = np.maximum(np.cos(np.radians(lat[i])), 0.2)
    with np.errstate(invalid="ignore"):
        near = (np.abs(lat[i] - lat[j]) <= reach) & (np.abs(lon[i] - lon[j]) * scale <= reach)
    return near | np.isnan(lat[i]) | np.isnan(lat[j])


def _compatible(
    items: Sequence[Features], family: NDArray[np.int64], i: Pairs, j: Pairs
) -> NDArray[np.bool_]:
    names: dict[int, str] = {}
    for f, code in zip(items, family.tolist(), strict=True):
        names.setdefault(code, f.family)
    size = len(names)
    table = np.array([[compatible(names[a], names[b]) for b in range(size)] for a in range(size)])
    return table[family[i], family[j]]


# The cells looked across cover a town-level reach up to 60 degrees north or south.
assert LON_CELLS * CELL_DEGREES * 111.0 * math.cos(math.radians(60)) >= VAGUE_KM + 10.0
