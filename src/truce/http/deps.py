"""Request-scoped dependencies for the API routes and the pages alike."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request, UploadFile

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
from truce.domain.filenames import check_filename
from truce.services.session import Engine, Keyring, UnitOfWork, unit_of_work

PUBLIC = Principal(user="anonymous", member="public", role=Role.PUBLIC)


class Unauthorized(TruceError):
    """A bearer token that is not (or no longer) valid."""


class TooLarge(TruceError):
    """An upload over the size limit."""


# One status per error kind, for the API's problem details and the pages' error page alike.
STATUS: dict[type[TruceError], int] = {
    Unauthorized: 401,
    TooLarge: 413,
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    ValidationFailed: 422,
    InputRejected: 400,
    ConfigurationError: 500,
}


def status_of(exc: TruceError) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)


@dataclass(frozen=True)
class State:
    """What the app holds for every request: settings, the store's engine, the keyring."""

    settings: Settings
    engine: Engine
    keyring: Keyring | None


def state_of(request: Request) -> State:
    state: State = request.app.state.truce
    return state


def uow(request: Request) -> Iterator[UnitOfWork]:
    """The request's unit of work. On SQLite its transactions share the file until their first
    write (looking up the caller holds no lock). It is kept in the request's state, so that
    `truce.http.retry` can tell whether it committed before running the request again."""
    state = state_of(request)
    with unit_of_work(state.engine, state.keyring, shared=True) as unit:
        units = getattr(request.state, "truce_units", None)
        if units is not None:
            units.append(unit)
        yield unit


Uow = Annotated[UnitOfWork, Depends(uow)]


# The dependencies below do no I/O, so they are coroutines: FastAPI runs a plain function
# dependency on a worker thread, a trip that costs more than the work.


async def settings(request: Request) -> Settings:
    return state_of(request).settings


Config = Annotated[Settings, Depends(settings)]


async def agreement(request: Request) -> str:
    """The agreement a request is judged against: the server's setting."""
    return state_of(request).settings.agreement


Agreement = Annotated[str, Depends(agreement)]


def now() -> datetime:
    return datetime.now(UTC)


async def clock() -> datetime:
    return now()


Clock = Annotated[datetime, Depends(clock)]


def safe_filename(given: str | None) -> str:
    """The upload's name, checked by the one rule every document's name meets
    (`truce.domain.filenames`): InputRejected (400) saying why, on the API and the pages."""
    return check_filename(given) if given else "upload"


async def read_upload(file: UploadFile, limit: int) -> tuple[str, bytes]:
    """The upload's checked name and bytes; over the limit is TooLarge (413) on every path."""
    name = safe_filename(file.filename)
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise TooLarge(f"{name} is over the limit of {limit:,} bytes")
    return name, content


def check_text_size(text: str, limit: int) -> None:
    if len(text.encode()) > limit:
        raise TooLarge(f"the text is over the limit of {limit:,} bytes")
