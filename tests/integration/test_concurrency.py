"""The store under concurrent writers (issue 11, items 5 and 9): the ledger's head is locked
last, so a transaction waiting for a row never holds it (no deadlock on PostgreSQL); work
that meets a deadlock runs again in a fresh unit of work; SQLite writers queue on one gate
and requests' transactions share the file until they write; many writers at once lose
nothing and the ledger verifies; and a new SQLite file is its owner's alone."""

from __future__ import annotations

import os
import stat
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from truce.domain.access import OPERATIONS_CENTRE, Principal, Role
from truce.domain.cases import ReplyKind
from truce.domain.documents import Channel, DocumentStatus
from truce.domain.reviews import ReviewAction
from truce.ledger.entries import Act
from truce.ledger.verify import verify_ledger
from truce.services import cases as flow
from truce.services.intake import receive_document
from truce.services.reviews import review_report
from truce.services.scenarios import load_scenario
from truce.services.session import retryable, run_in_unit
from truce.services.structured import submit_structured
from truce.store.database import make_engine, migrate
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

NOW = datetime(2017, 1, 12, 9, tzinfo=UTC)
ANALYST = Principal("analyst", "un", Role.ANALYST)
LIAISON = Principal("gov-liaison", "syria-gov", Role.LIAISON)
GUARANTORS = {
    "russia": Principal("ru-officer", "russia", Role.GUARANTOR),
    "iran": Principal("ir-officer", "iran", Role.GUARANTOR),
    "turkey": Principal("tr-officer", "turkey", Role.GUARANTOR),
}
VILLAGES = [
    ("Khan Shaykhun", "Idleb", 35.4414, 36.6497),
    ("Maarat al-Numan", "Idleb", 35.6433, 36.6747),
    ("Saraqib", "Idleb", 35.8626, 36.8009),
    ("Morek", "Hama", 35.3858, 36.6886),
    ("Latamneh", "Hama", 35.3203, 36.6222),
    ("Kafr Zita", "Hama", 35.3739, 36.6025),
]


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring(tmp_path / "keys")


def strike(n: int) -> dict[str, Any]:
    """A structured report of shelling on village n % 6, a different one each time."""
    name, governorate, lat, lon = VILLAGES[n % len(VILLAGES)]
    return {
        "date_start": (date(2017, 1, 2) + timedelta(days=n % 40)).isoformat(),
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "location_name": name,
        "admin1": governorate,
        "lat": lat,
        "lon": lon,
        "location_precision": 1,
        "actors": [
            {"name": "Military Forces of Syria (2000-)", "role": "perpetrator"},
            {"name": "Civilians (Syria)", "role": "target"},
        ],
        "fatalities_best": n % 4,
        "notes": f"Shells hit houses in {name}; the local council counted them (dispatch {n}).",
    }


# --- a new SQLite file ----------------------------------------------------------------------


def test_a_new_sqlite_store_and_its_wal_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "store" / "truce.db"
    old = os.umask(0o022)  # the usual umask, under which SQLite made the file 0644
    try:
        engine = make_engine(f"sqlite:///{path}")
        migrate(engine)
        with UnitOfWork(engine, Keyring(tmp_path / "keys")) as uow:
            uow.record(Act("report.add", "un", "analyst", objects=("report:1",)), NOW)
            uow.commit()
            files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
            modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
        engine.dispose()
    finally:
        os.umask(old)
    assert modes == {"truce.db": 0o600, "truce.db-wal": 0o600, "truce.db-shm": 0o600}


# --- lock order on PostgreSQL ---------------------------------------------------------------


def _a_document(engine: Engine, keyring: Keyring) -> str:
    with UnitOfWork(engine, keyring) as uow:
        document, _ = receive_document(
            uow=uow,
            content=b"Shelling on Morek this morning.",
            media_type="text/plain",
            channel=Channel.FILE,
            now=NOW,
            who=LIAISON,
            max_bytes=1 << 20,
        )
    return document.id


@pytest.mark.postgres
@pytest.mark.slow
def test_a_transaction_waiting_for_a_row_does_not_hold_the_ledger(
    empty_postgres_url: str, keyring: Keyring
) -> None:
    """A records an act, then updates a row B has updated; B then records its own act and
    commits. While acts took the ledger's head when recorded, A held the head while waiting
    for B's row, B waited for the head: PostgreSQL killed one of them as a deadlock."""
    engine = make_engine(empty_postgres_url)
    migrate(engine)
    document = _a_document(engine, keyring)
    b_has_the_row, errors = threading.Event(), []

    def first() -> None:
        try:
            with UnitOfWork(engine, keyring) as uow:
                uow.record(Act("document.note", "un", "analyst", objects=(document,)), NOW)
                b_has_the_row.wait(timeout=30)
                uow.documents.set_status(document, DocumentStatus.FAILED, "A")  # waits for B
                uow.commit()
        except Exception as exc:
            errors.append(f"A: {type(exc).__name__}: {exc}")

    a = threading.Thread(target=first)
    try:
        with UnitOfWork(engine, keyring) as uow:
            uow.documents.set_status(document, DocumentStatus.PROCESSED, "B")
            a.start()
            b_has_the_row.set()
            time.sleep(1.5)  # A now records, then waits for this row
            uow.record(Act("document.note", "un", "analyst", objects=(document,)), NOW)
            uow.commit()
    except Exception as exc:
        errors.append(f"B: {type(exc).__name__}: {exc}")
    a.join(timeout=60)
    assert errors == []
    with UnitOfWork(engine, keyring) as uow:
        assert uow.documents.get(document).status_detail == "A"  # A waited, then went on
        notes = [e for e in uow.ledger.entries_for(document) if e["act"] == "document.note"]
        assert len(notes) == 2
        assert verify_ledger(uow.ledger.lines(), uow.keys.all()).ok
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_work_that_meets_a_real_deadlock_runs_again_in_a_fresh_unit(
    empty_postgres_url: str, keyring: Keyring
) -> None:
    """Two units update the same two rows in opposite orders: PostgreSQL aborts one (40P01);
    `run_in_unit` runs that one again and both land."""
    engine = make_engine(empty_postgres_url)
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)"))
        connection.execute(text("INSERT INTO counters VALUES (1, 0), (2, 0)"))
    barrier = threading.Barrier(2)
    tries: Counter[str] = Counter()
    caught: list[BaseException] = []
    errors: list[str] = []

    def bump(name: str, order: tuple[int, int]) -> None:
        def work(uow: UnitOfWork) -> None:
            tries[name] += 1
            connection = uow._connection
            assert connection is not None
            bump_row = text("UPDATE counters SET n = n + 1 WHERE id = :id")
            connection.execute(bump_row, {"id": order[0]})
            if tries[name] == 1:
                barrier.wait(timeout=30)  # both hold their first row: now cross
            try:
                connection.execute(bump_row, {"id": order[1]})
            except Exception as exc:
                caught.append(exc)
                raise
            uow.commit()

        try:
            run_in_unit(engine, keyring, work)
        except Exception as exc:
            errors.append(f"{name}: {type(exc).__name__}: {exc}")

    threads = [
        threading.Thread(target=bump, args=("one", (1, 2))),
        threading.Thread(target=bump, args=("two", (2, 1))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(caught) == 1 and retryable(caught[0])  # a real deadlock, seen as retryable
    assert getattr(getattr(caught[0], "orig", None), "sqlstate", None) == "40P01"
    assert sorted(tries.values()) == [1, 2]  # the one PostgreSQL aborted ran again
    with engine.connect() as connection:
        assert connection.execute(text("SELECT sum(n) FROM counters")).scalar_one() == 4
    engine.dispose()


def test_work_that_committed_is_not_run_again(sqlite_engine: Engine, keyring: Keyring) -> None:
    """Only work with nothing committed is re-run: what was kept is never done twice."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    runs: list[int] = []

    def work(uow: UnitOfWork) -> None:
        runs.append(1)
        uow.record(Act("report.add", "un", "analyst", objects=(f"report:{len(runs)}",)), NOW)
        uow.commit()
        raise OperationalError("COMMIT", None, sqlite3.OperationalError("database is locked"))

    with pytest.raises(OperationalError):
        run_in_unit(sqlite_engine, keyring, work)
    assert runs == [1]


# --- many writers at once -------------------------------------------------------------------


def _store_with_cases(engine: Engine, keyring: Keyring) -> tuple[list[str], list[str]]:
    """The scenario, six reports (one per village) and their cases: report IDs, case IDs."""
    with UnitOfWork(engine, keyring) as uow:
        load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
        reports = [
            submit_structured(uow=uow, who=ANALYST, fields=strike(n), now=NOW, max_bytes=1 << 20)
            for n in range(len(VILLAGES))
        ]
        cases = flow.open_cases(uow=uow, who=ANALYST, agreement_id="astana-2016", now=NOW)
    return [r.id for r in reports], [c.id for c in cases]


@pytest.mark.slow
def test_many_writers_at_once_lose_nothing_and_the_ledger_verifies(
    database_url: str, keyring: Keyring
) -> None:
    """Eight threads for a while: liaisons submit reports, the analyst reviews, guarantors
    reply on cases, each in a unit of work like a request's (shared until it writes, run
    again on a deadlock). No error; every submission is stored; every reply is on its case;
    the ledger verifies."""
    engine = make_engine(database_url)
    migrate(engine)
    reports, cases = _store_with_cases(engine, keyring)
    with UnitOfWork(engine, keyring) as uow:
        answerable = {
            c: flow.timeline(uow=uow, who=ANALYST, case_id=c)[0].answerable for c in cases
        }
    errors: list[str] = []
    submitted: list[str] = []
    replied: list[tuple[str, str]] = []
    lock = threading.Lock()
    threads, rounds = 8, 6

    def client(number: int) -> None:
        for k in range(rounds):
            kind = (number + k) % 3
            try:
                if kind == 0:
                    fields = strike(100 + number * rounds + k)
                    report = run_in_unit(
                        engine,
                        keyring,
                        lambda uow, f=fields: submit_structured(  # type: ignore[misc]
                            uow=uow, who=LIAISON, fields=f, now=NOW, max_bytes=1 << 20
                        ),
                        shared=True,
                    )
                    with lock:
                        submitted.append(report.id)
                elif kind == 1:
                    target = reports[(number + k) % len(reports)]
                    run_in_unit(
                        engine,
                        keyring,
                        lambda uow, r=target: review_report(  # type: ignore[misc]
                            uow=uow, who=ANALYST, report_id=r, action=ReviewAction.ACCEPT, now=NOW
                        ),
                        shared=True,
                    )
                else:
                    case = cases[(number + k) % len(cases)]
                    members = answerable[case]
                    member = members[(number + k) % len(members)]
                    with lock:
                        if (case, member) in replied:
                            continue
                        replied.append((case, member))
                    run_in_unit(
                        engine,
                        keyring,
                        lambda uow, c=case, m=member: flow.reply(  # type: ignore[misc]
                            uow=uow,
                            who=GUARANTORS[m],
                            case_id=c,
                            kind=ReplyKind.ACKNOWLEDGED,
                            text="Our centre is looking into it.",
                            now=NOW + timedelta(hours=1),
                        ),
                        shared=True,
                    )
            except Exception as exc:
                with lock:
                    errors.append(f"client {number}, kind {kind}: {type(exc).__name__}: {exc}")

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert errors == []
    with UnitOfWork(engine, keyring) as uow:
        for report_id in submitted:
            assert uow.reports.get(report_id).id == report_id
        for case_id in cases:
            case = flow.timeline(uow=uow, who=ANALYST, case_id=case_id)[0]
            expected = sorted(m for c, m in replied if c == case_id)
            assert sorted(r.member for r in case.replies) == expected
        result = verify_ledger(uow.ledger.lines(), uow.keys.all(), uow.ledger.checkpoints())
        assert result.ok, result.problems
    assert submitted and replied
    engine.dispose()
