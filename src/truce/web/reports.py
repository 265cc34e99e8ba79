"""The report pages: submit a text, a file or fields, and review what was extracted.

Uploads go through the same checks as the API's (a file name with a path: 400; over
TRUCE_MAX_DOCUMENT_BYTES, text or file: 413). A form that cannot be read comes back with
what was typed and the reason (422), never with a value quietly dropped."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from truce.domain.access import Principal
from truce.domain.errors import ValidationFailed
from truce.domain.reviews import ReviewAction
from truce.http.deps import Clock, Config, Uow, check_text_size, read_upload
from truce.services.extraction import ingest_document, store_resources, submit_text
from truce.services.forms import correction_value, structured_from_form
from truce.services.reviews import review_report
from truce.services.session import UnitOfWork
from truce.services.structured import submit_structured
from truce.services.views import review_queue
from truce.web.auth import Csrf, Who
from truce.web.templating import render

router = APIRouter(include_in_schema=False)
QUEUE_SHOWN = 100
SUBMIT = "Submit a report"


@router.get("/submit")
def submit_form(request: Request, who: Who) -> HTMLResponse:
    return render(request, who, "submit.html", title=SUBMIT, typed={})


@router.post("/submit")
async def submit(
    request: Request,
    _: Csrf,
    uow: Uow,
    who: Who,
    now: Clock,
    config: Config,
    text: Annotated[str, Form()] = "",
    source: Annotated[str, Form(max_length=200)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    limit, resources = config.max_document_bytes, store_resources(uow)
    if file is not None and file.filename:
        name, content = await read_upload(file, limit)
        done = ingest_document(
            uow=uow,
            who=who,
            content=content,
            filename=name,
            now=now,
            max_bytes=limit,
            resources=resources,
        )
    else:
        check_text_size(text, limit)
        done = submit_text(
            uow=uow,
            who=who,
            text=text,
            source=source or None,
            now=now,
            max_bytes=limit,
            resources=resources,
        )
    return render(request, who, "submit.html", title=SUBMIT, done=done, typed={})


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
