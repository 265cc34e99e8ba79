"""How the edges (CLI, API, pages) reach the store: an engine for the settings, and units of
work over it. The edges hold a unit of work only to hand it to use cases; they never read a
repository themselves."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine

from truce.config import Settings
from truce.store.database import make_engine, migrate
from truce.store.database import retryable as is_retryable
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

__all__ = [
    "Engine",
    "Keyring",
    "UnitOfWork",
    "backoff",
    "keyring_for",
    "open_store",
    "retryable",
    "run_in_unit",
    "unit_of_work",
]

T = TypeVar("T")
ATTEMPTS = 5  # tries in all for work that met a deadlock, a serialisation failure or a busy file


def open_store(settings: Settings, *, upgrade: bool = True) -> Engine:
    """The engine for the settings' database, its schema brought to the newest migration."""
    engine = make_engine(settings.database_url)
    if upgrade:
        migrate(engine)
    return engine


def keyring_for(settings: Settings) -> Keyring:
    return Keyring.from_settings(settings)


def unit_of_work(
    engine: Engine, keyring: Keyring | None = None, *, read_only: bool = False, shared: bool = False
) -> UnitOfWork:
    """One transaction. `read_only` or `shared` on SQLite: transactions share the file until
    their first write instead of taking its write lock when they begin (requests)."""
    return UnitOfWork(engine, keyring, read_only=read_only, shared=shared)


def sequence_queued(engine: Engine, keyring: Keyring | None) -> int:
    """Append to the log the acts a previous run committed but did not sequence (it
    stopped between a commit and its sequencing); how many. The server does it as it
    starts; every commit on PostgreSQL also sequences whatever waits."""

    def work(unit: UnitOfWork) -> int:
        moved = unit.sequence()
        unit.commit()
        return moved

    return run_in_unit(engine, keyring, work)


def retryable(exc: BaseException) -> bool:
    """Whether `exc` undid its transaction for a passing reason (a PostgreSQL deadlock or
    serialisation failure, a busy SQLite file): the work may run again if nothing of it was
    committed."""
    return is_retryable(exc)


def backoff(attempt: int, base: float = 0.02, cap: float = 1.0) -> float:
    """Seconds to wait before attempt `attempt + 1`: exponential, with full jitter, so that
    transactions that collided do not collide again in step."""
    return random.uniform(0, min(cap, base * 2**attempt))


def run_in_unit(
    engine: Engine,
    keyring: Keyring | None,
    work: Callable[[UnitOfWork], T],
    *,
    attempts: int = ATTEMPTS,
    shared: bool = False,
) -> T:
    """`work(unit)` in a fresh unit of work; run again in a new one, up to `attempts` times in
    all, when it fails for a retryable reason before committing anything. Work that had
    committed a transaction is not run again: its error is raised (what it committed stays).
    For workers and batch jobs; requests are re-run whole by `truce.http.retry`."""
    for attempt in range(1, attempts + 1):
        with unit_of_work(engine, keyring, shared=shared) as unit:
            try:
                return work(unit)
            except Exception as exc:
                if attempt == attempts or unit.committed or not retryable(exc):
                    raise
        time.sleep(backoff(attempt))
    raise AssertionError("unreachable")  # the last attempt returned or raised
