"""Rendering: the Jinja2 templates (autoescaped), what every page's context holds, and the
filter that marks the text spans behind a report's fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from truce.domain.access import Principal, UseCase, allowed
from truce.domain.reports import Report
from truce.http.deps import state_of
from truce.web.auth import csrf_token

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def highlighted(report: Report) -> Markup:
    """The report's text with the span behind each extracted field marked (escaped first)."""
    text = report.notes or ""
    spans = sorted(
        (s.start, s.end, field)
        for field, s in report.spans.items()
        if 0 <= s.start < s.end <= len(text)
    )
    out, at = [], 0
    for start, end, field in spans:
        if start < at:
            continue  # overlapping spans: the first one wins
        out.append(escape(text[at:start]))
        out.append(Markup('<mark title="{}">{}</mark>').format(field, text[start:end]))
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


templates.env.filters["highlighted"] = highlighted


def base_context(request: Request, who: Principal, csrf: str) -> dict[str, Any]:
    """What base.html needs on every page."""
    settings = state_of(request).settings
    return {
        "request": request,
        "who": who,
        "csrf": csrf,
        "can": lambda use_case: allowed(who, use_case),
        "UseCase": UseCase,
        "agreement_id": settings.agreement,
        "tile_url": settings.tile_url,
    }


def render(
    request: Request, who: Principal, name: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """The template `name` as `who` sees it, with the session's CSRF token in its forms."""
    context = base_context(request, who, csrf_token(request)) | {"title": "Truce"} | context
    return templates.TemplateResponse(request, name, context, status_code=status_code)
