"""Intake latency as the store grows: submit one text, and review one report, in a store of
10k, 100k and 1M reports (SQLite; PostgreSQL too when --database is given).

The store is filled straight into the tables (reports, one incident each, findings), then the
real use cases run through the services, as the API would call them: a text is stored, read,
placed among its neighbours and judged; a review re-consolidates and re-judges its incident.

    .venv/bin/python bench/intake.py                      # 10k, 100k, 1M on SQLite
    .venv/bin/python bench/intake.py --sizes 10000,100000 --database postgresql://u:p@h/db
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, text

from truce.domain.access import OPERATIONS_CENTRE, Principal, Role
from truce.domain.reports import Report
from truce.domain.reviews import ReviewAction
from truce.services.extraction import store_resources, submit_text
from truce.services.reviews import review_report
from truce.services.scenarios import load_scenario
from truce.store import tables as t
from truce.store.database import make_engine, migrate
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

START = date(2013, 1, 1)
DAYS = 3650
ANALYST = Principal("analyst", "un", Role.ANALYST)
PLACES = [
    ("Maarat al-Numan", "Idleb", 35.643, 36.674),
    ("Douma", "Rural Damascus", 33.571, 36.405),
    ("Daraa", "Dar'a", 32.625, 36.106),
    ("Khan Shaykhun", "Idleb", 35.441, 36.651),
    ("Al-Bab", "Aleppo", 36.370, 37.515),
    ("Kafr Zita", "Hama", 35.375, 36.600),
]
TEXT = (
    "{place}, {day:%d %B %Y} — Government forces shelled residential areas of {place} on "
    "{day:%A}, killing {dead} civilians, a local monitor said. The Syrian Observatory for "
    "Human Rights reported that artillery fire hit the town's market in the morning."
)


GAZETTEER = Path(__file__).resolve().parents[2] / "shared/data/gazetteer/syria_places.tsv"


def places() -> list[tuple[str, str, float, float]]:
    """Where stored reports are placed: Syria's populated places (the shared gazetteer) when
    it is at hand, else the few towns above. Real reports spread over the country; piling a
    million onto six towns would measure a density no store has."""
    if not GAZETTEER.exists():
        return PLACES
    out = []
    for line in GAZETTEER.read_text().splitlines()[1:]:
        cells = line.split("\t")
        gov = cells[6].split(":", 1)[-1] or "Idleb"
        out.append((cells[0], gov, float(cells[3]), float(cells[4])))
    return out


def fill(engine: Engine, count: int, seed: int = 7) -> None:
    """`count` reports, one incident and one finding each, spread over ten years and over
    Syria's populated places."""
    rng = random.Random(seed)
    spread = places()
    now = datetime(2024, 1, 1, tzinfo=UTC)
    template = Report.parse(
        {
            "date_start": "2017-01-01",
            "date_end": "2017-01-01",
            "date_precision": "day",
            "location_name": "Place",
            "admin1": "Idleb",
            "lat": 35.0,
            "lon": 36.0,
            "location_precision": 1,
            "event_type": "Explosions/Remote violence",
            "sub_event_type": "Shelling/artillery/missile attack",
        }
    ).to_plain()
    reports, incidents, members, findings = [], [], [], []

    def flush() -> None:
        with engine.begin() as c:
            for table, rows in (
                (t.reports, reports),
                (t.incidents, incidents),
                (t.incident_members, members),
                (t.findings, findings),
            ):
                if rows:
                    c.execute(insert(table), rows)
        for rows in (reports, incidents, members, findings):
            rows.clear()

    for k in range(count):
        day = START + timedelta(days=rng.randrange(DAYS))
        name, gov, lat, lon = rng.choice(spread)
        lat, lon = lat + rng.uniform(-0.01, 0.01), lon + rng.uniform(-0.01, 0.01)
        report_id, incident_id = f"rep_{k:020x}", f"inc_{k:020x}"
        body = template | {
            "id": report_id,
            "date_start": day.isoformat(),
            "date_end": day.isoformat(),
            "admin1": gov,
            "lat": lat,
            "lon": lon,
            "location_name": f"{name} {k % 997}",
        }
        reports.append(
            {
                "dataset": "acled",
                "dataset_id": f"SYR{k}",
                "id": report_id,
                "date_start": day,
                "date_end": day,
                "admin1": gov,
                "event_type": body["event_type"],
                "sub_event_type": body["sub_event_type"],
                "current": True,
                "review_status": "pending",
                "stored_at": now,
                "body": body,
            }
        )
        incident = {
            "id": incident_id,
            "report_ids": [report_id],
            "date_start": day.isoformat(),
            "date_end": day.isoformat(),
            "date_precision": "day",
            "admin1": gov,
            "lat": lat,
            "lon": lon,
            "location_precision": 1,
            "claims": {},
            "location_name": body["location_name"],
            "event_type": body["event_type"],
            "sub_event_type": body["sub_event_type"],
        }
        incidents.append(
            {
                "id": incident_id,
                "date_start": day,
                "admin1": gov,
                "lat": lat,
                "lon": lon,
                "public_lat": lat,
                "public_lon": lon,
                "sub_event_type": body["sub_event_type"],
                "updated_at": now,
                "body": incident,
            }
        )
        members.append({"report_id": report_id, "incident_id": incident_id})
        findings.append(
            {
                "incident_id": incident_id,
                "agreement_id": "astana-2016",
                "category": "undetermined",
                "responsible_side": None,
                "occurrence": "C2",
                "attribution": "undetermined",
                "current": True,
                "actor": "bench",
                "reason": None,
                "assessed_at": now,
                "body": {
                    "incident_id": incident_id,
                    "agreement_id": "astana-2016",
                    "category": "undetermined",
                    "occurrence": "C2",
                    "attribution": "undetermined",
                    "reasons": ["bench"],
                    "assessed_at": now.isoformat(),
                },
            }
        )
        if len(reports) == 20_000:
            flush()
    flush()
    with engine.begin() as c:
        c.execute(text("ANALYZE"))


def measure(engine: Engine, keyring: Keyring, runs: int, seed: int = 1) -> dict[str, list[float]]:
    rng = random.Random(seed)
    times: dict[str, list[float]] = {"submit": [], "review": []}
    with UnitOfWork(engine, keyring) as uow:
        resources = store_resources(uow)
    for k in range(runs):
        name, _, _, _ = rng.choice(PLACES)
        day = START + timedelta(days=rng.randrange(DAYS))
        body = TEXT.format(place=name, day=day, dead=rng.randrange(2, 9)) + f" Ref {k}."
        began = time.perf_counter()
        with UnitOfWork(engine, keyring) as uow:
            done = submit_text(
                uow=uow,
                who=OPERATIONS_CENTRE,
                text=body,
                now=datetime.now(UTC),
                max_bytes=1 << 20,
                resources=resources,
                published=day + timedelta(days=1),
            )
        times["submit"].append(time.perf_counter() - began)
        if not done.reports:
            continue
        began = time.perf_counter()
        with UnitOfWork(engine, keyring) as uow:
            review_report(
                uow=uow,
                who=ANALYST,
                report_id=done.reports[0].id,
                action=ReviewAction.CORRECT,
                field="fatalities_best",
                value=k + 1,
                now=datetime.now(UTC),
                reason="bench",
            )
        times["review"].append(time.perf_counter() - began)
    return times


def run(url: str, size: int, runs: int, keys: Path) -> None:
    engine = make_engine(url)
    migrate(engine)
    keyring = Keyring(keys)
    with UnitOfWork(engine, keyring) as uow:
        load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
    began = time.perf_counter()
    fill(engine, size)
    built = time.perf_counter() - began
    times = measure(engine, keyring, runs)
    for what, values in times.items():
        values_ms = sorted(v * 1000 for v in values)
        p50 = statistics.median(values_ms)
        p95 = values_ms[int(0.95 * (len(values_ms) - 1))]
        print(
            f"{engine.dialect.name:10} {size:>9,} reports  {what:6}  p50 {p50:7.1f} ms  "
            f"p95 {p95:7.1f} ms  (n={len(values_ms)}; store built in {built:.0f} s)"
        )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--database", help="a PostgreSQL URL (emptied first) to measure too")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="truce-bench-") as tmp:
        for size in sizes:
            run(f"sqlite:///{tmp}/intake-{size}.db", size, args.runs, Path(tmp) / "keys")
            if args.database:
                engine = make_engine(args.database)
                with engine.begin() as c:
                    c.execute(text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"))
                engine.dispose()
                run(args.database, size, args.runs, Path(tmp) / "keys")


if __name__ == "__main__":
    main()
