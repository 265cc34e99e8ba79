"""The log-in limit on a real server (issue 11, item 13): `truce serve` (uvicorn) started as a
process, attacked over a socket from 127.0.0.1 with a new forged X-Forwarded-For on every
guess. uvicorn believes that header from 127.0.0.1 unless told not to; Truce believes it only
from TRUCE_TRUSTED_PROXIES, so the guesses all count against the one address."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.conftest import NewStore
from tests.served import truce_serve
from truce.domain.access import OPERATIONS_CENTRE
from truce.services import load_scenario
from truce.services.demo import accounts, demo_password

pytestmark = pytest.mark.slow  # starts `truce serve` as a process


@pytest.fixture(scope="module")
def server(new_store: NewStore) -> Iterator[str]:
    with new_store("served") as store:
        with store.uow() as uow:
            load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
            accounts(uow, datetime.now(UTC), fixed_passwords=True)
        store.engine.dispose()
        settings = {
            "TRUCE_DATABASE_URL": store.url,
            "TRUCE_KEYS_DIR": str(Path(store.path).parent / "keys"),
            "FORWARDED_ALLOW_IPS": "*",  # uvicorn's own setting: its header handling is off
        }
        with truce_serve(settings, tries=200) as base:
            yield base


def _post_login(client: httpx.Client, user: str, password: str, forged: str) -> int:
    page = client.get("/login", headers={"X-Forwarded-For": forged}).text
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    answer = client.post(
        "/login",
        data={"user": user, "password": password, "csrf": found.group(1)},
        headers={"X-Forwarded-For": forged},
    )
    return answer.status_code


def test_a_forged_forwarded_address_per_guess_does_not_reset_the_limit(server: str) -> None:
    with httpx.Client(base_url=server, follow_redirects=False, timeout=30) as client:
        guesses = [
            _post_login(client, "tr-officer", f"guess number {k}", f"198.51.100.{k}")
            for k in range(5)
        ]
        assert guesses == [401] * 5
        right = _post_login(client, "tr-officer", demo_password("tr-officer"), "198.51.100.77")
        assert right == 429
