"""Fusion's invariants on random corpora: order, merge and split, batch and pair scores."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.fuse.test_cluster import AFFILIATIONS, report
from truce.domain.reports import Report
from truce.fuse.blocking import candidate_pairs
from truce.fuse.cluster import fuse_batch, incident_id
from truce.fuse.features import features
from truce.fuse.history import merge, split
from truce.fuse.prune import pair_scores
from truce.fuse.score import score

TOWNS = (
    ("Idlib", "Idleb", 35.930, 36.634),
    ("Douma", "Rural Damascus", 33.572, 36.402),
    ("Basimah", "Rural Damascus", 33.663, 36.112),
    ("Al-Bab", "Aleppo", 36.371, 37.517),
    ("Daraa", "Dar'a", 32.618, 36.102),
)
KINDS = (
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Violence against civilians", "Attack"),
)
OUTLETS = ("SOHR", "SANA", "Reuters", "Smart News Agency", "Enab Baladi", "AFP")
NOTES = (
    None,
    "Shelling hit the town overnight.",
    "Regime forces shelled the town, killing several people.",
    "Clashes erupted at the edge of the town after an attack.",
    "Warplanes struck a market in the town centre.",
)
SIDES = (("government forces", "government"), ("rebel forces", "opposition"), None)
TARGETS = (
    ("civilians", "civilians"),
    ("rebel forces", "opposition"),
    ("unknown gunmen", None),
    None,
)


@st.composite
def reports(draw: st.DrawFn) -> Report:
    name, admin1, lat, lon = draw(st.sampled_from(TOWNS))
    jitter = draw(st.sampled_from((0.0, 0.01, 0.02)))
    return report(
        draw(st.sampled_from(OUTLETS)),
        draw(st.sampled_from(NOTES)),
        day=date(2017, 1, draw(st.integers(1, 31))),
        where=(lat + jitter, lon - jitter),
        place=name,
        admin1=admin1,
        kind=draw(st.sampled_from(KINDS)),
        perpetrator=draw(st.sampled_from(SIDES)),
        target=draw(st.sampled_from(TARGETS)),
        deaths=draw(st.one_of(st.none(), st.integers(0, 10))),
    )


corpora = st.lists(reports(), min_size=2, max_size=9, unique_by=lambda r: r.id)
PROPERTY = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(corpus=corpora, data=st.data())
def test_fusion_is_the_same_in_any_order(corpus: list[Report], data: st.DataObject) -> None:
    first = fuse_batch(corpus)
    again = fuse_batch(data.draw(st.permutations(corpus)))
    assert again.assignment == first.assignment
    assert [i.id for i in again.incidents] == [i.id for i in first.incidents]
    assert again.incidents == first.incidents
    assert set(first.assignment) == {r.id for r in corpus}
    # Every incident is named after its own earliest report.
    by_id = {r.id: r for r in corpus}
    for incident in first.incidents:
        assert incident.id == incident_id([by_id[r] for r in incident.report_ids])


@PROPERTY
@given(corpus=corpora, data=st.data())
def test_merge_then_split_restores_the_incidents(corpus: list[Report], data: st.DataObject) -> None:
    by_id = {r.id: r for r in corpus}
    incidents = fuse_batch(corpus).incidents
    if len(incidents) < 2:
        # Make sure there are two: a report far from everything in the corpus.
        lone = report("AP", None, day=date(2017, 3, 1), where=(34.0, 38.5), admin1="Homs")
        by_id[lone.id] = lone
        incidents = fuse_batch(list(by_id.values())).incidents
    first, second = data.draw(st.permutations(incidents))[:2]
    merged = merge([first, second], by_id)
    (whole,) = merged.created
    assert set(whole.report_ids) == set(first.report_ids) | set(second.report_ids)
    assert whole.id in (first.id, second.id)
    back = split(whole, second.report_ids, by_id)
    assert back.removed == (whole.id,)
    restored = {i.id: i for i in back.created}
    assert set(restored) == {first.id, second.id}
    for original in (first, second):
        again = restored[original.id]
        assert again.report_ids == original.report_ids
        assert again.former_ids == original.former_ids == ()
        assert again.model_dump() == original.model_dump()  # every consolidated field and claim


@PROPERTY
@given(corpus=corpora)
def test_batch_scores_are_the_pair_scores(corpus: list[Report]) -> None:
    items = [features(k, r, AFFILIATIONS) for k, r in enumerate(corpus)]
    pairs = candidate_pairs(items)
    kept, totals = pair_scores(items, pairs, threshold=-50.0)
    assert kept.tolist() == pairs.tolist()
    for (i, j), total in zip(kept.tolist(), totals.tolist(), strict=True):
        assert total == score(items[i], items[j]).total  # exactly: one code scores both
