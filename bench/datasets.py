"""Benchmark: how fast coded data sets go in and out.

Builds an ACLED-layout file of N events from the sample corpus (fresh IDs,
dates spread over two years), then times parsing, importing into a fresh
database (raw document first, then each report), and exporting again.

    .venv/bin/python bench/datasets.py [--rows 20000] [--database URL]
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from truce import scenarios
from truce.domain.access import OPERATIONS_CENTRE
from truce.formats.acled import read_acled, write_acled
from truce.services import export_reports, import_dataset
from truce.store.database import make_engine, migrate
from truce.store.uow import UnitOfWork


def synthetic_acled(rows: int) -> bytes:
    sample = scenarios.load("astana-2016").sample_acled.decode()
    reader = csv.DictReader(io.StringIO(sample))
    base = list(reader)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [], lineterminator="\n")
    writer.writeheader()
    for n in range(rows):
        row = dict(base[n % len(base)])
        day = date(2016, 1, 1) + timedelta(days=n % 730)
        row.update(
            event_id_cnty=f"SYRBENCH{n:07d}",
            event_date=day.isoformat(),
            year=str(day.year),
            time_precision="1",
        )
        writer.writerow(row)
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--database", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()
    content = synthetic_acled(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(url)
        migrate(engine)
        with UnitOfWork(engine) as uow:
            if uow.reports.count(current_only=False):
                raise SystemExit(f"the benchmark needs an empty database; {url} holds reports")

        started = time.perf_counter()
        parsed = read_acled(content.decode())
        parse_s = time.perf_counter() - started
        assert len(parsed.reports) == args.rows, parsed.rejected[:3]

        started = time.perf_counter()
        with UnitOfWork(engine) as uow:
            summary = import_dataset(
                uow=uow,
                who=OPERATIONS_CENTRE,
                fmt="acled",
                content=content,
                now=datetime.now(UTC),
                max_bytes=len(content) + 1,
            )
        import_s = time.perf_counter() - started
        assert summary.imported == args.rows

        started = time.perf_counter()
        with UnitOfWork(engine) as uow:
            written = export_reports(uow=uow, who=OPERATIONS_CENTRE, fmt="acled")
        export_s = time.perf_counter() - started
        assert written.rows == args.rows and not written.losses

        started = time.perf_counter()
        write_acled(parsed.reports)
        write_s = time.perf_counter() - started
        engine.dispose()

    mib = len(content) / 2**20
    print(f"rows: {args.rows:,} ({mib:.1f} MiB of ACLED CSV), database: {url.split(':')[0]}")
    print(f"parse ACLED CSV:            {args.rows / parse_s:10,.0f} rows/s  ({parse_s:.2f} s)")
    print(f"import (store doc+reports): {args.rows / import_s:10,.0f} rows/s  ({import_s:.2f} s)")
    print(f"export from the store:      {args.rows / export_s:10,.0f} rows/s  ({export_s:.2f} s)")
    print(f"write ACLED CSV (in memory):{args.rows / write_s:10,.0f} rows/s  ({write_s:.2f} s)")


if __name__ == "__main__":
    main()
