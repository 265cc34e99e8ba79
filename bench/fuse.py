"""Benchmark: batch fusion against simulated ground truth, beside splink on the same reports.

For each size, the simulator (bench/fuse_sim.py) makes true incidents and noisy multi-source
reports of them. `truce.fuse.cluster.fuse_batch` clusters the reports in this one process
(wall clock), and splink (Fellegi-Sunter on DuckDB, pinned in bench/requirements.txt) does
the same on the same reports. Both are scored by pairwise and B-cubed precision, recall and
F1 against the truth. Last, how the time per report grows with size.

    .venv/bin/pip install -r bench/requirements.txt     # splink, for the comparison only
    .venv/bin/python bench/fuse.py [--sizes 10000,100000,1000000] [--seed 7]
                                   [--no-splink] [--splink-max 100000] [--days N]

Targets (issue 4), on the default simulator: B-cubed F1 >= 0.95, and 100k reports fused
in batch in <= 60 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuse_sim  # noqa: E402  (bench/ is not a package)

from truce.domain.reports import Report  # noqa: E402
from truce.domain.vocab import ActorRoleKind  # noqa: E402

SPLINK_THRESHOLD = 0.9
B3_TARGET = 0.95
SECONDS_TARGET = 60.0  # for 100k reports


@dataclass
class Run:
    size: int
    system: str
    incidents: int | None = None
    pair_p: float | None = None
    pair_r: float | None = None
    pair_f1: float | None = None
    b3_p: float | None = None
    b3_r: float | None = None
    b3_f1: float | None = None
    seconds: float | None = None
    note: str = ""

    @property
    def per_second(self) -> float | None:
        return self.size / self.seconds if self.seconds else None


def load_fuse_batch() -> Callable[[Sequence[Report]], object]:
    try:
        from truce.fuse.cluster import fuse_batch
    except ImportError as exc:
        sys.exit(
            "bench/fuse.py: cannot import truce.fuse.cluster.fuse_batch "
            f"({exc}). The fusion module must exist before it can be benchmarked."
        )
    return fuse_batch


def score(run: Run, truth: dict[str, str], predicted: dict[str, str]) -> Run:
    pair = fuse_sim.pairwise(truth, predicted)
    b3 = fuse_sim.bcubed(truth, predicted)
    run.incidents = len(set(predicted.values()))
    run.pair_p, run.pair_r, run.pair_f1 = pair.precision, pair.recall, pair.f1
    run.b3_p, run.b3_r, run.b3_f1 = b3.precision, b3.recall, b3.f1
    return run


def run_ours(fuse_batch: Callable[[Sequence[Report]], object], sim: fuse_sim.Simulation) -> Run:
    gc.collect()
    started = time.perf_counter()
    result = fuse_batch(sim.reports)
    seconds = time.perf_counter() - started
    assignment: dict[str, str] = result.assignment  # type: ignore[attr-defined]
    incidents = result.incidents  # type: ignore[attr-defined]
    missing = len(sim.truth.keys() - assignment.keys())
    if missing:
        sys.exit(f"bench/fuse.py: fuse_batch left {missing} reports without an incident")
    run = score(Run(size=len(sim.reports), system="truce", seconds=seconds), sim.truth, assignment)
    if len(incidents) != run.incidents:
        run.note = f"{len(incidents)} incident records for {run.incidents} assigned ids"
    return run


# --- splink --------------------------------------------------------------------------------


def splink_rows(reports: Sequence[Report]) -> dict[str, list[object]]:
    """One row per report: the columns splink blocks on and compares."""
    cols: dict[str, list[object]] = {
        k: []
        for k in (
            "unique_id",
            "date_start",
            "date_mid",
            "week",
            "week_shift",
            "month",
            "admin1",
            "grid",
            "lat",
            "lon",
            "location_name",
            "sub_event_type",
            "perp_side",
            "target_side",
            "fatalities",
            "notes",
        )
    }
    for r in reports:
        mid_ordinal = (r.date_start.toordinal() + r.date_end.toordinal()) // 2
        mid = r.date_start.fromordinal(mid_ordinal)
        perp = r.first_actor(ActorRoleKind.PERPETRATOR)
        target = r.first_actor(ActorRoleKind.TARGET)
        cols["unique_id"].append(r.id)
        cols["date_start"].append(r.date_start)
        cols["date_mid"].append(mid)
        cols["week"].append(mid_ordinal // 7)
        cols["week_shift"].append((mid_ordinal + 3) // 7)
        cols["month"].append(mid.year * 12 + mid.month)
        cols["admin1"].append(r.admin1)
        cols["grid"].append(
            f"{round((r.lat or 0) * 4)}:{round((r.lon or 0) * 4)}" if r.lat is not None else None
        )
        cols["lat"].append(r.lat)
        cols["lon"].append(r.lon)
        cols["location_name"].append(r.location_name)
        cols["sub_event_type"].append(r.sub_event_type)
        cols["perp_side"].append(perp.side if perp else None)
        cols["target_side"].append(target.side if target else None)
        cols["fatalities"].append(r.best_fatalities())
        cols["notes"].append(r.notes)
    return cols


def run_splink(sim: fuse_sim.Simulation, seed: int) -> Run:
    """Fellegi-Sunter with splink 5 on DuckDB: u by random sampling, m by EM, predict, cluster."""
    import duckdb
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    rows = splink_rows(sim.reports)
    started = time.perf_counter()
    db_api = DuckDBAPI(duckdb.connect(":memory:"))
    table = db_api.register(rows, table_name="reports")
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("admin1", "week"),
            block_on("admin1", "week_shift"),
            block_on("grid", "month"),
        ],
        comparisons=[
            cl.AbsoluteDateDifferenceAtThresholds(
                "date_mid",
                input_is_string=False,
                metrics=["day", "day", "day"],
                thresholds=[1, 3, 15],
            ),
            cl.DistanceInKMAtThresholds("lat", "lon", km_thresholds=[2, 15, 50]),
            cl.ExactMatch("sub_event_type"),
            cl.ExactMatch("perp_side"),
            cl.ExactMatch("target_side"),
            cl.CustomComparison(
                output_column_name="fatalities",
                comparison_levels=[
                    cll.NullLevel("fatalities"),
                    cll.ExactMatchLevel("fatalities"),
                    cll.PercentageDifferenceLevel("fatalities", 0.34),
                    cll.PercentageDifferenceLevel("fatalities", 0.67),
                    cll.ElseLevel(),
                ],
            ),
            cl.JaroWinklerAtThresholds("notes", [0.95, 0.85, 0.75]),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(table, settings, log_level=logging.WARNING)
    training = linker.training
    # The prior: a deterministic rule that admits almost no false matches, and a guess at
    # its recall (dates and place names must agree exactly; most true pairs differ).
    training.estimate_probability_two_random_records_match(
        [
            "l.date_start = r.date_start and l.date_mid = r.date_mid "
            "and l.location_name = r.location_name and l.sub_event_type = r.sub_event_type "
            "and l.perp_side = r.perp_side"
        ],
        recall=0.15,
    )
    training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)
    training.estimate_parameters_using_expectation_maximisation(block_on("grid", "date_start"))
    training.estimate_parameters_using_expectation_maximisation(
        block_on("admin1", "week", "sub_event_type")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=SPLINK_THRESHOLD
    )
    pairs = clusters.as_duckdbpyrelation().select("unique_id, cluster_id").fetchall()
    seconds = time.perf_counter() - started
    predicted = {str(uid): str(cluster) for uid, cluster in pairs}
    run = Run(size=len(sim.reports), system="splink", seconds=seconds)
    return score(run, sim.truth, predicted)


# --- printing ------------------------------------------------------------------------------


def _f(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


HEADER = (
    f"{'reports':>9} {'system':<7} {'true inc':>9} {'found':>8} "
    f"{'pair P':>7} {'pair R':>7} {'pair F1':>7} {'B3 P':>7} {'B3 R':>7} {'B3 F1':>7} "
    f"{'seconds':>9} {'reports/s':>10}"
)


def line(run: Run, true_incidents: int) -> str:
    if run.seconds is None:
        return f"{run.size:>9} {run.system:<7} {true_incidents:>9}  {run.note}"
    text = (
        f"{run.size:>9} {run.system:<7} {true_incidents:>9} {run.incidents:>8} "
        f"{_f(run.pair_p, '.4f'):>7} {_f(run.pair_r, '.4f'):>7} {_f(run.pair_f1, '.4f'):>7} "
        f"{_f(run.b3_p, '.4f'):>7} {_f(run.b3_r, '.4f'):>7} {_f(run.b3_f1, '.4f'):>7} "
        f"{run.seconds:>9.2f} {_f(run.per_second, ',.0f'):>10}"
    )
    return f"{text}  {run.note}" if run.note else text


def growth(runs: list[Run], system: str) -> list[str]:
    timed = [r for r in runs if r.system == system and r.seconds]
    out = []
    for a, b in zip(timed, timed[1:], strict=False):
        per_a, per_b = a.seconds / a.size * 1e6, b.seconds / b.size * 1e6  # type: ignore[operator]
        exponent = math.log(b.seconds / a.seconds) / math.log(b.size / a.size)  # type: ignore[operator]
        out.append(
            f"  {system:<7} {a.size:>9,} -> {b.size:>9,}: time x{b.seconds / a.seconds:.2f} "  # type: ignore[operator]
            f"for size x{b.size / a.size:.0f}; {per_a:.1f} -> {per_b:.1f} us/report "
            f"(x{per_b / per_a:.2f}); time ~ n^{exponent:.2f}"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-splink", action="store_true", help="run ours only")
    parser.add_argument(
        "--splink-max", type=int, default=100_000, help="skip splink above this many reports"
    )
    parser.add_argument(
        "--days",
        type=int,
        default=None,
        help="fix the simulated period (default: 100k reports a year, from 1 January 2017)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]

    fuse_batch = load_fuse_batch()
    splink_error = None
    if not args.no_splink:
        try:
            import splink

            splink_version = splink.__version__
        except ImportError as exc:
            splink_error = f"splink not installed ({exc}): pip install -r bench/requirements.txt"
            splink_version = None
    print(
        f"fusion benchmark: seed {args.seed}, {os.cpu_count()} CPUs, python "
        f"{sys.version.split()[0]}"
        + (f", splink {splink_version}" if not args.no_splink and not splink_error else "")
    )
    runs: list[Run] = []
    for size in sizes:
        started = time.perf_counter()
        sim = fuse_sim.simulate(size, seed=args.seed, days=args.days)
        sim_seconds = time.perf_counter() - started
        noise = fuse_sim.noise_summary(sim.reports)
        print()
        print(
            f"{size:,} reports of {len(sim.incidents):,} true incidents over {sim.days} days "
            f"from {fuse_sim.START} (simulated in {sim_seconds:.1f} s); "
            + ", ".join(f"{k} {v:.0%}" for k, v in noise.items())
        )
        print(HEADER)
        ours = run_ours(fuse_batch, sim)
        runs.append(ours)
        print(line(ours, len(sim.incidents)), flush=True)
        if args.no_splink:
            continue
        if splink_error:
            other = Run(size=size, system="splink", note=f"skipped: {splink_error}")
        elif size > args.splink_max:
            other = Run(size=size, system="splink", note=f"skipped (above --splink-max {args.splink_max:,})")
        else:
            try:
                other = run_splink(sim, args.seed)
            except Exception as exc:  # report and carry on: ours is what is measured
                other = Run(size=size, system="splink", note=f"failed: {type(exc).__name__}: {exc}")
        runs.append(other)
        print(line(other, len(sim.incidents)), flush=True)
        del sim
        gc.collect()

    print()
    print("how time grows with size:")
    for system in ("truce", "splink"):
        for text in growth(runs, system):
            print(text)
    print()
    print("targets:")
    for run in runs:
        if run.system != "truce":
            continue
        verdict = "met" if (run.b3_f1 or 0) >= B3_TARGET else "MISSED"
        print(f"  B-cubed F1 >= {B3_TARGET} at {run.size:,}: {run.b3_f1:.4f} {verdict}")
    hundred_k = next((r for r in runs if r.system == "truce" and r.size == 100_000), None)
    if hundred_k is not None and hundred_k.seconds is not None:
        verdict = "met" if hundred_k.seconds <= SECONDS_TARGET else "MISSED"
        print(f"  100k reports in <= {SECONDS_TARGET:.0f} s: {hundred_k.seconds:.1f} s {verdict}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in runs], indent=2) + "\n")


if __name__ == "__main__":
    main()
