"""Benchmark: batch fusion against simulated ground truth, beside splink on the same reports.

For each size, the simulator (bench/fuse_sim.py) makes true incidents and noisy multi-source
reports of them. `truce.fuse.cluster.fuse_batch` clusters the reports in this one process
(wall clock), and splink (Fellegi-Sunter on DuckDB, pinned in bench/requirements.txt) does
the same on the same reports. Both are scored by pairwise and B-cubed precision, recall and
F1 against the truth. Last, how the time per report grows with size.

    .venv/bin/pip install -r bench/requirements.txt     # splink, for the comparison only
    .venv/bin/python bench/fuse.py [--sizes 10000,100000,1000000] [--seed 7]
                                   [--no-splink] [--splink-max 100000] [--days N]
                                   [--breakdown] [--json FILE]

Targets (issue 4), on the default simulator: B-cubed F1 >= 0.95, and 100k reports fused
in batch in <= 60 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import logging
import math
import os
import re
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuse_sim

from truce.domain.reports import Report
from truce.domain.vocab import ActorRoleKind

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


def load_fuse_batch() -> Callable[..., Any]:
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


def run_ours(
    fuse_batch: Callable[..., Any], sim: fuse_sim.Simulation
) -> tuple[Run, dict[str, str]]:
    gc.collect()
    started = time.perf_counter()
    # The outlets' sides, as a deployment knows its sources from the scenario's source list.
    result = fuse_batch(sim.reports, affiliations=fuse_sim.affiliations())
    seconds = time.perf_counter() - started
    assignment: dict[str, str] = result.assignment
    incidents = result.incidents
    missing = len(sim.truth.keys() - assignment.keys())
    if missing:
        sys.exit(f"bench/fuse.py: fuse_batch left {missing} reports without an incident")
    run = score(Run(size=len(sim.reports), system="truce", seconds=seconds), sim.truth, assignment)
    if len(incidents) != run.incidents:
        run.note = f"{len(incidents)} incident records for {run.incidents} assigned ids"
    return run, assignment


def breakdown(sim: fuse_sim.Simulation, predicted: dict[str, str]) -> list[str]:
    out = []
    for kind, labels in fuse_sim.noise_labels(sim).items():
        parts = [
            f"{label} ({n / len(labels):.0%}) {s.precision:.3f}/{s.recall:.3f}"
            for label, (n, s) in fuse_sim.bcubed_by(sim.truth, predicted, labels).items()
        ]
        out.append(f"    B3 P/R by {kind}: " + "; ".join(parts))
    return out


# --- splink --------------------------------------------------------------------------------

MINHASHES = 16  # notes are compared by token-set Jaccard, estimated with this many MinHashes
_TOKEN = re.compile(r"[a-z]{3,}")
_STOP = frozenset({"the", "and", "was", "were", "from", "with", "according", "between", "during"})
_PRIME = (1 << 31) - 1


def tokens(text: str) -> list[str]:
    """The distinct words of a text, for the token-set comparison of notes."""
    return sorted({w for w in _TOKEN.findall(text.lower()) if w not in _STOP})


def minhashes(texts: Sequence[str], k: int = MINHASHES) -> list[list[int | None]]:
    """`k` MinHash columns over each text's word set: the share of columns on which two texts
    agree estimates their Jaccard similarity. Computed here because DuckDB's list functions
    cost ~4 us a pair (a minute per 10M pairs), which would swamp splink's time."""
    import numpy as np

    vocabulary: dict[str, int] = {}
    owners, codes = [], []
    for row, text in enumerate(texts):
        for word in tokens(text):
            owners.append(row)
            codes.append(vocabulary.setdefault(word, zlib.crc32(word.encode()) % _PRIME))
    rng = np.random.default_rng(20170101)
    a = rng.integers(1, _PRIME, size=k, dtype=np.int64)
    b = rng.integers(0, _PRIME, size=k, dtype=np.int64)
    hashed = (np.asarray(codes, dtype=np.int64)[:, None] * a + b) % _PRIME  # (tokens, k)
    out = np.full((len(texts), k), _PRIME, dtype=np.int64)
    np.minimum.at(out, np.asarray(owners, dtype=np.int64), hashed)
    empty = out[:, 0] == _PRIME
    columns: list[list[int | None]] = []
    for i in range(k):
        column: list[int | None] = out[:, i].tolist()
        for row in np.flatnonzero(empty).tolist():
            column[row] = None
        columns.append(column)
    return columns


def splink_rows(reports: Sequence[Report]) -> dict[str, list[object]]:
    """One row per report: the columns splink blocks on and compares."""
    names = (
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
    )
    cols: dict[str, list[object]] = {k: [] for k in names}
    for r in reports:
        mid_ordinal = (r.date_start.toordinal() + r.date_end.toordinal()) // 2
        mid = date.fromordinal(mid_ordinal)
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
            f"{round(r.lat * 4)}:{round(r.lon * 4)}"
            if r.lat is not None and r.lon is not None
            else None
        )
        cols["lat"].append(r.lat)
        cols["lon"].append(r.lon)
        cols["location_name"].append(r.location_name)
        cols["sub_event_type"].append(r.sub_event_type)
        cols["perp_side"].append(perp.side if perp else None)
        cols["target_side"].append(target.side if target else None)
        cols["fatalities"].append(r.best_fatalities())
    for i, column in enumerate(minhashes([r.notes or "" for r in reports])):
        cols[f"mh{i}"] = list(column)
    return cols


def splink_settings() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    agree = " + ".join(f"(mh{i}_l = mh{i}_r)::int" for i in range(MINHASHES))
    notes_levels = [
        cll.CustomLevel(f"{agree} >= {round(share * MINHASHES)}", f"notes Jaccard ~>= {share}")
        for share in (0.7, 0.5, 0.3)
    ]
    return SettingsCreator(
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
            cl.CustomComparison(
                output_column_name="notes",
                comparison_levels=[cll.NullLevel("mh0"), *notes_levels, cll.ElseLevel()],
            ),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def run_splink(sim: fuse_sim.Simulation, seed: int) -> Run:
    """Fellegi-Sunter with splink 5 on DuckDB: u by random sampling, m by EM, predict, cluster.

    Timed from the reports (building splink's rows is part of its cost, as computing
    features is part of ours) to the clusters read back."""
    import duckdb
    from splink import DuckDBAPI, Linker, block_on

    started = time.perf_counter()
    rows = splink_rows(sim.reports)
    connection = duckdb.connect(":memory:")
    connection.execute("SET enable_progress_bar = false")
    db_api = DuckDBAPI(connection)
    table = db_api.register(rows, table_name="reports")
    linker = Linker(table, splink_settings(), log_level=logging.ERROR)
    training = linker.training
    # The prior, from a rule that admits almost no false matches and a guess at its recall
    # (dates and place names must agree to the letter, which most true pairs do not).
    training.estimate_probability_two_random_records_match(
        [
            "l.date_start = r.date_start and l.date_mid = r.date_mid "
            "and l.location_name = r.location_name and l.sub_event_type = r.sub_event_type "
            "and l.perp_side = r.perp_side"
        ],
        recall=0.15,
    )
    training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)
    # m by EM, in two sessions whose blocks each hold a fair share of matches: the first fixes
    # date and place, so trains the rest; the second trains date and place.
    training.estimate_parameters_using_expectation_maximisation(
        block_on("date_mid", "round(lat * 4)", "round(lon * 4)")
    )
    training.estimate_parameters_using_expectation_maximisation(
        block_on("sub_event_type", "perp_side", "target_side", "admin1", "fatalities", "month")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.5, warning_mode="never")
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
    timed = [(r.size, r.seconds) for r in runs if r.system == system and r.seconds]
    out = []
    for (n_a, t_a), (n_b, t_b) in itertools.pairwise(timed):
        per_a, per_b = t_a / n_a * 1e6, t_b / n_b * 1e6
        exponent = math.log(t_b / t_a) / math.log(n_b / n_a)
        out.append(
            f"  {system:<7} {n_a:>9,} -> {n_b:>9,}: time x{t_b / t_a:.2f} for size "
            f"x{n_b / n_a:.0f}; {per_a:.1f} -> {per_b:.1f} us per report "
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
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also print our B-cubed precision/recall by each kind of noise",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]

    fuse_batch = load_fuse_batch()
    splink_error, splink_version = None, None
    if not args.no_splink:
        try:
            import splink

            splink_version = splink.__version__
        except ImportError as exc:
            splink_error = f"splink not installed ({exc}): pip install -r bench/requirements.txt"
    print(
        f"fusion benchmark: seed {args.seed}, {os.cpu_count()} CPUs, python "
        f"{sys.version.split()[0]}" + (f", splink {splink_version}" if splink_version else "")
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
        ours, assignment = run_ours(fuse_batch, sim)
        runs.append(ours)
        print(line(ours, len(sim.incidents)), flush=True)
        if args.breakdown:
            print("\n".join(breakdown(sim, assignment)), flush=True)
        del assignment
        if not args.no_splink:
            runs.append(compare(sim, args, splink_error))
            print(line(runs[-1], len(sim.incidents)), flush=True)
        del sim
        gc.collect()
    report(runs)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in runs], indent=2) + "\n")


def compare(sim: fuse_sim.Simulation, args: argparse.Namespace, splink_error: str | None) -> Run:
    size = len(sim.reports)
    if splink_error:
        return Run(size=size, system="splink", note=f"skipped: {splink_error}")
    if size > args.splink_max:
        note = f"skipped (above --splink-max {args.splink_max:,})"
        return Run(size=size, system="splink", note=note)
    try:
        return run_splink(sim, args.seed)
    except Exception as exc:  # report and carry on: ours is what is measured
        return Run(size=size, system="splink", note=f"failed: {type(exc).__name__}: {exc}")


def report(runs: list[Run]) -> None:
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


if __name__ == "__main__":
    main()
