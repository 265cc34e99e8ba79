"""Who acts, and who is who: a user of the store as the principal it acts as, the local
console administrator, and the directory of members with their users and keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from truce.domain.access import Principal, Role, UseCase, authorize
from truce.domain.members import Member
from truce.ledger.verify import KeyRecord
from truce.store.uow import UnitOfWork

# The server's own console as the UN chair's administrator: the account that creates the
# first users and keys, before any administrator exists in the store. Like the operations
# centre, it is chosen at the edge (the CLI, given no `--as USER`), never by a service.
LOCAL_ADMINISTRATOR = Principal(user="console", member="un", role=Role.ADMINISTRATOR)


def principal_of(*, uow: UnitOfWork, user: str) -> Principal:
    """The principal an active user of the store acts as: its member and role."""
    return uow.users.principal(user)


@dataclass(frozen=True)
class User:
    principal: Principal
    name: str

    def to_plain(self) -> dict[str, Any]:
        p = self.principal
        return {"user": p.user, "member": p.member, "role": p.role.value, "name": self.name}


@dataclass(frozen=True)
class MemberEntry:
    """A member with its users and its signing keys, current and retired."""

    member: Member
    users: list[User]
    keys: list[KeyRecord]

    def to_plain(self) -> dict[str, Any]:
        return self.member.to_plain() | {
            "users": [u.to_plain() for u in self.users],
            "keys": [k.to_plain() for k in self.keys],
        }


def directory(*, uow: UnitOfWork, who: Principal) -> list[MemberEntry]:
    """Every member with its keys; with its users too, except for the public (who may see
    the members and their public keys, not the people acting for them)."""
    authorize(who, UseCase.VIEW)
    users = [User(p, name) for p, name in uow.users.all()] if who.role is not Role.PUBLIC else []
    keys = uow.keys.all()
    return [
        MemberEntry(
            member,
            [u for u in users if u.principal.member == member.id],
            [k for k in keys if k.member == member.id],
        )
        for member in uow.members.all()
    ]
