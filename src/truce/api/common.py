"""What only the API needs at the HTTP edge: the acting principal from the bearer token, the
agreement a request may name, JSON written by orjson, and RFC 9457 problem details.
(The unit of work, the clock, upload checks and error statuses are `truce.http.deps`,
shared with the pages.)"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import Depends, Header, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from truce.domain.access import Principal
from truce.domain.errors import ValidationFailed
from truce.http.deps import PUBLIC, Agreement, Unauthorized, Uow, now
from truce.services.tokens import principal_for

PROBLEM = "application/problem+json"


class Json(Response):
    """A JSON body written by orjson, for data already checked when its records were built:
    nothing is validated a second time on the way out."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return Json(body, status_code=status, media_type=PROBLEM)


async def principal(unit: Uow, authorization: Annotated[str | None, Header()] = None) -> Principal:
    """The user behind the bearer token; without one, the public. (A coroutine, so that the
    public's requests cost no trip to a worker thread; a token is looked up in one.)"""
    if not authorization:
        return PUBLIC
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("use 'Authorization: Bearer <token>'")
    at = now()
    found = await run_in_threadpool(lambda: principal_for(uow=unit, token=token.strip(), now=at))
    if found is None:
        raise Unauthorized("unknown, expired or revoked token")
    return found


Who = Annotated[Principal, Depends(principal)]


async def chosen_agreement(
    default: Agreement,
    agreement: Annotated[
        str | None, Query(description="the agreement to judge against; default: the server's")
    ] = None,
) -> str:
    return agreement or default


AgreementId = Annotated[str, Depends(chosen_agreement)]


Bbox = Annotated[str | None, Query(description="west,south,east,north")]


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        west, south, east, north = (float(x) for x in text.split(","))
    except ValueError:
        raise ValidationFailed(
            "bbox is four numbers: west,south,east,north", field="bbox"
        ) from None
    return west, south, east, north
