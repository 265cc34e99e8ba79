"""Scoring many candidate pairs at once, as arrays.

Time, place, kind, actors and casualties are weighed for all pairs together; a pair
that stays below the threshold even with the best text weight is dropped before the
words are compared. The totals are exactly those of `score.score`, pair by pair (a
test holds the two to that).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import numpy as np
from numpy.typing import NDArray

from truce.domain.geo import EARTH_RADIUS_KM
from truce.fuse import score as s
from truce.fuse.features import Features

Pairs = NDArray[np.int64]


def _codes(values: Sequence[Hashable]) -> NDArray[np.int64]:
    table: dict[Hashable, int] = {}
    return np.array([table.setdefault(v, len(table)) if v else -1 for v in values], dtype=np.int64)


def _lookup(table: dict[str, float], *names: str) -> list[float]:
    return [table[n] for n in names]


def pair_scores(
    items: Sequence[Features], pairs: Pairs, threshold: float
) -> tuple[Pairs, NDArray[np.float64]]:
    """The pairs that reach the threshold, and their match weights."""
    if len(pairs) == 0:
        return pairs, np.zeros(0)
    i, j = pairs[:, 0], pairs[:, 1]
    partial = _time(items, i, j) + _place(items, i, j) + _kind(items, i, j)
    partial += _casualties(items, i, j) + _actors(items, i, j)
    hopeful = partial + _best_text(items, i, j) >= threshold - 1e-9
    pairs, partial = pairs[hopeful], partial[hopeful]
    i, j = pairs[:, 0], pairs[:, 1]
    words = [f.words for f in items]
    count = np.array([len(w) for w in words])
    shared = np.fromiter(
        (len(words[a] & words[b]) for a, b in pairs.tolist()), dtype=np.int64, count=len(pairs)
    )
    union = count[i] + count[j] - shared
    overlap = np.where((count[i] > 0) & (count[j] > 0), shared / np.maximum(union, 1), 0.0)
    tenths = np.minimum((overlap * 10).astype(np.int64), len(s.TEXT) - 1)
    text = np.where(overlap >= s.COPY_OVERLAP, s.COPY, np.array(s.TEXT)[tenths])
    source = _codes([f.source for f in items])
    repeated = (source[i] >= 0) & (source[i] == source[j]) & (overlap < s.COPY_OVERLAP)
    totals = partial + text + np.where(repeated, s.SAME_SOURCE, 0.0)
    keep = totals >= threshold
    return pairs[keep], totals[keep]


def _best_text(items: Sequence[Features], i: Pairs, j: Pairs) -> NDArray[np.float64]:
    """The most the words could add. Word overlap is at most the smaller word count over the
    larger, and a source repeating itself other than word for word is certain to be penalised."""
    count = np.array([len(f.words) for f in items])
    ratio = np.minimum(count[i], count[j]) / np.maximum(np.maximum(count[i], count[j]), 1)
    tenths = np.minimum((ratio * 10).astype(np.int64), len(s.TEXT) - 1)
    best = np.where(ratio >= s.COPY_OVERLAP, s.COPY, np.array(s.TEXT)[tenths])
    source = _codes([f.source for f in items])
    repeated = (source[i] >= 0) & (source[i] == source[j]) & (ratio < s.COPY_OVERLAP)
    return best + np.where(repeated, s.SAME_SOURCE, 0.0)


def _time(items: Sequence[Features], i: Pairs, j: Pairs) -> NDArray[np.float64]:
    lo = np.array([f.day_lo for f in items])
    hi = np.array([f.day_hi for f in items])
    gap = np.maximum(np.maximum(lo[i] - hi[j], lo[j] - hi[i]), 0)
    exact = (lo[i] == hi[i]) & (lo[j] == hi[j]) & (lo[i] == lo[j])
    span = np.maximum(hi[i] - lo[i], hi[j] - lo[j])
    names = ("same day", "within a week", "within a month", "a day apart", "two days apart")
    same, week, month, one, two = _lookup(s.TIME, *names)
    return np.select(
        [exact, (gap == 0) & (span < s.WEEK), gap == 0, gap == 1, gap == 2],
        [same, week, month, one, two],
        s.NEVER,
    )


def _place(items: Sequence[Features], i: Pairs, j: Pairs) -> NDArray[np.float64]:
    lat = np.array([np.nan if f.lat is None else f.lat for f in items])
    lon = np.array([np.nan if f.lon is None else f.lon for f in items])
    radius = np.array([f.radius_km for f in items])
    p1, p2 = np.radians(lat[i]), np.radians(lat[j])
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon[j] - lon[i]) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    reach = np.maximum(np.maximum(radius[i], radius[j]), 2.0)
    names = (
        "same point",
        "same town",
        "within reach",
        "within a wide reach",
        "close by",
        "nearby",
        "unlocated",
    )
    point, town, within, wide, close, nearby, unlocated = _lookup(s.PLACE, *names)
    place = _codes([f.place for f in items])
    with np.errstate(invalid="ignore"):
        return np.select(
            [
                np.isnan(km),
                (km <= s.SAME_POINT_KM) & (reach <= s.CLOSE_KM),
                (place[i] >= 0)
                & (place[i] == place[j])
                & (reach <= s.CLOSE_KM)
                & (km <= reach + s.CLOSE_KM),
                (km <= reach) & (reach <= s.WIDE_KM),
                km <= reach,
                km <= reach + s.CLOSE_KM,
                km <= reach + s.NEARBY_KM,
            ],
            [unlocated, point, town, within, wide, close, nearby],
            s.NEVER,
        )


def _kind(items: Sequence[Features], i: Pairs, j: Pairs) -> NDArray[np.float64]:
    sub = _codes([f.sub for f in items])
    family = _codes([f.family for f in items])
    same, family_only, other = _lookup(s.KIND, "same sub-type", "same type", "other type")
    return np.where(sub[i] == sub[j], same, np.where(family[i] == family[j], family_only, other))


def _casualties(items: Sequence[Features], i: Pairs, j: Pairs) -> NDArray[np.float64]:
    deaths = np.array(
        [-1 if f.fatalities is None else f.fatalities for f in items], dtype=np.float64
    )
    x, y = deaths[i], deaths[j]
    gap = np.abs(x - y) / np.maximum(np.maximum(x, y), 1)
    equal, close, apart, far, unknown = _lookup(
        s.CASUALTIES, "equal", "close", "apart", "far apart", "unknown"
    )
    return np.select(
        [(x < 0) | (y < 0), x == y, gap <= 0.34, gap <= 0.67], [unknown, equal, close, apart], far
    )


LEVELS = ("unknown", "same civilians", "same actor", "same side", "other side", "counter-claim")
UNKNOWN, CIVILIANS, SAME, SAME_SIDE, OTHER, COUNTER = range(len(LEVELS))


def _actors(items: Sequence[Features], i: Pairs, j: Pairs) -> NDArray[np.float64]:
    sides: dict[str | None, int] = {None: -1}

    def side_code(value: str | None) -> int:
        return sides.setdefault(value, len(sides) - 1)

    source_side = np.array([side_code(f.source_side) for f in items])
    perpetrator, blamed, blamed_simple = _actor_levels(
        items, i, j, "perpetrators", "perpetrator_sides", side_code
    )
    target, _, _ = _actor_levels(items, i, j, "targets", "target_sides", side_code)
    # Counter-claims: one report's source is of the side the other report blames.
    counter = ((source_side[i] >= 0) & (source_side[i] == blamed[j])) | (
        (source_side[j] >= 0) & (source_side[j] == blamed[i])
    )
    for k in np.flatnonzero(~(blamed_simple[i] & blamed_simple[j])).tolist():
        counter[k] = s.counter_claim(items[i[k]], items[j[k]])
    counter &= perpetrator == OTHER
    perpetrator = np.where(counter, COUNTER, perpetrator)
    target = np.where(counter & (target == OTHER), COUNTER, target)
    by_perpetrator = np.array([s.PERPETRATOR[name] for name in LEVELS])
    by_target = np.array([s.TARGET[name] for name in LEVELS])
    return by_perpetrator[perpetrator] + by_target[target]


def _actor_levels(
    items: Sequence[Features],
    i: Pairs,
    j: Pairs,
    who: str,
    which_sides: str,
    side_code: Callable[[str | None], int],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    """Each pair's level (an index into LEVELS), each report's single side (-1 if none or
    several), and whether the report names at most one actor and one side."""
    ids = [getattr(f, who) for f in items]
    side_sets = [getattr(f, which_sides) for f in items]
    # Single actors and single sides compare as codes; the few reports naming several
    # are compared one pair at a time.
    simple = np.array([len(a) <= 1 and len(b) <= 1 for a, b in zip(ids, side_sets, strict=True)])
    actor = _codes([next(iter(a)) if len(a) == 1 else None for a in ids])
    side = np.array([side_code(next(iter(b))) if len(b) == 1 else -1 for b in side_sets])
    unknown_side = np.array([None in b for b in side_sets])
    civilians = np.array([s.CIVILIANS in b for b in side_sets])
    levels = np.select(
        [
            (actor[i] < 0) | (actor[j] < 0),
            (actor[i] == actor[j]) & civilians[i] & civilians[j],
            actor[i] == actor[j],
            (side[i] >= 0) & (side[i] == side[j]),
            unknown_side[i] | unknown_side[j],
        ],
        [UNKNOWN, CIVILIANS, SAME, SAME_SIDE, UNKNOWN],
        OTHER,
    )
    for k in np.flatnonzero(~(simple[i] & simple[j])).tolist():
        a, b = items[i[k]], items[j[k]]
        level = s.actor_level(
            getattr(a, who), getattr(b, who), getattr(a, which_sides), getattr(b, which_sides)
        )
        levels[k] = LEVELS.index(level)
    return levels, side, simple
