"""Routes for incidents: lists with filters, detail with provenance, merge and split, counts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from truce.api.common import (
    AGREEMENT,
    Uow,
    Who,
    now,
)
from truce.domain.errors import (
    ValidationFailed,
)
from truce.services import cases as case_service
from truce.services.incidents import merge_incidents, split_incident
from truce.services.listing import IncidentFilter, list_incidents, violation_counts
from truce.services.views import incident_view

# --- incidents -------------------------------------------------------------------------

router = APIRouter(tags=["incidents"])


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


@router.get("/incidents")
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


@router.get("/stats/counts")
def get_counts(unit: Uow, who: Who, start: date | None = None, end: date | None = None,
               agreement: str = AGREEMENT) -> dict[str, Any]:  # fmt: skip
    """Violations by governorate and by side held responsible (the dashboard's counts)."""
    return violation_counts(uow=unit, who=who, agreement_id=agreement, start=start, end=end)


@router.get("/incidents/{incident_id}")
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


@router.post("/incidents/merge")
def post_merge(body: MergeIn, unit: Uow, who: Who) -> dict[str, Any]:
    merged = merge_incidents(uow=unit, who=who, incident_ids=body.incident_ids, actor=who.user, reason=body.reason,
                             now=now())  # fmt: skip
    return merged.to_plain()


@router.post("/incidents/{incident_id}/split")
def post_split(incident_id: str, body: SplitIn, unit: Uow, who: Who) -> dict[str, Any]:
    parts = split_incident(uow=unit, who=who, incident_id=incident_id, report_ids=body.report_ids, actor=who.user,
                           reason=body.reason, now=now())  # fmt: skip
    return {"incidents": [p.to_plain() for p in parts]}
