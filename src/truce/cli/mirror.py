"""`truce ledger mirror`: keep a full copy of the log with plain HTTP GETs of its C2SP tiles,
checked against the operator's signed checkpoint, and verifiable offline by `truce ledger
verify DIR` like any bundle.

The mirror directory:

    checkpoint                  the newest checkpoint mirrored (a C2SP signed note)
    tile/<L>/<N>[.p/<W>]        the tiles, as served (https://c2sp.org/tlog-tiles)
    tile/entries/<N>[.p/<W>]    the entry bundles, as served
    entries.jsonl keys.json checkpoints.json checkpoints.c2sp.json manifest.json
                                the ledger bundle of the first `size` entries

A run fetches only the tiles it does not hold (full tiles never change; a partial tile is
fetched again once the log has grown past it), then checks every tile it holds, old and new,
against the new checkpoint. A checkpoint that does not extend the one the mirror holds is
refused, with evidence for `truce ledger evidence`, and the mirror is left as it was: new
files are written under `.incoming/` and moved into place only once everything checked.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import httpx

from truce.cli.mechanism import ledger
from truce.domain.errors import InputRejected
from truce.ledger import note, tiles
from truce.ledger.checkpoints import hashes_from_b64
from truce.ledger.witness import Evidence, WitnessState, judge
from truce.services import ledger as ledger_service
from truce.services import trust as trust_service

EXIT_REFUSED = 1
TIMEOUT = 60.0
PREFIX = "/api/ledger/tiles/"
CHECKPOINT = "checkpoint"
INCOMING = ".incoming"
NO_TRUST = (
    "note: no --trust file: the keys came from the server itself, so this proves nothing "
    "about the operator"
)


class Refused(Exception):
    """The server's log cannot be mirrored as it is: it does not extend what the mirror holds,
    or a tile or entry does not match the checkpoint."""

    def __init__(self, reason: str, evidence: Evidence | None = None) -> None:
        super().__init__(reason)
        self.evidence = evidence


@dataclass
class Mirrored:
    size: int
    root: bytes
    fetched: int  # tiles and bundles fetched this run
    held: int  # tiles and bundles already in the mirror


@ledger.command("mirror")
@click.option("--server", required=True, metavar="URL", help="The Truce server, e.g. https://…")
@click.option(
    "--dir",
    "directory",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The mirror directory (made on the first run, brought up to date on the next).",
)
@click.option(
    "--trust",
    "trust_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Your trust file: the operator's key is read from it, not from the server.",
)
@click.option("--token", metavar="TOKEN", help="An API token (tiles are read like the bundle).")
def ledger_mirror(server: str, directory: Path, trust_file: Path | None, token: str | None) -> None:
    """Mirror the log at URL into DIR from its C2SP tiles, fetching only what is new. Exit 0
    having mirrored, 1 having refused (the log does not extend the mirror, or a tile does not
    match the checkpoint): the mirror is then left as it was."""
    trust = trust_service.load_trust(trust_file) if trust_file else None
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(base_url=server.rstrip("/"), headers=headers, timeout=TIMEOUT) as client:
        try:
            if trust is None:
                done = mirror(client, directory, None)
            else:
                done = mirror(client, directory, trust.operator_verifier(), trust.origin)
        except Refused as exc:
            click.echo(f"REFUSED: {exc}", err=True)
            if exc.evidence is not None:
                path = _evidence_path(directory)
                path.write_text(exc.evidence.to_json())
                click.echo(f"evidence written to {path}; check it with `truce ledger evidence`")
            click.echo(f"the mirror in {directory} is left as it was", err=True)
            sys.exit(EXIT_REFUSED)
    if trust is None:
        click.echo(NO_TRUST, err=True)
    click.echo(
        f"mirrored {done.size} entries, root {done.root.hex()} into {directory}: "
        f"{done.fetched} tile(s) fetched, {done.held} already held"
    )


def mirror(
    client: httpx.Client,
    directory: Path,
    operator: note.Verifier | None,
    origin: str | None = None,
) -> Mirrored:
    """Bring the mirror in `directory` up to the server's newest checkpoint (see the module
    docstring). `operator` and `origin`: the key and log the caller trusts; None takes the
    key the server states. Raises Refused, leaving the directory as it was."""
    checkpoint = _get(client, PREFIX + CHECKPOINT).text
    parts = _get(client, PREFIX + "bundle.json").json()
    if operator is None:
        try:
            operator = note.parse_verifier_key(str(parts[ledger_service.MANIFEST]["operator"]))
        except (KeyError, TypeError, note.NoteError) as exc:
            raise InputRejected(f"server: no usable operator key in bundle.json ({exc})") from None
    held = _held(directory, operator)
    proof: list[bytes] = []
    if held is not None:
        size = _size(checkpoint)
        if held.size < size:
            answer = _get(client, "/api/ledger/consistency", params={"old": held.size, "new": size})
            proof = hashes_from_b64(answer.json()["proof"])
    verdict = judge(held, checkpoint, proof, operator)
    if isinstance(verdict, Evidence):
        raise Refused(verdict.reason, verdict if held is not None else None)
    if origin is not None and verdict.origin != origin:
        raise Refused(f"the server's checkpoint is of log {verdict.origin!r}, not {origin!r}")
    incoming = directory / INCOMING
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(parents=True)
    try:
        fetched, kept = _fetch(client, directory, incoming, verdict.size)
        _check(directory, incoming, verdict)
        _write_bundle(incoming, parts, verdict)
    except (Refused, InputRejected):
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    _commit(directory, incoming, verdict)
    return Mirrored(verdict.size, verdict.root, fetched, kept)


# --- the steps --------------------------------------------------------------------------------


def _held(directory: Path, operator: note.Verifier) -> WitnessState | None:
    """The checkpoint the mirror holds, checked again: a mirror whose checkpoint no longer
    verifies with the operator's key is not one to extend."""
    path = directory / CHECKPOINT
    if not path.exists():
        return None
    found = judge(None, path.read_text(encoding="utf-8"), [], operator)
    if isinstance(found, Evidence):
        raise Refused(f"the checkpoint this mirror holds ({path}): {found.reason}")
    return found


def _fetch(client: httpx.Client, directory: Path, incoming: Path, size: int) -> tuple[int, int]:
    """Fetch into `incoming` every tile and bundle of the tree that the mirror lacks."""
    fetched = kept = 0
    for tile in _needed(size):
        if (directory / tile.path).is_file():
            kept += 1
            continue
        target = incoming / tile.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_get(client, PREFIX + tile.path).content)
        fetched += 1
    return fetched, kept


def _needed(size: int) -> list[tiles.Tile]:
    return tiles.tiles_for(size) + tiles.bundles_for(size)


def _read(directory: Path, incoming: Path) -> Callable[[tiles.Tile], bytes]:
    def read(tile: tiles.Tile) -> bytes:
        new = incoming / tile.path
        return (new if new.is_file() else directory / tile.path).read_bytes()

    return read


def _check(directory: Path, incoming: Path, checkpoint: WitnessState) -> None:
    """Every tile against the checkpoint's root, then every entry against its leaf hash;
    the entries are written to `incoming`'s entries.jsonl as they pass."""
    read = _read(directory, incoming)
    size = checkpoint.size
    held = {t: read(t) for t in tiles.tiles_for(size)}
    try:
        tiles.check_tiles(size, checkpoint.root, held)
        with (incoming / ledger_service.ENTRIES).open("wb") as out:
            for bundle in tiles.bundles_for(size):
                level0 = tiles.Tile(0, bundle.index, bundle.width)
                lines = tiles.decode_bundle(read(bundle), bundle)
                tiles.check_bundle(bundle, lines, tiles.split_hashes(held[level0], level0))
                out.writelines(line + b"\n" for line in lines)
    except tiles.TileError as exc:
        raise Refused(f"{exc} (checked against checkpoint {size})") from None


def _write_bundle(incoming: Path, parts: Any, checkpoint: WitnessState) -> None:
    """The bundle's other files, cut to the checkpoint: what `truce ledger verify` reads."""
    try:
        keys = parts[ledger_service.KEYS]
        old = [c for c in parts[ledger_service.CHECKPOINTS] if int(c["size"]) <= checkpoint.size]
        notes = [n for n in parts[ledger_service.NOTES] if _size(n) < checkpoint.size]
        manifest = dict(parts[ledger_service.MANIFEST])
    except (KeyError, TypeError, ValueError) as exc:
        raise InputRejected(f"server: bundle.json is not a bundle's parts ({exc})") from None
    # The newest note as fetched with the tiles, whatever was issued since.
    notes.append(checkpoint.checkpoint)
    manifest |= {"entries": checkpoint.size, "root": checkpoint.root.hex()}
    manifest["origin"] = checkpoint.origin
    files = {
        ledger_service.KEYS: keys,
        ledger_service.CHECKPOINTS: old,
        ledger_service.NOTES: notes,
        ledger_service.MANIFEST: manifest,
    }
    for name, content in files.items():
        (incoming / name).write_text(json.dumps(content, indent=1))


def _commit(directory: Path, incoming: Path, checkpoint: WitnessState) -> None:
    """Move the checked files into place, drop partial tiles the log has outgrown, and write
    the checkpoint last: a run cut short leaves the old checkpoint, and the next run checks
    every tile again anyway."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in sorted(p for p in incoming.rglob("*") if p.is_file()):
        target = directory / path.relative_to(incoming)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.replace(target)
    shutil.rmtree(incoming, ignore_errors=True)
    _drop_outgrown(directory, {t.path for t in _needed(checkpoint.size)})
    partial = directory / (CHECKPOINT + ".new")
    partial.write_text(checkpoint.checkpoint, encoding="utf-8")
    partial.replace(directory / CHECKPOINT)


def _drop_outgrown(directory: Path, needed: set[str]) -> None:
    """Partial tiles a full tile (or a wider partial one) now stands for."""
    for tile_dir in _partial_dirs(directory / "tile"):
        for file in tile_dir.iterdir():
            if file.relative_to(directory).as_posix() not in needed:
                file.unlink()
        if not any(tile_dir.iterdir()):
            tile_dir.rmdir()


def _partial_dirs(root: Path) -> Iterable[Path]:
    return [p for p in root.rglob("*.p") if p.is_dir()] if root.is_dir() else []


# --- helpers ----------------------------------------------------------------------------------


def _size(signed: str) -> int:
    try:
        return note.parse_checkpoint(note.parse_note(signed).text).size
    except note.NoteError as exc:
        raise InputRejected(f"server: a checkpoint is malformed: {exc}") from None


def _get(client: httpx.Client, path: str, **options: Any) -> httpx.Response:
    try:
        answer = client.get(path, **options)
    except httpx.HTTPError as exc:
        raise InputRejected(f"server: {exc}") from None
    if not answer.is_success:
        try:
            detail = answer.json().get("detail", answer.text)
        except ValueError:
            detail = answer.text
        raise InputRejected(
            f"server: {answer.request.url.path} answered {answer.status_code}: {detail}"
        )
    return answer


def _evidence_path(directory: Path) -> Path:
    """Beside the mirror, never over earlier evidence."""
    base = directory.parent / f"{directory.name}.evidence"
    path, n = base.with_suffix(".json"), 1
    while path.exists():
        n += 1
        path = directory.parent / f"{directory.name}.evidence-{n}.json"
    return path
