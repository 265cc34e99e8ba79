"""Accounts and sessions over HTTP (issue 11, items 12-14): sessions kept in the store end on
log-out, on a new password and on deactivation, whoever replays the cookie and on every app
over the database; they expire when idle and after a fixed time; failed log-ins are limited
per user name and address and per address, behind proxies only as far as they are trusted;
API tokens expire and can be revoked; passwords must be long and hard to guess."""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from tests.conftest import NewStore, Serve, Store
from truce.app import create_app
from truce.config import Settings
from truce.domain.access import OPERATIONS_CENTRE
from truce.services import load_scenario
from truce.services.demo import accounts, demo_password
from truce.services.principals import LOCAL_ADMINISTRATOR
from truce.services.tokens import issue_token, token_id
from truce.store import tables

with warnings.catch_warnings():  # starlette.testclient warns on import that httpx is deprecated
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

NOW = datetime(2017, 3, 1, tzinfo=UTC)
STRONG = "copper kettle winter harbour"
SESSION = "truce_session"


@pytest.fixture(scope="module")
def template(new_store: NewStore) -> Iterator[Store]:
    """The scenario and the demo accounts with their fixed passwords; never changed."""
    with new_store("accounts") as made:
        with made.uow() as uow:
            load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
            accounts(uow, NOW, fixed_passwords=True)
        made.engine.dispose()
        yield made


@pytest.fixture
def store(new_store: NewStore, template: Store) -> Iterator[Store]:
    """A copy of the template for one test, which may change it."""
    with new_store("accounts-copy", copy_of=template) as made:
        yield made


def _client(app: FastAPI, *, peer: str = "testclient", cookie: str | None = None) -> TestClient:
    """A browser of its own on `app`: its own cookie jar, from the address `peer`."""
    cookies = {SESSION: cookie} if cookie else None
    return TestClient(app, client=(peer, 50000), cookies=cookies)


@contextmanager
def _app(store: Store, **settings: Any) -> Iterator[FastAPI]:
    """An app over the store with an engine of its own, as another server worker has."""
    app = create_app(Settings(database_url=store.url, **settings), keyring=store.keyring)
    try:
        yield app
    finally:
        app.state.truce.engine.dispose()


def _csrf(client: TestClient, path: str = "/login") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def _log_in(client: TestClient, user: str, password: str | None = None) -> int:
    answer = client.post(
        "/login",
        data={"user": user, "password": password or demo_password(user), "csrf": _csrf(client)},
        follow_redirects=False,
    )
    return answer.status_code


def _session_of(client: TestClient) -> str:
    cookie = client.cookies.get(SESSION)
    assert cookie, "no session cookie"
    return cookie


def _who(client: TestClient) -> str | None:
    """The user a page is shown to (None: the public)."""
    found = re.search(r"<span>([^<]+) · [a-z_]+ of ", client.get("/ledger").text)
    return found.group(1) if found else None


def _set_password(
    admin: TestClient, user: str, password: str, again: str | None = None
) -> httpx.Response:
    return admin.post(
        f"/admin/accounts/{user}/password",
        data={"password": password, "again": again or password, "csrf": _csrf(admin, "/")},
        follow_redirects=False,
    )


# --- sessions end when they should -----------------------------------------------------------


def test_a_captured_cookie_opens_nothing_after_log_out(store: Store) -> None:
    with _app(store) as app:
        browser = _client(app)
        assert _log_in(browser, "analyst") == 303
        captured = _session_of(browser)
        assert _who(_client(app, cookie=captured)) == "analyst"  # the copy works while logged in
        browser.post("/logout", data={"csrf": _csrf(browser, "/")})
        assert _who(browser) is None
        replayed = _client(app, cookie=captured)
        assert _who(replayed) is None
        assert replayed.post("/submit", data={"csrf": "x", "text": "t"}).status_code == 403


def test_a_new_password_ends_the_users_sessions(store: Store) -> None:
    with _app(store) as app:
        victim = _client(app)
        assert _log_in(victim, "analyst") == 303
        captured = _session_of(victim)
        chair = _client(app)
        assert _log_in(chair, "chair") == 303
        answer = _set_password(chair, "analyst", STRONG)
        assert answer.status_code == 303, answer.text
        assert _who(_client(app, cookie=captured)) is None
        assert _who(victim) is None
        assert _log_in(_client(app), "analyst") == 401  # the old password is gone
        assert _log_in(_client(app), "analyst", STRONG) == 303
        assert _who(chair) == "chair"  # the administrator's own session goes on


def test_deactivation_ends_sessions_and_tokens_and_log_ins(store: Store) -> None:
    with store.uow() as uow:
        token = issue_token(uow=uow, who=LOCAL_ADMINISTRATOR, user="analyst", now=datetime.now(UTC))
    bearer = {"Authorization": f"Bearer {token}"}
    with _app(store) as app:
        victim = _client(app)
        assert _log_in(victim, "analyst") == 303
        captured = _session_of(victim)
        assert victim.get("/api/review-queue", headers=bearer).status_code == 200
        chair = _client(app)
        assert _log_in(chair, "chair") == 303
        done = chair.post(
            "/admin/accounts/analyst/deactivate",
            data={"csrf": _csrf(chair, "/")},
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert _who(_client(app, cookie=captured)) is None
        assert _client(app).get("/api/review-queue", headers=bearer).status_code == 401
        assert _log_in(_client(app), "analyst") == 401
        page = chair.get("/admin/accounts").text
        assert re.search(r"analyst</td>.*?deactivated", page.split('id="user-analyst"')[1], re.S)
    with store.uow() as uow:
        (row,) = uow.tokens.all("analyst")
        assert row.revoked_at is not None


def test_two_apps_over_one_database_share_sessions_and_log_out(store: Store) -> None:
    with _app(store) as first, _app(store) as second:
        browser = _client(first)
        assert _log_in(browser, "analyst") == 303
        captured = _session_of(browser)
        elsewhere = _client(second, cookie=captured)
        assert _who(elsewhere) == "analyst"
        # A form on the second worker takes the session's CSRF token from the first.
        token = _csrf(browser, "/submit")
        assert token == _csrf(elsewhere, "/submit")
        elsewhere.post("/logout", data={"csrf": token})
        assert _who(browser) is None


def test_sessions_expire_when_idle_and_after_a_fixed_time(store: Store) -> None:
    with _app(store, session_idle_minutes=30, session_hours=8) as app:
        idle, old = _client(app), _client(app)
        assert _log_in(idle, "analyst") == 303 and _log_in(old, "chair") == 303
        now = datetime.now(UTC)
        sessions = tables.sessions
        with store.engine.begin() as connection:
            connection.execute(
                update(sessions)
                .where(sessions.c.user_id == "analyst")
                .values(last_seen_at=now - timedelta(minutes=31))
            )
            # Used a minute ago, but opened 8 hours ago: over the absolute limit.
            connection.execute(
                update(sessions)
                .where(sessions.c.user_id == "chair")
                .values(
                    created_at=now - timedelta(hours=8, minutes=1),
                    expires_at=now - timedelta(minutes=1),
                    last_seen_at=now - timedelta(minutes=1),
                )
            )
        assert _who(idle) is None and _who(old) is None
        fresh = _client(app)
        assert _log_in(fresh, "analyst") == 303
        mine = sessions.c.id == hashlib.sha256(_session_of(fresh).encode()).hexdigest()
        with store.engine.begin() as connection:  # 29 minutes idle: still on, and seen anew
            connection.execute(
                update(sessions).where(mine).values(last_seen_at=now - timedelta(minutes=29))
            )
        assert _who(fresh) == "analyst"
        with store.engine.connect() as connection:
            seen = connection.execute(select(sessions.c.last_seen_at).where(mine)).scalar_one()
        assert seen > now - timedelta(minutes=1)


def test_the_cookie_holds_a_random_secret_and_the_store_only_its_hash(store: Store) -> None:
    with _app(store, secure_cookies=True) as app:
        browser = TestClient(app, base_url="https://testserver")
        login = browser.post(
            "/login",
            data={"user": "chair", "password": demo_password("chair"), "csrf": _csrf(browser)},
            follow_redirects=False,
        )
        assert login.status_code == 303
        cookie = next(c for c in login.headers.get_list("set-cookie") if c.startswith(SESSION))
        flags = cookie.lower()
        assert "httponly" in flags and "samesite=strict" in flags and "secure" in flags
        secret = _session_of(browser)
        assert "chair" not in secret and len(secret) >= 43
    with store.engine.connect() as connection:
        stored = connection.execute(select(tables.sessions)).all()
    assert [r.user_id for r in stored] == ["chair"]
    assert stored[0].id != secret and len(stored[0].id) == 64


def test_a_visitor_logs_in_with_a_csrf_token_of_their_own(store: Store) -> None:
    with _app(store) as app:
        visitor = _client(app)
        home = visitor.get("/")
        assert "truce_csrf" in home.headers.get("set-cookie", "")
        token = _csrf(visitor, "/login")
        assert token == _csrf(visitor, "/login")  # the same while the browser runs
        # A cross-site post carries a token it read nowhere: without the visitor's cookie, or
        # with another token, the log-in is refused before the password is looked at.
        forged = _client(app).post(
            "/login", data={"user": "analyst", "password": demo_password("analyst"), "csrf": token}
        )
        assert forged.status_code == 403
        assert _log_in(visitor, "analyst") == 303
        # Once logged in, the forms carry the session's token, not the visitor's.
        assert _csrf(visitor, "/") != token


# --- log-in limits -------------------------------------------------------------------------


def _fail(client: TestClient, user: str, **headers: str) -> int:
    answer = client.post(
        "/login",
        data={"user": user, "password": "not the password", "csrf": _csrf(client)},
        headers=headers,
    )
    return answer.status_code


def test_a_forged_x_forwarded_for_does_not_bypass_the_limit(store: Store) -> None:
    with _app(store) as app:
        attacker = _client(app, peer="203.0.113.7")
        for k in range(5):
            assert _fail(attacker, "tr-officer", **{"X-Forwarded-For": f"198.51.100.{k}"}) == 401
        forged = {"X-Forwarded-For": "198.51.100.99"}
        assert _fail(attacker, "tr-officer", **forged) == 429
        right = attacker.post(
            "/login",
            data={
                "user": "tr-officer",
                "password": demo_password("tr-officer"),
                "csrf": _csrf(attacker),
            },
            headers=forged,
        )
        assert right.status_code == 429
        # Another address is not blocked for that user.
        assert _log_in(_client(app, peer="203.0.113.8"), "tr-officer") == 303


def test_a_trusted_proxys_forwarded_address_is_honoured(store: Store) -> None:
    with _app(store, trusted_proxies=("10.0.0.0/8",)) as app:
        proxy = _client(app, peer="10.0.0.2")
        for _ in range(5):
            assert _fail(proxy, "ru-officer", **{"X-Forwarded-For": "203.0.113.7"}) == 401
        assert _fail(proxy, "ru-officer", **{"X-Forwarded-For": "203.0.113.7"}) == 429
        # The client behind the proxy that wrote its own entry first is still 203.0.113.7.
        forged = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
        assert _fail(proxy, "ru-officer", **forged) == 429
        # Another client behind the same proxy is another address.
        assert (
            proxy.post(
                "/login",
                data={
                    "user": "ru-officer",
                    "password": demo_password("ru-officer"),
                    "csrf": _csrf(proxy),
                },
                headers={"X-Forwarded-For": "203.0.113.8"},
                follow_redirects=False,
            ).status_code
            == 303
        )
        # A peer outside the trusted block is not believed.
        outsider = _client(app, peer="192.0.2.1")
        for k in range(5):
            assert _fail(outsider, "ir-officer", **{"X-Forwarded-For": f"203.0.113.{k}"}) == 401
        assert _fail(outsider, "ir-officer", **{"X-Forwarded-For": "203.0.113.50"}) == 429


@pytest.mark.slow  # 25 log-ins, each hashing a password
def test_guessing_across_25_user_names_from_one_address_is_stopped(store: Store) -> None:
    with _app(store) as first, _app(store) as second:
        attacker = _client(first, peer="203.0.113.9")
        answers = [_fail(attacker, f"user-{k}") for k in range(25)]
        assert answers[:20] == [401] * 20 and set(answers[20:]) == {429}
        # The limit is in the store: another worker refuses the address too, even with a
        # right password, and lets another address in.
        other_worker = _client(second, peer="203.0.113.9")
        assert _log_in(other_worker, "analyst") == 429
        assert _log_in(_client(second, peer="203.0.113.10"), "analyst") == 303


# --- the administrator's page and passwords ------------------------------------------------


def test_only_an_administrator_may_use_the_accounts_page(store: Store) -> None:
    with _app(store) as app:
        analyst = _client(app)
        assert _log_in(analyst, "analyst") == 303
        assert analyst.get("/admin/accounts").status_code == 403
        refused = _set_password(analyst, "chair", STRONG)
        assert refused.status_code == 403
        assert _client(app).get("/admin/accounts").status_code == 403
        assert _log_in(_client(app), "chair") == 303  # the chair's password did not change


WEAK = [
    ("short1!", "at least 12 characters"),
    ("password1234", "very common password"),
    ("aaaaaaaaaaaaaaaa", "too easy to guess"),
    ("analystanalyst!", "Avoid repeated words"),  # the user's own name, twice
    ("trucetruce2017", "too easy to guess"),
]


def test_weak_passwords_are_refused_naming_the_field(store: Store) -> None:
    with _app(store) as app:
        chair = _client(app)
        assert _log_in(chair, "chair") == 303
        for password, said in WEAK:
            answer = _set_password(chair, "analyst", password)
            assert answer.status_code == 422, password
            text = answer.text
            assert "password:" in text and said in text, text
            assert password not in text  # the page does not echo what was typed
        mismatch = _set_password(chair, "analyst", STRONG, STRONG + "!")
        assert mismatch.status_code == 422
        assert "again: the two passwords differ" in mismatch.text
        assert _log_in(_client(app), "analyst") == 303  # the password is unchanged


# --- API tokens ------------------------------------------------------------------------------


def test_an_expired_token_is_refused(store: Store, serve: Serve) -> None:
    now = datetime.now(UTC)
    with store.uow() as uow:
        old = issue_token(
            uow=uow, who=LOCAL_ADMINISTRATOR, user="analyst", now=now - timedelta(days=8), days=7
        )
        fresh = issue_token(uow=uow, who=LOCAL_ADMINISTRATOR, user="analyst", now=now, days=7)
    with serve(store) as served:
        client = served.client
        expired = client.get("/api/review-queue", headers={"Authorization": f"Bearer {old}"})
        assert expired.status_code == 401 and "expired" in expired.json()["detail"]
        live = client.get("/api/review-queue", headers={"Authorization": f"Bearer {fresh}"})
        assert live.status_code == 200


def test_tokens_are_revoked_by_their_owner_or_an_administrator(store: Store, serve: Serve) -> None:
    now = datetime.now(UTC)
    with store.uow() as uow:
        made = {
            name: issue_token(uow=uow, who=LOCAL_ADMINISTRATOR, user=user, now=now, name=name)
            for name, user in [
                ("analyst-1", "analyst"),
                ("analyst-2", "analyst"),
                ("chair", "chair"),
                ("observer", "us-observer"),
            ]
        }

    def bearer(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {made[name]}"}

    with serve(store) as served:
        client = served.client
        # Someone else's token: refused, and it still works.
        other = client.delete(
            f"/api/tokens/{token_id(made['observer'])}", headers=bearer("analyst-1")
        )
        assert other.status_code == 403
        assert client.get("/api/incidents", headers=bearer("observer")).status_code == 200
        # One's own token (another of one's own, here): revoked, then refused everywhere.
        own = client.delete(
            f"/api/tokens/{token_id(made['analyst-2'])}", headers=bearer("analyst-1")
        )
        assert own.status_code == 200 and own.json()["revoked_at"]
        assert client.get("/api/incidents", headers=bearer("analyst-2")).status_code == 401
        # An administrator revokes anyone's; twice is 404 (nothing left to revoke).
        path = f"/api/tokens/{token_id(made['observer'])}"
        assert client.delete(path, headers=bearer("chair")).status_code == 200
        assert client.delete(path, headers=bearer("chair")).status_code == 404
        assert client.get("/api/incidents", headers=bearer("observer")).status_code == 401
        # The public may revoke nothing.
        assert client.delete(f"/api/tokens/{token_id(made['chair'])}").status_code == 403
