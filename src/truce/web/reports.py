"""The report pages: submit a text, a file or fields, and review what was extracted.

Uploads go through the same checks as the API's (a file name with a path: 400; over
TRUCE_MAX_DOCUMENT_BYTES, text or file: 413). A form that cannot be read comes back with
what was typed and the reason (422), never with a value quietly dropped."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from truce.domain.access import Principal
from truce.domain.errors import ValidationFailed
from truce.domain.reviews import ReviewAction
from truce.http.deps import Clock, Config, Uow, check_text_size, read_upload, state_of
from truce.http.intake import Processing, take_in
from truce.services.forms import correction_value, structured_from_form
from truce.services.processing import Ticket, document_status
from truce.services.reviews import review_report
from truce.services.session import UnitOfWork, unit_of_work
from truce.services.structured import submit_structured
from truce.services.views import review_queue
from truce.web.auth import Csrf, PageSession, Who, check_csrf, page_session
from truce.web.templating import render

router = APIRouter(include_in_schema=False)
QUEUE_SHOWN = 100
SUBMIT = "Submit a report"
REFRESH_SECONDS = 3  # how often a document's page reloads while it is processed


@router.get("/submit")
def submit_form(request: Request, who: Who) -> HTMLResponse:
    return render(request, who, "submit.html", title=SUBMIT, typed={})


async def submit_session(request: Request) -> PageSession:
    """The page's session, read (and its last-seen time written) in a short transaction of its
    own: the submission then holds none while it waits for processing, which must write."""
    state = state_of(request)

    def find() -> PageSession:
        with unit_of_work(state.engine, state.keyring) as unit:
            found = page_session(request, unit)
            unit.commit()
            return found

    return await run_in_threadpool(find)


async def submit_csrf(
    session: Annotated[PageSession, Depends(submit_session)],
    csrf: Annotated[str, Form()] = "",
) -> Principal:
    """The submitter, once the form's CSRF token is checked."""
    check_csrf(session, csrf)
    return session.principal


@router.post("/submit")
async def submit(
    request: Request,
    who: Annotated[Principal, Depends(submit_csrf)],
    now: Clock,
    config: Config,
    processing: Processing,
    text: Annotated[str, Form()] = "",
    source: Annotated[str, Form(max_length=200)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Store the text or file; show its reports if processing ends within
    TRUCE_PROCESS_WAIT_SECONDS, else that it was received, with a page that follows it."""
    limit = config.max_document_bytes
    submit: Callable[[], Ticket]
    if file is not None and file.filename:
        name, content = await read_upload(file, limit)
        submit = partial(
            processing.submit_document,
            who=who,
            content=content,
            filename=name,
            now=now,
            max_bytes=limit,
        )
    else:
        check_text_size(text, limit)
        submit = partial(
            processing.submit_text,
            who=who,
            text=text,
            source=source or None,
            now=now,
            max_bytes=limit,
        )
    outcome = await take_in(submit, config.process_wait_seconds)
    if isinstance(outcome, Ticket):
        return render(request, who, "submit.html", 202, title=SUBMIT, waiting=outcome, typed={})
    return render(request, who, "submit.html", title=SUBMIT, done=outcome, typed={})


@router.get("/documents/{document_id}")
def document_page(request: Request, document_id: str, uow: Uow, who: Who) -> HTMLResponse:
    """A submitted document's status, for its submitter: refreshes itself while it is being
    processed."""
    state = document_status(uow=uow, who=who, document_id=document_id)
    title = f"Document {document_id[:12]}…"
    page = render(request, who, "document.html", title=title, document=state)
    if state.status == "received":
        page.headers["Refresh"] = str(REFRESH_SECONDS)  # no script needed to follow it
    return page


class StructuredForm(BaseModel):
    """The structured form's boxes as typed (the CSRF token is checked apart)."""

    date_start: str = Field(default="", max_length=40)
    date_end: str = Field(default="", max_length=40)
    location_name: str = Field(default="", max_length=200)
    admin1: str = Field(default="", max_length=120)
    lat: str = Field(default="", max_length=40)
    lon: str = Field(default="", max_length=40)
    location_precision: str = Field(default="", max_length=10)
    event_type: str = Field(default="", max_length=80)
    sub_event_type: str = Field(default="", max_length=80)
    perpetrator: str = Field(default="", max_length=200)
    target: str = Field(default="", max_length=200)
    fatalities_best: str = Field(default="", max_length=10)
    notes: str = Field(default="", max_length=20000)
    source: str = Field(default="", max_length=200)


@router.post("/submit/structured", response_model=None)
def submit_fields(
    request: Request,
    _: Csrf,
    uow: Uow,
    who: Who,
    now: Clock,
    config: Config,
    form: Annotated[StructuredForm, Form()],
) -> HTMLResponse:
    typed = form.model_dump()
    try:
        made = submit_structured(
            uow=uow,
            who=who,
            fields=structured_from_form(typed),
            source=form.source or None,
            now=now,
            max_bytes=config.max_document_bytes,
        )
    except ValidationFailed as exc:
        return render(request, who, "submit.html", 422, title=SUBMIT, error=str(exc), typed=typed)
    return render(request, who, "submit.html", title=SUBMIT, made=made, typed={})


def _queue_page(
    request: Request,
    uow: UnitOfWork,
    who: Principal,
    status: int = 200,
    error: str | None = None,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    """The review queue; after a refused review, with the reason and the form as typed."""
    queue = review_queue(uow=uow, who=who, limit=QUEUE_SHOWN)
    context = {"queue": queue, "error": error, "typed": typed or {}}
    return render(request, who, "review.html", status, title="Review queue", **context)


@router.get("/review")
def queue(request: Request, uow: Uow, who: Who) -> HTMLResponse:
    return _queue_page(request, uow, who)


@router.post("/review/{report_id}", response_model=None)
def review(
    request: Request,
    report_id: str,
    _: Csrf,
    uow: Uow,
    who: Who,
    now: Clock,
    action: Annotated[ReviewAction, Form()],
    field: Annotated[str, Form(max_length=80)] = "",
    value: Annotated[str, Form(max_length=5000)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    typed = {"report_id": report_id, "field": field, "value": value, "reason": reason}
    try:
        new = correction_value(field, value) if action is ReviewAction.CORRECT else None
        review_report(
            uow=uow,
            who=who,
            report_id=report_id,
            action=action,
            now=now,
            field=field or None,
            value=new,
            reason=reason or None,
        )
    except ValidationFailed as exc:
        return _queue_page(request, uow, who, 422, error=str(exc), typed=typed)
    return RedirectResponse(f"/review?done={report_id}", status_code=303)
