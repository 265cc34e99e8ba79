"""Routes for intake, reports, exports and review."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from truce.api.common import Bbox, Json, Who, parse_bbox
from truce.api.documents import Submitter, document_href
from truce.api.models import Accepted, Ingested, Reports, Reviewed
from truce.domain.reports import Report
from truce.domain.reviews import ReviewAction
from truce.http.deps import Clock, Config, Uow, check_text_size, read_upload
from truce.http.intake import Processing, take_in
from truce.services.datasets import export_reports
from truce.services.extraction import IngestSummary
from truce.services.processing import Ticket
from truce.services.reviews import review_report
from truce.services.structured import submit_structured
from truce.services.views import report_view, review_queue, shown

router = APIRouter(tags=["reports"])


class TextIn(BaseModel):
    text: str = Field(min_length=1, max_length=1_000_000)
    title: str | None = Field(default=None, max_length=500)
    source: str | None = Field(default=None, max_length=200)
    published: date | None = None
    language: str | None = Field(default=None, max_length=10)
    url: str | None = Field(default=None, max_length=2000)


def _ingested(summary: IngestSummary) -> Ingested:
    return Ingested(
        document_id=summary.document_id,
        new_document=summary.new_document,
        reports=[r.id for r in summary.reports],
        imported=summary.imported,
        incidents=summary.incidents,
    )


def _answer(outcome: IngestSummary | Ticket) -> Ingested | Response:
    """201 with the reports, or 202 with where to follow the document."""
    if isinstance(outcome, IngestSummary):
        return _ingested(outcome)
    href = document_href(outcome.document_id)
    body = Accepted(document_id=outcome.document_id, status="received", href=href)
    return Json(body.model_dump(), status_code=202, headers={"Location": href})


ACCEPTED: dict[int | str, dict[str, Any]] = {
    202: {"model": Accepted, "description": "Stored; still being processed: follow `href`"}
}


@router.post("/reports/text", status_code=201, response_model=Ingested, responses=ACCEPTED)
async def post_text(
    body: TextIn, who: Submitter, config: Config, now: Clock, processing: Processing
) -> Ingested | Response:
    """Submit a report as free text; it is stored, then read, fused and judged. 201 with the
    reports when that takes under TRUCE_PROCESS_WAIT_SECONDS, else 202 and a `Location` to
    follow."""
    check_text_size(body.text, config.max_document_bytes)
    outcome = await take_in(
        lambda: processing.submit_text(
            who=who,
            now=now,
            text=body.text,
            title=body.title,
            source=body.source,
            published=body.published,
            language=body.language,
            url=body.url,
            max_bytes=config.max_document_bytes,
        ),
        config.process_wait_seconds,
    )
    return _answer(outcome)


@router.post("/reports/file", status_code=201, response_model=Ingested, responses=ACCEPTED)
async def post_file(
    who: Submitter,
    config: Config,
    now: Clock,
    processing: Processing,
    file: Annotated[UploadFile, File()],
    published: Annotated[date | None, Form()] = None,
) -> Ingested | Response:
    """Submit a document (text, HTML, RSS/Atom, e-mail, JSON); as for texts, 201 with the
    reports or 202 while it is processed."""
    name, content = await read_upload(file, config.max_document_bytes)
    outcome = await take_in(
        lambda: processing.submit_document(
            who=who,
            content=content,
            filename=name,
            published=published,
            now=now,
            max_bytes=config.max_document_bytes,
        ),
        config.process_wait_seconds,
    )
    return _answer(outcome)


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

    def fields(self) -> dict[str, Any]:
        """The report's fields, the perpetrator and target as its actors."""
        plain = self.model_dump(
            exclude_none=True, exclude={"perpetrator", "target", "source"}, mode="json"
        )
        named = [(self.perpetrator, "perpetrator"), (self.target, "target")]
        actors = [{"name": name, "role": role} for name, role in named if name]
        return plain | ({"actors": actors} if actors else {})


@router.post("/reports", status_code=201)
def post_structured(body: StructuredIn, unit: Uow, who: Who, config: Config, now: Clock) -> Report:
    """Submit a structured report: it is kept as received, validated, fused and judged."""
    report = submit_structured(
        uow=unit,
        who=who,
        fields=body.fields(),
        source=body.source,
        now=now,
        max_bytes=config.max_document_bytes,
    )
    return shown(uow=unit, who=who, report=report)


EXPORT_TYPES = {
    "acled": "text/csv",
    "ucdp": "text/csv",
    "geojson": "application/geo+json",
    "plover": "application/x-ndjson",
}
_TEXT = {"schema": {"type": "string"}}
EXPORTED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The reports in the format; `X-Truce-Losses`: how many rows lost a field",
        "content": {
            "text/csv": _TEXT,
            "application/geo+json": {"schema": {"type": "object"}},
            "application/x-ndjson": _TEXT,
        },
    }
}


@router.get("/exports/{fmt}", response_class=Response, responses=EXPORTED)
def get_export(
    fmt: str,
    unit: Uow,
    who: Who,
    start: date | None = None,
    end: date | None = None,
    governorate: str | None = None,
    bbox: Bbox = None,
    layout: Annotated[str | None, Query(description="an ACLED layout, for `acled`")] = None,
) -> Response:
    """Current reports in a data-set format (acled, ucdp, geojson, plover), as this user may
    see them, kept to the days `start` to `end`, the `governorate` and the `bbox` if given
    (the box tests the place as this user sees it); the rows' losses in the X-Truce-Losses
    header (a count)."""
    result = export_reports(
        uow=unit,
        who=who,
        fmt=fmt,
        layout=layout,
        start=start,
        end=end,
        governorate=governorate,
        bbox=parse_bbox(bbox),
    )
    media = EXPORT_TYPES.get(fmt, "text/plain")
    return Response(
        result.text, media_type=media, headers={"X-Truce-Losses": str(len(result.losses))}
    )


@router.get("/reports/{report_id}")
def get_report(report_id: str, unit: Uow, who: Who) -> Report:
    """A report as this user may see it (protected sources redacted)."""
    return report_view(uow=unit, who=who, report_id=report_id)


@router.get("/review-queue")
def get_review_queue(
    unit: Uow, who: Who, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> Reports:
    """Reports awaiting review, oldest event first (analysts act on them)."""
    return Reports(items=review_queue(uow=unit, who=who, limit=limit))


class ReviewIn(BaseModel):
    action: ReviewAction
    field: str | None = Field(default=None, max_length=80)
    value: Any = None
    reason: str | None = Field(default=None, max_length=2000)


@router.post("/reports/{report_id}/review")
def post_review(report_id: str, body: ReviewIn, unit: Uow, who: Who, now: Clock) -> Reviewed:
    """Accept, correct one field, or reject a report; its incident is judged again."""
    reviewed, status = review_report(
        uow=unit,
        who=who,
        report_id=report_id,
        action=body.action,
        now=now,
        field=body.field,
        value=body.value,
        reason=body.reason,
    )
    return Reviewed(status=status, report=shown(uow=unit, who=who, report=reviewed))
