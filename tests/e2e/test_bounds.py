"""Counts out of bounds over HTTP (issue 11, item 15): a liaison's structured report, by the API
and by the page's form, is refused with 422 naming the field, and the document stays stored as
failed with the reason, as every refused intake does."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import NewStore, Serve, Store
from truce.domain.access import OPERATIONS_CENTRE
from truce.domain.documents import DocumentStatus
from truce.services import load_scenario
from truce.services.demo import accounts, demo_password
from truce.services.principals import LOCAL_ADMINISTRATOR
from truce.services.tokens import issue_token

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

NOW = datetime(2017, 3, 1, tzinfo=UTC)
FIELDS = {
    "date_start": "2017-02-20",
    "location_name": "Daraa al-Balad",
    "admin1": "Dar'a",
    "lat": 32.615,
    "lon": 36.104,
    "sub_event_type": "Air/drone strike",
    "perpetrator": "Syrian Arab Air Force",
    "fatalities_best": 3,
}


@pytest.fixture(scope="module")
def store(new_store: NewStore) -> Iterator[Store]:
    with new_store("bounds") as made:
        with made.uow() as uow:
            load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
            accounts(uow, NOW, fixed_passwords=True)
            made.tokens["gov-liaison"] = issue_token(
                uow=uow, who=LOCAL_ADMINISTRATOR, user="gov-liaison", now=datetime.now(UTC)
            )
        yield made


@pytest.fixture(scope="module")
def client(store: Store, serve: Serve) -> Iterator[TestClient]:
    with serve(store) as served:
        yield served.client


def _failed_documents(store: Store) -> list[str]:
    with store.uow() as uow:
        found = uow.listing.list(status=DocumentStatus.FAILED, limit=100)
    return [str(d["status_detail"] or "") for d in found]


@pytest.mark.parametrize(
    ("wrong", "field"),
    [
        ({"fatalities_best": 10**30}, "fatalities_best"),
        ({"fatalities_best": 100_001}, "fatalities_best"),
        ({"location_precision": 8}, "location_precision"),
        ({"lat": 90.5}, "lat"),
        ({"date_start": "1017-02-20"}, "date_start"),
    ],
)
def test_the_api_refuses_a_structured_report_out_of_bounds_naming_the_field(
    client: TestClient, store: Store, wrong: dict[str, Any], field: str
) -> None:
    bearer = {"Authorization": f"Bearer {store.tokens['gov-liaison']}"}
    answer = client.post("/api/reports", json=FIELDS | wrong, headers=bearer)
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == field
    assert any(field in detail for detail in _failed_documents(store))


def test_the_api_takes_the_largest_count_allowed(client: TestClient, store: Store) -> None:
    bearer = {"Authorization": f"Bearer {store.tokens['gov-liaison']}"}
    answer = client.post("/api/reports", json=FIELDS | {"fatalities_best": 100_000}, headers=bearer)
    assert answer.status_code == 201, answer.text


def _csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def test_the_page_refuses_a_death_toll_out_of_bounds_and_keeps_what_was_typed(
    client: TestClient,
) -> None:
    login = {"user": "gov-liaison", "password": demo_password("gov-liaison")}
    client.post("/login", data=login | {"csrf": _csrf(client, "/login")})
    typed = {k: str(v) for k, v in FIELDS.items()} | {"csrf": _csrf(client, "/submit")}
    for toll in ("9999999999", "100001"):
        answer = client.post("/submit/structured", data=typed | {"fatalities_best": toll})
        assert answer.status_code == 422, answer.text
        shown = html.unescape(answer.text)
        assert "fatalities_best" in shown and "100000" in shown
        assert f'value="{toll}"' in shown and 'value="Daraa al-Balad"' in shown
    client.post("/logout", data={"csrf": _csrf(client, "/")})
