"""C2SP tlog-tiles: paths, tile contents, the root from tiles, and entry bundles.

Expected values are the spec's own examples (index 1234067 is `x001/x234/067`; a tree of
70,000 leaves has 273 full level-0 tiles, a partial one of width 112, one full level-1 tile, a
partial one of width 17 and a partial level-2 tile of width 1) and the RFC 9162 tree itself:
whatever the tiles say must agree with `merkle.Tree`.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truce.ledger import entries, merkle
from truce.ledger.tiles import (
    WIDTH,
    Tile,
    TileError,
    bundles_for,
    check_bundle,
    check_tiles,
    decode_bundle,
    encode_bundle,
    exists,
    format_index,
    parse_path,
    partial_tiles,
    root_from_tiles,
    subtree_hash,
    tile_bytes,
    tile_hashes,
    tiles_for,
)


def _leaves(n: int, seed: int = 0) -> list[bytes]:
    """n distinct leaf hashes, cheap to make (a level-2 tile needs 65,536 of them)."""
    return [hashlib.sha256(f"{seed}:{i}".encode()).digest() for i in range(n)]


_BIG = merkle.Tree(_leaves(70_000))  # the spec's example size, built once


def _tiles(tree: merkle.Tree, size: int) -> dict[Tile, bytes]:
    return {t: tile_bytes(_Prefix(tree, size), t) for t in tiles_for(size)}


class _Prefix:
    """The first `size` leaves of a tree, as a tree (what the log was at a checkpoint)."""

    def __init__(self, tree: merkle.Tree, size: int) -> None:
        self.tree, self.size = tree, size

    def __len__(self) -> int:
        return self.size

    def leaf(self, index: int) -> bytes:
        assert index < self.size
        return self.tree.leaf(index)

    def root(self, size: int | None = None) -> bytes:
        return self.tree.root(self.size if size is None else size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return self.tree.inclusion_proof(index, self.size if size is None else size)


# --- paths ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tile", "path"),
    [
        (Tile(0, 1234067), "tile/0/x001/x234/067"),
        (Tile(0, 0), "tile/0/000"),
        (Tile(2, 1000), "tile/2/x001/000"),
        (Tile(1, 5, 17), "tile/1/005.p/17"),
        (Tile(0, 1234067, 1, entries=True), "tile/entries/x001/x234/067.p/1"),
        (Tile(63, 0, 255), "tile/63/000.p/255"),
    ],
)
def test_a_tile_has_one_path_and_parses_back(tile: Tile, path: str) -> None:
    assert tile.path == path
    assert parse_path(path) == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/1",  # not three digits
        "tile/0/0000",
        "tile/00/000",  # leading zero in the level
        "tile/01/000",
        "tile/64/000",  # beyond level 63
        "tile/0/x000/001",  # a leading zero group: 1 is 001
        "tile/0/001/002",  # "x" missing on a group before the last
        "tile/0/x001",  # "x" on the last group
        "tile/0/000.p/0",  # an empty tile
        "tile/0/000.p/256",  # a full tile written as partial
        "tile/0/000.p/012",  # leading zero in the width
        "tile/0/000.p/",
        "tile/0/000/",
        "/tile/0/000",
        "tile/0//000",
        "tile/-1/000",
        "tile/entries/x001.p/3",
        "tile/data/000",
        "tile/0/x001/x234/067.p/5/",
        "tile/0/abc",
        "tile/0/０００",  # non-ASCII digits match \d but are not the canonical spelling
        "tile/0/" + "x999/" * 10 + "999",  # starts beyond 2**64 leaves
    ],
)
def test_a_non_canonical_or_malformed_path_is_refused(path: str) -> None:
    with pytest.raises(TileError):
        parse_path(path)


@given(st.integers(0, 2**32 - 1), st.integers(0, 3), st.integers(1, WIDTH))
def test_paths_round_trip(index: int, level: int, width: int) -> None:
    tile = Tile(level, index, width)
    assert parse_path(tile.path) == tile
    assert format_index(index).replace("x", "").replace("/", "").lstrip("0") == str(index).lstrip(
        "0"
    )


def test_an_entry_bundle_is_level_zero_only() -> None:
    with pytest.raises(TileError, match="level-0"):
        Tile(1, 0, entries=True)


# --- which tiles a tree has ----------------------------------------------------------------


def test_the_specs_example_of_70000_leaves() -> None:
    found = tiles_for(70_000)
    level0 = [t for t in found if t.level == 0]
    assert [t for t in level0 if t.full] == [Tile(0, n) for n in range(273)]
    assert [t for t in level0 if not t.full] == [Tile(0, 273, 112)]
    assert [t for t in found if t.level == 1] == [Tile(1, 0), Tile(1, 1, 17)]
    assert [t for t in found if t.level == 2] == [Tile(2, 0, 1)]
    assert partial_tiles(70_000) == [Tile(0, 273, 112), Tile(1, 1, 17), Tile(2, 0, 1)]
    assert len(bundles_for(70_000)) == 274 and bundles_for(70_000)[-1].path.endswith(".p/112")


def test_a_tree_of_256_leaves_is_one_full_tile_and_a_level_1_tile_of_one() -> None:
    assert tiles_for(256) == [Tile(0, 0), Tile(1, 0, 1)]
    assert tiles_for(0) == []
    assert tiles_for(1) == [Tile(0, 0, 1)]


def test_exists_says_which_tiles_a_tree_of_a_size_can_serve() -> None:
    assert exists(Tile(0, 0, 5), 5) and not exists(Tile(0, 0, 6), 5)
    assert exists(Tile(0, 0, 5), 300)  # a smaller checkpoint's partial tile: a prefix
    assert not exists(Tile(0, 1), 300)
    assert exists(Tile(1, 0, 1), 256) and not exists(Tile(1, 0, 2), 511)


# --- contents ------------------------------------------------------------------------------


def test_subtree_hash_from_proofs_is_the_stored_node() -> None:
    tree = merkle.Tree(_leaves(300))
    for height in range(9):
        for index in range(300 >> height):
            assert subtree_hash(tree, height, index) == tree.subtree(height, index)
    with pytest.raises(TileError):
        subtree_hash(tree, 8, 1)  # leaves 256..511: not complete in 300


def test_tree_subtree_refuses_an_incomplete_subtree() -> None:
    tree = merkle.Tree(_leaves(5))
    assert tree.subtree(2, 0) == merkle.root(_leaves(4))
    assert tree.subtree(0, 4) == _leaves(5)[4]
    for height, index in [(1, 2), (3, 0), (-1, 0), (0, -1), (0, 5)]:
        with pytest.raises(merkle.ProofError):
            tree.subtree(height, index)


def test_a_level_1_tile_holds_the_roots_of_the_full_level_0_tiles() -> None:
    leaves = _leaves(70_000)
    level1 = tile_hashes(_BIG, Tile(1, 0))
    assert level1[5] == merkle.root(leaves[5 * 256 : 6 * 256])
    level2 = tile_hashes(_BIG, Tile(2, 0, 1))
    assert level2 == [merkle.root(leaves[:65536])]
    with pytest.raises(TileError, match="beyond"):
        tile_hashes(_BIG, Tile(2, 0, 2))


def test_the_specs_example_size_gives_the_trees_root_and_every_tile_checks() -> None:
    tiles = _tiles(_BIG, 70_000)
    check_tiles(70_000, _BIG.root(), tiles)
    assert root_from_tiles(70_000, lambda t: _split(tiles[t])) == _BIG.root()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 70_000))
def test_the_root_from_tiles_is_the_trees_root_for_any_size(size: int) -> None:
    view = _Prefix(_BIG, size)
    assert root_from_tiles(size, lambda t: tile_hashes(view, t)) == _BIG.root(size)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 2000), st.data())
def test_every_changed_hash_in_any_tile_is_caught(size: int, data: st.DataObject) -> None:
    tree = merkle.Tree(_leaves(size, seed=size))
    tiles = _tiles(tree, size)
    check_tiles(size, tree.root(), tiles)
    tile = data.draw(st.sampled_from(sorted(tiles)))
    at = data.draw(st.integers(0, len(tiles[tile]) - 1))
    changed = bytearray(tiles[tile])
    changed[at] ^= 1
    with pytest.raises(TileError):
        check_tiles(size, tree.root(), tiles | {tile: bytes(changed)})


def test_a_missing_or_short_tile_and_a_wrong_root_are_caught() -> None:
    tree = merkle.Tree(_leaves(600))
    tiles = _tiles(tree, 600)
    with pytest.raises(TileError, match="tile/0/001: missing"):
        check_tiles(600, tree.root(), {t: b for t, b in tiles.items() if t != Tile(0, 1)})
    with pytest.raises(TileError, match="bytes, not"):
        check_tiles(600, tree.root(), tiles | {Tile(0, 0): tiles[Tile(0, 0)][:-1]})
    with pytest.raises(TileError, match="root other than"):
        check_tiles(600, tree.root(599), tiles)


def test_an_empty_tree_has_the_empty_root_and_no_tiles() -> None:
    assert root_from_tiles(0, lambda t: []) == merkle.EMPTY_ROOT
    check_tiles(0, merkle.EMPTY_ROOT, {})


def _split(data: bytes) -> list[bytes]:
    return [data[i : i + 32] for i in range(0, len(data), 32)]


# --- entry bundles -------------------------------------------------------------------------


def test_a_signed_lines_leaf_is_the_rfc_leaf_of_the_line_without_its_newline() -> None:
    line = b'{"entry":{"seq":0},"signature":"00"}'
    assert entries.leaf(line + b"\n") == merkle.leaf_hash(line)
    assert entries.leaf(line) == hashlib.sha256(b"\x00" + line).digest()


def test_a_bundle_is_uint16_length_prefixed_entries() -> None:
    assert encode_bundle([b"ab", b""]) == b"\x00\x02ab\x00\x00"
    assert decode_bundle(b"\x00\x02ab\x00\x00", Tile(0, 0, 2, entries=True)) == [b"ab", b""]
    assert encode_bundle([b"x" * 300])[:2] == b"\x01\x2c"


@pytest.mark.parametrize(
    ("data", "width", "why"),
    [
        (b"\x00\x02a", 1, "cut off"),
        (b"\x00", 1, "cut off"),
        (b"\x00\x01a\x00\x01b", 1, "2 entries, not 1"),
        (b"\x00\x01a", 2, "1 entries, not 2"),
        (b"", 1, "0 entries"),
    ],
)
def test_a_malformed_bundle_is_refused(data: bytes, width: int, why: str) -> None:
    with pytest.raises(TileError, match=why):
        decode_bundle(data, Tile(0, 0, width, entries=True))


def test_a_bundle_cannot_hold_an_entry_longer_than_its_length_prefix() -> None:
    with pytest.raises(TileError, match="entry 1"):
        encode_bundle([b"a", b"x" * 65536])
    with pytest.raises(TileError):
        encode_bundle([])


@given(st.lists(st.binary(max_size=600), min_size=1, max_size=WIDTH))
def test_bundles_round_trip_and_bind_each_entry_to_its_leaf(items: list[bytes]) -> None:
    tile = Tile(0, 3, len(items), entries=True)
    assert decode_bundle(encode_bundle(items), tile) == items
    hashes = [merkle.leaf_hash(i) for i in items]
    check_bundle(tile, items, hashes)
    with pytest.raises(TileError, match=f"entry {3 * 256 + len(items) - 1}"):
        check_bundle(tile, [*items[:-1], items[-1] + b"!"], hashes)
