"""The witness rule (truce.ledger.witness): cosign only what extends what was seen, and keep
evidence that anyone with the operator's public key alone can check again.

Trees are real RFC 9162 trees (truce.ledger.merkle.Tree); a dishonest operator is played by
rewriting a leaf and re-signing with the operator's key, exactly what a server-disk attacker can.
"""

from __future__ import annotations

import base64
import json

import nacl.signing
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truce.ledger.keys import SigningKey
from truce.ledger.merkle import Tree, leaf_hash
from truce.ledger.note import checkpoint_text, make_verifier, sign_note
from truce.ledger.witness import (
    Evidence,
    EvidenceError,
    WitnessState,
    check_evidence,
    judge,
)

ORIGIN = "truce.local/ledger"
OPERATOR = SigningKey("operator", nacl.signing.SigningKey(bytes([9]) * 32))
OPERATOR_V = make_verifier(ORIGIN, OPERATOR.public)
STRANGER = SigningKey("operator", nacl.signing.SigningKey(bytes([8]) * 32))


def tree(n: int, rewrite: int | None = None) -> Tree:
    """A log of n entries; with ``rewrite``, that entry's content is changed."""
    return Tree(
        leaf_hash(f"entry {i}{' (rewritten)' if i == rewrite else ''}".encode()) for i in range(n)
    )


def checkpoint(t: Tree, size: int, key: SigningKey = OPERATOR, origin: str = ORIGIN) -> str:
    return sign_note(checkpoint_text(origin, size, t.root(size)), ORIGIN, key)


def seen(t: Tree, size: int) -> WitnessState:
    state = judge(None, checkpoint(t, size), [], OPERATOR_V)
    assert isinstance(state, WitnessState)
    return state


# --- accepting ---------------------------------------------------------------------------------


def test_first_checkpoint_is_accepted_once_operator_signed() -> None:
    t = tree(5)
    state = judge(None, checkpoint(t, 5), [], OPERATOR_V)
    assert isinstance(state, WitnessState)
    assert (state.origin, state.size, state.root) == (ORIGIN, 5, t.root(5))


def test_first_checkpoint_signed_by_another_key_is_refused() -> None:
    result = judge(None, checkpoint(tree(5), 5, key=STRANGER), [], OPERATOR_V)
    assert isinstance(result, Evidence)
    assert result.kind == "bad-signature"


@pytest.mark.parametrize(("old", "new"), [(1, 2), (3, 7), (4, 8), (5, 5), (6, 13), (0, 3)])
def test_a_log_that_only_grew_is_accepted(old: int, new: int) -> None:
    t = tree(new)
    result = judge(seen(t, old), checkpoint(t, new), t.consistency_proof(old, new), OPERATOR_V)
    assert isinstance(result, WitnessState)
    assert (result.size, result.root) == (new, t.root(new))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_any_extension_is_accepted(sizes: tuple[int, int]) -> None:
    old, new = sizes
    t = tree(new)
    result = judge(seen(t, old), checkpoint(t, new), t.consistency_proof(old, new), OPERATOR_V)
    assert isinstance(result, WitnessState)


# --- refusing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "rewrite"), [(5, 8, 2), (4, 9, 0), (6, 13, 5), (1, 2, 0)])
def test_rewritten_leaf_re_signed_is_refused_as_inconsistent(
    old: int, new: int, rewrite: int
) -> None:
    honest, forged = tree(new), tree(new, rewrite=rewrite)
    state = seen(honest, old)
    # The operator re-signs a checkpoint of the rewritten log and serves its (genuine) proof.
    result = judge(state, checkpoint(forged, new), forged.consistency_proof(old, new), OPERATOR_V)
    assert isinstance(result, Evidence)
    assert result.kind == "inconsistent"
    assert result.old_checkpoint == state.checkpoint
    assert check_evidence(result, OPERATOR_V)


def test_same_size_other_root_is_a_split() -> None:
    state = seen(tree(6), 6)
    result = judge(state, checkpoint(tree(6, rewrite=3), 6), [], OPERATOR_V)
    assert isinstance(result, Evidence)
    assert result.kind == "split"
    assert check_evidence(result, OPERATOR_V).startswith("split view proved")


def test_smaller_size_is_refused_as_shrunk_but_proves_nothing() -> None:
    t = tree(8)
    result = judge(seen(t, 8), checkpoint(t, 5), [], OPERATOR_V)
    assert isinstance(result, Evidence)
    assert result.kind == "shrunk"
    with pytest.raises(EvidenceError, match="rollback"):
        check_evidence(result, OPERATOR_V)


def test_other_origin_is_refused() -> None:
    t = tree(8)
    other = sign_note(checkpoint_text("other.log", 8, t.root(8)), ORIGIN, OPERATOR)
    result = judge(seen(t, 5), other, t.consistency_proof(5, 8), OPERATOR_V)
    assert isinstance(result, Evidence)
    assert result.kind == "wrong-origin"
    with pytest.raises(EvidenceError, match="two logs"):
        check_evidence(result, OPERATOR_V)


def test_new_checkpoint_not_signed_by_operator_is_refused() -> None:
    t = tree(8)
    result = judge(
        seen(t, 5), checkpoint(t, 8, key=STRANGER), t.consistency_proof(5, 8), OPERATOR_V
    )
    assert isinstance(result, Evidence)
    assert result.kind == "bad-signature"
    with pytest.raises(EvidenceError, match="not signed by the operator"):
        check_evidence(result, OPERATOR_V)


@pytest.mark.parametrize("garbage", ["", "not a note", "a\n\n— x AAAAAAAA\n"])
def test_malformed_new_checkpoint_is_refused(garbage: str) -> None:
    result = judge(seen(tree(3), 3), garbage, [], OPERATOR_V)
    assert isinstance(result, Evidence)
    assert result.kind == "bad-signature"


def test_honest_extension_with_a_corrupted_proof_is_refused_but_not_a_rewrite() -> None:
    t = tree(13)
    proof = t.consistency_proof(6, 13)
    proof[-1] = bytes(32)
    result = judge(seen(t, 6), checkpoint(t, 13), proof, OPERATOR_V)
    assert isinstance(result, Evidence)
    assert result.kind == "inconsistent"
    # The proof reproduces neither root: it shows the link is missing, not a proved rewrite.
    verdict = check_evidence(result, OPERATOR_V)
    assert verdict.startswith("inconsistency shown")
    assert "unless the operator publishes a valid proof" in verdict


def test_rewrite_with_genuine_proof_is_proved_when_old_size_is_not_a_power_of_two() -> None:
    honest, forged = tree(13), tree(13, rewrite=2)
    result = judge(
        seen(honest, 6), checkpoint(forged, 13), forged.consistency_proof(6, 13), OPERATOR_V
    )
    assert isinstance(result, Evidence)
    verdict = check_evidence(result, OPERATOR_V)
    assert verdict.startswith("rewrite proved")
    assert base64.b64encode(forged.root(6)).decode() in verdict


# --- evidence, as a third party sees it --------------------------------------------------------


def _inconsistent() -> Evidence:
    honest, forged = tree(9), tree(9, rewrite=1)
    result = judge(
        seen(honest, 5), checkpoint(forged, 9), forged.consistency_proof(5, 9), OPERATOR_V
    )
    assert isinstance(result, Evidence)
    return result


def test_evidence_round_trips_through_json_and_still_convicts() -> None:
    evidence = _inconsistent()
    text = evidence.to_json()
    again = Evidence.from_json(text)
    assert again == evidence
    assert json.loads(text)["format"] == "truce-witness-evidence/1"
    assert check_evidence(again, OPERATOR_V) == check_evidence(evidence, OPERATOR_V)


def test_evidence_is_checked_with_the_operator_key_only() -> None:
    # Another key (a witness's, or a forger's) does not make the evidence convict.
    with pytest.raises(EvidenceError, match="not signed by the operator key"):
        check_evidence(_inconsistent(), make_verifier(ORIGIN, STRANGER.public))


def test_forged_evidence_with_a_checkpoint_the_operator_never_signed_is_rejected() -> None:
    # A witness that wants to frame the operator signs a "rewritten" checkpoint itself.
    honest, forged = tree(9), tree(9, rewrite=1)
    evidence = Evidence(
        "inconsistent",
        ORIGIN,
        checkpoint(honest, 5),
        checkpoint(forged, 9, key=STRANGER),
        [base64.b64encode(h).decode() for h in forged.consistency_proof(5, 9)],
        "framed",
    )
    with pytest.raises(EvidenceError, match="new checkpoint is not signed by the operator"):
        check_evidence(evidence, OPERATOR_V)


def test_evidence_whose_root_was_edited_is_rejected() -> None:
    evidence = _inconsistent()
    lines = evidence.new_checkpoint.split("\n")
    lines[2] = base64.b64encode(tree(9).root(9)).decode()
    evidence.new_checkpoint = "\n".join(lines)
    with pytest.raises(EvidenceError, match="not signed by the operator"):
        check_evidence(evidence, OPERATOR_V)


def test_evidence_with_a_valid_proof_proves_nothing() -> None:
    # A witness claiming "inconsistent" about an honest extension is contradicted by the proof.
    t = tree(9)
    evidence = Evidence(
        "inconsistent",
        ORIGIN,
        checkpoint(t, 5),
        checkpoint(t, 9),
        [base64.b64encode(h).decode() for h in t.consistency_proof(5, 9)],
    )
    with pytest.raises(EvidenceError, match="the proof is valid"):
        check_evidence(evidence, OPERATOR_V)


def test_a_split_claim_about_identical_checkpoints_proves_nothing() -> None:
    t = tree(4)
    evidence = Evidence("split", ORIGIN, checkpoint(t, 4), checkpoint(t, 4))
    with pytest.raises(EvidenceError, match="agree"):
        check_evidence(evidence, OPERATOR_V)


def test_the_verdict_is_recomputed_whatever_kind_claims() -> None:
    evidence = judge(seen(tree(6), 6), checkpoint(tree(6, rewrite=0), 6), [], OPERATOR_V)
    assert isinstance(evidence, Evidence)
    evidence.kind = "shrunk"
    assert check_evidence(evidence, OPERATOR_V).startswith("split view proved")


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"kind": "lies"}, "kind"),
        ({"old_checkpoint": 5}, "old_checkpoint"),
        ({"proof": "AAAA"}, "proof"),
        ({"format": "other/1"}, "format"),
    ],
)
def test_malformed_evidence_json_names_the_field(patch: dict[str, object], field: str) -> None:
    data = _inconsistent().to_dict() | patch
    with pytest.raises(EvidenceError, match=field):
        Evidence.from_json(json.dumps(data))


def test_evidence_with_a_malformed_proof_hash_is_rejected() -> None:
    evidence = _inconsistent()
    evidence.proof = ["not base64!"]
    with pytest.raises(EvidenceError, match="proof"):
        check_evidence(evidence, OPERATOR_V)


def test_not_json_is_rejected() -> None:
    with pytest.raises(EvidenceError, match="not JSON"):
        Evidence.from_json("{")


# --- state -------------------------------------------------------------------------------------


def test_state_round_trips_through_json() -> None:
    state = seen(tree(7), 7)
    assert WitnessState.from_json(state.to_json()) == state


def test_state_edited_by_hand_to_disagree_with_its_checkpoint_is_rejected() -> None:
    data = json.loads(seen(tree(7), 7).to_json())
    data["size"] = 3
    with pytest.raises(EvidenceError, match="differ from its checkpoint"):
        WitnessState.from_json(json.dumps(data))
