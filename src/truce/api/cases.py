"""Routes for cases and every case action."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from truce.api.common import (
    AGREEMENT,
    Uow,
    Who,
    now,
)
from truce.domain.cases import Case, ReplyKind, Vote
from truce.services import cases as case_service

# --- cases -----------------------------------------------------------------------------

router = APIRouter(tags=["cases"])


def _case(case: Case) -> dict[str, Any]:
    return case.to_plain() | {"overdue": case.overdue(now())}


@router.get("/cases")
def get_cases(unit: Uow, who: Who, state: str | None = None, inbox: bool = False) -> dict[str, Any]:
    """Cases; with `inbox`, those awaiting the caller's member, overdue first."""
    found = case_service.inbox(uow=unit, who=who, now=now()) if inbox else case_service.cases(uow=unit, who=who,
                                                                                              state=state)  # fmt: skip
    return {"items": [_case(c) for c in found]}


@router.get("/cases/{case_id}")
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


@router.post("/cases/open", status_code=201)
def post_open(body: OpenIn, unit: Uow, who: Who) -> dict[str, Any]:
    """Open and route a case for every violation that has none."""
    return {"items": [_case(c) for c in case_service.open_cases(uow=unit, who=who, agreement_id=body.agreement,
                                                                 now=now())]}  # fmt: skip


@router.post("/cases/{case_id}/reply")
def post_reply(case_id: str, body: ReplyIn, unit: Uow, who: Who) -> dict[str, Any]:
    return _case(case_service.reply(uow=unit, who=who, case_id=case_id, kind=body.kind, text=body.text,
                                    counter_claim=body.counter_claim, now=now()))  # fmt: skip


@router.post("/cases/{case_id}/review")
def post_vote(case_id: str, body: VoteIn, unit: Uow, who: Who) -> dict[str, Any]:
    return _case(case_service.review(uow=unit, who=who, case_id=case_id, vote=body.vote, reason=body.reason,
                                     now=now()))  # fmt: skip


@router.post("/cases/{case_id}/propose")
def post_propose(case_id: str, unit: Uow, who: Who) -> dict[str, Any]:
    return _case(case_service.propose_finding(uow=unit, who=who, case_id=case_id, now=now()))


@router.post("/cases/{case_id}/request")
def post_request(case_id: str, body: TextReasonIn, unit: Uow, who: Who) -> dict[str, Any]:
    return _case(case_service.request_clarification(uow=unit, who=who, case_id=case_id, question=body.text,
                                                    now=now()))  # fmt: skip


@router.post("/cases/{case_id}/publish")
def post_publish(case_id: str, unit: Uow, who: Who) -> dict[str, Any]:
    return _case(case_service.publish(uow=unit, who=who, case_id=case_id, now=now()))


@router.post("/cases/{case_id}/close")
def post_close(case_id: str, body: TextReasonIn, unit: Uow, who: Who) -> dict[str, Any]:
    return _case(
        case_service.close(uow=unit, who=who, case_id=case_id, reason=body.text, now=now())
    )


@router.post("/cases/{case_id}/reopen")
def post_reopen(case_id: str, body: TextReasonIn, unit: Uow, who: Who) -> dict[str, Any]:
    return _case(
        case_service.reopen(uow=unit, who=who, case_id=case_id, evidence=body.text, now=now())
    )


@router.post("/cases/escalate")
def post_escalate(unit: Uow, who: Who) -> dict[str, Any]:
    return {
        "items": [_case(c) for c in case_service.escalate_overdue(uow=unit, who=who, now=now())]
    }
