"""The web application: pages over the services, with sessions, CSRF tokens and static files.

`truce.app` composes it with the API: `install(app, settings)` adds the pages, and the app's
error handlers answer page paths with `truce.web.errors.error_page`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.staticfiles import StaticFiles

from truce.config import Settings

STATIC = Path(__file__).parent / "static"
SESSION_HOURS = 12
# Room for a form's other fields and multipart framing around a text of the size limit, so that
# an oversize text reaches the size check (413) instead of the form parser's own limit.
FORM_SLACK = 64 * 1024


def install(app: FastAPI, settings: Settings) -> None:
    """Sessions (a signed cookie), the static files and the pages."""
    from truce.web.pages import router  # here: `truce.web.errors` alone needs no routes

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret(),
        session_cookie="truce_session",
        same_site="strict",
        https_only=settings.secure_cookies,
        max_age=SESSION_HOURS * 3600,
    )
    app.mount("/static", StaticFiles(directory=str(STATIC), check_dir=False), name="static")
    limit = settings.max_document_bytes + FORM_SLACK
    app.include_router(router, max_body_size=limit, form_limits={"max_part_size": limit})
