"""Benchmark: `truce incidents export` at scale, in each format. Prints rows per second and
the peak resident memory of the exporting process.

1. Builds a store of --incidents incidents (default 100,000) with current findings in a
   migrated SQLite file, with bench/api.py's builder (ten years, 14 governorates).
2. For each format (geojson, csv, json), runs the export in a fresh process, through
   `services.incident_export.export_incidents` as `truce incidents export --out` does, and
   reports rows/s and the process's peak RSS (VmHWM; `resource.getrusage` where there is
   no /proc), beside its RSS when the export began: bounded memory means the difference
   stays flat as the store grows.

    .venv/bin/python bench/incident_export.py [--incidents 100000] [--workdir DIR] [--public]
                                              [--formats geojson,csv,json]

`--public` exports as a member of the public too, which adds the redaction step (one query
for the reports of each page).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from truce.config import Settings
from truce.domain.access import OPERATIONS_CENTRE, Principal, Role
from truce.services.incident_export import FORMATS, export_incidents
from truce.services.session import keyring_for, open_store, unit_of_work

sys.path.insert(0, str(Path(__file__).parent))
from api import AGREEMENT, build  # bench/api.py: the million-incident builder

PUBLIC = Principal("anonymous", "un", Role.PUBLIC)
# bench/api.py stores its findings without a body (the API's list reads only the columns);
# the export reads each finding's reasons, so give every finding its whole body, in SQL.
FINDING_BODIES = """
UPDATE findings SET body = json_object(
    'incident_id', incident_id, 'agreement_id', agreement_id, 'category', category,
    'responsible_side', responsible_side, 'occurrence', occurrence, 'attribution', attribution,
    'clauses', json_array(), 'assessed_at', '2027-01-01T00:00:00+00:00',
    'reasons', json_array('judged ' || category || ' by the benchmark', 'a second reason'))
"""


def build_store(database: Path, count: int) -> None:
    build(database, count)
    engine = open_store(Settings(database_url=f"sqlite:///{database}"), upgrade=False)
    with engine.begin() as connection:
        connection.exec_driver_sql(FINDING_BODIES)
    engine.dispose()


def _memory_mb() -> tuple[float, float]:
    """(resident now, peak resident) of this process, in MB. Linux keeps `ru_maxrss` across
    exec, so a child started by a parent that built the store would report the parent's
    peak: read the kernel's own figures for this process instead when there are any."""
    try:
        with open("/proc/self/status") as status:
            fields = dict(line.split(":", 1) for line in status)
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        return peak, peak


def run_one(database: Path, fmt: str, out: Path, public: bool) -> dict[str, float | int | str]:
    """One export in this process; its figures."""
    settings = Settings(database_url=f"sqlite:///{database}", keys_dir=out.parent / "keys")
    engine = open_store(settings, upgrade=False)
    before, _ = _memory_mb()
    started, cpu = time.perf_counter(), time.process_time()
    with (
        unit_of_work(engine, keyring_for(settings), read_only=True) as uow,
        out.open("w", encoding="utf-8", newline="") as handle,
    ):
        rows = export_incidents(
            uow=uow,
            who=PUBLIC if public else OPERATIONS_CENTRE,
            fmt=fmt,
            out=handle,
            agreement_id=AGREEMENT,
        )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "format": fmt,
        "who": "public" if public else "ops-centre",
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "rows_per_cpu_s": round(rows / cpu),  # steadier than wall time on a busy machine
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(_memory_mb()[1], 1),
        "file_mb": round(out.stat().st_size / 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--public", action="store_true", help="also export as the public")
    parser.add_argument("--formats", default=",".join(FORMATS), help="default: %(default)s")
    parser.add_argument("--run", nargs=3, metavar=("DB", "FORMAT", "WHO"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:  # the child: one export, its figures as JSON
        database, fmt, who = args.run
        out = Path(database).with_name(f"export-{who}.{fmt}")
        print(json.dumps(run_one(Path(database), fmt, out, who == "public")))
        return

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="truce-bench-export-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / f"incidents-{args.incidents}.db"
    print(f"incident export benchmark: {os.cpu_count()} CPUs, {args.incidents:,} incidents\n")
    if not database.exists():
        started = time.perf_counter()
        build_store(database, args.incidents)
        print(f"(built the store in {time.perf_counter() - started:.0f} s: {database})\n")
    formats = args.formats.split(",")
    runs = [(fmt, "ops-centre") for fmt in formats]
    if args.public:
        runs += [(fmt, "public") for fmt in formats]
    header = f"{'format':9}{'as':12}{'rows':>10}{'s':>8}{'rows/s':>9}{'rows/CPU s':>12}"
    print(header + f"{'RSS before':>12}{'peak RSS':>10}{'file':>9}")
    results = []
    for fmt, who in runs:
        child = subprocess.run(
            [sys.executable, __file__, "--run", str(database), fmt, who],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(child.stdout)
        results.append(r)
        print(
            f"{fmt:9}{who:12}{r['rows']:>10,}{r['seconds']:>8.1f}{r['rows_per_s']:>9,}"
            f"{r['rows_per_cpu_s']:>12,}"
            f"{r['rss_before_mb']:>9.0f} MB{r['peak_rss_mb']:>7.0f} MB{r['file_mb']:>6.0f} MB"
        )
    print(json.dumps({"incidents": args.incidents, "runs": results}))


if __name__ == "__main__":
    main()
