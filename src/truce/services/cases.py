"""Case use cases: open cases from findings (routing), reply, review, escalate, publish,
close, reopen. Each checks the acting principal, applies the workflow step, stores the
case and its event, and writes the ledger entry, all in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from truce.domain import cases as wf
from truce.domain.access import Principal, UseCase, authorize
from truce.domain.canonical import canonical_json
from truce.domain.cases import Case, CaseEvent, CaseState
from truce.domain.errors import Conflict, NotFound
from truce.ledger.entries import Act
from truce.store.uow import UnitOfWork


def _save(uow: UnitOfWork, case: Case, event: CaseEvent, *, commit: bool = True) -> Case:
    uow.cases.put(case, event)
    details: dict[str, Any] = {
        "from": event.before.value if event.before else None,
        "to": event.after.value,
        **event.details,
    }
    uow.record(
        Act(
            f"case.{event.action.value}",
            event.member,
            event.user,
            objects=(case.id, case.incident_id),
            hashes={"case": hashlib.sha256(canonical_json(case.to_plain())).hexdigest()},
            details=details,
        ),
        event.at,
    )
    if commit:
        uow.commit()
    return case


def open_cases(*, uow: UnitOfWork, who: Principal, agreement_id: str, now: datetime) -> list[Case]:
    """A case for every current finding that goes to the guarantors and has none yet."""
    authorize(who, UseCase.OPEN_CASE)
    agreement = uow.agreements.get(agreement_id)
    opened = []
    for finding in uow.findings.all_current(agreement_id):
        if finding.category not in wf.ROUTED or not finding.responsible_side:
            continue
        if uow.cases.find(wf.case_id(finding.incident_id, agreement_id)) is not None:
            continue
        case, event = wf.open_case(finding, agreement, who, now)
        opened.append(_save(uow, case, event, commit=False))
    uow.commit()
    return opened


def open_case(
    *, uow: UnitOfWork, who: Principal, incident_id: str, agreement_id: str, now: datetime
) -> Case:
    authorize(who, UseCase.OPEN_CASE)
    incident_id = uow.incidents.resolve(incident_id)
    finding = uow.findings.current(incident_id, agreement_id)
    if finding is None:
        raise NotFound(
            f"incident {incident_id} has no finding under {agreement_id}: run `truce assess` first"
        )
    if uow.cases.find(wf.case_id(incident_id, agreement_id)) is not None:
        raise Conflict(f"incident {incident_id} already has a case under {agreement_id}")
    case, event = wf.open_case(finding, uow.agreements.get(agreement_id), who, now)
    return _save(uow, case, event)


def _step(
    uow: UnitOfWork,
    who: Principal,
    action: wf.Action,
    case_id: str,
    apply: Callable[[Case], tuple[Case, CaseEvent]],
) -> Case:
    authorize(who, wf.USE_CASE[action])  # before any look-up: a refusal reveals nothing
    # The case row first, the ledger's head after (in `_save`): one lock order for every step.
    case, event = apply(uow.cases.lock(case_id))
    return _save(uow, case, event)


def reply(
    *,
    uow: UnitOfWork,
    who: Principal,
    case_id: str,
    kind: wf.ReplyKind,
    text: str,
    now: datetime,
    counter_claim: str | None = None,
) -> Case:
    return _step(
        uow,
        who,
        wf.Action.REPLY,
        case_id,
        lambda c: wf.reply(c, who, now, kind, text, counter_claim),
    )


def request_clarification(
    *, uow: UnitOfWork, who: Principal, case_id: str, question: str, now: datetime
) -> Case:
    return _step(
        uow,
        who,
        wf.Action.REQUEST_CLARIFICATION,
        case_id,
        lambda c: wf.request_clarification(
            c, uow.agreements.get(c.agreement_id), who, now, question
        ),
    )


def review(
    *,
    uow: UnitOfWork,
    who: Principal,
    case_id: str,
    vote: wf.Vote,
    now: datetime,
    reason: str | None = None,
) -> Case:
    return _step(
        uow,
        who,
        wf.Action.REVIEW,
        case_id,
        lambda c: wf.review(c, uow.agreements.get(c.agreement_id), who, now, vote, reason),
    )


def propose_finding(*, uow: UnitOfWork, who: Principal, case_id: str, now: datetime) -> Case:
    def apply(case: Case) -> tuple[Case, CaseEvent]:
        finding = uow.findings.current(case.incident_id, case.agreement_id)
        if finding is None:
            raise Conflict(f"incident {case.incident_id} has no current finding to propose")
        return wf.propose_finding(case, who, now, finding, uow.agreements.get(case.agreement_id))

    return _step(uow, who, wf.Action.PROPOSE_FINDING, case_id, apply)


def record_access_denied(
    *, uow: UnitOfWork, who: Principal, case_id: str, where: str, now: datetime
) -> Case:
    return _step(
        uow,
        who,
        wf.Action.ACCESS_DENIED,
        case_id,
        lambda c: wf.record_access_denied(c, who, now, where),
    )


def publish(*, uow: UnitOfWork, who: Principal, case_id: str, now: datetime) -> Case:
    return _step(uow, who, wf.Action.PUBLISH, case_id, lambda c: wf.publish(c, who, now))


def close(*, uow: UnitOfWork, who: Principal, case_id: str, reason: str, now: datetime) -> Case:
    return _step(uow, who, wf.Action.CLOSE, case_id, lambda c: wf.close(c, who, now, reason))


def reopen(*, uow: UnitOfWork, who: Principal, case_id: str, evidence: str, now: datetime) -> Case:
    return _step(uow, who, wf.Action.REOPEN, case_id, lambda c: wf.reopen(c, who, now, evidence))


def escalate_overdue(*, uow: UnitOfWork, who: Principal, now: datetime) -> list[Case]:
    """Escalate every case whose reply is overdue at `now` (the clock is the caller's)."""
    authorize(who, UseCase.ESCALATE)
    escalated = []
    for case in uow.cases.all(state=CaseState.AWAITING_REPLY.value):
        if case.overdue(now):
            case, event = wf.escalate(case, who, now)
            escalated.append(_save(uow, case, event, commit=False))
    uow.commit()
    return escalated


def inbox(*, uow: UnitOfWork, who: Principal, now: datetime) -> list[Case]:
    """The cases awaiting this member's reply or vote: overdue first, then by deadline."""
    authorize(who, UseCase.VIEW)
    mine = []
    states = (CaseState.AWAITING_REPLY.value, CaseState.JOINT_REVIEW.value)
    for case in uow.cases.all(states=states):
        waiting = case.state is CaseState.AWAITING_REPLY and who.member in case.overdue_members
        voting = (
            case.state is CaseState.JOINT_REVIEW
            and who.member not in {b.member for b in case.ballots}
            and (who.member in (*case.answerable, *case.informed))
        )
        if waiting or voting:
            mine.append(case)
    return sorted(mine, key=lambda c: (not c.overdue(now), c.reply_due or now, c.id))


def cases(*, uow: UnitOfWork, who: Principal, state: str | None = None) -> list[Case]:
    authorize(who, UseCase.VIEW)
    return uow.cases.all(state=state)


def timeline(*, uow: UnitOfWork, who: Principal, case_id: str) -> tuple[Case, list[CaseEvent]]:
    authorize(who, UseCase.VIEW)
    return uow.cases.get(case_id), uow.cases.events(case_id)
