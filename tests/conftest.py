"""Shared fixtures: databases on SQLite and PostgreSQL, paths to test data, and the stores and
the one app (with its test client) that the API, page and browser tests share."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Engine, text

from truce.domain.access import OPERATIONS_CENTRE, Principal, Role
from truce.store.database import make_engine, migrate
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

if TYPE_CHECKING:  # the app is imported by the fixtures that serve it, not by every test run
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

# Members' signing keys for the whole run, outside the repository (CLI subprocesses inherit it).
os.environ.setdefault("TRUCE_KEYS_DIR", tempfile.mkdtemp(prefix="truce-keys-"))

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def _private_postgres() -> tuple[str, subprocess.Popen[bytes] | None, Path] | None:
    """Start a throwaway PostgreSQL server as the current (non-root) user, if binaries exist."""
    if os.geteuid() == 0:
        return None  # initdb refuses root; CI passes TRUCE_TEST_POSTGRES_URL instead
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    initdb = shutil.which("initdb") or (str(candidates[0]) if candidates else None)
    if initdb is None:
        return None
    bindir = Path(initdb).parent
    workdir = Path(tempfile.mkdtemp(prefix="truce-pg-"))
    subprocess.run(
        [initdb, "-D", str(workdir / "data"), "-U", "truce", "--auth=trust"],
        check=True,
        capture_output=True,
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [
            str(bindir / "postgres"),
            "-D",
            str(workdir / "data"),
            "-p",
            str(port),
            "-k",
            str(workdir),
            "-c",
            "listen_addresses=127.0.0.1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"postgresql+psycopg://truce@127.0.0.1:{port}/postgres"
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                time.sleep(0.3)
                return url, server, workdir
        except OSError:
            time.sleep(0.1)
    server.terminate()
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    url = os.environ.get("TRUCE_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    started = _private_postgres()
    if started is None:
        reason = "no PostgreSQL: set TRUCE_TEST_POSTGRES_URL or install PostgreSQL binaries"
        if os.environ.get("CI"):
            pytest.fail(f"under CI the PostgreSQL tests must run: {reason}")
        pytest.skip(reason)
    url, server, workdir = started
    yield url
    if server is not None:
        server.terminate()
        server.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


def _reset_postgres(url: str) -> Engine:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    return engine


# Each PostgreSQL variant resets a schema and runs every migration: slow, so `make test-quick`
# runs the SQLite ones alone (and needs no server); `make test` runs both.
@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=[pytest.mark.postgres, pytest.mark.slow])]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to an empty database, once for SQLite and once for PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'truce.db'}"
    url: str = request.getfixturevalue("postgres_url")
    _reset_postgres(url).dispose()
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated engine on each database."""
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def empty_postgres_url(postgres_url: str) -> str:
    """The PostgreSQL test database, emptied."""
    _reset_postgres(postgres_url).dispose()
    return postgres_url


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'truce.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


# --- the stores and the app that the API, page and browser tests share -----------------------

AGREEMENT = "astana-2016"
CONSOLE = Principal("console", "un", Role.ADMINISTRATOR)  # issues the demo users' API tokens
MAX_BYTES = 1 << 24  # the document limit the demo store is loaded and served with


@dataclass
class Store:
    """A migrated SQLite store in a folder of its own, with its members' keys."""

    path: Path
    engine: Engine
    keyring: Keyring
    tokens: dict[str, str] = field(default_factory=dict)  # user -> API token, where issued

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    @contextmanager
    def uow(self) -> Iterator[UnitOfWork]:
        with UnitOfWork(self.engine, self.keyring) as unit:
            yield unit


@dataclass
class Served:
    """The one app (API and pages) over a store, and a test client on it."""

    app: FastAPI
    client: TestClient
    store: Store

    def auth(self, user: str | None) -> dict[str, str]:
        """The header that makes a request the demo user's (none: the public)."""
        return {"Authorization": f"Bearer {self.store.tokens[user]}"} if user else {}


NewStore = Callable[..., AbstractContextManager[Store]]
Serve = Callable[..., AbstractContextManager[Served]]


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite store (WAL included)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


@pytest.fixture(scope="session")
def new_store(tmp_path_factory: pytest.TempPathFactory) -> NewStore:
    """`with new_store(name) as store`: an empty migrated store; `copy_of=other` copies
    another (same keys, same tokens), so a test can change it and leave the other as it was."""

    @contextmanager
    def make(name: str = "store", *, copy_of: Store | None = None) -> Iterator[Store]:
        folder = tmp_path_factory.mktemp(name)
        path = folder / "truce.db"
        if copy_of is not None:
            _copy(copy_of.path, path)
        engine = make_engine(f"sqlite:///{path}")
        try:
            if copy_of is None:
                migrate(engine)
                yield Store(path, engine, Keyring(folder / "keys"))
            else:
                yield Store(path, engine, copy_of.keyring, dict(copy_of.tokens))
        finally:
            engine.dispose()

    return make


@pytest.fixture(scope="session")
def demo_store(new_store: NewStore) -> Iterator[Store]:
    """What `truce demo` sets up before the mechanism plays, built once per run: the scenario,
    its sample data set and texts, fused and assessed; the demo accounts, cases opened now, and
    an API token per demo user. Never change it: take a copy (`new_store(copy_of=demo_store)`)."""
    from truce.services import cases as flow
    from truce.services.assessment import assess_incidents
    from truce.services.demo import accounts, load_sample
    from truce.services.incidents import fuse
    from truce.services.tokens import issue_token

    now = datetime.now(UTC)
    with new_store("demo") as store:
        with store.uow() as uow:
            load_sample(uow, now, who=OPERATIONS_CENTRE, max_bytes=MAX_BYTES)
            fuse(uow=uow, who=OPERATIONS_CENTRE, now=now, rebuild=True)
            assess_incidents(uow=uow, who=OPERATIONS_CENTRE, agreement_id=AGREEMENT, now=now)
            users = accounts(uow, now, fixed_passwords=True)
            flow.open_cases(uow=uow, who=users["analyst"], agreement_id=AGREEMENT, now=now)
            store.tokens.update(
                {u: issue_token(uow=uow, who=CONSOLE, user=u, now=now) for u in users}
            )
        store.engine.dispose()  # copies read the file; no connection of ours holds it open
        yield store


@pytest.fixture(scope="session")
def serve() -> Serve:
    """`with serve(store, **settings) as served`: the app over the store (settings beyond the
    database URL as keywords, e.g. max_document_bytes) and a TestClient on it, started."""
    from truce.app import create_app
    from truce.config import Settings

    with warnings.catch_warnings():  # starlette.testclient warns on import: httpx is deprecated
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    @contextmanager
    def run(store: Store, **settings: Any) -> Iterator[Served]:
        # Submissions are answered 201 when processed within the wait, else 202: tests that
        # read the reports wait long enough for a loaded machine (pass 0 for the 202 path).
        given = {"database_url": store.url, "process_wait_seconds": 30.0} | settings
        app = create_app(Settings(**given), engine=store.engine, keyring=store.keyring)
        with TestClient(app) as client:
            yield Served(app, client, store)

    return run
