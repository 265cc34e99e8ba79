"""Log in and out. Failed log-ins are limited in the store, per user name and address and per
address across user names; the address is the socket's peer unless a configured proxy
vouches for another (`truce.web.auth.client_of`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from truce.domain.access import Role
from truce.domain.accounts import LoginLimits
from truce.http.deps import Clock, Config, Uow
from truce.services.accounts import Outcome, log_in, log_out
from truce.web.auth import (
    SESSION_COOKIE,
    Csrf,
    PageSession,
    Session,
    client_of,
    session_policy,
    set_cookie,
)
from truce.web.templating import render

router = APIRouter(include_in_schema=False)
LIMITS = LoginLimits()  # 5 failures per user name and address, 20 per address, in 15 minutes


@router.get("/login")
def login_form(request: Request, session: Session) -> HTMLResponse:
    return render(request, session.principal, "login.html", title="Log in")


@router.post("/login", response_model=None)
def login(
    request: Request,
    _: Csrf,
    uow: Uow,
    session: Session,
    now: Clock,
    settings: Config,
    user: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=500)],
) -> Response:
    policy = session_policy(settings)
    done = log_in(
        uow=uow,
        user=user,
        password=password,
        address=client_of(request),
        now=now,
        policy=policy,
        limits=LIMITS,
        replaces=session.secret,
    )
    if done.outcome is Outcome.BLOCKED:
        return _again(request, session, 429, "Too many failed log-ins: wait 15 minutes.")
    if done.outcome is Outcome.WRONG or done.principal is None or done.secret is None:
        return _again(request, session, 401, "Wrong user or password.")
    set_cookie(request, SESSION_COOKIE, done.secret, int(policy.absolute.total_seconds()))
    home = "/inbox" if done.principal.role is Role.GUARANTOR else "/"
    return RedirectResponse(home, status_code=303)


def _again(request: Request, session: PageSession, status: int, error: str) -> HTMLResponse:
    return render(request, session.principal, "login.html", status, title="Log in", error=error)


@router.post("/logout")
def logout(request: Request, _: Csrf, uow: Uow, session: Session, now: Clock) -> RedirectResponse:
    """End the session in the store (a copy of the cookie opens nothing after this)."""
    if session.secret is not None:
        log_out(uow=uow, secret=session.secret, now=now)
    set_cookie(request, SESSION_COOKIE, None)
    return RedirectResponse("/login", status_code=303)
