"""The pages' error page: one heading per status and the error's message, for errors the
app's handlers catch on page paths (the API answers with problem details instead)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from truce.http.deps import PUBLIC
from truce.web.templating import base_context, templates

HEADINGS = {
    400: "Not accepted",
    401: "Please log in",
    403: "Not allowed",
    404: "Not found",
    409: "Not possible now",
    413: "Too large",
    422: "Please check the form",
    429: "Too many tries",
}


def error_page(request: Request, status: int, message: str) -> Response:
    """The error page for `status`; shown as the public, since the error may be the session's."""
    heading = HEADINGS.get(status, "Something went wrong")
    context = base_context(request, PUBLIC, csrf="") | {
        "title": heading,
        "heading": heading,
        "message": message,
    }
    answer: HTMLResponse = templates.TemplateResponse(
        request, "error.html", context, status_code=status
    )
    return answer
