"""The fusion benchmark's simulator and metrics (bench/fuse_sim.py): seeded, noisy, truthful."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from truce import scenarios
from truce.domain.vocab import ActorRoleKind, DatePrecision

SIM_PATH = Path(__file__).resolve().parents[3] / "bench" / "fuse_sim.py"


def _load() -> ModuleType:
    # bench/ is not a package; load the module by path (the suite runs in importlib mode).
    name = "truce_bench_fuse_sim"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SIM_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


sim_mod = _load()
N = 500


@pytest.fixture(scope="module")
def sim() -> Any:
    return sim_mod.simulate(N, seed=11)


def test_same_seed_same_reports(sim: Any) -> None:
    again = sim_mod.simulate(N, seed=11)
    assert [r.id for r in again.reports] == [r.id for r in sim.reports]
    assert again.reports == sim.reports
    assert again.truth == sim.truth


def test_another_seed_other_reports(sim: Any) -> None:
    other = sim_mod.simulate(N, seed=12)
    assert {r.id for r in other.reports}.isdisjoint({r.id for r in sim.reports})


def test_exactly_n_reports_with_unique_content_ids(sim: Any) -> None:
    assert len(sim.reports) == N
    ids = [r.id for r in sim.reports]
    assert len(set(ids)) == N
    assert all(i.startswith("rep") for i in ids)
    assert all(r.with_content_id().id == r.id for r in sim.reports[:50])


def test_every_report_records_its_true_incident(sim: Any) -> None:
    incidents = {i.id: i for i in sim.incidents}
    assert set(sim.truth) == {r.id for r in sim.reports}
    for r in sim.reports:
        prov = r.provenance
        assert prov.dataset == "sim"
        incident = prov.extras["sim.incident"]
        assert prov.dataset_id is not None and prov.dataset_id.startswith(f"{incident}:")
        assert sim.truth[r.id] == incident
        assert incident in incidents
        truth = incidents[incident]
        assert r.date_start <= truth.day + timedelta(days=1)
        assert r.date_end >= truth.day - timedelta(days=1)
        assert r.admin1 == truth.admin1
    # Several reports per incident on average, and single-report incidents too.
    sizes = Counter(sim.truth.values())
    assert 2.0 < N / len(sizes) < 3.5
    assert 1 in sizes.values() and max(sizes.values()) >= 4


def test_the_advertised_noise_is_there(sim: Any) -> None:
    reports = sim.reports
    precisions = Counter(r.date_precision for r in reports)
    assert 0.6 < precisions[DatePrecision.DAY] / N < 0.8
    assert precisions[DatePrecision.MONTH] > 0
    assert precisions[DatePrecision.DAYS] + precisions[DatePrecision.WEEK] > 0
    places = Counter(r.location_precision for r in reports)
    assert places[1] > N / 2 and places[2] > 0 and places[4] > 0
    assert any((r.location_name or "").endswith("countryside") for r in reports)
    copies = [r for r in reports if "sim.copy_of" in r.provenance.extras]
    assert 0.04 < len(copies) / N < 0.15
    summary = sim_mod.noise_summary(reports)
    assert summary["syndicated copy"] == len(copies) / N
    # A syndicated copy comes from another outlet, with near-identical notes.
    by_dataset_id = {r.provenance.dataset_id: r for r in reports}
    pairs = [
        (c, by_dataset_id[c.provenance.extras["sim.copy_of"]])
        for c in copies
        if c.provenance.extras["sim.copy_of"] in by_dataset_id
    ]
    assert pairs
    for copy, original in pairs:
        assert copy.sources[0].name != original.sources[0].name
        assert copy.date_start == original.date_start and copy.lat == original.lat
        core = (original.notes or "").replace(", ", " ", 1)
        assert core[:30] in (copy.notes or "") or (original.notes or "")[:30] in (copy.notes or "")


def test_sources_disagree_on_figures_names_and_blame(sim: Any) -> None:
    registry = scenarios.load("astana-2016").actors
    incidents = {i.id: i for i in sim.incidents}
    names: dict[str, set[str]] = {}
    blamed_other_side = 0
    outlet_sides = {o.name: o.side for o in sim_mod.OUTLETS}
    figures: dict[str, set[int]] = {}
    for r in sim.reports:
        truth = incidents[sim.truth[r.id]]
        perp = r.first_actor(ActorRoleKind.PERPETRATOR)
        assert perp is not None and perp.actor_id is not None
        names.setdefault(perp.actor_id, set()).add(perp.name)
        assert registry.lookup(perp.name) is not None
        true_side = registry.side_of(truth.perpetrator)
        outlet_side = outlet_sides[r.sources[0].name]
        if outlet_side == true_side and perp.side not in (true_side, None):
            blamed_other_side += 1  # the perpetrator's own side names the other party
        if r.fatalities_best is not None:
            figures.setdefault(truth.id, set()).add(r.fatalities_best)
    assert any(len(v) > 1 for v in names.values())  # alias variety
    assert blamed_other_side > 0
    assert any(len(v) > 1 for v in figures.values())  # disagreeing casualty figures
    # Distractors: distinct true incidents in the same place, a day apart or the same day.
    twins = [i for i in sim.incidents if i.twin_of is not None]
    assert twins
    base = {i.id: i for i in sim.incidents}
    for twin in twins:
        if twin.twin_of in base:
            assert twin.place == base[twin.twin_of].place
            assert (twin.day - base[twin.twin_of].day).days in (0, 1)


def test_notes_read_like_acled() -> None:
    one = sim_mod.simulate(40, seed=3)
    for r in one.reports:
        assert r.notes and r.notes[0].isupper() and "." in r.notes
        assert str(r.date_start.year) in r.notes


def test_metrics_are_one_for_a_perfect_clustering() -> None:
    truth = {"a": "X", "b": "X", "c": "Y", "d": "Z"}
    renamed = {"a": "1", "b": "1", "c": "2", "d": "3"}
    for scores in (sim_mod.pairwise(truth, renamed), sim_mod.bcubed(truth, renamed)):
        assert scores.precision == scores.recall == scores.f1 == 1.0


def test_metrics_on_a_hand_made_case() -> None:
    truth = {"a": "X", "b": "X", "c": "X", "d": "Y", "e": "Y"}
    predicted = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "2"}
    # Pairs together in both: a-b and d-e, of 4 predicted pairs and 4 true pairs.
    pair = sim_mod.pairwise(truth, predicted)
    assert (pair.precision, pair.recall, pair.f1) == (0.5, 0.5, 0.5)
    # B-cubed: precision (1 + 1 + 1/3 + 2/3 + 2/3) / 5, recall (2/3 + 2/3 + 1/3 + 1 + 1) / 5.
    b3 = sim_mod.bcubed(truth, predicted)
    assert b3.precision == pytest.approx(11 / 15)
    assert b3.recall == pytest.approx(11 / 15)
    assert b3.f1 == pytest.approx(11 / 15)


def test_metrics_edge_cases() -> None:
    truth = {"a": "X", "b": "X", "c": "Y"}
    singletons = {"a": "1", "b": "2", "c": "3"}
    pair = sim_mod.pairwise(truth, singletons)
    assert (pair.precision, pair.recall, pair.f1) == (1.0, 0.0, 0.0)
    b3 = sim_mod.bcubed(truth, singletons)
    assert b3.precision == 1.0 and b3.recall == pytest.approx((0.5 + 0.5 + 1) / 3)
    lumped = {"a": "1", "b": "1", "c": "1"}
    assert sim_mod.pairwise(truth, lumped).precision == pytest.approx(1 / 3)
    assert sim_mod.bcubed(truth, lumped).recall == 1.0
    with pytest.raises(ValueError, match="different items"):
        sim_mod.pairwise(truth, {"a": "1"})


def test_bcubed_by_label_averages_to_the_whole() -> None:
    truth = {"a": "X", "b": "X", "c": "X", "d": "Y", "e": "Y"}
    predicted = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "2"}
    labels = {"a": "day", "b": "day", "c": "month", "d": "day", "e": "month"}
    parts = sim_mod.bcubed_by(truth, predicted, labels)
    assert {k: n for k, (n, _) in parts.items()} == {"day": 3, "month": 2}
    whole = sim_mod.bcubed(truth, predicted)
    assert sum(n * s.precision for n, s in parts.values()) / 5 == pytest.approx(whole.precision)
    assert sum(n * s.recall for n, s in parts.values()) / 5 == pytest.approx(whole.recall)
    month = parts["month"][1]  # precision and recall of c: 1/3 and 1/3; of e: 2/3 and 1
    assert month.precision == pytest.approx(1 / 2) and month.recall == pytest.approx(2 / 3)


def test_noise_labels_cover_every_report(sim: Any) -> None:
    labels = sim_mod.noise_labels(sim)
    assert set(labels) == {"date", "place", "copy", "twin"}
    for by_report in labels.values():
        assert set(by_report) == set(sim.truth)
    assert set(labels["twin"].values()) == {"has twin", "no twin"}
