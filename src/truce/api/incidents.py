"""Routes for incidents: lists with filters, detail with provenance, merge and split, counts."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from truce.api import models
from truce.api.common import AgreementId, Bbox, Json, Who, parse_bbox
from truce.domain.incidents import Incident
from truce.http.deps import Clock, Uow
from truce.services.counts import violation_counts
from truce.services.incident_page import incident_detail
from truce.services.incidents import merge_incidents, split_incident
from truce.services.listing import IncidentFilter, list_incidents

router = APIRouter(tags=["incidents"])


async def incident_filter(
    start: date | None = None,
    end: date | None = None,
    governorate: str | None = None,
    side: str | None = None,
    sub_event_type: str | None = None,
    finding: str | None = None,
    grade: Annotated[str | None, Query(description="this grade or better, C0 to C4")] = None,
    case_state: str | None = None,
    bbox: Bbox = None,
    zone: str | None = None,
) -> IncidentFilter:
    """The list's filters, from the query."""
    return IncidentFilter(
        start=start,
        end=end,
        governorate=governorate,
        side=side,
        sub_event_type=sub_event_type,
        finding=finding,
        grade=grade,
        case_state=case_state,
        bbox=parse_bbox(bbox),
        zone=zone,
    )


Filters = Annotated[IncidentFilter, Depends(incident_filter)]


@router.get("/incidents", response_model=models.IncidentPage)
def get_incidents(
    unit: Uow,
    who: Who,
    agreement: AgreementId,
    filters: Filters,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """Incidents, newest first, filtered; `next_cursor` fetches the next page."""
    page = list_incidents(
        uow=unit, who=who, agreement_id=agreement, filters=filters, cursor=cursor, limit=limit
    )
    # The rows' incidents were validated when read: written as they are, not checked again.
    return Json({"items": [r.to_plain() for r in page.rows], "next_cursor": page.next_cursor})


@router.get("/stats/counts")
def get_counts(
    unit: Uow,
    who: Who,
    agreement: AgreementId,
    start: date | None = None,
    end: date | None = None,
    governorate: str | None = None,
    side: str | None = None,
    finding: str | None = None,
) -> models.ViolationCounts:
    """Judged violations by governorate and by side held responsible (the dashboard's counts);
    `counts` says what is counted."""
    counts = violation_counts(
        uow=unit,
        who=who,
        agreement_id=agreement,
        start=start,
        end=end,
        governorate=governorate,
        side=side,
        finding=finding,
    )
    return models.ViolationCounts.model_validate(counts.to_plain())


@router.get("/incidents/{incident_id}")
def get_incident(
    incident_id: str, unit: Uow, who: Who, agreement: AgreementId
) -> models.IncidentDetail:
    """An incident with every field's provenance (claims), its reports, finding and case."""
    detail = incident_detail(
        uow=unit, who=who, incident_id=incident_id, agreement_id=agreement, full=False
    )
    return models.IncidentDetail(
        incident=detail.incident,
        reports=detail.reports,
        finding=detail.finding,
        case=detail.case,
        case_whole=detail.case_whole,
    )


class MergeIn(BaseModel):
    incident_ids: list[str] = Field(min_length=2, max_length=100)
    reason: str = Field(min_length=1, max_length=2000)


class SplitIn(BaseModel):
    report_ids: list[str] = Field(min_length=1, max_length=1000)
    reason: str = Field(min_length=1, max_length=2000)


@router.post("/incidents/merge")
def post_merge(body: MergeIn, unit: Uow, who: Who, now: Clock) -> Incident:
    """Merge incidents that are one event into one."""
    return merge_incidents(
        uow=unit, who=who, incident_ids=body.incident_ids, reason=body.reason, now=now
    )


@router.post("/incidents/{incident_id}/split")
def post_split(
    incident_id: str, body: SplitIn, unit: Uow, who: Who, now: Clock
) -> models.Incidents:
    """Split reports out of an incident into an incident of their own."""
    parts = split_incident(
        uow=unit,
        who=who,
        incident_id=incident_id,
        report_ids=body.report_ids,
        reason=body.reason,
        now=now,
    )
    return models.Incidents(incidents=list(parts))
