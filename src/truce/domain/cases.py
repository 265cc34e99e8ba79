"""The case workflow: a finding put to the guarantors, as a state machine with guards.

Pure: every function takes the case, the acting principal, the agreement and the time,
and returns the new case and the event that records the step; nothing reads a clock.
A refused step raises an error naming the case's state, the action and the role.

    open ──> awaiting_reply ──(all answerable guarantors replied)──> under_verification
               │  ^  (overdue: escalated, recorded, state kept)          │
               │  └────────── request clarification ─────────────────────┤
               └─> access_denied ──> ...                                 v
    joint_review <── propose finding <── under_verification / access_denied / reopened
        │ each guarantor: confirm / cannot confirm / dissent, with reasons
        v (the agreement's sign-off rule, once every guarantor has voted or the rule is settled)
    adopted / disputed ──> published          closed (not an incident)
        └──────────── reopen (new evidence; history kept) ──> reopened
                      a party asks: request ──> an analyst accepts (reopened) or declines
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from truce.domain.access import Principal, Role, UseCase, authorize
from truce.domain.agreements import Agreement, SignOffRule

# The records are imported from here too: this module is the workflow's one entry point.
from truce.domain.case_records import (
    Action,
    Ballot,
    Case,
    CaseEvent,
    CaseState,
    Evidence,
    ReopenRequest,
    Reply,
    ReplyKind,
    RequestStatus,
    Vote,
    case_id,
)
from truce.domain.errors import Conflict, Forbidden, ValidationFailed
from truce.domain.incidents import Finding, FindingCategory

# Findings that go to the guarantors: a violation, or a dispute over who was hit.
ROUTED = frozenset(
    {
        FindingCategory.VIOLATION_MINOR,
        FindingCategory.VIOLATION_SERIOUS,
        FindingCategory.CONTESTED_EXCLUSION,
    }
)

USE_CASE = {
    Action.OPEN: UseCase.OPEN_CASE,
    Action.REQUEST_CLARIFICATION: UseCase.REQUEST_CLARIFICATION,
    Action.REPLY: UseCase.REPLY,
    Action.ESCALATE: UseCase.ESCALATE,
    Action.ACCESS_DENIED: UseCase.RECORD_ACCESS_DENIED,
    Action.PROPOSE_FINDING: UseCase.PROPOSE_FINDING,
    Action.REVIEW: UseCase.REVIEW_CASE,
    Action.PUBLISH: UseCase.PUBLISH,
    Action.CLOSE: UseCase.CLOSE_CASE,
    Action.REOPEN: UseCase.REOPEN_DIRECTLY,
    Action.REQUEST_REOPEN: UseCase.REOPEN,
    Action.ACCEPT_REOPEN: UseCase.DECIDE_REOPENING,
    Action.DECLINE_REOPEN: UseCase.DECIDE_REOPENING,
}
_S = CaseState
FROM: Mapping[Action, frozenset[CaseState]] = {
    Action.REQUEST_CLARIFICATION: frozenset(
        {_S.AWAITING_REPLY, _S.UNDER_VERIFICATION, _S.ACCESS_DENIED, _S.REOPENED}
    ),
    Action.REPLY: frozenset({_S.AWAITING_REPLY}),
    Action.ESCALATE: frozenset({_S.AWAITING_REPLY}),
    Action.ACCESS_DENIED: frozenset({_S.AWAITING_REPLY, _S.UNDER_VERIFICATION, _S.REOPENED}),
    Action.PROPOSE_FINDING: frozenset(
        {_S.AWAITING_REPLY, _S.UNDER_VERIFICATION, _S.ACCESS_DENIED, _S.REOPENED}
    ),
    Action.REVIEW: frozenset({_S.JOINT_REVIEW}),
    Action.PUBLISH: frozenset({_S.ADOPTED, _S.DISPUTED}),
    Action.CLOSE: frozenset(
        {_S.AWAITING_REPLY, _S.UNDER_VERIFICATION, _S.ACCESS_DENIED, _S.REOPENED}
    ),
    Action.REOPEN: frozenset({_S.ADOPTED, _S.DISPUTED, _S.PUBLISHED, _S.CLOSED}),
    Action.REQUEST_REOPEN: frozenset({_S.ADOPTED, _S.DISPUTED, _S.PUBLISHED, _S.CLOSED}),
    Action.ACCEPT_REOPEN: frozenset({_S.ADOPTED, _S.DISPUTED, _S.PUBLISHED, _S.CLOSED}),
    # A request outlives a reopening by an analyst or a guarantor; it is still declined.
    Action.DECLINE_REOPEN: frozenset(CaseState),
}


def _refuse(case: Case | None, action: Action, who: Principal, why: str) -> Forbidden | Conflict:
    state = case.state.value if case else "no case yet"
    return Conflict(
        f"cannot {action.value.replace('_', ' ')} case {case.id if case else ''} in state "
        f"{state} as {who.role.value} of {who.member}: {why}".replace("case  in", "a case in")
    )


def _check(case: Case, action: Action, who: Principal) -> None:
    authorize(who, USE_CASE[action])
    if case.state not in FROM[action]:
        allowed = ", ".join(sorted(s.value for s in FROM[action]))
        raise _refuse(case, action, who, f"only possible in {allowed}")


def _event(
    case: Case,
    before: CaseState | None,
    action: Action,
    who: Principal,
    at: datetime,
    **details: Any,
) -> CaseEvent:
    return CaseEvent(
        case_id=case.id,
        action=action,
        user=who.user,
        member=who.member,
        role=who.role,
        before=before,
        after=case.state,
        at=at,
        details=details,
    )


def _deadline(agreement: Agreement, now: datetime) -> datetime:
    return now + timedelta(hours=agreement.reply_deadline_hours)


def open_case(
    finding: Finding, agreement: Agreement, who: Principal, now: datetime
) -> tuple[Case, CaseEvent]:
    """Route a finding: the guarantors answerable for the side held responsible must reply by
    the agreement's deadline; the other guarantors are informed."""
    authorize(who, UseCase.OPEN_CASE)
    if finding.category not in ROUTED:
        raise ValidationFailed(
            f"a {finding.category.value} finding is not put to the guarantors", field="category"
        )
    side = finding.responsible_side
    answerable = agreement.guarantors_for(side) if side else ()
    if not answerable:
        raise ValidationFailed(
            f"no guarantor answers for side {side!r} in {agreement.id}", field="responsible_side"
        )
    informed = tuple(g.member_id for g in agreement.guarantors if g.member_id not in answerable)
    case = Case(
        id=case_id(finding.incident_id, agreement.id),
        incident_id=finding.incident_id,
        agreement_id=agreement.id,
        state=CaseState.AWAITING_REPLY,
        category=finding.category,
        accused_side=side,
        clauses=finding.clauses,
        reasons=finding.reasons,
        answerable=answerable,
        informed=informed,
        opened_at=now,
        reply_due=_deadline(agreement, now),
    )
    return case, _event(
        case,
        None,
        Action.OPEN,
        who,
        now,
        answerable=list(answerable),
        informed=list(informed),
        reply_due=case.reply_due.isoformat() if case.reply_due else None,
    )


def request_clarification(
    case: Case, agreement: Agreement, who: Principal, now: datetime, question: str
) -> tuple[Case, CaseEvent]:
    _check(case, Action.REQUEST_CLARIFICATION, who)
    if not question.strip():
        raise ValidationFailed("a clarification request says what it asks", field="question")
    before = case.state
    case = case.evolve(
        state=CaseState.AWAITING_REPLY,
        question=question,
        replies=(),
        reply_due=_deadline(agreement, now),
    )
    return case, _event(
        case,
        before,
        Action.REQUEST_CLARIFICATION,
        who,
        now,
        question=question,
        reply_due=case.reply_due.isoformat() if case.reply_due else None,
    )


def reply(
    case: Case,
    who: Principal,
    now: datetime,
    kind: ReplyKind,
    text: str,
    counter_claim: str | None = None,
) -> tuple[Case, CaseEvent]:
    """An answerable guarantor's reply. When every answerable guarantor has replied, the case
    goes back to the analysts for verification."""
    _check(case, Action.REPLY, who)
    if who.member not in case.answerable:
        raise Forbidden(
            f"{who} may not reply to case {case.id}: only {', '.join(case.answerable)} answer "
            f"for the {case.accused_side} side"
        )
    if any(r.member == who.member for r in case.replies):
        raise _refuse(case, Action.REPLY, who, f"{who.member} has already replied in this round")
    if kind is ReplyKind.DISPUTED and not (counter_claim or "").strip():
        raise ValidationFailed("a disputed reply gives the counter-claim", field="counter_claim")
    answer = Reply(
        member=who.member, user=who.user, kind=kind, text=text, counter_claim=counter_claim, at=now
    )
    replies = (*case.replies, answer)
    done = {r.member for r in replies} >= set(case.answerable)
    before = case.state
    case = case.evolve(replies=replies, state=CaseState.UNDER_VERIFICATION if done else case.state)
    return case, _event(
        case,
        before,
        Action.REPLY,
        who,
        now,
        kind=kind.value,
        text=text,
        counter_claim=counter_claim,
        late=bool(case.reply_due and now > case.reply_due),
    )


def escalate(case: Case, who: Principal, now: datetime) -> tuple[Case, CaseEvent]:
    """An overdue case is escalated: recorded, counted, and the state kept (the reply is still
    owed)."""
    _check(case, Action.ESCALATE, who)
    if not case.overdue(now):
        raise _refuse(case, Action.ESCALATE, who, f"not overdue (reply due {case.reply_due})")
    case = case.evolve(escalations=case.escalations + 1)
    return case, _event(
        case,
        case.state,
        Action.ESCALATE,
        who,
        now,
        overdue=list(case.overdue_members),
        reply_due=case.reply_due.isoformat() if case.reply_due else None,
        escalation=case.escalations,
    )


def record_access_denied(
    case: Case, who: Principal, now: datetime, where: str
) -> tuple[Case, CaseEvent]:
    _check(case, Action.ACCESS_DENIED, who)
    before = case.state
    case = case.evolve(state=CaseState.ACCESS_DENIED)
    return case, _event(case, before, Action.ACCESS_DENIED, who, now, where=where)


def propose_finding(
    case: Case, who: Principal, now: datetime, finding: Finding, agreement: Agreement | None = None
) -> tuple[Case, CaseEvent]:
    """Put the (current) finding to the guarantors for joint review. A finding that now holds
    another side responsible re-routes the case to that side's guarantors (which needs the
    agreement)."""
    _check(case, Action.PROPOSE_FINDING, who)
    if (finding.incident_id, finding.agreement_id) != (case.incident_id, case.agreement_id):
        raise ValidationFailed(
            f"the finding is about {finding.incident_id} under {finding.agreement_id}, not this "
            f"case's {case.incident_id} under {case.agreement_id}",
            field="finding",
        )
    if case.state is CaseState.AWAITING_REPLY and not case.overdue(now):
        raise _refuse(
            case,
            Action.PROPOSE_FINDING,
            who,
            f"still awaiting {', '.join(case.overdue_members)}'s reply until {case.reply_due}",
        )
    routing = _rerouting(case, who, finding, agreement)
    before = case.state
    case = case.evolve(
        state=CaseState.JOINT_REVIEW,
        category=finding.category,
        accused_side=finding.responsible_side,
        clauses=finding.clauses,
        reasons=finding.reasons,
        ballots=(),
        **routing,
    )
    return case, _event(
        case,
        before,
        Action.PROPOSE_FINDING,
        who,
        now,
        category=finding.category.value,
        responsible_side=finding.responsible_side,
        reasons=list(finding.reasons),
        **({"answerable": list(case.answerable)} if routing else {}),
    )


def _rerouting(
    case: Case, who: Principal, finding: Finding, agreement: Agreement | None
) -> dict[str, tuple[str, ...]]:
    """The new answerable and informed guarantors when the finding holds another side
    responsible than the case did; nothing when it holds the same side."""
    side = finding.responsible_side
    if side == case.accused_side:
        return {}
    if agreement is None or not side:
        raise _refuse(
            case,
            Action.PROPOSE_FINDING,
            who,
            f"the finding now holds {side} responsible: "
            "the case must be routed again, with the agreement",
        )
    answerable = agreement.guarantors_for(side)
    if not answerable:
        raise ValidationFailed(f"no guarantor answers for side {side!r}", field="responsible_side")
    informed = tuple(g.member_id for g in agreement.guarantors if g.member_id not in answerable)
    return {"answerable": answerable, "informed": informed}


def review(
    case: Case,
    agreement: Agreement,
    who: Principal,
    now: datetime,
    vote: Vote,
    reason: str | None = None,
) -> tuple[Case, CaseEvent]:
    """A guarantor's vote. The agreement's sign-off rule decides once it is settled."""
    _check(case, Action.REVIEW, who)
    guarantors = [g.member_id for g in agreement.guarantors]
    if who.member not in guarantors:
        raise Forbidden(
            f"{who} may not review case {case.id}: only the guarantors ({', '.join(guarantors)}) do"
        )
    if any(b.member == who.member for b in case.ballots):
        raise _refuse(case, Action.REVIEW, who, f"{who.member} has already voted in this round")
    if vote is not Vote.CONFIRM and not (reason or "").strip():
        raise ValidationFailed(f"a '{vote.value}' vote gives its reasons", field="reason")
    ballots = (
        *case.ballots,
        Ballot(member=who.member, user=who.user, vote=vote, reason=reason, at=now),
    )
    outcome = sign_off(agreement, ballots)
    before = case.state
    case = case.evolve(ballots=ballots, state=outcome or case.state)
    return case, _event(
        case,
        before,
        Action.REVIEW,
        who,
        now,
        vote=vote.value,
        reason=reason,
        outcome=outcome.value if outcome else None,
    )


def sign_off(agreement: Agreement, ballots: tuple[Ballot, ...]) -> CaseState | None:
    """Adopted, disputed, or None while the outcome is still open."""
    guarantors = {g.member_id for g in agreement.guarantors}
    confirms = sum(1 for b in ballots if b.vote is Vote.CONFIRM)
    pending = len(guarantors - {b.member for b in ballots})
    if agreement.sign_off is SignOffRule.UNANIMOUS:
        if confirms < len(ballots):
            return CaseState.DISPUTED  # one guarantor not confirming settles it
        return CaseState.ADOPTED if pending == 0 else None
    quorum = agreement.quorum or len(guarantors)
    if confirms >= quorum:
        return CaseState.ADOPTED
    return CaseState.DISPUTED if confirms + pending < quorum else None


def publish(case: Case, who: Principal, now: datetime) -> tuple[Case, CaseEvent]:
    _check(case, Action.PUBLISH, who)
    before = case.state
    case = case.evolve(state=CaseState.PUBLISHED)
    return case, _event(case, before, Action.PUBLISH, who, now, outcome=before.value)


def close(case: Case, who: Principal, now: datetime, reason: str) -> tuple[Case, CaseEvent]:
    _check(case, Action.CLOSE, who)
    if not reason.strip():
        raise ValidationFailed("closing a case gives the reason", field="reason")
    before = case.state
    case = case.evolve(state=CaseState.CLOSED)
    return case, _event(case, before, Action.CLOSE, who, now, reason=reason)


def reopen(case: Case, who: Principal, now: datetime, evidence: Evidence) -> tuple[Case, CaseEvent]:
    """New evidence: a new round. Earlier replies and votes stay in the timeline."""
    _check(case, Action.REOPEN, who)
    return _reopened(case, Action.REOPEN, who, now, evidence)


def _reopened(
    case: Case, action: Action, who: Principal, now: datetime, evidence: Evidence, **more: Any
) -> tuple[Case, CaseEvent]:
    before = case.state
    case = case.evolve(
        state=CaseState.REOPENED, round=case.round + 1, replies=(), ballots=(), escalations=0
    )
    return case, _event(
        case, before, action, who, now, **evidence.details(), round=case.round, **more
    )


def request_reopen(
    case: Case, agreement: Agreement, who: Principal, now: datetime, evidence: Evidence
) -> tuple[Case, CaseEvent]:
    """A party asks to reopen the case on new evidence. The case, its ballots and its state
    stay as they are until an analyst decides. One request waits at a time, and a case takes
    at most the agreement's number of them."""
    _check(case, Action.REQUEST_REOPEN, who)
    if who.role is Role.LIAISON and agreement.side_of(who.member) is None:
        raise Forbidden(f"{who} may not ask to reopen case {case.id}: {who.member} is no party")
    waiting = case.pending_request
    if waiting is not None:
        raise _refuse(
            case,
            Action.REQUEST_REOPEN,
            who,
            f"request {waiting.number} of {waiting.member} still awaits an analyst's decision",
        )
    limit = agreement.reopen_requests_per_case
    if len(case.reopen_requests) >= limit:
        raise _refuse(
            case,
            Action.REQUEST_REOPEN,
            who,
            f"the case has had {len(case.reopen_requests)} request(s) to reopen, the most "
            f"{agreement.id} allows per case ({limit})",
        )
    request = ReopenRequest(
        number=len(case.reopen_requests) + 1,
        member=who.member,
        user=who.user,
        at=now,
        round=case.round,
        evidence=evidence,
    )
    case = case.evolve(reopen_requests=(*case.reopen_requests, request))
    return case, _event(
        case,
        case.state,
        Action.REQUEST_REOPEN,
        who,
        now,
        request=request.number,
        **evidence.details(),
    )


def _decided(
    case: Case, action: Action, who: Principal, now: datetime, number: int, reason: str
) -> tuple[Case, ReopenRequest]:
    """The case with request `number` decided (accepted or declined, with the reasons)."""
    _check(case, action, who)
    request = next((r for r in case.reopen_requests if r.number == number), None)
    if request is None:
        raise _refuse(case, action, who, f"it has no request {number} to reopen")
    if request.status is not RequestStatus.PENDING:
        raise _refuse(case, action, who, f"request {number} was {request.status.value} already")
    if not reason.strip():
        raise ValidationFailed("deciding a request to reopen gives the reasons", field="reason")
    status = RequestStatus.ACCEPTED if action is Action.ACCEPT_REOPEN else RequestStatus.DECLINED
    decided = request.evolve(
        status=status, decided_by=who.user, decided_member=who.member, decided_at=now, reason=reason
    )
    requests = tuple(decided if r.number == number else r for r in case.reopen_requests)
    return case.evolve(reopen_requests=requests), decided


def accept_reopen(
    case: Case, who: Principal, now: datetime, number: int, reason: str
) -> tuple[Case, CaseEvent]:
    """An analyst accepts a party's request: the case reopens on the request's evidence."""
    case, request = _decided(case, Action.ACCEPT_REOPEN, who, now, number, reason)
    return _reopened(
        case,
        Action.ACCEPT_REOPEN,
        who,
        now,
        request.evidence,
        request=number,
        requested_by=request.member,
        reason=reason,
    )


def decline_reopen(
    case: Case, who: Principal, now: datetime, number: int, reason: str
) -> tuple[Case, CaseEvent]:
    """An analyst declines a party's request, with reasons; the case stays as it is."""
    case, request = _decided(case, Action.DECLINE_REOPEN, who, now, number, reason)
    return case, _event(
        case,
        case.state,
        Action.DECLINE_REOPEN,
        who,
        now,
        request=number,
        requested_by=request.member,
        reason=reason,
    )
