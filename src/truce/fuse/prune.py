"""Scoring many candidate pairs at once, to set aside those that cannot reach the threshold.

Time, place, kind and casualties are computed for all pairs as arrays; a pair
whose best possible total (with full marks for actors and text) stays below the
threshold is dropped before the exact, per-pair score. The pairs kept, and
their scores, are exactly those of the per-pair computation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from truce.domain.geo import EARTH_RADIUS_KM
from truce.fuse.features import Features
from truce.fuse.score import PLACE_DECAY_KM, TIME_BY_GAP, WEIGHTS


def _codes(values: Sequence[str | None]) -> NDArray[np.int64]:
    table: dict[str | None, int] = {}
    return np.array([table.setdefault(v, len(table)) if v else -1 for v in values], dtype=np.int64)


def hopeful(
    items: Sequence[Features], pairs: NDArray[np.int64], threshold: float
) -> NDArray[np.int64]:
    """The pairs whose best possible score reaches the threshold."""
    if len(pairs) == 0:
        return pairs
    lo = np.array([f.day_lo for f in items])
    hi = np.array([f.day_hi for f in items])
    lat = np.array([np.nan if f.lat is None else f.lat for f in items])
    lon = np.array([np.nan if f.lon is None else f.lon for f in items])
    radius = np.array([f.radius_km for f in items])
    area = _codes([f.admin1 for f in items])
    sub = _codes([f.sub for f in items])
    family = _codes([f.family for f in items])
    deaths = np.array(
        [-1 if f.fatalities is None else f.fatalities for f in items], dtype=np.float64
    )
    i, j = pairs[:, 0], pairs[:, 1]

    gap = np.maximum(np.maximum(lo[i] - hi[j], lo[j] - hi[i]), 0)
    time = np.select(
        [gap == 0, gap == 1, gap == 2], [TIME_BY_GAP[0], TIME_BY_GAP[1], TIME_BY_GAP[2]], 0.0
    )

    p1, p2 = np.radians(lat[i]), np.radians(lat[j])
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon[j] - lon[i]) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    reach = np.maximum(np.maximum(radius[i], radius[j]), 2.0)
    near = np.where(reach <= 25, 1.0, 0.7)
    place = np.where(km <= reach, near, np.maximum(0.0, 1.0 - (km - reach) / PLACE_DECAY_KM))
    unknown = np.isnan(km)
    place = np.where(unknown, np.where((area[i] == area[j]) & (area[i] >= 0), 0.6, 0.3), place)

    kind = np.where(sub[i] == sub[j], 1.0, np.where(family[i] == family[j], 0.6, 0.35))
    both = (deaths[i] >= 0) & (deaths[j] >= 0)
    casualties = np.where(
        both,
        np.maximum(
            0.0,
            1.0 - np.abs(deaths[i] - deaths[j]) / np.maximum(np.maximum(deaths[i], deaths[j]), 1),
        ),
        0.5,
    )
    best = (WEIGHTS["time"] * time + WEIGHTS["place"] * place + WEIGHTS["kind"] * kind
            + WEIGHTS["casualties"] * casualties + WEIGHTS["actors"] + WEIGHTS["text"])  # fmt: skip
    # A small margin keeps float rounding from dropping a pair the exact score would keep.
    keep = (time > 0) & (place > 0) & (best >= threshold - 1e-9)
    return pairs[keep]
