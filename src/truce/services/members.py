"""Members' users and signing keys: add users, make and rotate keys (with history)."""

from __future__ import annotations

from datetime import datetime

from truce.domain.access import Principal, Role, UseCase, authorize
from truce.domain.errors import Conflict, NotFound
from truce.ledger.entries import Act
from truce.ledger.keys import SigningKey
from truce.ledger.verify import KeyRecord
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


def keygen(
    *, uow: UnitOfWork, who: Principal, member: str, now: datetime
) -> tuple[KeyRecord, KeyRecord | None]:
    """A new signing key for a member; the key it replaces is retired (kept, with its dates).

    A rotation is announced in the ledger under the old key, so the new one is vouched for by
    the one before it; a first key announces itself. The private key goes to the keyring's
    directory (sealed with the passphrase when one is set), never to the database.
    """
    authorize(who, UseCase.MANAGE_MEMBERS)
    _member_exists(uow, member)
    new = SigningKey.generate(member)
    old = uow.keys.current(member)
    details = {"public": new.public.hex(), "replaces": old.key_id if old else None}
    act = Act(
        "key.rotate" if old else "key.register",
        member,
        who.user,
        objects=(new.id,),
        details=details,
    )
    if old is not None:
        uow.record(act, now)  # signed by the old key, which is still current here
        uow.flush()  # entries are appended at commit: this one before the old key retires
        uow.keys.register(member, new.id, new.public, uow.clock())
    else:
        uow.keys.register(member, new.id, new.public, uow.clock())
    uow.keyring.write(new)
    if old is None:
        uow.record(act, now)
    uow.commit()
    current = uow.keys.current(member)
    assert current is not None
    return current, old
