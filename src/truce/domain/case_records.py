"""The records of the case workflow: its states and actions, replies, ballots, the case itself
and the events of its timeline. The workflow that moves a case between states is `cases`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import pydantic

from truce.domain.access import Role
from truce.domain.base import Record
from truce.domain.canonical import content_id
from truce.domain.incidents import FindingCategory


class CaseState(StrEnum):
    """The incident lifecycle of MECHANISM.md, as case states."""

    AWAITING_REPLY = "awaiting_reply"
    UNDER_VERIFICATION = "under_verification"
    ACCESS_DENIED = "access_denied"
    JOINT_REVIEW = "joint_review"
    ADOPTED = "adopted"
    DISPUTED = "disputed"
    PUBLISHED = "published"
    CLOSED = "closed"
    REOPENED = "reopened"


class Action(StrEnum):
    OPEN = "open"
    REQUEST_CLARIFICATION = "request_clarification"
    REPLY = "reply"
    ESCALATE = "escalate"
    ACCESS_DENIED = "access_denied"
    PROPOSE_FINDING = "propose_finding"
    REVIEW = "review"
    PUBLISH = "publish"
    CLOSE = "close"
    REOPEN = "reopen"
    # A party's reopening is a request, which an analyst accepts (the case reopens) or declines.
    REQUEST_REOPEN = "request_reopen"
    ACCEPT_REOPEN = "accept_reopen"
    DECLINE_REOPEN = "decline_reopen"


class ReplyKind(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    DISPUTED = "disputed"  # with a counter-claim
    ACTION_TAKEN = "action_taken"
    INFORMATION_REQUESTED = "information_requested"


class Vote(StrEnum):
    CONFIRM = "confirm"
    CANNOT_CONFIRM = "cannot_confirm"
    DISSENT = "dissent"


class Reply(Record):
    member: str
    user: str
    kind: ReplyKind
    text: str = pydantic.Field(min_length=1)
    counter_claim: str | None = None
    at: pydantic.AwareDatetime


class Ballot(Record):
    member: str
    user: str
    vote: Vote
    reason: str | None = None
    at: pydantic.AwareDatetime


class Evidence(Record):
    """The new evidence a reopening rests on: a document or a report already in the store (or
    both), and a statement of what it shows. Attached by reference, so the evidence itself
    stays under the store's access rules."""

    statement: str = pydantic.Field(max_length=5000)
    document_id: str | None = pydantic.Field(default=None, max_length=64)
    report_id: str | None = pydantic.Field(default=None, max_length=200)

    @pydantic.model_validator(mode="after")
    def _check(self) -> Evidence:
        if not self.statement.strip():
            raise ValueError("statement: new evidence says what it shows")
        if not (self.document_id or self.report_id):
            raise ValueError(
                "document_id: new evidence names a document or a report already in the store"
            )
        return self

    def details(self) -> dict[str, Any]:
        """What a case event records of it (the statement under the key `evidence`)."""
        return {
            "evidence": self.statement,
            "document": self.document_id,
            "report": self.report_id,
        }


class RequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ReopenRequest(Record):
    """A party's request to reopen a case, numbered within the case, and its decision."""

    number: int = pydantic.Field(ge=1)
    member: str
    user: str
    at: pydantic.AwareDatetime
    round: int = pydantic.Field(ge=1)  # the round the request asks to end
    evidence: Evidence
    status: RequestStatus = RequestStatus.PENDING
    decided_by: str | None = None
    decided_member: str | None = None
    decided_at: pydantic.AwareDatetime | None = None
    reason: str | None = None


class Case(Record):
    """The workflow object for a finding put to the guarantors."""

    id: str = pydantic.Field(min_length=1)
    incident_id: str
    agreement_id: str
    state: CaseState
    category: FindingCategory
    accused_side: str | None = None
    clauses: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    answerable: tuple[str, ...] = ()  # guarantor member IDs that must reply
    informed: tuple[str, ...] = ()  # the other guarantors
    opened_at: pydantic.AwareDatetime
    reply_due: pydantic.AwareDatetime | None = None
    replies: tuple[Reply, ...] = ()
    ballots: tuple[Ballot, ...] = ()
    escalations: int = 0
    round: int = 1  # one more each time the case is reopened; replies and ballots are per round
    question: str | None = None
    # Every request to reopen, across rounds: the agreement limits how many a case may have.
    reopen_requests: tuple[ReopenRequest, ...] = ()

    @property
    def pending_request(self) -> ReopenRequest | None:
        return next((r for r in self.reopen_requests if r.status is RequestStatus.PENDING), None)

    @property
    def overdue_members(self) -> tuple[str, ...]:
        replied = {r.member for r in self.replies}
        return tuple(m for m in self.answerable if m not in replied)

    def overdue(self, now: datetime) -> bool:
        return (
            self.state is CaseState.AWAITING_REPLY
            and self.reply_due is not None
            and now > self.reply_due
            and bool(self.overdue_members)
        )


class ActSignature(Record):
    """A member's own signature of its reply or vote, made on the member's machine
    (`truce.ledger.acts`): the ID of the member's registered key, the hex Ed25519 signature,
    the round it was made for, and the salt of the commitments to its texts (kept here, with
    the texts, under the case's access rules; never in the ledger)."""

    key: str = pydantic.Field(pattern=r"^[0-9a-f]{16}$")
    signature: str = pydantic.Field(pattern=r"^[0-9a-f]{128}$")
    round: int = pydantic.Field(ge=1)
    salt: str | None = pydantic.Field(default=None, pattern=r"^[0-9a-f]{32,128}$")


# How an act's ledger entry was signed, in the same words on every page, API and export
# (`truce.ledger.attestation.signed_as` reads them off an entry):
MEMBER_SIGNED = "member-signed"  # the member's own key, on its own machine, and it verifies
OPERATOR_ATTESTED = "operator-attested"  # the log operator, for the member (browser, `--as`)
# Entries from before issue 12: signed with the member's key while the server held it, so
# they prove no more than an operator-attested one (the server could have signed anything).
SERVER_HELD_KEY = "server-held-key"
ATTESTATIONS = (MEMBER_SIGNED, OPERATOR_ATTESTED, SERVER_HELD_KEY)


class CaseEvent(Record):
    """One step of a case's timeline (and, in the store, of the ledger). A step with a
    `signature` was signed by its member; any other was done on the server (the browser, a
    local `--as`) and its entry signed by the operator for the member."""

    case_id: str
    action: Action
    user: str
    member: str
    role: Role
    before: CaseState | None
    after: CaseState
    at: pydantic.AwareDatetime
    details: dict[str, Any] = pydantic.Field(default_factory=dict)
    signature: ActSignature | None = None

    @property
    def attestation(self) -> str:
        """ "member-signed" or "operator-attested": how the step's act was signed."""
        return MEMBER_SIGNED if self.signature is not None else OPERATOR_ATTESTED


def case_id(incident_id: str, agreement_id: str) -> str:
    return content_id("case", {"incident": incident_id, "agreement": agreement_id}, length=20)
