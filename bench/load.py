"""Benchmark: N clients at once for T seconds against a server this script starts (`truce serve`
in a subprocess), on SQLite or on PostgreSQL (issue 11, item 9).

1. Builds a fresh store: the Astana scenario, its sample data set and texts, fused and judged,
   the demo accounts with an API token each, and the cases opened.
2. Starts `truce serve` on it and runs --clients threads for --seconds. Each client loops over a
   mix of requests:
   - a party liaison submits a new short text (shelling in an Idlib or Hama village, never the
     same twice), 30 %;
   - the analyst reviews a report (accept, or correct the death toll), 15 %;
   - a guarantor replies on a case awaiting its member, 5 %;
   - reads: the incident list and one incident (API), the home page (the dashboard) and the
     incidents page, 50 %.
3. Prints requests per second, p50/p95/p99 per kind (reads, writes), and the answers by status
   (connection errors apart). Then it lets the queue drain (documents answered 202 are polled
   at GET /api/documents/{id}), stops the server, and checks that every document answered 201
   or 202 is stored and processed, and that the ledger verifies (as `truce ledger verify`
   checks a bundle).

    .venv/bin/python bench/load.py [--clients 20] [--seconds 60]
    .venv/bin/python bench/load.py --clients 50 --database postgresql://truce:truce@127.0.0.1/truce_load

A PostgreSQL database given with --database is WIPED (its public schema dropped) first.
Target (issue 11): no server error and no lost document at 50 clients on PostgreSQL, and p95
under 2 s for reads.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from truce.domain.access import OPERATIONS_CENTRE, Principal, Role
from truce.store.database import make_engine, migrate
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

AGREEMENT = "astana-2016"
CONSOLE = Principal("console", "un", Role.ADMINISTRATOR)
MAX_BYTES = 1 << 24
LIAISONS = ("gov-liaison", "opp-liaison")
GUARANTORS = {"russia": "ru-officer", "iran": "ir-officer", "turkey": "tr-officer"}
MIX = (("submit", 30), ("review", 15), ("reply", 5), ("read", 50))

# --- texts: short news-style reports, varied so that every one is a new document ---------------

VILLAGES = (
    ("Khan Shaykhun", "Idlib"),
    ("Maarat al-Numan", "Idlib"),
    ("Kafr Nabl", "Idlib"),
    ("Saraqib", "Idlib"),
    ("Jisr al-Shughur", "Idlib"),
    ("Ariha", "Idlib"),
    ("Sarmin", "Idlib"),
    ("Al-Tamanah", "Idlib"),
    ("Morek", "Hama"),
    ("Latamneh", "Hama"),
    ("Kafr Zita", "Hama"),
    ("Suran", "Hama"),
    ("Taybat al-Imam", "Hama"),
    ("Halfaya", "Hama"),
    ("Qalaat al-Madiq", "Hama"),
    ("Al-Lataminah", "Hama"),
)
SHOOTERS = (
    "government artillery",
    "Syrian army positions",
    "pro-government forces",
    "rebel fighters",
    "armed opposition factions",
    "Jaish al-Izza fighters",
)
WEAPONS = (
    "artillery shells",
    "mortar rounds",
    "rockets",
    "heavy machine-gun fire",
    "barrel bombs dropped from a helicopter",
    "tank shells",
)
HITS = (
    "houses on the eastern edge of the village",
    "a bakery near the main square",
    "farmland and an irrigation pump",
    "a school that was closed for the day",
    "the road to the market",
    "a mosque and two shops beside it",
)
SOURCES = (
    "a local council member said",
    "the Syrian Observatory for Human Rights said",
    "residents told a monitor by telephone",
    "the civil defence said in a statement",
    "a medic at the field hospital said",
    "state news agency SANA reported",
)
CLUTTER = ("Advertisement", "Select Voice", "Choose your listening speed", "250 WPM")


def news_text(rng: random.Random, serial: int) -> tuple[str, str]:
    """A title and a short report, different for every serial."""
    village, governorate = rng.choice(VILLAGES)
    day = date(2017, 1, 2) + timedelta(days=rng.randrange(55))
    killed, injured = rng.choice((0, 0, 1, 2, 3, 5)), rng.randrange(0, 12)
    shooter, weapon, hit = rng.choice(SHOOTERS), rng.choice(WEAPONS), rng.choice(HITS)
    source = rng.choice(SOURCES)
    toll = (
        f"{killed} civilians were killed and {injured} wounded"
        if killed
        else f"no one was killed; {injured} people were lightly wounded"
    )
    hour = rng.choice(("early on", "in the afternoon of", "late on", "before dawn on"))
    title = f"Shelling reported in {village}, {governorate} countryside"
    body = (
        f"{title}\n\n"
        f"{village}, {governorate} ({day:%d %B %Y}) - {shooter.capitalize()} fired {weapon} "
        f"at {village} {hour} {day:%A, %d %B %Y}, hitting {hit}, {source}. {toll.capitalize()}.\n"
        f"{rng.choice(CLUTTER)}\n"
        f"The attack came despite the nationwide ceasefire that took effect on 30 December. "
        f"Witnesses counted {3 + serial % 17} impacts over about {10 + serial % 50} minutes "
        f"(dispatch {serial}).\n"
    )
    return title, body


# --- the store and the server --------------------------------------------------------------------


def build_store(url: str, keys: Path) -> dict[str, str]:
    """A fresh store like the demo's, with cases opened; an API token per demo user."""
    from truce.services import cases as flow
    from truce.services.assessment import assess_incidents
    from truce.services.demo import accounts, load_sample
    from truce.services.incidents import fuse
    from truce.services.tokens import issue_token

    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate(engine)
    now = datetime.now(UTC)
    with UnitOfWork(engine, Keyring(keys)) as uow:
        load_sample(uow, now, who=OPERATIONS_CENTRE, max_bytes=MAX_BYTES)
        fuse(uow=uow, who=OPERATIONS_CENTRE, now=now, rebuild=True)
        assess_incidents(uow=uow, who=OPERATIONS_CENTRE, agreement_id=AGREEMENT, now=now)
        users = accounts(uow, now)
        flow.open_cases(uow=uow, who=users["analyst"], agreement_id=AGREEMENT, now=now)
        tokens = {u: issue_token(uow=uow, who=CONSOLE, user=u, now=now) for u in users}
    engine.dispose()
    return tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, keys: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "TRUCE_DATABASE_URL": url,
        "TRUCE_KEYS_DIR": str(keys),
        "TRUCE_MAX_DOCUMENT_BYTES": str(MAX_BYTES),
    }
    command = [sys.executable, "-m", "truce", "serve", "--port", str(port)]
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/incidents?limit=1", timeout=2).is_success:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"the server did not answer within 60 s: see {log}")


# --- the clients ----------------------------------------------------------------------------------


@dataclass
class Tally:
    """What every client saw, under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[tuple[str, str]] = field(default_factory=Counter)  # (route, status)
    documents: dict[str, int] = field(default_factory=dict)  # acknowledged ID -> status
    failures: list[str] = field(default_factory=list)  # the first server errors' bodies
    reports: list[str] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)
    cases: dict[str, list[str]] = field(default_factory=dict)  # member -> case IDs
    serial: int = 0

    def next_serial(self) -> int:
        with self.lock:
            self.serial += 1
            return self.serial


def timed(
    tally: Tally, kind: str, route: str, call: Any, *args: Any, **kwargs: Any
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response: httpx.Response = call(*args, **kwargs)
    except httpx.HTTPError as exc:
        with tally.lock:
            tally.statuses[(route, f"connection error ({type(exc).__name__})")] += 1
            tally.latencies[kind].append(time.perf_counter() - started)
        return None
    elapsed = time.perf_counter() - started
    with tally.lock:
        tally.latencies[kind].append(elapsed)
        tally.statuses[(route, str(response.status_code))] += 1
        if response.status_code >= 500 and len(tally.failures) < 10:
            tally.failures.append(f"{route} {response.status_code}: {response.text[:300]}")
    return response


def client_loop(
    number: int, base: str, tokens: dict[str, str], tally: Tally, stop: float, seed: int
) -> None:
    rng = random.Random(seed * 1000 + number)
    kinds = [kind for kind, _ in MIX]
    weights = [weight for _, weight in MIX]
    auth = {u: {"Authorization": f"Bearer {t}"} for u, t in tokens.items()}
    with httpx.Client(base_url=base, timeout=120) as http:
        while time.monotonic() < stop:
            kind = rng.choices(kinds, weights)[0]
            if kind == "submit":
                serial = tally.next_serial()
                title, body = news_text(rng, serial)
                who = LIAISONS[serial % 2]
                answer = timed(
                    tally,
                    "write",
                    "POST /api/reports/text",
                    http.post,
                    "/api/reports/text",
                    json={"text": body, "title": title},
                    headers=auth[who],
                )
                if answer is not None and answer.status_code in (201, 202):
                    got = answer.json()
                    with tally.lock:
                        tally.documents[got["document_id"]] = answer.status_code
                        tally.reports += got.get("reports") or []
            elif kind == "review":
                with tally.lock:
                    report = rng.choice(tally.reports) if tally.reports else None
                if report is None:
                    continue
                review: dict[str, Any] = (
                    {"action": "accept"}
                    if rng.random() < 0.6
                    else {
                        "action": "correct",
                        "field": "fatalities_best",
                        "value": rng.randrange(0, 6),
                        "reason": "the hospital's list",
                    }
                )
                timed(
                    tally,
                    "write",
                    "POST /api/reports/{id}/review",
                    http.post,
                    f"/api/reports/{report}/review",
                    json=review,
                    headers=auth["analyst"],
                )
            elif kind == "reply":
                member = rng.choice(sorted(GUARANTORS))
                with tally.lock:
                    mine = tally.cases.get(member) or []
                    case = rng.choice(mine) if mine else None
                if case is None:
                    continue
                timed(
                    tally,
                    "write",
                    "POST /api/cases/{id}/reply",
                    http.post,
                    f"/api/cases/{case}/reply",
                    json={"kind": "acknowledged", "text": "Our centre is looking into it."},
                    headers=auth[GUARANTORS[member]],
                )
            else:
                read(http, rng, auth, tally)


def read(http: httpx.Client, rng: random.Random, auth: dict[str, Any], tally: Tally) -> None:
    headers = auth["analyst"] if rng.random() < 0.3 else {}
    page = rng.randrange(4)
    if page == 0:
        answer = timed(
            tally, "read", "GET /api/incidents", http.get, "/api/incidents", headers=headers
        )
        if answer is not None and answer.is_success:
            ids = [i["id"] for i in answer.json().get("items", [])]
            with tally.lock:
                tally.incidents = ids or tally.incidents
    elif page == 1:
        with tally.lock:
            incident = rng.choice(tally.incidents) if tally.incidents else None
        if incident is not None:
            timed(
                tally,
                "read",
                "GET /api/incidents/{id}",
                http.get,
                f"/api/incidents/{incident}",
                headers=headers,
            )
    elif page == 2:
        timed(tally, "read", "GET /", http.get, "/")
    else:
        timed(tally, "read", "GET /incidents", http.get, "/incidents")


def seed_work(base: str, tokens: dict[str, str], tally: Tally) -> None:
    """Reports to review (the queue) and cases awaiting each guarantor's reply."""
    analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
    with httpx.Client(base_url=base, timeout=60) as http:
        queue = http.get("/api/review-queue", params={"limit": 200}, headers=analyst).json()
        tally.reports = [r["id"] for r in queue.get("items", [])]
        listed = http.get("/api/incidents", headers=analyst).json()
        tally.incidents = [i["id"] for i in listed.get("items", [])]
        cases = http.get("/api/cases", params={"state": "awaiting_reply"}, headers=analyst)
        for case in cases.json().get("items", []):
            for member in case.get("answerable", []):
                tally.cases.setdefault(member, []).append(case["id"])


def drain(base: str, tokens: dict[str, str], tally: Tally, limit: float) -> Counter[str]:
    """Wait until every document answered 202 is processed (or failed), up to `limit` s."""
    headers = {"Authorization": f"Bearer {tokens['analyst']}"}
    waiting = {d for d, status in tally.documents.items() if status == 202}
    states: Counter[str] = Counter()
    deadline = time.monotonic() + limit
    with httpx.Client(base_url=base, timeout=60) as http:
        while waiting and time.monotonic() < deadline:
            for document in sorted(waiting):
                answer = http.get(f"/api/documents/{document}", headers=headers)
                if answer.is_success and answer.json().get("status") != "received":
                    waiting.discard(document)
            if waiting:
                time.sleep(0.5)
    states["still received after the drain"] = len(waiting)
    return states


def check_store(url: str, tally: Tally) -> tuple[Counter[str], list[str]]:
    """Every acknowledged document's stored status (missing ones counted as lost)."""
    from truce.domain.errors import NotFound

    engine = make_engine(url)
    found: Counter[str] = Counter()
    problems: list[str] = []
    with UnitOfWork(engine, read_only=True) as uow:
        for document in tally.documents:
            try:
                status = uow.documents.get(document).status.value
            except NotFound:
                status = "LOST"
            found[status] += 1
            if status not in ("processed", "partly_processed") and len(problems) < 5:
                problems.append(f"{document[:12]}: {status}")
    engine.dispose()
    return found, problems


def verify(url: str) -> str:
    """The whole log checked against the members' registered keys and the checkpoints."""
    from truce.ledger.verify import verify_ledger

    engine = make_engine(url)
    with UnitOfWork(engine, read_only=True) as uow:
        result = verify_ledger(uow.ledger.lines(), uow.keys.all(), uow.ledger.checkpoints())
    engine.dispose()
    if result.ok:
        return f"verified, {result.entries} entries"
    return f"FAILED: {len(result.problems)} problem(s): {result.problems[:3]}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def report(tally: Tally, seconds: float) -> None:
    total = sum(len(v) for v in tally.latencies.values())
    print(f"\nrequests: {total} in {seconds:.0f} s = {total / seconds:.1f} per second")
    for kind in ("read", "write"):
        values = tally.latencies.get(kind, [])
        if values:
            p50, p95, p99 = (percentile(values, q) for q in (0.5, 0.95, 0.99))
            print(
                f"  {kind:5}: {len(values):6} requests, p50 {p50 * 1000:7.0f} ms, "
                f"p95 {p95 * 1000:7.0f} ms, p99 {p99 * 1000:7.0f} ms, "
                f"max {max(values) * 1000:7.0f} ms"
            )
    print("answers by route and status:")
    for (route, status), count in sorted(tally.statuses.items()):
        print(f"  {route:32} {status:>28}: {count}")
    server_errors = sum(
        n for (_, s), n in tally.statuses.items() if s.startswith("5") or s.startswith("conn")
    )
    print(f"server errors and connection errors: {server_errors}")
    for failure in tally.failures:
        print(f"  {failure}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--database", help="a PostgreSQL URL (wiped first); default: SQLite")
    parser.add_argument("--drain", type=float, default=120.0, help="seconds to wait for 202s")
    parser.add_argument("--workdir", type=Path, help="default: a temporary folder, removed")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="truce-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    url = args.database or f"sqlite:///{workdir / 'truce.db'}"
    keys = workdir / "keys"
    print(f"store: {url.split('@')[-1]}; {args.clients} clients for {args.seconds:.0f} s")
    started = time.monotonic()
    tokens = build_store(url, keys)
    print(f"store built in {time.monotonic() - started:.1f} s")
    port = free_port()
    server = start_server(url, keys, port, workdir / "server.log")
    base = f"http://127.0.0.1:{port}"
    try:
        tally = Tally()
        seed_work(base, tokens, tally)
        print(
            f"to start: {len(tally.reports)} reports to review, "
            f"{sum(len(c) for c in tally.cases.values())} case replies awaited"
        )
        begin = time.monotonic()
        stop = begin + args.seconds
        threads = [
            threading.Thread(
                target=client_loop, args=(n, base, tokens, tally, stop, args.seed), daemon=True
            )
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - begin
        report(tally, elapsed)
        accepted = Counter(tally.documents.values())
        print(
            f"documents acknowledged: {len(tally.documents)} "
            f"({accepted[201]} answered 201, {accepted[202]} answered 202)"
        )
        if accepted[202]:
            left = drain(base, tokens, tally, args.drain)
            print(f"after the drain: {dict(left)}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    found, problems = check_store(url, tally)
    print(f"acknowledged documents in the store, by status: {dict(found)}")
    for problem in problems:
        print(f"  {problem}")
    print(f"ledger: {verify(url)}")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
