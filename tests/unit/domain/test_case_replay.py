"""Replaying the ledger's case entries against stored cases (`truce check`, issue 11 item 10):
a consistent history agrees; each kind of tampering or loss is named."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from truce import scenarios
from truce.domain.access import Principal, Role
from truce.domain.case_replay import case_hash, check
from truce.domain.cases import (
    Case,
    CaseEvent,
    Evidence,
    FindingCategory,
    ReplyKind,
    Vote,
    accept_reopen,
    open_case,
    propose_finding,
    publish,
    reply,
    request_reopen,
    review,
)
from truce.domain.incidents import AttributionGrade, Finding, OccurrenceGrade

TRUCE = next(a for a in scenarios.load("astana-2016").agreements if a.id == "astana-2016")
NOW = datetime(2017, 1, 9, 8, tzinfo=UTC)
ANALYST = Principal("ana", "un", Role.ANALYST)
ADMIN = Principal("adam", "un", Role.ADMINISTRATOR)
LIAISON = Principal("samir", "syria-gov", Role.LIAISON)
REP = {m: Principal(f"{m}-rep", m, Role.GUARANTOR) for m in ("russia", "iran", "turkey")}
FINDING = Finding(
    incident_id="inc-1",
    agreement_id="astana-2016",
    category=FindingCategory.VIOLATION_SERIOUS,
    clauses=("T1",),
    responsible_side="government",
    occurrence=OccurrenceGrade.CORROBORATED,
    attribution=AttributionGrade.LIKELY,
    reasons=("three sources",),
    assessed_at=NOW,
)


class Log:
    """Case steps as the services record them: the stored case and one entry per step."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.cases: dict[str, Case] = {}

    def step(self, made: tuple[Case, CaseEvent]) -> Case:
        case, event = made
        self.cases[case.id] = case
        self.entries.append(
            {
                "seq": len(self.entries),
                "act": f"case.{event.action.value}",
                "member": event.member,
                "objects": [case.id, case.incident_id],
                "hashes": {"case": case_hash(case.to_plain())},
                # Free text is committed to, not carried: only IDs and numbers stay.
                "details": {
                    "from": event.before.value if event.before else None,
                    "to": event.after.value,
                    **{k: v for k, v in event.details.items() if isinstance(v, int)},
                },
            }
        )
        return case

    def bodies(self) -> dict[str, dict[str, Any]]:
        return {case_id: case.to_plain() for case_id, case in self.cases.items()}


def history() -> Log:
    """Opened, replied, reviewed by three, published, a request accepted, reviewed again."""
    log = Log()
    case = log.step(open_case(FINDING, TRUCE, ANALYST, NOW))
    for member in ("russia", "iran"):
        case = log.step(reply(case, REP[member], NOW, ReplyKind.ACKNOWLEDGED, "seen"))
    case = log.step(propose_finding(case, ANALYST, NOW, FINDING))
    for member in REP:
        case = log.step(review(case, TRUCE, REP[member], NOW, Vote.CONFIRM))
    case = log.step(publish(case, ADMIN, NOW))
    evidence = Evidence(statement="a new video", report_id="r1")
    case = log.step(request_reopen(case, TRUCE, LIAISON, NOW, evidence))
    case = log.step(accept_reopen(case, ANALYST, NOW, 1, "it is new"))
    case = log.step(propose_finding(case, ANALYST, NOW, FINDING))
    for member in ("russia", "iran"):
        case = log.step(review(case, TRUCE, REP[member], NOW, Vote.CONFIRM))
    return log


def test_a_consistent_history_agrees() -> None:
    log = history()
    events = {case_id: len(log.entries) for case_id in log.cases}
    assert check(log.entries, log.bodies(), events) == []


def test_a_lost_ballot_is_named() -> None:
    log = history()
    bodies = log.bodies()
    (case_id,) = bodies
    bodies[case_id]["ballots"] = bodies[case_id]["ballots"][:1]  # iran's ballot gone
    found = [str(d) for d in check(log.entries, bodies)]
    assert any("1 ballots (russia), the ledger records 2 (russia, iran)" in f for f in found)
    assert any("not the case the ledger's last entry hashed" in f for f in found)
    assert all(f.startswith(f"{case_id}: ") for f in found)


def test_a_state_round_or_request_changed_behind_the_ledger_is_named() -> None:
    log = history()
    bodies = log.bodies()
    (case_id,) = bodies
    bodies[case_id] |= {"state": "published", "round": 1}
    bodies[case_id]["reopen_requests"][0]["status"] = "declined"
    found = " | ".join(str(d) for d in check(log.entries, bodies))
    assert "state is published, the ledger's last entry leaves it joint_review" in found
    assert "round is 1, the ledger says 2" in found
    assert "requests to reopen are {1: 'declined'}, the ledger says {1: 'accepted'}" in found


def test_an_entry_without_its_case_and_a_case_without_entries() -> None:
    log = history()
    (case_id,) = log.cases
    assert [str(d) for d in check(log.entries, {})] == [
        f"{case_id}: {len(log.entries)} ledger entries, but no such case"
    ]
    assert [str(d) for d in check([], log.bodies())] == [f"{case_id}: the case has no ledger entry"]


def test_a_broken_chain_of_states_is_named() -> None:
    log = history()
    del log.entries[3]  # the proposal: the first vote now starts from under_verification
    found = [str(d) for d in check(log.entries, log.bodies())]
    assert any("goes from joint_review, but the entry before left the case" in f for f in found)
    missing_open = history()
    del missing_open.entries[0]
    found = [str(d) for d in check(missing_open.entries, missing_open.bodies())]
    assert any("comes before case.open" in f for f in found)


def test_timeline_events_are_counted() -> None:
    log = history()
    (case_id,) = log.cases
    found = [str(d) for d in check(log.entries, log.bodies(), {case_id: 3})]
    assert found == [f"{case_id}: 3 timeline event(s), the ledger has {len(log.entries)} entries"]
