"""Benchmark: the API's filtered incident list and dashboard counts at a million incidents,
served by uvicorn (`truce serve`), beside Datasette serving the same SQLite table.

1. Builds a store of --incidents incidents (default 1,000,000) over ten years, each with a
   current finding, by bulk insert into a migrated SQLite file.
2. Starts `truce serve` and `datasette serve` on that file.
3. Sends the same filtered queries to both, one at a time over a kept-alive connection
   (p50, p99 latency) and from 8 threads at once (requests per second).

    .venv/bin/pip install -r bench/requirements.txt        # datasette, for the comparison
    .venv/bin/python bench/api.py [--incidents 1000000] [--requests 300] [--workdir DIR]

Target (issue 6): p50 under 50 ms for the filtered list at 1M incidents.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert

from truce.store import tables as t
from truce.store.database import make_engine, migrate

GOVERNORATES = (
    "Idleb",
    "Aleppo",
    "Hama",
    "Homs",
    "Rural Damascus",
    "Damascus",
    "Dar'a",
    "Quneitra",
    "Lattakia",
    "Tartous",
    "Deir-ez-Zor",
    "Ar-Raqqa",
    "Al-Hasakeh",
    "As-Sweida",
)
SUBS = (
    "Shelling/artillery/missile attack",
    "Air/drone strike",
    "Armed clash",
    "Attack",
    "Remote explosive/landmine/IED",
)
CATEGORIES = (
    "violation_serious",
    "violation_minor",
    "not_a_violation",
    "undetermined",
    "contested_exclusion",
    "excluded_target",
    "not_an_incident",
)
START = date(2017, 1, 1)
DAYS = 3650
AGREEMENT = "astana-2016"


def build(path: Path, count: int) -> None:
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    rng = random.Random(7)
    now = datetime(2027, 1, 1, tzinfo=UTC)
    batch_i, batch_f = [], []
    with engine.begin() as c:
        for k in range(count):
            day = START + timedelta(days=rng.randrange(DAYS))
            gov = rng.choice(GOVERNORATES)
            lat, lon = 32.5 + rng.random() * 4.5, 35.8 + rng.random() * 6.0
            sub = rng.choice(SUBS)
            incident_id = f"inc_{k:024x}"
            body = {
                "id": incident_id,
                "report_ids": [f"rep_{k:032x}"],
                "former_ids": [],
                "date_start": day.isoformat(),
                "date_end": day.isoformat(),
                "date_precision": "day",
                "location_name": f"Place {k % 5000}",
                "admin1": gov,
                "lat": lat,
                "lon": lon,
                "location_precision": 1,
                "event_type": "Explosions/Remote violence" if sub != "Armed clash" else "Battles",
                "sub_event_type": sub,
                "fatalities_best": k % 7,
                "claims": {},
            }
            batch_i.append(
                {
                    "id": incident_id,
                    "date_start": day,
                    "admin1": gov,
                    "sub_event_type": sub,
                    "lat": lat,
                    "lon": lon,
                    "public_lat": lat,
                    "public_lon": lon,
                    "updated_at": now,
                    "body": body,
                }
            )
            category = rng.choice(CATEGORIES)
            side = (
                rng.choice(("government", "opposition"))
                if category.startswith("violation")
                else None
            )
            batch_f.append(
                {
                    "incident_id": incident_id,
                    "agreement_id": AGREEMENT,
                    "category": category,
                    "responsible_side": side,
                    "occurrence": rng.choice(("C1", "C2", "C3", "C4")),
                    "attribution": "likely",
                    "current": True,
                    "actor": "bench",
                    "reason": None,
                    "assessed_at": now,
                    "body": {},
                }
            )
            if len(batch_i) == 20_000:
                c.execute(insert(t.incidents), batch_i)
                c.execute(insert(t.findings), batch_f)
                batch_i, batch_f = [], []
        if batch_i:
            c.execute(insert(t.incidents), batch_i)
            c.execute(insert(t.findings), batch_f)
    with engine.begin() as c:
        c.exec_driver_sql("ANALYZE")
    engine.dispose()


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str) -> None:
    for _ in range(300):
        try:
            httpx.get(url, timeout=5)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"bench/api.py: {url} did not answer")


def serve_truce(path: Path, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
    env |= {"TRUCE_DATABASE_URL": f"sqlite:///{path}", "TRUCE_KEYS_DIR": str(workdir / "keys")}
    process = subprocess.Popen(
        [sys.executable, "-m", "truce", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    _wait(f"{base}/api/openapi.json")
    return process, base


def serve_datasette(path: Path) -> tuple[subprocess.Popen[bytes], str]:
    exe = shutil.which("datasette", path=str(Path(sys.executable).parent)) or "datasette"
    port = _port()
    process = subprocess.Popen(
        [exe, "serve", str(path), "--port", str(port), "--setting", "sql_time_limit_ms", "10000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    _wait(f"{base}/-/versions.json")
    return process, base


def list_params(rng: random.Random) -> dict[str, str]:
    start = START + timedelta(days=rng.randrange(DAYS - 180))
    return {
        "governorate": rng.choice(GOVERNORATES),
        "finding": rng.choice(CATEGORIES[:2]),
        "start": start.isoformat(),
        "end": (start + timedelta(days=180)).isoformat(),
        "limit": "50",
    }


def count_params(rng: random.Random) -> dict[str, str]:
    start = START + timedelta(days=rng.randrange(DAYS - 30))
    return {"start": start.isoformat(), "end": (start + timedelta(days=30)).isoformat()}


LIST_SQL = (
    "select i.body, f.category, f.responsible_side, f.occurrence from incidents i join findings f "
    "on f.incident_id = i.id and f.agreement_id = 'astana-2016' and f.current = 1 "
    "where i.admin1 = :governorate and f.category = :finding and i.date_start >= :start "
    "and i.date_start <= :end order by i.date_start desc, i.id desc limit 51"
)
COUNT_SQL = (
    "select i.admin1, f.responsible_side, count(*) "
    "from incidents i join findings f on f.incident_id = i.id "
    "where f.agreement_id = 'astana-2016' and f.current = 1 and f.category in "
    "('violation_serious', 'violation_minor') and i.date_start >= :start and i.date_start <= :end "
    "group by i.admin1, f.responsible_side"
)


def measure(
    get: Callable[[httpx.Client, random.Random], httpx.Response], requests: int
) -> tuple[float, float, float]:
    rng = random.Random(11)
    timings = []
    with httpx.Client(timeout=60) as client:
        get(client, rng)  # warm up
        for _ in range(requests):
            started = time.perf_counter()
            answer = get(client, rng)
            timings.append(time.perf_counter() - started)
            if answer.status_code != 200:
                raise SystemExit(f"bench/api.py: {answer.status_code} {answer.text[:300]}")
    timings.sort()

    def worker(seed: int) -> int:
        local = random.Random(seed)
        with httpx.Client(timeout=60) as client:
            for _ in range(requests // 8):
                get(client, local)
        return requests // 8

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        done = sum(pool.map(worker, range(8)))
    rps = done / (time.perf_counter() - started)
    return statistics.median(timings) * 1000, timings[int(len(timings) * 0.99) - 1] * 1000, rps


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="truce-bench-api-"))
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "incidents.db"
    print(
        f"API benchmark: {os.cpu_count()} CPUs, {args.incidents:,} incidents, "
        f"{args.requests} requests each\n"
    )
    if not path.exists():
        started = time.perf_counter()
        build(path, args.incidents)
        print(f"(built the store in {time.perf_counter() - started:.0f} s: {path})\n")
    truce, truce_url = serve_truce(path, workdir)
    datasette, datasette_url = serve_datasette(path)
    try:
        rows = {
            "truce  filtered list": lambda c, r: c.get(
                f"{truce_url}/api/incidents", params=list_params(r)
            ),
            "datasette  same query": lambda c, r: c.get(
                f"{datasette_url}/incidents.json",
                params={"sql": LIST_SQL, **list_params(r), "_shape": "array"},
            ),
            "truce  dashboard counts": lambda c, r: c.get(
                f"{truce_url}/api/stats/counts", params=count_params(r)
            ),
            "datasette  same counts": lambda c, r: c.get(
                f"{datasette_url}/incidents.json",
                params={"sql": COUNT_SQL, **count_params(r), "_shape": "array"},
            ),
        }
        print(f"{'':26}{'p50 ms':>9}{'p99 ms':>9}{'req/s (8 clients)':>20}")
        results = {}
        for name, get in rows.items():
            p50, p99, rps = measure(get, args.requests)
            results[name] = p50
            print(f"{name:26}{p50:9.1f}{p99:9.1f}{rps:20.0f}")
        p50 = results["truce  filtered list"]
        print(
            f"\ntarget: filtered list p50 < 50 ms at {args.incidents:,}: {p50:.1f} ms "
            f"{'met' if p50 < 50 else 'MISSED'}"
        )
        print(json.dumps({"incidents": args.incidents, **results}))
    finally:
        for process in (truce, datasette):
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
