"""Benchmark: the signed ledger. Prints its figures against issues 5 and 12's targets.

1. Appending entries through the store (`UnitOfWork.record`: sign, lock the head, insert,
   commit): one entry per transaction and 500 per transaction; then 1 and 8 concurrent
   writers (threads, a unit of work each, one entry per transaction). SQLite by default,
   PostgreSQL with --database.
2. Verifying a bundle of --entries entries (default 1,000,000) offline, as the server writes
   them since issue 12 (signed by the operator for their member; --member-share of them also
   carry the member's own signature; a checkpoint every --checkpoint-every entries, signed by
   the operator and co-signed by the guarantors): on one core and on --workers cores, with
   checkpoint coverage (the default: an operator-signed checkpoint vouches for the operator's
   signatures below it; members' signatures are checked) and with every signature (--full).
3. An inclusion proof at that size, through `services.ledger.prove` against a store
   holding the entries (the cached tree), and from the tree alone.
4. A witness's side of a round at that size: the operator's checkpoint note checked, a
   consistency proof from an older size checked, a co-signature made.

    .venv/bin/python bench/ledger.py [--entries 1000000] [--appends 5000] [--workers 2]
                                     [--member-share 0.02] [--checkpoint-every 100000]
                                     [--database postgresql://...] [--workdir DIR]

A quick run: --entries 20000 --appends 300.

Targets: appends >= 2,000/s with 8 writers on PostgreSQL; verifying 1,000,000 entries <= 15 s
on one core; an inclusion proof at 1,000,000 entries <= 1 ms; a witness's round at 1,000,000
entries < 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path

from sqlalchemy import insert, text, update

from truce.domain.access import Principal, Role
from truce.ledger import entries, merkle, note
from truce.ledger.keys import OPERATOR, SigningKey
from truce.ledger.verify import KeyRecord, Verification, verify_ledger
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


def bench_writers(url: str, keyring: Keyring, count: int, writers: int) -> float:
    """`writers` threads, each with its own unit of work, append `count` entries between
    them, one per transaction (as concurrent requests do); entries/s. The log must come out
    linear, gap-free and verifying."""
    engine = make_engine(url)
    migrate(engine)
    act = entries.Act(
        "bench.append", "un", "bench", objects=("object-1",), hashes={"body": "0" * 64}
    )
    with UnitOfWork(engine, keyring) as uow:
        uow.record(act, START)  # registers the key on first use: not timed
        uow.commit()

    def write(n: int) -> None:
        with UnitOfWork(engine, keyring) as uow:
            for i in range(n):
                uow.record(act, START + timedelta(seconds=i))
                uow.commit()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=writers) as pool:
        for done in [pool.submit(write, count // writers) for _ in range(writers)]:
            done.result()
    seconds = time.perf_counter() - started
    with UnitOfWork(engine, keyring) as uow:
        total = uow.ledger.size()
        assert total == 2 + writers * (count // writers), total
        assert verify_ledger(uow.ledger.lines(), uow.keys.all()).ok
    engine.dispose()
    return writers * (count // writers) / seconds


def _write_in_process(url: str, keys: str, count: int) -> tuple[float, float]:
    """One writer process: `count` transactions of one entry each, on an engine of its own
    (so its sequencing passes meet other processes' only at the head lock); when it began
    and ended (the clock is shared by the processes of one machine)."""
    engine = make_engine(url)
    act = entries.Act(
        "bench.append", "un", "bench", objects=("object-1",), hashes={"body": "0" * 64}
    )
    with UnitOfWork(engine, Keyring(Path(keys))) as uow:
        uow.record(act, START)  # connects, and checks the operator's key: not timed
        uow.commit()
        began = time.time()
        for i in range(count):
            uow.record(act, START + timedelta(seconds=i))
            uow.commit()
        ended = time.time()
    engine.dispose()
    return began, ended


def bench_processes(url: str, keyring: Keyring, count: int, writers: int) -> float:
    """`writers` processes (as several server processes, or the server and CLI clients),
    one entry per transaction; entries/s from the first start to the last end. The log
    must come out linear, gap-free and verifying."""
    engine = make_engine(url)
    migrate(engine)
    act = entries.Act(
        "bench.append", "un", "bench", objects=("object-1",), hashes={"body": "0" * 64}
    )
    with UnitOfWork(engine, keyring) as uow:
        uow.record(act, START)  # registers the operator's key: not timed
        uow.commit()
    each = count // writers
    with ProcessPoolExecutor(writers, mp_context=get_context("spawn")) as pool:
        spans = list(
            pool.map(
                _write_in_process,
                [url] * writers,
                [str(keyring.directory)] * writers,
                [each] * writers,
            )
        )
    seconds = max(e for _, e in spans) - min(b for b, _ in spans)
    with UnitOfWork(engine, keyring) as uow:
        total = uow.ledger.size()
        assert total == 2 + writers * (1 + each), total
        assert verify_ledger(uow.ledger.lines(), uow.keys.all()).ok
    engine.dispose()
    return writers * each / seconds


def make_bundle(
    directory: Path, count: int, member_share: float, checkpoint_every: int
) -> tuple[list[SigningKey], merkle.Tree]:
    """A bundle of `count` entries as the server writes them since issue 12: signed by the
    log operator for their member (operator-attested), one in 1/`member_share` also carrying
    the member's own signature of the act (a guarantor's vote from its own machine). A
    checkpoint every `checkpoint_every` entries and one at the end, each signed by the
    operator and co-signed by the three guarantors, with consistency proofs."""
    directory.mkdir(parents=True, exist_ok=True)
    operator = SigningKey.generate(OPERATOR)
    members = [SigningKey.generate(m) for m in MEMBERS]
    guarantors = [s for s in members if s.member in ("russia", "iran", "turkey")]
    every = round(1 / member_share) if member_share > 0 else 0
    tree = merkle.Tree()
    checkpoints: list[entries.Checkpoint] = []
    prev = ""
    with (directory / ledger_service.ENTRIES).open("wb") as out:
        for seq in range(count):
            member = members[seq % len(members)]
            act = entries.Act(
                "case.reply",
                member.member,
                f"user-{seq % 50}",
                objects=(f"case_{seq // 7:012d}",),
                hashes={"case": f"{seq:064x}"},
                details={"kind": "acknowledged"},
            )
            if every and seq % every == 0:
                act = entries.sign_act(act, member)
            body = entries.entry_body(
                act,
                seq=seq,
                prev=prev,
                at=START + timedelta(seconds=seq),
                key_id=operator.id,
                attested_by=OPERATOR,
            )
            line = entries.sign_entry(body, operator)
            out.write(line + b"\n")
            leaf = entries.leaf(line)
            tree.append(leaf)
            prev = leaf.hex()
            if (seq + 1) % checkpoint_every == 0 or seq + 1 == count:
                before = checkpoints[-1].size if checkpoints else 0
                checkpoints.append(
                    entries.cosign(
                        seq + 1,
                        tree.root(),
                        START + timedelta(seconds=seq + 1),
                        [operator, *guarantors],
                        tree.consistency_proof(before) if before else [],
                    )
                )
    keys = [KeyRecord(s.member, s.id, s.public.hex(), START) for s in [operator, *members]]
    (directory / ledger_service.KEYS).write_text(json.dumps([k.to_plain() for k in keys]))
    (directory / ledger_service.CHECKPOINTS).write_text(
        json.dumps([c.to_plain() for c in checkpoints])
    )
    (directory / ledger_service.MANIFEST).write_text(
        json.dumps(
            {"entries": count, "root": tree.root().hex(), "cosigners": ["iran", "russia", "turkey"]}
        )
    )
    return [operator, *members], tree


def _cpu() -> float:
    """CPU seconds used so far by this process and its ended children (the workers)."""
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def verify_bundle(bundle: Path, *, full: bool, workers: int) -> tuple[float, float, Verification]:
    """Verify the bundle's files as `truce ledger verify` does; the seconds it took, and the
    CPU seconds (which other load on the machine does not inflate)."""
    started, cpu = time.perf_counter(), _cpu()
    records = [KeyRecord.from_plain(k) for k in json.loads((bundle / "keys.json").read_text())]
    checkpoints = [
        entries.Checkpoint.from_plain(c)
        for c in json.loads((bundle / ledger_service.CHECKPOINTS).read_text())
    ]
    with (bundle / ledger_service.ENTRIES).open("rb") as lines:
        result = verify_ledger(
            lines,
            records,
            checkpoints,
            cosigners=["iran", "russia", "turkey"],
            covered_by_checkpoints=not full,
            workers=workers,
        )
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    assert result.ok, result.problems[:3]
    return seconds, cpu, result


def bench_witness(tree: merkle.Tree, operator: SigningKey, witness: SigningKey) -> float:
    """A witness's side of one round at the bundle's size: read the operator-signed
    checkpoint note, check the operator's signature and a consistency proof from the
    checkpoint it holds (a quarter of the log back), then co-sign. Median of 50 rounds,
    seconds (the server's side, making the proof, is not counted)."""
    size, old_size = len(tree), max(1, len(tree) * 3 // 4)
    origin = "truce.local/ledger"
    verifier = note.make_verifier(OPERATOR, operator.public)
    old_root = tree.root(old_size)
    signed = note.sign_note(note.checkpoint_text(origin, size, tree.root()), OPERATOR, operator)
    proof = tree.consistency_proof(old_size)
    timings = []
    for _ in range(50):
        started = time.perf_counter()
        parsed = note.parse_note(signed)
        note.verify_note(parsed, [verifier])
        body = note.parse_checkpoint(parsed.text)
        assert merkle.verify_consistency(old_size, body.size, old_root, body.root, proof)
        note.cosignature_line(parsed.text, witness.member, witness, 1_700_000_000)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


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
    parser.add_argument(
        "--member-share", type=float, default=0.02, help="share of member-signed entries"
    )
    parser.add_argument("--checkpoint-every", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
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

    for writers in (1, 8):
        rate = bench_writers(
            _fresh(args.database, workdir, f"writers{writers}.db"), keyring, args.appends, writers
        )
        print(
            f"1. appends ({backend}) with {writers} concurrent writer"
            f"{'s' if writers > 1 else ''} (threads of one process), one entry per "
            f"transaction: {rate:,.0f} entries/s"
            + (
                f"   target >= 2,000/s: {'met' if rate >= 2000 else 'MISSED'}"
                if writers > 1
                else ""
            )
        )
    rate = bench_processes(
        _fresh(args.database, workdir, "processes8.db"), keyring, args.appends, 8
    )
    print(
        f"1. appends ({backend}) with 8 concurrent writer processes, one entry per "
        f"transaction: {rate:,.0f} entries/s   target >= 2,000/s: "
        f"{'met' if rate >= 2000 else 'MISSED'}"
    )

    bundle = workdir / "bundle"
    started = time.perf_counter()
    signers, tree = make_bundle(bundle, args.entries, args.member_share, args.checkpoint_every)
    print(
        f"\n   (made a bundle of {args.entries:,} operator-attested entries, "
        f"{args.member_share:.0%} also member-signed, a checkpoint every "
        f"{args.checkpoint_every:,}, in {time.perf_counter() - started:.1f} s)"
    )
    target = 15 * args.entries / 1_000_000
    for full in (False, True):
        for workers in sorted({1, args.workers}):
            seconds, cpu, result = verify_bundle(bundle, full=full, workers=workers)
            how = (
                "every signature"
                if full
                else f"checkpoint coverage: {result.covered:,} operator signatures covered by "
                f"the checkpoint of size {result.covered_by:,}"
            )
            cores = "one core" if workers == 1 else f"{workers} cores"
            verdict = "met" if seconds <= target else "MISSED"
            print(
                f"2. verify {args.entries:,} entries on {cores}, {how}: {seconds:.1f} s "
                f"({args.entries / seconds:,.0f} entries/s; {cpu:.1f} CPU s)"
                + (f"   target <= {target:.2f} s on one core: {verdict}" if workers == 1 else "")
            )

    witness = bench_witness(tree, signers[0], SigningKey.generate("iran"))
    print(
        f"4. a witness's round at {len(tree):,} entries (operator note, consistency proof "
        f"from {len(tree) * 3 // 4:,}, co-signature): {witness * 1000:.2f} ms   "
        f"target < 1 s: {'met' if witness < 1 else 'MISSED'}"
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
