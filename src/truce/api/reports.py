"""Routes for intake, reports, exports and review."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from truce.api.common import (
    SAFE_NAME,
    State,
    TooLarge,
    Uow,
    Who,
    now,
)
from truce.domain.errors import (
    InputRejected,
)
from truce.domain.reviews import ReviewAction
from truce.services.datasets import export_reports
from truce.services.extraction import ingest_document, store_resources, submit_text
from truce.services.reviews import review_report
from truce.services.structured import submit_structured
from truce.services.views import report_view, shown
from truce.services.views import review_queue as review_queue_of

# --- reports and review ----------------------------------------------------------------

router = APIRouter(tags=["reports"])


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


@router.post("/reports/text", status_code=201)
def post_text(body: TextIn, unit: Uow, who: Who, request: Request) -> dict[str, Any]:
    """Submit a report as free text; it is stored, read, fused and judged."""
    state: State = request.app.state.truce
    summary = submit_text(uow=unit, who=who, text=body.text, title=body.title, source=body.source,
                          published=body.published, language=body.language, url=body.url, now=now(),
                          max_bytes=state.settings.max_document_bytes, resources=store_resources(unit),
                          submitter=who.user)  # fmt: skip
    return _ingested(summary)


@router.post("/reports/file", status_code=201)
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


@router.post("/reports", status_code=201)
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


@router.get("/exports/{fmt}")
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


@router.get("/reports/{report_id}")
def get_report(report_id: str, unit: Uow, who: Who) -> dict[str, Any]:
    """A report as this user may see it (protected sources redacted)."""
    return report_view(uow=unit, who=who, report_id=report_id).to_plain()


@router.get("/review-queue")
def review_queue(
    unit: Uow, who: Who, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> dict[str, Any]:
    """Reports awaiting review, oldest event first (analysts act on them)."""
    return {"items": [r.to_plain() for r in review_queue_of(uow=unit, who=who, limit=limit)]}


class ReviewIn(BaseModel):
    action: ReviewAction
    field: str | None = Field(default=None, max_length=80)
    value: Any = None
    reason: str | None = Field(default=None, max_length=2000)


@router.post("/reports/{report_id}/review")
def post_review(report_id: str, body: ReviewIn, unit: Uow, who: Who) -> dict[str, Any]:
    """Accept, correct one field, or reject a report; its incident is judged again."""
    reviewed, status = review_report(uow=unit, who=who, report_id=report_id, action=body.action, reviewer=who.user,
                                     now=now(), field=body.field, value=body.value, reason=body.reason)  # fmt: skip
    return {"status": status.value, "report": shown(reviewed, who).to_plain()}
