"""An RFC 9162 (Certificate Transparency v2) Merkle tree over byte strings.

The ledger is append-only, and members must be able to check that for themselves: an inclusion
proof shows an entry is in a checkpointed tree, and a consistency proof shows a later checkpoint
extends an earlier one without rewriting it. Using the RFC's exact hashing (domain-separated
leaves and nodes, the split at the largest power of two) means any independent CT-style verifier
can check our proofs, not just this code.

Pure: hashlib only, no I/O. Everything here works on *leaf hashes* (``leaf_hash(data)``), never on
raw entries, so the tree never holds more than 32 bytes per entry.

Definitions (RFC 9162 section 2.1), with k the largest power of two strictly less than n:

- MTH({}) = SHA-256(), MTH({d0}) = leaf hash of d0,
  MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
- PATH(m, D[n]) is the inclusion proof of leaf m, listed leaf-side first.
- PROOF(m, D[n]) is the consistency proof from size m to size n, listed leaf-side first.

Size 0 in consistency proofs: the RFC only defines PROOF for 0 < m. Here the empty tree is a
prefix of every tree, so ``Tree.consistency_proof(0, n)`` returns ``[]`` and
``verify_consistency(0, n, old_root, new_root, [])`` is true exactly when ``old_root`` is the
empty-tree root (and, when n is also 0, ``new_root`` is too). Nothing about ``new_root`` can be
checked against an empty tree, so a client that trusts nothing yet must still fetch the new root
from a signed checkpoint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

HASH_SIZE = 32

_sha256 = hashlib.sha256
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

EMPTY_ROOT = _sha256(b"").digest()
"""MTH of the empty tree: SHA-256 of the empty string (RFC 9162 section 2.1.1)."""


class ProofError(ValueError):
    """A proof or root was asked for an index or size the tree cannot answer for."""


def leaf_hash(data: bytes) -> bytes:
    """Hash an entry as a leaf: SHA-256(0x00 || data).

    The 0x00 prefix keeps leaves and interior nodes in separate domains, so no leaf can be
    passed off as a node (second-preimage protection).
    """
    return _sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash an interior node: SHA-256(0x01 || left || right)."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def _checked(h: bytes) -> bytes:
    # Leaf hashes of the wrong length would silently produce a tree nobody else can reproduce.
    if len(h) != HASH_SIZE:
        raise ValueError(f"a leaf hash must be {HASH_SIZE} bytes, got {len(h)}")
    return bytes(h)


def _checked_all(hashes: Iterable[bytes]) -> list[bytes]:
    """Copy and check many leaf hashes; one pass with no per-item call, for bulk builds."""
    out = [bytes(h) for h in hashes]
    if any(len(h) != HASH_SIZE for h in out):
        _checked(next(h for h in out if len(h) != HASH_SIZE))  # raises with the bad length
    return out


def _pairs(level: list[bytes]) -> list[bytes]:
    """Hash adjacent pairs; an odd last element is left out (it has no complete parent yet)."""
    evens, odds = level[0::2], level[1::2]
    # strict=False on purpose: zip drops the unpaired last node.
    return [_sha256(_NODE_PREFIX + a + b).digest() for a, b in zip(evens, odds, strict=False)]


def _split(n: int) -> int:
    """The largest power of two strictly less than n (n > 1): the RFC's split point."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH over a sequence of *leaf hashes* (not raw entries); the empty tree gives SHA-256().

    Folds level by level, carrying an odd last node up unchanged; that yields exactly the RFC's
    split-at-the-largest-power-of-two shape, in O(n) hashes and without recursion.
    """
    level = _checked_all(leaves)
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        carry = level[-1] if len(level) % 2 else None
        level = _pairs(level)
        if carry is not None:
            level.append(carry)
    return level[0]


class Tree:
    """An incremental Merkle tree over leaf hashes, for an append-only log.

    Stored by levels: ``_levels[0]`` is the leaf hashes and ``_levels[k][i]`` is the hash of the
    complete, aligned subtree of leaves ``[i * 2**k, (i + 1) * 2**k)``, appended as it completes.
    Every subtree a proof needs is either one of those (an O(1) lookup) or an incomplete right
    edge, which is combined from at most log2(n) stored subtrees. So roots and proofs for any
    earlier size cost O(log n) hashes, and ``append`` is amortised O(1) (one hash per level it
    completes). Memory is about twice the leaf hashes.
    """

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        leaves = _checked_all(leaf_hashes)
        self._levels: list[list[bytes]] = [leaves]
        # Build level by level, one comprehension per level (no per-leaf Python bookkeeping).
        while len(self._levels[-1]) >= 2:
            self._levels.append(_pairs(self._levels[-1]))

    def append(self, leaf_hash: bytes) -> None:
        """Add one leaf hash, completing (and storing) any subtrees it closes."""
        levels = self._levels
        levels[0].append(_checked(leaf_hash))
        k = 0
        # Invariant: len(levels[k + 1]) == len(levels[k]) // 2, so an even length means the last
        # two nodes at level k have just formed a new parent.
        while len(levels[k]) % 2 == 0:
            parent = node_hash(levels[k][-2], levels[k][-1])
            if k + 1 == len(levels):
                levels.append([])
            levels[k + 1].append(parent)
            k += 1

    def __len__(self) -> int:
        return len(self._levels[0])

    def leaf(self, index: int) -> bytes:
        if not 0 <= index < len(self):
            raise ProofError(f"leaf index {index} is out of range for a tree of {len(self)} leaves")
        return self._levels[0][index]

    def subtree(self, height: int, index: int) -> bytes:
        """MTH of the complete, aligned subtree of leaves [index * 2**height, (index + 1) *
        2**height): a stored node (a C2SP tile at level L holds those of height 8 * L)."""
        if height < 0 or index < 0 or (index + 1) << height > len(self):
            raise ProofError(
                f"no complete subtree {index} of height {height} in a tree of {len(self)} leaves"
            )
        return self._levels[height][index]

    def copy(self) -> Tree:
        """An independent tree with the same leaves (lists copied, hashes shared)."""
        twin = Tree()
        twin._levels = [list(level) for level in self._levels]
        return twin

    def _size(self, size: int | None, what: str = "size") -> int:
        n = len(self)
        if size is None:
            return n
        if not 0 <= size <= n:
            raise ProofError(f"{what} {size} is out of range for a tree of {n} leaves")
        return size

    def _hash(self, start: int, size: int) -> bytes:
        """MTH of leaves ``[start, start + size)`` for a subtree the RFC recursion can reach.

        Such a range starts at a multiple of the power of two at or above its size, so its
        binary decomposition (largest block first) is a run of stored, aligned subtrees; the
        RFC's left-heavy split then folds them right to left.
        """
        peaks: list[bytes] = []
        for k in range(size.bit_length() - 1, -1, -1):
            if size >> k & 1:
                peaks.append(self._levels[k][start >> k])
                start += 1 << k
        acc = peaks.pop()
        while peaks:
            acc = node_hash(peaks.pop(), acc)
        return acc

    def root(self, size: int | None = None) -> bytes:
        """The root of the first ``size`` leaves (default: all), i.e. an earlier checkpoint."""
        n = self._size(size)
        return self._hash(0, n) if n else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[size]) from RFC 9162 section 2.1.3.1, leaf-side first.

        Walks down from the root; each step's sibling is a stored subtree, except at most one
        incomplete right edge, so the cost is O(log n).
        """
        n = self._size(size)
        if not 0 <= index < n:
            raise ProofError(f"leaf index {index} is out of range for a tree of {n} leaves")
        proof: list[bytes] = []
        start, m = 0, index
        while n > 1:
            k = _split(n)
            if m < k:  # leaf is on the left: the sibling is the right part
                proof.append(self._hash(start + k, n - k))
                n = k
            else:  # leaf is on the right: the sibling is the complete left part
                proof.append(self._hash(start, k))
                start, m, n = start + k, m - k, n - k
        proof.reverse()
        return proof

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[new_size]) from RFC 9162 section 2.1.4.1, leaf-side first.

        Equal sizes and ``old_size == 0`` give ``[]``: there is nothing to prove (see the
        module docstring for how ``verify_consistency`` treats them).
        """
        n = self._size(new_size, "new size")
        if not 0 <= old_size <= n:
            raise ProofError(
                f"old size {old_size} is out of range for new size {n} (tree of {len(self)} leaves)"
            )
        m = old_size
        if m == 0 or m == n:
            return []
        proof: list[bytes] = []
        start = 0
        whole = True  # the RFC's flag b: still on the path of the old root itself
        while m != n:
            k = _split(n)
            if m <= k:  # the old tree lies within the left part
                proof.append(self._hash(start + k, n - k))
                n = k
            else:  # the old tree covers the left part and reaches into the right
                proof.append(self._hash(start, k))
                start, m, n = start + k, m - k, n - k
                whole = False
        if not whole:  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
            proof.append(self._hash(start, m))
        proof.reverse()
        return proof


def _well_formed(proof: Sequence[bytes], *roots: bytes) -> bool:
    return all(len(h) == HASH_SIZE for h in proof) and all(len(r) == HASH_SIZE for r in roots)


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root_hash: bytes
) -> bool:
    """Check an inclusion proof by RFC 9162 section 2.1.3.2; never raises for bad input.

    A verifier must not trust the prover about anything, so every malformed case (index out of
    range, wrong-length hashes, a proof too short or too long) is simply a failed proof.
    """
    if not 0 <= index < size or len(leaf_hash) != HASH_SIZE:
        return False
    if not _well_formed(proof, root_hash):
        return False
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:  # proof is longer than the tree is deep
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:  # right edge: skip levels with no sibling here
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root_hash


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Check a consistency proof by RFC 9162 section 2.1.4.2; never raises for bad input.

    Beyond the RFC: equal sizes need an empty proof and equal roots, and ``old_size == 0``
    needs an empty proof and the empty-tree root as ``old_root`` (see the module docstring).
    """
    if not 0 <= old_size <= new_size:
        return False
    if not _well_formed(proof, old_root, new_root):
        return False
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT and (new_size > 0 or new_root == EMPTY_ROOT)
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # old tree is a complete subtree: its root is implied
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:  # climb to the smallest subtree that holds the old tree's last leaf
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:  # proof is longer than the tree is deep
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:  # right edge: skip levels with no sibling here
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
