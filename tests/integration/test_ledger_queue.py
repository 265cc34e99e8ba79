"""The ledger's queue on PostgreSQL (issue 12, speed): acts commit with their change and a
sequencer puts them in the log in batches. Nothing committed is lost when a writer stops
between its commit and the sequencing; `truce check`, checkpoints and a restarted server
see the queued acts; writers of separate processes (engines) keep one linear log."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text

from tests.integration.test_case_check import ANALYST, LATER, OFFICERS, _worked
from truce.domain.access import Principal, Role
from truce.domain.cases import Vote
from truce.ledger import entries
from truce.ledger.entries import Act
from truce.ledger.verify import verify_ledger
from truce.services import cases as flow
from truce.services import ledger as ledger_service
from truce.services.check import check_cases
from truce.services.session import sequence_queued
from truce.store import tables
from truce.store.database import make_engine, migrate
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

ADMIN = Principal("chair", "un", Role.ADMINISTRATOR)
pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def engine(empty_postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_postgres_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring(tmp_path / "keys")


def _act(i: int) -> Act:
    return Act(
        "report.add", "un", "analyst", objects=(f"report:{i}",), hashes={"body": f"{i:064x}"}
    )


def _bodies(uow: UnitOfWork) -> list[dict[str, Any]]:
    return [entries.parse_entry(entries.split_line(line)[0]) for line in uow.ledger.lines()]


def _queued(engine: Engine) -> int:
    with engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(tables.ledger_queue)).scalar_one())


@contextlib.contextmanager
def _head_held(engine: Engine) -> Iterator[None]:
    """Another writer holds the log's head (a sequencing pass at work)."""
    with engine.connect() as other:
        other.execute(text("SELECT size FROM ledger_head WHERE id = 1 FOR UPDATE"))
        yield
        other.rollback()


def _left_queued(engine: Engine, monkeypatch: pytest.MonkeyPatch, work: Any) -> None:
    """`work` commits while another writer holds the head, so its acts go to the queue, and
    the process stops right after (a crash, a killed worker) before anyone sequences."""
    monkeypatch.setattr(UnitOfWork, "_sequence_after", lambda self, queued: None)
    with _head_held(engine):
        work()
    monkeypatch.undo()


def test_a_commit_returns_with_its_act_in_the_log(engine: Engine, keyring: Keyring) -> None:
    with UnitOfWork(engine, keyring) as uow:
        uow.record(_act(0), datetime.now(UTC))
        uow.commit()  # the first use registers the operator's key in the transaction
        uow.record(_act(1), datetime.now(UTC))
        uow.commit()  # queued, then sequenced before commit returns
        assert [b["act"] for b in _bodies(uow)] == ["key.register", "report.add", "report.add"]
        assert _queued(engine) == 0
        assert verify_ledger(uow.ledger.lines(), uow.keys.all()).ok


def test_acts_left_queued_are_kept_and_sequenced_when_the_server_starts(
    engine: Engine, keyring: Keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    with UnitOfWork(engine, keyring) as uow:
        uow.record(_act(0), datetime.now(UTC))
        uow.commit()

    def three() -> None:
        with UnitOfWork(engine, keyring) as uow:
            for i in (1, 2, 3):
                uow.record(_act(i), datetime.now(UTC))
                uow.commit()  # returns at once: the head is held
            assert uow.ledger.size() == 2  # committed, not yet in the log

    _left_queued(engine, monkeypatch, three)
    assert _queued(engine) == 3

    assert sequence_queued(engine, keyring) == 3  # as `create_app`'s start-up does
    assert _queued(engine) == 0
    with UnitOfWork(engine, keyring) as uow:
        logged = _bodies(uow)
        assert [b["objects"][0] for b in logged[2:]] == ["report:1", "report:2", "report:3"]
        assert all(b["attested_by"] == "operator" for b in logged[1:])
        assert verify_ledger(uow.ledger.lines(), uow.keys.all()).ok


def test_a_writer_that_finds_the_head_held_leaves_its_acts_to_the_holder(
    engine: Engine, keyring: Keyring
) -> None:
    """The writer does not wait for another's pass; the holder, once it lets the head go,
    looks at the queue again and sequences what came meanwhile."""
    with UnitOfWork(engine, keyring) as uow:
        uow.record(_act(0), datetime.now(UTC))
        uow.commit()
    with UnitOfWork(engine, keyring) as holder:
        holder.record(_act(1), datetime.now(UTC))
        holder.flush()  # holds the head until it commits
        done = threading.Event()

        def writer() -> None:
            with UnitOfWork(engine, keyring) as uow:
                uow.record(_act(2), datetime.now(UTC))
                uow.commit()
            done.set()

        thread = threading.Thread(target=writer)
        thread.start()
        assert done.wait(10), "the writer waited for the holder"
        thread.join()
        assert _queued(engine) == 1
        holder.commit()
    assert _queued(engine) == 0
    with UnitOfWork(engine, keyring) as uow:
        assert [b["objects"][0] for b in _bodies(uow)[2:]] == ["report:1", "report:2"]
        assert verify_ledger(uow.ledger.lines(), uow.keys.all()).ok


def test_a_checkpoint_covers_every_act_committed_before_it(
    engine: Engine, keyring: Keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    with UnitOfWork(engine, keyring) as uow:
        uow.record(_act(0), datetime.now(UTC))
        uow.commit()

    def one() -> None:
        with UnitOfWork(engine, keyring) as uow:
            uow.record(_act(1), datetime.now(UTC))
            uow.commit()

    _left_queued(engine, monkeypatch, one)
    with UnitOfWork(engine, keyring) as uow:
        made = ledger_service.checkpoint(uow=uow, who=ADMIN, now=datetime.now(UTC))
        assert made.size == 3  # the key registration, report 0, and the queued report 1
    with UnitOfWork(engine, keyring) as uow:
        assert uow.ledger.size() == 4  # and the checkpoint's own entry after it


def test_check_counts_queued_case_acts_with_the_logs(
    engine: Engine, keyring: Keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A case step whose act waits in the queue is no disagreement: `truce check` reads the
    log, the queue and the cases from one snapshot."""
    with UnitOfWork(engine, keyring) as uow:
        _, waiting = _worked(uow)  # the second case waits for Turkey's vote

    def vote() -> None:
        with UnitOfWork(engine, keyring) as uow:
            flow.review(
                uow=uow, who=OFFICERS["turkey"], case_id=waiting, vote=Vote.CONFIRM, now=LATER
            )

    _left_queued(engine, monkeypatch, vote)
    assert _queued(engine) == 1
    with UnitOfWork(engine, keyring) as uow:
        cases, logged, found = check_cases(uow=uow, who=ANALYST)
        assert (cases, found) == (2, [])
        in_log = len(uow.ledger.entries_for(waiting))
        assert logged == in_log + 1 + len(uow.ledger.entries_for(_worked_first(uow, waiting)))


def _worked_first(uow: UnitOfWork, second: str) -> str:
    return next(c for c in uow.cases.stored_bodies() if c != second)


def test_writers_of_separate_processes_keep_one_linear_log(
    engine: Engine, keyring: Keyring
) -> None:
    """Eight writers, each with an engine of its own (as separate server processes have),
    so their passes meet only at the head lock in the store."""
    with UnitOfWork(engine, keyring) as uow:
        uow.record(_act(999_999), datetime.now(UTC))
        uow.commit()
    url = engine.url.render_as_string(hide_password=False)
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        own = make_engine(url)
        try:
            barrier.wait(timeout=30)
            with UnitOfWork(own, keyring) as uow:
                for i in range(20):
                    uow.record(_act(n * 100 + i), datetime.now(UTC))
                    uow.commit()
        except BaseException as exc:
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert _queued(engine) == 0
    with UnitOfWork(engine, keyring) as uow:
        logged = _bodies(uow)
        assert [b["seq"] for b in logged] == list(range(2 + 8 * 20))
        assert len({b["objects"][0] for b in logged[1:]}) == 1 + 8 * 20
        result = verify_ledger(uow.ledger.lines(), uow.keys.all())
        assert result.ok, result.problems[:3]
