"""Upload file names (issue 11, item 17): one rule (`truce.domain.filenames`) for the API and
the submit page alike. The same bad names, sent as a browser or curl would send them, are
refused by both with 400 and the same message, and nothing is stored; a name in Arabic
script is taken by both."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from tests.conftest import NewStore, Serve, Store
from truce.domain.access import OPERATIONS_CENTRE
from truce.services import load_scenario
from truce.services.demo import accounts, demo_password
from truce.services.principals import LOCAL_ADMINISTRATOR
from truce.services.tokens import issue_token

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

NOW = datetime(2017, 3, 1, tzinfo=UTC)
BOUNDARY = "truce-test-boundary"
BAD_NAMES = [
    "a\x00b.txt",  # NUL
    "report\n.txt",  # line feed
    "report\r\nX-Forged: 1.txt",  # a line break that would forge a log line or a header
    "report\u2028.txt",  # line separator
    "gnp.\u202etxt",  # right-to-left override: shows as "txt.png"
    "in\u200bvisible.txt",  # zero-width space
    "x" * 300 + ".txt",
    "../../etc/passwd",
    "..",
    "a\\b.txt",
    ".htaccess",
    " ",
]  # (an empty name is how a browser sends "no file chosen": the page reads the text box)
TEXT = b"Idlib, 9 January 2017 - Government artillery shelled Saraqib, a monitor said."


@pytest.fixture(scope="module")
def store(new_store: NewStore) -> Iterator[Store]:
    with new_store("names") as made:
        with made.uow() as uow:
            load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
            accounts(uow, NOW, fixed_passwords=True)
            made.tokens["analyst"] = issue_token(
                uow=uow, who=LOCAL_ADMINISTRATOR, user="analyst", now=datetime.now(UTC)
            )
        yield made


@pytest.fixture(scope="module")
def client(store: Store, serve: Serve) -> Iterator[TestClient]:
    with serve(store) as served:
        yield served.client


def _csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def _multipart(name: str, fields: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    """A multipart body with the file name as raw UTF-8, unescaped, as a hand-made request
    (curl, a script) sends it: httpx would percent-escape control characters."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
    parts.append(head.encode() + b"Content-Type: text/plain\r\n\r\n" + TEXT + b"\r\n")
    body = b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def _documents(store: Store) -> int:
    with store.uow() as uow:
        return uow.documents.count()


@pytest.fixture
def logged_in(client: TestClient) -> Iterator[str]:
    login = {"user": "analyst", "password": demo_password("analyst")}
    client.post("/login", data=login | {"csrf": _csrf(client, "/login")})
    yield _csrf(client, "/submit")
    client.post("/logout", data={"csrf": _csrf(client, "/")})


@pytest.mark.parametrize("name", BAD_NAMES, ids=repr)
def test_a_bad_name_is_refused_alike_by_the_api_and_the_page_and_nothing_is_stored(
    client: TestClient, store: Store, logged_in: str, name: str
) -> None:
    bearer = {"Authorization": f"Bearer {store.tokens['analyst']}"}
    before = _documents(store)
    sent = [
        (_multipart(name, {}), _multipart(name, {"csrf": logged_in})),  # raw, as curl sends
    ]
    if name.strip():  # httpx sends an empty name as no file at all
        upload = {"file": (name, TEXT, "text/plain")}  # as httpx (and browsers) escape it
        sent.append(((upload, {}), (upload, {"csrf": logged_in})))
    for (api_body, api_headers), (page_body, page_headers) in sent:
        if isinstance(api_body, bytes):
            api = client.post("/api/reports/file", content=api_body, headers=api_headers | bearer)
            page = client.post("/submit", content=page_body, headers=page_headers)
        else:
            api = client.post("/api/reports/file", files=api_body, headers=bearer)
            page = client.post("/submit", files=page_body, data=page_headers)
        assert api.status_code == 400, (name, api.status_code, api.text)
        assert page.status_code == 400, (name, page.status_code)
        message = api.json()["detail"]
        assert html.unescape(page.text).count(message) == 1, (name, message)
    assert _documents(store) == before


def test_a_plain_name_in_any_script_is_taken_by_both(
    client: TestClient, store: Store, logged_in: str
) -> None:
    bearer = {"Authorization": f"Bearer {store.tokens['analyst']}"}
    for k, name in enumerate(("تقرير إدلب.txt", "Résumé (2).txt")):
        body = TEXT + f" Copy {k}.".encode()
        api = client.post(
            "/api/reports/file", files={"file": (name, body, "text/plain")}, headers=bearer
        )
        assert api.status_code == 201, api.text
        page = client.post(
            "/submit",
            files={"file": (name, body + b" Again.", "text/plain")},
            data={"csrf": logged_in},
        )
        assert page.status_code == 200, page.text
