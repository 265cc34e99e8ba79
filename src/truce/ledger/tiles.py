"""The log as C2SP tlog-tiles (https://c2sp.org/tlog-tiles): static resources anyone can mirror
with plain HTTP GETs, and check offline against a signed checkpoint.

A tile is 256 consecutive hashes of one height of the RFC 9162 tree, 32 bytes each:

- at level 0 the leaf hashes; at level L the hashes of the complete subtrees of height 8 * L,
  i.e. hash i of tile n at level L is MTH(D[(n*256 + i) * 256**L : (n*256 + i + 1) * 256**L]);
- the rightmost tile of a level is *partial* when the tree's size leaves it with W < 256 hashes
  (W = floor(size / 256**L) mod 256), and is served at its own path with a `.p/W` suffix;
- the entry bundle with the same number holds the 256 (or W) entries whose leaf hashes are the
  level-0 tile: each a big-endian uint16 length and the entry's bytes. Truce's entries are the
  signed lines without their trailing newline, whose RFC 9162 leaf hash is `entries.leaf`.

Paths: `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, N written in groups of three
digits, every group but the last prefixed with "x" (1234067 is `x001/x234/067`). Only the
canonical spelling of a tile is accepted, so each tile has exactly one path (a cache or a mirror
never holds two copies of one tile under two names).

Pure: no I/O. A mirror fetches `tiles_for(size)` and `bundles_for(size)`, then `check_tiles`
binds every full tile to the one above it and the partial tiles to the checkpoint's root, and
`check_bundle` binds each entry to its leaf hash.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from truce.ledger import merkle

HEIGHT = 8
WIDTH = 1 << HEIGHT  # hashes in a full tile
MAX_LEVEL = 63
MAX_ENTRY = 0xFFFF  # an entry's length must fit the bundle's uint16 prefix
HASH = merkle.HASH_SIZE
# A tile starting beyond 2**64 leaves belongs to no log anyone will run; refusing it keeps a
# hostile path from making the server do arithmetic on a thousand-digit number.
_MAX_START = 1 << 64

_LEVEL = r"0|[1-9][0-9]?"
_WIDTH = r"[1-9][0-9]{0,2}"
_PATH = re.compile(
    rf"tile/(?P<level>{_LEVEL}|entries)/(?P<index>(?:x[0-9]{{3}}/)*[0-9]{{3}})"
    rf"(?:\.p/(?P<width>{_WIDTH}))?"
)


class TileError(ValueError):
    """A tile path that is not canonical, or tile contents that do not match the tree."""


@dataclass(frozen=True, order=True)
class Tile:
    """One tile: its level, its number within the level and its width in hashes (or, for an
    entry bundle, in entries). `entries` marks the entry bundle that goes with level-0 tile."""

    level: int
    index: int
    width: int = WIDTH
    entries: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.level <= MAX_LEVEL:
            raise TileError(f"level: must be 0 to {MAX_LEVEL}, not {self.level}")
        if self.entries and self.level != 0:
            raise TileError("an entry bundle goes with a level-0 tile")
        if not 1 <= self.width <= WIDTH:
            raise TileError(f"width: must be 1 to {WIDTH}, not {self.width}")
        if self.index < 0 or self.index * WIDTH ** (self.level + 1) >= _MAX_START:
            raise TileError(f"index: {self.index} is out of range for level {self.level}")

    @property
    def full(self) -> bool:
        """A full tile never changes once served; a partial one is replaced as the log grows."""
        return self.width == WIDTH

    @property
    def span(self) -> int:
        """How many leaves one hash of this tile covers."""
        return WIDTH**self.level

    @property
    def path(self) -> str:
        level = "entries" if self.entries else str(self.level)
        partial = "" if self.full else f".p/{self.width}"
        return f"tile/{level}/{format_index(self.index)}{partial}"

    def bundle(self) -> Tile:
        """The entry bundle of this level-0 tile."""
        return Tile(0, self.index, self.width, entries=True)

    def __str__(self) -> str:
        return self.path


def format_index(index: int) -> str:
    """N as path elements: groups of three digits, all but the last prefixed with "x"."""
    if index < 0:
        raise TileError(f"index: must be 0 or more, not {index}")
    digits = str(index)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*("x" + g for g in groups[:-1]), groups[-1]])


def parse_path(path: str) -> Tile:
    """The tile at `path` ("tile/0/x001/234.p/7"). Raises TileError for anything but the one
    canonical spelling: leading zero groups, leading zeros in the level or width, a width of
    256 written as partial, "x" on the last group, stray slashes."""
    found = _PATH.fullmatch(path)
    if found is None:
        raise TileError(f"path: {path!r} is not a tile path (tile/<L>/<N>[.p/<W>])")
    groups = found["index"].replace("x", "").split("/")
    if len(groups) > 1 and groups[0] == "000":
        raise TileError(f"path: {path!r} has a leading zero group in its index")
    width = int(found["width"]) if found["width"] else WIDTH
    if found["width"] and width >= WIDTH:
        raise TileError(f"path: {path!r}: a partial tile has 1 to {WIDTH - 1} hashes")
    entries = found["level"] == "entries"
    level = 0 if entries else int(found["level"])
    if level > MAX_LEVEL:
        raise TileError(f"path: {path!r}: the level must be 0 to {MAX_LEVEL}")
    return Tile(level, int("".join(groups)), width, entries=entries)


# --- which tiles a tree of a given size has ---------------------------------------------------


def count(size: int, level: int) -> int:
    """How many hashes level `level` has in a tree of `size` leaves (complete subtrees only)."""
    return size >> (HEIGHT * level)


def tiles_for(size: int) -> list[Tile]:
    """Every tile of a tree of `size` leaves, level by level: each level's full tiles, then
    its partial tile if it has one. (No tile for an empty level: the spec forbids them.)"""
    if size < 0:
        raise TileError(f"size: must be 0 or more, not {size}")
    found: list[Tile] = []
    level = 0
    while (hashes := count(size, level)) > 0:
        full, rest = divmod(hashes, WIDTH)
        found.extend(Tile(level, n) for n in range(full))
        if rest:
            found.append(Tile(level, full, rest))
        level += 1
    return found


def partial_tiles(size: int) -> list[Tile]:
    """The tiles the root of a tree of `size` leaves is computed from: each level's partial
    tile (the full ones are summed up in the level above)."""
    return [t for t in tiles_for(size) if not t.full]


def bundles_for(size: int) -> list[Tile]:
    """The entry bundles of a tree of `size` leaves."""
    return [t.bundle() for t in tiles_for(size) if t.level == 0]


def exists(tile: Tile, size: int) -> bool:
    """Does a tree of `size` leaves have this tile (a partial tile: at least these hashes)?"""
    return (tile.index * WIDTH + tile.width) <= count(size, tile.level)


# --- tile contents from a tree ----------------------------------------------------------------


class TreeLike(Protocol):
    """What a tile needs of a tree: `merkle.Tree`, or the store's view of one."""

    def __len__(self) -> int: ...

    def leaf(self, index: int) -> bytes: ...

    def root(self, size: int | None = None) -> bytes: ...

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]: ...


def subtree_hash(tree: TreeLike, height: int, index: int) -> bytes:
    """MTH of the complete subtree of height `height` numbered `index` (leaves
    [index * 2**height, (index + 1) * 2**height)), from the tree's public proofs alone.

    In the tree of the first `end` leaves, the subtree ends the tree, so it is the sibling
    of an ancestor of the leaf just before it: the one at the height of the lowest set bit
    of its start (the smallest complete subtree ending there). An inclusion proof lists its
    siblings from the leaf up, so it is that proof's element at that height."""
    span = 1 << height
    start, end = index * span, (index + 1) * span
    if index < 0 or end > len(tree):
        raise TileError(f"no complete subtree {index} of height {height} in {len(tree)} leaves")
    if start == 0:
        return tree.root(end)
    low = (start & -start).bit_length() - 1
    return tree.inclusion_proof(start - 1, end)[low]


def tile_hashes(tree: TreeLike, tile: Tile) -> list[bytes]:
    """The hashes of `tile` in `tree`; TileError if the tree does not have them all."""
    if tile.entries:
        raise TileError("an entry bundle holds entries, not hashes")
    if not exists(tile, len(tree)):
        raise TileError(f"{tile.path}: beyond a tree of {len(tree)} leaves")
    first = tile.index * WIDTH
    if tile.level == 0:
        return [tree.leaf(first + i) for i in range(tile.width)]
    height = HEIGHT * tile.level
    return [subtree_hash(tree, height, first + i) for i in range(tile.width)]


def tile_bytes(tree: TreeLike, tile: Tile) -> bytes:
    return b"".join(tile_hashes(tree, tile))


def split_hashes(data: bytes, tile: Tile) -> list[bytes]:
    """A fetched tile's hashes; TileError unless it is exactly `tile.width` hashes long."""
    if len(data) != tile.width * HASH:
        raise TileError(f"{tile.path}: {len(data)} bytes, not {tile.width} hashes")
    return [data[i : i + HASH] for i in range(0, len(data), HASH)]


# --- checking fetched tiles against a checkpoint ----------------------------------------------


def root_from_tiles(size: int, hashes: Callable[[Tile], Sequence[bytes]]) -> bytes:
    """The root of a tree of `size` leaves from its partial tiles (`hashes(tile)` gives a
    tile's hashes, e.g. read from a mirror).

    The tree's root is its complete subtrees ("peaks", one per set bit of the size, largest
    first) folded right to left. A peak of height 8L + r is 2**r consecutive hashes of level
    L, all in the partial tile of that level: the complete part of that level is the full
    tiles, which the level above sums up."""
    if size == 0:
        return merkle.EMPTY_ROOT
    peaks: list[bytes] = []
    for tile in sorted(partial_tiles(size), key=lambda t: -t.level):
        held = list(hashes(tile))
        if len(held) != tile.width:
            raise TileError(f"{tile.path}: {len(held)} hashes, not {tile.width}")
        at = 0
        for bit in range(HEIGHT - 1, -1, -1):
            if tile.width >> bit & 1:
                peaks.append(merkle.root(held[at : at + (1 << bit)]))
                at += 1 << bit
    acc = peaks.pop()
    while peaks:
        acc = merkle.node_hash(peaks.pop(), acc)
    return acc


def check_tiles(size: int, root: bytes, tiles: Mapping[Tile, bytes]) -> None:
    """Check a whole tree's tiles (`tiles_for(size)`, as bytes) against a checkpoint's root.

    Each full tile must hash to its entry in the tile above it, and the partial tiles must
    give the root: then every hash in every tile is the one the checkpoint commits to.
    Raises TileError naming the first tile that fails (a missing tile counts as failing)."""
    split: dict[Tile, list[bytes]] = {}
    for tile in tiles_for(size):
        if tile not in tiles:
            raise TileError(f"{tile.path}: missing")
        split[tile] = split_hashes(tiles[tile], tile)
    # A level's tiles by number: the one above a full tile may be full or partial.
    placed = {(t.level, t.index): t for t in split}
    for tile, hashes in split.items():
        if not tile.full:
            continue
        above = placed[(tile.level + 1, tile.index // WIDTH)]
        if merkle.root(hashes) != split[above][tile.index % WIDTH]:
            raise TileError(f"{tile.path}: does not hash to its entry in {above.path}")
    if root_from_tiles(size, lambda t: split[t]) != root:
        raise TileError(f"the tiles give a root other than the checkpoint's for size {size}")


# --- entry bundles ----------------------------------------------------------------------------


def encode_bundle(entries: Sequence[bytes]) -> bytes:
    """Entries as a bundle: each a big-endian uint16 length, then its bytes."""
    if not 1 <= len(entries) <= WIDTH:
        raise TileError(f"a bundle holds 1 to {WIDTH} entries, not {len(entries)}")
    out = bytearray()
    for number, entry in enumerate(entries):
        if len(entry) > MAX_ENTRY:
            raise TileError(f"entry {number}: {len(entry)} bytes, more than a bundle can hold")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def decode_bundle(data: bytes, tile: Tile) -> list[bytes]:
    """A fetched bundle's entries; TileError unless it holds exactly `tile.width` of them and
    nothing after."""
    found: list[bytes] = []
    at = 0
    while at < len(data):
        if at + 2 > len(data):
            raise TileError(f"{tile.path}: a length is cut off at byte {at}")
        length = int.from_bytes(data[at : at + 2], "big")
        if at + 2 + length > len(data):
            raise TileError(f"{tile.path}: entry {len(found)} is cut off")
        found.append(data[at + 2 : at + 2 + length])
        at += 2 + length
    if len(found) != tile.width:
        raise TileError(f"{tile.path}: {len(found)} entries, not {tile.width}")
    return found


def check_bundle(bundle: Tile, entries: Sequence[bytes], leaf_hashes: Sequence[bytes]) -> None:
    """Each entry's leaf hash must be the level-0 tile's hash at its place."""
    for number, (entry, want) in enumerate(zip(entries, leaf_hashes, strict=True)):
        if merkle.leaf_hash(entry) != want:
            seq = bundle.index * WIDTH + number
            raise TileError(f"{bundle.path}: entry {seq} does not hash to its leaf in the tile")


def leaves(tiles: Mapping[Tile, bytes], size: int) -> Iterator[bytes]:
    """The leaf hashes of a tree of `size` leaves, in order, from its level-0 tiles."""
    for tile in tiles_for(size):
        if tile.level == 0:
            yield from split_hashes(tiles[tile], tile)
