"""The REST API against its own OpenAPI document, with Schemathesis: requests generated from the
schema (valid and not) for every GET operation as an analyst, and for every operation with no
valid token. The one property: no request makes a server error (status 500 or more)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine

from truce.api.app import create_app
from truce.config import Settings
from truce.domain.access import Principal, Role
from truce.services import cases as flow
from truce.services.assessment import assess_incidents
from truce.services.demo import accounts, load_sample
from truce.services.incidents import fuse
from truce.services.tokens import issue_token
from truce.store.database import make_engine, migrate
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

with warnings.catch_warnings():  # starlette.testclient warns on import that httpx is deprecated
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

AGREEMENT = "astana-2016"
CONSOLE = Principal("console", "un", Role.ADMINISTRATOR)
MAX_BYTES = 1 << 24
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    database=None,  # no example database (Hypothesis still caches in the git-ignored .hypothesis/)
    derandomize=True,  # the same examples every run: a failure here is reproducible
    suppress_health_check=list(HealthCheck),
)


@dataclass(frozen=True)
class Demo:
    app: FastAPI
    tokens: dict[str, str]  # user -> API token
    ids: dict[str, str]  # path parameter -> an ID that exists in the store


def _set_up(engine: Engine, keyring: Keyring) -> tuple[dict[str, str], dict[str, str]]:
    """The demo's store: scenario, sample data set and texts, fused, assessed, accounts and open
    cases. Returns an API token per demo user, and real IDs for the path parameters."""
    now = datetime.now(UTC)
    with UnitOfWork(engine, keyring) as uow:
        load_sample(uow, now, max_bytes=MAX_BYTES)
        fuse(uow=uow, now=now, rebuild=True)
        assess_incidents(uow=uow, agreement_id=AGREEMENT, now=now)
        users = accounts(uow, now)
        (case, *_) = flow.open_cases(uow=uow, who=users["analyst"], agreement_id=AGREEMENT, now=now)
        tokens = {u: issue_token(uow=uow, who=CONSOLE, user=u, now=now) for u in users}
        ids = {"report_id": next(uow.reports.iter_current()).id, "incident_id": case.incident_id,
               "case_id": case.id, "agreement_id": AGREEMENT, "seq": "0", "fmt": "acled"}  # fmt: skip
        return tokens, ids


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    tmp = tmp_path_factory.mktemp("api-schema")
    url = f"sqlite:///{tmp / 'truce.db'}"
    engine = make_engine(url)
    migrate(engine)
    keyring = Keyring(tmp / "keys")
    tokens, ids = _set_up(engine, keyring)
    app = create_app(
        Settings(database_url=url, max_document_bytes=MAX_BYTES), engine=engine, keyring=keyring
    )
    yield Demo(app, tokens, ids)
    engine.dispose()


def _schema_only_app() -> FastAPI:
    """The app on a database it never opens: enough to serve its OpenAPI document."""
    return create_app(Settings(database_url="sqlite://"), engine=make_engine("sqlite://"))


# Loaded at import, for pytest to collect one test per operation. (Schemathesis's lazy
# `schemathesis.pytest.from_fixture` does not run under pytest 9.2: it sets `node._nodeid`.)
# Requests go to the app on the demo store (`case.call(app=...)`), which serves the same document.
schema = schemathesis.openapi.from_asgi("/api/openapi.json", _schema_only_app())


def _described(case: schemathesis.Case, response: schemathesis.Response) -> str:
    return (f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}\n"
            f"reproduce with: {case.as_curl_command()}")  # fmt: skip


def test_the_document_is_openapi_3_1_and_the_one_tested(demo: Demo) -> None:
    with TestClient(demo.app) as client:
        response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document = response.json()
    assert re.fullmatch(r"3\.1\.\d+", document["openapi"]), document["openapi"]
    assert document == schema.raw_schema  # the operations collected are the app's
    paths = document["paths"]
    assert "/api/incidents" in paths and "/api/reports/file" in paths
    assert not any(p == "/api/openapi.json" or not p.startswith("/api/") for p in paths), paths


@SETTINGS
@schema.include(method="GET").parametrize()
def test_no_get_makes_a_server_error_for_an_analyst(case: schemathesis.Case, demo: Demo) -> None:
    analyst = {"Authorization": f"Bearer {demo.tokens['analyst']}"}
    response = case.call(app=demo.app, headers=analyst)
    assert response.status_code < 500, _described(case, response)
    if case.path_parameters:
        # Made-up IDs only meet 404s: the same request again on objects that exist.
        case.path_parameters = {name: demo.ids[name] for name in case.path_parameters}
        response = case.call(app=demo.app, headers=analyst)
        assert response.status_code < 500, _described(case, response)


@SETTINGS
@schema.parametrize()
def test_no_request_makes_a_server_error_without_a_valid_token(
    case: schemathesis.Case, demo: Demo
) -> None:
    # Whatever `authorization` header the schema lets Schemathesis make up (or none): never
    # a valid token, so the caller is the public or is refused. Nothing is changed.
    response = case.call(app=demo.app)
    assert response.status_code < 500, _described(case, response)
