"""How alike two reports are, field by field and in sum, and why an incident holds its reports.

The levels and their weights are in `levels.py`; a pair is scored by the same array code as
a batch of candidate pairs (`prune.py`), as a batch of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from truce.domain.reports import Report
from truce.fuse.features import Affiliations, Features, features
from truce.fuse.levels import FIELDS, NEVER
from truce.fuse.prune import Scored, score_pairs


@dataclass(frozen=True, slots=True)
class PairScore:
    total: float
    levels: dict[str, str]  # by field, the level the pair fell into
    weights: dict[str, float]  # by field, that level's weight in bits

    def explain(self) -> str:
        """The total and the levels that moved it, e.g. "7.1 bits: time: same day (+2.8); ..."."""
        if self.total == NEVER:
            apart = [name for name, weight in self.weights.items() if weight == NEVER]
            return "never one event: " + "; ".join(f"{f}: {self.levels[f]}" for f in apart)
        moved = [
            f"{field}: {self.levels[field]} ({weight:+.1f})"
            for field, weight in self.weights.items()
            if weight != 0.0
        ]
        return f"{self.total:.1f} bits: " + "; ".join(moved)


def score(a: Features, b: Features) -> PairScore:
    return _pair_score(score_pairs([a, b], np.array([[0, 1]], dtype=np.int64)), 0)


def _pair_score(scored: Scored, k: int) -> PairScore:
    levels, weights = {}, {}
    for field in FIELDS:
        code = int(scored.levels[field.name][k])
        levels[field.name] = field.levels[code].name if code >= 0 else str(field.never)
        weights[field.name] = field.levels[code].weight if code >= 0 else NEVER
    if scored.totals[k] == NEVER:
        # Days or kilometres apart: nothing else was weighed.
        levels = {name: levels[name] for name in ("time", "place")}
        weights = {name: weights[name] for name in ("time", "place")}
    return PairScore(float(scored.totals[k]), levels, weights)


def explain_links(
    reports: Sequence[Report], affiliations: Affiliations | None = None
) -> list[tuple[str, str, str]]:
    """Why an incident holds its reports: for each report after the earliest (by date, then
    ID, as the incident's ID is), the earlier report it is most alike, and why, as
    (report ID, that report's ID, explanation)."""
    ordered = sorted(reports, key=lambda r: (r.date_start, r.id))
    items = [features(k, r, affiliations) for k, r in enumerate(ordered)]
    pairs = np.array([(i, j) for j in range(len(items)) for i in range(j)], dtype=np.int64)
    scored = score_pairs(items, pairs.reshape(-1, 2))
    best: dict[int, int] = {}  # later report -> the row of its best link
    for row, j in enumerate(scored.pairs[:, 1].tolist()):
        # The earliest of equally good links, so that the answer does not depend on order.
        if j not in best or scored.totals[row] > scored.totals[best[j]]:
            best[j] = row
    links = []
    for j in range(1, len(items)):
        row = best[j]
        i = int(scored.pairs[row][0])
        links.append((ordered[j].id, ordered[i].id, _pair_score(scored, row).explain()))
    return links
