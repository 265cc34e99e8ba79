"""Passwords for the pages: Argon2id hashes (libsodium's, through PyNaCl), checked in constant
time.

Hashes are kept in the Argon2 modular-crypt form (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`),
the form argon2-cffi wrote before: hashes stored then still verify, whatever their parameters."""

from __future__ import annotations

from datetime import datetime
from functools import cache

import nacl.exceptions
import nacl.pwhash.argon2id

from truce.domain.access import Principal, UseCase, authorize
from truce.domain.accounts import check_password_strength
from truce.ledger.entries import Act
from truce.store.uow import UnitOfWork

# argon2-cffi's defaults (RFC 9106's second recommended option): 3 passes over 64 MiB.
OPSLIMIT = 3
MEMLIMIT = 64 * 1024 * 1024


def hash_password(password: str) -> str:
    """A new Argon2id hash of `password`, in the modular-crypt form."""
    hashed = nacl.pwhash.argon2id.str(
        password.encode("utf-8"), opslimit=OPSLIMIT, memlimit=MEMLIMIT
    )
    return hashed.decode("ascii")


def verify_password(stored: str, password: str) -> bool:
    """Whether `password` hashes to `stored` (False for a malformed or foreign hash too)."""
    try:
        return nacl.pwhash.argon2id.verify(stored.encode("utf-8"), password.encode("utf-8"))
    except (nacl.exceptions.InvalidkeyError, ValueError):  # a mismatch; a malformed hash
        return False


@cache
def _dummy() -> str:
    """A hash of no one's password, made once when first needed (not at import, where it would
    slow every `truce` command): unknown users are checked against it, so they cost the same."""
    return hash_password("not a password of anyone")


def set_password(
    *, uow: UnitOfWork, who: Principal, user: str, password: str, now: datetime
) -> None:
    """Give `user` a new password, long and hard enough to guess, and end the user's sessions:
    whoever held one with the old password must log in again."""
    authorize(who, UseCase.MANAGE_MEMBERS)
    check_password_strength(password, user=user, name=uow.users.name(user))
    uow.users.set_password_hash(user, hash_password(password))
    uow.sessions.end_for_user(user, now)
    uow.record(Act("user.password", who.member, who.user, objects=(user,)), now)
    uow.commit()


def check_password(*, uow: UnitOfWork, user: str, password: str) -> Principal | None:
    """The user, if the password is theirs; None otherwise (unknown users cost the same)."""
    stored = uow.users.password_hash(user)
    if not verify_password(stored or _dummy(), password):
        return None
    return uow.users.principal(user) if stored else None
