"""Keys where they belong (issue 12): the server's key directory holds the log operator's key
only; a member's key is made in the member's own directory and only its public half is
registered; the members' keys of an older installation are handed over; and a bundle is
checked against a trust file, not against the keys it brings."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from truce.domain.access import OPERATIONS_CENTRE, Principal, Role
from truce.domain.errors import ConfigurationError, Conflict, InputRejected
from truce.ledger import entries
from truce.ledger.entries import Act
from truce.ledger.keys import OPERATOR, SigningKey
from truce.ledger.verify import verify_ledger
from truce.services import ledger as ledger_service
from truce.services import load_scenario, trust
from truce.services.members import add_user, keygen
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

CHAIR = Principal("chair", "un", Role.ADMINISTRATOR)


def now() -> datetime:
    return datetime.now(UTC)


def bodies(uow: UnitOfWork) -> list[dict[str, object]]:
    return [entries.parse_entry(entries.split_line(line)[0]) for line in uow.ledger.lines()]


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring(tmp_path / "server-keys")


@pytest.fixture
def loaded(engine: Engine, keyring: Keyring) -> Engine:
    with UnitOfWork(engine, keyring) as uow:
        load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
    return engine


def test_a_members_key_is_made_in_its_own_directory_and_only_its_public_half_registered(
    loaded: Engine, keyring: Keyring, tmp_path: Path
) -> None:
    own = tmp_path / "on-russias-machine"
    with UnitOfWork(loaded, keyring) as uow:
        made = keygen(uow=uow, who=CHAIR, member="russia", now=now(), key_dir=own, passphrase="pw")
    assert made.old is None and made.vouched and made.path == own / "russia.key"
    assert sorted(p.name for p in keyring.directory.iterdir()) == ["operator.key"]
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    assert "sealed" in json.loads(made.path.read_text())  # never in the clear
    with pytest.raises(InputRejected, match="sealed"):
        Keyring(own, None).signer("russia")
    russia = Keyring(own, "pw").signer("russia")
    assert russia.id == made.new.key_id and russia.public.hex() == made.new.public

    # Acts done on the server for russia are signed by the operator, and say so.
    with UnitOfWork(loaded, keyring) as uow:
        add_user(
            uow=uow,
            who=CHAIR,
            user="ru-2",
            member="russia",
            name="R",
            role=Role.GUARANTOR,
            now=now(),
        )
        logged = bodies(uow)
        register = next(b for b in logged if b["act"] == "key.register" and b["member"] == "russia")
        # Signed by the operator, and by the new key itself: russia holds it.
        assert register["attested_by"] == OPERATOR
        assert register["member_signature"] == {
            "key": russia.id,
            "signature": register["member_signature"]["signature"],  # type: ignore[index]
        }
        assert logged[-1]["act"] == "user.add" and logged[-1]["attested_by"] == OPERATOR
        assert logged[-1]["key"] == keyring.signer(OPERATOR).id
        assert (logged[-1]["member"], logged[-1]["user"]) == ("un", "chair")
        assert verify_ledger(uow.ledger.lines(), uow.keys.all()).ok


def test_a_rotation_is_signed_by_the_old_key_when_the_member_still_holds_it(
    loaded: Engine, keyring: Keyring, tmp_path: Path
) -> None:
    own = tmp_path / "iran"
    with UnitOfWork(loaded, keyring) as uow:
        first = keygen(uow=uow, who=CHAIR, member="iran", now=now(), key_dir=own, passphrase="pw")
    with UnitOfWork(loaded, keyring) as uow:
        second = keygen(uow=uow, who=CHAIR, member="iran", now=now(), key_dir=own, passphrase="pw")
        rotate = bodies(uow)[-1]
    assert second.old is not None and second.old.key_id == first.new.key_id and second.vouched
    assert rotate["act"] == "key.rotate" and rotate["attested_by"] == OPERATOR
    assert rotate["member_signature"]["key"] == first.new.key_id  # type: ignore[index]
    assert sorted(p.name for p in own.iterdir()) == [
        f"iran.{first.new.key_id}.retired",
        "iran.key",
    ]
    # Lost the directory: the rotation is the operator's word only, and says so.
    with UnitOfWork(loaded, keyring) as uow:
        third = keygen(
            uow=uow, who=CHAIR, member="iran", now=now(), key_dir=tmp_path / "new", passphrase="x"
        )
        assert not third.vouched and "member_signature" not in bodies(uow)[-1]
    # A directory holding another key than the registered one is refused.
    with UnitOfWork(loaded, keyring) as uow, pytest.raises(Conflict, match="registered key"):
        keygen(uow=uow, who=CHAIR, member="iran", now=now(), key_dir=own, passphrase="pw")
    with UnitOfWork(loaded, keyring) as uow, pytest.raises(InputRejected, match="operator"):
        keygen(uow=uow, who=CHAIR, member=OPERATOR, now=now(), key_dir=own, passphrase="pw")


def test_no_member_key_is_made_on_the_server(loaded: Engine, keyring: Keyring) -> None:
    with pytest.raises(ConfigurationError, match="lives on its own machine"):
        keyring.signer("turkey")
    with UnitOfWork(loaded, keyring) as uow:
        uow.record(Act("report.add", "turkey", "tr-officer", objects=("r1",)), now())
        uow.commit()
    assert sorted(p.name for p in keyring.directory.iterdir()) == ["operator.key"]
    with UnitOfWork(loaded, keyring) as uow:
        assert {r.member for r in uow.keys.all()} == {OPERATOR}


def test_a_member_signature_not_by_the_registered_key_is_refused(
    loaded: Engine, keyring: Keyring, tmp_path: Path
) -> None:
    with UnitOfWork(loaded, keyring) as uow:
        keygen(uow=uow, who=CHAIR, member="turkey", now=now(), key_dir=tmp_path, passphrase="p")
    act = Act("report.add", "turkey", "tr-officer", objects=("r1",))
    with UnitOfWork(loaded, keyring) as uow:
        size = uow.ledger.size()
        with pytest.raises(InputRejected, match="not the registered key of turkey"):
            uow.record(entries.sign_act(act, SigningKey.generate("turkey")), now())
    genuine = entries.sign_act(act, Keyring(tmp_path, "p").signer("turkey"))
    assert genuine.member_signature is not None
    altered = Act("report.add", "turkey", "tr-officer", objects=("r2",))
    forged = Act(**{**vars(altered), "member_signature": genuine.member_signature})
    with UnitOfWork(loaded, keyring) as uow:
        with pytest.raises(InputRejected, match="does not verify"):
            uow.record(forged, now())
        assert uow.ledger.size() == size
    with UnitOfWork(loaded, keyring) as uow:
        uow.record(genuine, now())
        uow.commit()
        assert bodies(uow)[-1]["member_signature"] == genuine.member_signature.to_plain()


def _old_installation(engine: Engine, keyring: Keyring) -> Path:
    """A store from before issue 12: members' keys in the server's directory, entries signed
    with them (written as the store wrote them then)."""
    with UnitOfWork(engine, keyring) as uow:
        for member in ("russia", "iran"):
            key = keyring.write(SigningKey.generate(member))
            uow.keys.register(member, key.id, key.public, uow.clock())
            old_format = Act("report.add", member, f"{member}-a", objects=("x",))
            uow.ledger.append(old_format, key, uow.clock)  # signed by the member's own key
        uow.commit()
    retired = keyring.write(SigningKey.generate("russia"))  # a rotation: the old file retires
    with UnitOfWork(engine, keyring) as uow:
        uow.keys.register("russia", retired.id, retired.public, uow.clock())
        uow.commit()
    return keyring.directory


def test_hand_over_moves_members_keys_out_and_old_entries_still_verify(
    engine: Engine, keyring: Keyring, tmp_path: Path
) -> None:
    directory = _old_installation(engine, keyring)
    keyring.signer(OPERATOR)
    with pytest.raises(ConfigurationError, match="truce keys handover --out DIR"):
        trust.refuse_member_keys(keyring)
    out = tmp_path / "for-members"
    with pytest.raises(InputRejected, match="inside the server's key directory"):
        trust.hand_over_member_keys(keyring, directory / "x")
    moved = trust.hand_over_member_keys(keyring, out)
    assert [h.member for h in moved] == ["iran", "russia"]
    assert [len(h.moved) for h in moved] == [1, 2]  # russia's retired key goes with it
    assert sorted(p.name for p in directory.iterdir()) == ["operator.key"]
    trust.refuse_member_keys(keyring)  # nothing left: the server may start
    for handed in moved:
        assert handed.directory == out / handed.member
        assert stat.S_IMODE(handed.directory.stat().st_mode) == 0o700
        for _, target in handed.moved:
            assert target.parent == handed.directory
            assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert Keyring(out / "russia", None).signer("russia").id != ""
    with pytest.raises(ConfigurationError, match="lives on its own machine"):
        keyring.signer("russia")
    bundle = tmp_path / "bundle"
    with UnitOfWork(engine, keyring) as uow:
        uow.record(Act("report.add", "russia", "ru", objects=("y",)), now())  # the operator now
        uow.commit()
        ledger_service.export_bundle(uow=uow, who=CHAIR, directory=bundle)
        made = trust.export_trust(uow=uow, who=CHAIR)
    assert sorted(made.members) == ["iran", "russia"] and len(made.members["russia"]) == 2
    result = trust.verify_with_trust(bundle, made)
    assert result.ok, result.problems
    assert trust.hand_over_member_keys(keyring, out) == []


def test_a_bundle_is_believed_only_with_the_keys_of_the_trust_file(
    loaded: Engine, keyring: Keyring, tmp_path: Path
) -> None:
    with UnitOfWork(loaded, keyring) as uow:
        keygen(uow=uow, who=CHAIR, member="russia", now=now(), key_dir=tmp_path, passphrase="p")
        made = trust.export_trust(uow=uow, who=CHAIR)
    path = tmp_path / "trust.json"
    trust.write_trust(made, path)
    assert trust.load_trust(path) == made
    bundle = tmp_path / "bundle"
    with UnitOfWork(loaded, keyring) as uow:
        ledger_service.export_bundle(uow=uow, who=CHAIR, directory=bundle)
    assert trust.verify_with_trust(bundle, made).ok

    # Whoever holds the server's disk re-signs the log with a key of its own, and puts that
    # key in keys.json: the bundle alone still verifies; against the trust file it fails.
    impostor = SigningKey.generate(OPERATOR)
    keys = json.loads((bundle / "keys.json").read_text())
    genuine = next(k for k in keys if k["member"] == OPERATOR)
    genuine |= {"key_id": impostor.id, "public": impostor.public.hex()}
    (bundle / "keys.json").write_text(json.dumps(keys))
    lines, prev = [], ""
    for line in (bundle / "entries.jsonl").read_bytes().splitlines():
        body = entries.parse_entry(entries.split_line(line)[0])
        body |= {"key": impostor.id, "prev": prev}
        if body["act"] == "key.register" and body["member"] == OPERATOR:
            body["objects"] = [impostor.id]
            body["details"] = {"public": impostor.public.hex(), "first_use": True}
        signed = entries.sign_entry(body, impostor)
        lines.append(signed)
        prev = entries.leaf(signed).hex()
    (bundle / "entries.jsonl").write_bytes(b"".join(line + b"\n" for line in lines))
    assert ledger_service.verify_bundle(bundle).ok
    found = trust.verify_with_trust(bundle, made)
    assert not found.ok
    assert found.problems[0].where == "keys.json" and impostor.id in found.problems[0].why
    assert any(p.where == "entry 0" for p in found.problems)

    path.write_text('{"origin": "x"}')
    with pytest.raises(InputRejected, match="operator"):
        trust.load_trust(path)
