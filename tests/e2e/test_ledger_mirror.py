"""The log served as C2SP tlog-tiles (issue 12), and `truce ledger mirror`: an NGO or a fourth
state keeps a full copy with plain HTTP, fetching only what is new, and verifies it offline.

Attacks: a tile changed in the mirror or on the way, and a log rewritten behind a checkpoint
the mirror already holds; each is refused and the mirror is left as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.conftest import CONSOLE, NewStore, Serve, Served, Store
from tests.e2e.test_member_signatures import _truce_serve
from truce.cli.mirror import Refused, mirror
from truce.ledger import entries, merkle, note, tiles
from truce.ledger.entries import Act
from truce.ledger.keys import OPERATOR
from truce.services import ledger as ledger_service
from truce.services import trust as trust_service

ORIGIN = "truce.local/ledger"


def _grow(store: Store, count: int, tag: str = "r") -> None:
    """`count` more acts in the log."""
    with store.uow() as uow:
        for i in range(count):
            uow.record(
                Act("report.add", "un", "analyst", objects=(f"report:{tag}{i}",), hashes={}),
                datetime.now(UTC),
            )
        uow.commit()


def _checkpoint(served: Served) -> dict[str, object]:
    answer = served.client.post("/api/ledger/checkpoints", headers=served.auth("chair"))
    assert answer.status_code == 201, answer.text
    body: dict[str, object] = answer.json()
    return body


def _operator(store: Store) -> note.Verifier:
    return note.make_verifier(ORIGIN, store.keyring.signer(OPERATOR).public)


def _client(served: Served, user: str = "us-observer") -> httpx.Client:
    served.client.headers.update(served.auth(user))
    return served.client


@pytest.fixture
def served(new_store: NewStore, demo_store: Store, serve: Serve) -> Iterator[Served]:
    with new_store("tiles", copy_of=demo_store) as store, serve(store) as running:
        _grow(store, 300)  # past one full tile whatever the demo logged
        _checkpoint(running)
        yield running


# --- the routes ------------------------------------------------------------------------------


def test_tiles_are_served_read_only_with_the_caching_the_spec_asks(served: Served) -> None:
    client, auth = served.client, served.auth("us-observer")
    newest = client.get("/api/ledger/checkpoint", headers=auth)
    again = client.get("/api/ledger/tiles/checkpoint", headers=auth)
    assert again.status_code == 200 and again.text == newest.text
    assert again.headers["cache-control"] == "no-cache"
    assert again.headers["content-type"].startswith("text/plain")
    size = note.parse_checkpoint(note.parse_note(again.text).text).size

    with served.store.uow() as uow:
        lines = list(uow.ledger.lines())[:size]
    tree = merkle.Tree(entries.leaf(line) for line in lines)
    for tile in tiles.tiles_for(size) + tiles.bundles_for(size):
        got = client.get(f"/api/ledger/tiles/{tile.path}", headers=auth)
        assert got.status_code == 200, (tile.path, got.text)
        assert got.headers["content-type"] == "application/octet-stream"
        wanted = "public, max-age=31536000, immutable" if tile.full else "no-cache"
        assert got.headers["cache-control"] == wanted
        if tile.entries:
            first = tile.index * tiles.WIDTH
            assert tiles.decode_bundle(got.content, tile) == lines[first : first + tile.width]
        else:
            assert got.content == tiles.tile_bytes(tree, tile)

    assert client.get("/api/ledger/tiles/tile/0/x001/000", headers=auth).status_code == 404
    assert client.get("/api/ledger/tiles/tile/entries/999", headers=auth).status_code == 404
    for bad in ["tile/0/1", "tile/0/x000/001", "tile/01/000", "tile/0/000.p/0", "tile/x/000"]:
        answer = client.get(f"/api/ledger/tiles/{bad}", headers=auth)
        assert answer.status_code == 400, bad
        assert "path" in answer.json()["detail"]


def test_tiles_are_no_more_public_than_the_bundle(served: Served) -> None:
    client, visitor = served.client, served.auth("visitor")
    assert client.get("/api/ledger/bundle", headers=visitor).status_code == 403
    assert client.get("/api/ledger/bundle", headers=served.auth("gov-liaison")).status_code == 200
    for path in ["checkpoint", "tile/0/000", "tile/entries/000", "bundle.json"]:
        assert client.get(f"/api/ledger/tiles/{path}").status_code == 403, path
        assert client.get(f"/api/ledger/tiles/{path}", headers=visitor).status_code == 403, path
        liaison = served.auth("gov-liaison")
        assert client.get(f"/api/ledger/tiles/{path}", headers=liaison).status_code == 200, path


# --- mirroring ---------------------------------------------------------------------------------


def test_a_mirror_fetches_only_what_is_new_and_verifies_offline(
    served: Served, tmp_path: Path
) -> None:
    store, client, folder = served.store, _client(served), tmp_path / "mirror"
    first = mirror(client, folder, _operator(store), ORIGIN)
    assert first.held == 0 and first.fetched == len(
        tiles.tiles_for(first.size) + tiles.bundles_for(first.size)
    )
    assert ledger_service.verify_bundle(folder).ok

    same = mirror(client, folder, _operator(store), ORIGIN)
    assert (same.size, same.fetched) == (first.size, 0)

    _grow(store, 700)
    _checkpoint(served)
    second = mirror(client, folder, _operator(store), ORIGIN)
    needed = tiles.tiles_for(second.size) + tiles.bundles_for(second.size)
    old = set(tiles.tiles_for(first.size) + tiles.bundles_for(first.size))
    # Only tiles that are new or were partial before: the full ones stay as they were.
    assert second.fetched == len([t for t in needed if t not in old])
    assert second.held == len([t for t in needed if t in old and t.full])
    assert not list((folder / "tile").rglob("*.p/*")) or all(
        tiles.parse_path(p.relative_to(folder).as_posix()) in needed
        for p in (folder / "tile").rglob("*")
        if p.is_file()
    )
    assert not (folder / ".incoming").exists()

    result = ledger_service.verify_bundle(folder)
    assert result.ok, result.problems
    assert (result.entries, result.root) == (second.size, second.root.hex())
    with store.uow() as uow:
        trust = trust_service.export_trust(uow=uow, who=CONSOLE, origin=ORIGIN)
    assert trust_service.verify_with_trust(folder, trust).ok


def test_a_changed_tile_in_the_mirror_is_caught(served: Served, tmp_path: Path) -> None:
    store, client, folder = served.store, _client(served), tmp_path / "mirror"
    mirror(client, folder, _operator(store), ORIGIN)
    held = (folder / "checkpoint").read_text()
    tile = folder / "tile/0/000"
    changed = bytearray(tile.read_bytes())
    changed[5] ^= 0xFF
    tile.write_bytes(bytes(changed))
    with pytest.raises(Refused, match="tile/0/000"):
        mirror(client, folder, _operator(store), ORIGIN)
    assert (folder / "checkpoint").read_text() == held
    assert not (folder / ".incoming").exists()


def test_a_tile_changed_on_the_way_is_caught_and_nothing_is_kept(
    served: Served, tmp_path: Path
) -> None:
    store, folder = served.store, tmp_path / "mirror"
    auth = served.auth("us-observer")

    def forward(request: httpx.Request) -> httpx.Response:
        answer = served.client.get(request.url.path, params=request.url.params, headers=auth)
        content = answer.content
        if request.url.path.endswith("/tile/entries/000"):
            content = content.replace(b'"un"', b'"ru"', 1)  # another member's act
        return httpx.Response(answer.status_code, content=content, headers=answer.headers)

    with (
        httpx.Client(transport=httpx.MockTransport(forward), base_url="http://x") as client,
        pytest.raises(Refused, match=r"tile/entries/000: entry \d+ does not hash"),
    ):
        mirror(client, folder, _operator(store), ORIGIN)
    assert not (folder / "checkpoint").exists() and not (folder / "entries.jsonl").exists()


def test_a_log_rewritten_behind_the_mirrors_checkpoint_is_refused(
    served: Served, new_store: NewStore, demo_store: Store, serve: Serve, tmp_path: Path
) -> None:
    folder = tmp_path / "mirror"
    mirror(_client(served), folder, _operator(served.store), ORIGIN)
    held = (folder / "checkpoint").read_text()
    entries_before = (folder / "entries.jsonl").read_bytes()
    # The same operator's key, another history: the demo's log with other acts after it.
    with new_store("rewritten", copy_of=demo_store) as other, serve(other) as rewritten:
        _grow(other, 900, tag="x")
        _checkpoint(rewritten)
        with pytest.raises(Refused, match="does not verify") as refused:
            mirror(_client(rewritten), folder, _operator(other), ORIGIN)
    assert refused.value.evidence is not None
    assert refused.value.evidence.kind == "inconsistent"
    assert (folder / "checkpoint").read_text() == held
    assert (folder / "entries.jsonl").read_bytes() == entries_before


# --- the commands, against `truce serve` ------------------------------------------------------


def _truce(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
    command = [sys.executable, "-m", "truce", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


@pytest.mark.slow  # `truce serve` and `truce ledger mirror` as processes
def test_the_mirror_command_twice_then_verify_offline_and_a_changed_tile_is_caught(
    new_store: NewStore, demo_store: Store, serve: Serve, tmp_path: Path
) -> None:
    folder, trust = tmp_path / "ngo-mirror", tmp_path / "trust.json"
    with new_store("mirror-cli", copy_of=demo_store) as store:
        with serve(store) as running:
            _grow(store, 300)
            _checkpoint(running)
        with store.uow() as uow:
            trust_service.write_trust(
                trust_service.export_trust(uow=uow, who=CONSOLE, origin=ORIGIN), trust
            )
        token = store.tokens["us-observer"]
        with _truce_serve(store) as base:
            mirror_args = ["ledger", "mirror", "--server", base, "--dir", str(folder)]
            first = _truce(*mirror_args, "--token", token, "--trust", str(trust))
            assert first.returncode == 0, first.stderr
            assert "0 already held" in first.stdout
            assert "no --trust" not in first.stderr

            second = _truce(*mirror_args, "--token", token)  # keys as the server states them
            assert second.returncode == 0, second.stderr
            assert " 0 tile(s) fetched" in second.stdout
            assert "no --trust file: the keys came from the server itself" in second.stderr

            verified = _truce("ledger", "verify", str(folder), "--trust", str(trust))
            assert verified.returncode == 0, verified.stderr
            assert verified.stdout.startswith("verified:")

            refused = _truce(*mirror_args[:-2], "--dir", str(tmp_path / "x"))  # no token
            assert refused.returncode == 2 and "403" in refused.stderr

            tile = folder / "tile/0/000"
            tile.write_bytes(tile.read_bytes()[::-1])
            caught = _truce(*mirror_args, "--token", token, "--trust", str(trust))
            assert caught.returncode == 1
            assert "REFUSED: tile/0/000" in caught.stderr
            assert "left as it was" in caught.stderr
