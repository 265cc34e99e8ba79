"""`truce ledger evidence` and `truce ledger compare`: checks anyone can run offline, holding
only the log operator's public key, to see whether the operator showed two different logs.

Exit codes: 0 the check passed (evidence: misbehaviour is proved; compare: the checkpoints
agree), 1 it found the opposite (evidence: nothing is proved; compare: a split view or a failed
proof), 2 the input is wrong, and for compare 3 when it cannot tell without a proof.
"""

from __future__ import annotations

import base64
import binascii
import json
import sys
from pathlib import Path
from typing import Any

import click

from truce.cli.mechanism import ledger
from truce.domain.errors import InputRejected
from truce.ledger.merkle import verify_consistency
from truce.ledger.note import (
    CheckpointBody,
    NoteError,
    Verifier,
    parse_checkpoint,
    parse_note,
    parse_verifier_key,
    verify_note,
)
from truce.ledger.witness import Evidence, EvidenceError, check_evidence

EXIT_NOT_PROVED = 1
EXIT_SPLIT = 1
EXIT_CANNOT_TELL = 3

_operator_options = [
    click.option(
        "--operator-key",
        help="The log operator's verifier key (name+hash+base64), as in the trust file.",
    ),
    click.option(
        "--trust",
        "trust_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="A trust file: its 'operator' key is used.",
    ),
]


def _with_operator_options(f: Any) -> Any:
    for option in reversed(_operator_options):
        f = option(f)
    return f


@ledger.command("evidence")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_with_operator_options
def ledger_evidence(file: Path, operator_key: str | None, trust_file: Path | None) -> None:
    """Check a witness's evidence FILE against the operator's key alone. Exits 0 and says what
    is proved when it proves the operator signed two logs that cannot both be true; exits 1
    and says why when it proves nothing."""
    operator, _ = _operator(operator_key, trust_file)
    try:
        evidence = Evidence.from_json(file.read_bytes())
    except EvidenceError as exc:
        raise InputRejected(f"{file}: {exc}") from None
    try:
        verdict = check_evidence(evidence, operator)
    except EvidenceError as exc:
        click.echo(f"not proved: {exc}")
        sys.exit(EXIT_NOT_PROVED)
    click.echo(verdict)


@ledger.command("compare")
@click.argument("a", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("b", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--proof",
    "proof_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='Consistency proof JSON {"old": M, "new": N, "proof": [base64, ...]}, as served by '
    "GET /api/ledger/consistency?old=M&new=N.",
)
@_with_operator_options
def ledger_compare(
    a: Path,
    b: Path,
    proof_file: Path | None,
    operator_key: str | None,
    trust_file: Path | None,
) -> None:
    """Compare two checkpoints A and B of one log, got from different sources (two witnesses,
    a member and a mirror). Both must be signed by the operator. Says whether they are the
    same, whether one extends the other (which needs --proof), or whether they show a split
    view: two trees of the same size with different roots (exit 1)."""
    operator, origin = _operator(operator_key, trust_file)
    first, second = _checkpoint(a, operator), _checkpoint(b, operator)
    if first.origin != second.origin:
        raise InputRejected(f"{a} and {b} are checkpoints of two logs: nothing to compare")
    if origin is not None and first.origin != origin:
        raise InputRejected(f"the checkpoints are of log {first.origin!r}, not {origin!r}")
    if first.size == second.size:
        if first.root != second.root:
            click.echo(
                f"split view: {a} and {b} are both signed by the operator for size {first.size} "
                "but have different roots"
            )
            sys.exit(EXIT_SPLIT)
        click.echo(f"same: both are size {first.size} with the same root")
        return
    (old_path, old), (new_path, new) = sorted(
        [(a, first), (b, second)], key=lambda pair: pair[1].size
    )
    if proof_file is None:
        click.echo(
            f"cannot tell: {new_path} (size {new.size}) is larger than {old_path} (size "
            f"{old.size}); give --proof with the consistency proof from {old.size} to {new.size}"
        )
        sys.exit(EXIT_CANNOT_TELL)
    proof = _proof(proof_file, old.size, new.size)
    if verify_consistency(old.size, new.size, old.root, new.root, proof):
        click.echo(f"extends: {new_path} (size {new.size}) extends {old_path} (size {old.size})")
        return
    evidence = Evidence(
        "inconsistent",
        old.origin,
        old_path.read_text(encoding="utf-8"),
        new_path.read_text(encoding="utf-8"),
        [_b64(h) for h in proof],
    )
    try:
        verdict = check_evidence(evidence, operator)
    except EvidenceError as exc:  # cannot happen for a failed proof; say so rather than crash
        verdict = str(exc)
    click.echo(f"inconsistent: {verdict}")
    sys.exit(EXIT_SPLIT)


# --- helpers -----------------------------------------------------------------------------------


def _operator(operator_key: str | None, trust_file: Path | None) -> tuple[Verifier, str | None]:
    """The operator's key, and the log's origin when the trust file names it."""
    if (operator_key is None) == (trust_file is None):
        raise click.UsageError("give the operator's key: --operator-key KEY or --trust FILE")
    origin: str | None = None
    if trust_file is not None:
        try:
            trust = json.loads(trust_file.read_bytes())
        except (ValueError, UnicodeDecodeError) as exc:
            raise InputRejected(f"trust file {trust_file}: not JSON ({exc})") from None
        if not isinstance(trust, dict) or not isinstance(trust.get("operator"), str):
            raise InputRejected(f"trust file {trust_file}: field 'operator' must be a key string")
        operator_key = trust["operator"]
        if isinstance(trust.get("origin"), str):
            origin = trust["origin"]
    assert operator_key is not None
    try:
        return parse_verifier_key(operator_key), origin
    except NoteError as exc:
        raise InputRejected(f"operator key: {exc}") from None


def _checkpoint(path: Path, operator: Verifier) -> CheckpointBody:
    try:
        text = path.read_bytes().decode("utf-8")
        note = parse_note(text)
        verify_note(note, [operator])
        return parse_checkpoint(note.text)
    except UnicodeDecodeError:
        raise InputRejected(f"{path}: not UTF-8 text") from None
    except NoteError as exc:
        raise InputRejected(f"{path}: not a checkpoint signed by the operator: {exc}") from None


def _proof(path: Path, old: int, new: int) -> list[bytes]:
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputRejected(f"proof {path}: not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise InputRejected(f"proof {path}: expected a JSON object")
    for field, want in (("old", old), ("new", new)):
        if data.get(field) != want:
            raise InputRejected(f"proof {path}: field {field!r} must be {want}")
    hashes = data.get("proof")
    if not isinstance(hashes, list) or not all(isinstance(h, str) for h in hashes):
        raise InputRejected(f"proof {path}: field 'proof' must be a list of base64 hashes")
    try:
        return [_unb64(h) for h in hashes]
    except (binascii.Error, ValueError):
        raise InputRejected(
            f"proof {path}: field 'proof' holds a hash that is not base64"
        ) from None


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)
