"""C2SP checkpoints as the log issues and keeps them, and their check against the entries.

A checkpoint is a C2SP signed note: its text is the tlog-checkpoint body (origin, size, root),
signed by the log operator. Witnesses add cosignature lines (C2SP tlog-cosignature) once they
have checked that it extends the last checkpoint they saw. A checkpoint counts as co-signed
when the witness policy's quorum of witnesses have done so.

Pure: the store hands in what it holds, the shell reads and writes files.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from truce.ledger import note
from truce.ledger.verify import Problem


@dataclass(frozen=True)
class WitnessKey:
    """A witness's cosignature verifier key, as an administrator registered it."""

    member: str
    vkey: str  # C2SP verifier key: "name+hash+base64(0x04 || public)"
    key_hash: str  # hex
    registered_at: datetime
    retired_at: datetime | None = None

    @property
    def verifier(self) -> note.Verifier:
        return note.parse_verifier_key(self.vkey)

    def to_plain(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "vkey": self.vkey,
            "key_hash": self.key_hash,
            "registered_at": self.registered_at.isoformat(),
            "retired_at": self.retired_at.isoformat() if self.retired_at else None,
        }


@dataclass(frozen=True)
class Cosigned:
    """One witness's cosignature of a checkpoint, as the server received and checked it."""

    witness: str
    key_hash: str  # hex
    timestamp: int  # seconds since 1970, as the witness signed it
    line: str  # the note's signature line
    received_at: datetime

    @property
    def signed_at(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp, UTC)

    def to_plain(self) -> dict[str, Any]:
        return {
            "witness": self.witness,
            "key_hash": self.key_hash,
            "signed_at": self.signed_at.isoformat(),
            "received_at": self.received_at.isoformat(),
        }


@dataclass(frozen=True)
class Quorum:
    """The witness policy in force: whose cosignatures count, and how many are needed."""

    witnesses: tuple[str, ...]
    needed: int

    def met(self, signed: Sequence[str]) -> bool:
        return len(set(signed) & set(self.witnesses)) >= self.needed

    def to_plain(self) -> dict[str, Any]:
        return {"witnesses": list(self.witnesses), "quorum": self.needed}


@dataclass(frozen=True)
class Issued:
    """A checkpoint the log issued: the operator-signed note, and its cosignatures so far."""

    size: int
    root: str  # hex
    origin: str
    note: str  # the signed note as issued (the operator's signature only)
    created_at: datetime
    cosignatures: tuple[Cosigned, ...] = ()

    @property
    def text(self) -> str:
        """The checkpoint body: what the operator signed and the witnesses cosign."""
        return note.parse_note(self.note).text

    def signed_note(self) -> str:
        """The note with every witness cosignature received, as served to witnesses and
        written to bundles."""
        lines = [c.line for c in sorted(self.cosignatures, key=lambda c: c.witness)]
        return note.add_signatures(self.note, lines) if lines else self.note

    def witnesses(self) -> list[str]:
        return sorted(c.witness for c in self.cosignatures)

    def to_plain(self, quorum: Quorum | None = None) -> dict[str, Any]:
        plain: dict[str, Any] = {
            "size": self.size,
            "root": self.root,
            "origin": self.origin,
            "created_at": self.created_at.isoformat(),
            "note": self.signed_note(),
            "cosignatures": [c.to_plain() for c in self.cosignatures],
        }
        if quorum is not None:
            plain["cosigned"] = quorum.met(self.witnesses())
        return plain


def hashes_b64(proof: Sequence[bytes]) -> list[str]:
    return [base64.b64encode(h).decode("ascii") for h in proof]


def hashes_from_b64(proof: Sequence[str]) -> list[bytes]:
    try:
        return [base64.b64decode(h, validate=True) for h in proof]
    except (ValueError, TypeError):
        raise note.NoteError("a proof hash is not base64") from None


# --- checking a log's checkpoints against its entries (bundles) --------------------------


@dataclass
class NotesCheck:
    problems: list[Problem] = field(default_factory=list)
    # per checkpoint: its size and the witnesses whose cosignatures verify
    cosigned: list[tuple[int, list[str]]] = field(default_factory=list)


def check_notes(
    root_at: Callable[[int], bytes],
    entries: int,
    notes: Sequence[str],
    operator: note.Verifier,
    witnesses: Sequence[tuple[str, note.Verifier]],
    *,
    origin: str | None = None,
) -> NotesCheck:
    """Check each checkpoint note: signed by the operator, of this log (`origin`), covering
    no more entries than the log holds, with the root of the log's first `size` entries
    (`root_at(size)`: the tree of the entries as given, so a rewritten entry shows here), and
    sizes never going back. Every witness cosignature must verify with that witness's key."""
    check = NotesCheck()
    last_size = -1
    for number, text in enumerate(notes):
        where = f"C2SP checkpoint {number}"
        try:
            parsed = note.parse_note(text)
            body = note.parse_checkpoint(parsed.text)
        except note.NoteError as exc:
            check.problems.append(Problem(where, f"is malformed: {exc}"))
            continue
        where = f"C2SP checkpoint {number} (size {body.size})"
        try:
            note.verify_note(parsed, [operator])
        except note.NoteError:
            check.problems.append(
                Problem(where, f"is not signed by the log operator's key ({operator.name})")
            )
        if origin is not None and body.origin != origin:
            check.problems.append(Problem(where, f"is of log {body.origin!r}, not {origin!r}"))
        if body.size < last_size:
            check.problems.append(
                Problem(where, f"is smaller than the checkpoint before it (size {last_size})")
            )
        last_size = max(last_size, body.size)
        if body.size > entries:
            check.problems.append(
                Problem(
                    where,
                    f"covers {body.size} entries but the log has only {entries}: "
                    "entries were removed",
                )
            )
        elif root_at(body.size) != body.root:
            check.problems.append(
                Problem(
                    where,
                    f"its root does not match entries 0-{body.size - 1}: "
                    "an entry it covers was changed after it was signed",
                )
            )
        check.cosigned.append((body.size, _cosigners(parsed, witnesses, where, check.problems)))
    return check


def _cosigners(
    parsed: note.Note,
    witnesses: Sequence[tuple[str, note.Verifier]],
    where: str,
    problems: list[Problem],
) -> list[str]:
    """The witnesses whose cosignatures verify (a witness's retired keys count too: they
    were its keys when it signed)."""
    by_key = {(v.name, v.key_hash): (member, v) for member, v in witnesses}
    signed = set()
    for signature in parsed.signatures:
        found = by_key.get((signature.name, signature.key_hash))
        if found is None:
            continue  # the operator's own, or a key this verifier does not know
        member, verifier = found
        try:
            note.cosignature_time(parsed.text, signature, verifier)
        except note.NoteError:
            problems.append(Problem(where, f"{member}'s cosignature does not verify"))
            continue
        signed.add(member)
    return sorted(signed)


# --- holding a checkpoint: does a log extend it? ------------------------------------------


def held_checkpoint(content: str) -> str:
    """The signed note in a file a verifier keeps: the note itself, or a witness state file
    (JSON with a "checkpoint")."""
    stripped = content.lstrip()
    if stripped.startswith("{"):
        try:
            found = json.loads(stripped)["checkpoint"]
        except (ValueError, KeyError, TypeError):
            raise note.NoteError('a JSON file without a "checkpoint" note') from None
        if not isinstance(found, str):
            raise note.NoteError('"checkpoint" is not a note')
        return found
    return content


def first_difference(old: Sequence[bytes], new: Sequence[bytes]) -> int | None:
    """The first position where two logs' entries differ (within the shorter), or None."""
    for seq, (a, b) in enumerate(zip(old, new, strict=False)):
        if a.rstrip(b"\r\n") != b.rstrip(b"\r\n"):
            return seq
    return None
