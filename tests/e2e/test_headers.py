"""Security headers on every kind of response, a Content-Security-Policy the pages keep to (no
inline script, handler or style in any page), and the API's docs served offline from the
npm-installed Swagger UI (issue 11, item 16). The browser test checks the same pages in
Chromium: no CSP violation, the map drawn, the docs rendered."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from fastapi import FastAPI

from tests.conftest import NewStore, Serve, Served, Store
from truce.domain.errors import ConfigurationError
from truce.http.headers import content_security_policy, tile_source

if TYPE_CHECKING:
    pass

HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
TILES = "https://{s}.tile.example.org/{z}/{x}/{y}.png"


@pytest.fixture(scope="module")
def served(new_store: NewStore, demo_store: Store, serve: Serve) -> Iterator[Served]:
    with new_store("headers", copy_of=demo_store) as store, serve(store, tile_url=TILES) as made:
        yield made


def _directives(answer_policy: str) -> dict[str, list[str]]:
    parts = (d.strip().split() for d in answer_policy.split(";") if d.strip())
    return {words[0]: words[1:] for words in parts}


def _assert_headers(answer_headers: dict[str, str], what: str) -> None:
    for name, value in HEADERS.items():
        assert answer_headers.get(name) == value, (what, name, answer_headers.get(name))
    policy = _directives(answer_headers.get("content-security-policy", ""))
    assert policy.get("script-src") == ["'self'"], what
    assert policy.get("style-src") == ["'self'"], what
    assert policy.get("frame-ancestors") == ["'none'"], what
    assert policy.get("object-src") == ["'none'"], what
    assert "https://*.tile.example.org" in policy.get("img-src", []), what


def test_every_kind_of_response_carries_the_headers(served: Served) -> None:
    client = served.client
    incident = client.get("/api/incidents", params={"limit": 1}).json()["items"][0]["id"]
    bearer = served.auth("analyst")
    answers = {
        "page": client.get("/"),
        "incident page": client.get(f"/incidents/{incident}"),
        "login page": client.get("/login"),
        "API list": client.get("/api/incidents", params={"limit": 1}),
        "API with a token": client.get("/api/review-queue", headers=bearer),
        "OpenAPI": client.get("/api/openapi.json"),
        "docs": client.get("/api/docs"),
        "static file": client.get("/static/app.js"),
        "vendor file": client.get("/static/vendor/swagger-ui/swagger-ui.css"),
        "missing static file": client.get("/static/nothing.js"),
        "API 404": client.get("/api/incidents/inc_nothing"),
        "API 401": client.get("/api/review-queue", headers={"Authorization": "Bearer forged"}),
        "API 422": client.get("/api/incidents", params={"limit": "many"}),
        "API 405": client.delete("/api/incidents"),
        "page 404": client.get("/no/such/page"),
        "redirect": client.get("/logout", follow_redirects=False),
    }
    expected = {"API 404": 404, "API 401": 401, "API 422": 422, "page 404": 404}
    for what, answer in answers.items():
        if what in expected:
            assert answer.status_code == expected[what], (what, answer.status_code)
        _assert_headers(dict(answer.headers), what)


def test_a_server_error_carries_the_headers_too(served: Served) -> None:
    from fastapi.testclient import TestClient

    app = served.app
    assert isinstance(app, FastAPI)

    @app.get("/api/test-crash", include_in_schema=False)
    def crash() -> None:
        raise RuntimeError("a bug")

    app.middleware_stack = None  # rebuilt on the next request, with the new route
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/api/test-crash")
    assert answer.status_code == 500
    _assert_headers(dict(answer.headers), "500")


def _inline_code(page: str) -> list[str]:
    """What in a page the CSP would block: inline scripts (a JSON data block is not one),
    event-handler attributes, style attributes and `javascript:` URLs."""
    found = []
    for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S | re.I):
        if "src=" not in attributes and 'type="application/json"' not in attributes:
            found.append(f"<script{attributes}>{body[:60]}")
        if "src=" in attributes and body.strip():
            found.append(f"<script{attributes}> with a body")
    tags = re.findall(r"<[a-zA-Z][^>]*>", page)
    found += [t for t in tags if re.search(r"\s(on[a-z]+|style)\s*=", t, re.I)]
    found += [t for t in tags if "javascript:" in t.lower()]
    return found


def test_no_page_has_inline_script_handlers_or_styles(served: Served) -> None:
    client = served.client
    incident = client.get("/api/incidents", params={"limit": 1}).json()["items"][0]["id"]
    public = ["/", "/incidents", f"/incidents/{incident}", "/login", "/agreements/astana-2016"]
    pages = {path: client.get(path).text for path in public}
    pages["/api/docs"] = client.get("/api/docs").text
    for path, page in pages.items():
        assert _inline_code(page) == [], path
    assert _inline_code('<script>alert(1)</script><a onclick="x()">') != []  # the check works


def test_the_docs_load_only_local_assets(served: Served) -> None:
    client = served.client
    page = client.get("/api/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    assert "http://" not in page.text and "https://" not in page.text
    for asset in assets:
        answer = client.get(asset)
        assert answer.status_code == 200 and answer.content, asset
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").content.startswith(b"/*")
    assert 'data-openapi-url="/api/openapi.json"' in page.text


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("", None),
        ("/tiles/{z}/{x}/{y}.png", None),
        ("https://tile.example.org/{z}/{x}/{y}.png", "https://tile.example.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        (
            "http://tiles-{s}.maps.example.org:8080/{z}/{x}/{y}.png",
            "http://*.maps.example.org:8080",
        ),
        ("http://127.0.0.1:8081/{z}/{x}/{y}.png", "http://127.0.0.1:8081"),
    ],
)
def test_the_tile_host_is_allowed_for_images(url: str, source: str | None) -> None:
    assert tile_source(url) == source
    policy = _directives(content_security_policy(url))
    assert policy["img-src"] == ["'self'", "data:", *([source] if source else [])]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "https://evil.example.org; script-src *",
        "https://a.example.org'/{z}.png",
        "https://{s}.org/{z}.png",  # would allow every .org host
        "https://user@tile.example.org/{z}.png",
    ],
)
def test_a_tile_url_that_cannot_be_a_safe_source_is_refused_at_start(url: str) -> None:
    with pytest.raises(ConfigurationError, match="TRUCE_TILE_URL"):
        content_security_policy(url)


def test_the_policy_allows_no_inline_script_or_eval() -> None:
    policy = content_security_policy(TILES)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
