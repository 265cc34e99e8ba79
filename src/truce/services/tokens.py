"""Per-user API tokens: issued once (the secret is shown only then), stored as a SHA-256
hash, revocable. A token is 32 random bytes: a fast hash is enough, nothing to brute-force."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from truce.domain.access import Principal, UseCase, authorize
from truce.domain.errors import NotFound
from truce.ledger.entries import Act
from truce.store.uow import UnitOfWork

PREFIX = "trc_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    *, uow: UnitOfWork, who: Principal, user: str, now: datetime, name: str | None = None
) -> str:
    """A new token for `user`; the only time its secret is seen."""
    authorize(who, UseCase.MANAGE_MEMBERS)
    uow.users.principal(user)  # the user must exist and be active
    token = PREFIX + secrets.token_urlsafe(32)
    token_id = _hash(token)[:16]
    uow.tokens.add(token_id, user, _hash(token), name, now)
    uow.record(
        Act("token.issue", who.member, who.user, objects=(user, token_id), details={"name": name}),
        now,
    )
    uow.commit()
    return token


def revoke_token(*, uow: UnitOfWork, who: Principal, token_id: str, now: datetime) -> None:
    authorize(who, UseCase.MANAGE_MEMBERS)
    if not uow.tokens.revoke(token_id, now):
        raise NotFound(f"no active token {token_id}")
    uow.record(Act("token.revoke", who.member, who.user, objects=(token_id,)), now)
    uow.commit()


def principal_for(*, uow: UnitOfWork, token: str) -> Principal | None:
    """The user a token belongs to, or None for an unknown or revoked token."""
    if not token.startswith(PREFIX):
        return None
    user = uow.tokens.user_for(_hash(token))
    if user is None:
        return None
    try:
        return uow.users.principal(user)
    except NotFound:
        return None  # the user was deactivated: the token no longer opens anything
