"""Replay the ledger's case entries against the stored cases, and name every disagreement.

Each case step writes a ledger entry (`case.<action>`, the acting member, the case's ID, the
states it went from and to, and the SHA-256 of the case's canonical JSON after the step) in
the same transaction as the case itself. Replaying a case's entries in order gives what the
case must be now: its state, its round, which members have replied and voted in this round,
how many requests to reopen it has had and how they were decided; and the last entry's hash
must be the hash of the case as stored. Anything else is a disagreement: a step lost (a
ballot dropped by a race, a row edited behind the services' back), an entry without its case,
a case without entries. Pure: the caller reads the entries and the cases.

Only what every entry carries is used (action, member, states, objects, the case hash, and
the request number): entries hold no free text, so replies and reasons are compared by who
gave them, and the case hash covers the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from truce.domain.canonical import canonical_json

PREFIX = "case."
# Steps that start a new round of replies, of ballots, or both (see `cases`).
_NEW_REPLIES = {"open", "request_clarification", "reopen", "accept_reopen"}
_NEW_BALLOTS = {"open", "propose_finding", "reopen", "accept_reopen"}
_NEW_ROUND = {"reopen", "accept_reopen"}


@dataclass(frozen=True)
class Disagreement:
    case_id: str
    what: str

    def __str__(self) -> str:
        return f"{self.case_id}: {self.what}"


@dataclass
class Replayed:
    """What a case's entries say it must be."""

    entries: int = 0
    state: str | None = None
    round: int = 1
    repliers: list[str] = field(default_factory=list)
    voters: list[str] = field(default_factory=list)
    requests: dict[int, str] = field(default_factory=dict)  # number -> status
    case_hash: str | None = None


def case_hash(body: Mapping[str, Any]) -> str:
    """The hash a case step records: SHA-256 of the case's canonical JSON."""
    return hashlib.sha256(canonical_json(dict(body))).hexdigest()


def replay(case_id: str, entries: Iterable[Mapping[str, Any]]) -> tuple[Replayed, list[str]]:
    """The case as its entries (oldest first) make it, and what in the entries themselves does
    not follow (a first step other than opening, a step from a state the case was not in)."""
    out = Replayed()
    problems: list[str] = []
    for entry in entries:
        action = str(entry.get("act", "")).removeprefix(PREFIX)
        details = entry.get("details") or {}
        before, after = details.get("from"), details.get("to")
        seq = entry.get("seq")
        if out.entries == 0 and action != "open":
            problems.append(f"ledger entry {seq} ({PREFIX}{action}) comes before case.open")
        elif out.entries and before != out.state:
            problems.append(
                f"ledger entry {seq} ({PREFIX}{action}) goes from {before}, but the entry "
                f"before left the case {out.state}"
            )
        out.entries += 1
        out.state = after
        out.case_hash = (entry.get("hashes") or {}).get("case")
        member = str(entry.get("member"))
        if action in _NEW_ROUND:
            out.round += 1
        if action in _NEW_REPLIES:
            out.repliers = []
        if action in _NEW_BALLOTS:
            out.voters = []
        if action == "reply":
            out.repliers.append(member)
        elif action == "review":
            out.voters.append(member)
        elif action == "request_reopen":
            out.requests[int(details.get("request") or len(out.requests) + 1)] = "pending"
        elif action in ("accept_reopen", "decline_reopen"):
            number = int(details.get("request") or 0)
            out.requests[number] = "accepted" if action == "accept_reopen" else "declined"
    return out, problems


def compare(
    case_id: str, replayed: Replayed, body: Mapping[str, Any], events: int | None = None
) -> list[str]:
    """How the stored case (its body as stored) and its timeline differ from the replay."""
    problems = []
    if body.get("state") != replayed.state:
        problems.append(
            f"state is {body.get('state')}, the ledger's last entry leaves it {replayed.state}"
        )
    if body.get("round", 1) != replayed.round:
        problems.append(f"round is {body.get('round', 1)}, the ledger says {replayed.round}")
    for name, stored, expected in (
        ("replies", [r.get("member") for r in body.get("replies", [])], replayed.repliers),
        ("ballots", [b.get("member") for b in body.get("ballots", [])], replayed.voters),
    ):
        if sorted(map(str, stored)) != sorted(expected):
            problems.append(
                f"{len(stored)} {name} ({', '.join(map(str, stored)) or 'none'}), the ledger "
                f"records {len(expected)} ({', '.join(expected) or 'none'})"
            )
    requests = {
        int(r.get("number", 0)): str(r.get("status")) for r in body.get("reopen_requests", [])
    }
    if requests != replayed.requests:
        problems.append(f"requests to reopen are {requests}, the ledger says {replayed.requests}")
    if events is not None and events != replayed.entries:
        problems.append(f"{events} timeline event(s), the ledger has {replayed.entries} entries")
    if replayed.case_hash and case_hash(body) != replayed.case_hash:
        problems.append("the stored case is not the case the ledger's last entry hashed")
    return problems


def check(
    entries: Iterable[Mapping[str, Any]],
    bodies: Mapping[str, Mapping[str, Any]],
    events: Mapping[str, int] | None = None,
) -> list[Disagreement]:
    """Every disagreement between the ledger's case entries (oldest first; the case's ID is
    each entry's first object) and the stored cases (ID -> body as stored), with the number of
    timeline events of each case when given. Ordered by case ID."""
    by_case: dict[str, list[Mapping[str, Any]]] = {}
    for entry in entries:
        objects = entry.get("objects") or []
        if not str(entry.get("act", "")).startswith(PREFIX) or not objects:
            continue
        by_case.setdefault(str(objects[0]), []).append(entry)
    found = []
    for case_id in sorted(set(by_case) | set(bodies)):
        if case_id not in bodies:
            count = len(by_case[case_id])
            found.append(Disagreement(case_id, f"{count} ledger entries, but no such case"))
            continue
        if case_id not in by_case:
            found.append(Disagreement(case_id, "the case has no ledger entry"))
            continue
        replayed, problems = replay(case_id, by_case[case_id])
        counted = (events or {}).get(case_id, 0) if events is not None else None
        problems += compare(case_id, replayed, bodies[case_id], counted)
        found += [Disagreement(case_id, p) for p in problems]
    return found
