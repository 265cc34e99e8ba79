"""Members' users and signing keys: add users, make and rotate keys (with history)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from truce.domain.access import Principal, Role, UseCase, authorize
from truce.domain.errors import Conflict, InputRejected, NotFound
from truce.ledger.entries import Act, sign_act
from truce.ledger.keys import OPERATOR, SigningKey
from truce.ledger.verify import KeyRecord
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork


def _member_exists(uow: UnitOfWork, member: str) -> None:
    known = {m.id for m in uow.members.all()}
    if member not in known:
        raise NotFound(
            f"no member {member}; members: {', '.join(sorted(known)) or 'none (load a scenario)'}"
        )


def add_user(
    *, uow: UnitOfWork, who: Principal, user: str, member: str, name: str, role: Role, now: datetime
) -> Principal:
    authorize(who, UseCase.MANAGE_MEMBERS)
    _member_exists(uow, member)
    added = uow.users.add(user, member, name, role, now)
    uow.record(
        Act("user.add", who.member, who.user, objects=(user, member), details={"role": role.value}),
        now,
    )
    uow.commit()
    return added


def deactivate_user(*, uow: UnitOfWork, who: Principal, user: str, now: datetime) -> list[str]:
    """The user may no longer log in or use the API: its sessions end and its tokens are
    revoked (their IDs are returned). The user stays in the store, for the ledger names it."""
    authorize(who, UseCase.MANAGE_MEMBERS)
    if user == who.user:
        raise Conflict(f"{user} cannot deactivate itself: ask another administrator")
    uow.users.deactivate(user)
    uow.sessions.end_for_user(user, now)
    revoked = uow.tokens.revoke_for_user(user, now)
    uow.record(
        Act("user.deactivate", who.member, who.user, objects=(user, *revoked)),
        now,
    )
    uow.commit()
    return revoked


@dataclass(frozen=True)
class KeyMade:
    """A member's new key: registered on the server, its private half in the member's
    directory; `vouched` when the key it replaces signed the rotation."""

    new: KeyRecord
    old: KeyRecord | None
    path: Path
    vouched: bool


def keygen(
    *,
    uow: UnitOfWork,
    who: Principal,
    member: str,
    now: datetime,
    key_dir: Path,
    passphrase: str | None,
) -> KeyMade:
    """A new signing key for a member, made where the member keeps its keys (`key_dir`, on the
    member's own machine, sealed with `passphrase`); only the public key goes to the server.
    The key it replaces is retired (kept, with its dates).

    The registration or rotation is logged, signed by the operator and by a member key: a
    rotation by the old key, when `key_dir` still holds it (the new key is then vouched for
    by the one before it, which a trust file follows); a first key by itself."""
    authorize(who, UseCase.MANAGE_MEMBERS)
    if member == OPERATOR:
        raise InputRejected("member: the log operator's key is not a member key")
    _member_exists(uow, member)
    ring = Keyring(key_dir, passphrase, create=False)
    old = uow.keys.current(member)
    old_key = None
    if old is not None and ring.has(member):
        old_key = ring.signer(member)
        if old_key.id != old.key_id:
            raise Conflict(
                f"{ring.path(member)} holds key {old_key.id}, but {member}'s registered key "
                f"is {old.key_id}: give the directory that holds it"
            )
    new = SigningKey.generate(member)
    act = Act(
        "key.rotate" if old else "key.register",
        member,
        who.user,
        objects=(new.id,),
        details={"public": new.public.hex(), "replaces": old.key_id if old else None},
    )
    if old is not None:
        uow.record(sign_act(act, old_key) if old_key else act, now)  # the old key is current
        uow.flush()  # entries are appended at commit: this one before the old key retires
        uow.keys.register(member, new.id, new.public, uow.clock())
    else:
        uow.keys.register(member, new.id, new.public, uow.clock())
        uow.record(sign_act(act, new), now)  # proof that the member holds the new key
    ring.write(new)
    uow.commit()
    current = uow.keys.current(member)
    assert current is not None
    return KeyMade(current, old, ring.path(member), old is None or old_key is not None)
