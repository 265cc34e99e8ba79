"""The REST API end to end: a store set up as the demo does, users with tokens, real requests."""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.conftest import NewStore, Serve, Store

if TYPE_CHECKING:  # starlette.testclient warns on import (httpx is deprecated there)
    from fastapi.testclient import TestClient


@dataclass
class Api:
    client: TestClient
    tokens: dict[str, str]
    url: str

    def as_(self, user: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}


@pytest.fixture(scope="module")
def api(new_store: NewStore, demo_store: Store, serve: Serve) -> Iterator[Api]:
    """The app over a copy of the demo store, for this module's tests to change."""
    with (
        new_store("api", copy_of=demo_store) as store,
        serve(store, max_document_bytes=1 << 20) as served,
    ):
        yield Api(served.client, store.tokens, store.url)


def test_the_incident_list_filters_and_pages_without_gaps_or_repeats(api: Api) -> None:
    everything = api.client.get("/api/incidents", params={"limit": 500}).json()["items"]
    assert len(everything) >= 70
    seen, cursor = [], None
    while True:
        page = api.client.get(
            "/api/incidents", params={"limit": 7, **({"cursor": cursor} if cursor else {})}
        ).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [i["id"] for i in everything]  # newest first, every incident once
    idlib = api.client.get("/api/incidents", params={"governorate": "Idleb", "limit": 500}).json()[
        "items"
    ]
    assert idlib and all(i["admin1"] == "Idleb" for i in idlib) and len(idlib) < len(everything)
    serious = api.client.get(
        "/api/incidents", params={"finding": "violation_serious", "side": "government"}
    ).json()
    assert all(
        i["finding"] == "violation_serious" and i["responsible_side"] == "government"
        for i in serious["items"]
    )
    box = api.client.get(
        "/api/incidents", params={"bbox": "36.0,33.5,36.3,33.8", "limit": 500}
    ).json()["items"]
    assert box and all(36.0 <= i["lon"] <= 36.3 and 33.5 <= i["lat"] <= 33.8 for i in box)
    waiting = api.client.get(
        "/api/incidents", params={"case_state": "awaiting_reply", "limit": 500}
    ).json()
    assert waiting["items"] and all(i["case_state"] == "awaiting_reply" for i in waiting["items"])


def test_an_incident_shows_its_provenance_and_protects_the_witness(api: Api) -> None:
    items = api.client.get(
        "/api/incidents",
        params={"start": "2017-01-10", "end": "2017-01-10", "limit": 500},
        headers=api.as_("analyst"),
    ).json()["items"]
    witness = [i for i in items if i["location_name"] == "Ain al-Fijah"]
    assert witness, items
    incident_id = witness[0]["id"]
    analyst = api.client.get(f"/api/incidents/{incident_id}", headers=api.as_("analyst")).json()
    assert any(s["name"] == "Witness WB-1" for r in analyst["reports"] for s in r["sources"])
    claims = analyst["incident"]["claims"]
    assert all(
        c["report_ids"] for values in claims.values() for c in values
    )  # every value names its reports
    public = api.client.get(f"/api/incidents/{incident_id}")
    assert public.status_code == 200
    assert "WB-1" not in public.text and "Ain al-Fijah" not in public.text
    assert public.json()["incident"]["location_precision"] >= 3


def test_a_guarantor_replies_and_an_observer_cannot(api: Api) -> None:
    inbox = api.client.get(
        "/api/cases", params={"inbox": True}, headers=api.as_("ru-officer")
    ).json()["items"]
    assert inbox and all("russia" in c["answerable"] for c in inbox)
    case_id = inbox[0]["id"]
    refused = api.client.post(
        f"/api/cases/{case_id}/reply",
        json={"kind": "acknowledged", "text": "noted"},
        headers=api.as_("us-observer"),
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["status"] == 403 and "observer of usa" in refused.json()["detail"]
    done = api.client.post(
        f"/api/cases/{case_id}/reply",
        json={"kind": "information_requested", "text": "Send the coordinates."},
        headers=api.as_("ru-officer"),
    )
    assert done.status_code == 200, done.text
    again = api.client.post(
        f"/api/cases/{case_id}/reply",
        json={"kind": "acknowledged", "text": "x"},
        headers=api.as_("ru-officer"),
    )
    assert again.status_code == 409 and "already replied" in again.json()["detail"]
    timeline = api.client.get(f"/api/cases/{case_id}", headers=api.as_("us-observer")).json()
    assert [e["action"] for e in timeline["timeline"]][-1] == "reply"
    # Unpublished, the case shows the public only that it exists and its state.
    public = api.client.get(f"/api/cases/{case_id}").json()
    assert (public["timeline"], public["case"]["replies"]) == ([], [])
    assert public["case"]["state"] == "awaiting_reply" and public["case"]["whole"] is False


def test_an_analyst_corrects_a_field_and_the_incident_follows(api: Api) -> None:
    queue = api.client.get("/api/review-queue", headers=api.as_("analyst")).json()["items"]
    report = next(r for r in queue if r["fatalities_best"] is not None)
    corrected = api.client.post(
        f"/api/reports/{report['id']}/review",
        headers=api.as_("analyst"),
        json={
            "action": "correct",
            "field": "fatalities_best",
            "value": report["fatalities_best"] + 10,
            "reason": "hospital list",
        },
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["status"] == "corrected"
    found = api.client.get("/api/incidents", params={"limit": 500}).json()["items"]
    incident = next(
        i
        for i in found
        if i["date_start"] == report["date_start"]
        and api.client.get(f"/api/incidents/{i['id']}", headers=api.as_("analyst"))
        .json()["incident"]["report_ids"]
        .count(report["id"])
    )
    detail = api.client.get(f"/api/incidents/{incident['id']}", headers=api.as_("analyst")).json()
    values = {c["value"] for c in detail["incident"]["claims"]["fatalities"]}
    assert report["fatalities_best"] + 10 in values
    assert (
        api.client.post(
            f"/api/reports/{report['id']}/review", json={"action": "reject"}
        ).status_code
        == 403
    )


def test_submitting_text_as_a_liaison_and_errors_as_problem_details(api: Api) -> None:
    text = (
        "Daraa, 20 February 2017 (Orient News) - Regime helicopters dropped two barrel bombs on "
        "the Daraa al-Balad district today, killing three civilians, activists said."
    )
    made = api.client.post(
        "/api/reports/text",
        json={"text": text, "source": "Orient News"},
        headers=api.as_("opp-liaison"),
    )
    assert made.status_code == 201, made.text
    assert made.json()["reports"]
    public = api.client.post("/api/reports/text", json={"text": text})
    assert public.status_code == 403
    empty = api.client.post("/api/reports/text", json={"text": ""}, headers=api.as_("analyst"))
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "text"
    assert (
        api.client.get("/api/incidents", params={"grade": "C9"}).json()["errors"][0]["field"]
        == "grade"
    )
    assert api.client.get("/api/incidents/inc_nope").status_code == 404
    assert (
        api.client.get("/api/incidents", headers={"Authorization": "Bearer trc_nope"}).status_code
        == 401
    )


def test_ledger_zones_members_and_the_schema(api: Api) -> None:
    checkpoint = api.client.post("/api/ledger/checkpoints", headers=api.as_("chair"))
    assert checkpoint.status_code == 201, checkpoint.text
    made = checkpoint.json()
    # Signed by the log operator alone; the guarantors witness it from their own machines.
    assert made["cosignatures"] == [] and made["cosigned"] is False
    assert made["note"].startswith(f"truce.local/ledger\n{made['size']}\n")
    proof = api.client.get("/api/ledger/proofs/5", headers=api.as_("us-observer")).json()
    assert proof["seq"] == 5 and proof["checkpoint"] == 0
    assert (
        api.client.get("/api/ledger/proofs/5").status_code == 403
    )  # the public does not read the ledger
    zones = api.client.get("/api/agreements/astana-2016/zones").json()
    assert zones["type"] == "FeatureCollection"
    assert {
        f["properties"]["valid_from"]
        for f in zones["features"]
        if f["properties"]["kind"] == "de_escalation"
    } == {"2017-05-06"}
    members = api.client.get("/api/members").json()["items"]
    assert {m["id"] for m in members} >= {"russia", "iran", "turkey", "un"}
    assert api.client.get("/api/openapi.json").json()["openapi"].startswith("3.1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow  # starts `truce serve` as a process
def test_truce_serve_answers_over_http(api: Api, tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
    env |= {"TRUCE_DATABASE_URL": api.url, "TRUCE_KEYS_DIR": str(tmp_path / "keys")}
    server = subprocess.Popen(
        [sys.executable, "-m", "truce", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                answer = httpx.get(
                    f"http://127.0.0.1:{port}/api/incidents", params={"limit": 3}, timeout=2
                )
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("truce serve did not answer")
        assert answer.status_code == 200 and len(answer.json()["items"]) == 3
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_structured_report_is_kept_validated_and_fused(api: Api) -> None:
    fields = {
        "date_start": "2017-02-20",
        "location_name": "Daraa al-Balad",
        "admin1": "Dar'a",
        "lat": 32.615,
        "lon": 36.104,
        "location_precision": 1,
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "perpetrator": "Syrian Arab Air Force",
        "target": "Civilians (Syria)",
        "fatalities_best": 3,
        "source": "Syria Civil Defence",
        "notes": "Barrel bombs hit a market in Daraa al-Balad.",
    }
    made = api.client.post("/api/reports", json=fields, headers=api.as_("gov-liaison"))
    assert made.status_code == 201, made.text
    report = made.json()
    assert report["sub_event_type"] == "Air/drone strike" and report["document_id"]
    near = api.client.get(
        "/api/incidents", params={"start": "2017-02-13", "end": "2017-02-27", "limit": 500}
    )
    holders = [
        i
        for i in near.json()["items"]
        if report["id"]
        in api.client.get(f"/api/incidents/{i['id']}").json()["incident"]["report_ids"]
    ]
    assert len(holders) == 1  # fused into an incident on arrival
    wrong = api.client.post(
        "/api/reports",
        json=fields | {"sub_event_type": "Armed clash"},
        headers=api.as_("gov-liaison"),
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "sub_event_type"
    missing = api.client.post(
        "/api/reports", json={"location_name": "x"}, headers=api.as_("gov-liaison")
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "date_start"


def test_exports_hide_protected_sources_from_the_public_and_the_bundle_verifies(
    api: Api, tmp_path: Path
) -> None:
    import io
    import zipfile

    from truce.services.ledger import verify_bundle

    public = api.client.get("/api/exports/acled")
    assert public.status_code == 200 and public.headers["content-type"].startswith("text/csv")
    assert "Witness WB-1" not in public.text and "protected source" in public.text
    analyst = api.client.get("/api/exports/geojson", headers=api.as_("analyst"))
    assert analyst.json()["type"] == "FeatureCollection"
    assert api.client.get("/api/exports/nonsense").status_code == 400
    bundle = api.client.get("/api/ledger/bundle", headers=api.as_("chair"))
    assert bundle.status_code == 200
    zipfile.ZipFile(io.BytesIO(bundle.content)).extractall(tmp_path)
    result = verify_bundle(tmp_path / "truce-ledger")
    assert result.ok, result.problems[:3]
    assert result.entries > 100


def test_the_zone_filter_keeps_incidents_inside_the_zone(api: Api) -> None:
    from shapely.geometry import Point, shape

    zones = api.client.get("/api/agreements/astana-2016/zones").json()["features"]
    ghouta = shape(next(f for f in zones if f["id"] == "dez-eastern-ghouta")["geometry"])
    inside = api.client.get(
        "/api/incidents", params={"zone": "dez-eastern-ghouta", "limit": 500}
    ).json()["items"]
    everything = api.client.get("/api/incidents", params={"limit": 500}).json()["items"]
    expected = {
        i["id"]
        for i in everything
        if i["lat"] is not None and ghouta.covers(Point(i["lon"], i["lat"]))
    }
    assert inside and {i["id"] for i in inside} == expected
    unknown = api.client.get("/api/incidents", params={"zone": "atlantis"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "zone"


def test_the_export_keeps_to_its_dates_and_governorate(api: Api) -> None:
    def features(**params: str) -> list[dict[str, Any]]:
        answer = api.client.get("/api/exports/geojson", params=params, headers=api.as_("analyst"))
        assert answer.status_code == 200, answer.text
        found: list[dict[str, Any]] = answer.json()["features"]
        return [f["properties"] for f in found]

    everything = features()
    january = features(start="2017-01-01", end="2017-01-31")
    assert january and len(january) < len(everything)
    assert all(r["date_start"] <= "2017-01-31" and r["date_end"] >= "2017-01-01" for r in january)
    idlib = features(governorate="idleb")
    assert idlib and len(idlib) < len(everything)
    assert all(r["admin1"] == "Idleb" for r in idlib)
    both = features(start="2017-01-01", end="2017-01-31", governorate="Idleb")
    assert {r["id"] for r in both} == {r["id"] for r in january} & {r["id"] for r in idlib}
    acled = api.client.get("/api/exports/acled", params={"governorate": "Idleb"})
    rows = list(csv.DictReader(io.StringIO(acled.text)))
    assert len(rows) == len(idlib) and {r["admin1"] for r in rows} == {"Idleb"}


def test_the_agreement_is_the_servers_unless_the_request_names_one(api: Api) -> None:
    counts = api.client.get("/api/stats/counts").json()
    assert counts["agreement"] == "astana-2016" and counts["total"] > 0
    assert counts["counts"].startswith("incidents judged a violation")
    other = api.client.get("/api/stats/counts", params={"agreement": "no-such-agreement"}).json()
    assert other["agreement"] == "no-such-agreement" and other["total"] == 0
