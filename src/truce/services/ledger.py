"""Ledger use cases: co-signed checkpoints, inclusion proofs, and bundles any member can
verify offline with nothing but the bundle.

A bundle is a directory: `entries.jsonl` (one signed entry per line), `keys.json` (every
member's public keys with their validity), `checkpoints.json` (the co-signed tree heads,
each with its consistency proof from the one before) and `manifest.json` (size, root,
and who must co-sign).
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from truce.domain.access import Principal, UseCase, authorize
from truce.domain.errors import InputRejected, NotFound
from truce.ledger import entries, merkle
from truce.ledger.verify import KeyRecord, Verification, verify_ledger
from truce.services.files import open_private_binary, write_private
from truce.store.uow import UnitOfWork

ENTRIES, KEYS, CHECKPOINTS, MANIFEST = (
    "entries.jsonl",
    "keys.json",
    "checkpoints.json",
    "manifest.json",
)


def guarantors(uow: UnitOfWork) -> list[str]:
    """Every guarantor of every agreement in the store: the co-signers of checkpoints."""
    return sorted({g.member_id for a in uow.agreements.all() for g in a.guarantors})


def checkpoint(*, uow: UnitOfWork, who: Principal, now: datetime) -> entries.Checkpoint:
    """A tree head over the whole log, co-signed by every guarantor's key, with the consistency
    proof from the previous checkpoint. Storing it is itself logged (after the head)."""
    authorize(who, UseCase.CHECKPOINT)
    tree = uow.ledger.tree()
    size = len(tree)
    if size == 0:
        raise InputRejected("the ledger is empty: nothing to checkpoint")
    previous = uow.ledger.checkpoints()
    proof: list[bytes] = []
    if previous:
        last = previous[-1]
        if last.size > size:
            raise InputRejected(
                f"the log has {size} entries, fewer than the last checkpoint's {last.size}"
            )
        proof = tree.consistency_proof(last.size, size) if last.size else []
    # Each guarantor co-signs with its registered key (registered, and logged, on first use).
    signers = [uow.signer(m, who.user) for m in guarantors(uow)]
    # The tree head carries the log's own time, like its entries (`now` may be a replayed one).
    made = entries.cosign(size, tree.root(size), uow.clock(), signers, proof)
    uow.ledger.add_checkpoint(made)
    uow.record(
        entries.Act(
            "ledger.checkpoint",
            who.member,
            who.user,
            objects=(f"checkpoint:{size}",),
            hashes={"root": made.root},
            details={"size": size, "cosigners": [c.member for c in made.cosignatures]},
        ),
        now,
    )
    uow.commit()
    return made


@dataclass
class Proof:
    seq: int
    leaf: str
    size: int
    root: str
    path: list[str]
    checkpoint: int | None  # which checkpoint's root the proof leads to, if any

    def to_plain(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "leaf": self.leaf,
            "size": self.size,
            "root": self.root,
            "path": self.path,
            "checkpoint": self.checkpoint,
        }


def prove(*, uow: UnitOfWork, who: Principal, seq: int) -> Proof:
    """An inclusion proof of entry `seq`: to the first checkpoint that covers it, so a member
    holding that co-signed checkpoint can check it; else to the current tree."""
    authorize(who, UseCase.READ_LEDGER)
    tree = uow.ledger.tree()
    if not 0 <= seq < len(tree):
        raise NotFound(f"no ledger entry {seq}: the log has {len(tree)} entries")
    leaf = entries.leaf(uow.ledger.line(seq))
    for number, cp in enumerate(uow.ledger.checkpoints()):
        if cp.size > seq:
            path = tree.inclusion_proof(seq, cp.size)
            return Proof(seq, leaf.hex(), cp.size, cp.root, [p.hex() for p in path], number)
    path = tree.inclusion_proof(seq)
    return Proof(seq, leaf.hex(), len(tree), tree.root().hex(), [p.hex() for p in path], None)


def check_proof(proof: Proof) -> bool:
    return merkle.verify_inclusion(
        bytes.fromhex(proof.leaf),
        proof.seq,
        proof.size,
        [bytes.fromhex(p) for p in proof.path],
        bytes.fromhex(proof.root),
    )


def export_bundle(*, uow: UnitOfWork, who: Principal, directory: Path) -> int:
    """Write the bundle; the number of entries."""
    authorize(who, UseCase.READ_LEDGER)
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    # Mode 0600: the bundle is for its reader, not every account on the machine.
    with open_private_binary(directory / ENTRIES) as out:
        for line in uow.ledger.lines():
            out.write(line + b"\n")
            count += 1
    write_private(directory / KEYS, json.dumps([k.to_plain() for k in uow.keys.all()], indent=1))
    write_private(
        directory / CHECKPOINTS,
        json.dumps([c.to_plain() for c in uow.ledger.checkpoints()], indent=1),
    )
    tree = uow.ledger.tree()
    manifest = {"entries": len(tree), "root": tree.root().hex(), "cosigners": guarantors(uow)}
    write_private(directory / MANIFEST, json.dumps(manifest, indent=1))
    return count


def bundle_zip(*, uow: UnitOfWork, who: Principal) -> bytes:
    """The bundle as one zip file (folder `truce-ledger/`), for downloads."""
    with tempfile.TemporaryDirectory() as folder:
        export_bundle(uow=uow, who=who, directory=Path(folder))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(folder).iterdir()):
                archive.write(path, f"truce-ledger/{path.name}")
    return buffer.getvalue()


def verify_bundle(directory: Path) -> Verification:
    """Check a bundle offline. Every problem names the entry or checkpoint it is in."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
        key_records = [KeyRecord.from_plain(k) for k in json.loads((directory / KEYS).read_text())]
        checkpoints = [
            entries.Checkpoint.from_plain(c)
            for c in json.loads((directory / CHECKPOINTS).read_text())
        ]
    except FileNotFoundError as exc:
        raise InputRejected(f"not a ledger bundle: {exc.filename} is missing") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise InputRejected(f"not a ledger bundle: {exc}") from None
    with (directory / ENTRIES).open("rb") as lines:
        return verify_ledger(
            lines, key_records, checkpoints, cosigners=manifest.get("cosigners", ())
        )
