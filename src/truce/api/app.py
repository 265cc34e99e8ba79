"""The REST API (FastAPI, OpenAPI 3.1) at /api. Routes are thin: they read the request, find
the acting principal from its bearer token (none: the public), and call the same service
functions as the CLI, which check authorization. Errors are RFC 9457 problem details.
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from truce.api import cases, incidents, reference, reports
from truce.api.common import (
    PUBLIC,
    STATUS,
    State,
    TooLarge,
    Unauthorized,
    problem,
)
from truce.config import Settings
from truce.domain.access import UseCase
from truce.domain.errors import (
    InputRejected,
    TruceError,
    ValidationFailed,
)
from truce.store.database import make_engine, migrate
from truce.store.keyring import Keyring


def create_app(settings: Settings | None = None, *, engine: Engine | None = None,
               keyring: Keyring | None = None) -> FastAPI:  # fmt: skip
    settings = settings or Settings.from_env()
    if engine is None:
        engine = make_engine(settings.database_url)
        migrate(engine)
    app = FastAPI(title="Truce", version="1", openapi_url="/api/openapi.json", docs_url="/api/docs",
                  redoc_url=None, description=__doc__)  # fmt: skip
    app.state.truce = State(settings, engine, keyring)

    @app.exception_handler(TruceError)
    async def _truce_error(request: Request, exc: TruceError) -> Any:
        if not request.url.path.startswith("/api"):
            return _page_error(request, exc)
        if isinstance(exc, Unauthorized):
            answer = problem(401, "Unauthorized", str(exc))
            answer.headers["WWW-Authenticate"] = 'Bearer realm="truce"'
            return answer
        if isinstance(exc, TooLarge):
            return problem(413, "Content Too Large", str(exc))
        status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
        extra = (
            {"errors": [{"field": exc.field, "message": str(exc)}]}
            if isinstance(exc, ValidationFailed)
            else {}
        )
        return problem(status, type(exc).__name__, str(exc), **extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "message": e["msg"]}
                  for e in exc.errors()]  # fmt: skip
        return problem(
            422, "Unprocessable Content", "the request does not fit the API", errors=errors
        )

    for router in (
        reports.router,
        incidents.router,
        cases.router,
        reference.ledger_router,
        reference.router,
    ):
        app.include_router(router, prefix="/api")
    _pages(app, settings)
    return app


def _pages(app: FastAPI, settings: Settings) -> None:
    """The web application on the same server: pages, sessions, static files."""
    from starlette.middleware.sessions import SessionMiddleware
    from starlette.staticfiles import StaticFiles

    from truce.web.pages import router

    app.add_middleware(SessionMiddleware, secret_key=settings.session_secret(), session_cookie="truce_session",
                       same_site="strict", https_only=settings.secure_cookies, max_age=12 * 3600)  # fmt: skip
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parents[1] / "web" / "static"),
                                     check_dir=False), name="static")  # fmt: skip
    app.include_router(router)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Any:
        # Errors raised before a route runs (no such path, method, malformed multipart...).
        if request.url.path.startswith("/api"):
            return problem(exc.status_code, HTTPStatus(exc.status_code).phrase, str(exc.detail))
        message = "There is no such page." if exc.status_code == 404 else str(exc.detail)
        return _page_error(request, InputRejected(message), exc.status_code)


def _page_error(request: Request, exc: TruceError, status: int | None = None) -> Any:
    from truce.web.pages import templates

    status = status or next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    heading = {403: "Not allowed", 404: "Not found", 409: "Not possible now", 422: "Please check the form"}.get(
        status, "Something went wrong")  # fmt: skip
    return templates.TemplateResponse(request, "error.html", {"request": request, "who": PUBLIC, "csrf": "",
                                      "can": lambda u: False, "UseCase": UseCase, "title": heading,
                                      "heading": heading, "message": str(exc)}, status_code=status)  # fmt: skip
