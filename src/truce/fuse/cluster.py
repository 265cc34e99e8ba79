"""Clustering reports into incidents, in batch or one report at a time, deterministically.

Pairs above the threshold are joined best first. A join is refused when the
result could not be one event: no day common to all its reports (one day of
slack for jitter), precise reports more than ~30 km apart, or one source
telling two different stories (a source does not report one event twice,
unless word for word, as syndicated copies do).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from truce.domain.canonical import content_id
from truce.domain.incidents import Incident
from truce.domain.reports import Report
from truce.fuse.blocking import candidate_pairs, compatible
from truce.fuse.consolidate import consolidate
from truce.fuse.features import Affiliations, Features, features
from truce.fuse.levels import COPY_OVERLAP, THRESHOLD
from truce.fuse.prune import pair_scores

MAX_SPREAD_DEGREES = 0.3  # about 30 km between reports located near a town or better
TIGHT_SPREAD_DEGREES = 0.12  # about 13 km between reports located at a town
TIGHT_RADIUS_KM = 5.0


@dataclass
class _Cluster:
    members: list[int]
    lo: int  # latest first day of any member
    hi: int  # earliest last day of any member
    box: tuple[float, float, float, float] | None  # precise members' lat/lon bounds
    tight: tuple[float, float, float, float] | None  # bounds of members located at a town
    sources: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class Fusion:
    incidents: list[Incident]
    assignment: dict[str, str]  # report id -> incident id


def incident_id(reports: Sequence[Report]) -> str:
    """An incident is named after its earliest report, so the same reports give the same ID."""
    anchor = min(reports, key=lambda r: (r.date_start, r.id))
    return content_id("inc", {"anchor": anchor.id}, length=24)


class Clusterer:
    """Union of reports into clusters under the constraints above."""

    def __init__(self, items: list[Features]) -> None:
        self.items = items
        self.parent = list(range(len(items)))
        self.clusters = {f.index: self._single(f) for f in items}

    @staticmethod
    def _single(f: Features) -> _Cluster:
        box = tight = None
        if f.lat is not None and f.lon is not None and not f.coarse:
            box = (f.lat, f.lat, f.lon, f.lon)
            if f.radius_km <= TIGHT_RADIUS_KM:
                tight = box
        return _Cluster(
            [f.index], f.day_lo, f.day_hi, box, tight, {f.source: [f.index]} if f.source else {}
        )

    def add(self, f: Features) -> None:
        self.items.append(f)
        self.parent.append(f.index)
        self.clusters[f.index] = self._single(f)

    def root(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def can_join(self, a: int, b: int) -> bool:
        ca, cb = self.clusters[a], self.clusters[b]
        if max(ca.lo, cb.lo) - 1 > min(ca.hi, cb.hi) + 1:
            return False
        if _too_wide(ca.box, cb.box, MAX_SPREAD_DEGREES) or _too_wide(
            ca.tight, cb.tight, TIGHT_SPREAD_DEGREES
        ):
            return False
        for source, left in ca.sources.items():
            for i in left:
                for j in cb.sources.get(source, ()):
                    if _overlap(self.items[i], self.items[j]) < COPY_OVERLAP:
                        return False
        return True

    def join(self, a: int, b: int) -> int:
        keep, gone = (a, b) if a < b else (b, a)
        ck, cg = self.clusters[keep], self.clusters.pop(gone)
        self.parent[gone] = keep
        ck.members += cg.members
        ck.lo, ck.hi = max(ck.lo, cg.lo), min(ck.hi, cg.hi)
        ck.box, ck.tight = _union(ck.box, cg.box), _union(ck.tight, cg.tight)
        for source, members in cg.sources.items():
            ck.sources.setdefault(source, []).extend(members)
        return keep

    def try_join(self, i: int, j: int) -> bool:
        a, b = self.root(i), self.root(j)
        if a == b or not self.can_join(a, b):
            return False
        self.join(a, b)
        return True


Box = tuple[float, float, float, float] | None


def _union(a: Box, b: Box) -> Box:
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3]))


def _too_wide(a: Box, b: Box, limit: float) -> bool:
    both = _union(a, b) if a and b else None
    return both is not None and (both[1] - both[0] > limit or both[3] - both[2] > limit)


def _overlap(a: Features, b: Features) -> float:
    if not a.words or not b.words:
        return 0.0
    return len(a.words & b.words) / len(a.words | b.words)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Fusion makes millions of small objects and no reference cycles: Python's cycle
    collector would spend half the time of building features walking them for nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def fuse_batch(
    reports: Sequence[Report],
    *,
    threshold: float = THRESHOLD,
    affiliations: Affiliations | None = None,
) -> Fusion:
    """Cluster a whole corpus. The same reports, in any order, give the same incidents.
    `affiliations` gives known sources' sides, by normalised name."""
    with _no_cycle_collection():
        return _fuse_batch(reports, threshold, affiliations)


def _fuse_batch(
    reports: Sequence[Report], threshold: float, affiliations: Affiliations | None
) -> Fusion:
    ordered = sorted(reports, key=lambda r: r.id)
    items = [features(i, r, affiliations) for i, r in enumerate(ordered)]
    pairs = candidate_pairs(items)
    kept, totals = pair_scores(items, pairs, threshold)
    edges = [(-total, i, j) for (i, j), total in zip(kept.tolist(), totals.tolist(), strict=True)]
    edges.sort()
    clusterer = Clusterer(items)
    for _, i, j in edges:
        clusterer.try_join(i, j)
    return _result(ordered, clusterer)


def _result(ordered: Sequence[Report], clusterer: Clusterer) -> Fusion:
    incidents, assignment = [], {}
    for cluster in sorted(clusterer.clusters.values(), key=lambda c: min(c.members)):
        members = [ordered[i] for i in sorted(cluster.members)]
        incident = consolidate(incident_id(members), members)
        incidents.append(incident)
        for report in members:
            assignment[report.id] = incident.id
    incidents.sort(key=lambda inc: (inc.date_start, inc.id))
    return Fusion(incidents=incidents, assignment=assignment)


def best_incident(
    report: Report,
    members_by_incident: dict[str, list[Report]],
    *,
    threshold: float = THRESHOLD,
    affiliations: Affiliations | None = None,
) -> str | None:
    """Incremental fusion: the incident a new report joins, or None to open a new one.

    The same scoring and constraints as the batch, against each incident's members.
    """
    new = features(0, report, affiliations)
    candidates = []
    for incident_id_, members in sorted(members_by_incident.items()):
        items = [new, *(features(k + 1, r, affiliations) for k, r in enumerate(members))]
        if any(compatible(new.family, m.family) for m in items[1:]):
            candidates.append((incident_id_, items))
    best: tuple[float, str] | None = None
    tops = _top_scores(candidates, threshold)
    for (incident_id_, items), top in zip(candidates, tops, strict=True):
        if top is None:
            continue
        clusterer = Clusterer(items)
        for k in range(2, len(items)):
            clusterer.join(clusterer.root(1), clusterer.root(k))
        if clusterer.can_join(clusterer.root(0), clusterer.root(1)) and (
            best is None or top > best[0]
        ):
            best = (top, incident_id_)
    return best[1] if best else None


def _top_scores(
    candidates: Sequence[tuple[str, list[Features]]], threshold: float
) -> list[float | None]:
    """Each incident's best match weight between the new report (first of its items) and its
    members, None when that is below the threshold. One batch for all incidents: the array
    code has a fixed cost per call that would swamp scoring a pair at a time."""
    if not candidates:
        return []
    flat, owner = [candidates[0][1][0]], []
    for n, (_, items) in enumerate(candidates):
        flat += items[1:]
        owner += [n] * (len(items) - 1)
    pairs = np.array([(0, k) for k in range(1, len(flat))], dtype=np.int64).reshape(-1, 2)
    kept, totals = pair_scores(flat, pairs, threshold)
    tops: list[float | None] = [None] * len(candidates)
    for (_, k), total in zip(kept.tolist(), totals.tolist(), strict=True):
        top = tops[owner[k - 1]]
        if top is None or total > top:
            tops[owner[k - 1]] = total
    return tops


def members_of(fusion: Fusion, reports: Iterable[Report]) -> dict[str, list[Report]]:
    out: dict[str, list[Report]] = {}
    for report in reports:
        out.setdefault(fusion.assignment[report.id], []).append(report)
    return out
