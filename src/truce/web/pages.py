"""The pages: Jinja2 templates over the same services as the API and the CLI.

Security at this edge: every page acts as the logged-in user (or the public), so the
services' authorization applies unchanged; templates autoescape, and data for scripts
goes into JSON islands (`tojson` escapes <, > and &); every form post carries the
session's CSRF token; failed log-ins are rate-limited per user and address.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from truce.domain.access import Principal, Role, UseCase, allowed
from truce.domain.cases import ReplyKind, Vote
from truce.domain.errors import Forbidden, TruceError
from truce.domain.reports import Report
from truce.domain.reviews import ReviewAction
from truce.services import cases as case_service
from truce.services import ledger as ledger_service
from truce.services import views
from truce.services.assessment import tally_for_day
from truce.services.extraction import ingest_document, store_resources, submit_text
from truce.services.listing import IncidentFilter, list_incidents
from truce.services.passwords import check_password
from truce.services.reviews import review_report
from truce.services.structured import submit_structured
from truce.services.views import incident_view
from truce.store.uow import UnitOfWork

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
AGREEMENT = "astana-2016"
PUBLIC = Principal(user="anonymous", member="public", role=Role.PUBLIC)
VIOLATIONS = ("violation_serious", "violation_minor")
MAX_FAILURES, FAILURE_WINDOW = 5, 15 * 60  # failed log-ins per user and address, per 15 minutes

router = APIRouter(include_in_schema=False)


class LoginLimiter:
    def __init__(self) -> None:
        self._failures: dict[tuple[str, str], list[float]] = defaultdict(list)
        self._lock = threading.Lock()

    def blocked(self, key: tuple[str, str]) -> bool:
        with self._lock:
            recent = [t for t in self._failures[key] if time.monotonic() - t < FAILURE_WINDOW]
            self._failures[key] = recent
            return len(recent) >= MAX_FAILURES

    def failed(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures[key].append(time.monotonic())

    def clear(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.pop(key, None)


limiter = LoginLimiter()


def unit(request: Request) -> Iterator[UnitOfWork]:
    state = request.app.state.truce
    with UnitOfWork(
        state.engine, state.keyring, read_only=request.method in ("GET", "HEAD")
    ) as uow:
        yield uow


Uow = Annotated[UnitOfWork, Depends(unit)]


def viewer(request: Request, uow: Uow) -> Principal:
    user = request.session.get("user")
    if not user:
        return PUBLIC
    try:
        return uow.users.principal(user)
    except TruceError:
        request.session.clear()
        return PUBLIC


Who = Annotated[Principal, Depends(viewer)]


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def check_csrf(request: Request, sent: str | None) -> None:
    expected = request.session.get("csrf")
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise Forbidden("the form's CSRF token is missing or wrong: reload the page and try again")


def page(
    request: Request, who: Principal, name: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    context |= {"request": request, "who": who, "csrf": csrf_token(request), "can": lambda u: allowed(who, u),
                "UseCase": UseCase, "title": context.get("title", "Truce"),
                "tile_url": request.app.state.truce.settings.tile_url}  # fmt: skip
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def now() -> datetime:
    return datetime.now(UTC)


# --- log in and out --------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request, who: Who) -> HTMLResponse:
    return page(request, who, "login.html", title="Log in")


@router.post("/login", response_model=None)
def login(request: Request, uow: Uow, who: Who, user: Annotated[str, Form(max_length=80)],
          password: Annotated[str, Form(max_length=500)], csrf: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    check_csrf(request, csrf)
    key = (user.lower(), request.client.host if request.client else "?")
    if limiter.blocked(key):
        return page(
            request, who, "login.html", 429, error="Too many failed log-ins: wait 15 minutes."
        )
    found = check_password(uow=uow, user=user, password=password)
    if found is None:
        limiter.failed(key)
        return page(request, who, "login.html", 401, error="Wrong user or password.")
    limiter.clear(key)
    request.session.clear()
    request.session["user"] = found.user
    request.session["csrf"] = secrets.token_urlsafe(32)  # a new session, a new token
    return RedirectResponse("/inbox" if found.role is Role.GUARANTOR else "/", status_code=303)


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(request, csrf)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


# --- dashboard -------------------------------------------------------------------------


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/")
def dashboard(request: Request, uow: Uow, who: Who, start: str | None = None, end: str | None = None,
              governorate: str | None = None, side: str | None = None, finding: str | None = None) -> HTMLResponse:  # fmt: skip
    last_day = uow.incidents.latest_day() or date.today()  # the newest incident, not the clock
    end_day = _day(end) or last_day
    start_day = _day(start) or end_day - timedelta(days=60)
    filters = IncidentFilter(start=start_day, end=end_day, governorate=governorate or None, side=side or None,
                             finding=finding or None)  # fmt: skip
    rows = list_incidents(uow=uow, who=who, agreement_id=AGREEMENT, filters=filters, limit=500).rows
    markers = [{"id": r.incident.id, "lat": r.incident.lat, "lon": r.incident.lon, "finding": r.category or "none",
                "label": f"{r.incident.date_start} {r.incident.location_name or ''} — {r.incident.sub_event_type or ''}",
                "url": f"/incidents/{r.incident.id}"} for r in rows if r.incident.lat is not None]  # fmt: skip
    violations = [r for r in rows if r.category in VIOLATIONS]
    today = Counter(
        (r.incident.admin1 or "?", r.responsible_side or "?")
        for r in violations
        if r.incident.date_start == end_day
    )
    before = Counter((r.incident.admin1 or "?", r.responsible_side or "?") for r in violations
                     if r.incident.date_start == end_day - timedelta(days=1))  # fmt: skip
    by_governorate = Counter(r.incident.admin1 or "?" for r in violations)
    by_side = Counter(r.responsible_side or "?" for r in violations)
    days = [start_day + timedelta(days=k) for k in range((end_day - start_day).days + 1)]
    sides = sorted({r.responsible_side for r in violations if r.responsible_side})
    daily = {s: [sum(1 for r in violations if r.responsible_side == s and r.incident.date_start == d) for d in days]
             for s in sides}  # fmt: skip
    chart = {"days": [d.isoformat() for d in days], "series": daily}
    tallies = tally_for_day(uow=uow, agreement_id=AGREEMENT, day=end_day)
    return page(request, who, "dashboard.html", title="Dashboard", markers=markers, rows=rows, start=start_day,
                end=end_day, today=today, before=before, by_governorate=by_governorate, by_side=by_side,
                chart=chart, tallies=tallies, governorate=governorate or "", side=side or "",
                finding=finding or "", shown_count=len(markers))  # fmt: skip


# --- incidents -------------------------------------------------------------------------


@router.get("/incidents")
def incidents(request: Request, uow: Uow, who: Who, start: str | None = None, end: str | None = None,
              governorate: str | None = None, side: str | None = None, finding: str | None = None,
              sub_event_type: str | None = None, case_state: str | None = None,
              cursor: str | None = None) -> HTMLResponse:  # fmt: skip
    filters = IncidentFilter(start=_day(start), end=_day(end), governorate=governorate or None, side=side or None,
                             finding=finding or None, sub_event_type=sub_event_type or None,
                             case_state=case_state or None)  # fmt: skip
    result = list_incidents(
        uow=uow, who=who, agreement_id=AGREEMENT, filters=filters, cursor=cursor or None
    )
    query = {k: v for k, v in request.query_params.items() if k != "cursor" and v}
    return page(request, who, "incidents.html", title="Incidents", page=result, query=query)


def highlighted(report: Report) -> Markup:
    """The report's text with the span behind each extracted field marked (escaped first)."""
    text = report.notes or ""
    spans = sorted(
        (
            (s.start, s.end, field)
            for field, s in report.spans.items()
            if 0 <= s.start < s.end <= len(text)
        )
    )
    out, at = [], 0
    for start, end, field in spans:
        if start < at:
            continue  # overlapping spans: the first one wins
        out.append(escape(text[at:start]))
        out.append(Markup('<mark title="{}">{}</mark>').format(field, text[start:end]))
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


@router.get("/incidents/{incident_id}")
def incident(request: Request, incident_id: str, uow: Uow, who: Who) -> HTMLResponse:
    shown_incident, reports, finding = incident_view(
        uow=uow, who=who, incident_id=incident_id, agreement_id=AGREEMENT
    )
    case = uow.cases.find(case_service.wf.case_id(shown_incident.id, AGREEMENT))
    events = uow.cases.events(case.id) if case else []
    proof = None
    if allowed(who, UseCase.READ_LEDGER):
        logged = uow.ledger.entries_for(shown_incident.id)
        if logged:
            proof = ledger_service.prove(uow=uow, who=who, seq=logged[-1]["seq"])
    return page(request, who, "incident.html", title=f"Incident {shown_incident.id}", incident=shown_incident,
                reports=[(r, highlighted(r)) for r in reports], finding=finding, case=case, events=events,
                proof=proof, now=now())  # fmt: skip


# --- submit, review --------------------------------------------------------------------


@router.get("/submit")
def submit_form(request: Request, who: Who) -> HTMLResponse:
    return page(request, who, "submit.html", title="Submit a report")


@router.post("/submit")
async def submit(request: Request, uow: Uow, who: Who, csrf: Annotated[str, Form()] = "",
                 text: Annotated[str, Form(max_length=1_000_000)] = "", source: Annotated[str, Form(max_length=200)] = "",
                 file: Annotated[UploadFile | None, File()] = None) -> HTMLResponse:  # fmt: skip
    check_csrf(request, csrf)
    state = request.app.state.truce
    limit = state.settings.max_document_bytes
    if file is not None and file.filename:
        name = Path(file.filename).name
        if name != file.filename or ".." in name:
            raise Forbidden(f"refusing the file name {file.filename!r}")
        content = await file.read(limit + 1)
        summary = ingest_document(uow=uow, who=who, content=content, filename=name, now=now(), max_bytes=limit,
                                  resources=store_resources(uow), submitter=who.user)  # fmt: skip
    else:
        summary = submit_text(uow=uow, who=who, text=text, source=source or None, now=now(), max_bytes=limit,
                              resources=store_resources(uow), submitter=who.user)  # fmt: skip
    return page(request, who, "submit.html", title="Submit a report", done=summary)


@router.post("/submit/structured")
def submit_fields(request: Request, uow: Uow, who: Who, date_start: Annotated[str, Form()],
                  sub_event_type: Annotated[str, Form(max_length=80)], csrf: Annotated[str, Form()] = "",
                  location_name: Annotated[str, Form(max_length=200)] = "", admin1: Annotated[str, Form(max_length=120)] = "",
                  perpetrator: Annotated[str, Form(max_length=200)] = "", target: Annotated[str, Form(max_length=200)] = "",
                  fatalities_best: Annotated[str, Form(max_length=10)] = "", notes: Annotated[str, Form(max_length=20000)] = "",
                  source: Annotated[str, Form(max_length=200)] = "") -> HTMLResponse:  # fmt: skip
    check_csrf(request, csrf)
    from truce.domain.vocab import SUB_EVENT_TO_EVENT

    fields: dict[str, Any] = {"date_start": date_start, "sub_event_type": sub_event_type,
                              "event_type": SUB_EVENT_TO_EVENT.get(sub_event_type)}  # fmt: skip
    fields |= {
        k: v
        for k, v in (("location_name", location_name), ("admin1", admin1), ("notes", notes))
        if v
    }
    if fatalities_best.strip():
        fields["fatalities_best"] = (
            int(fatalities_best) if fatalities_best.strip().isdigit() else fatalities_best
        )
    actors = [
        {"name": n, "role": r} for n, r in ((perpetrator, "perpetrator"), (target, "target")) if n
    ]
    if actors:
        fields["actors"] = actors
    made = submit_structured(uow=uow, who=who, fields=fields, source=source or None, now=now(), submitter=who.user,
                             max_bytes=request.app.state.truce.settings.max_document_bytes)  # fmt: skip
    return page(request, who, "submit.html", title="Submit a report", made=made)


@router.get("/review")
def review_queue(request: Request, uow: Uow, who: Who) -> HTMLResponse:
    queue = views.review_queue(uow=uow, who=who, limit=100)
    return page(request, who, "review.html", title="Review queue", queue=queue)


@router.post("/review/{report_id}")
def review(request: Request, report_id: str, uow: Uow, who: Who, action: Annotated[str, Form()],
           csrf: Annotated[str, Form()] = "", field: Annotated[str, Form(max_length=80)] = "",
           value: Annotated[str, Form(max_length=5000)] = "", reason: Annotated[str, Form(max_length=2000)] = "") -> RedirectResponse:  # fmt: skip
    check_csrf(request, csrf)
    parsed: Any = value
    if field in {
        "fatalities_low",
        "fatalities_best",
        "fatalities_high",
        "injured",
        "arrested",
        "deaths_civilians",
    }:
        parsed = int(value) if value.strip().isdigit() else None
    review_report(uow=uow, who=who, report_id=report_id, action=ReviewAction(action), reviewer=who.user, now=now(),
                  field=field or None, value=parsed, reason=reason or None)  # fmt: skip
    return RedirectResponse(f"/review?done={report_id}", status_code=303)


# --- guarantor inbox and cases ---------------------------------------------------------


@router.get("/inbox")
def inbox(request: Request, uow: Uow, who: Who) -> HTMLResponse:
    moment = now()
    mine = case_service.inbox(uow=uow, who=who, now=moment)
    return page(request, who, "inbox.html", title="Inbox", cases=mine, now=moment, kinds=list(ReplyKind),
                votes=list(Vote))  # fmt: skip


@router.post("/cases/{case_id}/reply")
def reply(request: Request, case_id: str, uow: Uow, who: Who, kind: Annotated[str, Form()],
          text: Annotated[str, Form(min_length=1, max_length=5000)], csrf: Annotated[str, Form()] = "",
          counter_claim: Annotated[str, Form(max_length=5000)] = "") -> RedirectResponse:  # fmt: skip
    check_csrf(request, csrf)
    case_service.reply(uow=uow, who=who, case_id=case_id, kind=ReplyKind(kind), text=text,
                       counter_claim=counter_claim or None, now=now())  # fmt: skip
    return RedirectResponse(f"/inbox?replied={case_id}", status_code=303)


@router.post("/cases/{case_id}/review")
def vote(request: Request, case_id: str, uow: Uow, who: Who, vote: Annotated[str, Form()],
         csrf: Annotated[str, Form()] = "", reason: Annotated[str, Form(max_length=5000)] = "") -> RedirectResponse:  # fmt: skip
    check_csrf(request, csrf)
    case_service.review(
        uow=uow, who=who, case_id=case_id, vote=Vote(vote), reason=reason or None, now=now()
    )
    return RedirectResponse(f"/inbox?voted={case_id}", status_code=303)


# --- agreement, ledger -----------------------------------------------------------------


@router.get("/agreements/{agreement_id}")
def agreement(request: Request, agreement_id: str, uow: Uow, who: Who) -> HTMLResponse:
    found = uow.agreements.get(agreement_id)
    layered = [a for a in uow.agreements.all() if a.id == agreement_id or a.amends == agreement_id]
    zones = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": z.geometry, "properties": {"name": z.name, "kind": z.kind.value}}
        for a in layered for z in a.zones if z.geometry and z.kind.value == "de_escalation"]}  # fmt: skip
    return page(
        request,
        who,
        "agreement.html",
        title=found.title,
        agreement=found,
        layered=layered,
        zones=zones,
    )


@router.get("/ledger")
def ledger(request: Request, uow: Uow, who: Who) -> HTMLResponse:
    if not allowed(who, UseCase.READ_LEDGER):
        raise Forbidden(f"{who} may not read the ledger")
    checkpoints = uow.ledger.checkpoints()
    tree = uow.ledger.tree()
    consistent = all(tree.root(c.size).hex() == c.root for c in checkpoints if c.size <= len(tree))
    return page(request, who, "ledger.html", title="Ledger", checkpoints=checkpoints, size=len(tree),
                root=tree.root().hex(), consistent=consistent)  # fmt: skip


@router.get("/ledger/bundle.zip")
def bundle(request: Request, uow: Uow, who: Who) -> Response:
    return Response(ledger_service.bundle_zip(uow=uow, who=who), media_type="application/zip",
                    headers={"Content-Disposition": 'attachment; filename="truce-ledger.zip"'})  # fmt: skip
