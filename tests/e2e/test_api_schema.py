"""The REST API against its own OpenAPI document, with Schemathesis: requests generated from the
schema (valid and not) for every GET operation as an analyst, and for every operation with no
valid token. The one property: no request makes a server error (status 500 or more)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings

from tests.conftest import AGREEMENT, MAX_BYTES, NewStore, Serve, Store
from truce.app import create_app
from truce.config import Settings
from truce.domain.cases import CaseState
from truce.store.database import make_engine

with warnings.catch_warnings():  # starlette.testclient warns on import that httpx is deprecated
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    database=None,  # no example database (Hypothesis still caches in the git-ignored .hypothesis/)
    derandomize=True,  # the same examples every run: a failure here is reproducible
    suppress_health_check=list(HealthCheck),
)
pytestmark = pytest.mark.slow  # Schemathesis makes a few hundred requests


@dataclass(frozen=True)
class Demo:
    app: FastAPI
    client: TestClient
    tokens: dict[str, str]  # user -> API token
    ids: dict[str, str]  # path parameter -> an ID that exists in the store


def _ids(store: Store) -> dict[str, str]:
    """Real IDs for the path parameters: a report, an open case and its incident."""
    with store.uow() as uow:
        case = uow.cases.all(state=CaseState.AWAITING_REPLY.value)[0]
        report = next(uow.reports.iter_current())
        return {
            "report_id": report.id,
            "document_id": report.document_id or "",
            "incident_id": case.incident_id,
            "case_id": case.id,
            "agreement_id": AGREEMENT,
            "seq": "0",
            "fmt": "acled",
            "token_id": "0" * 16,
            "number": "1",
            "path": "0/000.p/1",  # the first hash tile of the log (the tlog-tiles routes)
        }


@pytest.fixture(scope="module")
def demo(new_store: NewStore, demo_store: Store, serve: Serve) -> Iterator[Demo]:
    """The app over a copy of the demo store (no request here should change it; if one did,
    the other modules' store stays as it was)."""
    with (
        new_store("api-schema", copy_of=demo_store) as store,
        serve(store, max_document_bytes=MAX_BYTES) as served,
    ):
        yield Demo(served.app, served.client, store.tokens, _ids(store))


def _schema_only_app() -> FastAPI:
    """The app on a database it never opens: enough to serve its OpenAPI document."""
    return create_app(Settings(database_url="sqlite://"), engine=make_engine("sqlite://"))


# Loaded at import, for pytest to collect one test per operation. (Schemathesis's lazy
# `schemathesis.pytest.from_fixture` does not run under pytest 9.2: it sets `node._nodeid`.)
# Requests go to the app on the demo store (`case.call(app=...)`), which serves the same document.
schema = schemathesis.openapi.from_asgi("/api/openapi.json", _schema_only_app())


def _described(case: schemathesis.Case, response: schemathesis.Response) -> str:
    return (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}\n"
        f"reproduce with: {case.as_curl_command()}"
    )


def test_the_document_is_openapi_3_1_and_the_one_tested(demo: Demo) -> None:
    response = demo.client.get("/api/openapi.json")
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
