"""Who may do what: roles, the acting principal, and the policy every use case checks.

The policy is data: one row per use case, listing the roles allowed. Member-specific rules
(a guarantor replies only for the sides it answers for) are guards in the case workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from truce.domain.errors import Forbidden


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    ANALYST = "analyst"
    GUARANTOR = "guarantor_rep"
    LIAISON = "party_liaison"
    OBSERVER = "observer"
    PUBLIC = "public"


@dataclass(frozen=True)
class Principal:
    """The user acting, the member it acts for, and its role."""

    user: str
    member: str
    role: Role

    def __str__(self) -> str:
        return f"{self.user} ({self.role.value} of {self.member})"


# The local operations-centre account: the one that runs `init`, `scenario load`, `demo`
# and imports on the server before any other user exists, and every CLI command given no
# `--as USER`. The UN chair runs that centre, so its key signs these acts. Services never
# fall back to it: the CLI chooses it, at the edge, and the ledger names it.
OPERATIONS_CENTRE = Principal(user="ops-centre", member="un", role=Role.ANALYST)


class UseCase(StrEnum):
    SUBMIT_REPORT = "submit a report"
    IMPORT_DATA = "import a data set"
    VIEW = "view incidents, reports and findings"
    VIEW_PROTECTED = "see protected sources and exact locations"
    REVIEW_REPORT = "review a report"
    FUSE = "fuse, merge or split incidents"
    ASSESS = "grade and assess incidents"
    OPEN_CASE = "open a case"
    REQUEST_CLARIFICATION = "request clarification"
    REPLY = "reply to a case"
    PROPOSE_FINDING = "propose a finding for joint review"
    REVIEW_CASE = "confirm, cannot confirm or dissent in joint review"
    RECORD_ACCESS_DENIED = "record denied access"
    CLOSE_CASE = "close a case"
    PUBLISH = "publish a case"
    REOPEN = "reopen a case, or ask the analysts to"
    REOPEN_DIRECTLY = "reopen a case without asking"
    DECIDE_REOPENING = "accept or decline a request to reopen a case"
    ESCALATE = "escalate overdue cases"
    MANAGE_MEMBERS = "manage users and keys"
    CHECKPOINT = "co-sign a ledger checkpoint"
    WITNESS = "cosign a checkpoint as its witness"
    READ_LEDGER = "export, prove and verify the ledger"


_R = Role
_MEMBERS = frozenset({_R.ADMINISTRATOR, _R.ANALYST, _R.GUARANTOR, _R.LIAISON})
POLICY: MappingProxyType[UseCase, frozenset[Role]] = MappingProxyType(
    {
        UseCase.SUBMIT_REPORT: _MEMBERS,
        UseCase.IMPORT_DATA: frozenset({_R.ADMINISTRATOR, _R.ANALYST}),
        UseCase.VIEW: frozenset(Role),
        UseCase.VIEW_PROTECTED: frozenset({_R.ANALYST}),
        UseCase.REVIEW_REPORT: frozenset({_R.ANALYST}),
        UseCase.FUSE: frozenset({_R.ANALYST}),
        UseCase.ASSESS: frozenset({_R.ANALYST}),
        UseCase.OPEN_CASE: frozenset({_R.ANALYST}),
        UseCase.REQUEST_CLARIFICATION: frozenset({_R.ANALYST}),
        UseCase.REPLY: frozenset({_R.GUARANTOR}),
        UseCase.PROPOSE_FINDING: frozenset({_R.ANALYST}),
        UseCase.REVIEW_CASE: frozenset({_R.GUARANTOR}),
        UseCase.RECORD_ACCESS_DENIED: frozenset({_R.ANALYST}),
        UseCase.CLOSE_CASE: frozenset({_R.ANALYST}),
        UseCase.PUBLISH: frozenset({_R.ADMINISTRATOR}),
        # A party's reopening is a request that an analyst decides: an accused side must not
        # be able to wipe a published finding's ballots again and again on its own.
        UseCase.REOPEN: frozenset({_R.ANALYST, _R.GUARANTOR, _R.LIAISON}),
        UseCase.REOPEN_DIRECTLY: frozenset({_R.ANALYST, _R.GUARANTOR}),
        UseCase.DECIDE_REOPENING: frozenset({_R.ANALYST}),
        UseCase.ESCALATE: frozenset({_R.ADMINISTRATOR, _R.ANALYST}),
        UseCase.MANAGE_MEMBERS: frozenset({_R.ADMINISTRATOR}),
        UseCase.CHECKPOINT: frozenset({_R.ADMINISTRATOR, _R.GUARANTOR}),
        UseCase.WITNESS: frozenset({_R.GUARANTOR}),  # and only for the witness's own member
        UseCase.READ_LEDGER: frozenset(Role) - {_R.PUBLIC},
    }
)


def allowed(principal: Principal, use_case: UseCase) -> bool:
    return principal.role in POLICY[use_case]


def authorize(principal: Principal, use_case: UseCase) -> None:
    """Raise Forbidden unless the principal's role may carry out the use case."""
    if not allowed(principal, use_case):
        roles = ", ".join(sorted(r.value for r in POLICY[use_case]))
        raise Forbidden(f"{principal} may not {use_case.value}: that needs the role {roles}")
