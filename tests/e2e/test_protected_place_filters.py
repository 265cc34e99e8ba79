"""A protected witness's exact place cannot be found through the API's place filters: a box
or a zone tests the place as the viewer may see it, coarsened for everyone but analysts.
The attack this stops: narrowing a box around one incident until it pins the exact place."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Serve, Store
from truce.domain.redaction import PROTECTED

ROLES = ["analyst", "chair", "ru-officer", "tr-officer", "gov-liaison", "us-observer", None]
EPSILON = 0.0002


def _witness_incident(store: Store) -> tuple[str, float, float]:
    """The demo's incident built on witness WB-1's report, with its exact place."""
    with store.uow() as uow:
        witness = [
            r.id
            for r in uow.reports.iter_current()
            if any(s.name == "Witness WB-1" for s in r.sources)
        ]
        (incident_id,) = uow.incidents.holding(witness)
        incident = uow.incidents.get(incident_id)
    assert incident.lat is not None and incident.lon is not None
    return incident.id, incident.lat, incident.lon


def _found(served: Any, user: str | None, box: tuple[float, ...]) -> list[dict[str, Any]]:
    params = {"bbox": ",".join(f"{x:.6f}" for x in box), "limit": "500"}
    answer = served.client.get("/api/incidents", params=params, headers=served.auth(user))
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


@pytest.mark.parametrize("user", ROLES, ids=lambda u: u or "public")
def test_a_box_around_the_exact_place_finds_it_only_for_analysts(
    demo_store: Store, serve: Serve, user: str | None
) -> None:
    incident_id, lat, lon = _witness_incident(demo_store)
    coarse_lat, coarse_lon = round(lat, 1), round(lon, 1)
    assert (coarse_lat, coarse_lon) != (lat, lon)  # else the test proves nothing
    exact = (lon - EPSILON, lat - EPSILON, lon + EPSILON, lat + EPSILON)
    coarse = (
        coarse_lon - EPSILON,
        coarse_lat - EPSILON,
        coarse_lon + EPSILON,
        coarse_lat + EPSILON,
    )
    with serve(demo_store) as served:
        at_exact = [i["id"] for i in _found(served, user, exact)]
        at_coarse = _found(served, user, coarse)
    if user == "analyst":
        assert incident_id in at_exact
        assert incident_id not in [i["id"] for i in at_coarse]
    else:
        assert incident_id not in at_exact
        (shown,) = [i for i in at_coarse if i["id"] == incident_id]
        assert (shown["lat"], shown["lon"]) == (coarse_lat, coarse_lon)


def test_narrowing_a_box_as_the_public_converges_on_the_coarse_cell(
    demo_store: Store, serve: Serve
) -> None:
    """The binary search of the attack: halve the box, keep the half that still holds the
    incident. As the public it ends on the tenth-of-a-degree cell, never the exact place."""
    incident_id, lat, lon = _witness_incident(demo_store)
    box = [35.0, 32.0, 43.0, 38.0]  # west, south, east, north: all Syria
    with serve(demo_store) as served:
        for step in range(40):
            axis = step % 2  # longitude, then latitude
            low, high = box[axis], box[axis + 2]
            middle = (low + high) / 2
            lower = [*box]
            lower[axis + 2] = middle
            ids = [i["id"] for i in _found(served, None, tuple(lower))]
            if incident_id in ids:
                box = lower
            else:
                box[axis] = middle
    west, south, east, north = box
    assert west <= round(lon, 1) <= east and south <= round(lat, 1) <= north
    assert not (west <= lon <= east and south <= lat <= north)


def test_the_protected_source_is_not_named_in_the_list(demo_store: Store, serve: Serve) -> None:
    incident_id, _, _ = _witness_incident(demo_store)
    with serve(demo_store) as served:
        answer = served.client.get(f"/api/incidents/{incident_id}")
    assert answer.status_code == 200
    assert "WB-1" not in answer.text
    assert PROTECTED in answer.text
