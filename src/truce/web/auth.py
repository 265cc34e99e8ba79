"""Who is looking at a page: the session's user (or the public), the session's CSRF token
that every form post must carry, and the limit on failed log-ins per user and address."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict
from typing import Annotated

from fastapi import Depends, Form, Request

from truce.domain.access import Principal
from truce.domain.errors import Forbidden, NotFound
from truce.http.deps import PUBLIC, Uow
from truce.services.principals import principal_of

MAX_FAILURES, FAILURE_WINDOW = 5, 15 * 60  # failed log-ins per user and address, per 15 minutes


class LoginLimiter:
    """Failed log-ins per (user, address) in the last FAILURE_WINDOW seconds, in memory."""

    def __init__(self) -> None:
        self._failures: dict[tuple[str, str], list[float]] = defaultdict(list)
        self._lock = threading.Lock()

    def blocked(self, key: tuple[str, str]) -> bool:
        with self._lock:
            recent = [t for t in self._failures[key] if time.monotonic() - t < FAILURE_WINDOW]
            self._failures[key] = recent
            return len(recent) >= MAX_FAILURES

    def failed(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures[key].append(time.monotonic())

    def clear(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.pop(key, None)


limiter = LoginLimiter()


def viewer(request: Request, uow: Uow) -> Principal:
    """The session's user, or the public; a user no longer active ends the session."""
    user = request.session.get("user")
    if not user:
        return PUBLIC
    try:
        return principal_of(uow=uow, user=user)
    except NotFound:
        request.session.clear()
        return PUBLIC


Who = Annotated[Principal, Depends(viewer)]


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def new_session(request: Request, user: str) -> None:
    """Log `user` in: a new session, with a new CSRF token."""
    request.session.clear()
    request.session["user"] = user
    request.session["csrf"] = secrets.token_urlsafe(32)


def check_csrf(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    """Every form post carries the session's token. As a dependency this runs before the
    route's own fields are validated: a forged post is refused whatever else it lacks."""
    expected = request.session.get("csrf")
    if not expected or not csrf or not hmac.compare_digest(str(expected), csrf):
        raise Forbidden("the form's CSRF token is missing or wrong: reload the page and try again")


Csrf = Annotated[None, Depends(check_csrf)]
