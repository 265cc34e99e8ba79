"""Checking a log's C2SP checkpoints against its entries, and finding where two logs part."""

from __future__ import annotations

import json

import pytest

from truce.ledger import merkle, note
from truce.ledger.checkpoints import check_notes, first_difference, held_checkpoint
from truce.ledger.keys import SigningKey

ORIGIN = "example.org/log"
OPERATOR = SigningKey.generate("operator")
OPERATOR_V = note.make_verifier(ORIGIN, OPERATOR.public)
WITNESS = SigningKey.generate("iran")
WITNESS_V = note.make_verifier("iran", WITNESS.public, note.COSIGNATURE_V1)
LINES = [f"entry {k}".encode() for k in range(12)]
TREE = merkle.Tree(merkle.leaf_hash(line) for line in LINES)


def _note(size: int, root: bytes | None = None, key: SigningKey = OPERATOR) -> str:
    text = note.checkpoint_text(ORIGIN, size, TREE.root(size) if root is None else root)
    return note.sign_note(text, ORIGIN, key)


def _cosigned(signed: str, key: SigningKey = WITNESS) -> str:
    text = note.parse_note(signed).text
    return note.add_signatures(signed, [note.cosignature_line(text, "iran", key, 1_700_000_000)])


def _check(notes: list[str]) -> list[str]:
    found = check_notes(
        TREE.root, len(TREE), notes, OPERATOR_V, [("iran", WITNESS_V)], origin=ORIGIN
    )
    return [str(p) for p in found.problems]


def test_honest_checkpoints_pass_and_their_witnesses_are_named() -> None:
    notes = [_note(4), _cosigned(_note(9))]
    found = check_notes(TREE.root, len(TREE), notes, OPERATOR_V, [("iran", WITNESS_V)])
    assert found.problems == []
    assert found.cosigned == [(4, []), (9, ["iran"])]


def test_each_dishonest_checkpoint_is_named_with_why() -> None:
    assert _check([_note(5, key=SigningKey.generate("x"))]) == [
        f"C2SP checkpoint 0 (size 5): is not signed by the log operator's key ({ORIGIN})"
    ]
    assert "its root does not match entries 0-4" in _check([_note(5, b"\x01" * 32)])[0]
    assert (
        "covers 13 entries but the log has only 12"
        in _check([_note(12), _note(13, b"\x01" * 32)])[0]
    )
    assert "smaller than the checkpoint before it (size 9)" in _check([_note(9), _note(4)])[0]
    forged = _cosigned(_note(6), SigningKey.generate("iran"))
    # A cosignature line in iran's name and key hash, but not made with iran's key.
    line = note.parse_note(forged).signatures[-1]
    fake = note.NoteSignature("iran", WITNESS_V.key_hash, line.data)
    tampered = note.add_signatures(_note(6), [fake.line])
    assert _check([tampered]) == ["C2SP checkpoint 0 (size 6): iran's cosignature does not verify"]
    assert "is malformed" in _check(["not a note"])[0]


def test_a_held_checkpoint_is_a_note_or_a_witness_state() -> None:
    signed = _note(3)
    assert held_checkpoint(signed) == signed
    assert held_checkpoint(json.dumps({"checkpoint": signed, "size": 3})) == signed
    with pytest.raises(note.NoteError):
        held_checkpoint(json.dumps({"size": 3}))


def test_the_first_difference_between_two_logs() -> None:
    changed = [*LINES[:7], b"rewritten", *LINES[8:]]
    assert first_difference(LINES, changed) == 7
    assert first_difference(LINES, LINES[:5]) is None  # a prefix: the caller names what is gone
    assert first_difference(LINES, [line + b"\n" for line in LINES]) is None
