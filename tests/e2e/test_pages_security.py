"""The pages' defences, over HTTP: CSRF tokens on every form post, log-in rate limits, hostile
report content rendered inert in the HTML (the browser test checks that none of it runs),
upload names and sizes answered as the API answers them, and forms that keep what was typed
when it cannot be read."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from tests.conftest import NewStore, Serve, Store
from truce.domain.access import OPERATIONS_CENTRE
from truce.services import load_scenario
from truce.services.demo import accounts, demo_password
from truce.services.passwords import hash_password, verify_password
from truce.services.principals import LOCAL_ADMINISTRATOR
from truce.services.tokens import issue_token

if TYPE_CHECKING:  # starlette.testclient warns on import (httpx is deprecated there)
    from fastapi.testclient import TestClient

NOW = datetime(2017, 3, 1, tzinfo=UTC)
# Made by argon2-cffi 25.1 (PasswordHasher's defaults: m=64 MiB, t=3, p=4), which hashed the
# pages' passwords before libsodium (PyNaCl) did: a stored hash of then must still verify.
ARGON2_CFFI_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$BtuVETRLgi8A4HmAaSkssw"
    "$ozB6Hm1oM/2NYW+haE5UdEkjhRq39QdfY6qNZF0S31s"
)
ARGON2_CFFI_PASSWORD = "correct horse battery staple"
LIMIT = 4096  # TRUCE_MAX_DOCUMENT_BYTES for the tests of oversize uploads
# Thirty-odd ways to smuggle script into a page, each tagged so the test can find it again.
PAYLOADS = [
    "<script>window.__xss=1</script>",
    "<img src=x onerror=window.__xss=2>",
    "<svg onload=window.__xss=3>",
    "<iframe srcdoc='<script>parent.__xss=4</script>'></iframe>",
    "<a href=javascript:window.__xss=5>x</a>",
    "<body onload=window.__xss=6>",
    "<details open ontoggle=window.__xss=7>",
    "<input autofocus onfocus=window.__xss=8>",
    "<video><source onerror=window.__xss=9></video>",
    "<math><mtext><script>window.__xss=10</script>",
    '"><script>window.__xss=11</script>',
    "'><img src=x onerror=window.__xss=12>",
    "</textarea><script>window.__xss=13</script>",
    "</title><script>window.__xss=14</script>",
    "<scr<script>ipt>window.__xss=15</script>",
    "<ScRiPt>window.__xss=16</ScRiPt>",
    '<img src="x" onerror="window.__xss=17">',
    "<svg><script>window.__xss=18</script></svg>",
    "<object data=javascript:window.__xss=19>",
    "<embed src=javascript:window.__xss=20>",
    "<style>@import 'javascript:window.__xss=21'</style>",
    "<meta http-equiv=refresh content='0;url=javascript:window.__xss=22'>",
    "<form action=javascript:window.__xss=23><button>x</button></form>",
    "<isindex action=javascript:window.__xss=24>",
    "{{7*7}}<b>__tmpl25</b>",
    "${7*7}<i>__tmpl26</i>",
    "<!--<img src=x onerror=window.__xss=27>-->",
    "<img src=x onerror=&#119;indow.__xss=28>",
    "%3Cscript%3Ewindow.__xss=29%3C/script%3E",
    "<marquee onstart=window.__xss=30>",
    "</script><script>window.__xss=31</script>",
    "<base href=javascript:/__xss32/>",
    "<link rel=import href=data:text/html,<script>window.__xss=33</script>>",
]


@pytest.fixture(scope="module")
def store(new_store: NewStore) -> Iterator[Store]:
    """The scenario and the demo accounts, no reports: the tests here bring their own."""
    with new_store("pages") as made:
        with made.uow() as uow:
            load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
            accounts(uow, NOW, fixed_passwords=True)
        yield made


@pytest.fixture(scope="module")
def client(store: Store, serve: Serve) -> Iterator[TestClient]:
    with serve(store) as served:
        yield served.client


@pytest.fixture(scope="module")
def small(store: Store, serve: Serve) -> Iterator[TestClient]:
    """The same store served with a small document limit, for oversize uploads."""
    with serve(store, max_document_bytes=LIMIT) as served:
        yield served.client


def _csrf(client: TestClient, path: str = "/login") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def _log_in(client: TestClient, user: str) -> None:
    answer = client.post(
        "/login",
        data={"user": user, "password": demo_password(user), "csrf": _csrf(client)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def _form_posts(client: TestClient) -> list[str]:
    """Every page route that takes a post, with its path parameters filled in. (FastAPI keeps
    included routers nested in `app.routes`; `iter_route_contexts` walks them.)"""
    app = client.app
    assert isinstance(app, FastAPI)
    return sorted(
        re.sub(r"\{[^}]+\}", "x", route.path)
        for route in iter_route_contexts(app.routes)
        if route.path and "POST" in (route.methods or ()) and not route.path.startswith("/api")
    )


def test_every_form_post_without_the_token_is_refused(client: TestClient) -> None:
    posts = _form_posts(client)
    assert {"/login", "/logout", "/submit", "/submit/structured", "/review/x"} <= set(posts)
    _log_in(client, "analyst")
    for path in posts:
        for token in (None, "forged"):
            answer = client.post(path, data={"csrf": token} if token else {})
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
    blocked = client.post(
        "/login",
        data={"user": "tr-officer", "password": demo_password("tr-officer"), "csrf": _csrf(client)},
    )
    assert blocked.status_code == 429  # even the right password waits out the window
    assert (
        client.post(
            "/login",
            data={
                "user": "ir-officer",
                "password": demo_password("ir-officer"),
                "csrf": _csrf(client),
            },
            follow_redirects=False,
        ).status_code
        == 303
    )


def test_a_password_hashed_by_argon2_cffi_still_logs_in(client: TestClient, store: Store) -> None:
    assert verify_password(ARGON2_CFFI_HASH, ARGON2_CFFI_PASSWORD)
    assert not verify_password(ARGON2_CFFI_HASH, "correct horse battery stapler")
    assert not verify_password("not a hash", ARGON2_CFFI_PASSWORD)
    assert hash_password("a new password").startswith("$argon2id$v=19$m=65536,t=3,p=1$")
    with store.uow() as uow:
        uow.users.set_password_hash("us-observer", ARGON2_CFFI_HASH)
        uow.commit()
    login = {"user": "us-observer", "csrf": _csrf(client)}
    wrong = client.post("/login", data=login | {"password": "correct horse battery stapler"})
    assert wrong.status_code == 401
    right = client.post(
        "/login", data=login | {"password": ARGON2_CFFI_PASSWORD}, follow_redirects=False
    )
    assert right.status_code == 303, right.text
    client.post("/logout", data={"csrf": _csrf(client, "/")})


def test_the_session_cookie_is_http_only_and_same_site(client: TestClient) -> None:
    answer = client.post(
        "/login",
        data={"user": "chair", "password": demo_password("chair"), "csrf": _csrf(client)},
        follow_redirects=False,
    )
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    client.post("/logout", data={"csrf": _csrf(client, "/")})


def test_hostile_report_content_is_escaped_on_every_page(client: TestClient) -> None:
    _log_in(client, "analyst")
    token = _csrf(client, "/submit")
    for k, payload in enumerate(PAYLOADS):
        text = (
            "Idlib, 9 January 2017 - Government artillery shelled Saraqib "
            f"{payload} at dawn, killing {k % 5 + 1} civilians, a monitor said."
        )
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


def _token(store: Store, user: str) -> dict[str, str]:
    with store.uow() as uow:
        token = issue_token(uow=uow, who=LOCAL_ADMINISTRATOR, user=user, now=datetime.now(UTC))
    return {"Authorization": f"Bearer {token}"}


BAD_NAMES = ("../../etc/passwd", "a/../b.txt", "/abs/path.txt")


def test_upload_names_with_paths_are_refused_on_the_page_as_in_the_api(
    client: TestClient, store: Store
) -> None:
    _log_in(client, "analyst")
    token, bearer = _csrf(client, "/submit"), _token(store, "analyst")
    for name in BAD_NAMES:
        upload = {"file": (name, b"Some text.", "text/plain")}
        page = client.post("/submit", data={"csrf": token}, files=upload)
        assert page.status_code == 400, (name, page.status_code)
        assert "refusing the file name" in page.text
        api = client.post("/api/reports/file", files=upload, headers=bearer)
        assert api.status_code == 400, (name, api.status_code)
    client.post("/logout", data={"csrf": _csrf(client, "/")})


def test_oversize_text_and_files_are_413_on_the_page_as_in_the_api(
    small: TestClient, store: Store
) -> None:
    _log_in(small, "analyst")
    token, bearer = _csrf(small, "/submit"), _token(store, "analyst")
    line = "Idlib, 9 January 2017 - Government artillery shelled Saraqib, a monitor said. "
    text = line * (LIMIT // len(line) + 1)
    for size in (len(text), 40 * LIMIT):  # just over; far over (past the form's own limit)
        over = (text * (size // len(text) + 1))[:size]
        page = small.post("/submit", data={"csrf": token, "text": over})
        assert page.status_code == 413, (size, page.status_code)
        upload = {"file": ("report.txt", over.encode(), "text/plain")}
        page = small.post("/submit", data={"csrf": token}, files=upload)
        assert page.status_code == 413, (size, page.status_code)
        api = small.post("/api/reports/file", files=upload, headers=bearer)
        assert api.status_code == 413, (size, api.status_code)
    api = small.post("/api/reports/text", json={"text": text}, headers=bearer)
    assert api.status_code == 413, api.text
    fits = small.post("/submit", data={"csrf": token, "text": line})
    assert fits.status_code == 200, fits.text
    small.post("/logout", data={"csrf": _csrf(small, "/")})


def test_a_review_value_that_is_not_a_number_is_422_and_keeps_what_was_typed(
    client: TestClient,
) -> None:
    _log_in(client, "analyst")
    token = _csrf(client, "/submit")
    text = "Hama, 3 February 2017 - Shelling on Kafr Zita killed 3 civilians, a monitor said."
    assert client.post("/submit", data={"csrf": token, "text": text}).status_code == 200
    report_id = re.findall(r'id="report-([^"]+)"', client.get("/review").text)[-1]
    typed = {"csrf": token, "action": "correct", "field": "fatalities_best", "reason": "list"}
    answer = client.post(f"/review/{report_id}", data=typed | {"value": "three"})
    assert answer.status_code == 422
    shown = html.unescape(answer.text)
    assert "'three' is not a whole number" in shown
    assert 'value="three"' in shown and 'value="list"' in shown  # as typed, in its form
    assert f'id="report-{report_id}"' in client.get("/review").text  # nothing was recorded
    done = client.post(f"/review/{report_id}", data=typed | {"value": "13"}, follow_redirects=False)
    assert done.status_code == 303
    client.post("/logout", data={"csrf": _csrf(client, "/")})


def test_structured_fields_that_cannot_be_read_are_422_and_keep_what_was_typed(
    client: TestClient,
) -> None:
    _log_in(client, "analyst")
    token = _csrf(client, "/submit")
    typed = {
        "csrf": token,
        "date_start": "2017-02-03",
        "location_name": "Kafr Zita",
        "sub_event_type": "Air/drone strike",
        "perpetrator": "Syrian Air Force",
    }
    for wrong, message in (
        ({"fatalities_best": "three"}, "'three' is not a whole number"),
        ({"date_start": "3 Feb"}, "'3 Feb' is not a day"),
    ):
        answer = client.post("/submit/structured", data=typed | wrong)
        assert answer.status_code == 422, answer.text
        shown = html.unescape(answer.text)
        assert message in shown
        assert 'value="Kafr Zita"' in shown and f'value="{next(iter(wrong.values()))}"' in shown
    made = client.post("/submit/structured", data=typed | {"fatalities_best": "2"})
    assert made.status_code == 200 and "Stored report" in made.text
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
