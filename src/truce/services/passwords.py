"""Passwords for the pages: Argon2id hashes (argon2-cffi's defaults), checked in constant time."""

from __future__ import annotations

from datetime import datetime

import argon2

from truce.domain.access import Principal, UseCase, authorize
from truce.domain.errors import ValidationFailed
from truce.ledger.entries import Act
from truce.store.uow import UnitOfWork

_HASHER = argon2.PasswordHasher()
MIN_LENGTH = 10


def set_password(
    *, uow: UnitOfWork, who: Principal, user: str, password: str, now: datetime
) -> None:
    authorize(who, UseCase.MANAGE_MEMBERS)
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(f"a password has at least {MIN_LENGTH} characters", field="password")
    uow.users.set_password_hash(user, _HASHER.hash(password))
    uow.record(Act("user.password", who.member, who.user, objects=(user,)), now)
    uow.commit()


def check_password(*, uow: UnitOfWork, user: str, password: str) -> Principal | None:
    """The user, if the password is theirs; None otherwise (unknown users cost the same)."""
    stored = uow.users.password_hash(user)
    try:
        _HASHER.verify(stored or _DUMMY, password)
    except (argon2.exceptions.VerifyMismatchError, argon2.exceptions.InvalidHashError):
        return None
    return uow.users.principal(user) if stored else None


_DUMMY = _HASHER.hash("not a password of anyone")
