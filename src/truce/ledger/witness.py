"""What a witness decides about a new checkpoint, and what its refusal proves to anyone else.

A witness keeps the last checkpoint it cosigned (``WitnessState``). Shown a newer one, it
cosigns only if the operator signed it, it names the same log, and a consistency proof shows the
new tree begins with the old one (RFC 9162). Otherwise it refuses and keeps ``Evidence``: both
operator-signed checkpoints and the proof it was given, so that anyone holding only the
operator's public key can re-check the refusal (``check_evidence``) without trusting the witness.

Pure: strings and bytes in and out, no I/O, no clock.

What evidence can prove: the operator's signature makes each checkpoint its own statement.
- Two signed checkpoints of one size with different roots prove a split view outright.
- A proof that reproduces the new root from its own hashes but yields another root for the
  old size proves the new tree does not begin with the old one (SHA-256 binds the hashes).
- A proof that fails in any other way shows that the operator did not connect the two
  checkpoints; a valid proof from the operator would answer it, so the verdict says so.
- A smaller checkpoint after a larger one proves nothing by itself (an old checkpoint can be
  replayed by anyone), so the witness refuses it but ``check_evidence`` does not convict.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from truce.ledger.merkle import HASH_SIZE, node_hash, verify_consistency
from truce.ledger.note import (
    CheckpointBody,
    NoteError,
    Verifier,
    parse_checkpoint,
    parse_note,
    verify_note,
)

EVIDENCE_FORMAT = "truce-witness-evidence/1"
STATE_FORMAT = "truce-witness-state/1"
KINDS = ("inconsistent", "split", "shrunk", "bad-signature", "wrong-origin")


class EvidenceError(ValueError):
    """The evidence is malformed, or does not prove that the operator misbehaved."""


@dataclass
class WitnessState:
    """The newest checkpoint this witness has accepted (and so may cosign)."""

    origin: str
    size: int
    root: bytes
    checkpoint: str  # the signed note, as received

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "origin": self.origin,
            "size": self.size,
            "root": _b64(self.root),
            "checkpoint": self.checkpoint,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Any) -> WitnessState:
        d = _object(data, "witness state")
        state = cls(
            origin=_str(d, "origin"),
            size=_int(d, "size"),
            root=_hash(_str(d, "root"), "root"),
            checkpoint=_str(d, "checkpoint"),
        )
        # The fields are a cache of the note: a state file edited by hand must not disagree.
        try:
            body = parse_checkpoint(parse_note(state.checkpoint).text)
        except NoteError as exc:
            raise EvidenceError(f"witness state: checkpoint: {exc}") from None
        if (body.origin, body.size, body.root) != (state.origin, state.size, state.root):
            raise EvidenceError("witness state: origin, size or root differ from its checkpoint")
        return state

    @classmethod
    def from_json(cls, text: str | bytes) -> WitnessState:
        return cls.from_dict(_loads(text, "witness state"))


@dataclass
class Evidence:
    """Why a witness refused a checkpoint, with everything needed to check it again."""

    kind: str
    origin: str
    old_checkpoint: str  # signed note ("" when the witness had none yet)
    new_checkpoint: str  # signed note
    proof: list[str] = field(default_factory=list)  # base64 hashes, as served
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": EVIDENCE_FORMAT,
            "kind": self.kind,
            "origin": self.origin,
            "old_checkpoint": self.old_checkpoint,
            "new_checkpoint": self.new_checkpoint,
            "proof": list(self.proof),
            "reason": self.reason,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Any) -> Evidence:
        d = _object(data, "evidence")
        fmt = d.get("format", EVIDENCE_FORMAT)
        if fmt != EVIDENCE_FORMAT:
            raise EvidenceError(f"evidence: unknown format {fmt!r}")
        kind = _str(d, "kind")
        if kind not in KINDS:
            raise EvidenceError(f"evidence: kind must be one of {', '.join(KINDS)}")
        proof = d.get("proof", [])
        if not isinstance(proof, list) or not all(isinstance(h, str) for h in proof):
            raise EvidenceError("evidence: proof must be a list of base64 strings")
        return cls(
            kind=kind,
            origin=_str(d, "origin"),
            old_checkpoint=_str(d, "old_checkpoint"),
            new_checkpoint=_str(d, "new_checkpoint"),
            proof=list(proof),
            reason=d.get("reason", "") if isinstance(d.get("reason", ""), str) else "",
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Evidence:
        return cls.from_dict(_loads(text, "evidence"))


def judge(
    state: WitnessState | None, new_note: str, proof: Sequence[bytes], operator: Verifier
) -> WitnessState | Evidence:
    """The state to cosign from, or the evidence to refuse with.

    ``state`` is None for a witness that has seen nothing yet: it accepts the first
    operator-signed checkpoint (trust on first use; the trust file pins the operator's key).
    """
    old_note = state.checkpoint if state else ""
    origin = state.origin if state else ""
    proof_b64 = [_b64(bytes(h)) for h in proof]

    def refuse(kind: str, reason: str) -> Evidence:
        return Evidence(kind, origin, old_note, new_note, proof_b64, reason)

    try:
        body = _signed_checkpoint(new_note, operator)
    except NoteError as exc:
        return refuse("bad-signature", f"the new checkpoint is not valid: {exc}")
    accepted = WitnessState(body.origin, body.size, body.root, new_note)
    if state is None:
        return accepted
    if body.origin != state.origin:
        return refuse(
            "wrong-origin", f"the new checkpoint is for log {body.origin!r}, not {state.origin!r}"
        )
    if body.size < state.size:
        return refuse(
            "shrunk", f"the new checkpoint has {body.size} entries, fewer than {state.size} seen"
        )
    if body.size == state.size:
        if body.root != state.root:
            return refuse(
                "split", f"two different roots for the same size {body.size}: a split view"
            )
        return accepted
    if not verify_consistency(state.size, body.size, state.root, body.root, list(proof)):
        return refuse(
            "inconsistent",
            f"the consistency proof from size {state.size} to {body.size} does not verify",
        )
    return accepted


def check_evidence(evidence: Evidence, operator: Verifier) -> str:
    """One line saying what the evidence proves about the operator; ``EvidenceError`` when it
    proves nothing (a checkpoint not signed by ``operator``, a valid proof, a mere rollback).

    Trusts nothing in the file but the operator's signatures: sizes and roots are read from
    the signed checkpoints, and the verdict is recomputed, whatever ``kind`` claims.
    """
    old = _evidence_checkpoint(evidence.old_checkpoint, operator, "old")
    new = _evidence_checkpoint(evidence.new_checkpoint, operator, "new")
    if old.origin != new.origin:
        raise EvidenceError(
            f"the checkpoints are of two logs ({old.origin!r}, {new.origin!r}): nothing to compare"
        )
    log = f"log {old.origin!r}"
    if old.size == new.size:
        if old.root == new.root:
            raise EvidenceError(f"the two checkpoints of {log} agree: nothing is proved")
        return (
            f"split view proved: the operator signed two different trees of size {old.size} "
            f"for {log} (roots {_b64(old.root)} and {_b64(new.root)})"
        )
    if old.size > new.size:
        raise EvidenceError(
            f"the checkpoint of size {new.size} is older than the one of size {old.size}: "
            "being shown an old checkpoint (a rollback) proves nothing against the operator"
        )
    proof = [_hash(h, "proof") for h in evidence.proof]
    if verify_consistency(old.size, new.size, old.root, new.root, proof):
        raise EvidenceError(
            f"the proof is valid: size {new.size} of {log} extends size {old.size}; "
            "nothing is proved"
        )
    prefix = _prefix_root(old.size, new.size, new.root, proof)
    if prefix is not None and prefix != old.root:
        return (
            f"rewrite proved: the operator's tree of size {new.size} for {log} begins with a "
            f"tree of size {old.size} whose root is {_b64(prefix)}, not the {_b64(old.root)} "
            "it signed before"
        )
    return (
        f"inconsistency shown: the operator signed sizes {old.size} and {new.size} of {log} "
        "and the consistency proof given does not join them; unless the operator publishes a "
        "valid proof between these two checkpoints, the log was rewritten"
    )


# --- helpers -----------------------------------------------------------------------------------


def _signed_checkpoint(note_text: str, operator: Verifier) -> CheckpointBody:
    """The checkpoint's body, once the operator's signature on it is checked."""
    note = parse_note(note_text)
    verify_note(note, [operator])
    return parse_checkpoint(note.text)


def _evidence_checkpoint(note_text: str, operator: Verifier, which: str) -> CheckpointBody:
    if not note_text:
        raise EvidenceError(f"the evidence has no {which} checkpoint: nothing to compare")
    try:
        return _signed_checkpoint(note_text, operator)
    except NoteError as exc:
        raise EvidenceError(
            f"the {which} checkpoint is not signed by the operator key "
            f"{operator.name}+{operator.key_hash.hex()}: {exc}"
        ) from None


def _prefix_root(m: int, n: int, new_root: bytes, proof: Sequence[bytes]) -> bytes | None:
    """The root of the first ``m`` leaves as the proof commits to it, if the proof reproduces
    ``new_root`` on its own; else None.

    Follows the verification of RFC 9162 section 2.1.4.2, but computes the old root instead of
    comparing with it. Only possible when ``m`` is not a power of two: otherwise the proof
    leaves the old root out and there is nothing to compute it from.
    """
    if not 0 < m < n or m & (m - 1) == 0 or not proof:
        return None
    if any(len(h) != HASH_SIZE for h in proof):
        return None
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0 or sr != new_root:
        return None
    return fr


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _hash(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise EvidenceError(f"{what}: not valid base64: {text[:20]!r}") from None
    if len(raw) != HASH_SIZE:
        raise EvidenceError(f"{what}: a hash is {HASH_SIZE} bytes, got {len(raw)}")
    return raw


def _loads(text: str | bytes, what: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EvidenceError(f"{what}: not JSON ({exc})") from None


def _object(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise EvidenceError(f"{what}: expected a JSON object")
    return data


def _str(d: dict[str, Any], key: str) -> str:
    value = d.get(key)
    if not isinstance(value, str):
        raise EvidenceError(f"field {key!r} must be a string")
    return value


def _int(d: dict[str, Any], key: str) -> int:
    value = d.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise EvidenceError(f"field {key!r} must be a non-negative integer")
    return value
