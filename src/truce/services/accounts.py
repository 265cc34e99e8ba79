"""Log-in, page sessions and log-out, kept in the store; and the administrator's view of
the accounts.

A session is a random secret in the visitor's cookie; the store keeps only its SHA-256, with
the user, the session's CSRF token and its times. Whoever copies the table cannot open a
session, and whatever ends one (log-out, a new password, deactivation) ends it for every
server worker at once. Failed log-ins are counted in the store too, per user name and
address, and per address across user names.

The log-in and session functions establish who acts, so they take no principal of their
own."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from truce.domain.access import Principal, UseCase, authorize
from truce.domain.accounts import LoginLimits, SessionPolicy
from truce.domain.errors import NotFound
from truce.services.passwords import check_password
from truce.store.accounts import SessionRow
from truce.store.cases import Account, TokenRecord
from truce.store.uow import UnitOfWork

# Ended and expired sessions are kept this long (a trace for whoever looks into a log-in),
# then forgotten at some later log-in.
KEEP_ENDED = timedelta(days=7)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Outcome(StrEnum):
    OPENED = "opened"
    WRONG = "wrong user or password"
    BLOCKED = "too many failed log-ins"


@dataclass(frozen=True)
class LogIn:
    outcome: Outcome
    principal: Principal | None = None
    secret: str | None = None  # for the cookie; never stored
    csrf: str | None = None


@dataclass(frozen=True)
class Resumed:
    principal: Principal
    csrf: str
    stale: bool  # its last-seen time should be written (touch_session)


def log_in(
    *,
    uow: UnitOfWork,
    user: str,
    password: str,
    address: str,
    now: datetime,
    policy: SessionPolicy,
    limits: LoginLimits,
    replaces: str | None = None,
) -> LogIn:
    """Check the password, within the limits on failures from `address`; on success open a
    session (ending the one it `replaces`). A blocked attempt is refused even with the right
    password, and its password is not checked."""
    name = user.strip().lower()
    since = now - limits.window
    failures = uow.login_failures
    if limits.blocked(
        user_failures=failures.count(address=address, since=since, user_name=name),
        address_failures=failures.count(address=address, since=since),
    ):
        return LogIn(Outcome.BLOCKED)
    found = check_password(uow=uow, user=user, password=password)
    if found is None:
        failures.purge(since)
        failures.add(name, address, now)
        uow.commit()
        return LogIn(Outcome.WRONG)
    failures.clear(name, address)
    if replaces:
        uow.sessions.end(_hash(replaces), now)
    uow.sessions.purge(now - KEEP_ENDED)
    secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    uow.sessions.add(
        SessionRow(
            id=_hash(secret),
            user=found.user,
            csrf=csrf,
            created_at=now,
            last_seen_at=now,
            expires_at=policy.expires(now),
            ended_at=None,
        )
    )
    uow.commit()
    return LogIn(Outcome.OPENED, found, secret, csrf)


def resume_session(
    *, uow: UnitOfWork, secret: str, now: datetime, policy: SessionPolicy
) -> Resumed | None:
    """The session a cookie's secret opens, or None: unknown, ended, expired (absolute or
    idle), or its user no longer active. Reads only."""
    row = uow.sessions.find(_hash(secret))
    if row is None or row.ended_at is not None:
        return None
    if not policy.live(expires=row.expires_at, last_seen=row.last_seen_at, now=now):
        return None
    try:
        principal = uow.users.principal(row.user)
    except NotFound:
        return None
    return Resumed(principal, row.csrf, policy.needs_touch(last_seen=row.last_seen_at, now=now))


def touch_session(*, uow: UnitOfWork, secret: str, now: datetime) -> None:
    """Note that the session was used at `now` (its idle time starts again)."""
    uow.sessions.touch(_hash(secret), now)
    uow.commit()


def log_out(*, uow: UnitOfWork, secret: str, now: datetime) -> None:
    """End the session: its cookie opens nothing any more, wherever it is replayed."""
    uow.sessions.end(_hash(secret), now)
    uow.commit()


@dataclass(frozen=True)
class AccountsView:
    """Every user with its open sessions, and every token (never a secret)."""

    accounts: list[Account]
    sessions: dict[str, int]  # user -> open sessions
    tokens: list[TokenRecord]


def accounts_overview(*, uow: UnitOfWork, who: Principal, now: datetime) -> AccountsView:
    authorize(who, UseCase.MANAGE_MEMBERS)
    accounts = uow.users.accounts()
    sessions = {a.principal.user: uow.sessions.open_count(a.principal.user, now) for a in accounts}
    return AccountsView(accounts, sessions, uow.tokens.all())
