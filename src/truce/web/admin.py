"""The administrator's page for accounts: set a user's password, deactivate a user, revoke
API tokens. Every form carries the session's CSRF token, and the services check that the
acting user is an administrator (anyone else gets the 403 page)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from truce.domain.access import Principal
from truce.domain.errors import ValidationFailed
from truce.http.deps import Clock, Uow
from truce.services.accounts import accounts_overview
from truce.services.members import deactivate_user
from truce.services.passwords import set_password
from truce.services.session import UnitOfWork
from truce.services.tokens import revoke_token
from truce.web.auth import Csrf, Who
from truce.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE = "/admin/accounts"
TITLE = "Accounts"


def _page(
    request: Request, uow: UnitOfWork, who: Principal, now: Clock, status: int = 200, **extra: str
) -> HTMLResponse:
    view = accounts_overview(uow=uow, who=who, now=now)
    return render(request, who, "admin.html", status, title=TITLE, view=view, now=now, **extra)


@router.get(PAGE)
def accounts(request: Request, uow: Uow, who: Who, now: Clock, done: str = "") -> HTMLResponse:
    return _page(request, uow, who, now, done=done[:200])


@router.post(PAGE + "/{user}/password", response_model=None)
def change_password(
    request: Request,
    user: str,
    _: Csrf,
    uow: Uow,
    who: Who,
    now: Clock,
    password: Annotated[str, Form(max_length=500)],
    again: Annotated[str, Form(max_length=500)],
) -> Response:
    try:
        if password != again:
            raise ValidationFailed("again: the two passwords differ", field="again")
        set_password(uow=uow, who=who, user=user, password=password, now=now)
    except ValidationFailed as exc:
        uow.rollback()
        # The page again, with the reason beside the user's form (the password is not shown).
        return _page(request, uow, who, now, 422, error=str(exc), error_user=user)
    return _done(f"password set for {user}; their sessions ended")


@router.post(PAGE + "/{user}/deactivate")
def deactivate(user: str, _: Csrf, uow: Uow, who: Who, now: Clock) -> RedirectResponse:
    deactivate_user(uow=uow, who=who, user=user, now=now)
    return _done(f"{user} deactivated; their sessions ended and tokens revoked")


@router.post("/admin/tokens/{token_id}/revoke")
def revoke(token_id: str, _: Csrf, uow: Uow, who: Who, now: Clock) -> RedirectResponse:
    revoke_token(uow=uow, who=who, token_id=token_id, now=now)
    return _done(f"token {token_id} revoked")


def _done(what: str) -> RedirectResponse:
    return RedirectResponse(f"{PAGE}?{urlencode({'done': what})}", status_code=303)
