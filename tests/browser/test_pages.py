"""The pages in a real browser: Debian's Chromium driven by Playwright, against `truce serve`
over a store set up like the demo's. Screenshots of the main pages go to test-artifacts/."""

from __future__ import annotations

import os
import re
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
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
STARTUP_SECONDS = 60  # for `truce serve` to answer: a few seconds, more on a busy machine
pytestmark = pytest.mark.slow  # a real browser against a real server

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Debian's chromium for the browser tests")
    pytest.skip("no Chromium on this machine (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(new_store: NewStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`truce serve` over a store where cases were opened four days ago: their replies are
    overdue."""
    opened = datetime.now(UTC) - timedelta(days=4)
    with new_store("browser") as store:
        with store.uow() as uow:
            load_sample(uow, opened, who=OPERATIONS_CENTRE)
            users = accounts(uow, opened, fixed_passwords=True)
            flow.open_cases(uow=uow, who=users["analyst"], agreement_id="astana-2016", now=opened)
        store.engine.dispose()  # the server process has the store to itself
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
        env |= {"TRUCE_DATABASE_URL": store.url, "TRUCE_KEYS_DIR": str(store.keyring.directory)}
        log = tmp_path_factory.mktemp("browser-server") / "serve.log"
        with log.open("wb") as out:  # a file, not a pipe no one reads (a full pipe stalls it)
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
    # Imported here, not at collection: a quick run (-m "not slow") skips it whole.
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert errors == [], f"script errors on the page: {errors}"


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page: Any, user: str) -> None:
    page.goto("/login")
    page.get_by_label("User").fill(user)
    page.get_by_label("Password").fill(demo_password(user))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_a_guarantor_finds_an_overdue_case_in_the_inbox_and_replies(page: Any) -> None:
    p: Any = page
    log_in(p, "ru-officer")
    assert p.url.endswith("/inbox")
    first = p.locator("article.case").first
    assert "Overdue" in first.inner_text()
    shot(p, "inbox")
    case_id = first.get_attribute("id").removeprefix("case-")
    incident_page = first.locator("h2 a").get_attribute("href")
    first.get_by_label("Reply").select_option("information_requested")
    first.get_by_label("Text").fill("Send the coordinates and the time of the strike.")
    first.get_by_role("button", name="Send reply").click()
    p.wait_for_load_state()
    assert f"replied={case_id}" in p.url
    # Russia has replied: the case waits only for Iran now, and no longer for Russia.
    assert p.locator(f"#case-{case_id}").count() == 0
    # The guarantor sees its reply on the case's timeline; the public, until the case is
    # published, sees only the case's state.
    public = httpx.get(p.url.split("/inbox")[0] + f"/api/cases/{case_id}").json()
    assert public["timeline"] == [] and public["case"]["state"] == "awaiting_reply"
    p.goto(incident_page)
    timeline = p.locator("section[aria-labelledby=case] ol.timeline li")
    assert "reply by ru-officer (russia)" in timeline.last.inner_text()


def test_an_analyst_corrects_a_field_and_the_incident_updates(page: Any) -> None:
    p: Any = page
    log_in(p, "analyst")
    p.goto("/review")
    shot(p, "review-queue")
    report = p.locator("article.report").filter(has_text="fatalities 3").first
    report_id = report.get_attribute("id").removeprefix("report-")
    form = report.locator("form.inline")
    form.get_by_label(f"Field to correct for {report_id}").select_option("fatalities_best")
    form.get_by_label(f"New value for {report_id}").fill("13")
    form.get_by_label(f"Reason for {report_id}").fill("hospital list")
    form.get_by_role("button", name="Correct").click()
    p.wait_for_load_state()
    assert p.locator(f"#report-{report_id}").count() == 0
    api = p.url.split("/review")[0]
    found = [i for i in httpx.get(f"{api}/api/incidents", params={"limit": 500}).json()["items"]]
    incident = next(
        i
        for i in found
        if report_id in httpx.get(f"{api}/api/incidents/{i['id']}").json()["incident"]["report_ids"]
    )
    p.goto(f"/incidents/{incident['id']}")
    claims = p.locator("section[aria-labelledby=claims]").inner_text()
    assert re.search(r"fatalities\s*\n?.*\b13\b", claims), claims
    shot(p, "incident")


def test_the_dashboard_map_shows_the_incidents_and_a_filter_narrows_them(page: Any) -> None:
    p: Any = page
    p.goto("/?start=2016-12-30&end=2017-02-28")
    p.wait_for_function("document.getElementById('map').dataset.markers !== undefined")
    everything = int(p.locator("#map").get_attribute("data-markers"))
    assert everything >= 60
    assert p.locator(".leaflet-marker-icon, .marker-cluster, path.leaflet-interactive").count() > 0
    shot(p, "dashboard")
    p.get_by_label("Governorate").fill("Idleb")
    p.get_by_role("button", name="Show").click()
    p.wait_for_function("document.getElementById('map').dataset.markers !== undefined")
    narrowed = int(p.locator("#map").get_attribute("data-markers"))
    assert 0 < narrowed < everything
    assert "governorate=Idleb" in p.url


def test_an_observer_cannot_act_on_a_case(page: Any) -> None:
    p: Any = page
    log_in(p, "us-observer")
    p.goto("/inbox")
    assert p.locator("form[action$='/reply']").count() == 0
    assert p.get_by_role("link", name="Review queue").count() == 0
    # Even a hand-made post with the session's own CSRF token is refused by the service.
    api = p.url.split("/inbox")[0]
    case_id = httpx.get(f"{api}/api/cases", params={"state": "awaiting_reply"}).json()["items"][0][
        "id"
    ]
    p.goto("/submit")
    token = p.locator("input[name=csrf]").first.get_attribute("value")
    answer = p.request.post(
        f"/cases/{case_id}/reply", form={"kind": "acknowledged", "text": "x", "csrf": token}
    )
    assert answer.status == 403
    assert "(observer of usa) may not reply to a case" in answer.text()
    shot(p, "observer-refused")


def test_pages_other_main_views_render(page: Any) -> None:
    p: Any = page
    log_in(p, "chair")
    # The agreement is the server's setting (TRUCE_AGREEMENT), not one written into the pages.
    assert (
        p.get_by_role("link", name="Agreement").get_attribute("href") == "/agreements/astana-2016"
    )
    for path, name in (
        ("/incidents", "incidents"),
        ("/agreements/astana-2016", "agreement"),
        ("/ledger", "ledger"),
        ("/submit", "submit"),
    ):
        p.goto(path)
        assert p.locator("h1").count() == 1
        shot(p, name)
    p.set_viewport_size({"width": 390, "height": 844})
    p.goto("/")
    shot(p, "dashboard-phone")


def test_hostile_text_submitted_through_the_form_never_runs(page: Any) -> None:
    p: Any = page
    log_in(p, "analyst")
    for payload in (
        "<script>window.__xss=1</script>",
        "<img src=x onerror=window.__xss=2>",
        "<svg onload=window.__xss=3>",
        "\"><iframe srcdoc='<script>parent.__xss=4</script>'>",
    ):
        p.goto("/submit")
        p.get_by_label("Report text").fill(
            "Idlib, 9 January 2017 - Government artillery shelled Saraqib "
            f"{payload} killing 2 civilians."
        )
        p.get_by_label("Source (who reported it)").fill(f"SOHR {payload}")
        p.get_by_role("button", name="Submit", exact=True).click()
        p.wait_for_load_state()
        assert p.evaluate("window.__xss === undefined")
    for path in (
        "/review",
        "/incidents?start=2017-01-09&end=2017-01-09",
        "/?start=2017-01-01&end=2017-01-31",
    ):
        p.goto(path)
        p.wait_for_timeout(300)
        assert p.evaluate("window.__xss === undefined"), path
    p.goto("/review")
    shown = p.locator("article.report").filter(has_text="window.__xss=1").count()
    assert shown >= 1  # the text is there, as text
