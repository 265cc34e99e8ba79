"""Routes for cases and every case action."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Response
from pydantic import BaseModel, Field

from truce.api.common import Who
from truce.api.models import ATTESTATION_HELP, Attestation, Cases, CaseView, Out
from truce.domain.cases import (
    Case,
    CaseEvent,
    CaseState,
    Evidence,
    ReopenRequest,
    ReplyKind,
    Vote,
)
from truce.domain.errors import ValidationFailed
from truce.http.deps import Agreement, Clock, Uow
from truce.ledger import acts
from truce.services import cases as case_service

router = APIRouter(tags=["cases"])


def _view(case: Case, now: datetime, whole: bool) -> CaseView:
    return CaseView(**dict(case), overdue_now=case.overdue(now), whole=whole)


def _after(unit: Uow, who: Who, case: Case, now: datetime) -> CaseView:
    """The case after a step, as the one who took it may see it (a party's liaison asking to
    reopen the other side's case still sees only its state)."""
    shown = case_service.seen(unit, who, case)
    return _view(shown.case, now, shown.whole)


def _seen(cases: list[case_service.Seen], now: datetime) -> Cases:
    return Cases(items=[_view(s.case, now, s.whole) for s in cases])


@router.get("/cases")
def get_cases(
    unit: Uow, who: Who, now: Clock, state: CaseState | None = None, inbox: bool = False
) -> Cases:
    """Cases; with `inbox`, those awaiting the caller's member, overdue first."""
    if inbox:
        # The inbox holds only the cases the caller sees whole (and must act on).
        return Cases(
            items=[_view(c, now, True) for c in case_service.inbox(uow=unit, who=who, now=now)]
        )
    return _seen(case_service.cases(uow=unit, who=who, state=state), now)


class ReopenRequests(Out):
    items: list[tuple[str, str, ReopenRequest]] = Field(
        description="(case ID, incident ID, request), oldest first"
    )


@router.get("/cases/requests")
def get_requests(unit: Uow, who: Who) -> ReopenRequests:
    """Parties' requests to reopen a case that await an analyst's decision."""
    return ReopenRequests(items=case_service.pending_requests(uow=unit, who=who))


class TimelineStep(CaseEvent):
    attested: Attestation = Field(description=ATTESTATION_HELP)


class CaseTimeline(Out):
    case: CaseView
    timeline: list[TimelineStep]


@router.get("/cases/{case_id}")
def get_case(case_id: str, unit: Uow, who: Who, now: Clock) -> CaseTimeline:
    """A case and its timeline; until it is published, only what the agreement lets the
    caller see of it. Each step says whether its member signed it or the operator did."""
    shown = case_service.timeline(uow=unit, who=who, case_id=case_id)
    steps = [
        TimelineStep(**dict(e), attested=signed)
        for e, signed in zip(shown.events, shown.signed, strict=True)
    ]
    return CaseTimeline(case=_view(shown.case, now, shown.whole), timeline=steps)


class Signing(Out):
    """What the caller's client signs a reply or vote on this case with."""

    case: str
    round: int
    member: str
    user: str
    required: bool = Field(description="the agreement sets member_signatures: required")
    key: str | None = Field(description="the ID of the member's registered key")
    domain: str = Field(default=acts.DOMAIN, description="see `truce.ledger.acts`")


@router.get("/cases/{case_id}/signing")
def get_signing(case_id: str, unit: Uow, who: Who) -> Signing:
    """The fields of the canonical bytes a member signs for a reply or vote on this case
    (`truce.ledger.acts.message`): the case, its round, the caller's member and user."""
    return Signing(**case_service.signing(uow=unit, who=who, case_id=case_id)._asdict())


class OpenIn(BaseModel):
    agreement: str | None = Field(default=None, description="default: the server's agreement")


class SignedIn(BaseModel):
    """A member's detached signature of the act (`truce.ledger.acts`), made on its machine;
    also accepted as the headers Truce-Signature, Truce-Key and Truce-Salt."""

    signature: str | None = Field(
        default=None, max_length=200, description="Ed25519 over the act's canonical bytes"
    )
    key_id: str | None = Field(default=None, max_length=64, description="the member's key")
    salt: str | None = Field(
        default=None, max_length=128, description="hex, 16+ random bytes: the texts' salt"
    )

    def signed(
        self, signature: str | None, key: str | None, salt: str | None
    ) -> case_service.Signed | None:
        signature, key, salt = self.signature or signature, self.key_id or key, self.salt or salt
        if signature is None and key is None:
            return None
        if not (signature and key):
            raise ValidationFailed(
                "a signed act gives both `signature` and `key_id`",
                field="key_id" if signature else "signature",
            )
        return case_service.Signed(signature, key, salt)


SignatureHeader = Annotated[str | None, Header(alias="Truce-Signature", max_length=200)]
KeyHeader = Annotated[str | None, Header(alias="Truce-Key", max_length=64)]
SaltHeader = Annotated[str | None, Header(alias="Truce-Salt", max_length=128)]


class ReplyIn(SignedIn):
    kind: ReplyKind
    text: str = Field(min_length=1, max_length=5000)
    counter_claim: str | None = Field(default=None, max_length=5000)


class VoteIn(SignedIn):
    vote: Vote
    reason: str | None = Field(default=None, max_length=5000)


class TextReasonIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


@router.post("/cases/open", status_code=201)
def post_open(body: OpenIn, unit: Uow, who: Who, now: Clock, default: Agreement) -> Cases:
    """Open and route a case for every violation that has none."""
    agreement = body.agreement or default
    opened = case_service.open_cases(uow=unit, who=who, agreement_id=agreement, now=now)
    return Cases(items=[_after(unit, who, c, now) for c in opened])


@router.post("/cases/{case_id}/reply")
def post_reply(
    case_id: str,
    body: ReplyIn,
    unit: Uow,
    who: Who,
    now: Clock,
    signature: SignatureHeader = None,
    key: KeyHeader = None,
    salt: SaltHeader = None,
) -> CaseView:
    """A guarantor's reply for its member; signed by the member (`signature`, `key_id`,
    `salt`: see `GET /cases/{case_id}/signing`), or else attested by the operator, where the
    agreement allows it."""
    case = case_service.reply(
        uow=unit,
        who=who,
        case_id=case_id,
        kind=body.kind,
        text=body.text,
        counter_claim=body.counter_claim,
        now=now,
        signature=body.signed(signature, key, salt),
    )
    return _after(unit, who, case, now)


@router.post("/cases/{case_id}/review")
def post_vote(
    case_id: str,
    body: VoteIn,
    unit: Uow,
    who: Who,
    now: Clock,
    signature: SignatureHeader = None,
    key: KeyHeader = None,
    salt: SaltHeader = None,
) -> CaseView:
    """A guarantor's vote in joint review; signed by its member, as a reply is."""
    case = case_service.review(
        uow=unit,
        who=who,
        case_id=case_id,
        vote=body.vote,
        reason=body.reason,
        now=now,
        signature=body.signed(signature, key, salt),
    )
    return _after(unit, who, case, now)


@router.post("/cases/{case_id}/propose")
def post_propose(case_id: str, unit: Uow, who: Who, now: Clock) -> CaseView:
    """Put the finding to the guarantors' joint review."""
    return _after(
        unit, who, case_service.propose_finding(uow=unit, who=who, case_id=case_id, now=now), now
    )


@router.post("/cases/{case_id}/request")
def post_request(case_id: str, body: TextReasonIn, unit: Uow, who: Who, now: Clock) -> CaseView:
    """Ask the guarantors a question; the case awaits their replies again."""
    case = case_service.request_clarification(
        uow=unit, who=who, case_id=case_id, question=body.text, now=now
    )
    return _after(unit, who, case, now)


@router.post("/cases/{case_id}/publish")
def post_publish(case_id: str, unit: Uow, who: Who, now: Clock) -> CaseView:
    """Publish the case's outcome."""
    return _after(unit, who, case_service.publish(uow=unit, who=who, case_id=case_id, now=now), now)


@router.post("/cases/{case_id}/close")
def post_close(case_id: str, body: TextReasonIn, unit: Uow, who: Who, now: Clock) -> CaseView:
    """Close the case: not an incident."""
    case = case_service.close(uow=unit, who=who, case_id=case_id, reason=body.text, now=now)
    return _after(unit, who, case, now)


class ReopenIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000, description="what the new evidence shows")
    document_id: str | None = Field(
        default=None, max_length=64, description="a document your member submitted"
    )
    report_id: str | None = Field(default=None, max_length=200, description="a stored report")


class Reopened(Out):
    case: CaseView
    request: ReopenRequest | None = Field(
        description="the request filed for an analyst's decision (a party's reopening); null "
        "when the case was reopened"
    )


@router.post("/cases/{case_id}/reopen", responses={202: {"model": Reopened}})
def post_reopen(
    case_id: str, body: ReopenIn, unit: Uow, who: Who, now: Clock, response: Response
) -> Reopened:
    """Reopen a case on new evidence (a document or report in the store, and what it shows);
    its history is kept. A party's liaison files a request instead (202): an analyst accepts
    or declines it, and a case takes only so many (the agreement's number)."""
    evidence = Evidence(statement=body.text, document_id=body.document_id, report_id=body.report_id)
    done = case_service.reopen(uow=unit, who=who, case_id=case_id, evidence=evidence, now=now)
    if done.request is not None:
        response.status_code = 202
    return Reopened(case=_after(unit, who, done.case, now), request=done.request)


@router.post("/cases/{case_id}/requests/{number}/accept")
def post_accept(
    case_id: str, number: int, body: TextReasonIn, unit: Uow, who: Who, now: Clock
) -> CaseView:
    """Accept a party's request to reopen, with reasons: the case reopens."""
    case = case_service.accept_reopen(
        uow=unit, who=who, case_id=case_id, number=number, reason=body.text, now=now
    )
    return _after(unit, who, case, now)


@router.post("/cases/{case_id}/requests/{number}/decline")
def post_decline(
    case_id: str, number: int, body: TextReasonIn, unit: Uow, who: Who, now: Clock
) -> CaseView:
    """Decline a party's request to reopen, with reasons: the case stays as it is."""
    case = case_service.decline_reopen(
        uow=unit, who=who, case_id=case_id, number=number, reason=body.text, now=now
    )
    return _after(unit, who, case, now)


@router.post("/cases/escalate")
def post_escalate(unit: Uow, who: Who, now: Clock) -> Cases:
    """Escalate every case whose replies are overdue."""
    escalated = case_service.escalate_overdue(uow=unit, who=who, now=now)
    return Cases(items=[_after(unit, who, c, now) for c in escalated])
