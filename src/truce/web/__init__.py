"""The web application: pages over the services, with sessions (kept in the store, see
`truce.web.auth`), CSRF tokens and static files.

`truce.app` composes it with the API: `install(app, settings)` adds the pages, and the app's
error handlers answer page paths with `truce.web.errors.error_page`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from truce.config import Settings

STATIC = Path(__file__).parent / "static"
# Room for a form's other fields and multipart framing around a text of the size limit, so that
# an oversize text reaches the size check (413) instead of the form parser's own limit.
FORM_SLACK = 64 * 1024


def install(app: FastAPI, settings: Settings) -> None:
    """The cookies' writer, the static files and the pages."""
    from truce.web.auth import CookieWriter  # here: `truce.web.errors` alone needs neither
    from truce.web.pages import router

    app.add_middleware(CookieWriter)
    app.mount("/static", StaticFiles(directory=str(STATIC), check_dir=False), name="static")
    limit = settings.max_document_bytes + FORM_SLACK
    app.include_router(router, max_body_size=limit, form_limits={"max_part_size": limit})
