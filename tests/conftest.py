"""Shared fixtures: databases on SQLite and PostgreSQL, and paths to test data."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from truce.store.database import make_engine, migrate

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
    subprocess.run([initdb, "-D", str(workdir / "data"), "-U", "truce", "--auth=trust"],
                   check=True, capture_output=True)  # fmt: skip
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(bindir / "postgres"), "-D", str(workdir / "data"), "-p", str(port),
         "-k", str(workdir), "-c", "listen_addresses=127.0.0.1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
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
