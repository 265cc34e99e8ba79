"""Case use cases: open cases from findings (routing), reply, review, escalate, publish,
close, reopen. Each checks the acting principal, applies the workflow step, stores the
case and its event, and writes the ledger entry, all in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from truce.domain import cases as wf
from truce.domain.access import Principal, UseCase, allowed, authorize
from truce.domain.agreements import Agreement, MemberSignatures
from truce.domain.canonical import canonical_json
from truce.domain.case_records import ActSignature
from truce.domain.case_replay import PREFIX
from truce.domain.case_visibility import Sight, as_seen, events_seen, sight
from truce.domain.cases import Case, CaseEvent, CaseState, Evidence, ReopenRequest
from truce.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from truce.ledger import acts, attestation
from truce.ledger.entries import Act, MemberSignature
from truce.store.uow import UnitOfWork


def _save(uow: UnitOfWork, case: Case, event: CaseEvent, *, commit: bool = True) -> Case:
    # Imported here so that this change stays within _save (issue 11, item 3).
    from truce.ledger.entries import committed
    from truce.services.commitments import text_ref

    uow.cases.put(case, event)
    details: dict[str, Any] = {
        "from": event.before.value if event.before else None,
        "to": event.after.value,
        # Replies, questions, reasons and evidence may name a witness: the ledger, which every
        # member downloads, holds salted commitments; the texts stay in the case's events.
        **committed(event.details, lambda text: text_ref(uow, text) or ""),
    }
    signed = event.signature
    if signed is not None:
        # The entry holds the act's body as its member signed it (commitments under the
        # member's salt), and the round: a verifier rebuilds the signed bytes from the entry.
        details |= {"round": signed.round, **_signed_body(event, signed)}
    uow.record(
        Act(
            f"case.{event.action.value}",
            event.member,
            event.user,
            objects=(case.id, case.incident_id),
            hashes={"case": hashlib.sha256(canonical_json(case.to_plain())).hexdigest()},
            details=details,
            member_signature=MemberSignature(signed.key, signed.signature) if signed else None,
        ),
        event.at,
    )
    if commit:
        uow.commit()
    return case


def _signed_body(event: CaseEvent, signed: ActSignature) -> dict[str, Any]:
    """The body of a reply or vote as its member signs it (`truce.ledger.acts`)."""
    return acts.body_of(
        f"case.{event.action.value}", event.details, bytes.fromhex(signed.salt or "")
    )


def _signed_by_member(
    uow: UnitOfWork,
    agreement: Agreement,
    before: Case,
    event: CaseEvent,
    signature: Signed | None,
) -> CaseEvent:
    """The step's event with its member's signature, checked against the member's registered
    public key; without one, the event as it is, unless the agreement requires it."""
    act = f"case.{event.action.value}"
    if signature is None:
        if agreement.member_signatures is MemberSignatures.REQUIRED:
            raise Forbidden(
                f"{agreement.id} sets member_signatures: required: a {act} must be signed with "
                f"{event.member}'s own key, on its own machine (`truce --server URL --token "
                f"TOKEN --key DIR cases {event.action.value} {before.id} ...`, or the API "
                "with `signature` and `key_id`)"
            )
        return event
    current = uow.keys.current(event.member)
    if current is None or current.key_id != signature.key_id:
        raise Forbidden(
            f"key {signature.key_id} is not the registered key of {event.member}"
            + (f" (that is {current.key_id})" if current else " (it has none)")
        )
    try:
        raw = acts.decode_signature(signature.signature)
        salt = acts.decode_salt(signature.salt)
        signed = ActSignature(
            key=current.key_id, signature=raw.hex(), round=before.round, salt=salt.hex() or None
        )
        body = _signed_body(event, signed)
        message = acts.message(act, before.id, before.round, event.member, event.user, body)
        acts.check(bytes.fromhex(current.public), message, raw)
    except acts.BadSignature as exc:
        field = str(exc).split(":", 1)[0]
        raise ValidationFailed(f"{act} of {event.member}: {exc}", field=field) from None
    return event.evolve(signature=signed)


class Signed(NamedTuple):
    """A member's detached signature of its act, as its client sent it (`truce.ledger.acts`):
    the signature in hex or base64, the ID of the key, and the salt (hex) of the commitments
    to the act's texts."""

    signature: str
    key_id: str
    salt: str | None = None


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
    signature: Signed | None = None,
) -> Case:
    def apply(before: Case) -> tuple[Case, CaseEvent]:
        case, event = wf.reply(before, who, now, kind, text, counter_claim)
        agreement = uow.agreements.get(before.agreement_id)
        return case, _signed_by_member(uow, agreement, before, event, signature)

    return _step(uow, who, wf.Action.REPLY, case_id, apply)


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
    signature: Signed | None = None,
) -> Case:
    def apply(before: Case) -> tuple[Case, CaseEvent]:
        agreement = uow.agreements.get(before.agreement_id)
        case, event = wf.review(before, agreement, who, now, vote, reason)
        return case, _signed_by_member(uow, agreement, before, event, signature)

    return _step(uow, who, wf.Action.REVIEW, case_id, apply)


class Signing(NamedTuple):
    """What a member's client signs an act on a case with (`truce.ledger.acts.message`), and
    whether the case's agreement requires it."""

    case: str
    round: int
    member: str
    user: str
    required: bool
    key: str | None  # the member's registered key ID


def signing(*, uow: UnitOfWork, who: Principal, case_id: str) -> Signing:
    # Those who reply also vote (the guarantors): one use case gates both.
    authorize(who, UseCase.REPLY)
    case = uow.cases.get(case_id)
    agreement = uow.agreements.get(case.agreement_id)
    if sight(case, agreement, who) is not Sight.WHOLE:
        raise Forbidden(f"{who} may not act on case {case_id}")
    current = uow.keys.current(who.member)
    required = agreement.member_signatures is MemberSignatures.REQUIRED
    key = current.key_id if current else None
    return Signing(case.id, case.round, who.member, who.user, required, key)


def signatures_required(*, uow: UnitOfWork, who: Principal, cases: Sequence[Case]) -> set[str]:
    """Which of these cases' agreements require their members to sign replies and votes."""
    authorize(who, UseCase.VIEW)
    rules = _Agreements(uow)
    return {
        c.id
        for c in cases
        if rules.get(c.agreement_id).member_signatures is MemberSignatures.REQUIRED
    }


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


class Reopening(NamedTuple):
    case: Case
    request: ReopenRequest | None  # the request filed, when the case was not reopened directly


def reopen(
    *,
    uow: UnitOfWork,
    who: Principal,
    case_id: str,
    evidence: Evidence,
    now: datetime,
    directly: bool = False,
) -> Reopening:
    """Reopen a case on new evidence, for those who may (analysts and guarantors); for a
    party's liaison, file a request to reopen that an analyst decides. With `directly`, a
    principal who may not reopen without asking is refused rather than filing a request."""
    authorize(who, UseCase.REOPEN_DIRECTLY if directly else UseCase.REOPEN)
    _check_evidence(uow, who, evidence)
    if allowed(who, UseCase.REOPEN_DIRECTLY):
        step = wf.Action.REOPEN
        case = _step(uow, who, step, case_id, lambda c: wf.reopen(c, who, now, evidence))
        return Reopening(case, None)
    case = _step(
        uow,
        who,
        wf.Action.REQUEST_REOPEN,
        case_id,
        lambda c: wf.request_reopen(c, uow.agreements.get(c.agreement_id), who, now, evidence),
    )
    return Reopening(case, case.reopen_requests[-1])


def _check_evidence(uow: UnitOfWork, who: Principal, evidence: Evidence) -> None:
    """The evidence is in the store. A document must be one the principal's member submitted,
    unless the principal may see protected sources: document IDs are content hashes, and the
    answer must not confirm that some other copy of a text was ever received."""
    if evidence.report_id:
        try:
            uow.reports.get(evidence.report_id)
        except NotFound:
            raise ValidationFailed(
                f"evidence: no report {evidence.report_id} in the store", field="report_id"
            ) from None
    if evidence.document_id and not _may_cite(uow, who, evidence.document_id):
        raise ValidationFailed(
            f"evidence: no document {evidence.document_id} submitted by {who.member} in the "
            "store (submit the new evidence first, then cite its document ID)",
            field="document_id",
        )


def _may_cite(uow: UnitOfWork, who: Principal, document_id: str) -> bool:
    try:
        uow.documents.get(document_id)
    except NotFound:
        return False
    if allowed(who, UseCase.VIEW_PROTECTED):
        return True
    members = {p.user: p.member for p, _ in uow.users.all()}
    return any(
        e.submitter == who.user or members.get(e.submitter or "") == who.member
        for e in uow.documents.intake_events(document_id)
    )


def accept_reopen(
    *, uow: UnitOfWork, who: Principal, case_id: str, number: int, reason: str, now: datetime
) -> Case:
    """An analyst accepts a party's request to reopen: the case reopens on its evidence."""
    return _step(
        uow,
        who,
        wf.Action.ACCEPT_REOPEN,
        case_id,
        lambda c: wf.accept_reopen(c, who, now, number, reason),
    )


def decline_reopen(
    *, uow: UnitOfWork, who: Principal, case_id: str, number: int, reason: str, now: datetime
) -> Case:
    """An analyst declines a party's request to reopen, with reasons."""
    return _step(
        uow,
        who,
        wf.Action.DECLINE_REOPEN,
        case_id,
        lambda c: wf.decline_reopen(c, who, now, number, reason),
    )


def pending_requests(*, uow: UnitOfWork, who: Principal) -> list[tuple[str, str, ReopenRequest]]:
    """Requests to reopen awaiting a decision, oldest first: (case ID, incident ID, request)."""
    authorize(who, UseCase.DECIDE_REOPENING)
    return uow.cases.pending_requests()


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
    rules = _Agreements(uow)
    for case in uow.cases.all(states=states):
        if sight(case, rules.get(case.agreement_id), who) is not Sight.WHOLE:
            continue
        waiting = case.state is CaseState.AWAITING_REPLY and who.member in case.overdue_members
        voting = (
            case.state is CaseState.JOINT_REVIEW
            and who.member not in {b.member for b in case.ballots}
            and (who.member in (*case.answerable, *case.informed))
        )
        if waiting or voting:
            mine.append(case)
    return sorted(mine, key=lambda c: (not c.overdue(now), c.reply_due or now, c.id))


class Seen(NamedTuple):
    """A case as the principal sees it (whole, or that it exists and its state: the
    agreement's `case_visibility`), with its timeline as seen where asked for."""

    case: Case
    whole: bool
    events: tuple[CaseEvent, ...] = ()
    # How each event's ledger entry was signed (`truce.ledger.attestation`), one per event.
    signed: tuple[str, ...] = ()


class _Agreements:
    """The agreements cases are about, each read once."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._read: dict[str, Agreement] = {}

    def get(self, agreement_id: str) -> Agreement:
        if agreement_id not in self._read:
            self._read[agreement_id] = self._uow.agreements.get(agreement_id)
        return self._read[agreement_id]


def seen(
    uow: UnitOfWork,
    who: Principal,
    case: Case,
    events: Sequence[CaseEvent] = (),
    agreements: _Agreements | None = None,
) -> Seen:
    """The case (and the events given) as `who` sees them. For the services that show cases;
    each has checked its own use case first."""
    agreement = (agreements or _Agreements(uow)).get(case.agreement_id)
    how = sight(case, agreement, who)
    shown = tuple(events_seen(events, how))
    labels = dict(zip(map(id, events), signed_steps(uow, case.id, events), strict=True))
    return Seen(as_seen(case, how), how is Sight.WHOLE, shown, tuple(labels[id(e)] for e in shown))


def signed_steps(uow: UnitOfWork, case_id: str, events: Sequence[CaseEvent]) -> list[str]:
    """How each event's entry in the ledger was signed: member-signed, operator-attested, or
    server-held-key (`truce.ledger.attestation`), read off the entry, not the event.

    Every step writes one `case.*` entry naming the case first, in the step's transaction, so
    the case's entries pair with its events in order (`truce check` holds to it). An event
    without its entry (not yet in the log, or a disagreement `truce check` reports) keeps what
    the event says: member-signed only when it carries the member's signature, which the
    store checked against the member's key when it was recorded."""
    if not events:
        return []
    logged = [
        e
        for e in uow.ledger.entries_for(case_id)
        if str(e.get("act", "")).startswith(PREFIX) and (e.get("objects") or [None])[0] == case_id
    ]
    keys = attestation.Keys(uow.keys.all())
    labels = []
    for number, event in enumerate(events):
        entry = logged[number] if number < len(logged) else None
        if entry is not None and entry.get("act") == f"{PREFIX}{event.action.value}":
            labels.append(attestation.signed_as(entry, keys))
        else:
            labels.append(event.attestation)
    return labels


def cases(*, uow: UnitOfWork, who: Principal, state: str | None = None) -> list[Seen]:
    authorize(who, UseCase.VIEW)
    rules = _Agreements(uow)
    return [seen(uow, who, case, agreements=rules) for case in uow.cases.all(state=state)]


def timeline(*, uow: UnitOfWork, who: Principal, case_id: str) -> Seen:
    authorize(who, UseCase.VIEW)
    return seen(uow, who, uow.cases.get(case_id), uow.cases.events(case_id))
