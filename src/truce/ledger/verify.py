"""Checking a ledger offline, with nothing but its lines, the members' public keys and the
checkpoints. Every problem is located: which entry or which checkpoint, and why.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from truce.ledger import entries, keys, merkle, note


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
    # Operator-attested entries whose operator signature was not checked one by one: an
    # operator-signed checkpoint of size `covered_by`, whose root matches, covers them.
    covered: int = 0
    covered_by: int = 0

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
    covered_by_checkpoints: bool = True,
    signed_heads: Sequence[tuple[int, bytes]] = (),
    workers: int = 1,
) -> Verification:
    """Check every entry (format, signature, key, place in the log, link to the one before),
    rebuild the Merkle tree, and check each checkpoint against it, its co-signatures, and
    that it extends the checkpoint before it. `cosigners` are the members (the guarantors)
    whose signature every checkpoint needs. Stops listing problems after `limit`.

    With `covered_by_checkpoints` (the default), the operator's signature on an
    operator-attested entry is not checked one by one when an operator-signed checkpoint
    covers the entry: that checkpoint's signature over the tree root, with the root recomputed
    here from the entries' bytes, proves the same thing (the operator committed to exactly
    these bytes). Members' own signatures, old member-signed entries and entries past the last
    such checkpoint are always checked. Operator-signed checkpoints are the `checkpoints`
    co-signed by the `operator` member's key, and `signed_heads`: (size, root) pairs whose
    operator signature the caller has checked (C2SP checkpoint notes, `heads_from_notes`).
    `covered_by_checkpoints=False` checks every signature (`--full`).

    `workers` > 1 checks the entries in that many processes, in chunks of lines."""
    by_id = {k.key_id: k for k in key_records}
    result = Verification()

    def problem(where: str, why: str) -> None:
        if len(result.problems) < limit:
            result.problems.append(Problem(where, why))

    heads = _operator_heads(checkpoints, by_id, signed_heads) if covered_by_checkpoints else []
    covered_below = max((size for size, _ in heads), default=0)
    leaves: list[bytes] = []
    covered: list[tuple[int, int]] = []
    for chunk in _checked_chunks(lines, by_id, covered_below, limit, workers):
        leaves.extend(_split_hashes(chunk.leaves))
        covered.extend(chunk.covered)
        for found in chunk.problems:
            problem(found.where, found.why)
    tree = merkle.Tree(leaves)
    del leaves
    result.entries = len(tree)
    result.root = tree.root().hex()
    _check_coverage(tree, heads, covered, result, problem, signed_heads)
    _check_checkpoints(tree, by_id, checkpoints, cosigners, problem)
    result.checkpoints = len(checkpoints)
    return result


@dataclass
class _Chain:
    """What the next entry is checked against: the hash of the entry before it, and the latest
    time an entry gave."""

    prev: str = ""
    last_time: datetime | None = None
    # Entries below this number may leave the operator's signature to a checkpoint
    # (`verify_ledger`); `covered` lists those that did, as [first, last] runs.
    covered_below: int = 0
    covered: list[tuple[int, int]] = field(default_factory=list)

    def cover(self, number: int) -> None:
        if self.covered and self.covered[-1][1] == number - 1:
            self.covered[-1] = (self.covered[-1][0], number)
        else:
            self.covered.append((number, number))


def _check_entry(
    line: bytes,
    number: int,
    by_id: Mapping[str, KeyRecord],
    chain: _Chain,
    problem: Callable[[str], None],
) -> None:
    try:
        signed, signature = entries.split_line(line)
        body = _parse(signed)
    except entries.MalformedEntry as exc:
        problem(str(exc))
        return
    _check_place(body, number, chain.prev, problem)
    covered = number < chain.covered_below
    record = _signer(body, signed, signature, by_id, problem, covered)
    if record is not None:
        if covered and entries.ATTESTED_BY in body and record.member == keys.OPERATOR:
            chain.cover(number)
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
    covered: bool = False,
) -> KeyRecord | None:
    """The registered key the entry's signature verifies with, or None (and the problem).
    `covered`: an operator-signed checkpoint may vouch for the operator's signature."""
    if entries.ATTESTED_BY in body:
        return _attested_signer(body, signed, signature, by_id, problem, covered)
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


def _attested_signer(
    body: Mapping[str, Any],
    signed: bytes,
    signature: bytes,
    by_id: Mapping[str, KeyRecord],
    problem: Callable[[str], None],
    covered: bool = False,
) -> KeyRecord | None:
    """An entry the operator signed for a member (issue 12's format): the operator's key
    must verify it; a member signature it carries must verify with the member's key.
    `covered`: the operator's signature is left to the operator-signed checkpoint that
    `verify_ledger` then matches against the entries (the member's is checked anyway)."""
    record = by_id.get(str(body.get("key")))
    if body.get(entries.ATTESTED_BY) != keys.OPERATOR:
        problem(f"attested by {body.get(entries.ATTESTED_BY)!r}, not by the log operator")
    elif record is None or record.member != keys.OPERATOR:
        problem(f"attested with key {body.get('key')}, which is not the operator's")
    elif not covered and not keys.verify(bytes.fromhex(record.public), signed, signature):
        problem(
            f"the signature does not verify with the operator's key {record.key_id}: "
            "the entry was altered or the signature forged"
        )
    else:
        if "member_signature" in body:
            check_member_signature(body, by_id, problem)
        return record
    return None


def check_member_signature(
    body: Mapping[str, Any], by_id: Mapping[str, KeyRecord], problem: Callable[[str], None]
) -> KeyRecord | None:
    """The member's own signature an entry carries, checked against the member's key valid
    at the entry's time; that key, or None (and the problem)."""
    given = body.get("member_signature")
    if not isinstance(given, Mapping):
        problem("its member_signature is malformed")
        return None
    record = by_id.get(str(given.get("key")))
    at = _time(body.get("at"))
    member = body.get("member")
    if record is None or record.member != member:
        problem(f"member-signed with key {given.get('key')}, which is not {member}'s")
    elif at is None or not record.valid_at(at):
        problem(f"member-signed with {member}'s key {record.key_id}, not valid then")
    elif not keys.verify(
        bytes.fromhex(record.public), entries.member_message(body), _hex(given.get("signature"))
    ):
        problem(
            f"{member}'s own signature (key {record.key_id}) does not verify: "
            "the act was altered after the member signed it"
        )
    else:
        return record
    return None


def _hex(value: object) -> bytes:
    try:
        return bytes.fromhex(str(value))
    except ValueError:
        return b""


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


# --- speed: checkpoint coverage and parallel checking (issue 12) -----------------------------
#
# Nearly all the time of a verification went into one Ed25519 check per entry (about 60 us;
# everything else an entry costs is under 10 us). Two things cut it: an operator-signed
# checkpoint vouches for the operator's signatures on the entries it covers (one signature
# check instead of one per entry), and the entries are checked in chunks on several cores.

CHUNK = 20_000  # lines per chunk: big enough that sending a chunk to a process is cheap
_LEAF_PREFIX = b"\x00"
_sha256 = hashlib.sha256


def heads_from_notes(
    notes: Iterable[str], operator: note.Verifier, origin: str | None = None
) -> list[tuple[int, bytes]]:
    """(size, root) of each C2SP checkpoint note the operator's key signed (and of `origin`,
    when given): what `verify_ledger(signed_heads=...)` takes. A note that does not verify,
    or is not a checkpoint, covers nothing (and is simply left out here)."""
    heads = []
    for text in notes:
        try:
            parsed = note.parse_note(text)
            note.verify_note(parsed, [operator])
            body = note.parse_checkpoint(parsed.text)
        except note.NoteError:
            continue
        if origin is None or body.origin == origin:
            heads.append((body.size, body.root))
    return heads


def _operator_heads(
    checkpoints: Sequence[entries.Checkpoint],
    by_id: Mapping[str, KeyRecord],
    signed_heads: Sequence[tuple[int, bytes]],
) -> list[tuple[int, bytes]]:
    """The tree heads the operator's key signed: checkpoints with a verifying co-signature of
    the `operator` member (with a key valid at the checkpoint's time), and `signed_heads`."""
    heads = [(int(size), bytes(root)) for size, root in signed_heads]
    for checkpoint in checkpoints:
        try:
            message, root = checkpoint.message(), bytes.fromhex(checkpoint.root)
        except ValueError:
            continue  # malformed: `_check_checkpoints` reports it
        for cosignature in checkpoint.cosignatures:
            record = by_id.get(cosignature.key)
            if (
                cosignature.member == keys.OPERATOR
                and record is not None
                and record.member == keys.OPERATOR
                and record.valid_at(checkpoint.at)
                and keys.verify(bytes.fromhex(record.public), message, _hex(cosignature.signature))
            ):
                heads.append((checkpoint.size, root))
                break
    return [(size, root) for size, root in heads if size > 0]


def _check_coverage(
    tree: merkle.Tree,
    heads: Sequence[tuple[int, bytes]],
    covered: Sequence[tuple[int, int]],
    result: Verification,
    problem: Callable[[str, str], None],
    signed_heads: Sequence[tuple[int, bytes]] = (),
) -> None:
    """Settle the signatures left to checkpoints: the largest operator-signed head whose root
    matches the rebuilt tree covers every entry below its size. An entry that was left to a
    head which does not match is unproven, and said so (the log fails). A head of
    `signed_heads` that does not match is a problem here (the others are checkpoints, which
    `_check_checkpoints` reports)."""
    from_notes = {(int(size), bytes(root)) for size, root in signed_heads}
    proven = 0
    for size, root in heads:
        if size <= len(tree) and tree.root(size) == root:
            proven = max(proven, size)
        elif (size, root) in from_notes:
            problem(
                f"operator-signed checkpoint of size {size}",
                f"its root does not match entries 0-{size - 1}"
                if size <= len(tree)
                else f"covers {size} entries but the log has only {len(tree)}",
            )
    result.covered_by = proven
    for first, last in covered:
        result.covered += min(last, proven - 1) - first + 1 if first < proven else 0
        if last >= proven:
            start = max(first, proven)
            problem(
                f"entries {start}-{last}" if last > start else f"entry {start}",
                "operator-attested: its signature was left to an operator-signed checkpoint "
                "that does not match the log, so it is unproven (verify with --full to "
                "check each signature)",
            )


@dataclass
class _Chunk:
    leaves: bytes  # the leaf hashes, concatenated
    problems: list[Problem]
    covered: list[tuple[int, int]]


def _check_chunk(
    lines: Sequence[bytes],
    start: int,
    prev: str,
    last_time: datetime | None,
    by_id: Mapping[str, KeyRecord],
    covered_below: int,
    limit: int,
) -> _Chunk:
    """Check lines `start`.. given what the chain carries in from the line before them: the
    same checks, in the same order, as one pass over the whole log (a process's work)."""
    chain = _Chain(prev=prev, last_time=last_time, covered_below=covered_below)
    problems: list[Problem] = []

    def problem(where: str, why: str) -> None:
        if len(problems) < limit:
            problems.append(Problem(where, why))

    leaves = []
    for number, line in enumerate(lines, start):
        line = line.rstrip(b"\r\n")
        leaf = _sha256(_LEAF_PREFIX + line).digest()  # merkle.leaf_hash, inlined
        leaves.append(leaf)
        _check_entry(line, number, by_id, chain, functools.partial(problem, f"entry {number}"))
        # Even a malformed entry is the one the next must link to: its bytes are in the tree.
        chain.prev = leaf.hex()
    return _Chunk(b"".join(leaves), problems, chain.covered)


def _carry(lines: Sequence[bytes], last_time: datetime | None) -> tuple[str, datetime | None]:
    """What the chain carries out of a chunk into the next: the last line's leaf hash, and the
    time of the last entry that gave one (as `_check_entry` keeps it), found from the end."""
    prev = merkle.leaf_hash(lines[-1].rstrip(b"\r\n")).hex()
    for line in reversed(lines):
        try:
            at = _time(_parse(entries.split_line(line)[0]).get("at"))
        except entries.MalformedEntry:
            continue
        if at is not None:
            return prev, at
    return prev, last_time


def _checked_chunks(
    lines: Iterable[bytes],
    by_id: Mapping[str, KeyRecord],
    covered_below: int,
    limit: int,
    workers: int,
) -> Iterator[_Chunk]:
    """The lines checked chunk by chunk, in order: here, or in `workers` processes (at most
    two chunks each in flight, so memory stays bounded whatever the log's size)."""
    source = iter(lines)
    chunks = iter(lambda: list(itertools.islice(source, CHUNK)), [])
    start, prev, last_time = 0, "", None
    if workers <= 1:
        for chunk in chunks:
            yield _check_chunk(chunk, start, prev, last_time, by_id, covered_below, limit)
            start += len(chunk)
            prev, last_time = _carry(chunk, last_time)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        running: deque[Future[_Chunk]] = deque()
        for chunk in chunks:
            running.append(
                pool.submit(
                    _check_chunk, chunk, start, prev, last_time, by_id, covered_below, limit
                )
            )
            start += len(chunk)
            prev, last_time = _carry(chunk, last_time)
            if len(running) >= 2 * workers:
                yield running.popleft().result()
        while running:
            yield running.popleft().result()


def _split_hashes(joined: bytes) -> list[bytes]:
    size = merkle.HASH_SIZE
    return [joined[i : i + size] for i in range(0, len(joined), size)]


def _parse(signed: bytes) -> dict[str, Any]:
    """`entries.parse_entry`, with orjson for speed; anything orjson refuses (or reads as
    other than a JSON object with an integer `seq`) goes to `parse_entry`, so a verdict on an
    odd entry is the same as before."""
    try:
        body = orjson.loads(signed)
    except orjson.JSONDecodeError:
        return entries.parse_entry(signed)
    if isinstance(body, dict) and type(body.get("seq")) is int:
        return body
    return entries.parse_entry(signed)
