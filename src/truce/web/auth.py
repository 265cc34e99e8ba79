"""Who is looking at a page: the session's user (or the public), and the CSRF token that
every form post must carry.

The session cookie holds only a random secret; the session itself (user, CSRF token, times)
is in the store, so log-out, a new password and deactivation end it on every worker. A visitor
who is not logged in gets a CSRF token of their own in a second cookie, which the log-in form
sends back (double submit): another site can neither read that cookie nor set it."""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from truce.config import Settings
from truce.domain.access import Principal
from truce.domain.accounts import SessionPolicy, client_address, parse_networks
from truce.domain.errors import Forbidden
from truce.http.deps import PUBLIC, Uow, now, state_of
from truce.services.accounts import resume_session, touch_session
from truce.services.session import unit_of_work

SESSION_COOKIE = "truce_session"
CSRF_COOKIE = "truce_csrf"
# What the request's pending Set-Cookie headers are kept under in the ASGI scope's state.
PENDING = "truce_cookies"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")  # token_urlsafe(32) and nothing else


def session_policy(settings: Settings) -> SessionPolicy:
    return SessionPolicy(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_hours),
    )


def client_of(request: Request) -> str:
    """The address the request comes from: the socket's peer, or what the configured
    trusted proxies say they served (never what the client itself wrote)."""
    peer = request.client.host if request.client else "?"
    settings = state_of(request).settings
    if not settings.trusted_proxies:
        return peer
    trusted = parse_networks(settings.trusted_proxies)
    return client_address(peer, request.headers.getlist("x-forwarded-for"), trusted)


# --- cookies ---------------------------------------------------------------------------------


class CookieWriter:
    """ASGI middleware: the Set-Cookie headers a request asked for (`set_cookie`), added to
    whatever response it ends with, a page, a redirect or an error page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        pending: list[str] = []
        scope.setdefault("state", {})[PENDING] = pending

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and pending:
                headers = [
                    *message.get("headers", ()),
                    *((b"set-cookie", c.encode()) for c in pending),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


def set_cookie(request: Request, name: str, value: str | None, max_age: int | None = None) -> None:
    """Set (or, with None, delete) a cookie on this request's response: HttpOnly,
    SameSite=Strict, and Secure when the settings say the site is served over HTTPS. Without
    `max_age` it lasts as long as the browser runs."""
    pending: list[str] | None = getattr(request.state, PENDING, None)
    if pending is None:
        raise RuntimeError("the CookieWriter middleware is not installed")
    secure = state_of(request).settings.secure_cookies
    made = Response()
    if value is None:
        made.delete_cookie(name, httponly=True, samesite="strict", secure=secure)
    else:
        made.set_cookie(
            name, value, max_age=max_age, httponly=True, samesite="strict", secure=secure
        )
    pending.append(made.headers["set-cookie"])


# --- the session -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSession:
    """Who the request is, the CSRF token its forms carry, and the session's cookie secret
    (None for a visitor not logged in)."""

    principal: Principal
    csrf: str
    secret: str | None


def page_session(request: Request, uow: Uow) -> PageSession:
    """The request's session from the store, or the public with its own CSRF token; kept on
    the request for the templates' forms (`csrf_token`)."""
    found = _find_session(request, uow)
    request.state.truce_page_session = found
    return found


def _find_session(request: Request, uow: Uow) -> PageSession:
    secret = request.cookies.get(SESSION_COOKIE)
    if secret and TOKEN.match(secret):
        settings = state_of(request).settings
        at = now()
        found = resume_session(uow=uow, secret=secret, now=at, policy=session_policy(settings))
        if found is not None:
            if found.stale:
                _touch(request, uow, secret)
            return PageSession(found.principal, found.csrf, secret)
    if secret:
        set_cookie(request, SESSION_COOKIE, None)  # ended, expired or forged: forget it
    token = request.cookies.get(CSRF_COOKIE)
    if not token or not TOKEN.match(token):
        token = secrets.token_urlsafe(32)
        set_cookie(request, CSRF_COOKIE, token)  # lasts as long as the browser runs
    return PageSession(PUBLIC, token, None)


def _touch(request: Request, uow: Uow, secret: str) -> None:
    """Write the session's last-seen time: in the request's own transaction when it may write;
    for a read (GET), in a short one of its own, since the request's cannot write."""
    if request.method not in ("GET", "HEAD"):
        touch_session(uow=uow, secret=secret, now=now())
        return
    state = state_of(request)
    with unit_of_work(state.engine, state.keyring) as unit:
        touch_session(uow=unit, secret=secret, now=now())


Session = Annotated[PageSession, Depends(page_session)]


def viewer(session: Session) -> Principal:
    """The session's user, or the public."""
    return session.principal


Who = Annotated[Principal, Depends(viewer)]


def csrf_token(request: Request) -> str:
    """The token this request's forms carry (`page_session` found or made it)."""
    session: PageSession | None = getattr(request.state, "truce_page_session", None)
    if session is None:
        raise RuntimeError("csrf_token before the page's session was read")
    return session.csrf


def check_csrf(session: Session, csrf: Annotated[str, Form()] = "") -> None:
    """Every form post carries the session's token (a visitor's own, before log-in). As a
    dependency this runs before the route's own fields are validated: a forged post is
    refused whatever else it lacks."""
    if not csrf or not hmac.compare_digest(session.csrf, csrf):
        raise Forbidden("the form's CSRF token is missing or wrong: reload the page and try again")


Csrf = Annotated[None, Depends(check_csrf)]
