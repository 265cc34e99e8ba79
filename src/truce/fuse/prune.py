"""Scoring many candidate pairs at once, as arrays.

The facts each level's test reads (`levels.py`) are worked out here for all pairs together.
Time, place, kind, actors and casualties are weighed first; a pair that stays below the
threshold even with the best text weight it could get is dropped before the words are
compared, which is the costly part. A single pair is scored the same way, as a batch of one
(`score.score`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from truce.domain.geo import EARTH_RADIUS_KM
from truce.fuse import levels as lv
from truce.fuse.features import Features

Pairs = NDArray[np.int64]
Levels = NDArray[np.int8]  # each pair's level in a field: an index into field.levels, or -1
Weights = NDArray[np.float64]
_COUNTER_CLAIM = lv.PERPETRATOR.names.index("counter-claim")


@dataclass(frozen=True, slots=True)
class Scored:
    pairs: Pairs
    totals: Weights
    levels: dict[str, Levels]  # by field


def pair_scores(
    items: Sequence[Features], pairs: Pairs, threshold: float
) -> tuple[Pairs, NDArray[np.float64]]:
    """The pairs that reach the threshold, and their match weights."""
    scored = _score(items, pairs, threshold, with_levels=False)
    return scored.pairs, scored.totals


def score_pairs(items: Sequence[Features], pairs: Pairs, threshold: float | None = None) -> Scored:
    """Each pair's level in every field, and its match weight. With a threshold, only the pairs
    that reach it."""
    return _score(items, pairs, threshold, with_levels=True)


def _score(
    items: Sequence[Features], pairs: Pairs, threshold: float | None, *, with_levels: bool
) -> Scored:
    if len(pairs) == 0:
        return Scored(pairs, np.zeros(0), {field.name: np.zeros(0, np.int8) for field in lv.FIELDS})
    columns = _Columns(items)
    i, j = _ends(pairs)
    levels = _levels_before_text(columns, i, j)
    partial = _partial_weight(levels)
    never = (levels["time"] < 0) | (levels["place"] < 0)
    same_source = (columns.source[i] >= 0) & (columns.source[i] == columns.source[j])
    if not with_levels:
        levels = {}  # not carried through the pruning: a batch of millions needs only totals
    if threshold is not None:
        hopeful = partial + _best_text_weight(columns, i, j, same_source) >= threshold - 1e-9
        pairs, partial = pairs[hopeful], partial[hopeful]
        never, same_source = never[hopeful], same_source[hopeful]
        levels = {name: codes[hopeful] for name, codes in levels.items()}
        i, j = _ends(pairs)
    facts = _text_facts(_word_overlap(columns, i, j), same_source)
    text, source = _level(lv.TEXT, facts), _level(lv.SOURCE, facts)
    totals = partial + _weights("text", text) + _weights("source", source)
    totals = np.where(never, lv.NEVER, totals)
    if with_levels:
        levels |= {"text": text, "source": source}
    if threshold is not None:
        keep = totals >= threshold
        pairs, totals = pairs[keep], totals[keep]
        levels = {name: codes[keep] for name, codes in levels.items()}
    return Scored(pairs, totals, levels)


def _partial_weight(levels: dict[str, Levels]) -> Weights:
    """The weight of every field but the words. Summed in this order, always (the last bit of
    a total breaks ties between pairs), and in place (a batch can hold millions of pairs)."""
    partial = _weights("time", levels["time"])
    partial += _weights("place", levels["place"])
    partial += _weights("kind", levels["kind"])
    actors = _weights("perpetrator", levels["perpetrator"])
    actors += _weights("target", levels["target"])
    actors += _weights("casualties", levels["casualties"])
    partial += actors
    return partial


def _ends(pairs: Pairs) -> tuple[Pairs, Pairs]:
    # Contiguous: every column is gathered through them, and strided indices gather slower.
    return np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1])


def _level(field: lv.Field[lv.F], facts: lv.F) -> Levels:
    """The first level whose test holds, pair by pair (-1 if none does)."""
    tests = [level.when(facts) for level in field.levels if level.when is not None]
    otherwise = len(field.levels) - 1 if field.never is None else -1
    return np.select(tests, [np.int8(k) for k in range(len(tests))], np.int8(otherwise))


# Each field's weights by level code, and NEVER last, for code -1.
_WEIGHTS: dict[str, Weights] = {
    field.name: np.array([*(level.weight for level in field.levels), lv.NEVER])
    for field in lv.FIELDS
}


def _weights(field: str, codes: Levels) -> Weights:
    return np.take(_WEIGHTS[field], codes)


def _codes(values: Sequence[Hashable]) -> NDArray[np.int64]:
    table: dict[Hashable, int] = {}
    return np.array([table.setdefault(v, len(table)) if v else -1 for v in values], dtype=np.int64)


class _Role:
    """One role's actors, per report. Reports naming at most one actor and one side (most of
    them) compare as codes; pairs involving the few naming several compare as sets."""

    def __init__(
        self,
        ids: list[frozenset[str]],
        side_sets: list[frozenset[str | None]],
        sides: dict[str | None, int],
    ) -> None:
        self.ids, self.sides = ids, side_sets
        self.simple = np.array(
            [len(a) <= 1 and len(b) <= 1 for a, b in zip(ids, side_sets, strict=True)]
        )
        self.actor = _codes([next(iter(a)) if len(a) == 1 else None for a in self.ids])
        self.side = np.array(
            [
                sides.setdefault(next(iter(b)), len(sides) - 1) if len(b) == 1 else -1
                for b in self.sides
            ]
        )
        self.side_unknown = np.array([None in b for b in self.sides])
        self.civilians = np.array([lv.CIVILIANS in b for b in self.sides])


class _Columns:
    """What the facts are worked out from, one entry per report."""

    def __init__(self, items: Sequence[Features]) -> None:
        self.items = items
        self.lo = np.array([f.day_lo for f in items])
        self.hi = np.array([f.day_hi for f in items])
        self.lat = np.array([np.nan if f.lat is None else f.lat for f in items])
        self.lon = np.array([np.nan if f.lon is None else f.lon for f in items])
        self.radius = np.array([f.radius_km for f in items])
        self.place = _codes([f.place for f in items])
        self.sub = _codes([f.sub for f in items])
        self.family = _codes([f.family for f in items])
        self.deaths = np.array(
            [-1 if f.fatalities is None else f.fatalities for f in items], dtype=np.float64
        )
        self.source = _codes([f.source for f in items])
        self.words = [f.words for f in items]
        self.word_count = np.array([len(w) for w in self.words])
        sides: dict[str | None, int] = {None: -1}
        self.source_side = np.array(
            [sides.setdefault(f.source_side, len(sides) - 1) for f in items]
        )
        self.perpetrators = _Role(
            [f.perpetrators for f in items], [f.perpetrator_sides for f in items], sides
        )
        self.targets = _Role([f.targets for f in items], [f.target_sides for f in items], sides)


def _levels_before_text(c: _Columns, i: Pairs, j: Pairs) -> dict[str, Levels]:
    perpetrator = _level(
        lv.PERPETRATOR, _actor_facts(c.perpetrators, i, j, _counter_claims(c, i, j))
    )
    # The target is a counter-claim only when the perpetrator is: the other side's victims.
    target = _level(lv.TARGET, _actor_facts(c.targets, i, j, perpetrator == _COUNTER_CLAIM))
    return {
        "time": _level(lv.TIME, _time_facts(c, i, j)),
        "place": _level(lv.PLACE, _place_facts(c, i, j)),
        "kind": _level(lv.KIND, lv.KindFacts(c.sub[i] == c.sub[j], c.family[i] == c.family[j])),
        "perpetrator": perpetrator,
        "target": target,
        "casualties": _level(lv.CASUALTIES, _casualty_facts(c, i, j)),
    }


def _time_facts(c: _Columns, i: Pairs, j: Pairs) -> lv.TimeFacts:
    gap = np.maximum(np.maximum(c.lo[i] - c.hi[j], c.lo[j] - c.hi[i]), 0)
    same_day = (c.lo[i] == c.hi[i]) & (c.lo[j] == c.hi[j]) & (c.lo[i] == c.lo[j])
    span = np.maximum(c.hi[i] - c.lo[i], c.hi[j] - c.lo[j])
    return lv.TimeFacts(gap=gap, span=span, same_day=same_day)


def _place_facts(c: _Columns, i: Pairs, j: Pairs) -> lv.PlaceFacts:
    p1, p2 = np.radians(c.lat[i]), np.radians(c.lat[j])
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(c.lon[j] - c.lon[i]) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    reach = np.maximum(np.maximum(c.radius[i], c.radius[j]), lv.MIN_REACH_KM)
    same_name = (c.place[i] >= 0) & (c.place[i] == c.place[j])
    return lv.PlaceFacts(km=km, reach=reach, same_name=same_name)


def _casualty_facts(c: _Columns, i: Pairs, j: Pairs) -> lv.CasualtyFacts:
    x, y = c.deaths[i], c.deaths[j]
    spread = np.abs(x - y) / np.maximum(np.maximum(x, y), 1)
    return lv.CasualtyFacts(known=(x >= 0) & (y >= 0), equal=x == y, spread=spread)


def _actor_facts(role: _Role, i: Pairs, j: Pairs, counter_claim: lv.Mask) -> lv.ActorFacts:
    known = (role.actor[i] >= 0) & (role.actor[j] >= 0)
    same_actor = known & (role.actor[i] == role.actor[j])
    same_side = known & (role.side[i] >= 0) & (role.side[i] == role.side[j])
    for k in np.flatnonzero(~(role.simple[i] & role.simple[j])).tolist():
        a, b = int(i[k]), int(j[k])
        known[k] = bool(role.ids[a]) and bool(role.ids[b])
        same_actor[k] = bool(role.ids[a] & role.ids[b])
        same_side[k] = known[k] and bool((role.sides[a] & role.sides[b]) - {None})
    return lv.ActorFacts(
        known=known,
        same_actor=same_actor,
        civilians=role.civilians[i] & role.civilians[j],
        same_side=same_side,
        side_unknown=role.side_unknown[i] | role.side_unknown[j],
        counter_claim=counter_claim,
    )


def _counter_claims(c: _Columns, i: Pairs, j: Pairs) -> lv.Mask:
    """One report comes from an outlet of the side the other report blames."""
    blamed, source = c.perpetrators.side, c.source_side
    counter = ((source[i] >= 0) & (source[i] == blamed[j])) | (
        (source[j] >= 0) & (source[j] == blamed[i])
    )
    simple = c.perpetrators.simple
    for k in np.flatnonzero(~(simple[i] & simple[j])).tolist():
        a, b = c.items[int(i[k])], c.items[int(j[k])]
        counter[k] = bool(
            (a.source_side and a.source_side in b.perpetrator_sides)
            or (b.source_side and b.source_side in a.perpetrator_sides)
        )
    return counter


def _word_overlap(c: _Columns, i: Pairs, j: Pairs) -> Weights:
    """Jaccard overlap of the two reports' words."""
    count, words = c.word_count, c.words
    shared = np.fromiter(
        (len(words[a] & words[b]) for a, b in zip(i.tolist(), j.tolist(), strict=True)),
        dtype=np.int64,
        count=len(i),
    )
    union = count[i] + count[j] - shared
    return np.where((count[i] > 0) & (count[j] > 0), shared / np.maximum(union, 1), 0.0)


def _text_facts(overlap: Weights, same_source: lv.Mask) -> lv.TextFacts:
    return lv.TextFacts(
        tenths=(overlap * 10).astype(np.int8),
        copy=overlap >= lv.COPY_OVERLAP,
        same_source=same_source,
    )


def _best_text_weight(c: _Columns, i: Pairs, j: Pairs, same_source: lv.Mask) -> Weights:
    """The most the words could add. Word overlap is at most the smaller word count over the
    larger, and a source repeating itself other than word for word is certain to be penalised."""
    count = c.word_count
    ratio = np.minimum(count[i], count[j]) / np.maximum(np.maximum(count[i], count[j]), 1)
    facts = _text_facts(ratio, same_source)
    return _weights("text", _level(lv.TEXT, facts)) + _weights("source", _level(lv.SOURCE, facts))
