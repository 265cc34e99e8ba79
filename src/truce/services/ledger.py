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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from truce.config import DEFAULT_LOG_ORIGIN
from truce.domain.access import Principal, UseCase, authorize
from truce.domain.errors import Conflict, InputRejected, NotFound
from truce.ledger import attestation, entries, merkle, note
from truce.ledger.checkpoints import Issued, check_notes, first_difference, held_checkpoint
from truce.ledger.verify import KeyRecord, Verification, heads_from_notes, verify_ledger
from truce.services import witnessing
from truce.services.files import open_private_binary, write_private
from truce.store.uow import UnitOfWork

ENTRIES, KEYS, CHECKPOINTS, MANIFEST = (
    "entries.jsonl",
    "keys.json",
    "checkpoints.json",
    "manifest.json",
)
NOTES = "checkpoints.c2sp.json"  # the C2SP signed notes, with their witnesses' cosignatures


def guarantors(uow: UnitOfWork) -> list[str]:
    """Every guarantor of every agreement in the store: the co-signers of checkpoints."""
    return sorted({g.member_id for a in uow.agreements.all() for g in a.guarantors})


def checkpoint(
    *, uow: UnitOfWork, who: Principal, now: datetime, origin: str = DEFAULT_LOG_ORIGIN
) -> Issued:
    """A C2SP checkpoint of the whole log, signed by the log operator's key only; stored as
    issued. Witnesses cosign it on their own machines (`truce witness run`). The same size as
    the newest one gives that one back (nothing new to vouch for). Storing it is itself
    logged, after the head it covers. (Checkpoints made before were co-signed here with every
    guarantor's key, which the server held; they stay readable and verify.)"""
    authorize(who, UseCase.CHECKPOINT)
    uow.sequence()  # every act committed so far: a checkpoint covers sequenced entries only
    tree = uow.ledger.tree()
    size = len(tree)
    if size == 0:
        raise InputRejected("the ledger is empty: nothing to checkpoint")
    newest = uow.ledger.notes(last=True)
    if newest:
        last = newest[0]
        if last.origin != origin:
            raise Conflict(
                f"log_origin: this log's checkpoints are of {last.origin!r}, not {origin!r}; "
                "witnesses would take a new origin for a new log"
            )
        if last.size > size:
            raise InputRejected(
                f"the log has {size} entries, fewer than the last checkpoint's {last.size}"
            )
        if last.size == size:
            return last
    root = tree.root(size)
    text = note.checkpoint_text(origin, size, root)
    signed = note.sign_note(text, origin, witnessing.operator_key(uow))
    made = Issued(size, root.hex(), origin, signed, uow.clock())
    uow.ledger.add_note(made)
    uow.record(
        entries.Act(
            "ledger.checkpoint",
            who.member,
            who.user,
            objects=(f"checkpoint:{size}",),
            hashes={"root": made.root},
            details={"size": size, "format": "c2sp"},
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
    # How the entry was signed: member-signed, operator-attested or server-held-key
    # (`truce.ledger.attestation`).
    attested: str = ""

    def to_plain(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "leaf": self.leaf,
            "size": self.size,
            "root": self.root,
            "path": self.path,
            "checkpoint": self.checkpoint,
            "attested": self.attested,
        }


def prove(*, uow: UnitOfWork, who: Principal, seq: int) -> Proof:
    """An inclusion proof of entry `seq`: to the first checkpoint that covers it, so a member
    holding that co-signed checkpoint can check it; else to the current tree."""
    authorize(who, UseCase.READ_LEDGER)
    tree = uow.ledger.tree()
    if not 0 <= seq < len(tree):
        raise NotFound(f"no ledger entry {seq}: the log has {len(tree)} entries")
    line = uow.ledger.line(seq)
    leaf = entries.leaf(line)
    signed = _signed_as(uow, line)
    # Old co-signed checkpoints came first, then the C2SP ones: one list, numbered in order.
    sizes = uow.ledger.checkpoint_sizes()
    for number, size in enumerate(sizes):
        if size > seq:
            path = tree.inclusion_proof(seq, size)
            root = tree.root(size).hex()
            return Proof(seq, leaf.hex(), size, root, [p.hex() for p in path], number, signed)
    path = tree.inclusion_proof(seq)
    return Proof(
        seq, leaf.hex(), len(tree), tree.root().hex(), [p.hex() for p in path], None, signed
    )


def _signed_as(uow: UnitOfWork, line: bytes) -> str:
    try:
        body = entries.parse_entry(entries.split_line(line)[0])
    except entries.MalformedEntry:
        return attestation.OPERATOR_ATTESTED  # only the operator's word is left for it
    return attestation.signed_as(body, attestation.Keys(uow.keys.all()))


def check_proof(proof: Proof) -> bool:
    return merkle.verify_inclusion(
        bytes.fromhex(proof.leaf),
        proof.seq,
        proof.size,
        [bytes.fromhex(p) for p in proof.path],
        bytes.fromhex(proof.root),
    )


def export_bundle(
    *, uow: UnitOfWork, who: Principal, directory: Path, origin: str = DEFAULT_LOG_ORIGIN
) -> int:
    """Write the bundle; the number of entries."""
    authorize(who, UseCase.READ_LEDGER)
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    # Mode 0600: the bundle is for its reader, not every account on the machine.
    with open_private_binary(directory / ENTRIES) as out:
        for line in uow.ledger.lines():
            out.write(line + b"\n")
            count += 1
    for name, content in bundle_parts(uow, origin).items():
        write_private(directory / name, json.dumps(content, indent=1))
    return count


def bundle_parts(uow: UnitOfWork, origin: str = DEFAULT_LOG_ORIGIN) -> dict[str, Any]:
    """Everything in a bundle but its entries, by file name (a mirror fetches these once and
    the entries as tiles). The manifest's `entries` and `root` are the whole log's now."""
    issued = uow.ledger.notes()
    tree = uow.ledger.tree()
    # The log's origin is the one its checkpoints carry (the setting only until the first).
    origin = issued[-1].origin if issued else origin
    manifest = {
        "entries": len(tree),
        "root": tree.root().hex(),
        "cosigners": guarantors(uow),
        "origin": origin,
        "operator": witnessing.operator_verifier(uow, origin).key if issued else None,
        "witness_keys": [k.to_plain() for k in uow.ledger.witness_keys()],
        "witness_policy": witnessing.quorum(uow).to_plain(),
    }
    return {
        KEYS: [k.to_plain() for k in uow.keys.all()],
        CHECKPOINTS: [c.to_plain() for c in uow.ledger.checkpoints()],
        NOTES: [n.signed_note() for n in issued],
        MANIFEST: manifest,
    }


def bundle_zip(*, uow: UnitOfWork, who: Principal) -> bytes:
    """The bundle as one zip file (folder `truce-ledger/`), for downloads."""
    with tempfile.TemporaryDirectory() as folder:
        export_bundle(uow=uow, who=who, directory=Path(folder))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(folder).iterdir()):
                archive.write(path, f"truce-ledger/{path.name}")
    return buffer.getvalue()


@dataclass
class BundleVerification(Verification):
    """A bundle's verification, with its C2SP checkpoints' witnesses."""

    # per C2SP checkpoint: its size and the witnesses whose cosignatures verify
    cosigned: list[tuple[int, list[str]]] = field(default_factory=list)
    quorum: int = 0

    def witnessed(self) -> str:
        """One line: how many C2SP checkpoints the witness policy's quorum cosigned."""
        if not self.cosigned:
            return "no C2SP checkpoint"
        met = sum(len(signed) >= self.quorum for _, signed in self.cosigned)
        size, signed = self.cosigned[-1]
        return (
            f"{met} of {len(self.cosigned)} C2SP checkpoint(s) cosigned by a quorum of "
            f"{self.quorum}; the newest (size {size}) by {', '.join(signed) or 'no witness'}"
        )


def verify_bundle(
    directory: Path,
    *,
    operator: note.Verifier | None = None,
    witnesses: Sequence[tuple[str, note.Verifier]] | None = None,
    key_records: Sequence[KeyRecord] | None = None,
    full: bool = False,
    workers: int = 1,
) -> BundleVerification:
    """Check a bundle offline. Every problem names the entry or checkpoint it is in.

    `operator` and `witnesses` are the keys the verifier trusts (a trust file); without them,
    the bundle's own manifest names them, which proves nothing about the operator."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
        if key_records is None:  # else the keys a trust file vouches for (services.trust)
            key_records = bundle_keys(directory)
        checkpoints = [
            entries.Checkpoint.from_plain(c)
            for c in json.loads((directory / CHECKPOINTS).read_text())
        ]
        notes = _notes(directory)
        if notes and operator is None:
            operator = note.parse_verifier_key(str(manifest["operator"]))
        if witnesses is None:
            witnesses = [
                (str(k["member"]), note.parse_verifier_key(str(k["vkey"])))
                for k in manifest.get("witness_keys", ())
            ]
        needed = int(manifest.get("witness_policy", {}).get("quorum", 0))
    except FileNotFoundError as exc:
        raise InputRejected(f"not a ledger bundle: {exc.filename} is missing") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise InputRejected(f"not a ledger bundle: {exc}") from None
    # Operator-attested entries under a checkpoint the operator signed are proven by the tree
    # root that checkpoint commits to; `full` checks each entry's signature all the same.
    heads = heads_from_notes(notes, operator, manifest.get("origin")) if operator else []

    def check(every_signature: bool) -> Verification:
        with (directory / ENTRIES).open("rb") as lines:
            return verify_ledger(
                lines,
                key_records,
                checkpoints,
                cosigners=manifest.get("cosigners", ()),
                covered_by_checkpoints=not every_signature,
                signed_heads=heads,
                workers=workers,
            )

    plain = check(full)
    if not plain.ok and not full:
        # A covered entry that was changed shows first as a broken link or root; checking
        # every signature names the entry itself, which is what the reader needs.
        plain = check(True)
    result = BundleVerification(**vars(plain), quorum=needed)
    if notes and operator is not None:
        tree = _tree(directory)
        found = check_notes(
            lambda size: tree.root(size),
            len(tree),
            notes,
            operator,
            witnesses,
            origin=manifest.get("origin"),
        )
        result.problems.extend(found.problems)
        result.cosigned = found.cosigned
        result.checkpoints += len(notes)
    return result


def bundle_keys(directory: Path) -> list[KeyRecord]:
    """The public keys a bundle says its members and operator had (the operator's word)."""
    return [KeyRecord.from_plain(k) for k in json.loads((directory / KEYS).read_text())]


def _notes(directory: Path) -> list[str]:
    """The bundle's C2SP checkpoints (none in a bundle from before them)."""
    path = directory / NOTES
    if not path.exists():
        return []
    found = json.loads(path.read_text())
    if not isinstance(found, list) or not all(isinstance(n, str) for n in found):
        raise ValueError(f"{NOTES} is not a list of signed notes")
    return found


def _tree(directory: Path) -> merkle.Tree:
    tree = merkle.Tree()
    with (directory / ENTRIES).open("rb") as lines:
        for line in lines:
            tree.append(entries.leaf(line))
    return tree


def _lines(directory: Path) -> list[bytes]:
    with (directory / ENTRIES).open("rb") as lines:
        return [line.rstrip(b"\r\n") for line in lines]


@dataclass(frozen=True)
class Extension:
    """Whether a bundle extends a checkpoint its verifier already held."""

    ok: bool
    size: int
    message: str
    first_difference: int | None = None  # the first entry that differs from the old bundle


def extends(
    directory: Path,
    held: str,
    *,
    old_bundle: Path | None = None,
    operator: note.Verifier | None = None,
) -> Extension:
    """Does the bundle's log extend the checkpoint `held` (a signed note, or a witness's state
    file): is the root of its first `size` entries the checkpoint's root? With the bundle the
    verifier held then (`old_bundle`), name the first entry that differs."""
    try:
        signed = note.parse_note(held_checkpoint(held))
        body = note.parse_checkpoint(signed.text)
        if operator is not None:
            note.verify_note(signed, [operator])
    except note.NoteError as exc:
        raise InputRejected(f"since: not a checkpoint you can rely on ({exc})") from None
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except (FileNotFoundError, ValueError) as exc:
        raise InputRejected(f"not a ledger bundle: {exc}") from None
    origin = manifest.get("origin")
    if origin is not None and origin != body.origin:
        return Extension(
            False, body.size, f"the bundle is of log {origin!r}, the checkpoint of {body.origin!r}"
        )
    tree = _tree(directory)
    if body.size > len(tree):
        message = (
            f"the checkpoint you hold covers {body.size} entries, the bundle has only "
            f"{len(tree)}: entries were removed"
        )
    elif tree.root(body.size) != body.root:
        message = (
            f"the bundle's first {body.size} entries have root "
            f"{tree.root(body.size).hex()[:16]}…, the checkpoint you hold says "
            f"{body.root.hex()[:16]}…: the log was rewritten"
        )
    else:
        return Extension(
            True,
            body.size,
            f"extends the checkpoint you hold: its first {body.size} entries have its root "
            f"({len(tree)} entries now)",
        )
    if old_bundle is None:
        return Extension(False, body.size, message)
    old = _lines(old_bundle)[: body.size]
    if merkle.root([entries.leaf(line) for line in old]) != body.root:
        return Extension(
            False, body.size, message + "; the old bundle is not the log that checkpoint covers"
        )
    new = _lines(directory)
    differs = first_difference(old, new)
    if differs is None:  # the new log is a prefix of the old one: it lost entries
        differs = len(new)
    return Extension(
        False, body.size, f"{message}; entry {differs} is the first that differs", differs
    )
