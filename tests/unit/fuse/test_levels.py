"""Match-weight levels: each fires on its own case; a batch of pairs scores as each pair does."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from tests.unit.fuse.test_cluster import AFFILIATIONS, SANA_SAME_DAY, SMART, SOHR
from truce.domain.reports import Report
from truce.fuse import levels as lv
from truce.fuse.features import Features, features
from truce.fuse.prune import pair_scores, score_pairs
from truce.fuse.score import explain_links, score

DAY = 736_338  # 2017-01-09
LAT = 33.663
WORDS = tuple(f"w{k}" for k in range(10))
A = Features(
    index=0,
    report_id="a",
    day_lo=DAY,
    day_hi=DAY,
    lat=LAT,
    lon=36.112,
    radius_km=2.0,
    admin1="rural damascus",
    family="Explosions/Remote violence",
    sub="Shelling/artillery/missile attack",
    perpetrators=frozenset({"government forces"}),
    targets=frozenset({"ahl al-sham"}),
    perpetrator_sides=frozenset({"government"}),
    target_sides=frozenset({"opposition"}),
    fatalities=3,
    words=frozenset(WORDS),
    place="bsm",
    source="sohr",
    source_side=None,
)
CIVILIANS: dict[str, Any] = {
    "targets": frozenset({"civilians"}),
    "target_sides": frozenset({"civilians"}),
}


def b(**changes: Any) -> Features:
    """Another outlet's account of A, word for word, but for `changes`."""
    return replace(A, **{"index": 1, "report_id": "b", "source": "reuters", **changes})


def north(km: float, **changes: Any) -> Features:
    return b(lat=LAT + km / 111.0, **changes)


def shared(n: int, **changes: Any) -> Features:
    """Sharing n of A's ten words, and no other."""
    return b(words=frozenset(WORDS[:n]), **changes)


def perpetrator(who: set[str], sides: set[str | None], **changes: Any) -> Features:
    return b(perpetrators=frozenset(who), perpetrator_sides=frozenset(sides), **changes)


def target(who: set[str], sides: set[str | None]) -> Features:
    return b(targets=frozenset(who), target_sides=frozenset(sides))


# The opposition's outlet blames the government; the government's blames the rebels.
BLAMING = replace(A, source_side="opposition")
BLAMED_BACK = perpetrator({"terrorist groups"}, {"opposition"}, source_side="government")

# (field, level, the two reports)
CASES: list[tuple[str, str, Features, Features]] = [
    ("time", "same day", A, b()),
    ("time", "within a week", A, b(day_lo=DAY - 2, day_hi=DAY + 3)),
    ("time", "within a month", A, b(day_lo=DAY - 10, day_hi=DAY + 20)),
    ("time", "a day apart", A, b(day_lo=DAY + 1, day_hi=DAY + 1)),
    ("time", "two days apart", A, b(day_lo=DAY + 2, day_hi=DAY + 2)),
    ("time", "days apart", A, b(day_lo=DAY + 3, day_hi=DAY + 3)),
    ("place", "same point", A, b()),
    ("place", "same town", A, north(3.0)),
    ("place", "within reach", A, north(1.5, place="other")),
    ("place", "within a wide reach", A, north(20.0, place="other", radius_km=30.0)),
    ("place", "close by", A, north(5.0, place="other")),
    ("place", "nearby", A, north(10.0, place="other")),
    ("place", "far apart", A, north(20.0, place="other")),
    ("place", "unlocated", A, b(lat=None, lon=None)),
    ("kind", "same sub-type", A, b()),
    ("kind", "same type", A, b(sub="Air/drone strike")),
    ("kind", "other type", A, b(family="Battles", sub="Armed clash")),
    ("perpetrator", "same actor", A, b()),
    (
        "perpetrator",
        "same actor",
        A,
        perpetrator({"government forces", "hezbollah"}, {"government"}),
    ),
    ("perpetrator", "same civilians", *(perpetrator({"civilians"}, {"civilians"}),) * 2),
    ("perpetrator", "same side", A, perpetrator({"saa"}, {"government"})),
    ("perpetrator", "same side", A, perpetrator({"saa", "hezbollah"}, {"government"})),
    ("perpetrator", "unknown", A, perpetrator(set(), set())),
    ("perpetrator", "unknown", A, perpetrator({"gunmen"}, {None})),
    ("perpetrator", "counter-claim", BLAMING, BLAMED_BACK),
    ("perpetrator", "counter-claim", BLAMING, replace(BLAMED_BACK, perpetrators=frozenset("xy"))),
    ("perpetrator", "other side", A, perpetrator({"rebel forces"}, {"opposition"})),
    ("target", "same actor", A, b()),
    ("target", "same civilians", replace(A, **CIVILIANS), b(**CIVILIANS)),
    ("target", "same side", A, target({"jaish al-islam"}, {"opposition"})),
    ("target", "unknown", A, target(set(), set())),
    ("target", "counter-claim", BLAMING, replace(BLAMED_BACK, **CIVILIANS)),
    ("target", "other side", A, target({"saa"}, {"government"})),
    ("casualties", "unknown", A, b(fatalities=None)),
    ("casualties", "equal", A, b()),
    ("casualties", "close", A, b(fatalities=4)),
    ("casualties", "apart", A, b(fatalities=6)),
    ("casualties", "far apart", A, b(fatalities=12)),
    ("text", "a word-for-word copy", A, shared(8)),
    ("text", "word overlap 0.6 or more", A, shared(7)),
    ("text", "word overlap 0.6 or more", A, shared(6)),
    ("text", "word overlap 0.5 to 0.6", A, shared(5)),
    ("text", "word overlap 0.4 to 0.5", A, shared(4)),
    ("text", "word overlap 0.3 to 0.4", A, shared(3)),
    ("text", "word overlap 0.2 to 0.3", A, shared(2)),
    ("text", "word overlap 0.1 to 0.2", A, shared(1)),
    ("text", "word overlap under 0.1", A, shared(0)),
    ("text", "word overlap under 0.1", A, b(words=frozenset())),
    ("source", "same outlet", A, shared(5, source="sohr")),
    ("source", "other outlets, or a copy", A, b()),
    ("source", "other outlets, or a copy", A, b(source="sohr")),
]


@pytest.mark.parametrize(
    ("field", "level", "a", "other"), CASES, ids=[f"{f}: {x}" for f, x, *_ in CASES]
)
def test_each_level_fires_on_its_case(field: str, level: str, a: Features, other: Features) -> None:
    result = score(a, other)
    assert result.levels[field] == level
    if result.total == lv.NEVER:
        assert result.weights[field] == lv.NEVER
    else:
        assert result.total == pytest.approx(sum(result.weights.values()))


def test_the_cases_cover_every_level() -> None:
    every = {(f.name, level.name) for f in lv.FIELDS for level in f.levels}
    every |= {(f.name, f.never) for f in lv.FIELDS if f.never}
    assert {(field, level) for field, level, *_ in CASES} == every


def batch_of_cases() -> tuple[list[Features], np.ndarray]:
    items = [f for _, _, a, other in CASES for f in (a, other)]
    return items, np.array([(2 * k, 2 * k + 1) for k in range(len(CASES))], dtype=np.int64)


def test_batch_scores_are_the_pair_scores_at_every_level() -> None:
    items, pairs = batch_of_cases()
    kept, totals = pair_scores(items, pairs, threshold=lv.NEVER)
    assert kept.tolist() == pairs.tolist()
    for (i, j), total in zip(kept.tolist(), totals.tolist(), strict=True):
        assert total == score(items[i], items[j]).total  # exactly: one code scores both


def test_pruning_keeps_exactly_the_pairs_that_reach_the_threshold() -> None:
    items, pairs = batch_of_cases()
    pairs = np.concatenate([pairs, pairs[:, ::-1]])  # and each pair the other way round
    everything = score_pairs(items, pairs)
    for threshold in (-5.0, 0.0, lv.THRESHOLD, 10.0, 20.0):
        kept, totals = pair_scores(items, pairs, threshold)
        reach = everything.totals >= threshold
        assert kept.tolist() == everything.pairs[reach].tolist()
        assert totals.tolist() == everything.totals[reach].tolist()


def test_a_field_ends_with_a_catch_all_level_or_names_the_never_case() -> None:
    with pytest.raises(ValueError, match="never"):
        lv.Field("kind", (lv.Level("same sub-type", 0.4, lambda k: k.same_sub),))
    with pytest.raises(ValueError, match="never"):
        lv.Field("kind", (lv.Level("any", 0.0, None),), never="apart")


# --- explanations ----------------------------------------------------------------------------


def test_explain_links_gives_each_later_report_its_best_earlier_link_and_why() -> None:
    reports = [SMART, SOHR, SANA_SAME_DAY]
    links = explain_links(reports, AFFILIATIONS)
    first, second = sorted((SOHR, SANA_SAME_DAY), key=lambda r: r.id)  # one day: by ID
    assert [(later, earlier) for later, earlier, _ in links] == [
        (second.id, first.id),
        (SMART.id, max((SOHR, SANA_SAME_DAY), key=lambda r: link_total(r, SMART)).id),
    ]
    for _, _, why in links:
        assert why.split(" bits: ")[0].replace(".", "").lstrip("-").isdigit()
    _, _, why = links[1]
    assert "time: a day apart (-0.7)" in why
    assert "casualties" in why


def link_total(earlier: Report, later: Report) -> float:
    return score(features(0, earlier, AFFILIATIONS), features(1, later, AFFILIATIONS)).total


def test_explain_links_does_not_depend_on_the_order_of_the_reports() -> None:
    reports = [SMART, SOHR, SANA_SAME_DAY]
    expected = explain_links(reports, AFFILIATIONS)
    for seed in range(4):
        random.Random(seed).shuffle(reports)
        assert explain_links(reports, AFFILIATIONS) == expected


def test_a_lone_report_has_no_links() -> None:
    assert explain_links([SOHR]) == []
    assert explain_links([]) == []


def test_an_explanation_names_the_levels_that_moved_the_score() -> None:
    result = score(A, shared(5, fatalities=None))
    assert result.explain() == (
        f"{result.total:.1f} bits: time: same day (+2.8); place: same point (+3.2); "
        "kind: same sub-type (+0.4); perpetrator: same actor (+3.5); target: same actor (+4.5); "
        "text: word overlap 0.5 to 0.6 (+4.4)"
    )
    assert score(A, north(20.0, place="other")).explain() == "never one event: place: far apart"
