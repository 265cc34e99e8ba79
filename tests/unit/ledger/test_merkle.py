"""The RFC 9162 Merkle tree: roots, proofs and their verification.

Expected values come from a direct transcription of the RFC's recursive definitions (MTH, PATH,
PROOF), written here to be obviously right rather than fast; the tree under test must agree with
it exactly, and its proofs must pass the RFC's verification algorithms and fail when tampered.
"""

from __future__ import annotations

import hashlib
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truce.ledger.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    ProofError,
    Tree,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

# --- the RFC 9162 section 2.1 definitions, verbatim -------------------------------------------


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: list[bytes]) -> bytes:
    """MTH over raw entries."""
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = _k(len(d))
    return hashlib.sha256(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:])).digest()


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [ref_mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def ref_proof(m: int, d: list[bytes]) -> list[bytes]:
    return ref_subproof(m, d, True)


# --- fixtures ---------------------------------------------------------------------------------


def entries(n: int) -> list[bytes]:
    return [f"entry-{i}".encode() for i in range(n)]


def hashes(n: int) -> list[bytes]:
    return [leaf_hash(e) for e in entries(n)]


BIG = 257
BIG_TREE = Tree(hashes(BIG))
BIG_ENTRIES = entries(BIG)
REF_ROOTS = [ref_mth(BIG_ENTRIES[:n]) for n in range(BIG + 1)]


def flip(h: bytes, byte: int = 0) -> bytes:
    return h[:byte] + bytes([h[byte] ^ 0x01]) + h[byte + 1 :]


OTHER = leaf_hash(b"not in the tree")


# --- hashing and roots ------------------------------------------------------------------------


def test_hashes_are_domain_separated_sha256() -> None:
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert (
        node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )
    assert len(leaf_hash(b"")) == HASH_SIZE
    assert hashlib.sha256(b"").digest() == EMPTY_ROOT


def test_known_rfc_vectors() -> None:
    # Hand-expanded from the definitions, independent of ref_mth.
    a, b, c = (leaf_hash(x) for x in (b"a", b"b", b"c"))
    assert root([]) == hashlib.sha256(b"").digest()
    assert root([a]) == a
    assert root([a, b]) == node_hash(a, b)
    assert root([a, b, c]) == node_hash(node_hash(a, b), c)
    d, e = leaf_hash(b"d"), leaf_hash(b"e")
    assert root([a, b, c, d, e]) == node_hash(node_hash(node_hash(a, b), node_hash(c, d)), e)


@pytest.mark.parametrize("n", range(41))
def test_roots_match_the_rfc_definition(n: int) -> None:
    expected = ref_mth(entries(n))
    assert root(hashes(n)) == expected
    assert Tree(hashes(n)).root() == expected


def test_every_prefix_root_matches() -> None:
    for n in range(BIG + 1):
        assert BIG_TREE.root(n) == REF_ROOTS[n], n
        assert root(hashes(n)) == REF_ROOTS[n], n


def test_appending_one_by_one_equals_building_at_once() -> None:
    tree = Tree()
    assert len(tree) == 0
    assert tree.root() == EMPTY_ROOT
    for i, h in enumerate(hashes(BIG)):
        tree.append(h)
        assert len(tree) == i + 1
        assert tree.root() == REF_ROOTS[i + 1]
    for n in range(BIG + 1):
        assert tree.root(n) == BIG_TREE.root(n)
    assert tree.inclusion_proof(100) == BIG_TREE.inclusion_proof(100)
    assert tree.consistency_proof(77) == BIG_TREE.consistency_proof(77)


def test_bigger_tree_agrees_with_the_plain_fold() -> None:
    leaves = hashes(5000)
    tree = Tree(leaves[:3000])
    for h in leaves[3000:]:
        tree.append(h)
    for n in (1, 2, 1023, 1024, 1025, 3000, 4095, 4096, 4097, 5000):
        assert tree.root(n) == root(leaves[:n])


def test_leaf_hashes_must_be_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Tree([b"short"])
    with pytest.raises(ValueError, match="32 bytes"):
        Tree().append(b"x" * 33)
    with pytest.raises(ValueError, match="32 bytes"):
        root([b""])


# --- proofs equal the RFC's and have its lengths ----------------------------------------------


def test_inclusion_proofs_equal_rfc_path() -> None:
    for n in range(1, 70):
        for m in range(n):
            proof = BIG_TREE.inclusion_proof(m, n)
            assert proof == ref_path(m, BIG_ENTRIES[:n]), (m, n)
            assert len(proof) <= math.ceil(math.log2(n))


def test_consistency_proofs_equal_rfc_proof() -> None:
    for n in range(1, 70):
        for m in range(1, n + 1):
            proof = BIG_TREE.consistency_proof(m, n)
            assert proof == ref_proof(m, BIG_ENTRIES[:n]), (m, n)
            assert len(proof) <= math.ceil(math.log2(n)) + 1


def test_single_leaf_tree() -> None:
    tree = Tree([OTHER])
    assert tree.root() == OTHER
    assert tree.inclusion_proof(0) == []
    assert verify_inclusion(OTHER, 0, 1, [], OTHER)
    assert not verify_inclusion(OTHER, 0, 1, [OTHER], OTHER)


def test_consistency_with_equal_sizes_is_empty_and_needs_equal_roots() -> None:
    for n in (1, 2, 7, 8, BIG):
        assert BIG_TREE.consistency_proof(n, n) == []
        assert verify_consistency(n, n, REF_ROOTS[n], REF_ROOTS[n], [])
        assert not verify_consistency(n, n, REF_ROOTS[n], REF_ROOTS[n - 1], [])
        assert not verify_consistency(n, n, REF_ROOTS[n], REF_ROOTS[n], [REF_ROOTS[n]])


def test_consistency_from_the_empty_tree() -> None:
    # Documented choice: the empty tree is a prefix of every tree, so no proof is needed; only
    # the old root (which must be the empty-tree root) can be checked.
    assert BIG_TREE.consistency_proof(0) == []
    assert BIG_TREE.consistency_proof(0, 5) == []
    assert Tree().consistency_proof(0) == []
    assert verify_consistency(0, 5, EMPTY_ROOT, REF_ROOTS[5], [])
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert not verify_consistency(0, 0, EMPTY_ROOT, REF_ROOTS[5], [])
    assert not verify_consistency(0, 5, REF_ROOTS[1], REF_ROOTS[5], [])
    assert not verify_consistency(0, 5, EMPTY_ROOT, REF_ROOTS[5], [REF_ROOTS[5]])


# --- out-of-range requests raise ProofError ---------------------------------------------------


def test_out_of_range_requests_raise_proof_error() -> None:
    tree = Tree(hashes(10))
    with pytest.raises(ProofError, match=r"leaf index 10 .* tree of 10 leaves"):
        tree.inclusion_proof(10)
    with pytest.raises(ProofError, match=r"leaf index 5 .* tree of 5 leaves"):
        tree.inclusion_proof(5, 5)
    with pytest.raises(ProofError, match=r"leaf index -1 "):
        tree.inclusion_proof(-1)
    with pytest.raises(ProofError, match=r"leaf index 0 .* tree of 0 leaves"):
        tree.inclusion_proof(0, 0)
    with pytest.raises(ProofError, match=r"size 11 .* tree of 10 leaves"):
        tree.inclusion_proof(0, 11)
    with pytest.raises(ProofError, match=r"size 11 .* tree of 10 leaves"):
        tree.root(11)
    with pytest.raises(ProofError, match=r"size -1 "):
        tree.root(-1)
    with pytest.raises(ProofError, match=r"new size 11 .* tree of 10 leaves"):
        tree.consistency_proof(3, 11)
    with pytest.raises(ProofError, match=r"old size 6 .* new size 5 \(tree of 10 leaves\)"):
        tree.consistency_proof(6, 5)
    with pytest.raises(ProofError, match=r"old size 11 .* new size 10"):
        tree.consistency_proof(11)
    with pytest.raises(ProofError, match=r"old size -1 "):
        tree.consistency_proof(-1)
    assert isinstance(ProofError("x"), ValueError)


# --- verification: good proofs pass, tampered ones fail ---------------------------------------


def tampered(proof: list[bytes], data: st.DataObject) -> list[list[bytes]]:
    """Every kind of damage the brief names, each of which must fail verification."""
    bad: list[list[bytes]] = [[*proof, OTHER], [OTHER, *proof]]
    if proof:
        i = data.draw(st.integers(0, len(proof) - 1), label="element")
        byte = data.draw(st.integers(0, HASH_SIZE - 1), label="byte")
        bad.append([*proof[:i], flip(proof[i], byte), *proof[i + 1 :]])
        bad.append(proof[:-1])
        bad.append([*proof[:i], *proof[i + 1 :]])
        bad.append([*proof[:i], proof[i][:-1], *proof[i + 1 :]])  # malformed element
    return bad


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 200), st.data())
def test_inclusion_proofs_verify_and_tampering_fails(n: int, data: st.DataObject) -> None:
    leaves = hashes(n)
    tree = Tree(leaves)
    top = tree.root()
    for m in range(n):  # every leaf verifies
        assert verify_inclusion(leaves[m], m, n, tree.inclusion_proof(m), top)
    m = data.draw(st.integers(0, n - 1), label="m")
    proof = tree.inclusion_proof(m)
    assert len(proof) <= math.ceil(math.log2(n))
    # a prefix tree's proofs come from the same stored levels
    size = data.draw(st.integers(m + 1, n), label="size")
    assert verify_inclusion(leaves[m], m, size, tree.inclusion_proof(m, size), tree.root(size))

    assert not verify_inclusion(OTHER, m, n, proof, top)
    assert not verify_inclusion(leaves[m], m, n, proof, flip(top))
    for wrong in range(n):
        if wrong != m:
            assert not verify_inclusion(leaves[m], wrong, n, proof, top)
    for bad in tampered(proof, data):
        assert not verify_inclusion(leaves[m], m, n, bad, top)
    # malformed arguments are a failed proof, not an exception
    assert not verify_inclusion(leaves[m], -1, n, proof, top)
    assert not verify_inclusion(leaves[m], n, n, proof, top)
    assert not verify_inclusion(leaves[m], 0, 0, proof, top)
    assert not verify_inclusion(leaves[m][:-1], m, n, proof, top)
    assert not verify_inclusion(leaves[m], m, n, proof, top[:-1])


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 200), st.data())
def test_consistency_proofs_verify_and_tampering_fails(n: int, data: st.DataObject) -> None:
    tree = Tree(hashes(n))
    new_root = tree.root()
    for m in range(1, n + 1):  # every earlier size verifies
        assert verify_consistency(m, n, tree.root(m), new_root, tree.consistency_proof(m))
    m = data.draw(st.integers(1, n), label="m")
    old_root = tree.root(m)
    proof = tree.consistency_proof(m)
    assert len(proof) <= math.ceil(math.log2(n)) + 1
    mid = data.draw(st.integers(m, n), label="mid")
    assert verify_consistency(m, mid, old_root, tree.root(mid), tree.consistency_proof(m, mid))

    assert not verify_consistency(m, n, flip(old_root), new_root, proof)
    assert not verify_consistency(m, n, old_root, flip(new_root), proof)
    for bad in tampered(proof, data):
        assert not verify_consistency(m, n, old_root, new_root, bad)
    if m < n:
        # the proof is tied to its sizes
        for other in range(1, n):
            if other != m:
                assert not verify_consistency(other, n, old_root, new_root, proof)
        assert not verify_consistency(m, n, old_root, new_root, [])
    # malformed arguments are a failed proof, not an exception
    assert not verify_consistency(n + 1, n, old_root, new_root, proof)
    assert not verify_consistency(-1, n, old_root, new_root, proof)
    assert not verify_consistency(m, n, old_root[:-1], new_root, proof)
    assert not verify_consistency(m, n, old_root, new_root[:-1], proof)


def test_consistency_from_a_power_of_two_omits_the_old_root() -> None:
    # RFC: when m is a power of two the old root is a node of the new tree, so it is implied.
    for m in (1, 2, 4, 8, 16, 32, 64, 128):
        proof = BIG_TREE.consistency_proof(m)
        assert REF_ROOTS[m] not in proof
        assert verify_consistency(m, BIG, REF_ROOTS[m], REF_ROOTS[BIG], proof)
