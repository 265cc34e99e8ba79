"""The ledger in the database, on SQLite and on PostgreSQL: entries land with the change they
record or not at all, concurrent writers make one linear log, and what the store writes
verifies offline (checkpoints, inclusion proofs, exported bundles).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from truce.domain.access import OPERATIONS_CENTRE, Principal, Role
from truce.domain.errors import ConfigurationError, Conflict, Forbidden, InputRejected, NotFound
from truce.ledger import entries, note
from truce.ledger.entries import Act
from truce.ledger.keys import OPERATOR, SigningKey
from truce.ledger.verify import Verification, verify_ledger
from truce.services import ledger as ledger_service
from truce.services import load_scenario
from truce.services.members import add_user
from truce.store import tables
from truce.store.keyring import Keyring
from truce.store.ledger import LedgerRepository
from truce.store.uow import UnitOfWork

ADMIN = Principal(user="admin", member="un", role=Role.ADMINISTRATOR)
GUARANTORS = ["iran", "russia", "turkey"]


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring(tmp_path / "keys")


def bodies(uow: UnitOfWork) -> list[dict[str, Any]]:
    return [entries.parse_entry(entries.split_line(line)[0]) for line in uow.ledger.lines()]


def verified(uow: UnitOfWork) -> Verification:
    return verify_ledger(uow.ledger.lines(), uow.keys.all(), uow.ledger.checkpoints())


def user_ids(uow: UnitOfWork) -> set[str]:
    return {principal.user for principal, _ in uow.users.all()}


def report(i: int, member: str) -> Act:
    return Act(
        "report.add",
        member,
        f"{member}-analyst",
        objects=(f"report:{i}",),
        hashes={"body": f"{i:064x}"},
    )


# --- appending and verifying ---------------------------------------------------------------


def test_recorded_entries_verify_and_first_use_registers_the_key(
    engine: Engine, keyring: Keyring
) -> None:
    """Every act is signed by the log operator for its member and user, and says so; the
    operator's key is registered (and logged) on first use. No member key is made."""
    members = ["russia", "iran", "russia", "un", "iran"]
    with UnitOfWork(engine, keyring) as uow:
        for i, m in enumerate(members):
            uow.record(report(i, m), now())
        seqs = uow.flush()  # appended at commit, or here
        uow.commit()
    assert seqs == [1, 2, 3, 4, 5]  # after the operator's key registration

    operator = keyring.signer(OPERATOR)
    assert sorted(p.name for p in keyring.directory.iterdir()) == ["operator.key"]
    with UnitOfWork(engine, keyring) as uow:
        assert uow.ledger.size() == 6
        logged = bodies(uow)
        assert [(b["act"], b["member"], b["user"]) for b in logged] == [
            ("key.register", OPERATOR, "russia-analyst"),
            *[("report.add", m, f"{m}-analyst") for m in members],
        ]
        for body in logged:
            assert body["key"] == operator.id
            assert body["attested_by"] == OPERATOR
            assert "member_signature" not in body
        assert logged[0]["objects"] == [operator.id]
        assert logged[0]["details"] == {"public": operator.public.hex(), "first_use": True}
        records = uow.keys.all()
        assert [(r.member, r.key_id, r.retired_at) for r in records] == [
            (OPERATOR, operator.id, None)
        ]
        result = verify_ledger(uow.ledger.lines(), records)
        assert result.ok, result.problems
        assert result.entries == 6
        assert result.root == uow.ledger.tree().root().hex()
        assert [b["seq"] for b in logged] == list(range(6))
        assert uow.ledger.line(3) == list(uow.ledger.lines())[3]
        with pytest.raises(NotFound):
            uow.ledger.line(6)


def test_lines_are_read_in_batches_without_losing_any(engine: Engine, keyring: Keyring) -> None:
    with UnitOfWork(engine, keyring) as uow:
        for i in range(7):
            uow.record(report(i, "un"), now())
        uow.commit()
        assert list(uow.ledger.lines(batch=3)) == list(uow.ledger.lines())
        assert len(list(uow.ledger.lines(batch=4))) == 8
        assert len(list(uow.ledger.lines(start=5))) == 3


def test_a_key_cannot_sign_another_members_act(engine: Engine, keyring: Keyring) -> None:
    with UnitOfWork(engine, keyring) as uow:
        with pytest.raises(Conflict):
            uow.ledger.append(report(0, "iran"), SigningKey.generate("russia"), uow.clock)
        assert uow.ledger.size() == 0


def test_a_key_file_that_is_not_the_registered_key_is_refused(
    engine: Engine, keyring: Keyring, tmp_path: Path
) -> None:
    with UnitOfWork(engine, keyring) as uow:
        uow.record(report(0, "turkey"), now())
        uow.commit()
    impostor = Keyring(tmp_path / "other-keys")  # makes a new, unregistered turkey key
    with UnitOfWork(engine, impostor) as uow:
        with pytest.raises(ConfigurationError, match="registered key"):
            uow.record(report(1, "turkey"), now())
        assert uow.ledger.size() == 2


def test_entry_times_come_from_the_logs_clock_and_never_go_back(
    engine: Engine, keyring: Keyring
) -> None:
    """A use case's own time (a backdated import, a clock a second behind) is kept as the act's
    effective time; the entry is timed by the log, so it still verifies against the key."""
    first = now()
    with UnitOfWork(engine, keyring) as uow:
        uow.record(report(0, "iran"), first)
        uow.commit()
    with UnitOfWork(engine, keyring) as uow:
        uow.record(report(1, "iran"), first - timedelta(days=400))
        uow.commit()
    with UnitOfWork(engine, keyring) as uow:
        result = verified(uow)
        assert result.ok, result.problems
        logged = bodies(uow)
        times = [datetime.fromisoformat(b["at"]) for b in logged]
        assert times == sorted(times)
        assert datetime.fromisoformat(logged[2]["effective"]) == first - timedelta(days=400)


# --- atomicity under injected failures -----------------------------------------------------


class Crash(Exception):
    pass


def _seed(engine: Engine, keyring: Keyring) -> int:
    """The scenario's members and a few entries; the ledger size."""
    with UnitOfWork(engine, keyring) as uow:
        load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
        uow.record(report(0, "un"), now())
        uow.commit()
        return uow.ledger.size()


def _state(engine: Engine, keyring: Keyring) -> tuple[int, set[str], list[Any], bytes]:
    with UnitOfWork(engine, keyring) as uow:
        head = uow.ledger.tree().root()
        return uow.ledger.size(), user_ids(uow), uow.keys.all(), head


def test_a_failure_before_commit_leaves_neither_the_change_nor_its_entry(
    engine: Engine, keyring: Keyring
) -> None:
    _seed(engine, keyring)
    before = _state(engine, keyring)
    with pytest.raises(Crash), UnitOfWork(engine, keyring) as uow:
        uow.users.add("alice", "russia", "Alice", Role.ANALYST, now())
        uow.record(Act("user.add", "russia", "admin-ru", objects=("alice", "russia")), now())
        [seq] = uow.flush()
        assert seq == before[0]
        assert uow.ledger.size() == before[0] + 1
        raise Crash("the process dies before commit")
    assert _state(engine, keyring) == before  # no user, no entry
    with UnitOfWork(engine, keyring) as uow:
        assert uow.ledger.entries_for("alice") == []
        assert uow.keys.current("russia") is None
        assert verified(uow).ok


def test_a_failing_ledger_append_leaves_no_state_change(
    engine: Engine, keyring: Keyring, tmp_path: Path
) -> None:
    _seed(engine, keyring)
    before = _state(engine, keyring)
    no_keys = Keyring(tmp_path / "no-keys", create=False)

    # Directly: the change is made, the entry cannot be signed, the error leaves the block.
    with (
        pytest.raises(ConfigurationError, match="no signing key"),
        UnitOfWork(engine, no_keys) as uow,
    ):
        uow.users.add("bob", "iran", "Bob", Role.ANALYST, now())
        uow.record(Act("user.add", "un", "admin", objects=("bob", "iran")), now())
        uow.commit()  # never reached
    assert _state(engine, keyring) == before

    # Through the use case: add_user raises, so its caller has nothing to commit.
    with pytest.raises(ConfigurationError), UnitOfWork(engine, no_keys) as uow:
        add_user(
            uow=uow,
            who=ADMIN,
            user="carol",
            member="turkey",
            name="Carol",
            role=Role.GUARANTOR,
            now=now(),
        )
    assert _state(engine, keyring) == before


def test_a_unit_of_work_whose_record_failed_cannot_commit_the_change(
    engine: Engine, keyring: Keyring, tmp_path: Path
) -> None:
    _seed(engine, keyring)
    before = _state(engine, keyring)
    with UnitOfWork(engine, Keyring(tmp_path / "no-keys", create=False)) as uow:
        uow.users.add("dave", "iran", "Dave", Role.ANALYST, now())
        with pytest.raises(ConfigurationError):
            uow.record(Act("user.add", "un", "admin", objects=("dave", "iran")), now())
        with contextlib.suppress(Exception):  # refusing to commit is the right answer
            uow.commit()
    assert _state(engine, keyring) == before


@pytest.mark.parametrize(
    "who",
    [ADMIN, Principal(user="admin-ru", member="russia", role=Role.ADMINISTRATOR)],
    ids=["registered-key", "first-use"],
)
def test_add_user_with_a_failing_append_leaves_no_user(
    engine: Engine, keyring: Keyring, monkeypatch: pytest.MonkeyPatch, who: Principal
) -> None:
    _seed(engine, keyring)
    before = _state(engine, keyring)

    def broken(self: LedgerRepository, *args: object, **kwargs: object) -> int:
        raise RuntimeError("disk full")

    # Appending in the transaction (SQLite, a first use) or queueing for the sequencer
    # (PostgreSQL): whichever way the entry goes, its failure undoes the change.
    for way in ("append", "append_all", "enqueue"):
        monkeypatch.setattr(LedgerRepository, way, broken)
    with pytest.raises(RuntimeError, match="disk full"), UnitOfWork(engine, keyring) as uow:
        add_user(
            uow=uow, who=who, user="erin", member="iran", name="Erin", role=Role.ANALYST, now=now()
        )
    monkeypatch.undo()
    assert _state(engine, keyring) == before  # and a first-use key registration is undone too
    with UnitOfWork(engine, keyring) as uow:
        added = add_user(
            uow=uow, who=who, user="erin", member="iran", name="Erin", role=Role.ANALYST, now=now()
        )
        assert added.user == "erin"
    with UnitOfWork(engine, keyring) as uow:
        assert user_ids(uow) == {"erin"}
        assert [b["act"] for b in uow.ledger.entries_for("erin")] == ["user.add"]
        assert verified(uow).ok


# --- concurrency ---------------------------------------------------------------------------

THREADS, PER_THREAD = 8, 25


def _run(workers: list[threading.Thread]) -> None:
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(worker.is_alive() for worker in workers), "a writer hung"


@pytest.mark.parametrize("scope", ["thread", "transaction"])
def test_concurrent_writers_make_one_linear_log(
    engine: Engine, keyring: Keyring, scope: str
) -> None:
    """8 writers at once, each its own unit of work (one for the thread, or one per
    transaction), 25 transactions each that add a user and log it."""
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def one(uow: UnitOfWork, n: int, i: int) -> None:
        member, user = f"member-{n}", f"user-{n}-{i:02d}"
        at = now()
        uow.users.add(user, member, f"User {n}/{i}", Role.ANALYST, at)
        uow.record(Act("user.add", member, f"admin-{n}", objects=(user, member)), at)
        uow.commit()

    def writer(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            # (On SQLite a unit of work holds the write lock from its start, so the barrier
            # must come before it: a writer waiting inside one would block all the others.)
            if scope == "thread":
                with UnitOfWork(engine, keyring) as uow:
                    for i in range(PER_THREAD):
                        one(uow, n, i)
            else:
                for i in range(PER_THREAD):
                    with UnitOfWork(engine, keyring) as uow:
                        one(uow, n, i)
        except BaseException as exc:
            errors.append(exc)

    _run([threading.Thread(target=writer, args=(n,)) for n in range(THREADS)])
    assert errors == []

    with UnitOfWork(engine, keyring) as uow:
        size = THREADS * PER_THREAD + 1  # plus the operator's key registration
        assert uow.ledger.size() == size
        seqs = uow.ledger._c.execute(
            select(tables.ledger_entries.c.seq).order_by(tables.ledger_entries.c.seq)
        ).scalars()
        assert list(seqs) == list(range(size))  # no gaps, no duplicates
        lines = list(uow.ledger.lines())
        logged = bodies(uow)
        assert [b["seq"] for b in logged] == list(range(size))
        assert logged[0]["prev"] == ""
        for before, body in zip(lines, logged[1:], strict=False):
            assert body["prev"] == entries.leaf(before).hex(), body["seq"]
        times = [datetime.fromisoformat(b["at"]) for b in logged]
        assert times == sorted(times)  # the log's clock is read under the head lock
        assert (
            entries.leaf(lines[-1]).hex()
            == uow.ledger._c.execute(select(tables.ledger_head.c.last_leaf)).scalar_one()
        )
        result = verify_ledger(lines, uow.keys.all())
        assert result.ok, result.problems[:5]
        assert result.entries == size

        users = user_ids(uow)
        assert len(users) == THREADS * PER_THREAD
        logged_users = Counter(b["objects"][0] for b in logged if b["act"] == "user.add")
        assert set(logged_users) == users
        assert set(logged_users.values()) == {1}  # exactly one entry per user row
        registrations = [b for b in logged if b["act"] == "key.register"]
        assert [(b["seq"], b["member"]) for b in registrations] == [(0, OPERATOR)]
        for n in range(THREADS):  # the operator signs for each member, and says so
            own = [b for b in logged if b["member"] == f"member-{n}"]
            assert [b["act"] for b in own] == ["user.add"] * PER_THREAD
            assert {b["attested_by"] for b in own} == {OPERATOR}


def test_a_members_first_use_in_two_transactions_at_once(
    engine: Engine, keyring: Keyring, request: pytest.FixtureRequest
) -> None:
    """Two transactions both find the member without a key; the second must wait for the first
    and then use the key it registered, not fail."""
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with UnitOfWork(engine, keyring) as uow:
                uow.record(report(2, "un"), now())
                uow.commit()
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=second)
    with UnitOfWork(engine, keyring) as uow:
        uow.record(report(1, "un"), now())
        worker.start()
        time.sleep(0.5)  # the second transaction is now waiting on this one
        uow.commit()
    worker.join(timeout=60)
    assert not worker.is_alive()
    assert errors == []
    with UnitOfWork(engine, keyring) as uow:
        assert [b["act"] for b in bodies(uow)] == ["key.register", "report.add", "report.add"]
        assert verified(uow).ok


def test_a_tree_is_not_changed_by_another_transactions_entries(
    engine: Engine, keyring: Keyring
) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("on SQLite every unit of work holds the write lock: none run side by side")
    with UnitOfWork(engine, keyring) as uow:
        uow.record(report(0, "un"), now())
        uow.commit()
    with UnitOfWork(engine, keyring) as reader:
        tree = reader.ledger.tree()
        size, root = len(tree), tree.root()
        with UnitOfWork(engine, keyring) as writer:
            writer.record(report(1, "un"), now())
            writer.flush()  # appended now, not at commit
            writer.ledger.tree()
            # rolled back: the entry never existed
        assert (len(tree), tree.root()) == (size, root)


# --- checkpoints, proofs and bundles -------------------------------------------------------


def _cosigners(checkpoint: entries.Checkpoint) -> list[str]:
    return sorted(c.member for c in checkpoint.cosignatures)


def test_checkpoints_proofs_and_bundles(engine: Engine, keyring: Keyring, tmp_path: Path) -> None:
    """Checkpoints are C2SP notes signed by the log operator alone (issue 12): the server
    co-signs nothing with a guarantor's key."""
    bundle = tmp_path / "bundle"
    with UnitOfWork(engine, keyring) as uow:
        load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
        for i in range(8):
            uow.record(report(i, ["russia", "iran", "turkey", "un"][i % 4]), now())
        uow.commit()
        first = ledger_service.checkpoint(uow=uow, who=ADMIN, now=now())
        for i in range(8, 15):
            uow.record(report(i, ["un", "iran"][i % 2]), now())
        uow.commit()
        second = ledger_service.checkpoint(uow=uow, who=ADMIN, now=now())

        assert ledger_service.guarantors(uow) == GUARANTORS
        assert first.cosignatures == second.cosignatures == ()  # witnesses cosign later
        assert first.size < second.size < uow.ledger.size()  # each checkpoint is itself logged
        assert uow.ledger.notes() == [first, second] and uow.ledger.checkpoints() == []
        parsed = note.parse_note(second.note)
        operator = note.make_verifier("truce.local/ledger", keyring.signer(OPERATOR).public)
        assert [s.name for s in note.verify_note(parsed, [operator])] == ["truce.local/ledger"]
        assert len(parsed.signatures) == 1
        assert note.parse_checkpoint(parsed.text).root.hex() == second.root
        assert not any(keyring.path(g).exists() for g in GUARANTORS)
        assert verified(uow).ok

        count = ledger_service.export_bundle(uow=uow, who=ADMIN, directory=bundle)
        assert count == uow.ledger.size()

        proof = ledger_service.prove(uow=uow, who=ADMIN, seq=5)
        assert (proof.checkpoint, proof.size, proof.root) == (0, first.size, first.root)
        assert ledger_service.check_proof(proof)
        leaf = bytearray(bytes.fromhex(proof.leaf))
        leaf[7] ^= 0x01
        proof.leaf = leaf.hex()
        assert not ledger_service.check_proof(proof)

        later = ledger_service.prove(uow=uow, who=ADMIN, seq=first.size)
        assert (later.checkpoint, later.size, later.root) == (1, second.size, second.root)
        assert ledger_service.check_proof(later)
        last = ledger_service.prove(uow=uow, who=ADMIN, seq=count - 1)
        assert last.checkpoint is None and last.size == count
        assert ledger_service.check_proof(last)
        with pytest.raises(NotFound):
            ledger_service.prove(uow=uow, who=ADMIN, seq=count)

    result = ledger_service.verify_bundle(bundle)
    assert result.ok, result.problems
    assert (result.entries, result.checkpoints) == (count, 2)
    assert result.cosigned == [(first.size, []), (second.size, [])]
    manifest = json.loads((bundle / ledger_service.MANIFEST).read_text())
    assert manifest["entries"] == count and manifest["operator"] == operator.key
    saved = json.loads((bundle / ledger_service.NOTES).read_text())
    assert saved == [first.note, second.note]

    # One byte of line 5 changed: the bundle names entry 5 first.
    lines = (bundle / ledger_service.ENTRIES).read_bytes().split(b"\n")
    position = lines[5].index(b'"act":"') + len(b'"act":"')
    changed = bytearray(lines[5])
    changed[position] = ord("X") if changed[position] != ord("X") else ord("Y")
    lines[5] = bytes(changed)
    (bundle / ledger_service.ENTRIES).write_bytes(b"\n".join(lines))
    tampered = ledger_service.verify_bundle(bundle)
    assert not tampered.ok
    assert tampered.problems[0].where == "entry 5"
    assert "signature does not verify" in tampered.problems[0].why
    wheres = [p.where for p in tampered.problems]
    assert "entry 6" in wheres  # the entry after it no longer links to it
    assert f"C2SP checkpoint 0 (size {first.size})" in wheres  # and both checkpoints cover it
    assert f"C2SP checkpoint 1 (size {second.size})" in wheres


def test_old_cosigned_checkpoints_still_verify_beside_new_ones(
    engine: Engine, keyring: Keyring, tmp_path: Path
) -> None:
    """A ledger from before issue 12 kept checkpoints co-signed with the guarantors' keys: they
    stay readable and verify, and the first C2SP checkpoint covers what they covered."""
    with UnitOfWork(engine, keyring) as uow:
        load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
        for i in range(5):
            uow.record(report(i, "un"), now())
        uow.commit()
        signers = [SigningKey.generate(g) for g in GUARANTORS]
        for s in signers:
            uow.keys.register(s.member, s.id, s.public, now() - timedelta(days=1))
        tree = uow.ledger.tree()
        old = entries.cosign(len(tree), tree.root(), now(), signers)
        uow.ledger.add_checkpoint(old)
        uow.record(report(5, "un"), now())
        uow.commit()
        new = ledger_service.checkpoint(uow=uow, who=ADMIN, now=now())
        assert new.size > old.size
        ledger_service.export_bundle(uow=uow, who=ADMIN, directory=tmp_path / "b")
        assert ledger_service.prove(uow=uow, who=ADMIN, seq=2).checkpoint == 0
        assert ledger_service.prove(uow=uow, who=ADMIN, seq=old.size).checkpoint == 1
    result = ledger_service.verify_bundle(tmp_path / "b")
    assert result.ok, result.problems
    assert result.checkpoints == 2
    # The old format is still checked: a forged co-signature is found.
    saved = json.loads((tmp_path / "b" / ledger_service.CHECKPOINTS).read_text())
    saved[0]["cosignatures"][0]["signature"] = "00" * 64
    (tmp_path / "b" / ledger_service.CHECKPOINTS).write_text(json.dumps(saved))
    forged = ledger_service.verify_bundle(tmp_path / "b")
    assert {p.where for p in forged.problems} == {f"checkpoint 0 (size {old.size})"}
    assert "iran's co-signature does not verify" in {p.why for p in forged.problems}


def test_checkpoint_needs_entries_and_a_role_that_may_cosign(
    engine: Engine, keyring: Keyring, tmp_path: Path
) -> None:
    with UnitOfWork(engine, keyring) as uow:
        with pytest.raises(InputRejected, match="empty"):
            ledger_service.checkpoint(uow=uow, who=ADMIN, now=now())
        load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
        observer = Principal(user="obs", member="usa", role=Role.OBSERVER)
        with pytest.raises(Forbidden):
            ledger_service.checkpoint(uow=uow, who=observer, now=now())
        public = Principal(user="anyone", member="usa", role=Role.PUBLIC)
        with pytest.raises(Forbidden):
            ledger_service.export_bundle(uow=uow, who=public, directory=tmp_path / "b")


def test_a_checkpoint_uses_no_guarantor_key(engine: Engine, keyring: Keyring) -> None:
    """Guarantors that never signed anything get no key made for them by a checkpoint: the
    operator's key signs it, and the guarantors cosign it with their own keys elsewhere."""
    with UnitOfWork(engine, keyring) as uow:
        load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
        made = ledger_service.checkpoint(uow=uow, who=ADMIN, now=now())
        result = verified(uow)
        assert result.ok, result.problems
        logged = bodies(uow)
    assert made.size == len(logged) - 1
    assert logged[-1]["act"] == "ledger.checkpoint"
    assert logged[-1]["details"] == {"size": made.size, "format": "c2sp"}
    registered = {b["member"] for b in logged if b["act"] == "key.register"}
    assert not registered & set(GUARANTORS)
    assert not any(keyring.path(g).exists() for g in GUARANTORS)


def test_verify_bundle_refuses_what_is_not_a_bundle(tmp_path: Path) -> None:
    with pytest.raises(InputRejected, match="missing"):
        ledger_service.verify_bundle(tmp_path)
    (tmp_path / ledger_service.MANIFEST).write_text("{}")
    (tmp_path / ledger_service.KEYS).write_text("not json")
    (tmp_path / ledger_service.CHECKPOINTS).write_text("[]")
    with pytest.raises(InputRejected, match="not a ledger bundle"):
        ledger_service.verify_bundle(tmp_path)


def test_an_objects_entries_are_found_through_the_index(engine: Engine, keyring: Keyring) -> None:
    with UnitOfWork(engine, keyring) as uow:
        for k in range(30):
            objects = ("case_a",) if k % 10 == 0 else ("case_b", f"inc_{k}")
            uow.record(
                Act("case.reply", "russia", "ru-officer", objects=objects), datetime.now(UTC)
            )
        uow.commit()
        found = uow.ledger.entries_for("case_a")
        assert [e["objects"] for e in found] == [["case_a"]] * 3
        assert [e["seq"] for e in found] == sorted(e["seq"] for e in found)
        assert [e["seq"] for e in uow.ledger.entries_for("inc_7")] == [found[0]["seq"] + 7]
        assert uow.ledger.entries_for("nothing") == []
