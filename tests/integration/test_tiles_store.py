"""The ledger served as C2SP tiles from the store, on SQLite and PostgreSQL: every tile and
entry bundle of a log of several hundred entries agrees with the Merkle tree of its lines, the
tiles give the checkpoint's root, and only a member's users may read them (like the bundle)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from truce.domain.access import Principal, Role
from truce.domain.errors import Forbidden, InputRejected, NotFound
from truce.ledger import entries, merkle, note, tiles
from truce.ledger.entries import Act
from truce.services import ledger as ledger_service
from truce.services import tiles as tile_service
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

ADMIN = Principal(user="admin", member="un", role=Role.ADMINISTRATOR)
OBSERVER = Principal(user="us-observer", member="usa", role=Role.OBSERVER)
PUBLIC = Principal(user="anonymous", member="public", role=Role.PUBLIC)
ENTRIES = 600  # two full level-0 tiles, a partial one, and a partial level-1 tile


def _log(engine: Engine, keyring: Keyring, count: int) -> None:
    with UnitOfWork(engine, keyring) as uow:
        for i in range(count):
            uow.record(
                Act("report.add", "un", "analyst", objects=(f"report:{i}",), hashes={}),
                datetime.now(UTC),
            )
        uow.commit()


def test_every_tile_and_bundle_agrees_with_the_log(engine: Engine, tmp_path: Path) -> None:
    keyring = Keyring(tmp_path / "keys")
    _log(engine, keyring, ENTRIES)
    with UnitOfWork(engine, keyring) as uow:
        made = ledger_service.checkpoint(uow=uow, who=ADMIN, now=datetime.now(UTC))
    with UnitOfWork(engine, keyring) as uow:
        lines = list(uow.ledger.lines())
        tree = merkle.Tree(entries.leaf(line) for line in lines)
        served = {
            t: tile_service.tile(uow=uow, who=OBSERVER, path=t.path)
            for t in tiles.tiles_for(made.size) + tiles.bundles_for(made.size)
        }
        assert made.size > ENTRIES  # the scenario-less log: the key's registration, the acts

        hashes = {t: s.content for t, s in served.items() if not t.entries}
        tiles.check_tiles(made.size, bytes.fromhex(made.root), hashes)
        assert hashes[tiles.Tile(0, 1)] == b"".join(tree.leaf(i) for i in range(256, 512))
        assert hashes[tiles.Tile(1, 0, 2)] == tree.subtree(8, 0) + tree.subtree(8, 1)
        got = [
            line
            for t, s in sorted(served.items())
            if t.entries
            for line in tiles.decode_bundle(s.content, t)
        ]
        assert got == lines[: made.size]
        assert all(s.immutable == t.full for t, s in served.items())

        signed = tile_service.checkpoint(uow=uow, who=OBSERVER)
        assert note.parse_checkpoint(note.parse_note(signed).text).size == made.size

        parts = tile_service.bundle_parts(uow=uow, who=OBSERVER)
        assert set(parts) == {
            "keys.json",
            "checkpoints.json",
            "checkpoints.c2sp.json",
            "manifest.json",
        }
        assert parts["checkpoints.c2sp.json"] == [made.signed_note()]


def test_tiles_beyond_the_log_bad_paths_and_the_public_are_refused(
    engine: Engine, tmp_path: Path
) -> None:
    keyring = Keyring(tmp_path / "keys")
    _log(engine, keyring, 10)
    with UnitOfWork(engine, keyring) as uow:
        size = uow.ledger.size()
        assert tile_service.tile(uow=uow, who=OBSERVER, path=f"tile/0/000.p/{size}").content
        # A smaller checkpoint's partial tile is a prefix of today's: still served.
        assert len(tile_service.tile(uow=uow, who=OBSERVER, path="tile/0/000.p/3").content) == 96
        for beyond in [f"tile/0/000.p/{size + 1}", "tile/0/000", "tile/1/000.p/1", "tile/0/001"]:
            with pytest.raises(NotFound):
                tile_service.tile(uow=uow, who=OBSERVER, path=beyond)
        with pytest.raises(NotFound):
            tile_service.tile(uow=uow, who=OBSERVER, path="tile/entries/000")
        for bad in ["tile/0/0", "tile/0/x000/001", "tile/0/000.p/256", "tile/00/000", "x"]:
            with pytest.raises(InputRejected):
                tile_service.tile(uow=uow, who=OBSERVER, path=bad)
        with pytest.raises(Forbidden):
            tile_service.tile(uow=uow, who=PUBLIC, path="tile/0/000.p/3")
        with pytest.raises(Forbidden):
            tile_service.bundle_parts(uow=uow, who=PUBLIC)
        with pytest.raises(Forbidden):  # the bundle itself is not public either
            ledger_service.bundle_zip(uow=uow, who=PUBLIC)
