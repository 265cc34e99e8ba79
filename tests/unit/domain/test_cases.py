"""The case workflow: routing to the guarantors, guards on every step, deadlines and sign-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from truce import scenarios
from truce.domain.access import POLICY, Principal, Role, UseCase
from truce.domain.agreements import Agreement, SignOffRule
from truce.domain.cases import (
    FROM,
    ROUTED,
    USE_CASE,
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
    accept_reopen,
    case_id,
    close,
    decline_reopen,
    escalate,
    open_case,
    propose_finding,
    publish,
    record_access_denied,
    reopen,
    reply,
    request_clarification,
    request_reopen,
    review,
    sign_off,
)
from truce.domain.errors import Conflict, Forbidden, ValidationFailed
from truce.domain.incidents import AttributionGrade, Finding, FindingCategory, OccurrenceGrade

TRUCE = next(a for a in scenarios.load("astana-2016").agreements if a.id == "astana-2016")
QUORUM_2 = TRUCE.evolve(sign_off=SignOffRule.QUORUM, quorum=2)
GUARANTORS = ("russia", "iran", "turkey")

NOW = datetime(2017, 1, 9, 8, tzinfo=UTC)
DUE = NOW + timedelta(hours=72)
LATE = DUE + timedelta(hours=1)

ANALYST = Principal(user="ana", member="un", role=Role.ANALYST)
ADMIN = Principal(user="adam", member="un", role=Role.ADMINISTRATOR)
RUSSIA = Principal(user="dmitri", member="russia", role=Role.GUARANTOR)
IRAN = Principal(user="parisa", member="iran", role=Role.GUARANTOR)
TURKEY = Principal(user="ayse", member="turkey", role=Role.GUARANTOR)
REP = {"russia": RUSSIA, "iran": IRAN, "turkey": TURKEY}
GOV_LIAISON = Principal(user="samir", member="syria-gov", role=Role.LIAISON)
OPP_LIAISON = Principal(user="omar", member="syria-opp", role=Role.LIAISON)
VIDEO = Evidence(statement="new video of the strike", document_id="ab" * 32)


def evidence(statement: str) -> Evidence:
    return Evidence(statement=statement, report_id="rep-001")


# Someone of every role, each for a plausible member, to try every guard with.
BY_ROLE = {
    Role.ADMINISTRATOR: ADMIN,
    Role.ANALYST: ANALYST,
    Role.GUARANTOR: RUSSIA,
    Role.LIAISON: GOV_LIAISON,
    Role.OBSERVER: Principal(user="olivia", member="usa", role=Role.OBSERVER),
    Role.PUBLIC: Principal(user="anonymous", member="public", role=Role.PUBLIC),
}


def finding(
    side: str | None = "government",
    category: FindingCategory = FindingCategory.VIOLATION_SERIOUS,
    incident_id: str = "inc-001",
    agreement_id: str = "astana-2016",
    reasons: tuple[str, ...] = ("shelling of a truce-held town, three sources",),
) -> Finding:
    return Finding(
        incident_id=incident_id,
        agreement_id=agreement_id,
        category=category,
        clauses=("T1",),
        responsible_side=side,
        occurrence=OccurrenceGrade.CORROBORATED,
        attribution=AttributionGrade.LIKELY,
        reasons=reasons,
        assessed_at=NOW,
    )


def opened(side: str = "government", agreement: Agreement = TRUCE) -> Case:
    case, _ = open_case(finding(side), agreement, ANALYST, NOW)
    return case


def in_state(state: CaseState, side: str = "government") -> Case:
    return opened(side).evolve(state=state)


def replied(
    kinds: tuple[ReplyKind, ReplyKind] = (ReplyKind.ACKNOWLEDGED, ReplyKind.ACTION_TAKEN),
) -> Case:
    """A government-side case both answerable guarantors replied to (under verification)."""
    case = opened()
    for who, kind in zip((RUSSIA, IRAN), kinds, strict=True):
        case, _ = reply(case, who, NOW, kind, "we looked into it", counter_claim="not us")
    assert case.state is CaseState.UNDER_VERIFICATION
    return case


def in_review() -> Case:
    case, _ = propose_finding(replied(), ANALYST, NOW, finding())
    assert case.state is CaseState.JOINT_REVIEW
    return case


def ballot(member: str, vote: Vote) -> Ballot:
    reason = None if vote is Vote.CONFIRM else "the evidence does not show it"
    return Ballot(member=member, user=f"{member}-rep", vote=vote, reason=reason, at=NOW)


# --- routing ---------------------------------------------------------------------------------


def test_government_side_violation_goes_to_russia_and_iran_and_informs_turkey() -> None:
    case, event = open_case(finding("government"), TRUCE, ANALYST, NOW)
    assert case.answerable == ("russia", "iran")
    assert case.informed == ("turkey",)
    assert case.state is CaseState.AWAITING_REPLY
    assert case.accused_side == "government"
    assert case.opened_at == NOW
    assert case.reply_due == NOW + timedelta(hours=72) == DUE
    assert case.id == case_id("inc-001", "astana-2016")
    assert (case.incident_id, case.agreement_id) == ("inc-001", "astana-2016")
    assert (case.clauses, case.category) == (("T1",), FindingCategory.VIOLATION_SERIOUS)
    assert case.round == 1 and case.escalations == 0
    assert (case.replies, case.ballots) == ((), ())
    assert event.action is Action.OPEN
    assert (event.before, event.after) == (None, CaseState.AWAITING_REPLY)
    assert (event.user, event.member, event.role) == ("ana", "un", Role.ANALYST)
    assert event.at == NOW
    assert event.details == {
        "answerable": ["russia", "iran"],
        "informed": ["turkey"],
        "reply_due": DUE.isoformat(),
    }


def test_opposition_side_violation_goes_to_turkey_and_informs_russia_and_iran() -> None:
    case, event = open_case(finding("opposition"), TRUCE, ANALYST, NOW)
    assert case.answerable == ("turkey",)
    assert case.informed == ("russia", "iran")
    assert case.reply_due == DUE
    assert event.details["answerable"] == ["turkey"]


def test_reply_deadline_follows_the_agreement() -> None:
    quick = TRUCE.evolve(reply_deadline_hours=24)
    case, _ = open_case(finding(), quick, ANALYST, NOW)
    assert case.reply_due == NOW + timedelta(hours=24)


def test_case_id_is_stable_and_depends_on_incident_and_agreement() -> None:
    assert case_id("inc-001", "astana-2016") == case_id("inc-001", "astana-2016")
    assert case_id("inc-001", "astana-2016") != case_id("inc-002", "astana-2016")
    assert case_id("inc-001", "astana-2016") != case_id("inc-001", "deescalation-2017")


@pytest.mark.parametrize("category", sorted(ROUTED))
def test_violations_and_contested_exclusions_are_routed(category: FindingCategory) -> None:
    case, _ = open_case(finding(category=category), TRUCE, ANALYST, NOW)
    assert case.category is category
    assert case.state is CaseState.AWAITING_REPLY


@pytest.mark.parametrize("category", sorted(set(FindingCategory) - ROUTED))
def test_other_findings_are_not_put_to_the_guarantors(category: FindingCategory) -> None:
    with pytest.raises(ValidationFailed) as refused:
        open_case(finding(category=category), TRUCE, ANALYST, NOW)
    assert refused.value.field == "category"
    assert category.value in str(refused.value)


def test_not_a_violation_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        open_case(finding(category=FindingCategory.NOT_A_VIOLATION), TRUCE, ANALYST, NOW)
    assert refused.value.field == "category"


@pytest.mark.parametrize("side", [None, "", "kurdish-forces"])
def test_a_finding_nobody_answers_for_is_refused(side: str | None) -> None:
    with pytest.raises(ValidationFailed) as refused:
        open_case(finding(side), TRUCE, ANALYST, NOW)
    assert refused.value.field == "responsible_side"
    assert "astana-2016" in str(refused.value)


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.ANALYST}))
def test_only_analysts_open_cases(role: Role) -> None:
    who = BY_ROLE[role]
    with pytest.raises(Forbidden) as refused:
        open_case(finding(), TRUCE, who, NOW)
    message = str(refused.value)
    assert role.value in message and who.member in message and who.user in message
    assert UseCase.OPEN_CASE.value in message


def test_role_is_checked_before_the_finding() -> None:
    with pytest.raises(Forbidden):
        open_case(finding(category=FindingCategory.NOT_A_VIOLATION), TRUCE, RUSSIA, NOW)


# --- the action x state table ----------------------------------------------------------------

# Who may take each step, and what the step leads to from an allowed state.
ACTOR = {
    Action.REQUEST_CLARIFICATION: ANALYST,
    Action.REPLY: RUSSIA,
    Action.ESCALATE: ANALYST,
    Action.ACCESS_DENIED: ANALYST,
    Action.PROPOSE_FINDING: ANALYST,
    Action.REVIEW: RUSSIA,
    Action.PUBLISH: ADMIN,
    Action.CLOSE: ANALYST,
    Action.REOPEN: ANALYST,
    Action.REQUEST_REOPEN: GOV_LIAISON,
    Action.ACCEPT_REOPEN: ANALYST,
    Action.DECLINE_REOPEN: ANALYST,
}
LEADS_TO = {
    Action.REQUEST_CLARIFICATION: CaseState.AWAITING_REPLY,
    Action.REPLY: CaseState.AWAITING_REPLY,  # iran has still to reply
    Action.ESCALATE: CaseState.AWAITING_REPLY,
    Action.ACCESS_DENIED: CaseState.ACCESS_DENIED,
    Action.PROPOSE_FINDING: CaseState.JOINT_REVIEW,
    Action.REVIEW: CaseState.JOINT_REVIEW,  # unanimity still needs iran and turkey
    Action.PUBLISH: CaseState.PUBLISHED,
    Action.CLOSE: CaseState.CLOSED,
    Action.REOPEN: CaseState.REOPENED,
    Action.REQUEST_REOPEN: None,  # the state is kept
    Action.ACCEPT_REOPEN: CaseState.REOPENED,
    Action.DECLINE_REOPEN: None,
}
STEPS = [a for a in Action if a is not Action.OPEN]


def step(action: Action, case: Case, who: Principal) -> tuple[Case, CaseEvent]:
    """Take `action` on `case` with otherwise valid arguments (after the reply deadline)."""
    if action is Action.REQUEST_CLARIFICATION:
        return request_clarification(case, TRUCE, who, LATE, "which unit fired?")
    if action is Action.REPLY:
        return reply(case, who, LATE, ReplyKind.ACKNOWLEDGED, "received")
    if action is Action.ESCALATE:
        return escalate(case, who, LATE)
    if action is Action.ACCESS_DENIED:
        return record_access_denied(case, who, LATE, "checkpoint at al-Tamanah")
    if action is Action.PROPOSE_FINDING:
        return propose_finding(case, who, LATE, finding())
    if action is Action.REVIEW:
        return review(case, TRUCE, who, LATE, Vote.CONFIRM)
    if action is Action.PUBLISH:
        return publish(case, who, LATE)
    if action is Action.CLOSE:
        return close(case, who, LATE, "not a violation after all")
    if action is Action.REQUEST_REOPEN:
        return request_reopen(case, TRUCE, who, LATE, VIDEO)
    if action in (Action.ACCEPT_REOPEN, Action.DECLINE_REOPEN):
        # A pending request, as a liaison would have filed it from a reopenable state.
        asked = case.evolve(reopen_requests=(pending(1),))
        decide = accept_reopen if action is Action.ACCEPT_REOPEN else decline_reopen
        return decide(asked, who, LATE, 1, "the video is new and shows the launcher")
    assert action is Action.REOPEN
    return reopen(case, who, LATE, VIDEO)


def pending(number: int, who: Principal = GOV_LIAISON) -> ReopenRequest:
    return ReopenRequest(
        number=number, member=who.member, user=who.user, at=NOW, round=1, evidence=VIDEO
    )


def test_every_action_maps_to_a_use_case_and_every_step_has_its_states() -> None:
    assert set(USE_CASE) == set(Action)
    assert set(FROM) == set(STEPS)  # opening starts a case; it comes from no state
    assert set(ACTOR) == set(LEADS_TO) == set(STEPS)
    for action in STEPS:
        assert ACTOR[action].role in POLICY[USE_CASE[action]]


@pytest.mark.parametrize("state", list(CaseState))
@pytest.mark.parametrize("action", STEPS)
def test_action_state_table(action: Action, state: CaseState) -> None:
    case = in_state(state)
    who = ACTOR[action]
    if state in FROM[action]:
        after, event = step(action, case, who)
        assert (event.before, event.after) == (state, after.state)
        assert after.state is (LEADS_TO[action] or state)
        assert event.action is action
        assert (event.user, event.member, event.role) == (who.user, who.member, who.role)
        assert event.case_id == case.id
        assert event.at == LATE
    else:
        with pytest.raises(Conflict) as refused:
            step(action, case, who)
        message = str(refused.value)
        assert f"in state {state.value}" in message
        assert action.value.replace("_", " ") in message
        assert f"as {who.role.value} of {who.member}" in message
        assert case.id in message
        for possible in FROM[action]:
            assert possible.value in message


WRONG_ROLES = [
    (action, role) for action in Action for role in Role if role not in POLICY[USE_CASE[action]]
]


@pytest.mark.parametrize(("action", "role"), WRONG_ROLES)
def test_the_wrong_role_is_forbidden_in_any_state(action: Action, role: Role) -> None:
    who = BY_ROLE[role]
    use_case = USE_CASE[action]
    for state in CaseState:  # the role is checked first, whether or not the state allows the step
        with pytest.raises(Forbidden) as refused:
            if action is Action.OPEN:
                open_case(finding(), TRUCE, who, NOW)
            else:
                step(action, in_state(state), who)
        message = str(refused.value)
        assert f"{who.user} ({role.value} of {who.member})" in message
        assert use_case.value in message


@pytest.mark.parametrize(
    ("action", "state"),
    [
        (Action.REPLY, CaseState.JOINT_REVIEW),
        (Action.PUBLISH, CaseState.AWAITING_REPLY),
        (Action.REOPEN, CaseState.AWAITING_REPLY),
    ],
)
def test_impossible_transitions_read_clearly(action: Action, state: CaseState) -> None:
    case = in_state(state)
    with pytest.raises(Conflict) as refused:
        step(action, case, ACTOR[action])
    message = str(refused.value)
    verb = action.value.replace("_", " ")
    who = ACTOR[action]
    assert message.startswith(f"cannot {verb} case {case.id} in state {state.value}")
    assert f"as {who.role.value} of {who.member}: only possible in" in message


# --- replies ---------------------------------------------------------------------------------


def test_a_guarantor_not_answerable_may_not_reply() -> None:
    with pytest.raises(Forbidden) as refused:
        reply(opened("government"), TURKEY, NOW, ReplyKind.ACKNOWLEDGED, "noted")
    message = str(refused.value)
    assert "ayse (guarantor_rep of turkey)" in message
    assert "only russia, iran answer for the government side" in message


def test_the_government_sides_guarantors_may_not_reply_for_the_opposition() -> None:
    case = opened("opposition")
    for who in (RUSSIA, IRAN):
        with pytest.raises(Forbidden) as refused:
            reply(case, who, NOW, ReplyKind.ACKNOWLEDGED, "noted")
        assert "only turkey answer for the opposition side" in str(refused.value)
    after, _ = reply(case, TURKEY, NOW, ReplyKind.ACTION_TAKEN, "unit withdrawn")
    assert after.state is CaseState.UNDER_VERIFICATION


def test_a_guarantor_replies_once_per_round() -> None:
    case, _ = reply(opened(), RUSSIA, NOW, ReplyKind.ACKNOWLEDGED, "received")
    with pytest.raises(Conflict) as refused:
        reply(case, RUSSIA, NOW, ReplyKind.ACTION_TAKEN, "and handled")
    assert "russia has already replied in this round" in str(refused.value)
    other_user = Principal(user="sergei", member="russia", role=Role.GUARANTOR)
    with pytest.raises(Conflict):
        reply(case, other_user, NOW, ReplyKind.ACTION_TAKEN, "and handled")


@pytest.mark.parametrize("counter_claim", [None, "", "   "])
def test_a_disputed_reply_gives_the_counter_claim(counter_claim: str | None) -> None:
    with pytest.raises(ValidationFailed) as refused:
        reply(opened(), RUSSIA, NOW, ReplyKind.DISPUTED, "not us", counter_claim=counter_claim)
    assert refused.value.field == "counter_claim"


def test_a_reply_says_something() -> None:
    with pytest.raises(ValidationFailed) as refused:
        reply(opened(), RUSSIA, NOW, ReplyKind.ACKNOWLEDGED, "")
    assert refused.value.field == "text"


@pytest.mark.parametrize("kind", list(ReplyKind))
def test_every_reply_kind_counts_and_the_case_waits_for_every_answerable_member(
    kind: ReplyKind,
) -> None:
    claim = "the opposition shelled its own positions" if kind is ReplyKind.DISPUTED else None
    case, first = reply(opened(), RUSSIA, NOW, kind, "our answer", counter_claim=claim)
    assert case.state is CaseState.AWAITING_REPLY
    assert (first.before, first.after) == (CaseState.AWAITING_REPLY, CaseState.AWAITING_REPLY)
    assert case.replies == (
        Reply(
            member="russia",
            user="dmitri",
            kind=kind,
            text="our answer",
            counter_claim=claim,
            at=NOW,
        ),
    )
    assert case.overdue_members == ("iran",)
    assert first.details == {
        "kind": kind.value,
        "text": "our answer",
        "counter_claim": claim,
        "late": False,
    }

    case, second = reply(case, IRAN, NOW, kind, "ours too", counter_claim=claim)
    assert case.state is CaseState.UNDER_VERIFICATION
    assert (second.before, second.after) == (CaseState.AWAITING_REPLY, CaseState.UNDER_VERIFICATION)
    assert [r.member for r in case.replies] == ["russia", "iran"]
    assert case.overdue_members == ()


def test_reply_order_does_not_matter() -> None:
    case, _ = reply(opened(), IRAN, NOW, ReplyKind.ACKNOWLEDGED, "received")
    assert case.state is CaseState.AWAITING_REPLY
    case, _ = reply(case, RUSSIA, NOW, ReplyKind.ACKNOWLEDGED, "received")
    assert case.state is CaseState.UNDER_VERIFICATION


@pytest.mark.parametrize(
    ("at", "late"),
    [
        (NOW, False),
        (DUE, False),  # on the deadline is on time
        (DUE + timedelta(seconds=1), True),
        (DUE + timedelta(days=10), True),
    ],
)
def test_a_late_reply_is_accepted_and_marked_late(at: datetime, late: bool) -> None:
    case, event = reply(opened(), RUSSIA, at, ReplyKind.ACKNOWLEDGED, "received")
    assert event.details["late"] is late
    assert case.replies[0].at == at
    assert case.state is CaseState.AWAITING_REPLY


# --- escalation ------------------------------------------------------------------------------


@pytest.mark.parametrize("at", [NOW, NOW + timedelta(hours=71), DUE])
def test_no_escalation_before_the_deadline_has_passed(at: datetime) -> None:
    with pytest.raises(Conflict) as refused:
        escalate(opened(), ANALYST, at)
    assert "not overdue" in str(refused.value)
    assert "awaiting_reply" in str(refused.value)


def test_escalation_counts_keeps_the_state_and_names_who_is_overdue() -> None:
    case, event = escalate(opened(), ANALYST, LATE)
    assert case.escalations == 1
    assert case.state is CaseState.AWAITING_REPLY
    assert (event.before, event.after) == (CaseState.AWAITING_REPLY, CaseState.AWAITING_REPLY)
    assert event.details == {
        "overdue": ["russia", "iran"],
        "reply_due": DUE.isoformat(),
        "escalation": 1,
    }

    case, _ = reply(case, RUSSIA, LATE, ReplyKind.ACKNOWLEDGED, "late, sorry")
    case, event = escalate(case, ADMIN, LATE + timedelta(days=1))
    assert case.escalations == 2
    assert event.details["overdue"] == ["iran"]
    assert event.details["escalation"] == 2
    assert event.role is Role.ADMINISTRATOR


def test_a_case_everyone_replied_to_cannot_be_escalated() -> None:
    case = replied()
    with pytest.raises(Conflict):
        escalate(case, ANALYST, LATE)  # under verification now
    # Even if it were still awaiting a reply, nobody would be overdue.
    with pytest.raises(Conflict) as refused:
        escalate(case.evolve(state=CaseState.AWAITING_REPLY), ANALYST, LATE)
    assert "not overdue" in str(refused.value)


@pytest.mark.parametrize("role", [Role.GUARANTOR, Role.LIAISON, Role.OBSERVER, Role.PUBLIC])
def test_only_administrators_and_analysts_escalate(role: Role) -> None:
    with pytest.raises(Forbidden):
        escalate(opened(), BY_ROLE[role], LATE)


# --- proposing a finding ---------------------------------------------------------------------


def test_no_finding_is_proposed_while_replies_are_still_due() -> None:
    case, _ = reply(opened(), RUSSIA, NOW, ReplyKind.ACKNOWLEDGED, "received")
    with pytest.raises(Conflict) as refused:
        propose_finding(case, ANALYST, DUE, finding())
    message = str(refused.value)
    assert "still awaiting iran's reply" in message
    assert "awaiting_reply" in message and "propose finding" in message


def test_a_finding_is_proposed_once_all_replied() -> None:
    case, event = propose_finding(replied(), ANALYST, NOW, finding())
    assert case.state is CaseState.JOINT_REVIEW
    assert (event.before, event.after) == (CaseState.UNDER_VERIFICATION, CaseState.JOINT_REVIEW)


def test_a_finding_is_proposed_once_the_reply_is_overdue() -> None:
    case, event = propose_finding(opened(), ANALYST, LATE, finding())
    assert case.state is CaseState.JOINT_REVIEW
    assert event.before is CaseState.AWAITING_REPLY


def test_proposing_takes_the_new_finding_and_clears_the_ballots() -> None:
    stale = (ballot("russia", Vote.CONFIRM), ballot("iran", Vote.DISSENT))
    case = in_state(CaseState.ACCESS_DENIED).evolve(ballots=stale)
    revised = finding(
        category=FindingCategory.VIOLATION_MINOR, reasons=("shelling confirmed", "no casualties")
    )
    case, event = propose_finding(case, ANALYST, NOW, revised)
    assert case.ballots == ()
    assert case.category is FindingCategory.VIOLATION_MINOR
    assert case.reasons == ("shelling confirmed", "no casualties")
    assert case.accused_side == "government"
    assert event.details == {
        "category": "violation_minor",
        "responsible_side": "government",
        "reasons": ["shelling confirmed", "no casualties"],
    }


def test_a_finding_against_the_other_side_reroutes_the_case() -> None:
    with pytest.raises(Conflict, match="routed again"):
        propose_finding(replied(), ANALYST, NOW, finding("opposition"))  # without the agreement
    case, _ = propose_finding(replied(), ANALYST, NOW, finding("opposition"), TRUCE)
    assert case.accused_side == "opposition"
    case, _ = review(case, TRUCE, RUSSIA, NOW, Vote.DISSENT, "it was the opposition")
    case, _ = reopen(case, ANALYST, NOW, evidence("new footage"))
    case, _ = request_clarification(case, TRUCE, ANALYST, NOW, "which group fired?")
    case, _ = reply(case, TURKEY, NOW, ReplyKind.ACKNOWLEDGED, "we will ask them")
    assert case.answerable == ("turkey",)


@pytest.mark.parametrize(
    "other", [finding(incident_id="inc-999"), finding(agreement_id="deescalation-2017")]
)
def test_a_finding_about_another_incident_is_refused(other: Finding) -> None:
    with pytest.raises((ValidationFailed, Conflict)):
        propose_finding(replied(), ANALYST, NOW, other)


# --- joint review and sign-off ---------------------------------------------------------------


def test_unanimous_three_confirms_adopt() -> None:
    case = in_review()
    outcomes = []
    for member in GUARANTORS:
        case, event = review(case, TRUCE, REP[member], NOW, Vote.CONFIRM)
        outcomes.append((event.after, event.details["outcome"]))
    assert outcomes == [
        (CaseState.JOINT_REVIEW, None),
        (CaseState.JOINT_REVIEW, None),
        (CaseState.ADOPTED, "adopted"),
    ]
    assert case.state is CaseState.ADOPTED
    assert [b.member for b in case.ballots] == list(GUARANTORS)


@pytest.mark.parametrize("vote", [Vote.CANNOT_CONFIRM, Vote.DISSENT])
@pytest.mark.parametrize("position", [0, 1, 2])
def test_unanimous_any_non_confirm_disputes_at_once(vote: Vote, position: int) -> None:
    case = in_review()
    for member in GUARANTORS[:position]:
        case, _ = review(case, TRUCE, REP[member], NOW, Vote.CONFIRM)
    case, event = review(case, TRUCE, REP[GUARANTORS[position]], NOW, vote, "not shown")
    assert case.state is CaseState.DISPUTED
    assert event.details == {"vote": vote.value, "reason": "not shown", "outcome": "disputed"}
    if position < 2:  # the others can no longer vote: the case is settled
        with pytest.raises(Conflict):
            review(case, TRUCE, REP[GUARANTORS[2]], NOW, Vote.CONFIRM)


@pytest.mark.parametrize("vote", [Vote.CANNOT_CONFIRM, Vote.DISSENT])
@pytest.mark.parametrize("reason", [None, "", "  "])
def test_a_vote_against_gives_its_reasons(vote: Vote, reason: str | None) -> None:
    with pytest.raises(ValidationFailed) as refused:
        review(in_review(), TRUCE, RUSSIA, NOW, vote, reason)
    assert refused.value.field == "reason"
    assert vote.value in str(refused.value)


def test_a_confirmation_needs_no_reason() -> None:
    case, event = review(in_review(), TRUCE, RUSSIA, NOW, Vote.CONFIRM)
    assert case.ballots[0].reason is None
    assert event.details["reason"] is None


def test_a_party_liaison_does_not_vote() -> None:
    liaison = BY_ROLE[Role.LIAISON]
    with pytest.raises(Forbidden) as refused:
        review(in_review(), TRUCE, liaison, NOW, Vote.DISSENT, "we did not fire")
    message = str(refused.value)
    assert "samir (party_liaison of syria-gov)" in message
    assert UseCase.REVIEW_CASE.value in message


def test_only_the_agreements_guarantors_vote() -> None:
    outsider = Principal(user="john", member="us", role=Role.GUARANTOR)
    with pytest.raises(Forbidden) as refused:
        review(in_review(), TRUCE, outsider, NOW, Vote.CONFIRM)
    message = str(refused.value)
    assert "john (guarantor_rep of us)" in message
    assert "only the guarantors (russia, iran, turkey)" in message


def test_a_guarantor_votes_once_per_round() -> None:
    case, _ = review(in_review(), TRUCE, RUSSIA, NOW, Vote.CONFIRM)
    with pytest.raises(Conflict) as refused:
        review(case, TRUCE, RUSSIA, NOW, Vote.DISSENT, "changed our mind")
    assert "russia has already voted in this round" in str(refused.value)
    colleague = Principal(user="sergei", member="russia", role=Role.GUARANTOR)
    with pytest.raises(Conflict):
        review(case, TRUCE, colleague, NOW, Vote.CONFIRM)


def test_quorum_two_confirms_adopt_despite_a_dissent() -> None:
    case = in_review()
    case, event = review(case, QUORUM_2, TURKEY, NOW, Vote.DISSENT, "not shown")
    assert (case.state, event.details["outcome"]) == (CaseState.JOINT_REVIEW, None)
    case, event = review(case, QUORUM_2, RUSSIA, NOW, Vote.CONFIRM)
    assert (case.state, event.details["outcome"]) == (CaseState.JOINT_REVIEW, None)
    case, event = review(case, QUORUM_2, IRAN, NOW, Vote.CONFIRM)
    assert (case.state, event.details["outcome"]) == (CaseState.ADOPTED, "adopted")


def test_quorum_settles_as_soon_as_the_quorum_confirms() -> None:
    case = in_review()
    case, _ = review(case, QUORUM_2, RUSSIA, NOW, Vote.CONFIRM)
    case, _ = review(case, QUORUM_2, TURKEY, NOW, Vote.CONFIRM)
    assert case.state is CaseState.ADOPTED
    with pytest.raises(Conflict):
        review(case, QUORUM_2, IRAN, NOW, Vote.DISSENT, "too late to object")


def test_quorum_disputed_once_it_can_no_longer_be_reached() -> None:
    case = in_review()
    case, _ = review(case, QUORUM_2, RUSSIA, NOW, Vote.CANNOT_CONFIRM, "no access")
    assert case.state is CaseState.JOINT_REVIEW  # 0 confirms + 2 pending can still reach 2
    case, event = review(case, QUORUM_2, TURKEY, NOW, Vote.DISSENT, "not shown")
    assert case.state is CaseState.DISPUTED  # 0 confirms + 1 pending < 2
    assert event.details["outcome"] == "disputed"


@pytest.mark.parametrize(
    ("votes", "rule", "outcome"),
    [
        ({}, TRUCE, None),
        ({"russia": Vote.CONFIRM}, TRUCE, None),
        ({"russia": Vote.CONFIRM, "iran": Vote.CONFIRM}, TRUCE, None),
        (
            {"russia": Vote.CONFIRM, "iran": Vote.CONFIRM, "turkey": Vote.CONFIRM},
            TRUCE,
            CaseState.ADOPTED,
        ),
        ({"turkey": Vote.CANNOT_CONFIRM}, TRUCE, CaseState.DISPUTED),
        (
            {"russia": Vote.CONFIRM, "iran": Vote.CONFIRM, "turkey": Vote.DISSENT},
            TRUCE,
            CaseState.DISPUTED,
        ),
        ({}, QUORUM_2, None),
        ({"russia": Vote.CONFIRM}, QUORUM_2, None),
        ({"russia": Vote.DISSENT}, QUORUM_2, None),
        ({"russia": Vote.CONFIRM, "turkey": Vote.DISSENT}, QUORUM_2, None),
        ({"russia": Vote.CONFIRM, "iran": Vote.CONFIRM}, QUORUM_2, CaseState.ADOPTED),
        (
            {"russia": Vote.CONFIRM, "iran": Vote.CONFIRM, "turkey": Vote.DISSENT},
            QUORUM_2,
            CaseState.ADOPTED,
        ),
        ({"russia": Vote.DISSENT, "iran": Vote.CANNOT_CONFIRM}, QUORUM_2, CaseState.DISPUTED),
        (
            {"russia": Vote.CONFIRM, "iran": Vote.DISSENT, "turkey": Vote.DISSENT},
            QUORUM_2,
            CaseState.DISPUTED,
        ),
    ],
)
def test_sign_off_table(votes: dict[str, Vote], rule: Agreement, outcome: CaseState | None) -> None:
    ballots = tuple(ballot(member, vote) for member, vote in votes.items())
    assert sign_off(rule, ballots) is outcome


def expected_outcome(agreement: Agreement, votes: dict[str, Vote]) -> CaseState | None:
    """The sign-off rule, stated independently of the code under test."""
    confirms = sum(1 for v in votes.values() if v is Vote.CONFIRM)
    pending = len(GUARANTORS) - len(votes)
    if agreement.sign_off is SignOffRule.UNANIMOUS:
        if confirms < len(votes):
            return CaseState.DISPUTED
        return CaseState.ADOPTED if confirms == len(GUARANTORS) else None
    assert agreement.quorum is not None
    if confirms >= agreement.quorum:
        return CaseState.ADOPTED
    if confirms + pending < agreement.quorum:
        return CaseState.DISPUTED
    return None


RULES = st.sampled_from(
    [TRUCE] + [TRUCE.evolve(sign_off=SignOffRule.QUORUM, quorum=q) for q in (1, 2, 3)]
)
VOTE_SETS = st.permutations(GUARANTORS).flatmap(
    lambda order: st.integers(0, len(order)).flatmap(
        lambda n: st.lists(st.sampled_from(Vote), min_size=n, max_size=n).map(
            lambda votes: dict(zip(order[:n], votes, strict=True))
        )
    )
)


@given(agreement=RULES, votes=VOTE_SETS)
def test_sign_off_adopts_only_when_the_rule_is_met(
    agreement: Agreement, votes: dict[str, Vote]
) -> None:
    ballots = tuple(ballot(member, vote) for member, vote in votes.items())
    outcome = sign_off(agreement, ballots)
    assert outcome in (None, CaseState.ADOPTED, CaseState.DISPUTED)
    assert outcome is expected_outcome(agreement, votes)
    confirms = sum(1 for v in votes.values() if v is Vote.CONFIRM)
    if outcome is CaseState.ADOPTED:
        needed = (
            len(GUARANTORS) if agreement.sign_off is SignOffRule.UNANIMOUS else agreement.quorum
        )
        assert needed is not None and confirms >= needed
    if len(votes) == len(GUARANTORS):
        assert outcome is not None  # once everyone voted, the case is settled
    # The order of the ballots does not matter.
    assert sign_off(agreement, tuple(reversed(ballots))) is outcome


@given(
    agreement=RULES, votes=VOTE_SETS, more=st.lists(st.sampled_from(Vote), min_size=3, max_size=3)
)
def test_a_settled_outcome_is_never_overturned_by_later_votes(
    agreement: Agreement, votes: dict[str, Vote], more: list[Vote]
) -> None:
    outcome = sign_off(agreement, tuple(ballot(m, v) for m, v in votes.items()))
    rest = [m for m in GUARANTORS if m not in votes]
    everyone = {**votes, **dict(zip(rest, more, strict=False))}
    final = sign_off(agreement, tuple(ballot(m, v) for m, v in everyone.items()))
    assert final is not None
    if outcome is not None:
        assert final is outcome


@given(agreement=RULES, votes=VOTE_SETS)
def test_reviewing_vote_by_vote_follows_the_sign_off_rule(
    agreement: Agreement, votes: dict[str, Vote]
) -> None:
    case = in_review()
    cast: dict[str, Vote] = {}
    for member, vote in votes.items():
        if case.state is not CaseState.JOINT_REVIEW:
            with pytest.raises(Conflict):
                review(case, agreement, REP[member], NOW, vote, "reason")
            break
        case, event = review(case, agreement, REP[member], NOW, vote, "reason")
        cast[member] = vote
        expected = expected_outcome(agreement, cast)
        assert case.state is (expected or CaseState.JOINT_REVIEW)
        assert event.details["outcome"] == (expected.value if expected else None)
    assert [b.member for b in case.ballots] == list(cast)


# --- publishing, closing, reopening ----------------------------------------------------------


@pytest.mark.parametrize("state", [CaseState.ADOPTED, CaseState.DISPUTED])
def test_administrators_publish_adopted_and_disputed_cases(state: CaseState) -> None:
    case, event = publish(in_state(state), ADMIN, NOW)
    assert case.state is CaseState.PUBLISHED
    assert (event.before, event.after) == (state, CaseState.PUBLISHED)
    assert event.details == {"outcome": state.value}


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.ADMINISTRATOR}))
def test_only_administrators_publish(role: Role) -> None:
    with pytest.raises(Forbidden) as refused:
        publish(in_state(CaseState.ADOPTED), BY_ROLE[role], NOW)
    assert UseCase.PUBLISH.value in str(refused.value)
    assert "needs the role administrator" in str(refused.value)


@pytest.mark.parametrize("reason", ["", "   "])
def test_closing_gives_a_reason(reason: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        close(opened(), ANALYST, NOW, reason)
    assert refused.value.field == "reason"


def test_closing_records_the_reason() -> None:
    case, event = close(replied(), ANALYST, NOW, "the strike hit an excluded group")
    assert case.state is CaseState.CLOSED
    assert (event.before, event.after) == (CaseState.UNDER_VERIFICATION, CaseState.CLOSED)
    assert event.details == {"reason": "the strike hit an excluded group"}


def test_record_access_denied_keeps_where() -> None:
    case, event = record_access_denied(opened(), ANALYST, NOW, "road to Wadi Barada")
    assert case.state is CaseState.ACCESS_DENIED
    assert event.details == {"where": "road to Wadi Barada"}
    case, _ = propose_finding(case, ANALYST, NOW, finding())  # the analysts go on regardless
    assert case.state is CaseState.JOINT_REVIEW


@pytest.mark.parametrize("state", sorted(FROM[Action.REOPEN]))
def test_reopening_starts_a_new_round_and_keeps_the_evidence(state: CaseState) -> None:
    busy = replied().evolve(
        state=state,
        ballots=(ballot("russia", Vote.CONFIRM), ballot("iran", Vote.DISSENT)),
        escalations=2,
    )
    case, event = reopen(busy, ANALYST, LATE, evidence("satellite images of the crater"))
    assert case.state is CaseState.REOPENED
    assert case.round == 2
    assert (case.replies, case.ballots, case.escalations) == ((), (), 0)
    assert (case.id, case.answerable, case.reasons) == (busy.id, busy.answerable, busy.reasons)
    assert (event.before, event.after) == (state, CaseState.REOPENED)
    assert event.details == {
        "evidence": "satellite images of the crater",
        "document": None,
        "report": "rep-001",
        "round": 2,
    }

    case, event = reopen(case.evolve(state=state), ANALYST, LATE, evidence("more"))
    assert case.round == 3 and event.details["round"] == 3


@pytest.mark.parametrize("statement", ["", "   "])
def test_new_evidence_says_what_it_shows(statement: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        Evidence(statement=statement, document_id="ab" * 32)
    assert refused.value.field == "statement"


def test_new_evidence_names_a_document_or_a_report() -> None:
    with pytest.raises(ValidationFailed) as refused:
        Evidence(statement="a witness came forward")
    assert refused.value.field == "document_id"
    assert Evidence(statement="seen", document_id="ab" * 32).report_id is None
    assert Evidence(statement="seen", report_id="rep-1").document_id is None


@pytest.mark.parametrize("role", [Role.ANALYST, Role.GUARANTOR])
def test_analysts_and_guarantors_reopen_directly(role: Role) -> None:
    case, event = reopen(in_state(CaseState.CLOSED), BY_ROLE[role], NOW, VIDEO)
    assert case.state is CaseState.REOPENED
    assert event.role is role


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.LIAISON, Role.OBSERVER, Role.PUBLIC])
def test_no_one_else_reopens_directly(role: Role) -> None:
    with pytest.raises(Forbidden):
        reopen(in_state(CaseState.PUBLISHED), BY_ROLE[role], NOW, VIDEO)


# --- a party's request to reopen ---------------------------------------------------------------


def _voted_and_published() -> Case:
    case = in_review()
    for member in GUARANTORS:
        case, _ = review(case, TRUCE, REP[member], NOW, Vote.CONFIRM)
    case, _ = publish(case, ADMIN, NOW)
    assert case.state is CaseState.PUBLISHED and len(case.ballots) == 3
    return case


def test_a_liaisons_request_keeps_the_case_and_its_ballots() -> None:
    published = _voted_and_published()
    case, event = request_reopen(published, TRUCE, GOV_LIAISON, LATE, VIDEO)
    assert (case.state, case.ballots, case.round) == (
        CaseState.PUBLISHED,
        published.ballots,
        published.round,
    )
    (request,) = case.reopen_requests
    assert (request.number, request.member, request.user, request.status) == (
        1,
        "syria-gov",
        "samir",
        RequestStatus.PENDING,
    )
    assert request.evidence == VIDEO and request.round == 1
    assert case.pending_request == request
    assert event.action is Action.REQUEST_REOPEN
    assert (event.before, event.after) == (CaseState.PUBLISHED, CaseState.PUBLISHED)
    assert event.details == {
        "request": 1,
        "evidence": "new video of the strike",
        "document": "ab" * 32,
        "report": None,
    }


def test_an_analyst_accepts_a_request_and_the_case_reopens_on_its_evidence() -> None:
    case, _ = request_reopen(_voted_and_published(), TRUCE, GOV_LIAISON, LATE, VIDEO)
    case, event = accept_reopen(case, ANALYST, LATE, 1, "the video is new")
    assert case.state is CaseState.REOPENED and case.round == 2
    assert (case.ballots, case.replies) == ((), ())
    (request,) = case.reopen_requests
    assert (request.status, request.decided_by, request.decided_member, request.reason) == (
        RequestStatus.ACCEPTED,
        "ana",
        "un",
        "the video is new",
    )
    assert request.decided_at == LATE and case.pending_request is None
    assert (event.action, event.before, event.after) == (
        Action.ACCEPT_REOPEN,
        CaseState.PUBLISHED,
        CaseState.REOPENED,
    )
    assert event.details["request"] == 1 and event.details["requested_by"] == "syria-gov"
    assert event.details["evidence"] == VIDEO.statement and event.details["round"] == 2


def test_an_analyst_declines_a_request_with_reasons_and_nothing_else_changes() -> None:
    published = _voted_and_published()
    case, _ = request_reopen(published, TRUCE, GOV_LIAISON, LATE, VIDEO)
    for reason in ("", "  "):
        with pytest.raises(ValidationFailed) as refused:
            decline_reopen(case, ANALYST, LATE, 1, reason)
        assert refused.value.field == "reason"
    case, event = decline_reopen(case, ANALYST, LATE, 1, "the video was known at the time")
    assert (case.state, case.ballots, case.round) == (
        published.state,
        published.ballots,
        published.round,
    )
    assert case.reopen_requests[0].status is RequestStatus.DECLINED
    assert event.details["reason"] == "the video was known at the time"
    with pytest.raises(Conflict, match="request 1 was declined already"):
        accept_reopen(case, ANALYST, LATE, 1, "changed my mind")
    with pytest.raises(Conflict, match="no request 2"):
        decline_reopen(case, ANALYST, LATE, 2, "no such")


def test_one_request_waits_at_a_time_and_the_agreement_limits_them_per_case() -> None:
    case, _ = request_reopen(_voted_and_published(), TRUCE, GOV_LIAISON, LATE, VIDEO)
    with pytest.raises(Conflict, match="request 1 of syria-gov still awaits"):
        request_reopen(case, TRUCE, OPP_LIAISON, LATE, VIDEO)
    case, _ = decline_reopen(case, ANALYST, LATE, 1, "not new")
    case, _ = request_reopen(case, TRUCE, OPP_LIAISON, LATE, VIDEO)
    case, _ = decline_reopen(case, ANALYST, LATE, 2, "not new either")
    assert TRUCE.reopen_requests_per_case == 2
    with pytest.raises(Conflict) as refused:
        request_reopen(case, TRUCE, GOV_LIAISON, LATE, VIDEO)
    message = str(refused.value)
    assert "2 request(s) to reopen" in message and "astana-2016 allows per case (2)" in message
    # Another agreement's number applies; analysts and guarantors still reopen directly.
    case, _ = request_reopen(
        case, TRUCE.evolve(reopen_requests_per_case=3), GOV_LIAISON, LATE, VIDEO
    )
    assert len(case.reopen_requests) == 3
    reopened, _ = reopen(case, RUSSIA, LATE, VIDEO)
    assert reopened.state is CaseState.REOPENED


def test_no_request_at_all_when_the_agreement_allows_none() -> None:
    with pytest.raises(Conflict, match=r"allows per case \(0\)"):
        request_reopen(
            _voted_and_published(),
            TRUCE.evolve(reopen_requests_per_case=0),
            GOV_LIAISON,
            LATE,
            VIDEO,
        )


def test_a_liaison_of_no_party_may_not_ask() -> None:
    stranger = Principal(user="x", member="usa", role=Role.LIAISON)
    with pytest.raises(Forbidden, match="usa is no party"):
        request_reopen(_voted_and_published(), TRUCE, stranger, LATE, VIDEO)


@given(st.lists(st.sampled_from(["request", "accept", "decline", "reopen"]), max_size=12))
def test_requests_never_exceed_the_limit_and_ballots_go_only_by_reopening(
    steps: list[str],
) -> None:
    """Whatever parties and analysts do, a case never holds more requests than the agreement
    allows, at most one waits, and ballots are wiped only when the case is reopened."""
    case = _voted_and_published()
    for name in steps:
        before = case
        try:
            if name == "request":
                case, _ = request_reopen(case, TRUCE, GOV_LIAISON, LATE, VIDEO)
            elif name in ("accept", "decline") and case.pending_request:
                decide = accept_reopen if name == "accept" else decline_reopen
                case, _ = decide(case, ANALYST, LATE, case.pending_request.number, "decided")
            elif name == "reopen":
                case, _ = reopen(case, RUSSIA, LATE, VIDEO)
        except Conflict:
            assert case == before
        assert len(case.reopen_requests) <= TRUCE.reopen_requests_per_case
        assert sum(r.status is RequestStatus.PENDING for r in case.reopen_requests) <= 1
        if case.round == before.round:
            assert case.ballots == before.ballots
        else:
            assert case.state is CaseState.REOPENED and case.ballots == ()


def test_after_reopening_a_clarification_restarts_the_deadline() -> None:
    later = NOW + timedelta(days=30)
    case, _ = reopen(in_state(CaseState.PUBLISHED), ANALYST, later, evidence("new video"))
    assert case.reply_due == DUE  # still the first round's
    case, event = request_clarification(case, TRUCE, ANALYST, later, "whose aircraft?")
    assert case.state is CaseState.AWAITING_REPLY
    assert case.reply_due == later + timedelta(hours=72)
    assert case.question == "whose aircraft?"
    assert (event.before, event.after) == (CaseState.REOPENED, CaseState.AWAITING_REPLY)
    assert event.details == {
        "question": "whose aircraft?",
        "reply_due": (later + timedelta(hours=72)).isoformat(),
    }
    # Replies in the new round are on time against the new deadline, and escalation waits for it.
    case, reply_event = reply(
        case, RUSSIA, later + timedelta(hours=1), ReplyKind.ACKNOWLEDGED, "ok"
    )
    assert reply_event.details["late"] is False
    with pytest.raises(Conflict):
        escalate(case, ANALYST, later + timedelta(hours=72))
    case, escalated = escalate(case, ANALYST, later + timedelta(hours=73))
    assert escalated.details["overdue"] == ["iran"]


def test_a_clarification_request_asks_again_of_every_answerable_guarantor() -> None:
    case, _ = request_clarification(replied(), TRUCE, ANALYST, LATE, "which battery fired?")
    assert case.state is CaseState.AWAITING_REPLY
    assert case.replies == ()
    assert case.overdue_members == ("russia", "iran")
    case, _ = reply(case, RUSSIA, LATE, ReplyKind.INFORMATION_REQUESTED, "send the coordinates")
    assert case.state is CaseState.AWAITING_REPLY


@pytest.mark.parametrize("question", ["", "  "])
def test_a_clarification_request_says_what_it_asks(question: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        request_clarification(opened(), TRUCE, ANALYST, NOW, question)
    assert refused.value.field == "question"


def test_steps_do_not_change_the_case_they_were_given() -> None:
    case = opened()
    reply(case, RUSSIA, NOW, ReplyKind.ACKNOWLEDGED, "received")
    escalate(case, ANALYST, LATE)
    assert case == opened()


# --- a whole case ----------------------------------------------------------------------------


def test_walk_through_from_opening_to_publication_of_a_disputed_finding() -> None:
    events: list[CaseEvent] = []
    case, event = open_case(finding("government"), TRUCE, ANALYST, NOW)
    events.append(event)
    case, event = reply(
        case, RUSSIA, NOW + timedelta(hours=5), ReplyKind.ACKNOWLEDGED, "we are looking into it"
    )
    events.append(event)
    case, event = reply(
        case,
        IRAN,
        NOW + timedelta(hours=30),
        ReplyKind.DISPUTED,
        "our forces were not there",
        counter_claim="the shelling came from Jabhat Fateh al-Sham positions",
    )
    events.append(event)
    case, event = propose_finding(case, ANALYST, NOW + timedelta(hours=40), finding("government"))
    events.append(event)
    case, event = review(case, TRUCE, RUSSIA, NOW + timedelta(hours=50), Vote.CONFIRM)
    events.append(event)
    case, event = review(
        case,
        TRUCE,
        IRAN,
        NOW + timedelta(hours=51),
        Vote.DISSENT,
        "the counter-claim was not examined",
    )
    events.append(event)
    case, event = publish(case, ADMIN, NOW + timedelta(hours=60))
    events.append(event)

    S = CaseState
    assert [(e.action, e.before, e.after) for e in events] == [
        (Action.OPEN, None, S.AWAITING_REPLY),
        (Action.REPLY, S.AWAITING_REPLY, S.AWAITING_REPLY),
        (Action.REPLY, S.AWAITING_REPLY, S.UNDER_VERIFICATION),
        (Action.PROPOSE_FINDING, S.UNDER_VERIFICATION, S.JOINT_REVIEW),
        (Action.REVIEW, S.JOINT_REVIEW, S.JOINT_REVIEW),
        (Action.REVIEW, S.JOINT_REVIEW, S.DISPUTED),
        (Action.PUBLISH, S.DISPUTED, S.PUBLISHED),
    ]
    assert [e.member for e in events] == ["un", "russia", "iran", "un", "russia", "iran", "un"]
    assert {e.case_id for e in events} == {case.id}
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert case.state is CaseState.PUBLISHED
    assert [(r.member, r.kind) for r in case.replies] == [
        ("russia", ReplyKind.ACKNOWLEDGED),
        ("iran", ReplyKind.DISPUTED),
    ]
    assert case.replies[1].counter_claim == "the shelling came from Jabhat Fateh al-Sham positions"
    assert [(b.member, b.vote, b.reason) for b in case.ballots] == [
        ("russia", Vote.CONFIRM, None),
        ("iran", Vote.DISSENT, "the counter-claim was not examined"),
    ]
    assert events[5].details["outcome"] == "disputed"
    assert events[6].details["outcome"] == "disputed"
    assert not any(e.details.get("late") for e in events)
