"""The access policy: which role may carry out which use case, and how a refusal reads."""

from __future__ import annotations

import dataclasses

import pytest

from truce.domain.access import (
    OPERATIONS_CENTRE,
    POLICY,
    Principal,
    Role,
    UseCase,
    allowed,
    authorize,
)
from truce.domain.errors import Forbidden

MEMBER_OF = {
    Role.ADMINISTRATOR: "un",
    Role.ANALYST: "un",
    Role.GUARANTOR: "russia",
    Role.LIAISON: "syria-gov",
    Role.OBSERVER: "usa",
    Role.PUBLIC: "public",
}


def principal(role: Role) -> Principal:
    return Principal(user=f"user-{role.value}", member=MEMBER_OF[role], role=role)


# The policy, written out by hand: a change to POLICY must change this table.
# Columns: administrator, analyst, guarantor_rep, party_liaison, observer, public.
COLUMNS = (
    Role.ADMINISTRATOR,
    Role.ANALYST,
    Role.GUARANTOR,
    Role.LIAISON,
    Role.OBSERVER,
    Role.PUBLIC,
)
EXPECTED = {
    #                              adm ana gua lia obs pub
    UseCase.SUBMIT_REPORT: "X   X   X   X   .   .",
    UseCase.IMPORT_DATA: "X   X   .   .   .   .",
    UseCase.VIEW: "X   X   X   X   X   X",
    UseCase.VIEW_PROTECTED: ".   X   .   .   .   .",
    UseCase.REVIEW_REPORT: ".   X   .   .   .   .",
    UseCase.FUSE: ".   X   .   .   .   .",
    UseCase.ASSESS: ".   X   .   .   .   .",
    UseCase.OPEN_CASE: ".   X   .   .   .   .",
    UseCase.REQUEST_CLARIFICATION: ".   X   .   .   .   .",
    UseCase.REPLY: ".   .   X   .   .   .",
    UseCase.PROPOSE_FINDING: ".   X   .   .   .   .",
    UseCase.REVIEW_CASE: ".   .   X   .   .   .",
    UseCase.RECORD_ACCESS_DENIED: ".   X   .   .   .   .",
    UseCase.CLOSE_CASE: ".   X   .   .   .   .",
    UseCase.PUBLISH: "X   .   .   .   .   .",
    UseCase.REOPEN: ".   X   X   X   .   .",
    UseCase.REOPEN_DIRECTLY: ".   X   X   .   .   .",
    UseCase.DECIDE_REOPENING: ".   X   .   .   .   .",
    UseCase.ESCALATE: "X   X   .   .   .   .",
    UseCase.MANAGE_MEMBERS: "X   .   .   .   .   .",
    UseCase.CHECKPOINT: "X   .   X   .   .   .",
    UseCase.WITNESS: ".   .   X   .   .   .",
    UseCase.READ_LEDGER: "X   X   X   X   X   .",
}


def expected(use_case: UseCase, role: Role) -> bool:
    marks = EXPECTED[use_case].split()
    assert len(marks) == len(COLUMNS) and set(marks) <= {"X", "."}
    return marks[COLUMNS.index(role)] == "X"


def test_the_expected_table_covers_every_use_case_and_role() -> None:
    assert set(EXPECTED) == set(UseCase)
    assert set(COLUMNS) == set(Role) and len(COLUMNS) == len(Role)


def test_policy_has_one_nonempty_row_per_use_case() -> None:
    assert set(POLICY) == set(UseCase)
    for use_case, roles in POLICY.items():
        assert roles, use_case
        assert roles <= set(Role)


def test_policy_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        POLICY[UseCase.VIEW] = frozenset()  # type: ignore[index]


@pytest.mark.parametrize("use_case", list(UseCase))
@pytest.mark.parametrize("role", list(Role))
def test_policy_matrix(use_case: UseCase, role: Role) -> None:
    who = principal(role)
    assert allowed(who, use_case) is expected(use_case, role)
    if expected(use_case, role):
        authorize(who, use_case)  # no error
    else:
        with pytest.raises(Forbidden):
            authorize(who, use_case)


@pytest.mark.parametrize("use_case", list(UseCase))
def test_the_public_may_only_view(use_case: UseCase) -> None:
    assert allowed(principal(Role.PUBLIC), use_case) is (use_case is UseCase.VIEW)


@pytest.mark.parametrize("role", list(Role))
def test_only_analysts_see_protected_sources(role: Role) -> None:
    assert allowed(principal(role), UseCase.VIEW_PROTECTED) is (role is Role.ANALYST)


def test_the_member_does_not_matter_to_the_policy_only_the_role() -> None:
    for member in ("un", "russia", "turkey", "syria-opp", "nobody"):
        who = Principal(user="u", member=member, role=Role.GUARANTOR)
        assert allowed(who, UseCase.REPLY)
        assert not allowed(who, UseCase.OPEN_CASE)


def test_refusal_names_the_user_role_member_use_case_and_allowed_roles() -> None:
    who = Principal(user="amira", member="turkey", role=Role.GUARANTOR)
    with pytest.raises(Forbidden) as refused:
        authorize(who, UseCase.PUBLISH)
    message = str(refused.value)
    assert message == (
        "amira (guarantor_rep of turkey) may not publish a case: that needs the role administrator"
    )


def test_refusal_lists_every_allowed_role_sorted() -> None:
    with pytest.raises(Forbidden) as refused:
        authorize(principal(Role.OBSERVER), UseCase.REOPEN)
    message = str(refused.value)
    assert UseCase.REOPEN.value in message
    assert message.endswith("analyst, guarantor_rep, party_liaison")
    assert "user-observer (observer of usa)" in message


@pytest.mark.parametrize("use_case", list(UseCase))
def test_every_refusal_names_the_use_case_and_the_roles_it_needs(use_case: UseCase) -> None:
    for role in set(Role) - POLICY[use_case]:
        who = principal(role)
        with pytest.raises(Forbidden) as refused:
            authorize(who, use_case)
        message = str(refused.value)
        assert str(who) in message
        assert use_case.value in message
        for needed in POLICY[use_case]:
            assert needed.value in message


def test_principal_reads_as_user_role_and_member_and_is_immutable() -> None:
    who = Principal(user="dmitri", member="russia", role=Role.GUARANTOR)
    assert str(who) == "dmitri (guarantor_rep of russia)"
    assert who == Principal("dmitri", "russia", Role.GUARANTOR)
    with pytest.raises(dataclasses.FrozenInstanceError):
        who.role = Role.ADMINISTRATOR  # type: ignore[misc]


def test_the_system_acts_as_the_operations_centres_analyst_for_the_un() -> None:
    ops = OPERATIONS_CENTRE
    assert (ops.user, ops.member, ops.role) == ("ops-centre", "un", Role.ANALYST)
    for use_case in (UseCase.IMPORT_DATA, UseCase.FUSE, UseCase.ASSESS, UseCase.ESCALATE):
        assert allowed(OPERATIONS_CENTRE, use_case)
    assert not allowed(OPERATIONS_CENTRE, UseCase.PUBLISH)
