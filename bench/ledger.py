"""Benchmark: the signed ledger. Prints three figures against issue 5's targets.

1. Appending signed entries through the store (`UnitOfWork.record`: sign, lock the head,
   insert, commit), one entry per transaction and 500 per transaction; SQLite by default,
   PostgreSQL with --database.
2. Verifying a bundle of --entries signed entries (default 1,000,000) offline, on one core:
   every signature, every link, the Merkle tree, and a co-signed checkpoint.
3. An inclusion proof at that size, through `services.ledger.prove` against a store
   holding the entries (the cached tree), and from the tree alone.

    .venv/bin/python bench/ledger.py [--entries 1000000] [--appends 5000]
                                     [--database postgresql://...] [--workdir DIR]

Targets: appends >= 2,000/s; verifying 1,000,000 entries <= 15 s on one core; an
inclusion proof at 1,000,000 entries <= 1 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text, update

from truce.domain.access import Principal, Role
from truce.ledger import entries, merkle
from truce.ledger.keys import SigningKey
from truce.ledger.verify import KeyRecord, verify_ledger
from truce.services import ledger as ledger_service
from truce.store import tables as t
from truce.store.database import make_engine, migrate
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

START = datetime(2017, 1, 1, tzinfo=UTC)
MEMBERS = ("un", "russia", "iran", "turkey", "syria-gov", "syria-opp")


def _fresh(url: str | None, workdir: Path, name: str) -> str:
    if url is None:
        return f"sqlite:///{workdir / name}"
    engine = make_engine(url)
    with engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def bench_appends(url: str, keyring: Keyring, count: int, per_transaction: int) -> float:
    engine = make_engine(url)
    migrate(engine)
    act = entries.Act(
        "bench.append", "un", "bench", objects=("object-1",), hashes={"body": "0" * 64}
    )
    with UnitOfWork(engine, keyring) as uow:
        uow.record(act, START)  # registers the key on first use: not timed
        uow.commit()
        started = time.perf_counter()
        for i in range(count):
            uow.record(act, START + timedelta(seconds=i))
            if (i + 1) % per_transaction == 0:
                uow.commit()
        uow.commit()
        seconds = time.perf_counter() - started
        assert uow.ledger.size() == count + 2
    engine.dispose()
    return count / seconds


def make_bundle(directory: Path, count: int) -> tuple[list[SigningKey], merkle.Tree]:
    """A bundle of `count` signed entries from several members, with one co-signed checkpoint."""
    directory.mkdir(parents=True, exist_ok=True)
    signers = [SigningKey.generate(m) for m in MEMBERS]
    tree = merkle.Tree()
    prev = ""
    with (directory / ledger_service.ENTRIES).open("wb") as out:
        for seq in range(count):
            signer = signers[seq % len(signers)]
            act = entries.Act(
                "case.reply",
                signer.member,
                f"user-{seq % 50}",
                objects=(f"case_{seq // 7:012d}",),
                hashes={"case": f"{seq:064x}"},
                details={"kind": "acknowledged"},
            )
            body = entries.entry_body(
                act, seq=seq, prev=prev, at=START + timedelta(seconds=seq), key_id=signer.id
            )
            line = entries.sign_entry(body, signer)
            out.write(line + b"\n")
            leaf = entries.leaf(line)
            tree.append(leaf)
            prev = leaf.hex()
    keys = [KeyRecord(s.member, s.id, s.public.hex(), START) for s in signers]
    guarantors = [s for s in signers if s.member in ("russia", "iran", "turkey")]
    checkpoint = entries.cosign(count, tree.root(), START + timedelta(seconds=count), guarantors)
    (directory / ledger_service.KEYS).write_text(json.dumps([k.to_plain() for k in keys]))
    (directory / ledger_service.CHECKPOINTS).write_text(json.dumps([checkpoint.to_plain()]))
    (directory / ledger_service.MANIFEST).write_text(
        json.dumps(
            {"entries": count, "root": tree.root().hex(), "cosigners": ["iran", "russia", "turkey"]}
        )
    )
    return signers, tree


def load_store(url: str, directory: Path, signers: list[SigningKey]) -> None:
    """Put the bundle's entries into a store (bulk insert, as a restore would)."""
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as c:
        for s in signers:
            c.execute(
                insert(t.member_keys).values(
                    key_id=s.id,
                    member_id=s.member,
                    public=s.public.hex(),
                    valid_from=START,
                    retired_at=None,
                )
            )
        batch, last = [], ""
        with (directory / ledger_service.ENTRIES).open("rb") as lines:
            for seq, line in enumerate(lines):
                line = line.rstrip(b"\n")
                last = entries.leaf(line).hex()
                batch.append(
                    {
                        "seq": seq,
                        "line": line,
                        "leaf": last,
                        "at": START,
                        "member_id": "un",
                        "act": "x",
                    }
                )
                if len(batch) == 20_000:
                    c.execute(insert(t.ledger_entries), batch)
                    batch = []
                    count = seq + 1
        if batch:
            c.execute(insert(t.ledger_entries), batch)
            count = seq + 1
        c.execute(
            update(t.ledger_head).where(t.ledger_head.c.id == 1).values(size=count, last_leaf=last)
        )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=5_000)
    parser.add_argument(
        "--database", default=None, help="PostgreSQL URL (emptied!); default: SQLite files"
    )
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="truce-bench-ledger-"))
    keyring = Keyring(workdir / "keys")
    backend = "PostgreSQL" if args.database else "SQLite"
    print(f"ledger benchmark: {os.cpu_count()} CPUs, {backend}, work in {workdir}\n")

    one = bench_appends(_fresh(args.database, workdir, "appends1.db"), keyring, args.appends, 1)
    many = bench_appends(
        _fresh(args.database, workdir, "appends500.db"), keyring, args.appends, 500
    )
    print(
        f"1. appends ({backend}): {one:,.0f} entries/s one per transaction; "
        f"{many:,.0f} entries/s 500 per transaction   "
        f"target >= 2,000/s: {'met' if one >= 2000 else 'MISSED'} (one per transaction)"
    )

    bundle = workdir / "bundle"
    started = time.perf_counter()
    signers, tree = make_bundle(bundle, args.entries)
    print(
        f"\n   (made a bundle of {args.entries:,} signed entries in "
        f"{time.perf_counter() - started:.1f} s)"
    )
    started = time.perf_counter()
    result = ledger_service.verify_bundle(bundle)
    seconds = time.perf_counter() - started
    assert result.ok, result.problems[:3]
    started = time.perf_counter()
    with (bundle / ledger_service.ENTRIES).open("rb") as lines:
        structure = verify_ledger(
            lines, [], [], cosigners=[]
        )  # every check but the signatures fails fast
    structure_seconds = time.perf_counter() - started
    per = args.entries / seconds
    target = 15 * args.entries / 1_000_000
    print(
        f"2. verify {args.entries:,} entries on one core: {seconds:.1f} s ({per:,.0f} entries/s)   "
        f"target <= {target:.0f} s: {'met' if seconds <= target else 'MISSED'}"
    )
    print(
        f"   of which without Ed25519 signature checks (format, links, tree): "
        f"{structure_seconds:.1f} s "
        f"({len(structure.problems)} problems listed, all 'unregistered key')"
    )

    store = _fresh(args.database, workdir, "proofs.db")
    load_store(store, bundle, signers)
    engine = make_engine(store)
    reader = Principal("bench", "un", Role.ANALYST)
    with UnitOfWork(engine, keyring) as uow:
        started = time.perf_counter()
        first = ledger_service.prove(uow=uow, who=reader, seq=0)  # loads and caches the tree
        load_seconds = time.perf_counter() - started
        timings = []
        for k in range(1000):
            seq = (k * 7919) % args.entries
            started = time.perf_counter()
            proof = ledger_service.prove(uow=uow, who=reader, seq=seq)
            timings.append(time.perf_counter() - started)
            assert ledger_service.check_proof(proof)
    assert ledger_service.check_proof(first)
    engine.dispose()
    pure = []
    for k in range(1000):
        started = time.perf_counter()
        tree.inclusion_proof((k * 7919) % args.entries)
        pure.append(time.perf_counter() - started)
    p50, p99 = statistics.median(timings) * 1000, sorted(timings)[989] * 1000
    print(
        f"3. inclusion proof at {args.entries:,} entries via the store: "
        f"p50 {p50:.3f} ms, p99 {p99:.3f} ms   "
        f"target <= 1 ms: {'met' if p50 <= 1 else 'MISSED'}"
    )
    print(
        f"   from the tree alone: p50 {statistics.median(pure) * 1e6:.0f} us; "
        f"first call (loads the tree "
        f"from the store and caches it): {load_seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
