"""Routes for cases and every case action."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from truce.api.common import Who
from truce.api.models import Cases, CaseTimeline, CaseView
from truce.domain.cases import Case, CaseState, ReplyKind, Vote
from truce.http.deps import Agreement, Clock, Uow
from truce.services import cases as case_service

router = APIRouter(tags=["cases"])


def _view(case: Case, now: datetime) -> CaseView:
    return CaseView(**dict(case), overdue_now=case.overdue(now))


def _views(cases: list[Case], now: datetime) -> Cases:
    return Cases(items=[_view(c, now) for c in cases])


@router.get("/cases")
def get_cases(
    unit: Uow, who: Who, now: Clock, state: CaseState | None = None, inbox: bool = False
) -> Cases:
    """Cases; with `inbox`, those awaiting the caller's member, overdue first."""
    if inbox:
        return _views(case_service.inbox(uow=unit, who=who, now=now), now)
    return _views(case_service.cases(uow=unit, who=who, state=state), now)


@router.get("/cases/{case_id}")
def get_case(case_id: str, unit: Uow, who: Who, now: Clock) -> CaseTimeline:
    """A case and its timeline."""
    case, events = case_service.timeline(uow=unit, who=who, case_id=case_id)
    return CaseTimeline(case=_view(case, now), timeline=events)


class OpenIn(BaseModel):
    agreement: str | None = Field(default=None, description="default: the server's agreement")


class ReplyIn(BaseModel):
    kind: ReplyKind
    text: str = Field(min_length=1, max_length=5000)
    counter_claim: str | None = Field(default=None, max_length=5000)


class VoteIn(BaseModel):
    vote: Vote
    reason: str | None = Field(default=None, max_length=5000)


class TextReasonIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


@router.post("/cases/open", status_code=201)
def post_open(body: OpenIn, unit: Uow, who: Who, now: Clock, default: Agreement) -> Cases:
    """Open and route a case for every violation that has none."""
    agreement = body.agreement or default
    return _views(case_service.open_cases(uow=unit, who=who, agreement_id=agreement, now=now), now)


@router.post("/cases/{case_id}/reply")
def post_reply(case_id: str, body: ReplyIn, unit: Uow, who: Who, now: Clock) -> CaseView:
    """A guarantor's reply for its member."""
    case = case_service.reply(
        uow=unit,
        who=who,
        case_id=case_id,
        kind=body.kind,
        text=body.text,
        counter_claim=body.counter_claim,
        now=now,
    )
    return _view(case, now)


@router.post("/cases/{case_id}/review")
def post_vote(case_id: str, body: VoteIn, unit: Uow, who: Who, now: Clock) -> CaseView:
    """A guarantor's vote in joint review."""
    case = case_service.review(
        uow=unit, who=who, case_id=case_id, vote=body.vote, reason=body.reason, now=now
    )
    return _view(case, now)


@router.post("/cases/{case_id}/propose")
def post_propose(case_id: str, unit: Uow, who: Who, now: Clock) -> CaseView:
    """Put the finding to the guarantors' joint review."""
    return _view(case_service.propose_finding(uow=unit, who=who, case_id=case_id, now=now), now)


@router.post("/cases/{case_id}/request")
def post_request(case_id: str, body: TextReasonIn, unit: Uow, who: Who, now: Clock) -> CaseView:
    """Ask the guarantors a question; the case awaits their replies again."""
    case = case_service.request_clarification(
        uow=unit, who=who, case_id=case_id, question=body.text, now=now
    )
    return _view(case, now)


@router.post("/cases/{case_id}/publish")
def post_publish(case_id: str, unit: Uow, who: Who, now: Clock) -> CaseView:
    """Publish the case's outcome."""
    return _view(case_service.publish(uow=unit, who=who, case_id=case_id, now=now), now)


@router.post("/cases/{case_id}/close")
def post_close(case_id: str, body: TextReasonIn, unit: Uow, who: Who, now: Clock) -> CaseView:
    """Close the case: not an incident."""
    case = case_service.close(uow=unit, who=who, case_id=case_id, reason=body.text, now=now)
    return _view(case, now)


@router.post("/cases/{case_id}/reopen")
def post_reopen(case_id: str, body: TextReasonIn, unit: Uow, who: Who, now: Clock) -> CaseView:
    """Reopen a case on new evidence; its history is kept."""
    case = case_service.reopen(uow=unit, who=who, case_id=case_id, evidence=body.text, now=now)
    return _view(case, now)


@router.post("/cases/escalate")
def post_escalate(unit: Uow, who: Who, now: Clock) -> Cases:
    """Escalate every case whose replies are overdue."""
    return _views(case_service.escalate_overdue(uow=unit, who=who, now=now), now)
