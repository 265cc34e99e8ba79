"""Per-user API tokens: issued once (the secret is shown only then), stored as a SHA-256
hash, ending after a set number of days, revocable by an administrator or by their owner.
A token is 32 random bytes: a fast hash is enough, nothing to brute-force."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from truce.domain.access import Principal, UseCase, authorize
from truce.domain.errors import NotFound, ValidationFailed
from truce.ledger.entries import Act
from truce.store.cases import TokenRecord
from truce.store.uow import UnitOfWork

PREFIX = "trc_"
DEFAULT_DAYS = 90
MAX_DAYS = 366  # a token that never ends is a leak that never ends


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_id(token: str) -> str:
    """The ID a token is listed and revoked by (not a secret: it opens nothing)."""
    return _hash(token)[:16]


def issue_token(
    *,
    uow: UnitOfWork,
    who: Principal,
    user: str,
    now: datetime,
    name: str | None = None,
    days: int = DEFAULT_DAYS,
) -> str:
    """A new token for `user`, ending `days` days from now; the only time its secret is seen."""
    authorize(who, UseCase.MANAGE_MEMBERS)
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(
            f"days: a token lasts 1 to {MAX_DAYS} days, not {days}", field="days"
        )
    uow.users.principal(user)  # the user must exist and be active
    token = PREFIX + secrets.token_urlsafe(32)
    token_id = _hash(token)[:16]
    uow.tokens.add(token_id, user, _hash(token), name, now, now + timedelta(days=days))
    from truce.services.commitments import text_ref  # issue 11 item 3 (ledger without free text)

    uow.record(
        Act(
            "token.issue",
            who.member,
            who.user,
            objects=(user, token_id),
            details={"name": text_ref(uow, name)},  # a free text: committed to, not written
        ),
        now,
    )
    uow.commit()
    return token


def revoke_token(*, uow: UnitOfWork, who: Principal, token_id: str, now: datetime) -> TokenRecord:
    """Revoke a token: any, for an administrator; one's own, for everyone else."""
    found = uow.tokens.find(token_id)
    if found is None or found.user != who.user:
        # Someone else's token (or none at all): that is managing users.
        authorize(who, UseCase.MANAGE_MEMBERS)
    if found is None or not uow.tokens.revoke(token_id, now):
        raise NotFound(f"no active token {token_id}")
    uow.record(Act("token.revoke", who.member, who.user, objects=(token_id,)), now)
    uow.commit()
    revoked = uow.tokens.find(token_id)
    assert revoked is not None
    return revoked


def principal_for(*, uow: UnitOfWork, token: str, now: datetime) -> Principal | None:
    """The user a token belongs to, or None for an unknown, expired or revoked token."""
    if not token.startswith(PREFIX):
        return None
    user = uow.tokens.user_for(_hash(token), now)
    if user is None:
        return None
    try:
        return uow.users.principal(user)
    except NotFound:
        return None  # the user was deactivated: the token no longer opens anything
