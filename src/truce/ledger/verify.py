"""Checking a ledger offline, with nothing but its lines, the members' public keys and the
checkpoints. Every problem is located: which entry or which checkpoint, and why.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from truce.ledger import entries, keys, merkle


@dataclass(frozen=True)
class KeyRecord:
    """A member's public key as registered, and when it was valid."""

    member: str
    key_id: str
    public: str  # hex
    valid_from: datetime
    retired_at: datetime | None = None

    def valid_at(self, at: datetime) -> bool:
        return self.valid_from <= at and (self.retired_at is None or at < self.retired_at)

    def to_plain(self) -> dict[str, str | None]:
        return {
            "member": self.member,
            "key_id": self.key_id,
            "public": self.public,
            "valid_from": self.valid_from.isoformat(),
            "retired_at": self.retired_at.isoformat() if self.retired_at else None,
        }

    @classmethod
    def from_plain(cls, data: Mapping[str, str | None]) -> KeyRecord:
        retired = data.get("retired_at")
        return cls(
            member=str(data["member"]),
            key_id=str(data["key_id"]),
            public=str(data["public"]),
            valid_from=datetime.fromisoformat(str(data["valid_from"])),
            retired_at=datetime.fromisoformat(retired) if retired else None,
        )


@dataclass(frozen=True)
class Problem:
    where: str  # "entry 17", "checkpoint 2", "line 18"
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.why}"


@dataclass
class Verification:
    entries: int = 0
    root: str = ""
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_ledger(
    lines: Iterable[bytes],
    key_records: Sequence[KeyRecord],
    checkpoints: Sequence[entries.Checkpoint] = (),
    *,
    cosigners: Sequence[str] = (),
    limit: int = 50,
) -> Verification:
    """Check every entry (format, signature, key, place in the log, link to the one before),
    rebuild the Merkle tree, and check each checkpoint against it, its co-signatures, and
    that it extends the checkpoint before it. `cosigners` are the members (the guarantors)
    whose signature every checkpoint needs. Stops listing problems after `limit`."""
    by_id = {k.key_id: k for k in key_records}
    result = Verification()

    def problem(where: str, why: str) -> None:
        if len(result.problems) < limit:
            result.problems.append(Problem(where, why))

    tree = merkle.Tree()
    chain = _Chain()
    for number, line in enumerate(lines):
        line = line.rstrip(b"\r\n")
        leaf = merkle.leaf_hash(line)
        tree.append(leaf)
        _check_entry(line, number, by_id, chain, functools.partial(problem, f"entry {number}"))
        # Even a malformed entry is the one the next must link to: its bytes are in the tree.
        chain.prev = leaf.hex()
    result.entries = len(tree)
    result.root = tree.root().hex()
    _check_checkpoints(tree, by_id, checkpoints, cosigners, problem)
    result.checkpoints = len(checkpoints)
    return result


@dataclass
class _Chain:
    """What the next entry is checked against: the hash of the entry before it, and the latest
    time an entry gave."""

    prev: str = ""
    last_time: datetime | None = None


def _check_entry(
    line: bytes,
    number: int,
    by_id: Mapping[str, KeyRecord],
    chain: _Chain,
    problem: Callable[[str], None],
) -> None:
    try:
        signed, signature = entries.split_line(line)
        body = entries.parse_entry(signed)
    except entries.MalformedEntry as exc:
        problem(str(exc))
        return
    _check_place(body, number, chain.prev, problem)
    record = _signer(body, signed, signature, by_id, problem)
    if record is not None:
        _check_time(body, record, chain.last_time, problem)
    chain.last_time = _time(body.get("at")) or chain.last_time


def _check_place(
    body: Mapping[str, Any], number: int, prev: str, problem: Callable[[str], None]
) -> None:
    if body["seq"] != number:
        problem(
            f"carries sequence number {body['seq']}: an entry before it is missing, "
            "or entries were moved"
        )
    elif body.get("prev") != prev:
        problem("does not link to the entry before it (that entry was changed, removed or moved)")


def _signer(
    body: Mapping[str, Any],
    signed: bytes,
    signature: bytes,
    by_id: Mapping[str, KeyRecord],
    problem: Callable[[str], None],
) -> KeyRecord | None:
    """The registered key the entry's signature verifies with, or None (and the problem)."""
    record = by_id.get(str(body.get("key")))
    if record is None:
        problem(f"signed with key {body.get('key')}, which no member registered")
    elif record.member != body.get("member"):
        problem(f"names member {body.get('member')} but key {record.key_id} is {record.member}'s")
    elif not keys.verify(bytes.fromhex(record.public), signed, signature):
        problem(
            f"the signature does not verify with {record.member}'s key {record.key_id}: "
            "the entry was altered or the signature forged"
        )
    else:
        return record
    return None


def _check_time(
    body: Mapping[str, Any],
    record: KeyRecord,
    last_time: datetime | None,
    problem: Callable[[str], None],
) -> None:
    at = _time(body.get("at"))
    if at is None:
        problem("has no valid time")
    elif last_time is not None and at < last_time:
        problem(
            f"written at {at.isoformat()}, before the entry before it ({last_time.isoformat()})"
        )
    elif not record.valid_at(at):
        problem(f"signed at {at.isoformat()} with key {record.key_id}, not valid then")


def _check_checkpoints(
    tree: merkle.Tree,
    by_id: Mapping[str, KeyRecord],
    checkpoints: Sequence[entries.Checkpoint],
    cosigners: Sequence[str],
    problem: Callable[[str, str], None],
) -> None:
    before: entries.Checkpoint | None = None
    for number, checkpoint in enumerate(checkpoints):
        where = f"checkpoint {number} (size {checkpoint.size})"
        try:
            _check_checkpoint(
                tree,
                by_id,
                checkpoint,
                before,
                number,
                cosigners,
                functools.partial(problem, where),
            )
        except (ValueError, merkle.ProofError) as exc:
            # A malformed checkpoint (bad hex, a negative size) is a finding, not a crash.
            problem(where, f"is malformed: {exc}")
        before = checkpoint


def _check_checkpoint(
    tree: merkle.Tree,
    by_id: Mapping[str, KeyRecord],
    checkpoint: entries.Checkpoint,
    before: entries.Checkpoint | None,
    number: int,
    cosigners: Sequence[str],
    problem: Callable[[str], None],
) -> None:
    if checkpoint.size < 0:
        raise ValueError(f"size {checkpoint.size}")
    message = checkpoint.message()
    signed_by = set()
    for cosignature in checkpoint.cosignatures:
        record = by_id.get(cosignature.key)
        if record is None or record.member != cosignature.member:
            problem(f"co-signature of {cosignature.member} with unknown key {cosignature.key}")
        elif not record.valid_at(checkpoint.at):
            problem(
                f"co-signed by {cosignature.member} with key {record.key_id}, "
                f"not valid at {checkpoint.at.isoformat()}"
            )
        elif not keys.verify(
            bytes.fromhex(record.public), message, bytes.fromhex(cosignature.signature)
        ):
            problem(f"{cosignature.member}'s co-signature does not verify")
        else:
            signed_by.add(cosignature.member)
    missing = [m for m in cosigners if m not in signed_by]
    if missing:
        problem(f"not co-signed by {', '.join(missing)}")
    if before is not None:
        if checkpoint.size < before.size:
            problem(f"is smaller than the checkpoint before it (size {before.size})")
        elif not merkle.verify_consistency(
            before.size,
            checkpoint.size,
            bytes.fromhex(before.root),
            bytes.fromhex(checkpoint.root),
            [bytes.fromhex(p) for p in checkpoint.proof],
        ):
            problem(
                f"does not extend checkpoint {number - 1} (size {before.size}): "
                "the log was rewritten between them"
            )
    if checkpoint.size > len(tree):
        problem(
            f"covers {checkpoint.size} entries but the log has only {len(tree)}: "
            "entries were removed"
        )
    elif tree.root(checkpoint.size).hex() != checkpoint.root:
        problem(
            f"its root does not match entries 0-{checkpoint.size - 1}: "
            "an entry it covers was changed after it was signed"
        )


def _time(value: object) -> datetime | None:
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return at if at.tzinfo is not None else None
