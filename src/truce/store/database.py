"""Engines and schema: SQLite (WAL, foreign keys on) or PostgreSQL, migrated by Alembic.

Concurrency, SQLite: one writer at a time. Writers of this process queue on a first-come gate
in Python (`WriterGate`), so they wait their turn instead of polling the file's lock until the
busy timeout (other processes, such as the CLI, still meet that 30-second timeout). A write
transaction takes the gate and the file's write lock (BEGIN IMMEDIATE) when it begins; a
"shared" one (reads, and the API's requests) begins as a shared read and takes them at its
first write or `SELECT ... FOR UPDATE`, restarting there on the newest data: before its first
write it has only read, so nothing is lost, and what it reads from then on is current.
PostgreSQL: row locks; the ledger's head is locked last, at commit (see `UnitOfWork`).
Deadlocks, serialisation failures and a busy SQLite file are `retryable`: nothing of the
transaction was kept, so the caller may run it again.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import deque
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from truce.domain.errors import ConfigurationError

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_SECONDS = 30  # how long an SQLite writer waits for the file (and for the gate)
# PostgreSQL's serialization_failure and deadlock_detected: the transaction was rolled back.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
# SQLite's SQLITE_BUSY, SQLITE_LOCKED and SQLITE_BUSY_SNAPSHOT.
RETRYABLE_SQLITE_CODES = frozenset({5, 6, 517})
_WRITES = frozenset(
    {"INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "SAVEPOINT", "WITH"}
)


class WriterBusy(OperationalError):
    """The SQLite writer gate was not free within the busy timeout."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            "waiting for the writer gate", None, sqlite3.OperationalError("database is locked")
        )
        self.seconds = seconds


class WriterGate:
    """A first-come, first-served lock for one SQLite file's writers in this process. It is
    not owned by a thread: a connection takes it when its write transaction begins and gives
    it back when the transaction ends, whichever thread runs that."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiting: deque[threading.Event] = deque()

    def acquire(self, timeout: float = BUSY_SECONDS) -> None:
        with self._mutex:
            if not self._held:
                self._held = True
                return
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            return
        with self._mutex:
            if turn.is_set():  # handed over while the wait timed out: ours after all
                return
            self._waiting.remove(turn)
        raise WriterBusy(timeout)

    def release(self) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().set()  # handed straight to the next in line
            else:
                self._held = False

    @property
    def queued(self) -> int:
        with self._mutex:
            return len(self._waiting)


_GATES: dict[str, WriterGate] = {}
_GATES_LOCK = threading.Lock()


def writer_gate(database: str) -> WriterGate:
    """The gate of an SQLite file, shared by every engine of this process on that file."""
    key = os.path.realpath(database) if database and database != ":memory:" else database
    with _GATES_LOCK:
        return _GATES.setdefault(key, WriterGate())


def retryable(exc: BaseException) -> bool:
    """Whether `exc` undid its transaction for a reason that running it again may not meet:
    a PostgreSQL deadlock or serialisation failure, or an SQLite file busy beyond the
    timeout."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    if isinstance(orig, sqlite3.OperationalError):
        code = getattr(orig, "sqlite_errorcode", None)
        return code in RETRYABLE_SQLITE_CODES or "database is locked" in str(orig)
    return False


def make_engine(url: str) -> Engine:
    """An engine for `url`. SQLite gets WAL, foreign keys, a busy timeout, the writer gate,
    and a file only its owner may read."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigurationError(f"not a database URL: {url!r}") from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        _create_private(database)
        engine = create_engine(url, connect_args={"timeout": BUSY_SECONDS})
        _SqliteTransactions(writer_gate(database)).install(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True)
    raise ConfigurationError(
        f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql"
    )


def _create_private(database: str) -> None:
    """Create a new SQLite file readable by its owner alone (0600) before SQLite does, with
    the process's umask (often 0644). SQLite gives its WAL and shared-memory files the main
    file's mode. An existing file keeps its mode."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # made at the same moment by another process: theirs
    os.close(descriptor)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # Let SQLAlchemy's "begin" event open transactions (below), not the driver.
    dbapi_connection.isolation_level = None


_MODE = "truce_transaction"  # in a connection's info: "shared", "write", or absent
_GATED = "truce_gated"  # in a connection's info: this connection holds the writer gate
_WANTS_WRITE = "truce_wants_write"  # the statement about to begin the transaction locks rows


class _SqliteTransactions:
    """The events that give SQLite transactions their modes and their turn at the gate."""

    def __init__(self, gate: WriterGate) -> None:
        self.gate = gate

    def install(self, engine: Engine) -> None:
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", self.begin)
        event.listen(engine, "before_execute", self.before_execute)
        event.listen(engine, "before_cursor_execute", self.before_cursor_execute)
        event.listen(engine, "commit", self.end)
        event.listen(engine, "rollback", self.end)
        event.listen(engine.pool, "checkin", self.checkin)

    def begin(self, connection: Any) -> None:
        options = connection.get_execution_options()
        shared = options.get("truce_shared") or options.get("truce_read_only")
        if shared and not connection.info.pop(_WANTS_WRITE, False):
            # Readers share the file (WAL); a writer neither blocks them nor waits for them.
            connection.exec_driver_sql("BEGIN")
            connection.info[_MODE] = "shared"
            return
        connection.info.pop(_WANTS_WRITE, None)
        # A write transaction takes the gate and the file's write lock up front. A deferred
        # one that read first and wrote later could not upgrade once another writer had
        # committed (SQLITE_BUSY_SNAPSHOT), and the ledger's appenders must queue, not fail.
        self._take(connection.info)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self._give_back(connection.info)
            raise
        connection.info[_MODE] = "write"

    def before_execute(
        self, connection: Any, clause: Any, _multi: Any, _params: Any, _options: Any
    ) -> None:
        # SQLite has no FOR UPDATE: a statement that asks for it takes the write lock instead.
        if getattr(clause, "_for_update_arg", None) is None:
            return
        if not connection.in_transaction():
            connection.info[_WANTS_WRITE] = True  # the begin that follows is a write one
        elif connection.info.get(_MODE) == "shared":
            self._upgrade(connection)

    def before_cursor_execute(
        self, connection: Any, _cursor: Any, statement: str, *_rest: Any
    ) -> None:
        if connection.info.get(_MODE) != "shared":
            return
        words = statement.lstrip().split(None, 1)
        if words and words[0].upper() in _WRITES:
            self._upgrade(connection)

    def _upgrade(self, connection: Any) -> None:
        """A shared transaction's first write: wait for the gate, then start again as a write
        transaction. It has only read so far, so ending it loses nothing; what it reads from
        here on is the newest data, and no other writer can change it before commit."""
        info = connection.info
        self._take(info)
        dbapi = connection.connection.driver_connection
        try:
            dbapi.execute("ROLLBACK")
            dbapi.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._give_back(info)
            raise
        info[_MODE] = "write"

    def end(self, connection: Any) -> None:
        connection.info.pop(_MODE, None)
        self._give_back(connection.info)

    def checkin(self, _dbapi_connection: Any, record: Any) -> None:
        # A connection returned without its transaction's end event (an error path).
        record.info.pop(_MODE, None)
        self._give_back(record.info)

    def _take(self, info: dict[str, Any]) -> None:
        if not info.get(_GATED):
            self.gate.acquire()
            info[_GATED] = True

    def _give_back(self, info: dict[str, Any]) -> None:
        if info.pop(_GATED, False):
            self.gate.release()


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    try:
        command.upgrade(_alembic_config(engine), "head")
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "unknown"
        raise ConfigurationError(f"cannot reach the database: {reason}") from None


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()
