"""The API's interactive documentation at /api/docs: Swagger UI from the files `make assets`
installs from npm (swagger-ui-dist) into /static/vendor, never from a CDN, so that it works
on an offline network. FastAPI's own page loads Swagger UI from a CDN and starts it with an
inline script, which the Content-Security-Policy forbids; this page starts it from
/static/api-docs.js, which reads the OpenAPI document's URL from the page."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from markupsafe import escape

VENDOR = "/static/vendor/swagger-ui"
PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="stylesheet" href="{vendor}/swagger-ui.css">
  <link rel="icon" type="image/png" href="{vendor}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
  <script src="{vendor}/swagger-ui-bundle.js"></script>
  <script src="/static/api-docs.js"></script>
</body>
</html>
"""


def docs_router(*, path: str, openapi_url: str, title: str) -> APIRouter:
    """A router with the one docs page, at `path`, over the document at `openapi_url`."""
    router = APIRouter(include_in_schema=False)
    page = PAGE.format(title=escape(title), vendor=VENDOR, openapi_url=escape(openapi_url))

    @router.get(path, response_class=HTMLResponse)
    async def api_docs() -> HTMLResponse:
        return HTMLResponse(page)

    return router
