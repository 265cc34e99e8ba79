"""The pages: Jinja2 templates over the same services as the API and the CLI.

Security at this edge: every page acts as the logged-in user (or the public), so the
services' authorization applies unchanged; templates autoescape, and data for scripts
goes into JSON islands (`tojson` escapes <, > and &); every form post carries the
session's CSRF token; failed log-ins are limited per user and address and per address
(`truce.web.login`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from truce.domain.access import UseCase, allowed
from truce.domain.cases import Evidence, ReplyKind, Vote
from truce.http.deps import Agreement, Clock, Uow
from truce.services import cases as case_service
from truce.services import dashboard as dashboards
from truce.services import ledger as ledger_service
from truce.services import reference, witnessing
from truce.services.incident_page import incident_detail
from truce.services.listing import IncidentFilter, list_incidents
from truce.web.about import router as about_router
from truce.web.admin import router as admin_router
from truce.web.auth import Csrf, Who
from truce.web.login import router as login_router
from truce.web.reports import router as reports_router
from truce.web.templating import render, templates

__all__ = ["router", "templates"]

router = APIRouter(include_in_schema=False)


# --- dashboard and incidents -----------------------------------------------------------


def _day(value: str | None) -> date | None:
    """A filter's day; one that is not a day is no filter (the form's date box sends days)."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/")
def dashboard(
    request: Request,
    uow: Uow,
    who: Who,
    agreement_id: Agreement,
    start: str | None = None,
    end: str | None = None,
    governorate: str | None = None,
    side: str | None = None,
    finding: str | None = None,
) -> HTMLResponse:
    chosen = {"governorate": governorate or None, "side": side or None, "finding": finding or None}
    view = dashboards.dashboard(
        uow=uow, who=who, agreement_id=agreement_id, start=_day(start), end=_day(end), **chosen
    )
    return render(
        request,
        who,
        "dashboard.html",
        title="Dashboard",
        view=view,
        governorate=governorate or "",
        side=side or "",
        finding=finding or "",
    )


@router.get("/incidents")
def incidents(
    request: Request,
    uow: Uow,
    who: Who,
    agreement_id: Agreement,
    start: str | None = None,
    end: str | None = None,
    governorate: str | None = None,
    side: str | None = None,
    finding: str | None = None,
    sub_event_type: str | None = None,
    case_state: str | None = None,
    cursor: str | None = None,
) -> HTMLResponse:
    filters = IncidentFilter(
        start=_day(start),
        end=_day(end),
        governorate=governorate or None,
        side=side or None,
        finding=finding or None,
        sub_event_type=sub_event_type or None,
        case_state=case_state or None,
    )
    result = list_incidents(
        uow=uow, who=who, agreement_id=agreement_id, filters=filters, cursor=cursor or None
    )
    query = {k: v for k, v in request.query_params.items() if k != "cursor" and v}
    return render(request, who, "incidents.html", title="Incidents", page=result, query=query)


@router.get("/incidents/{incident_id}")
def incident(
    request: Request, incident_id: str, uow: Uow, who: Who, agreement_id: Agreement, now: Clock
) -> HTMLResponse:
    detail = incident_detail(uow=uow, who=who, incident_id=incident_id, agreement_id=agreement_id)
    title = f"Incident {detail.incident.id}"
    return render(request, who, "incident.html", title=title, detail=detail, now=now)


# --- guarantor inbox and cases ---------------------------------------------------------


@router.get("/inbox")
def inbox(request: Request, uow: Uow, who: Who, now: Clock) -> HTMLResponse:
    mine = case_service.inbox(uow=uow, who=who, now=now)
    asked = (
        case_service.pending_requests(uow=uow, who=who)
        if allowed(who, UseCase.DECIDE_REOPENING)
        else []
    )
    return render(
        request,
        who,
        "inbox.html",
        title="Inbox",
        cases=mine,
        requests=asked,
        now=now,
        kinds=list(ReplyKind),
        votes=list(Vote),
        # Where the agreement requires member signatures, the member acts from its own client.
        signed_only=case_service.signatures_required(uow=uow, who=who, cases=mine),
        server=str(request.base_url).rstrip("/"),
    )


@router.post("/cases/{case_id}/reply")
def reply(
    case_id: str,
    _: Csrf,
    uow: Uow,
    who: Who,
    now: Clock,
    kind: Annotated[ReplyKind, Form()],
    text: Annotated[str, Form(min_length=1, max_length=5000)],
    counter_claim: Annotated[str, Form(max_length=5000)] = "",
) -> RedirectResponse:
    case_service.reply(
        uow=uow,
        who=who,
        case_id=case_id,
        kind=kind,
        text=text,
        counter_claim=counter_claim or None,
        now=now,
    )
    return RedirectResponse(f"/inbox?replied={case_id}", status_code=303)


@router.post("/cases/{case_id}/review")
def vote(
    case_id: str,
    _: Csrf,
    uow: Uow,
    who: Who,
    now: Clock,
    vote: Annotated[Vote, Form()],
    reason: Annotated[str, Form(max_length=5000)] = "",
) -> RedirectResponse:
    case_service.review(
        uow=uow, who=who, case_id=case_id, vote=vote, reason=reason or None, now=now
    )
    return RedirectResponse(f"/inbox?voted={case_id}", status_code=303)


@router.post("/cases/{case_id}/reopen")
def reopen(
    case_id: str,
    _: Csrf,
    uow: Uow,
    who: Who,
    now: Clock,
    text: Annotated[str, Form(min_length=1, max_length=5000)],
    document_id: Annotated[str, Form(max_length=64)] = "",
    report_id: Annotated[str, Form(max_length=200)] = "",
) -> RedirectResponse:
    """Reopen on new evidence; a party's liaison files a request instead."""
    evidence = Evidence(
        statement=text, document_id=document_id.strip() or None, report_id=report_id.strip() or None
    )
    done = case_service.reopen(uow=uow, who=who, case_id=case_id, evidence=evidence, now=now)
    outcome = "requested" if done.request else "reopened"
    return RedirectResponse(
        f"/incidents/{done.case.incident_id}?{outcome}={case_id}#case", status_code=303
    )


@router.post("/cases/{case_id}/requests/{number}/{decision}")
def decide_reopening(
    case_id: str,
    number: int,
    decision: Literal["accept", "decline"],
    _: Csrf,
    uow: Uow,
    who: Who,
    now: Clock,
    reason: Annotated[str, Form(min_length=1, max_length=5000)],
) -> RedirectResponse:
    decide = case_service.accept_reopen if decision == "accept" else case_service.decline_reopen
    case = decide(uow=uow, who=who, case_id=case_id, number=number, reason=reason, now=now)
    return RedirectResponse(
        f"/incidents/{case.incident_id}?{decision.rstrip('e')}ed={case_id}#case", status_code=303
    )


# --- agreement, ledger -----------------------------------------------------------------


@router.get("/agreements/{agreement_id}")
def agreement(request: Request, agreement_id: str, uow: Uow, who: Who) -> HTMLResponse:
    view = reference.agreement_view(uow=uow, who=who, agreement_id=agreement_id)
    return render(request, who, "agreement.html", title=view.agreement.title, view=view)


@router.get("/ledger")
def ledger(request: Request, uow: Uow, who: Who) -> HTMLResponse:
    status = reference.ledger_status(uow=uow, who=who)
    witnessed = witnessing.witnessed(uow=uow, who=who)
    return render(request, who, "ledger.html", title="Ledger", status=status, witnessed=witnessed)


@router.get("/ledger/bundle.zip")
def bundle(uow: Uow, who: Who) -> Response:
    content = ledger_service.bundle_zip(uow=uow, who=who)
    disposition = 'attachment; filename="truce-ledger.zip"'
    return Response(
        content, media_type="application/zip", headers={"Content-Disposition": disposition}
    )


router.include_router(login_router)
router.include_router(reports_router)
router.include_router(admin_router)
router.include_router(about_router)
