"""The one ASGI app: the REST API under /api and the pages at /, as sibling layers over the
same services and the same HTTP dependencies (`truce.http.deps`). Errors are translated here,
at the edge: problem details (RFC 9457) under /api, the error page elsewhere."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from truce import web
from truce.api.app import DESCRIPTION, ERRORS, PREFIX, routers, with_problems
from truce.api.common import problem
from truce.api.docs import docs_router
from truce.config import Settings
from truce.domain.access import OPERATIONS_CENTRE
from truce.domain.errors import TruceError, ValidationFailed
from truce.http import headers
from truce.http.deps import State, TooLarge, Unauthorized, status_of
from truce.http.retry import RetryOnConflict
from truce.services.extraction import ProcessingFailed
from truce.services.processing import Processor, processor_for
from truce.services.session import Engine, Keyring, keyring_for, open_store, sequence_queued
from truce.services.trust import refuse_member_keys
from truce.web.errors import error_page

LOG = logging.getLogger("truce")


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    keyring: Keyring | None = None,
) -> FastAPI:
    """The app for the settings; `engine` and `keyring` default to the settings' own."""
    settings = settings or Settings.from_env()
    app = FastAPI(
        lifespan=_lifespan,
        title="Truce",
        version="1",
        description=DESCRIPTION,
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=None,  # FastAPI's page loads Swagger UI from a CDN: ours is served locally
        redoc_url=None,
    )
    keyring = keyring or keyring_for(settings)
    # The server holds one private key, the operator's: however it is started (`truce
    # serve`, uvicorn on this factory), it refuses a key directory with a member's in it.
    refuse_member_keys(keyring)
    app.state.truce = State(settings, engine or open_store(settings), keyring)
    state: State = app.state.truce
    app.state.processor = processor_for(settings, state.engine, state.keyring)
    for router in routers:
        app.include_router(router, prefix=PREFIX, responses=ERRORS)
    _describe_problems(app)
    app.include_router(
        docs_router(path=f"{PREFIX}/docs", openapi_url=f"{PREFIX}/openapi.json", title="Truce API")
    )
    web.install(app, settings)
    headers.install(app, settings.tile_url)
    # Outermost of the app's own middleware: a request re-run after a deadlock starts afresh.
    app.add_middleware(RetryOnConflict)
    app.add_exception_handler(TruceError, _truce_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the parser workers (ready before the first request), and queue again the
    documents a previous run left `received`; on exit, finish what is being processed."""
    processor: Processor = app.state.processor
    started = datetime.now(UTC)
    await run_in_threadpool(_sequence_left, app.state.truce)
    await run_in_threadpool(processor.start)
    # In the background: the server answers while the operator's account queues them.
    resumed = asyncio.get_running_loop().run_in_executor(
        None, lambda: processor.resume_received(who=OPERATIONS_CENTRE, before=started)
    )
    resumed.add_done_callback(_report_resumed)
    try:
        yield
    finally:
        await run_in_threadpool(processor.close)


def _sequence_left(state: State) -> None:
    """Acts a previous run committed but stopped before sequencing go into the log first."""
    try:
        moved = sequence_queued(state.engine, state.keyring)
    except Exception as error:  # e.g. no operator key yet on a read-only copy: still serve
        LOG.error("acts left queued for the ledger were not sequenced: %s", error)
        return
    if moved:
        LOG.info("sequenced %d act(s) a previous run left queued", moved)


def _report_resumed(resumed: asyncio.Future[list[str]]) -> None:
    if resumed.cancelled():
        return
    error = resumed.exception()
    if error is not None:  # e.g. a store not migrated yet: the server still serves
        LOG.error("documents left received were not queued again: %s", error)
    elif resumed.result():
        LOG.info("queued again %d document(s) left received", len(resumed.result()))


def _describe_problems(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_problems(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path == PREFIX or path.startswith(f"{PREFIX}/")


async def _truce_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TruceError)
    status = status_of(exc)
    if not _is_api(request):
        return error_page(request, status, str(exc))
    if isinstance(exc, Unauthorized):
        answer = problem(status, "Unauthorized", str(exc))
        answer.headers["WWW-Authenticate"] = 'Bearer realm="truce"'
        return answer
    if isinstance(exc, TooLarge):
        return problem(status, "Content Too Large", str(exc))
    if isinstance(exc, ProcessingFailed):  # stored, failed: say which document, and where
        detail = str(exc)
        return problem(
            status, "Not processed", detail, document_id=exc.document_id, stage=exc.stage
        )
    if isinstance(exc, ValidationFailed):
        errors = [{"field": exc.field, "message": str(exc)}]
        return problem(status, type(exc).__name__, str(exc), errors=errors)
    return problem(status, type(exc).__name__, str(exc))


async def _invalid(request: Request, exc: Exception) -> Response:
    """Input that does not fit a route's parameters or body: 422, naming each field."""
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "message": e["msg"]}
        for e in exc.errors()
    ]
    if not _is_api(request):
        return error_page(request, 422, "; ".join(f"{e['field']}: {e['message']}" for e in errors))
    return problem(422, "Unprocessable Content", "the request does not fit the API", errors=errors)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Errors raised before a route runs: no such path or method, a malformed body..."""
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if not _is_api(request):
        message = "There is no such page." if status == 404 else str(exc.detail)
        answer = error_page(request, status, message)
    else:
        answer = problem(status, HTTPStatus(status).phrase, str(exc.detail))
    answer.headers.update(exc.headers or {})
    return answer
