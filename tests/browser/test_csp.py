"""The Content-Security-Policy in a real browser (issue 11, item 16): Debian's Chromium, driven
by Playwright, against `truce serve`. The main pages, public and logged in, run under the
policy with no violation reported and the map drawn; /api/docs renders Swagger UI from the
server's own files, with every request to another host refused."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import NewStore
from truce.domain.access import OPERATIONS_CENTRE
from truce.services import cases as flow
from truce.services.demo import accounts, demo_password, load_sample

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
STARTUP_SECONDS = 60
pytestmark = pytest.mark.slow  # a real browser against a real server

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Debian's chromium for the browser tests")
    pytest.skip("no Chromium on this machine (apt-get install chromium)", allow_module_level=True)

# Collects every violation the browser reports to the page, before any of the page's own
# scripts run (an init script runs outside the page's CSP).
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.lineNumber}`);
});
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(new_store: NewStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    opened = datetime.now(UTC) - timedelta(days=4)
    with new_store("csp") as store:
        with store.uow() as uow:
            load_sample(uow, opened, who=OPERATIONS_CENTRE)
            users = accounts(uow, opened, fixed_passwords=True)
            flow.open_cases(uow=uow, who=users["analyst"], agreement_id="astana-2016", now=opened)
        store.engine.dispose()
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
        env |= {"TRUCE_DATABASE_URL": store.url, "TRUCE_KEYS_DIR": str(store.keyring.directory)}
        log = tmp_path_factory.mktemp("csp-server") / "serve.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "truce", "serve", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                try:
                    httpx.get(f"{base}/login", timeout=2)
                    break
                except httpx.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"truce serve did not start:\n{log.read_text()[-3000:]}")
                    time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A tab that records CSP violations (as events and as console messages), script errors
    and requests that left the server."""

    def __init__(self, context: Any, base: str) -> None:
        self.tab = context.new_page()
        self.base = base
        self.console: list[str] = []
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.tab.on("console", self._console)
        self.tab.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.tab.on("request", self._request)

    def _console(self, message: Any) -> None:
        # Chromium reports a blocked script, style or request as a console error "Refused to
        # ... because it violates the following Content Security Policy directive".
        if "Content Security Policy" in message.text or message.text.startswith("Refused"):
            self.console.append(message.text)

    def _request(self, request: Any) -> None:
        if not request.url.startswith((self.base, "data:")):
            self.outside.append(request.url)

    def visit(self, path: str) -> None:
        self.tab.goto(path)
        self.tab.wait_for_load_state("networkidle")

    def violations(self) -> list[str]:
        seen: list[str] = self.tab.evaluate("window.__violations")
        return seen + [c for c in self.console if "Content Security Policy" in c]


@pytest.fixture
def watched(browser: Any, server: str) -> Iterator[Watched]:
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    yield Watched(context, server)
    context.close()


def test_the_main_pages_run_under_the_policy_with_the_map_drawn(watched: Watched) -> None:
    w, p = watched, watched.tab
    w.visit("/?start=2016-12-30&end=2017-02-28")
    p.wait_for_function("document.getElementById('map').dataset.markers !== undefined")
    assert int(p.locator("#map").get_attribute("data-markers")) >= 60
    # Country outlines (fetched JSON drawn as paths) and the incidents' markers or clusters.
    p.wait_for_function("document.querySelectorAll('#map path').length > 0")
    assert p.locator(".marker-cluster, path.leaflet-interactive").count() > 0
    assert p.locator("#chart .uplot").count() == 1
    csp = p.evaluate("fetch('/').then((r) => r.headers.get('content-security-policy'))")
    assert "script-src 'self'" in csp
    visited = ["/incidents", "/agreements/astana-2016", "/login"]
    for path in visited:
        w.visit(path)
        assert w.violations() == [], (path, w.violations())
    w.visit("/agreements/astana-2016")
    p.wait_for_function("document.querySelectorAll('#zones-map path').length > 0")
    p.goto("/login")
    p.get_by_label("User").fill("chair")
    p.get_by_label("Password").fill(demo_password("chair"))
    p.get_by_role("button", name="Log in").click()
    p.wait_for_load_state("networkidle")
    for path in ("/", "/submit", "/review", "/ledger", "/inbox", "/incidents"):
        w.visit(path)
        assert w.violations() == [], (path, w.violations())
    assert w.errors == [] and w.console == [] and w.outside == [], (w.errors, w.console, w.outside)


def test_an_inline_script_would_be_blocked(watched: Watched) -> None:
    """The policy is in force, not merely sent: a script injected inline does not run."""
    w, p = watched, watched.tab
    w.visit("/login")
    p.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__ran = true"; document.body.appendChild(s); }"""
    )
    p.wait_for_timeout(200)
    assert p.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in w.violations())


def test_the_api_docs_render_offline(watched: Watched) -> None:
    w, p = watched, watched.tab
    w.visit("/api/docs")
    title = p.locator(".swagger-ui .info .title")
    title.wait_for(timeout=20_000)
    assert "Truce" in title.inner_text()
    assert p.locator(".opblock").count() > 10  # the operations, from /api/openapi.json
    assert w.violations() == [], w.violations()
    assert w.outside == [] and w.errors == [], (w.outside, w.errors)
