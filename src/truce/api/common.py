"""What every route needs: the unit of work, the acting principal from the bearer token, problem
details, and the clock."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from truce.config import Settings
from truce.domain.access import Principal, Role
from truce.domain.errors import (
    ConfigurationError,
    Conflict,
    Forbidden,
    InputRejected,
    NotFound,
    TruceError,
    ValidationFailed,
)
from truce.services.tokens import principal_for
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

PUBLIC = Principal(user="anonymous", member="public", role=Role.PUBLIC)
PROBLEM = "application/problem+json"
STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, ValidationFailed: 422, InputRejected: 400,
          ConfigurationError: 500}  # fmt: skip
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,200}$")


class Unauthorized(TruceError):
    """A bearer token that is not (or no longer) valid."""


class TooLarge(TruceError):
    """An upload over the size limit."""


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


class State:
    def __init__(self, settings: Settings, engine: Engine, keyring: Keyring | None) -> None:
        self.settings, self.engine, self.keyring = settings, engine, keyring


def uow(request: Request) -> Iterator[UnitOfWork]:
    state: State = request.app.state.truce
    # Reads share an SQLite database; only requests that may write take its write lock.
    with UnitOfWork(
        state.engine, state.keyring, read_only=request.method in ("GET", "HEAD")
    ) as unit:
        yield unit


Uow = Annotated[UnitOfWork, Depends(uow)]


def principal(unit: Uow, authorization: Annotated[str | None, Header()] = None) -> Principal:
    """The user behind the bearer token; without one, the public."""
    if not authorization:
        return PUBLIC
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("use 'Authorization: Bearer <token>'")
    found = principal_for(uow=unit, token=token.strip())
    if found is None:
        raise Unauthorized("unknown or revoked token")
    return found


Who = Annotated[Principal, Depends(principal)]


def now() -> datetime:
    return datetime.now(UTC)


AGREEMENT = "astana-2016"
