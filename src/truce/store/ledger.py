"""The ledger, members' public keys and users in the database.

Appending locks the single head row (SELECT ... FOR UPDATE on PostgreSQL; on SQLite a write
to the head row, which makes a shared transaction a writing one before the head is read),
so concurrent writers queue: one linear log, no forks, no gaps.

Two ways in, both all-or-nothing with the change an act records:
- `append`: the entry is signed and written in the caller's transaction, under the head lock
  (SQLite, where writers are one at a time anyway; and rare acts that must be in the log
  before the transaction goes on, such as a key rotation).
- `enqueue`, then `sequence` (PostgreSQL): the act is committed to `ledger_queue` with its
  change, taking no lock that other writers wait on; a sequencer then takes the head lock and
  numbers, links and signs every queued act in one transaction, a batch per commit (as
  Trillian's sequencer does). A checkpoint covers sequenced entries only.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    LargeBinary,
    bindparam,
    delete,
    insert,
    select,
    text,
    update,
)

from truce.domain.errors import Conflict, NotFound
from truce.ledger import entries, merkle
from truce.ledger.checkpoints import Cosigned, Issued, WitnessKey
from truce.ledger.keys import OPERATOR, SigningKey
from truce.ledger.verify import KeyRecord
from truce.store import tables as t

_HEAD = text("SELECT size, last_leaf FROM ledger_head WHERE id = 1")
_ANY_QUEUED = text("SELECT 1 FROM ledger_queue LIMIT 1")
_CHECKPOINT_SIZES = text(
    "SELECT size, 0 AS kind, id AS ord FROM checkpoints "
    "UNION ALL SELECT size, 1 AS kind, size AS ord FROM checkpoint_notes ORDER BY kind, ord"
)
_HEAD_FOR_UPDATE = text("SELECT size, last_leaf FROM ledger_head WHERE id = 1 FOR UPDATE")
_HEAD_IF_FREE = text("SELECT size, last_leaf FROM ledger_head WHERE id = 1 FOR UPDATE SKIP LOCKED")
_INSERT = text(
    "INSERT INTO ledger_entries (seq, line, leaf, at, member_id, act) "
    "VALUES (:seq, :line, :leaf, :at, :member_id, :act)"
).bindparams(bindparam("line", type_=LargeBinary), bindparam("at", type_=t.UTCDateTime()))
_ADVANCE = text("UPDATE ledger_head SET size = :size, last_leaf = :leaf WHERE id = 1")
_TOUCH = text("UPDATE ledger_head SET size = size WHERE id = 1")  # SQLite's FOR UPDATE
# A batch of entries in one statement on PostgreSQL (arrays, unnested); foreign keys are
# checked at the statement's end, when the entries its objects name are in.
_ENQUEUE = text(
    "INSERT INTO ledger_queue (member_id, act, effective, queued_at) "
    "VALUES (:member_id, :act, :effective, :queued_at)"
).bindparams(
    bindparam("effective", type_=t.UTCDateTime()), bindparam("queued_at", type_=t.UTCDateTime())
)
_WRITE_BATCH = text(
    "WITH added AS (INSERT INTO ledger_entries (seq, line, leaf, at, member_id, act) "
    "SELECT * FROM unnest(CAST(:seqs AS integer[]), CAST(:lines AS bytea[]), "
    "CAST(:leaves AS varchar[]), CAST(:ats AS timestamptz[]), CAST(:members AS varchar[]), "
    "CAST(:acts AS varchar[]))), "
    "named AS (INSERT INTO ledger_objects (object_id, seq) "
    "SELECT * FROM unnest(CAST(:object_ids AS varchar[]), CAST(:object_seqs AS integer[]))) "
    "UPDATE ledger_head SET size = :size, last_leaf = :leaf WHERE id = 1"
)
# Taken off the queue and returned in one statement (the head lock keeps out other
# sequencers; the order of RETURNING is not defined, so rows are sorted by ID after).
_DEQUEUE = text(
    "DELETE FROM ledger_queue WHERE id IN "
    "(SELECT id FROM ledger_queue ORDER BY id LIMIT :limit) "
    "RETURNING id, act, effective"
).columns(effective=t.UTCDateTime())
_TREES: dict[str, merkle.Tree] = {}
_TREES_LOCK = threading.Lock()


class TreeView:
    """A tree as one transaction saw it: its size fixed, whatever is appended later."""

    def __init__(self, tree: merkle.Tree, size: int) -> None:
        self._tree, self._size = tree, size

    def __len__(self) -> int:
        return self._size

    def root(self, size: int | None = None) -> bytes:
        return self._tree.root(self._within(size))

    def leaf(self, index: int) -> bytes:
        return self._tree.leaf(self._within(index + 1) - 1)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return self._tree.inclusion_proof(index, self._within(size))

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        return self._tree.consistency_proof(old_size, self._within(new_size))

    def _within(self, size: int | None) -> int:
        if size is None:
            return self._size
        if size > self._size:
            raise merkle.ProofError(f"size {size} is beyond this tree of {self._size} leaves")
        return size


class LedgerRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self.dialect = connection.dialect.name

    def append(
        self,
        act: entries.Act,
        signer: SigningKey,
        clock: Callable[[], datetime],
        effective: datetime | None = None,
    ) -> int:
        """Sign and append an entry; its sequence number. The entry's time is read from `clock`
        once the head is locked, so times never go back along the log."""
        seq, prev = self._lock_head()
        self._write([(act, effective)], signer, clock, seq, prev)
        return seq

    def append_all(
        self,
        acts: Sequence[tuple[entries.Act, datetime | None]],
        signer: SigningKey,
        clock: Callable[[], datetime],
        head: tuple[int, str],
    ) -> tuple[list[int], tuple[int, str]]:
        """Sign and append entries after `head` (locked by this transaction); their
        sequence numbers, and the head after them."""
        seq, prev = head
        after = self._write(acts, signer, clock, seq, prev)
        return list(range(seq, after[0])), after

    def enqueue(self, acts: Sequence[tuple[entries.Act, datetime | None]], at: datetime) -> None:
        """Commit the acts (each with its effective time) with the caller's transaction, to
        be sequenced later. Their member signatures, if any, were checked by the caller."""
        rows = []
        for act, effective in acts:
            plain = entries.act_plain(act)
            if act.member_signature is not None:
                plain["member_signature"] = act.member_signature.to_plain()
            rows.append(
                {
                    "member_id": act.member,
                    "act": json.dumps(plain, sort_keys=True),
                    "effective": effective,
                    "queued_at": at,
                }
            )
        self._c.execute(_ENQUEUE, rows)  # one batch: nothing reads the queue IDs back

    def queued_now(self) -> bool:
        """Whether any act waits in the queue, asked outside any transaction (one round trip
        instead of a transaction's three). Call it between transactions."""
        c = self._c
        if c.in_transaction():
            c.rollback()
        c.execution_options(isolation_level="AUTOCOMMIT")
        try:
            found = c.execute(_ANY_QUEUED).first() is not None
            c.rollback()  # ends the statement's own (autocommit) transaction: no round trip
        finally:
            c.execution_options(isolation_level=c.default_isolation_level)
        return found

    def sequence(
        self,
        signer: SigningKey,
        clock: Callable[[], datetime],
        limit: int,
        head: tuple[int, str],
    ) -> tuple[int, tuple[int, str]]:
        """Append up to `limit` queued acts after `head` (locked by this transaction), oldest
        queued first; how many, and the head after them. An act queued after another
        committed was queued after it, so the log keeps what caused what in order."""
        rows = sorted(self._c.execute(_DEQUEUE, {"limit": limit}).all(), key=lambda r: r.id)
        if not rows:
            return 0, head
        after = self._write([(_act(r.act), r.effective) for r in rows], signer, clock, *head)
        return len(rows), after

    def queued_bodies(self, prefix: str) -> list[dict[str, Any]]:
        """Queued acts whose name starts with `prefix`, oldest first, as entry bodies
        without a place in the log yet (`truce check` counts them with the log's)."""
        table = t.ledger_queue
        rows = self._c.execute(
            select(table.c.id, table.c.act, table.c.effective).order_by(table.c.id)
        )
        bodies = []
        for queue_id, act_json, effective in rows:
            plain = json.loads(act_json)
            if str(plain.get("act", "")).startswith(prefix):
                bodies.append(
                    plain
                    | {
                        "seq": f"(queued {queue_id})",
                        "effective": effective.isoformat() if effective else None,
                    }
                )
        return bodies

    def _write(
        self,
        acts: Sequence[tuple[entries.Act, datetime | None]],
        signer: SigningKey,
        clock: Callable[[], datetime],
        seq: int,
        prev: str,
    ) -> tuple[int, str]:
        """Sign and insert entries from `seq` on after `prev`, and move the head past them
        (the head is locked); the new head. Plain SQL built once: this is the hot path, and
        building Core statements cost three times the signing."""
        rows: list[dict[str, Any]] = []
        objects: list[dict[str, Any]] = []
        for act, effective in acts:
            # The operator signs for any member (the entry says so); a member's key only for
            # that member (the format before issue 12, kept for old logs and benchmarks).
            attested_by = OPERATOR if signer.member == OPERATOR else None
            if attested_by is None and signer.member != act.member:
                raise Conflict(f"{signer.member}'s key cannot sign an act of {act.member}")
            at = clock()
            line = entries.sign_entry(
                entries.entry_body(
                    act,
                    seq=seq,
                    prev=prev,
                    at=at,
                    key_id=signer.id,
                    effective=effective,
                    attested_by=attested_by,
                ),
                signer,
            )
            prev = entries.leaf(line).hex()
            rows.append(
                {
                    "seq": seq,
                    "line": line,
                    "leaf": prev,
                    "at": at,
                    "member_id": act.member,
                    "act": act.act,
                }
            )
            objects += [{"object_id": o[:200], "seq": seq} for o in sorted(set(act.objects))]
            seq += 1
        if self._c.dialect.name == "postgresql":
            # One round trip for the batch: the entries, their objects and the head.
            self._c.execute(
                _WRITE_BATCH,
                {
                    "seqs": [r["seq"] for r in rows],
                    "lines": [r["line"] for r in rows],
                    "leaves": [r["leaf"] for r in rows],
                    "ats": [r["at"] for r in rows],
                    "members": [r["member_id"] for r in rows],
                    "acts": [r["act"] for r in rows],
                    "object_ids": [o["object_id"] for o in objects],
                    "object_seqs": [o["seq"] for o in objects],
                    "size": seq,
                    "leaf": prev,
                },
            )
            return seq, prev
        self._c.execute(_INSERT, rows)
        self._c.execute(_ADVANCE, {"size": seq, "leaf": prev})
        if objects:
            self._c.execute(insert(t.ledger_objects), objects)
        return seq, prev

    def try_lock(self) -> tuple[int, str] | None:
        """The head, locked until this transaction ends; None if another transaction holds
        it (PostgreSQL; on SQLite the transaction holds the write lock, so the head too)."""
        if self._c.dialect.name != "postgresql":
            return self._lock_head()
        found = self._c.execute(_HEAD_IF_FREE).first()
        return (int(found[0]), str(found[1])) if found else None

    def lock(self) -> tuple[int, str]:
        """Hold the log's head until this transaction ends; its size and last leaf."""
        return self._lock_head()

    def _lock_head(self) -> tuple[int, str]:
        if self._c.dialect.name == "postgresql":
            size, prev = self._c.execute(_HEAD_FOR_UPDATE).one()
        else:
            # A write takes SQLite's write lock (a shared transaction starts again there),
            # so the head read next is the newest and stays so until commit.
            self._c.execute(_TOUCH)
            size, prev = self._c.execute(_HEAD).one()
        return int(size), str(prev)

    def size(self) -> int:
        return int(
            self._c.execute(
                select(t.ledger_head.c.size).where(t.ledger_head.c.id == 1)
            ).scalar_one()
        )

    def lines(self, *, start: int = 0, batch: int = 10_000) -> Iterator[bytes]:
        """Every entry's line in order, read in batches."""
        while True:
            rows = (
                self._c.execute(
                    select(t.ledger_entries.c.line)
                    .where(t.ledger_entries.c.seq >= start)
                    .order_by(t.ledger_entries.c.seq)
                    .limit(batch)
                )
                .scalars()
                .all()
            )
            yield from (bytes(r) for r in rows)
            if len(rows) < batch:
                return
            start += batch

    def line(self, seq: int) -> bytes:
        found = self._c.execute(
            select(t.ledger_entries.c.line).where(t.ledger_entries.c.seq == seq)
        ).scalar_one_or_none()
        if found is None:
            raise NotFound(f"no ledger entry {seq} (the log has {self.size()})")
        return bytes(found)

    def entries_for(self, object_id: str) -> list[dict[str, Any]]:
        """Entries naming an object, oldest first (through the object index)."""
        rows = self._c.execute(
            select(t.ledger_entries.c.seq, t.ledger_entries.c.line)
            .join(t.ledger_objects, t.ledger_objects.c.seq == t.ledger_entries.c.seq)
            .where(t.ledger_objects.c.object_id == object_id[:200])
            .order_by(t.ledger_entries.c.seq)
        )
        return [
            entries.parse_entry(entries.split_line(bytes(line))[0]) | {"seq": seq}
            for seq, line in rows
        ]

    def acts_starting(self, prefix: str) -> Iterator[dict[str, Any]]:
        """Entries whose act starts with `prefix` (e.g. "case."), oldest first (`truce check`)."""
        rows = self._c.execute(
            select(t.ledger_entries.c.seq, t.ledger_entries.c.line)
            .where(t.ledger_entries.c.act.startswith(prefix, autoescape=True))
            .order_by(t.ledger_entries.c.seq)
        )
        for seq, line in rows:
            yield entries.parse_entry(entries.split_line(bytes(line))[0]) | {"seq": seq}

    def tree(self) -> TreeView:
        """The Merkle tree of the whole log, as this transaction sees its head. Kept per
        database in this process and extended with the entries added since, so a proof at a
        million entries costs one read of the head row and microseconds of hashing, not a
        read of a million leaves. (Checked against the head's last leaf, so a rebuilt
        database is never answered from a stale tree.)"""
        key = str(self._c.engine.url)
        size, last = self._c.execute(_HEAD).one()
        size = int(size)
        with _TREES_LOCK:
            tree = _TREES.get(key)
            if tree is not None and len(tree) >= size:
                # Cached as far or further (another transaction saw a newer head): the same
                # log if the leaf at this head is the head's.
                if size == 0 or tree.leaf(size - 1).hex() == last:
                    return TreeView(tree, size)
                tree = None
            if (
                tree is not None
                and len(tree)
                and self._leaf_at(len(tree) - 1) != tree.leaf(len(tree) - 1)
            ):
                tree = None  # leaves of a transaction rolled back, or another database
            if tree is None:
                tree = merkle.Tree()
            new = self._c.execute(
                select(t.ledger_entries.c.leaf)
                .where(t.ledger_entries.c.seq >= len(tree), t.ledger_entries.c.seq < size)
                .order_by(t.ledger_entries.c.seq)
            ).scalars()
            for leaf in new:
                tree.append(bytes.fromhex(leaf))
            _TREES[key] = tree
            # The view is fixed at this transaction's size: other transactions only ever add
            # leaves beyond it, or replace the cached tree, never change what it sees.
            return TreeView(tree, len(tree))

    def _leaf_at(self, seq: int) -> bytes | None:
        found = self._c.execute(
            select(t.ledger_entries.c.leaf).where(t.ledger_entries.c.seq == seq)
        ).scalar_one_or_none()
        return bytes.fromhex(found) if found else None

    def add_checkpoint(self, checkpoint: entries.Checkpoint) -> None:
        self._c.execute(
            insert(t.checkpoints).values(
                size=checkpoint.size,
                root=checkpoint.root,
                at=checkpoint.at,
                body=checkpoint.to_plain(),
            )
        )

    def checkpoint_sizes(self) -> list[int]:
        """The sizes of every checkpoint in the order they are numbered: the old co-signed
        ones as made, then the C2SP ones (one read, for proofs)."""
        rows = self._c.execute(_CHECKPOINT_SIZES).all()
        return [int(r[0]) for r in rows]

    def checkpoints(self) -> list[entries.Checkpoint]:
        rows = self._c.execute(select(t.checkpoints.c.body).order_by(t.checkpoints.c.id)).scalars()
        return [entries.Checkpoint.from_plain(body) for body in rows]

    # --- C2SP checkpoints, their cosignatures, witnesses' keys (issue 12) ---

    def add_note(self, issued: Issued) -> None:
        self._c.execute(
            insert(t.checkpoint_notes).values(
                size=issued.size,
                root=issued.root,
                origin=issued.origin,
                note=issued.note,
                created_at=issued.created_at,
            )
        )

    def notes(self, *, size: int | None = None, last: bool = False) -> list[Issued]:
        """The checkpoints issued (oldest first), with their cosignatures; only the one of
        `size`, or only the newest (`last`), when asked."""
        query = select(t.checkpoint_notes)
        if size is not None:
            query = query.where(t.checkpoint_notes.c.size == size)
        if last:
            query = query.order_by(t.checkpoint_notes.c.size.desc()).limit(1)
        else:
            query = query.order_by(t.checkpoint_notes.c.size)
        rows = self._c.execute(query).all()
        if not rows:
            return []
        signed = self._c.execute(
            select(t.checkpoint_cosignatures)
            .where(t.checkpoint_cosignatures.c.size.in_([r.size for r in rows]))
            .order_by(t.checkpoint_cosignatures.c.witness)
        ).all()
        by_size: dict[int, list[Cosigned]] = {}
        for c in signed:
            by_size.setdefault(c.size, []).append(
                Cosigned(c.witness, c.key_hash, c.timestamp, c.line, c.received_at)
            )
        issued = [
            Issued(r.size, r.root, r.origin, r.note, r.created_at, tuple(by_size.get(r.size, ())))
            for r in rows
        ]
        return issued[::-1] if last else issued

    def add_cosignature(self, size: int, cosigned: Cosigned) -> None:
        """Keep a witness's cosignature of a checkpoint; one that cosigns again replaces its
        earlier one (the newer time)."""
        table = t.checkpoint_cosignatures
        self._c.execute(
            delete(table).where(table.c.size == size, table.c.witness == cosigned.witness)
        )
        self._c.execute(
            insert(table).values(
                size=size,
                witness=cosigned.witness,
                key_hash=cosigned.key_hash,
                timestamp=cosigned.timestamp,
                line=cosigned.line,
                received_at=cosigned.received_at,
            )
        )

    def register_witness_key(self, key: WitnessKey) -> None:
        """A witness's new cosignature key; the one it replaces is retired at the same time."""
        table = t.witness_keys
        if self._c.execute(select(table.c.vkey).where(table.c.vkey == key.vkey)).first():
            raise Conflict(f"witness key {key.vkey} is already registered")
        self._c.execute(
            update(table)
            .where(table.c.member_id == key.member, table.c.retired_at.is_(None))
            .values(retired_at=key.registered_at)
        )
        self._c.execute(
            insert(table).values(
                vkey=key.vkey,
                member_id=key.member,
                key_hash=key.key_hash,
                registered_at=key.registered_at,
                retired_at=None,
            )
        )

    def witness_keys(self) -> list[WitnessKey]:
        table = t.witness_keys
        rows = self._c.execute(select(table).order_by(table.c.member_id, table.c.registered_at))
        return [
            WitnessKey(r.member_id, r.vkey, r.key_hash, r.registered_at, r.retired_at) for r in rows
        ]


class KeyRepository:
    """Members' public keys, with the history of rotations."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def register(self, member_id: str, key_id: str, public: bytes, at: datetime) -> None:
        """Register a member's new key; the one it replaces is retired at the same moment."""
        if self._c.execute(
            select(t.member_keys.c.key_id).where(t.member_keys.c.key_id == key_id)
        ).first():
            raise Conflict(f"key {key_id} is already registered")
        self._c.execute(
            update(t.member_keys)
            .where(t.member_keys.c.member_id == member_id, t.member_keys.c.retired_at.is_(None))
            .values(retired_at=at)
        )
        self._c.execute(
            insert(t.member_keys).values(
                key_id=key_id,
                member_id=member_id,
                public=public.hex(),
                valid_from=at,
                retired_at=None,
            )
        )

    def current(self, member_id: str) -> KeyRecord | None:
        row = self._c.execute(
            select(t.member_keys).where(
                t.member_keys.c.member_id == member_id, t.member_keys.c.retired_at.is_(None)
            )
        ).first()
        return _record(row) if row else None

    def all(self) -> list[KeyRecord]:
        rows = self._c.execute(
            select(t.member_keys).order_by(t.member_keys.c.member_id, t.member_keys.c.valid_from)
        )
        return [_record(r) for r in rows]


def _record(row: Any) -> KeyRecord:
    return KeyRecord(
        member=row.member_id,
        key_id=row.key_id,
        public=row.public,
        valid_from=row.valid_from,
        retired_at=row.retired_at,
    )


def _act(stored: str) -> entries.Act:
    """A queued act as it was recorded."""
    plain = json.loads(stored)
    signature = plain.get("member_signature")
    return entries.Act(
        plain["act"],
        plain["member"],
        plain.get("user"),
        objects=tuple(plain.get("objects") or ()),
        hashes=plain.get("hashes") or None,
        details=plain.get("details") or None,
        member_signature=(
            entries.MemberSignature(signature["key"], signature["signature"]) if signature else None
        ),
    )
