"""Who sees what of a case: the whole of it, or that it exists and its state (issue 11, item 6).
A role x case table under the Astana agreement's defaults, then the agreement's settings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from truce import scenarios
from truce.domain.access import Principal, Role
from truce.domain.agreements import Agreement, CaseVisibility, LiaisonSight
from truce.domain.case_visibility import Sight, as_seen, events_seen, sight
from truce.domain.cases import (
    Action,
    Ballot,
    Case,
    CaseEvent,
    CaseState,
    Evidence,
    ReopenRequest,
    Reply,
    ReplyKind,
    Vote,
)
from truce.domain.errors import ValidationFailed
from truce.domain.incidents import FindingCategory

TRUCE = next(a for a in scenarios.load("astana-2016").agreements if a.id == "astana-2016")
NOW = datetime(2017, 1, 9, 8, tzinfo=UTC)

WHO = {
    "administrator": Principal("adam", "un", Role.ADMINISTRATOR),
    "analyst": Principal("ana", "un", Role.ANALYST),
    "guarantor": Principal("dmitri", "russia", Role.GUARANTOR),
    "gov liaison": Principal("samir", "syria-gov", Role.LIAISON),
    "opp liaison": Principal("omar", "syria-opp", Role.LIAISON),
    "observer": Principal("olivia", "usa", Role.OBSERVER),
    "public": Principal("anonymous", "public", Role.PUBLIC),
}


def case(state: CaseState = CaseState.JOINT_REVIEW, side: str = "government") -> Case:
    """A case in the middle of its work: replies with a counter-claim, ballots with dissent."""
    return Case(
        id="case_1",
        incident_id="inc-1",
        agreement_id="astana-2016",
        state=state,
        category=FindingCategory.VIOLATION_SERIOUS,
        accused_side=side,
        clauses=("T1",),
        reasons=("three sources",),
        answerable=("russia", "iran"),
        informed=("turkey",),
        opened_at=NOW,
        reply_due=NOW,
        replies=(
            Reply(
                member="russia",
                user="dmitri",
                kind=ReplyKind.DISPUTED,
                text="our aircraft were grounded",
                counter_claim="it was a depot explosion",
                at=NOW,
            ),
        ),
        ballots=(Ballot(member="iran", user="p", vote=Vote.DISSENT, reason="not proven", at=NOW),),
        escalations=1,
        round=2,
        question="which unit?",
        reopen_requests=(
            ReopenRequest(
                number=1,
                member="syria-gov",
                user="samir",
                at=NOW,
                round=1,
                evidence=Evidence(statement="a new video", report_id="r1"),
            ),
        ),
    )


# Who sees a government-side case whole, before it is published (X) and after (P: everyone).
#                       administrator analyst guarantor gov-liaison opp-liaison observer public
EXPECTED = {
    "government side": "X X X X . X .",
    "opposition side": "X X X . X X .",
}
COLUMNS = list(WHO)


@pytest.mark.parametrize("side", ["government", "opposition"])
@pytest.mark.parametrize("role", COLUMNS)
@pytest.mark.parametrize("state", [s for s in CaseState if s is not CaseState.PUBLISHED])
def test_unpublished_cases_by_role(side: str, role: str, state: CaseState) -> None:
    marks = EXPECTED[f"{side} side"].split()
    expected = Sight.WHOLE if marks[COLUMNS.index(role)] == "X" else Sight.STATE
    assert sight(case(state, side), TRUCE, WHO[role]) is expected


@pytest.mark.parametrize("role", COLUMNS)
def test_a_published_case_is_seen_whole_by_everyone(role: str) -> None:
    assert sight(case(CaseState.PUBLISHED), TRUCE, WHO[role]) is Sight.WHOLE


def test_the_state_only_view_keeps_existence_and_state_and_nothing_said() -> None:
    full = case()
    shown = as_seen(full, Sight.STATE)
    assert (shown.id, shown.incident_id, shown.agreement_id, shown.state, shown.round) == (
        full.id,
        full.incident_id,
        full.agreement_id,
        full.state,
        full.round,
    )
    assert shown.replies == () and shown.ballots == () and shown.reopen_requests == ()
    assert (shown.reasons, shown.clauses, shown.question, shown.escalations) == ((), (), None, 0)
    assert (shown.answerable, shown.informed, shown.reply_due) == ((), (), None)
    text = shown.model_dump_json()
    for secret in ("grounded", "depot", "not proven", "which unit", "a new video", "three"):
        assert secret not in text
    assert as_seen(full, Sight.WHOLE) is full


def _event(action: Action, after: CaseState) -> CaseEvent:
    return CaseEvent(
        case_id="case_1",
        action=action,
        user="u",
        member="m",
        role=Role.ANALYST,
        before=None,
        after=after,
        at=NOW,
        details={"text": action.value},
    )


def test_the_state_only_timeline_is_what_was_public_when_last_published() -> None:
    timeline = [
        _event(Action.OPEN, CaseState.AWAITING_REPLY),
        _event(Action.REVIEW, CaseState.ADOPTED),
        _event(Action.PUBLISH, CaseState.PUBLISHED),
        _event(Action.REOPEN, CaseState.REOPENED),
        _event(Action.REPLY, CaseState.AWAITING_REPLY),
    ]
    assert events_seen(timeline, Sight.WHOLE) == timeline
    assert events_seen(timeline, Sight.STATE) == timeline[:3]
    assert events_seen(timeline[:2], Sight.STATE) == []


# --- the agreement's setting ---------------------------------------------------------------------


def with_rules(**rules: object) -> Agreement:
    return TRUCE.evolve(case_visibility=CaseVisibility.parse(rules))


def test_defaults_apply_to_an_agreement_stored_without_the_setting() -> None:
    plain = TRUCE.to_plain()
    del plain["case_visibility"], plain["reopen_requests_per_case"]
    old = Agreement.parse(plain)
    assert old.case_visibility == CaseVisibility() == TRUCE.case_visibility
    assert old.reopen_requests_per_case == 2
    assert set(old.case_visibility.whole) == {
        Role.ADMINISTRATOR,
        Role.ANALYST,
        Role.GUARANTOR,
        Role.OBSERVER,
    }
    assert old.case_visibility.liaisons is LiaisonSight.OWN_SIDE


def test_liaisons_may_see_every_case_or_none() -> None:
    other_side = case(side="opposition")
    assert sight(other_side, with_rules(liaisons="all"), WHO["gov liaison"]) is Sight.WHOLE
    own = case(side="government")
    assert sight(own, with_rules(liaisons="none"), WHO["gov liaison"]) is Sight.STATE


def test_observers_and_administrators_may_be_left_out() -> None:
    closed = with_rules(whole=["analyst", "guarantor_rep"])
    for role in ("observer", "administrator", "public"):
        assert sight(case(), closed, WHO[role]) is Sight.STATE
    assert sight(case(), closed, WHO["analyst"]) is Sight.WHOLE
    opened = with_rules(whole=["analyst", "guarantor_rep", "public"])
    assert sight(case(), opened, WHO["public"]) is Sight.WHOLE


@pytest.mark.parametrize("missing", ["analyst", "guarantor_rep"])
def test_those_who_act_on_a_case_must_see_it(missing: str) -> None:
    roles = [r for r in ("analyst", "guarantor_rep", "observer") if r != missing]
    with pytest.raises(ValidationFailed) as refused:
        CaseVisibility.parse({"whole": roles})
    assert refused.value.field == "whole" and missing in str(refused.value)


def test_a_liaison_of_no_party_sees_only_the_state() -> None:
    stranger = Principal("x", "usa", Role.LIAISON)
    assert sight(case(), TRUCE, stranger) is Sight.STATE


@given(
    st.sampled_from(list(CaseState)),
    st.sampled_from(COLUMNS),
    st.sampled_from(["government", "opposition"]),
)
def test_whoever_sees_only_the_state_sees_no_word_of_the_deliberation(
    state: CaseState, role: str, side: str
) -> None:
    full = case(state, side)
    how = sight(full, TRUCE, WHO[role])
    shown = as_seen(full, how)
    if how is Sight.STATE:
        assert state is not CaseState.PUBLISHED
        assert not (shown.replies or shown.ballots or shown.reasons or shown.reopen_requests)
    else:
        assert shown == full
