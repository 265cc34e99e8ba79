"""The ledger served as C2SP tlog-tiles, for mirrors (`truce ledger mirror`).

Who may read: exactly who may download the ledger bundle (READ_LEDGER, every member's users,
not the public). Tiles are the bundle's entries in another shape, so they are no more public
than it is.

Which entries: every entry in the log now, not only those the newest checkpoint covers. The
bundle download already gives its readers all of them, so holding back the tail would hide
nothing; and serving every tile the tree has lets a client that holds an older checkpoint
still fetch that checkpoint's partial tiles (they are prefixes of today's). A client trusts
no tile it cannot check against a signed checkpoint, as the spec requires of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any

from truce.config import DEFAULT_LOG_ORIGIN
from truce.domain.access import Principal, UseCase, authorize
from truce.domain.errors import InputRejected, NotFound
from truce.ledger import tiles
from truce.services import ledger as ledger_service
from truce.services import witnessing
from truce.store.uow import UnitOfWork


@dataclass(frozen=True)
class Served:
    """A tile's bytes, and whether they can never change (a full tile)."""

    content: bytes
    immutable: bool


def checkpoint(*, uow: UnitOfWork, who: Principal) -> str:
    """The newest checkpoint as a signed note: what /api/ledger/checkpoint serves."""
    return witnessing.latest(uow=uow, who=who).signed_note()


def tile(*, uow: UnitOfWork, who: Principal, path: str) -> Served:
    """The tile or entry bundle at `path` ("tile/0/x001/234", "tile/entries/005.p/7").
    InputRejected for a path that is not a canonical tile path, NotFound for a tile the log
    does not have (yet)."""
    authorize(who, UseCase.READ_LEDGER)
    try:
        wanted = tiles.parse_path(path)
    except tiles.TileError as exc:
        raise InputRejected(str(exc)) from None
    tree = uow.ledger.tree()
    if not tiles.exists(wanted, len(tree)):
        raise NotFound(f"{wanted.path}: the log has {len(tree)} entries, not this tile")
    if wanted.entries:
        first = wanted.index * tiles.WIDTH
        # The store keeps lines without their newline; strip any all the same: the leaf is
        # the line without it.
        lines = islice(uow.ledger.lines(start=first, batch=wanted.width), wanted.width)
        content = tiles.encode_bundle([line.rstrip(b"\r\n") for line in lines])
    else:
        content = tiles.tile_bytes(tree, wanted)
    return Served(content, wanted.full)


def bundle_parts(*, uow: UnitOfWork, who: Principal, origin: str = DEFAULT_LOG_ORIGIN) -> Any:
    """The bundle's files other than its entries (members' public keys, checkpoints, the
    manifest), by file name: a mirror writes them next to the entries it rebuilt from tiles,
    so that `truce ledger verify` checks the mirror as it checks a bundle."""
    authorize(who, UseCase.READ_LEDGER)
    return ledger_service.bundle_parts(uow, origin)
