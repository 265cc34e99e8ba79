"""The pages' defences, over HTTP: CSRF tokens, log-in rate limits, and hostile report
content rendered inert in the HTML (the browser test checks that none of it runs)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from truce.api.app import create_app
from truce.config import Settings
from truce.services import load_scenario
from truce.services.demo import accounts, demo_password
from truce.store.database import make_engine, migrate
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

NOW = datetime(2017, 3, 1, tzinfo=UTC)
# Thirty-odd ways to smuggle script into a page, each tagged so the test can find it again.
PAYLOADS = [
    "<script>window.__xss=1</script>", "<img src=x onerror=window.__xss=2>", "<svg onload=window.__xss=3>",
    "<iframe srcdoc='<script>parent.__xss=4</script>'></iframe>", "<a href=javascript:window.__xss=5>x</a>",
    "<body onload=window.__xss=6>", "<details open ontoggle=window.__xss=7>", "<input autofocus onfocus=window.__xss=8>",
    "<video><source onerror=window.__xss=9></video>", "<math><mtext><script>window.__xss=10</script>",
    "\"><script>window.__xss=11</script>", "'><img src=x onerror=window.__xss=12>", "</textarea><script>window.__xss=13</script>",
    "</title><script>window.__xss=14</script>", "<scr<script>ipt>window.__xss=15</script>",
    "<ScRiPt>window.__xss=16</ScRiPt>", "<img src=\"x\" onerror=\"window.__xss=17\">", "<svg><script>window.__xss=18</script></svg>",
    "<object data=javascript:window.__xss=19>", "<embed src=javascript:window.__xss=20>",
    "<style>@import 'javascript:window.__xss=21'</style>", "<meta http-equiv=refresh content='0;url=javascript:window.__xss=22'>",
    "<form action=javascript:window.__xss=23><button>x</button></form>", "<isindex action=javascript:window.__xss=24>",
    "{{7*7}}<b>__tmpl25</b>", "${7*7}<i>__tmpl26</i>", "<!--<img src=x onerror=window.__xss=27>-->",
    "<img src=x onerror=&#119;indow.__xss=28>", "%3Cscript%3Ewindow.__xss=29%3C/script%3E",
    "<marquee onstart=window.__xss=30>", "</script><script>window.__xss=31</script>", "<base href=javascript:/__xss32/>",
    "<link rel=import href=data:text/html,<script>window.__xss=33</script>>",
]  # fmt: skip


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("pages")
    url = f"sqlite:///{tmp / 'truce.db'}"
    engine = make_engine(url)
    migrate(engine)
    keyring = Keyring(tmp / "keys")
    with UnitOfWork(engine, keyring) as uow:
        load_scenario(uow=uow, name="astana-2016")
        accounts(uow, NOW)
    with TestClient(
        create_app(Settings(database_url=url), engine=engine, keyring=keyring)
    ) as test_client:
        yield test_client
    engine.dispose()


def _csrf(client: TestClient, path: str = "/login") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def _log_in(client: TestClient, user: str) -> None:
    answer = client.post("/login", data={"user": user, "password": demo_password(user), "csrf": _csrf(client)},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303, answer.text


def test_every_form_post_without_the_token_is_refused(client: TestClient) -> None:
    _log_in(client, "analyst")
    for path, data in (("/submit", {"text": "x"}), ("/logout", {}), ("/review/rep_x", {"action": "accept"}),
                       ("/cases/case_x/reply", {"kind": "acknowledged", "text": "x"}),
                       ("/cases/case_x/review", {"vote": "confirm"}), ("/login", {"user": "a", "password": "b"})):  # fmt: skip
        for token in (None, "forged"):
            answer = client.post(path, data=data | ({"csrf": token} if token else {}))
            assert answer.status_code == 403, (path, token, answer.status_code)
            assert "CSRF" in answer.text
    client.post("/logout", data={"csrf": _csrf(client, "/")})


def test_failed_log_ins_are_rate_limited(client: TestClient) -> None:
    for _ in range(5):
        wrong = client.post(
            "/login",
            data={"user": "tr-officer", "password": "not it at all", "csrf": _csrf(client)},
        )
        assert wrong.status_code == 401
    blocked = client.post("/login", data={"user": "tr-officer", "password": demo_password("tr-officer"),
                                          "csrf": _csrf(client)})  # fmt: skip
    assert blocked.status_code == 429  # even the right password waits out the window
    assert client.post("/login", data={"user": "ir-officer", "password": demo_password("ir-officer"),
                                       "csrf": _csrf(client)}, follow_redirects=False).status_code == 303  # fmt: skip


def test_the_session_cookie_is_http_only_and_same_site(client: TestClient) -> None:
    answer = client.post("/login", data={"user": "chair", "password": demo_password("chair"), "csrf": _csrf(client)},
                         follow_redirects=False)  # fmt: skip
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    client.post("/logout", data={"csrf": _csrf(client, "/")})


def test_hostile_report_content_is_escaped_on_every_page(client: TestClient) -> None:
    _log_in(client, "analyst")
    token = _csrf(client, "/submit")
    for k, payload in enumerate(PAYLOADS):
        text = (f"Idlib, 9 January 2017 - Government artillery shelled Saraqib {payload} at dawn, killing {k % 5 + 1} "
                "civilians, a monitor said.")  # fmt: skip
        answer = client.post(
            "/submit", data={"text": text, "source": f"SOHR {payload}", "csrf": token}
        )
        assert answer.status_code == 200, answer.text
    pages = [client.get("/review").text, client.get("/incidents").text, client.get("/").text]
    incident_ids = re.findall(r'href="/incidents/(inc_[0-9a-f]+)"', pages[1])
    pages += [client.get(f"/incidents/{i}").text for i in incident_ids[:40]]
    body = "\n".join(pages)
    for payload in PAYLOADS:
        if "<" in payload:
            # Nowhere in the HTML as markup; where it shows, it shows escaped.
            assert payload not in body, payload
    assert html.escape("<script>window.__xss=1</script>", quote=False) in body
    for snippet in ("__tmpl25</b>", "__tmpl26</i>"):
        at = body.find(snippet)
        assert at < 0, body[max(0, at - 300) : at + 50]
    assert "{{7*7}}" in html.unescape(body)  # shown as typed, not evaluated
    client.post("/logout", data={"csrf": _csrf(client, "/")})


def test_upload_names_with_paths_are_refused_on_the_page(client: TestClient) -> None:
    _log_in(client, "analyst")
    token = _csrf(client, "/submit")
    for name in ("../../etc/passwd", "a/../b.txt", "/abs/path.txt"):
        answer = client.post(
            "/submit", data={"csrf": token}, files={"file": (name, b"Some text.", "text/plain")}
        )
        assert answer.status_code == 403, name
    client.post("/logout", data={"csrf": _csrf(client, "/")})


def test_static_assets_are_served_locally(client: TestClient) -> None:
    page = client.get("/").text
    for src in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        assert client.get(src).status_code == 200, src
    assert "http://" not in page.split("<main")[0] and "https://" not in page.split("<main")[0]
    assert (
        Path(__file__)
        .parents[2]
        .joinpath("src/truce/web/static/vendor/countries-50m.json")
        .exists()
    )
