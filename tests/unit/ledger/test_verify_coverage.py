"""Verification at speed (issue 12): an operator-signed checkpoint vouches for the operator's
signatures on the entries it covers, so only members' signatures and entries past the last
such checkpoint are checked one by one; and the entries can be checked on several cores.

Each test pins down exactly what the faster mode proves and what it does not: the verdict on a
tampered log must not change, only the work done for an honest one.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from truce.ledger import entries, merkle, note, verify
from truce.ledger.entries import Act, Checkpoint
from truce.ledger.keys import OPERATOR, SigningKey
from truce.ledger.verify import KeyRecord, Verification, verify_ledger

T0 = datetime(2017, 1, 1, 12, 0, tzinfo=UTC)
MEMBERS = ("russia", "iran", "turkey")
ORIGIN = "truce.local/ledger"


@dataclasses.dataclass
class Log:
    operator: SigningKey
    members: dict[str, SigningKey]
    lines: list[bytes]

    @property
    def records(self) -> list[KeyRecord]:
        keys = [self.operator, *self.members.values()]
        return [KeyRecord(k.member, k.id, k.public.hex(), valid_from=T0) for k in keys]

    def tree(self) -> merkle.Tree:
        return merkle.Tree(entries.leaf(line) for line in self.lines)

    def checkpoint(self, size: int, signers: Sequence[SigningKey] | None = None) -> Checkpoint:
        signers = [self.operator] if signers is None else signers
        return entries.cosign(size, self.tree().root(size), T0 + timedelta(days=1), signers)

    def note(self, size: int, key: SigningKey | None = None) -> str:
        text = note.checkpoint_text(ORIGIN, size, self.tree().root(size))
        return note.sign_note(text, OPERATOR, key or self.operator)


def _body(seq: int, prev: str, act: Act, key: SigningKey) -> dict[str, object]:
    attested = OPERATOR if key.member == OPERATOR else None
    at = T0 + timedelta(minutes=seq)
    return entries.entry_body(act, seq=seq, prev=prev, at=at, key_id=key.id, attested_by=attested)


def build(n: int = 30, *, member_signed: Sequence[int] = (), old_format: Sequence[int] = ()) -> Log:
    """`n` entries signed by the operator for their members; those in `member_signed` also
    carry the member's own signature, those in `old_format` are signed by the member's key
    (entries written before issue 12)."""
    operator = SigningKey.generate(OPERATOR)
    members = {m: SigningKey.generate(m) for m in MEMBERS}
    log = Log(operator, members, [])
    prev = ""
    for seq in range(n):
        member = members[MEMBERS[seq % len(MEMBERS)]]
        act = Act(
            "case.reply",
            member.member,
            f"{member.member}-liaison",
            objects=(f"case_{seq}",),
            hashes={"body": hashlib.sha256(str(seq).encode()).hexdigest()},
        )
        if seq in member_signed:
            act = entries.sign_act(act, member)
        key = member if seq in old_format else operator
        line = entries.sign_entry(_body(seq, prev, act, key), key)
        log.lines.append(line)
        prev = entries.leaf(line).hex()
    return log


def resign(log: Log, seq: int, change: dict[str, object], key: SigningKey) -> list[bytes]:
    """The log with entry `seq` changed and signed again by `key`, keeping every other line
    (so the entry after it no longer links, unless it is the last)."""
    signed, _ = entries.split_line(log.lines[seq])
    body = entries.parse_entry(signed) | change
    lines = list(log.lines)
    lines[seq] = entries.sign_entry(body, key)
    return lines


def bad_signature(line: bytes) -> bytes:
    """The line with its signature's last hex digit changed (a forged signature)."""
    last = line[-3:-2]
    return line[:-3] + (b"1" if last == b"0" else b"0") + line[-2:]


def run(log: Log, lines: Sequence[bytes] | None = None, **options: object) -> Verification:
    checkpoints = options.pop("checkpoints", ())
    return verify_ledger(
        log.lines if lines is None else lines,
        log.records,
        checkpoints,  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )


def wheres(result: Verification) -> list[str]:
    return [p.where for p in result.problems]


# --- what a checkpoint covers --------------------------------------------------------------


def test_an_operator_signed_checkpoint_covers_the_operator_signatures_below_it() -> None:
    log = build(30)
    result = run(log, checkpoints=[log.checkpoint(20)])
    assert result.ok, result.problems
    assert (result.covered, result.covered_by) == (20, 20)


def test_with_full_every_signature_is_checked_and_none_is_left_to_a_checkpoint() -> None:
    log = build(30)
    result = run(log, checkpoints=[log.checkpoint(30)], covered_by_checkpoints=False)
    assert result.ok
    assert (result.covered, result.covered_by) == (0, 0)


def test_a_covered_entry_rests_on_the_checkpoint_signature_not_its_own() -> None:
    """The operator signed a checkpoint over an entry whose own operator signature is broken:
    the checkpoint vouches for those bytes (that is what the default mode proves); `--full`
    still finds the broken signature."""
    log = build(30)
    log.lines[5] = bad_signature(log.lines[5])
    log.lines[6:] = resign_chain(log, 6)
    checkpoint = log.checkpoint(30)
    assert run(log, checkpoints=[checkpoint]).ok
    full = run(log, checkpoints=[checkpoint], covered_by_checkpoints=False)
    assert wheres(full) == ["entry 5"]
    assert "does not verify with the operator's key" in full.problems[0].why


def resign_chain(log: Log, start: int) -> list[bytes]:
    """Lines `start`.. linked again to the (changed) lines before them, signed by the operator."""
    out: list[bytes] = []
    prev = entries.leaf(log.lines[start - 1]).hex()
    for line in log.lines[start:]:
        body = entries.parse_entry(entries.split_line(line)[0]) | {"prev": prev}
        new = entries.sign_entry(body, log.operator)
        out.append(new)
        prev = entries.leaf(new).hex()
    return out


def test_entries_past_the_last_checkpoint_have_their_signatures_checked() -> None:
    log = build(30)
    checkpoint = log.checkpoint(20)
    log.lines[25] = bad_signature(log.lines[25])
    result = run(log, checkpoints=[checkpoint])
    assert "entry 25" in wheres(result)
    assert result.covered == 20


def test_a_member_signature_is_checked_even_under_a_checkpoint() -> None:
    log = build(30, member_signed=[4, 7])
    forged = entries.MemberSignature(log.members["iran"].id, "00" * 64)
    log.lines = resign(log, 4, {"member_signature": forged.to_plain()}, log.operator)
    log.lines[5:] = resign_chain(log, 5)
    result = run(log, checkpoints=[log.checkpoint(30)])
    assert wheres(result) == ["entry 4"]  # entry 7's genuine member signature passes
    assert "iran's own signature" in result.problems[0].why
    assert result.covered == 30


def test_old_member_signed_entries_are_never_left_to_the_operator() -> None:
    """Before issue 12 an entry carried only its member's signature: the operator's checkpoint
    says nothing about what the member signed, so that signature is checked."""
    log = build(10, old_format=[3])
    log.lines[3] = bad_signature(log.lines[3])
    log.lines[4:] = resign_chain(log, 4)
    result = run(log, checkpoints=[log.checkpoint(10)])
    assert wheres(result) == ["entry 3"]
    assert result.covered == 9


def test_a_checkpoint_not_signed_by_the_operator_covers_nothing() -> None:
    log = build(12)
    guarantors = list(log.members.values())
    assert run(log, checkpoints=[log.checkpoint(12, guarantors)]).covered == 0
    forged = dataclasses.replace(
        log.checkpoint(12),
        cosignatures=(entries.Cosignature(OPERATOR, log.operator.id, "00" * 64),),
    )
    result = run(log, checkpoints=[forged])
    assert result.covered == 0
    assert wheres(result) == ["checkpoint 0 (size 12)"]


def test_a_changed_entry_under_a_checkpoint_is_found_and_nothing_is_left_unproven() -> None:
    """An operator who edits an entry and signs it again: the entry after it no longer links,
    the checkpoint's root no longer matches, and the entries that relied on that checkpoint
    are said to be unproven."""
    log = build(30)
    checkpoint = log.checkpoint(30)
    lines = resign(log, 10, {"details": {"kind": "confirm"}}, log.operator)
    result = run(log, lines, checkpoints=[checkpoint])
    assert not result.ok
    assert wheres(result) == ["entry 11", "entries 0-29", "checkpoint 0 (size 30)"]
    assert result.covered == 0
    # A smaller checkpoint that still matches covers what is below it.
    result = run(log, lines, checkpoints=[log.checkpoint(8), checkpoint])
    assert result.covered_by == 8
    assert "entries 8-29" in wheres(result)


def test_c2sp_checkpoint_notes_signed_by_the_operator_cover_entries() -> None:
    log = build(20)
    operator = note.make_verifier(OPERATOR, log.operator.public)
    stranger = SigningKey.generate(OPERATOR)
    notes = [log.note(12), log.note(20, stranger)]
    heads = verify.heads_from_notes(notes, operator, ORIGIN)
    assert heads == [(12, log.tree().root(12))]
    assert verify.heads_from_notes(notes, operator, "elsewhere.example/log") == []
    result = run(log, signed_heads=heads)
    assert result.ok and (result.covered, result.covered_by) == (12, 12)


def test_a_signed_head_that_does_not_match_the_entries_is_a_problem() -> None:
    log = build(20)
    result = run(log, signed_heads=[(12, log.tree().root(11))])
    assert wheres(result) == ["operator-signed checkpoint of size 12", "entries 0-11"]


# --- on several cores ----------------------------------------------------------------------


def test_several_processes_give_the_verdict_of_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 7 lines checked in two processes find the same problems, in the same order,
    as one pass: links, sequence numbers and times carried across chunk boundaries."""
    log = build(40, member_signed=[2, 9])
    checkpoint = log.checkpoint(28)
    lines = list(log.lines)
    lines[13] = bad_signature(lines[13])  # under the checkpoint: found only with --full
    lines[30] = bad_signature(lines[30])  # past the checkpoint: found
    earlier = T0 - timedelta(days=1)
    lines[21] = entries.sign_entry(  # first of a chunk, written before the one before it
        entries.parse_entry(entries.split_line(lines[21])[0]) | {"at": earlier.isoformat()},
        log.operator,
    )
    del lines[35]  # a gap
    monkeypatch.setattr(verify, "CHUNK", 7)
    for full in (False, True):
        one = run(log, lines, checkpoints=[checkpoint], covered_by_checkpoints=not full)
        two = run(log, lines, checkpoints=[checkpoint], covered_by_checkpoints=not full, workers=2)
        assert one == two
        assert "entry 21" in wheres(one) and "entry 30" in wheres(one)
        assert "entry 35" in wheres(one)
        assert ("entry 13" in wheres(one)) is full
