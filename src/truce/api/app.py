"""The REST API (FastAPI, OpenAPI 3.1) at /api. Routes are thin: they read the request, find
the acting principal from its bearer token (none: the public), and call the same service
functions as the CLI, which check authorization. Errors are RFC 9457 problem details.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, Form, Header, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from truce.config import Settings
from truce.domain.access import Principal, Role, UseCase, authorize
from truce.domain.cases import Case, ReplyKind, Vote
from truce.domain.errors import (
    ConfigurationError,
    Conflict,
    Forbidden,
    InputRejected,
    NotFound,
    TruceError,
    ValidationFailed,
)
from truce.domain.reviews import ReviewAction
from truce.services import cases as case_service
from truce.services import ledger as ledger_service
from truce.services.datasets import export_reports
from truce.services.extraction import ingest_document, store_resources, submit_text
from truce.services.incidents import merge_incidents, split_incident
from truce.services.listing import IncidentFilter, list_incidents, violation_counts
from truce.services.reviews import review_report
from truce.services.structured import submit_structured
from truce.services.tokens import principal_for
from truce.services.views import incident_view, report_view, shown
from truce.store.database import make_engine, migrate
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

PUBLIC = Principal(user="anonymous", member="public", role=Role.PUBLIC)
PROBLEM = "application/problem+json"
STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, ValidationFailed: 422, InputRejected: 400,
          ConfigurationError: 500}  # fmt: skip
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,200}$")


class Unauthorized(TruceError):
    """A bearer token that is not (or no longer) valid."""


class TooLarge(TruceError):
    """An upload over the size limit."""


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


class State:
    def __init__(self, settings: Settings, engine: Engine, keyring: Keyring | None) -> None:
        self.settings, self.engine, self.keyring = settings, engine, keyring


def create_app(settings: Settings | None = None, *, engine: Engine | None = None,
               keyring: Keyring | None = None) -> FastAPI:  # fmt: skip
    settings = settings or Settings.from_env()
    if engine is None:
        engine = make_engine(settings.database_url)
        migrate(engine)
    app = FastAPI(title="Truce", version="1", openapi_url="/api/openapi.json", docs_url="/api/docs",
                  redoc_url=None, description=__doc__)  # fmt: skip
    app.state.truce = State(settings, engine, keyring)

    @app.exception_handler(TruceError)
    async def _truce_error(request: Request, exc: TruceError) -> Any:
        if not request.url.path.startswith("/api"):
            return _page_error(request, exc)
        if isinstance(exc, Unauthorized):
            answer = problem(401, "Unauthorized", str(exc))
            answer.headers["WWW-Authenticate"] = 'Bearer realm="truce"'
            return answer
        if isinstance(exc, TooLarge):
            return problem(413, "Content Too Large", str(exc))
        status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
        extra = (
            {"errors": [{"field": exc.field, "message": str(exc)}]}
            if isinstance(exc, ValidationFailed)
            else {}
        )
        return problem(status, type(exc).__name__, str(exc), **extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "message": e["msg"]}
                  for e in exc.errors()]  # fmt: skip
        return problem(
            422, "Unprocessable Content", "the request does not fit the API", errors=errors
        )

    for router in (_reports, _incidents, _cases, _ledger, _reference):
        app.include_router(router, prefix="/api")
    _pages(app, settings)
    return app


def _pages(app: FastAPI, settings: Settings) -> None:
    """The web application on the same server: pages, sessions, static files."""
    from starlette.middleware.sessions import SessionMiddleware
    from starlette.staticfiles import StaticFiles

    from truce.web.pages import router, templates

    app.add_middleware(SessionMiddleware, secret_key=settings.session_secret(), session_cookie="truce_session",
                       same_site="strict", https_only=settings.secure_cookies, max_age=12 * 3600)  # fmt: skip
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parents[1] / "web" / "static"),
                                     check_dir=False), name="static")  # fmt: skip
    app.include_router(router)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Any:
        # Errors raised before a route runs (no such path, method, malformed multipart...).
        if request.url.path.startswith("/api") or exc.status_code != 404:
            if not request.url.path.startswith("/api"):
                return _page_error(request, InputRejected(str(exc.detail)), exc.status_code)
            return problem(exc.status_code, HTTPStatus(exc.status_code).phrase, str(exc.detail))
        return templates.TemplateResponse(request, "error.html", {"request": request, "who": PUBLIC, "csrf": "",
                                          "can": lambda u: False, "UseCase": UseCase, "title": "Not found",
                                          "heading": "Not found", "message": "There is no such page."},
                                          status_code=404)  # fmt: skip


def _page_error(request: Request, exc: TruceError, status: int | None = None) -> Any:
    from truce.web.pages import templates

    status = status or next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    heading = {403: "Not allowed", 404: "Not found", 409: "Not possible now", 422: "Please check the form"}.get(
        status, "Something went wrong")  # fmt: skip
    return templates.TemplateResponse(request, "error.html", {"request": request, "who": PUBLIC, "csrf": "",
                                      "can": lambda u: False, "UseCase": UseCase, "title": heading,
                                      "heading": heading, "message": str(exc)}, status_code=status)  # fmt: skip


def uow(request: Request) -> Iterator[UnitOfWork]:
    state: State = request.app.state.truce
    # Reads share an SQLite database; only requests that may write take its write lock.
    with UnitOfWork(
        state.engine, state.keyring, read_only=request.method in ("GET", "HEAD")
    ) as unit:
        yield unit


Uow = Annotated[UnitOfWork, Depends(uow)]


def principal(unit: Uow, authorization: Annotated[str | None, Header()] = None) -> Principal:
    """The user behind the bearer token; without one, the public."""
    if not authorization:
        return PUBLIC
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("use 'Authorization: Bearer <token>'")
    found = principal_for(uow=unit, token=token.strip())
    if found is None:
        raise Unauthorized("unknown or revoked token")
    return found


Who = Annotated[Principal, Depends(principal)]


def now() -> datetime:
    return datetime.now(UTC)


# --- reports and review ----------------------------------------------------------------

_reports = APIRouter(tags=["reports"])


class TextIn(BaseModel):
    text: str = Field(min_length=1, max_length=1_000_000)
    title: str | None = Field(default=None, max_length=500)
    source: str | None = Field(default=None, max_length=200)
    published: date | None = None
    language: str | None = Field(default=None, max_length=10)
    url: str | None = Field(default=None, max_length=2000)


def _ingested(summary: Any) -> dict[str, Any]:
    return {"document_id": summary.document_id, "new_document": summary.new_document,
            "reports": [r.id for r in summary.reports], "imported": summary.imported,
            "incidents": summary.incidents}  # fmt: skip


@_reports.post("/reports/text", status_code=201)
def post_text(body: TextIn, unit: Uow, who: Who, request: Request) -> dict[str, Any]:
    """Submit a report as free text; it is stored, read, fused and judged."""
    state: State = request.app.state.truce
    summary = submit_text(uow=unit, who=who, text=body.text, title=body.title, source=body.source,
                          published=body.published, language=body.language, url=body.url, now=now(),
                          max_bytes=state.settings.max_document_bytes, resources=store_resources(unit),
                          submitter=who.user)  # fmt: skip
    return _ingested(summary)


@_reports.post("/reports/file", status_code=201)
async def post_file(request: Request, unit: Uow, who: Who, file: Annotated[UploadFile, File()],
                    published: Annotated[date | None, Form()] = None) -> dict[str, Any]:  # fmt: skip
    """Submit a document (text, HTML, PDF-less formats the reader knows)."""
    state: State = request.app.state.truce
    name = Path(file.filename or "upload").name
    if file.filename and (name != file.filename or not SAFE_NAME.match(name) or ".." in name):
        raise InputRejected(
            f"refusing the file name {file.filename!r}: a plain name without a path, please"
        )
    limit = state.settings.max_document_bytes
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise TooLarge(f"{name} is over the limit of {limit:,} bytes")
    summary = ingest_document(uow=unit, who=who, content=content, filename=name, published=published, now=now(),
                              max_bytes=limit, resources=store_resources(unit), submitter=who.user)  # fmt: skip
    return _ingested(summary)


class StructuredIn(BaseModel):
    """A report as fields (SCHEMA.md's names): at least a date; the rest as known."""

    date_start: date
    date_end: date | None = None
    location_name: str | None = Field(default=None, max_length=200)
    admin1: str | None = Field(default=None, max_length=120)
    lat: float | None = None
    lon: float | None = None
    location_precision: int | None = None
    event_type: str | None = Field(default=None, max_length=80)
    sub_event_type: str | None = Field(default=None, max_length=80)
    perpetrator: str | None = Field(default=None, max_length=200)
    target: str | None = Field(default=None, max_length=200)
    fatalities_best: int | None = Field(default=None, ge=0)
    notes: str | None = Field(default=None, max_length=20000)
    source: str | None = Field(default=None, max_length=200)


@_reports.post("/reports", status_code=201)
def post_structured(body: StructuredIn, unit: Uow, who: Who, request: Request) -> dict[str, Any]:
    """Submit a structured report: it is kept as received, validated, fused and judged."""
    state: State = request.app.state.truce
    fields = body.model_dump(
        exclude_none=True, exclude={"perpetrator", "target", "source"}, mode="json"
    )
    actors = [{"name": body.perpetrator, "role": "perpetrator"}] if body.perpetrator else []
    actors += [{"name": body.target, "role": "target"}] if body.target else []
    if actors:
        fields["actors"] = actors
    report = submit_structured(uow=unit, who=who, fields=fields, source=body.source, now=now(), submitter=who.user,
                               max_bytes=state.settings.max_document_bytes)  # fmt: skip
    return shown(report, who).to_plain()


@_reports.get("/exports/{fmt}")
def get_export(fmt: str, unit: Uow, who: Who) -> Response:
    """Every current report in a data-set format (acled, ucdp, geojson, plover), as this user may
    see them; the rows' losses in the X-Truce-Losses header (a count)."""
    result = export_reports(uow=unit, who=who, fmt=fmt)
    media = {"geojson": "application/geo+json", "plover": "application/x-ndjson"}.get(
        fmt, "text/csv"
    )
    return Response(
        result.text, media_type=media, headers={"X-Truce-Losses": str(len(result.losses))}
    )


@_reports.get("/reports/{report_id}")
def get_report(report_id: str, unit: Uow, who: Who) -> dict[str, Any]:
    """A report as this user may see it (protected sources redacted)."""
    return report_view(uow=unit, who=who, report_id=report_id).to_plain()


@_reports.get("/review-queue")
def review_queue(
    unit: Uow, who: Who, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> dict[str, Any]:
    """Reports awaiting review, oldest event first (analysts act on them)."""
    authorize(who, UseCase.REVIEW_REPORT)
    return {"items": [shown(r, who).to_plain() for r in unit.reports.queue(limit=limit)]}


class ReviewIn(BaseModel):
    action: ReviewAction
    field: str | None = Field(default=None, max_length=80)
    value: Any = None
    reason: str | None = Field(default=None, max_length=2000)


@_reports.post("/reports/{report_id}/review")
def post_review(report_id: str, body: ReviewIn, unit: Uow, who: Who) -> dict[str, Any]:
    """Accept, correct one field, or reject a report; its incident is judged again."""
    reviewed, status = review_report(uow=unit, who=who, report_id=report_id, action=body.action, reviewer=who.user,
                                     now=now(), field=body.field, value=body.value, reason=body.reason)  # fmt: skip
    return {"status": status.value, "report": shown(reviewed, who).to_plain()}


# --- incidents -------------------------------------------------------------------------

_incidents = APIRouter(tags=["incidents"])
AGREEMENT = "astana-2016"


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        west, south, east, north = (float(x) for x in text.split(","))
    except ValueError:
        raise ValidationFailed(
            "bbox is four numbers: west,south,east,north", field="bbox"
        ) from None
    return west, south, east, north


@_incidents.get("/incidents")
def get_incidents(
    unit: Uow, who: Who, start: date | None = None, end: date | None = None, governorate: str | None = None,
    side: str | None = None, sub_event_type: str | None = None, finding: str | None = None,
    grade: str | None = None, case_state: str | None = None,
    bbox: Annotated[str | None, Query(description="west,south,east,north")] = None, zone: str | None = None,
    agreement: str = AGREEMENT, cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:  # fmt: skip
    """Incidents, newest first, filtered; `next_cursor` fetches the next page."""
    filters = IncidentFilter(start=start, end=end, governorate=governorate, side=side, sub_event_type=sub_event_type,
                             finding=finding, grade=grade, case_state=case_state, bbox=_bbox(bbox), zone=zone)  # fmt: skip
    page = list_incidents(
        uow=unit, who=who, agreement_id=agreement, filters=filters, cursor=cursor, limit=limit
    )
    return {"items": [r.to_plain() for r in page.rows], "next_cursor": page.next_cursor}


@_incidents.get("/stats/counts")
def get_counts(unit: Uow, who: Who, start: date | None = None, end: date | None = None,
               agreement: str = AGREEMENT) -> dict[str, Any]:  # fmt: skip
    """Violations by governorate and by side held responsible (the dashboard's counts)."""
    return violation_counts(uow=unit, who=who, agreement_id=agreement, start=start, end=end)


@_incidents.get("/incidents/{incident_id}")
def get_incident(
    incident_id: str, unit: Uow, who: Who, agreement: str = AGREEMENT
) -> dict[str, Any]:
    """An incident with every field's provenance (claims), its reports, finding and case."""
    incident, reports, found = incident_view(
        uow=unit, who=who, incident_id=incident_id, agreement_id=agreement
    )
    case = unit.cases.find(case_service.wf.case_id(incident.id, agreement))
    return {"incident": incident.to_plain(), "reports": [r.to_plain() for r in reports],
            "finding": found.to_plain() if found else None, "case": case.to_plain() if case else None}  # fmt: skip


class MergeIn(BaseModel):
    incident_ids: list[str] = Field(min_length=2, max_length=100)
    reason: str = Field(min_length=1, max_length=2000)


class SplitIn(BaseModel):
    report_ids: list[str] = Field(min_length=1, max_length=1000)
    reason: str = Field(min_length=1, max_length=2000)


@_incidents.post("/incidents/merge")
def post_merge(body: MergeIn, unit: Uow, who: Who) -> dict[str, Any]:
    merged = merge_incidents(uow=unit, who=who, incident_ids=body.incident_ids, actor=who.user, reason=body.reason,
                             now=now())  # fmt: skip
    return merged.to_plain()


@_incidents.post("/incidents/{incident_id}/split")
def post_split(incident_id: str, body: SplitIn, unit: Uow, who: Who) -> dict[str, Any]:
    parts = split_incident(uow=unit, who=who, incident_id=incident_id, report_ids=body.report_ids, actor=who.user,
                           reason=body.reason, now=now())  # fmt: skip
    return {"incidents": [p.to_plain() for p in parts]}


# --- cases -----------------------------------------------------------------------------

_cases = APIRouter(tags=["cases"])


def _case(case: Case) -> dict[str, Any]:
    return case.to_plain() | {"overdue": case.overdue(now())}


@_cases.get("/cases")
def get_cases(unit: Uow, who: Who, state: str | None = None, inbox: bool = False) -> dict[str, Any]:
    """Cases; with `inbox`, those awaiting the caller's member, overdue first."""
    found = case_service.inbox(uow=unit, who=who, now=now()) if inbox else case_service.cases(uow=unit, who=who,
                                                                                              state=state)  # fmt: skip
    return {"items": [_case(c) for c in found]}


@_cases.get("/cases/{case_id}")
def get_case(case_id: str, unit: Uow, who: Who) -> dict[str, Any]:
    case, events = case_service.timeline(uow=unit, who=who, case_id=case_id)
    return {"case": _case(case), "timeline": [e.to_plain() for e in events]}


class OpenIn(BaseModel):
    agreement: str = AGREEMENT


class ReplyIn(BaseModel):
    kind: ReplyKind
    text: str = Field(min_length=1, max_length=5000)
    counter_claim: str | None = Field(default=None, max_length=5000)


class VoteIn(BaseModel):
    vote: Vote
    reason: str | None = Field(default=None, max_length=5000)


class TextReasonIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


@_cases.post("/cases/open", status_code=201)
def post_open(body: OpenIn, unit: Uow, who: Who) -> dict[str, Any]:
    """Open and route a case for every violation that has none."""
    return {"items": [_case(c) for c in case_service.open_cases(uow=unit, who=who, agreement_id=body.agreement,
                                                                 now=now())]}  # fmt: skip


@_cases.post("/cases/{case_id}/reply")
def post_reply(case_id: str, body: ReplyIn, unit: Uow, who: Who) -> dict[str, Any]:
    return _case(case_service.reply(uow=unit, who=who, case_id=case_id, kind=body.kind, text=body.text,
                                    counter_claim=body.counter_claim, now=now()))  # fmt: skip


@_cases.post("/cases/{case_id}/review")
def post_vote(case_id: str, body: VoteIn, unit: Uow, who: Who) -> dict[str, Any]:
    return _case(case_service.review(uow=unit, who=who, case_id=case_id, vote=body.vote, reason=body.reason,
                                     now=now()))  # fmt: skip


@_cases.post("/cases/{case_id}/propose")
def post_propose(case_id: str, unit: Uow, who: Who) -> dict[str, Any]:
    return _case(case_service.propose_finding(uow=unit, who=who, case_id=case_id, now=now()))


@_cases.post("/cases/{case_id}/request")
def post_request(case_id: str, body: TextReasonIn, unit: Uow, who: Who) -> dict[str, Any]:
    return _case(case_service.request_clarification(uow=unit, who=who, case_id=case_id, question=body.text,
                                                    now=now()))  # fmt: skip


@_cases.post("/cases/{case_id}/publish")
def post_publish(case_id: str, unit: Uow, who: Who) -> dict[str, Any]:
    return _case(case_service.publish(uow=unit, who=who, case_id=case_id, now=now()))


@_cases.post("/cases/{case_id}/close")
def post_close(case_id: str, body: TextReasonIn, unit: Uow, who: Who) -> dict[str, Any]:
    return _case(
        case_service.close(uow=unit, who=who, case_id=case_id, reason=body.text, now=now())
    )


@_cases.post("/cases/{case_id}/reopen")
def post_reopen(case_id: str, body: TextReasonIn, unit: Uow, who: Who) -> dict[str, Any]:
    return _case(
        case_service.reopen(uow=unit, who=who, case_id=case_id, evidence=body.text, now=now())
    )


@_cases.post("/cases/escalate")
def post_escalate(unit: Uow, who: Who) -> dict[str, Any]:
    return {
        "items": [_case(c) for c in case_service.escalate_overdue(uow=unit, who=who, now=now())]
    }


# --- ledger ----------------------------------------------------------------------------

_ledger = APIRouter(tags=["ledger"])


@_ledger.get("/ledger/checkpoints")
def get_checkpoints(unit: Uow, who: Who) -> dict[str, Any]:
    authorize(who, UseCase.READ_LEDGER)
    return {"size": unit.ledger.size(), "items": [c.to_plain() for c in unit.ledger.checkpoints()]}


@_ledger.post("/ledger/checkpoints", status_code=201)
def post_checkpoint(unit: Uow, who: Who) -> dict[str, Any]:
    return ledger_service.checkpoint(uow=unit, who=who, now=now()).to_plain()


@_ledger.get("/ledger/bundle")
def get_bundle(unit: Uow, who: Who) -> Response:
    """The ledger bundle (entries, public keys, checkpoints) as a zip, for `truce ledger verify`."""
    return Response(ledger_service.bundle_zip(uow=unit, who=who), media_type="application/zip",
                    headers={"Content-Disposition": 'attachment; filename="truce-ledger.zip"'})  # fmt: skip


@_ledger.get("/ledger/proofs/{seq}")
def get_proof(seq: int, unit: Uow, who: Who) -> dict[str, Any]:
    return ledger_service.prove(uow=unit, who=who, seq=seq).to_plain()


# --- agreements, zones, members --------------------------------------------------------

_reference = APIRouter(tags=["reference"])


@_reference.get("/agreements")
def get_agreements(unit: Uow, who: Who) -> dict[str, Any]:
    authorize(who, UseCase.VIEW)
    return {"items": [a.to_plain() | {"zones": len(a.zones)} for a in unit.agreements.all()]}


@_reference.get("/agreements/{agreement_id}/zones")
def get_zones(agreement_id: str, unit: Uow, who: Who) -> dict[str, Any]:
    """The agreement's zones (and its amendments'), as a GeoJSON FeatureCollection."""
    authorize(who, UseCase.VIEW)
    unit.agreements.get(agreement_id)
    features = [
        {"type": "Feature", "id": z.id, "geometry": z.geometry,
         "properties": {"name": z.name, "kind": z.kind.value, "agreement": a.id,
                        "valid_from": z.valid_from.isoformat() if z.valid_from else None,
                        "valid_to": z.valid_to.isoformat() if z.valid_to else None}}
        for a in unit.agreements.all() if a.id == agreement_id or a.amends == agreement_id
        for z in a.zones
    ]  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


@_reference.get("/members")
def get_members(unit: Uow, who: Who) -> dict[str, Any]:
    authorize(who, UseCase.VIEW)
    keys = unit.keys.all()
    return {"items": [m.to_plain() | {"keys": [k.to_plain() for k in keys if k.member == m.id]}
                      for m in unit.members.all()]}  # fmt: skip
