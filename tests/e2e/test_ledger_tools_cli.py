"""`truce ledger evidence` and `truce ledger compare` as a member or a stranger runs them:
offline, on files, with only the operator's public key (given directly or from a trust file)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import nacl.signing
import pytest
from click.testing import CliRunner, Result

from truce.cli import cli
from truce.ledger.keys import SigningKey
from truce.ledger.merkle import Tree, leaf_hash
from truce.ledger.note import checkpoint_text, parse_verifier_key, sign_note, verifier_key
from truce.ledger.witness import Evidence, WitnessState, judge

ORIGIN = "truce.local/ledger"
OPERATOR = SigningKey("operator", nacl.signing.SigningKey(bytes([21]) * 32))
OPERATOR_KEY = verifier_key(ORIGIN, OPERATOR.public)
OPERATOR_V = parse_verifier_key(OPERATOR_KEY)
STRANGER = SigningKey("operator", nacl.signing.SigningKey(bytes([22]) * 32))


def tree(n: int, rewrite: int | None = None) -> Tree:
    return Tree(leaf_hash(f"e{i}{'*' if i == rewrite else ''}".encode()) for i in range(n))


def checkpoint(t: Tree, size: int, key: SigningKey = OPERATOR) -> str:
    return sign_note(checkpoint_text(ORIGIN, size, t.root(size)), ORIGIN, key)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["ledger", *args])


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def trust(tmp_path: Path) -> str:
    other = verifier_key("w", STRANGER.public, 0x04)
    body = {"origin": ORIGIN, "operator": OPERATOR_KEY, "witnesses": {"w": other}, "members": {}}
    return write(tmp_path / "trust.json", json.dumps(body))


def rewrite_evidence() -> Evidence:
    honest, forged = tree(11), tree(11, rewrite=3)
    state = judge(None, checkpoint(honest, 6), [], OPERATOR_V)
    assert isinstance(state, WitnessState)
    evidence = judge(state, checkpoint(forged, 11), forged.consistency_proof(6, 11), OPERATOR_V)
    assert isinstance(evidence, Evidence)
    return evidence


# --- evidence ----------------------------------------------------------------------------------


def test_evidence_of_a_rewrite_proves_it_with_the_operator_key(tmp_path: Path) -> None:
    file = write(tmp_path / "evidence.json", rewrite_evidence().to_json())
    result = run("evidence", file, "--operator-key", OPERATOR_KEY)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("rewrite proved")


def test_evidence_of_a_split_proves_it_with_the_trust_file(tmp_path: Path, trust: str) -> None:
    state = judge(None, checkpoint(tree(4), 4), [], OPERATOR_V)
    assert isinstance(state, WitnessState)
    evidence = judge(state, checkpoint(tree(4, rewrite=0), 4), [], OPERATOR_V)
    file = write(tmp_path / "split.json", evidence.to_json())
    result = run("evidence", file, "--trust", trust)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("split view proved")


def test_forged_evidence_proves_nothing(tmp_path: Path) -> None:
    evidence = rewrite_evidence()
    evidence.new_checkpoint = checkpoint(tree(11, rewrite=3), 11, key=STRANGER)
    file = write(tmp_path / "forged.json", evidence.to_json())
    result = run("evidence", file, "--operator-key", OPERATOR_KEY)
    assert result.exit_code == 1
    assert result.output.startswith("not proved: the new checkpoint is not signed by the operator")


def test_evidence_checked_against_another_key_proves_nothing(tmp_path: Path) -> None:
    file = write(tmp_path / "evidence.json", rewrite_evidence().to_json())
    result = run("evidence", file, "--operator-key", verifier_key(ORIGIN, STRANGER.public))
    assert result.exit_code == 1
    assert "not proved" in result.output


def test_malformed_evidence_file_is_an_input_error(tmp_path: Path) -> None:
    file = write(tmp_path / "bad.json", json.dumps({"kind": "split"}))
    result = run("evidence", file, "--operator-key", OPERATOR_KEY)
    assert result.exit_code == 2
    assert "origin" in result.output


def test_the_operator_key_is_required_once(tmp_path: Path, trust: str) -> None:
    file = write(tmp_path / "evidence.json", rewrite_evidence().to_json())
    assert run("evidence", file).exit_code == 2
    both = run("evidence", file, "--trust", trust, "--operator-key", OPERATOR_KEY)
    assert both.exit_code == 2
    bad = run("evidence", file, "--operator-key", "not+a+key")
    assert bad.exit_code == 2
    assert "operator key" in bad.output


# --- compare -----------------------------------------------------------------------------------


def test_compare_same_checkpoint_from_two_sources(tmp_path: Path, trust: str) -> None:
    t = tree(5)
    a = write(tmp_path / "a", checkpoint(t, 5))
    b = write(tmp_path / "b", checkpoint(t, 5))
    result = run("compare", a, b, "--trust", trust)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("same: both are size 5")


def test_compare_shows_a_split_view_and_exits_1(tmp_path: Path) -> None:
    a = write(tmp_path / "a", checkpoint(tree(5), 5))
    b = write(tmp_path / "b", checkpoint(tree(5, rewrite=1), 5))
    result = run("compare", a, b, "--operator-key", OPERATOR_KEY)
    assert result.exit_code == 1
    assert result.output.startswith("split view:")
    assert len(result.output.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]  # writes nothing else


def test_compare_extension_needs_a_proof(tmp_path: Path) -> None:
    t = tree(9)
    a = write(tmp_path / "a", checkpoint(t, 9))
    b = write(tmp_path / "b", checkpoint(t, 4))
    result = run("compare", a, b, "--operator-key", OPERATOR_KEY)
    assert result.exit_code == 3
    assert result.output.startswith("cannot tell:")
    assert "from 4 to 9" in result.output


def test_compare_extension_with_a_valid_proof(tmp_path: Path, trust: str) -> None:
    t = tree(9)
    a = write(tmp_path / "a", checkpoint(t, 9))
    b = write(tmp_path / "b", checkpoint(t, 6))
    proof = {"old": 6, "new": 9, "proof": [_b64(h) for h in t.consistency_proof(6, 9)]}
    p = write(tmp_path / "proof.json", json.dumps(proof))
    result = run("compare", a, b, "--trust", trust, "--proof", p)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("extends:")


def test_compare_rewritten_log_with_its_own_proof_is_inconsistent(tmp_path: Path) -> None:
    honest, forged = tree(9), tree(9, rewrite=2)
    a = write(tmp_path / "a", checkpoint(honest, 6))
    b = write(tmp_path / "b", checkpoint(forged, 9))
    proof = {"old": 6, "new": 9, "proof": [_b64(h) for h in forged.consistency_proof(6, 9)]}
    p = write(tmp_path / "proof.json", json.dumps(proof))
    result = run("compare", a, b, "--operator-key", OPERATOR_KEY, "--proof", p)
    assert result.exit_code == 1
    assert result.output.startswith("inconsistent: rewrite proved")


@pytest.mark.parametrize(
    ("proof", "field"),
    [
        ({"old": 5, "new": 9, "proof": []}, "old"),
        ({"old": 6, "new": 8, "proof": []}, "new"),
        ({"old": 6, "new": 9, "proof": "x"}, "proof"),
        ({"old": 6, "new": 9, "proof": ["!!"]}, "proof"),
    ],
)
def test_compare_refuses_a_proof_for_other_sizes(
    tmp_path: Path, proof: dict[str, object], field: str
) -> None:
    t = tree(9)
    a = write(tmp_path / "a", checkpoint(t, 6))
    b = write(tmp_path / "b", checkpoint(t, 9))
    p = write(tmp_path / "proof.json", json.dumps(proof))
    result = run("compare", a, b, "--operator-key", OPERATOR_KEY, "--proof", p)
    assert result.exit_code == 2
    assert f"field '{field}'" in result.output


def test_compare_refuses_a_checkpoint_the_operator_did_not_sign(tmp_path: Path) -> None:
    a = write(tmp_path / "a", checkpoint(tree(5), 5))
    b = write(tmp_path / "b", checkpoint(tree(5, rewrite=1), 5, key=STRANGER))
    result = run("compare", a, b, "--operator-key", OPERATOR_KEY)
    assert result.exit_code == 2
    assert "not a checkpoint signed by the operator" in result.output


def test_compare_refuses_a_log_other_than_the_trust_files(tmp_path: Path) -> None:
    t = tree(3)
    other = sign_note(checkpoint_text("elsewhere/log", 3, t.root(3)), ORIGIN, OPERATOR)
    trust = write(tmp_path / "trust.json", json.dumps({"origin": ORIGIN, "operator": OPERATOR_KEY}))
    a = write(tmp_path / "a", other)
    result = run("compare", a, a, "--trust", trust)
    assert result.exit_code == 2
    assert "elsewhere/log" in result.output


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()
