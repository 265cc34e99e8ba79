"""The REST API's security surface, end to end on a store set up as the demo does: every route
called by every role (authorization matrix), bearer tokens (malformed, unknown, revoked),
hostile text carried back only as JSON strings, upload file names and sizes, and validation
errors as RFC 9457 problem details."""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import jsonschema_rs
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy import Engine, update

from tests.conftest import AGREEMENT, CONSOLE, MAX_BYTES, NewStore, Serve, Served, Store
from truce.domain.access import POLICY, Role, UseCase
from truce.domain.cases import CaseState, Evidence, ReplyKind, Vote
from truce.domain.documents import Channel
from truce.domain.incidents import Incident
from truce.ledger import note
from truce.ledger.checkpoints import Issued
from truce.ledger.keys import SigningKey
from truce.services import cases as flow
from truce.services import ledger as ledger_service
from truce.services import witnessing
from truce.services.demo import DEMO_USERS
from truce.services.intake import receive_document
from truce.services.tokens import issue_token, revoke_token, token_id
from truce.store import tables
from truce.store.uow import UnitOfWork

with warnings.catch_warnings():  # starlette.testclient warns on import that httpx is deprecated
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"
# An event the extractor reads as one report (Maarat al-Numan, Idleb, 9 January 2017).
EVENT = (
    "Damascus, 9 January 2017 (SANA) - Terrorist groups fired rocket shells on residential "
    "neighbourhoods of Maarat al-Numan in Idleb countryside on Monday, killing two civilians."
)
PLACE = "Maarat al-Numan"


def event_on(day: date) -> str:
    """The event on another day: each hostile payload gets days of its own, so its reports
    make incidents of their own, which stay small."""
    return EVENT.replace("9 January 2017", f"{day.day} {day:%B %Y}").replace(" on Monday", "")


# One demo user per role, and a caller with no token at all (the public).
ROLE_OF: dict[str | None, Role] = {user: role for user, _, role, _ in DEMO_USERS}
CALLERS: tuple[str | None, ...] = (
    "chair",
    "analyst",
    "ru-officer",
    "gov-liaison",
    "us-observer",
    "visitor",
    None,
)
ROLE_OF[None] = Role.PUBLIC
assert {ROLE_OF[c] for c in CALLERS} == set(Role)


# --- the store: the demo's, built once per run, copied for the tests here --------------------


@pytest.fixture(scope="module")
def template(demo_store: Store) -> Store:
    """The demo store, as set up (never changed): enough government-side cases for the tests
    that take one each."""
    with demo_store.uow() as unit:
        awaiting = unit.cases.all(state=CaseState.AWAITING_REPLY.value)
    assert sum(c.accused_side == "government" for c in awaiting) >= 10
    return demo_store


@dataclass
class Api:
    """A client on an app over one copy of the demo store, acting as any demo user."""

    served: Served
    used: set[str] = field(default_factory=set)  # cases already taken by a test

    @property
    def client(self) -> TestClient:
        return self.served.client

    @property
    def app(self) -> FastAPI:
        return self.served.app

    @property
    def engine(self) -> Engine:
        return self.served.store.engine

    @property
    def tokens(self) -> dict[str, str]:
        return self.served.store.tokens

    def auth(self, user: str | None) -> dict[str, str]:
        return self.served.auth(user)

    def call(
        self,
        user: str | None,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        return self.client.request(
            method, path, headers=self.auth(user) | (headers or {}), **kwargs
        )

    def uow(self) -> AbstractContextManager[UnitOfWork]:
        return self.served.store.uow()

    def counts(self) -> tuple[int, int]:
        """Raw documents and ledger entries: what any accepted request leaves behind."""
        with self.uow() as unit:
            return unit.documents.count(), unit.ledger.size()

    def case_in(self, state: CaseState) -> str:
        """A government-side case no test has touched, brought to `state` through the workflow
        (Russia and Iran answer for the government side)."""
        now = datetime.now(UTC)
        with self.uow() as unit:
            case = next(
                c
                for c in unit.cases.all(state=CaseState.AWAITING_REPLY.value)
                if c.accused_side == "government" and not c.replies and c.id not in self.used
            )
            self.used.add(case.id)
            who = unit.users.principal
            if state is CaseState.CLOSED:
                flow.close(
                    uow=unit, who=who("analyst"), case_id=case.id, reason="not an incident", now=now
                )
            if state in (CaseState.UNDER_VERIFICATION, CaseState.JOINT_REVIEW, CaseState.DISPUTED):
                for officer in ("ru-officer", "ir-officer"):
                    flow.reply(
                        uow=unit,
                        who=who(officer),
                        case_id=case.id,
                        kind=ReplyKind.ACKNOWLEDGED,
                        text="We are looking into it.",
                        now=now,
                    )
            if state in (CaseState.JOINT_REVIEW, CaseState.DISPUTED):
                flow.propose_finding(uow=unit, who=who("analyst"), case_id=case.id, now=now)
            if state is CaseState.DISPUTED:
                flow.review(
                    uow=unit,
                    who=who("ru-officer"),
                    case_id=case.id,
                    vote=Vote.DISSENT,
                    reason="Our forces were not there.",
                    now=now,
                )
            assert unit.cases.get(case.id).state is state
            return case.id


ApiOn = Callable[..., AbstractContextManager[Api]]


@pytest.fixture(scope="module")
def api_on(new_store: NewStore, serve: Serve, template: Store) -> ApiOn:
    """`with api_on(**settings) as api`: the app over a copy of the demo store of its own."""

    @contextmanager
    def make(**settings: Any) -> Iterator[Api]:
        options: dict[str, Any] = {"max_document_bytes": MAX_BYTES, **settings}
        with (
            new_store("api-security", copy_of=template) as store,
            serve(store, **options) as served,
        ):
            yield Api(served)

    return make


@pytest.fixture(scope="module")
def api(api_on: ApiOn) -> Iterator[Api]:
    """One copy of the store shared by the module's tests that do not need a pristine one."""
    with api_on() as shared:
        yield shared


@pytest.fixture
def fresh(api_on: ApiOn) -> Iterator[Api]:
    """A copy of the store for this test alone."""
    with api_on() as own:
        yield own


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """An RFC 9457 problem: the status, its media type, and type/title/status/detail."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] == PROBLEM, response.headers
    body = response.json()
    assert isinstance(body, dict), body
    assert {"type", "title", "status", "detail"} <= set(body), body
    assert body["status"] == status
    assert all(isinstance(body[k], str) and body[k] for k in ("type", "title", "detail")), body
    return body


# --- the route x role authorization matrix ---------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    json: Any = None
    files: dict[str, Any] | None = None


@dataclass(frozen=True)
class Route:
    """A route, the use case it needs, and how to make a valid request to it (which may first
    prepare a fresh object in the store, e.g. a case in the right state)."""

    method: str
    path: str
    use_case: UseCase
    request: Callable[[Api, str], Request]


def _report(api: Api) -> str:
    with api.uow() as unit:
        return next(unit.reports.iter_current()).id


def _incidents(api: Api) -> list[Incident]:
    with api.uow() as unit:
        return unit.incidents.all()


def _merge(api: Api, tag: str) -> Request:
    first, second = _incidents(api)[:2]
    body = {"incident_ids": [first.id, second.id], "reason": f"the same strike ({tag})"}
    return Request("POST", "/api/incidents/merge", body)


def _split(api: Api, tag: str) -> Request:
    incident = next(i for i in _incidents(api) if len(i.report_ids) >= 2)
    body = {"report_ids": [incident.report_ids[0]], "reason": f"two strikes ({tag})"}
    return Request("POST", f"/api/incidents/{incident.id}/split", body)


def _upload(api: Api, tag: str) -> Request:
    text = f"A quiet day, nothing to report ({tag}).".encode()
    return Request(
        "POST", "/api/reports/file", files={"file": (f"note-{tag}.txt", text, "text/plain")}
    )


def _document(api: Api, caller: str) -> Request:
    """A document the caller submitted (the analyst's, for those who may submit none): a
    submitter may read its own documents' status, and none of another's."""
    with api.uow() as unit:
        users = dict((p.user, p) for p, _ in unit.users.all())
        who = users.get(caller)
        if who is None or who.role not in POLICY[UseCase.SUBMIT_REPORT]:
            who = users["analyst"]
        document, _ = receive_document(
            uow=unit,
            content=f"A note from {caller}.".encode(),
            media_type="text/plain",
            channel=Channel.FILE,
            now=datetime.now(UTC),
            who=who,
            filename="note.txt",
            max_bytes=MAX_BYTES,
        )
    return Request("GET", f"/api/documents/{document.id}")


Make = Callable[[Api, str], Request]  # a valid request, on objects prepared for it
Where = Callable[[Api], str]  # the ID for the path's `{...}`


def _fill(path: str, api: Api, where: Where | None) -> str:
    return re.sub(r"\{\w+\}", where(api) if where else "", path)


def _get(where: Where | None = None) -> Callable[[str], Make]:
    return lambda path: lambda a, _: Request("GET", _fill(path, a, where))


def _post(body: Any = None, where: Where | None = None) -> Callable[[str], Make]:
    """A POST of `body` (or of `body(tag)`, to make each request's content new)."""

    def make(path: str) -> Make:
        return lambda a, tag: Request(
            "POST", _fill(path, a, where), body(tag) if callable(body) else body
        )

    return make


def _issued(api: Api) -> Issued:
    with api.uow() as unit:
        return ledger_service.checkpoint(uow=unit, who=CONSOLE, now=datetime.now(UTC))


def _newest_checkpoint(path: str) -> Make:
    """A checkpoint issued first (a store with none answers 404)."""

    def make(api: Api, tag: str) -> Request:
        _issued(api)
        return Request("GET", path)

    return make


def _tile(tail: str) -> Callable[[str], Make]:
    """The first entry's tile or bundle: every store has one entry."""
    return lambda path: lambda a, _: Request("GET", path.replace("{path:path}", tail))


def _consistency(path: str) -> Make:
    return lambda a, _: Request("GET", f"{path}?old=1&new=2")


def _cosignature(path: str) -> Make:
    """A checkpoint, and a cosignature of it by a key just registered for russia (the
    guarantor among the callers)."""

    def make(api: Api, tag: str) -> Request:
        made = _issued(api)
        key = SigningKey.generate("russia")
        vkey = note.verifier_key("russia", key.public, note.COSIGNATURE_V1)
        with api.uow() as unit:
            witnessing.register(
                uow=unit, who=CONSOLE, member="russia", vkey=vkey, now=datetime.now(UTC)
            )
        line = note.cosignature_line(made.text, "russia", key, 1_700_000_000)
        return Request("POST", path, {"checkpoint": made.note, "cosignature": line})

    return make


def _in(state: CaseState) -> Where:
    """A fresh case brought to `state`."""
    return lambda a: a.case_in(state)


def _text(tag: str) -> dict[str, str]:
    return {"text": f"A quiet day, nothing to report ({tag})."}


def _structured(tag: str) -> dict[str, str]:
    return {
        "date_start": "2017-02-01",
        "notes": f"A quiet day ({tag}).",
        "sub_event_type": "Armed clash",
        "event_type": "Battles",
    }


def _delete(where: Where) -> Callable[[str], Make]:
    return lambda path: lambda a, _: Request("DELETE", _fill(path, a, where))


def _token_of_opp_liaison(api: Api) -> str:
    """A new token of a user who is none of the callers."""
    with api.uow() as unit:
        token = issue_token(uow=unit, who=CONSOLE, user="opp-liaison", now=datetime.now(UTC))
    return token_id(token)


_S, _U = CaseState, UseCase
_AWAITING, _VERIFYING, _JOINT = (
    _in(_S.AWAITING_REPLY),
    _in(_S.UNDER_VERIFICATION),
    _in(_S.JOINT_REVIEW),
)
_DISPUTED, _CLOSED = _in(_S.DISPUTED), _in(_S.CLOSED)
_ACK = {"kind": "acknowledged", "text": "We are looking into it."}
_QUESTION, _NOT_AN_INCIDENT = {"text": "Which market, and when?"}, {"text": "not an incident"}
_ACCEPT, _CONFIRM = {"action": "accept"}, {"vote": "confirm"}


def _reopen(path: str) -> Make:
    """New evidence (a stored report) for a fresh closed case."""
    return lambda a, _: Request(
        "POST", _fill(path, a, _CLOSED), {"text": "a new video", "report_id": _report(a)}
    )


def _decide(path: str) -> Make:
    """A decision on a party's pending request to reopen a fresh closed case."""

    def make(a: Api, _: str) -> Request:
        case_id = a.case_in(CaseState.CLOSED)
        evidence = Evidence(statement="a new video", report_id=_report(a))
        with a.uow() as unit:
            liaison = unit.users.principal("gov-liaison")
            now = datetime.now(UTC)
            flow.reopen(uow=unit, who=liaison, case_id=case_id, evidence=evidence, now=now)
        filled = path.replace("{case_id}", case_id).replace("{number}", "1")
        return Request("POST", filled, {"text": "the video is new"})

    return make


ROUTES = tuple(
    Route(method, path, use_case, make(path))
    for method, path, use_case, make in [
        ("POST", "/api/reports/text", _U.SUBMIT_REPORT, _post(_text)),
        ("POST", "/api/reports/file", _U.SUBMIT_REPORT, lambda _: _upload),
        ("POST", "/api/reports", _U.SUBMIT_REPORT, _post(_structured)),
        ("GET", "/api/documents/{document_id}", _U.SUBMIT_REPORT, lambda _: _document),
        ("GET", "/api/exports/{fmt}", _U.VIEW, _get(lambda a: "geojson")),
        ("GET", "/api/ledger/bundle", _U.READ_LEDGER, _get()),
        ("GET", "/api/reports/{report_id}", _U.VIEW, _get(_report)),
        ("GET", "/api/review-queue", _U.REVIEW_REPORT, _get()),
        ("POST", "/api/reports/{report_id}/review", _U.REVIEW_REPORT, _post(_ACCEPT, _report)),
        ("GET", "/api/incidents", _U.VIEW, _get()),
        ("GET", "/api/stats/counts", _U.VIEW, _get()),
        ("GET", "/api/incidents/{incident_id}", _U.VIEW, _get(lambda a: _incidents(a)[0].id)),
        ("POST", "/api/incidents/merge", _U.FUSE, lambda _: _merge),
        ("POST", "/api/incidents/{incident_id}/split", _U.FUSE, lambda _: _split),
        ("GET", "/api/cases", _U.VIEW, _get()),
        ("GET", "/api/cases/{case_id}", _U.VIEW, _get(_AWAITING)),
        ("POST", "/api/cases/open", _U.OPEN_CASE, _post({"agreement": AGREEMENT})),
        ("GET", "/api/cases/{case_id}/signing", _U.REPLY, _get(_AWAITING)),
        ("POST", "/api/cases/{case_id}/reply", _U.REPLY, _post(_ACK, _AWAITING)),
        ("POST", "/api/cases/{case_id}/review", _U.REVIEW_CASE, _post(_CONFIRM, _JOINT)),
        ("POST", "/api/cases/{case_id}/propose", _U.PROPOSE_FINDING, _post(None, _VERIFYING)),
        (
            "POST",
            "/api/cases/{case_id}/request",
            _U.REQUEST_CLARIFICATION,
            _post(_QUESTION, _AWAITING),
        ),
        ("POST", "/api/cases/{case_id}/publish", _U.PUBLISH, _post(None, _DISPUTED)),
        ("POST", "/api/cases/{case_id}/close", _U.CLOSE_CASE, _post(_NOT_AN_INCIDENT, _AWAITING)),
        ("POST", "/api/cases/{case_id}/reopen", _U.REOPEN, _reopen),
        ("GET", "/api/cases/requests", _U.DECIDE_REOPENING, _get()),
        (
            "POST",
            "/api/cases/{case_id}/requests/{number}/accept",
            _U.DECIDE_REOPENING,
            _decide,
        ),
        (
            "POST",
            "/api/cases/{case_id}/requests/{number}/decline",
            _U.DECIDE_REOPENING,
            _decide,
        ),
        ("POST", "/api/cases/escalate", _U.ESCALATE, _post()),
        ("GET", "/api/ledger/checkpoints", _U.READ_LEDGER, _get()),
        ("POST", "/api/ledger/checkpoints", _U.CHECKPOINT, _post()),
        ("GET", "/api/ledger/checkpoint", _U.READ_LEDGER, _newest_checkpoint),
        ("GET", "/api/ledger/tiles/checkpoint", _U.READ_LEDGER, _newest_checkpoint),
        ("GET", "/api/ledger/tiles/tile/{path:path}", _U.READ_LEDGER, _tile("0/000.p/1")),
        ("GET", "/api/ledger/tiles/tile/entries/{path:path}", _U.READ_LEDGER, _tile("000.p/1")),
        ("GET", "/api/ledger/tiles/bundle.json", _U.READ_LEDGER, _get()),
        ("GET", "/api/ledger/consistency", _U.READ_LEDGER, _consistency),
        ("POST", "/api/ledger/cosignatures", _U.WITNESS, _cosignature),
        ("GET", "/api/ledger/proofs/{seq}", _U.READ_LEDGER, _get(lambda a: "0")),
        ("GET", "/api/agreements", _U.VIEW, _get()),
        ("GET", "/api/agreements/{agreement_id}/zones", _U.VIEW, _get(lambda a: AGREEMENT)),
        ("GET", "/api/members", _U.VIEW, _get()),
        # Someone else's token: only an administrator may revoke it (owners: their own).
        ("DELETE", "/api/tokens/{token_id}", _U.MANAGE_MEMBERS, _delete(_token_of_opp_liaison)),
    ]
)


NOT_ROUTES = {"/api/openapi.json", "/api/docs"}


def api_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the app serves under /api, but its OpenAPI document and docs page.
    (FastAPI 0.165 keeps included routers nested in `app.routes`; `iter_route_contexts` walks
    them.)"""
    return {
        (method, route.path)
        for route in iter_route_contexts(app.routes)
        if route.path and route.path.startswith("/api/") and route.path not in NOT_ROUTES
        for method in (route.methods or set()) - {"HEAD"}
    }


def test_the_matrix_covers_every_api_route(api: Api) -> None:
    table = [(r.method, r.path) for r in ROUTES]
    assert len(table) == len(set(table)), "a route is in the table twice"
    served = api_routes(api.app)
    assert served, "no /api routes found"
    missing, extra = sorted(served - set(table)), sorted(set(table) - served)
    assert set(table) == served, f"not in the table: {missing}; not served: {extra}"


@pytest.fixture(scope="module")
def document(api: Api) -> dict[str, Any]:
    """The OpenAPI document, made once: every copy's app serves the same one, and making it
    takes most of a second (each new app would make it again)."""
    return api.app.openapi()


def assert_fits_the_document(
    document: dict[str, Any], route: Route, response: httpx.Response
) -> None:
    """A JSON body is what the OpenAPI document says the operation answers with."""
    # The document names a path parameter {path}; the route, {path:path}.
    path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
    answers = document["paths"][path][route.method.lower()]["responses"]
    media_type = response.headers["content-type"].split(";")[0]
    schema = answers[str(response.status_code)]["content"][media_type]["schema"]
    if media_type.endswith("json"):
        validator = jsonschema_rs.validator_for(schema | {"components": document["components"]})
        errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(response.json())]
        assert not errors, errors[:5]


@pytest.mark.slow  # 200-odd requests, each on a store of its own (the policy's own matrix is quick)
@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c or "anonymous")
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_each_route_answers_each_role_as_the_policy_says(
    fresh: Api, route: Route, caller: str | None, document: dict[str, Any]
) -> None:
    request = route.request(fresh, caller or "anonymous")
    before = fresh.counts()
    response = fresh.call(
        caller, request.method, request.path, json=request.json, files=request.files
    )
    role = ROLE_OF[caller]
    if role in POLICY[route.use_case]:
        # Allowed: through. Each request is prepared on fresh objects in the right state, so
        # it succeeds (a workflow-state refusal would be 409 Conflict; a 403 never).
        assert response.status_code != 403, response.text
        assert response.status_code < 300, response.text
        expected = {
            "/api/exports/{fmt}": "application/geo+json",
            "/api/ledger/bundle": "application/zip",
            "/api/ledger/checkpoint": "text/plain",
            "/api/ledger/tiles/checkpoint": "text/plain",
            "/api/ledger/tiles/tile/{path:path}": "application/octet-stream",
            "/api/ledger/tiles/tile/entries/{path:path}": "application/octet-stream",
        }
        assert response.headers["content-type"].startswith(
            expected.get(route.path, "application/json")
        )
        assert_fits_the_document(document, route, response)
    else:
        body = assert_problem(response, 403)
        assert route.use_case.value in body["detail"]
        assert fresh.counts() == before, "a refused request left a trace"


@pytest.mark.parametrize(
    ("officer", "side"), [("tr-officer", "government"), ("ru-officer", "opposition")]
)
def test_only_a_guarantor_answerable_for_the_side_may_reply(
    fresh: Api, officer: str, side: str
) -> None:
    with fresh.uow() as unit:
        case = next(
            c
            for c in unit.cases.all(state=CaseState.AWAITING_REPLY.value)
            if c.accused_side == side
        )
    before = fresh.counts()
    response = fresh.call(
        officer,
        "POST",
        f"/api/cases/{case.id}/reply",
        json={"kind": "acknowledged", "text": "Noted."},
    )
    body = assert_problem(response, 403)
    assert "may not reply" in body["detail"]
    assert fresh.counts() == before


# --- bearer tokens ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Token abc",
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer ",
        "Bearertrc_abc",
        "trc_abc",
        "Bearer: trc_abc",
    ],
)
def test_a_malformed_authorization_header_gets_401(api: Api, header: str) -> None:
    response = api.client.get("/api/incidents", headers={"Authorization": header})
    assert_problem(response, 401)


def test_an_unknown_token_gets_401(api: Api) -> None:
    real = api.tokens["analyst"]
    for token in (
        "trc_" + "A" * 43,
        "nonsense",
        real[:-1] + ("A" if real[-1] != "A" else "B"),
        real + "x",
        "trc_",
        real.upper(),
    ):
        response = api.client.get("/api/incidents", headers={"Authorization": f"Bearer {token}"})
        body = assert_problem(response, 401)
        assert "token" in body["detail"]


def test_a_revoked_token_gets_401_and_other_tokens_still_work(api: Api) -> None:
    now = datetime.now(UTC)
    with api.uow() as unit:
        token = issue_token(uow=unit, who=CONSOLE, user="analyst", now=now, name="to revoke")
    mine = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/review-queue", headers=mine).status_code == 200
    with api.uow() as unit:
        token_id = hashlib.sha256(token.encode()).hexdigest()[:16]
        revoke_token(uow=unit, who=CONSOLE, token_id=token_id, now=now)
    assert_problem(api.client.get("/api/review-queue", headers=mine), 401)
    # Not taken for the public either: a revoked token is refused on public routes too.
    assert_problem(api.client.get("/api/incidents", headers=mine), 401)
    assert api.call("analyst", "GET", "/api/review-queue").status_code == 200


def test_the_token_of_a_user_no_longer_active_gets_401(fresh: Api) -> None:
    with fresh.engine.begin() as connection:  # no use case deactivates a user yet: the store does
        connection.execute(
            update(tables.users).where(tables.users.c.id == "us-observer").values(active=False)
        )
    assert_problem(fresh.call("us-observer", "GET", "/api/incidents"), 401)


def test_a_401_says_how_to_authenticate(api: Api) -> None:
    response = api.client.get("/api/incidents", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401
    assert response.headers.get("www-authenticate", "").lower().startswith("bearer")


# --- hostile text: carried back only as JSON strings -----------------------------------------

XSS = (
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script>alert(String.fromCharCode(88,83,83))</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(\'xss\')">',
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<embed src="data:image/svg+xml,<svg onload=alert(1)>">',
    "{{7*7}}",
    "${7*7}",
    "{{constructor.constructor('alert(1)')()}}",
    "{% raw %}{{ config }}{% endraw %}",
    "<%= 7*7 %>",
    "#{7*7}",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1);//<</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><svg/onload=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<style>@import 'javascript:alert(1)';</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "<x onclick=alert(1)>clic",
    "<img src=x onerror=alert`1`>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
)
assert len(set(XSS)) >= 30


def _strings(value: Any, where: str = "$") -> Iterator[tuple[str, str]]:
    """Every string in a decoded JSON value with where it is; keys raise (none may be hostile)."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for k, item in enumerate(value):
            yield from _strings(item, f"{where}[{k}]")


def assert_json_only(response: httpx.Response, payload: str, *, carried: bool) -> list[str]:
    """The response is JSON (never HTML); where it carries the payload, it is inside a JSON
    string (escaped as JSON escapes it), not in a key and not as markup."""
    media_type = response.headers["content-type"].split(";")[0].strip()
    assert media_type in ("application/json", PROBLEM), response.headers
    assert "html" not in response.headers["content-type"]
    body = response.json()
    assert not any(payload in key for key in _keys(body)), body
    found = [where for where, text in _strings(body) if payload in text]
    if found:
        assert json.dumps(payload, ensure_ascii=False)[1:-1] in response.text
    if carried:
        assert found, f"the payload is not in {response.text[:2000]}"
    return found


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


@pytest.mark.parametrize("payload", XSS)
def test_hostile_text_comes_back_only_as_json_strings(api: Api, payload: str) -> None:
    day = date(2017, 6, 1) + timedelta(days=5 * XSS.index(payload))
    event = event_on(day)
    submissions = {
        "text": {"text": f"{event} {payload}", "source": "SANA"},
        "source": {"text": event, "source": payload},
        "place": {"text": event.replace(PLACE, payload), "source": "SANA"},
    }
    for how, body in submissions.items():
        submitted = api.call("analyst", "POST", "/api/reports/text", json=body)
        assert submitted.status_code == 201, (how, submitted.text)
        assert_json_only(submitted, payload, carried=False)
        (report_id,) = submitted.json()["reports"]
        # The extractor keeps the event's sentence as the notes, and may leave out a payload
        # that follows it; as the place (inside that sentence) or as the source, it stays.
        for user in ("analyst", None):
            shown = api.call(user, "GET", f"/api/reports/{report_id}")
            assert shown.status_code == 200, shown.text
            where = assert_json_only(shown, payload, carried=how != "text")
            assert how != "source" or "$.sources[0].name" in where
        with api.uow() as unit:
            (incident,) = [
                i
                for i in unit.incidents.all(start=day - timedelta(days=30))
                if report_id in i.report_ids
            ]
        shown = api.call("analyst", "GET", f"/api/incidents/{incident.id}")
        assert shown.status_code == 200, shown.text
        assert_json_only(shown, payload, carried=how != "text")


def test_lists_carry_the_hostile_text_only_as_json_strings(api: Api) -> None:
    for path in ("/api/incidents", "/api/review-queue"):  # with what the tests above stored
        listed = api.call("analyst", "GET", path, params={"limit": 500})
        assert listed.status_code == 200
        for payload in XSS:
            assert_json_only(listed, payload, carried=False)


@pytest.mark.parametrize("payload", XSS)
def test_error_bodies_that_echo_input_are_problem_json(api: Api, payload: str) -> None:
    zone = api.call("analyst", "GET", "/api/incidents", params={"zone": payload})
    assert_problem(zone, 422)
    assert_json_only(zone, payload, carried=True)
    report_id = _report(api)
    correction = api.call(
        "analyst",
        "POST",
        f"/api/reports/{report_id}/review",
        json={"action": "correct", "field": payload[:80], "value": payload},
    )
    assert correction.status_code in (400, 409, 422), correction.text
    assert_problem(correction, correction.status_code)
    assert_json_only(correction, payload[:80], carried=False)
    for path in (
        f"/api/reports/{quote(payload, safe='')}",
        f"/api/cases/{quote(payload, safe='')}",
        f"/api/incidents/{quote(payload, safe='')}",
    ):
        missing = api.call("analyst", "GET", path)
        assert_problem(missing, 404)
        # Echoed as "no report <id>"; but a slash in the ID makes another path (not served),
        # and Starlette's TestClient decodes the path twice (so "%25" arrives as another "%").
        assert_json_only(missing, payload, carried="/" not in payload and "%" not in payload)
    upload = api.call(
        "analyst",
        "POST",
        "/api/reports/file",
        files={"file": (payload, b"A quiet day.", "text/plain")},
    )
    assert_problem(upload, 400)
    # Echoed as the repr of the name the client sent (httpx %-encodes a double quote).
    assert_json_only(upload, payload, carried=not any(c in payload for c in "\"'\\"))


# --- uploads ---------------------------------------------------------------------------------

TRAVERSAL = (
    "../../etc/passwd",
    "..\\..\\win.ini",
    "/abs/path.txt",
    "a/../b.txt",
    "../x.txt",
    "..",
    "./x.txt",
    "a\x00b.txt",
    "x.txt\x00.pdf",
    "a\nb.txt",
    "a\r\nb.txt",
    "%2e%2e%2fetc%2fpasswd",
    ".hidden",
)


@pytest.mark.parametrize("name", TRAVERSAL, ids=repr)
def test_an_upload_with_a_path_for_a_name_is_refused_and_nothing_is_stored(
    api: Api, name: str
) -> None:
    before = api.counts()
    response = api.call(
        "analyst",
        "POST",
        "/api/reports/file",
        files={"file": (name, b"Shelling was heard near Idleb today.", "text/plain")},
    )
    assert_problem(response, 400)
    assert api.counts() == before


@pytest.mark.parametrize("name", ["C:\\Windows\\win.ini", "D:\\x.txt", "\\\\server\\share\\x.txt"])
def test_a_windows_full_path_is_refused_or_cut_to_its_base_name(api: Api, name: str) -> None:
    # The multipart parser itself cuts a Windows full path to its base name (an old browser
    # habit), so the app may never see the path: either way no path is stored.
    before = api.counts()
    response = api.call(
        "analyst",
        "POST",
        "/api/reports/file",
        files={"file": (name, f"Shelling near Idleb ({name}).".encode(), "text/plain")},
    )
    if response.status_code == 400:
        assert_problem(response, 400)
        assert api.counts() == before
        return
    assert response.status_code == 201, response.text
    with api.uow() as unit:
        stored = unit.documents.intake_events(response.json()["document_id"])[-1].filename
    assert stored == name.rsplit("\\", 1)[-1]


def _raw_upload(api: Api, filename: bytes) -> httpx.Response:
    """A multipart body written by hand: the file name goes as it is (httpx would %-encode NUL,
    CR, LF and the quote)."""
    boundary = b"truce-test-boundary"
    body = (
        b"--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="file"; filename="'
        + filename
        + b'"\r\nContent-Type: text/plain\r\n\r\nShelling was heard near Idleb today.\r\n--'
        + boundary
        + b"--\r\n"
    )
    headers = api.auth("analyst") | {
        "Content-Type": f"multipart/form-data; boundary={boundary.decode()}"
    }
    return api.client.post("/api/reports/file", content=body, headers=headers)


@pytest.mark.parametrize(
    "name", [b"a\x00b.txt", b"../\x00/etc/passwd", b"a\nb.txt", b"..\\..\\win.ini"], ids=repr
)
def test_a_raw_nul_or_newline_in_an_upload_name_is_refused(api: Api, name: bytes) -> None:
    before = api.counts()
    assert_problem(_raw_upload(api, name), 400)
    assert api.counts() == before


def test_a_malformed_multipart_body_is_refused_and_nothing_is_stored(api: Api) -> None:
    before = api.counts()
    response = _raw_upload(api, b"a\r\nb.txt")  # CR LF ends the header line mid-name
    assert response.status_code == 400, response.text
    assert api.counts() == before


def test_a_malformed_multipart_body_gets_problem_json(api: Api) -> None:
    assert_problem(_raw_upload(api, b"a\r\nb.txt"), 400)


def test_a_multipart_body_without_a_boundary_gets_problem_json(api: Api) -> None:
    response = api.call(
        "analyst",
        "POST",
        "/api/reports/file",
        content=b"x",
        headers={"Content-Type": "multipart/form-data"},
    )
    assert_problem(response, 400)


def test_a_method_not_served_gets_problem_json(api: Api) -> None:
    assert_problem(api.call("analyst", "PUT", "/api/cases"), 405)


def test_an_unknown_api_path_gets_problem_json(api: Api) -> None:
    assert_problem(api.call("analyst", "GET", "/api/no-such-thing"), 404)


def test_an_upload_over_the_limit_gets_413_and_nothing_is_stored(
    api_on: ApiOn,
) -> None:
    with api_on(max_document_bytes=1000) as small:
        before = small.counts()
        for size in (1001, 5000, 2_000_000):
            response = small.call(
                "analyst",
                "POST",
                "/api/reports/file",
                files={"file": ("big.txt", b"a" * size, "text/plain")},
            )
            body = assert_problem(response, 413)
            assert "1,000" in body["detail"]
            assert small.counts() == before
        text = "A quiet day, nothing to report. "
        fits = (text * 40)[:1000].encode()
        accepted = small.call(
            "analyst", "POST", "/api/reports/file", files={"file": ("fits.txt", fits, "text/plain")}
        )
        assert accepted.status_code == 201, accepted.text
        assert small.counts()[0] == before[0] + 1


def test_a_text_over_the_limit_is_refused_and_nothing_is_stored(
    api_on: ApiOn,
) -> None:
    with api_on(max_document_bytes=1000) as small:
        before = small.counts()
        response = small.call(
            "analyst", "POST", "/api/reports/text", json={"text": "a quiet day " * 200}
        )
        assert response.status_code in (400, 413), response.text
        assert_problem(response, response.status_code)
        assert small.counts() == before


# --- validation errors -----------------------------------------------------------------------


def test_a_bad_body_gets_422_naming_the_field(api: Api) -> None:
    with api.uow() as unit:
        case = next(
            c
            for c in unit.cases.all(state=CaseState.AWAITING_REPLY.value)
            if c.accused_side == "government"
        )
    before = api.counts()
    bad = api.call(
        "ru-officer",
        "POST",
        f"/api/cases/{case.id}/reply",
        json={"kind": "maybe", "text": "Perhaps."},
    )
    body = assert_problem(bad, 422)
    assert isinstance(body["errors"], list) and body["errors"]
    assert [e["field"] for e in body["errors"]] == ["kind"]
    assert all(isinstance(e["message"], str) and e["message"] for e in body["errors"])
    empty = assert_problem(
        api.call("ru-officer", "POST", f"/api/cases/{case.id}/reply", json={}), 422
    )
    assert {e["field"] for e in empty["errors"]} == {"kind", "text"}
    not_json = api.call(
        "ru-officer",
        "POST",
        f"/api/cases/{case.id}/reply",
        content=b"{kind: maybe",
        headers={"Content-Type": "application/json"},
    )
    assert_problem(not_json, 422)
    vote = assert_problem(
        api.call("ru-officer", "POST", f"/api/cases/{case.id}/review", json={"vote": "abstain"}),
        422,
    )
    assert [e["field"] for e in vote["errors"]] == ["vote"]
    assert api.counts() == before


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/incidents", {"limit": "0"}, "limit"),
        ("/api/incidents", {"limit": "501"}, "limit"),
        ("/api/incidents", {"limit": "many"}, "limit"),
        ("/api/incidents", {"bbox": "1,2"}, "bbox"),
        ("/api/incidents", {"bbox": "a,b,c,d"}, "bbox"),
        ("/api/incidents", {"start": "yesterday"}, "start"),
        ("/api/incidents", {"grade": "Z9"}, "grade"),
        ("/api/incidents", {"cursor": "not-a-cursor"}, "cursor"),
        ("/api/review-queue", {"limit": "0"}, "limit"),
        ("/api/cases", {"inbox": "perhaps"}, "inbox"),
        ("/api/ledger/proofs/first", {}, "seq"),
    ],
)
def test_a_bad_query_gets_422_naming_the_field(
    api: Api, path: str, params: dict[str, str], field: str
) -> None:
    body = assert_problem(api.call("analyst", "GET", path, params=params), 422)
    assert isinstance(body["errors"], list)
    assert field in [e["field"] for e in body["errors"]], body
