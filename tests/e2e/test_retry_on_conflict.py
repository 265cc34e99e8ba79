"""`truce.http.retry.RetryOnConflict`: a request whose transaction met a deadlock, a
serialisation failure or a busy SQLite file runs again with the same body, unless it had
committed something or started its answer; after the last try the error stands (500)."""

from __future__ import annotations

import sqlite3
import warnings
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI, Request
from sqlalchemy.exc import OperationalError

from truce.http.retry import RetryOnConflict

with warnings.catch_warnings():  # starlette.testclient warns on import
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


class Deadlock(Exception):
    """What psycopg raises for a deadlock: sqlstate 40P01."""

    sqlstate = "40P01"


def deadlock() -> OperationalError:
    return OperationalError("UPDATE cases ...", None, Deadlock("deadlock detected"))


def busy() -> OperationalError:
    return OperationalError("INSERT ...", None, sqlite3.OperationalError("database is locked"))


@dataclass
class Unit:
    committed: bool = False


def app_failing(times: int, error: Any = deadlock, *, commit_first: bool = False) -> FastAPI:
    app = FastAPI()
    app.state.seen = []

    @app.post("/submit")
    async def submit(request: Request) -> dict[str, Any]:
        body = await request.body()
        app.state.seen.append(body)
        request.state.truce_units.append(Unit(committed=commit_first))
        if len(app.state.seen) <= times:
            raise error()
        return {"tries": len(app.state.seen), "body": body.decode()}

    @app.post("/form")
    async def form(request: Request) -> dict[str, Any]:
        fields = await request.form()
        app.state.seen.append(fields["text"])
        if len(app.state.seen) <= times:
            raise error()
        return {"text": fields["text"], "name": fields["file"].filename}  # type: ignore[union-attr]

    app.add_middleware(RetryOnConflict)
    return app


@pytest.mark.parametrize("error", [deadlock, busy], ids=["postgres-deadlock", "sqlite-busy"])
def test_a_request_that_met_a_conflict_runs_again_with_its_body(error: Any) -> None:
    app = app_failing(2, error)
    with TestClient(app) as client:
        answer = client.post("/submit", content=b'{"text": "Shelling on Morek"}')
    assert answer.status_code == 200
    assert answer.json() == {"tries": 3, "body": '{"text": "Shelling on Morek"}'}
    assert app.state.seen == [b'{"text": "Shelling on Morek"}'] * 3


def test_a_form_upload_is_read_again_whole() -> None:
    app = app_failing(1)
    with TestClient(app) as client:
        answer = client.post(
            "/form",
            data={"text": "Kafr Zita"},
            files={"file": ("report.txt", b"x" * 200_000, "text/plain")},
        )
    assert answer.status_code == 200
    assert answer.json() == {"text": "Kafr Zita", "name": "report.txt"}


def test_a_request_that_committed_is_not_run_again() -> None:
    app = app_failing(1, commit_first=True)
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.post("/submit", content=b"once")
    assert answer.status_code == 500
    assert app.state.seen == [b"once"]


def test_other_errors_and_the_last_try_are_not_hidden() -> None:
    app = app_failing(10)
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.post("/submit", content=b"again")
    assert answer.status_code == 500
    assert len(app.state.seen) == 5  # the attempts, then the error stands

    app = app_failing(1, lambda: ValueError("a bug"))
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.post("/submit", content=b"bug").status_code == 500
    assert app.state.seen == [b"bug"]
