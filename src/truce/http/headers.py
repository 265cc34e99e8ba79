"""Security headers on every response: pages, API, static files, docs and errors alike.

A small pure ASGI middleware, so that it needs nothing from the routes and sees every
response, including the 500 page Starlette's outermost error middleware writes (`install`
wraps the whole middleware stack for that reason).

The Content-Security-Policy allows scripts from this server's own files only: no inline
script, no inline event handler (`onclick=`), no `eval`. JSON data blocks
(`<script type="application/json">`) are data, which the browser never runs, so they need no
exception. Styles come from our own files too: Leaflet, Leaflet.markercluster, uPlot and
Swagger UI set styles through the DOM (`element.style`), which CSP allows, and no template
carries a `style` attribute, so 'unsafe-inline' is not needed for styles either (htmx's own
injected indicator style is switched off in base.html's htmx-config).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI

from truce.domain.errors import ConfigurationError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# A host as it may appear in a CSP source: letters, digits, dots and dashes, and a port.
HOST = re.compile(r"^(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


def tile_source(tile_url: str) -> str | None:
    """The CSP source that lets the map load its basemap tiles from `tile_url` (a Leaflet URL
    template), or None when the tiles are this server's own (or there are none).

    A placeholder in the host (`{s}.tile.example.org`) becomes a wildcard for that label and
    all left of it: CSP allows a wildcard only as the leftmost label."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    if not parts.scheme and not parts.netloc:
        return None  # a path on this server: 'self' covers it
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        raise ConfigurationError(
            f"TRUCE_TILE_URL {tile_url!r} must be an http(s) URL template or a local path"
        )
    labels = parts.netloc.split(".")
    templated = [i for i, label in enumerate(labels) if "{" in label or "}" in label]
    host = parts.netloc if not templated else "*." + ".".join(labels[templated[-1] + 1 :])
    if not HOST.match(host) or (host.startswith("*.") and host.count(".") < 2):
        raise ConfigurationError(f"TRUCE_TILE_URL {tile_url!r}: cannot allow its host {host!r}")
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str = "") -> str:
    images = ["'self'", "data:"]  # data: for the small images Leaflet's and Swagger's CSS embed
    tiles = tile_source(tile_url)
    if tiles:
        images.append(tiles)
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": " ".join(images),
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def security_headers(tile_url: str = "") -> dict[str, str]:
    """The headers every response carries."""
    return {
        "Content-Security-Policy": content_security_policy(tile_url),
        "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
        "X-Content-Type-Options": "nosniff",
        # Links out of the mechanism (a report's source URL) tell the other site nothing,
        # not even which incident page a member was reading.
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


class SecurityHeaders:
    """Adds the headers to every HTTP response that does not already set them."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.raw if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


def install(app: FastAPI, tile_url: str) -> None:
    """Wrap the app's whole middleware stack, Starlette's error middleware included, so that
    even its bare 500 answer carries the headers."""
    headers = security_headers(tile_url)
    build = app.build_middleware_stack

    def build_with_headers() -> ASGIApp:
        return SecurityHeaders(build(), headers)

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
