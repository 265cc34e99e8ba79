"""Protected sources stay protected on every surface (issue 11, items 2-4), over HTTP as each
role: a report from an open source that quotes the witness ("Witness WB‑1 said ...", with a
non-breaking hyphen) is redacted like the witness's own; the ledger bundle every member may
download carries no file name, review note or raw document hash; and outsiders see a keyed
document identifier, never the SHA-256 of the submitted bytes."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import NewStore, Serve, Served, Store
from truce.domain.redaction import PROTECTED, mentions
from truce.services.ledger import verify_bundle

WITNESS = ("Witness WB-1", "WB-1")
VILLAGE = "Hazzeh"
LAT, LON = 33.5123, 36.3456  # the exact place: never shown to others
OUTSIDERS = ["gov-liaison", "opp-liaison", "us-observer", "ru-officer", None]
QUOTE = f"Witness WB\u20111 said artillery shelled the market of {VILLAGE} at dawn."
FILENAME = "WB-1 statement from Hazzeh.txt"
FILE_TEXT = (
    f"{VILLAGE}, 11 January 2017. Witness WB1 told the monitoring team that government "
    f"artillery shelled the market of {VILLAGE} at dawn today, killing three civilians."
).encode()
REASON = "WB-1 confirmed the shelling by phone to the analyst"


@dataclass
class Scene:
    served: Served
    quoting: str  # the open source's report that quotes the witness
    incident: str
    raw: list[str]  # raw SHA-256 of the documents submitted


def _leaks(text: str) -> list[str]:
    found = [n for n in ("WB-1", "WB\u20111", "WB1", VILLAGE, str(LAT), str(LON)) if n in text]
    if mentions(text, WITNESS):
        found.append("a variant of WB-1")
    return found


@pytest.fixture(scope="module")
def scene(demo_store: Store, new_store: NewStore, serve: Serve) -> Iterator[Scene]:
    with new_store("quoted", copy_of=demo_store) as store, serve(store) as served:
        liaison = served.auth("gov-liaison")
        made = served.client.post(
            "/api/reports",
            headers=liaison,
            json={
                "date_start": "2017-01-11",
                "location_name": VILLAGE,
                "admin1": "Rural Damascus",
                "lat": LAT,
                "lon": LON,
                "event_type": "Explosions/Remote violence",
                "fatalities_best": 3,
                "notes": QUOTE,
                "source": "SOHR",
            },
        )
        assert made.status_code == 201, made.text
        quoting = made.json()["id"]
        uploaded = served.client.post(
            "/api/reports/file",
            headers=liaison,
            files={"file": (FILENAME, FILE_TEXT, "text/plain")},
        )
        assert uploaded.status_code in (201, 202), uploaded.text
        analyst = served.auth("analyst")
        shown = served.client.get(f"/api/reports/{quoting}", headers=analyst).json()
        reviewed = served.client.post(
            f"/api/reports/{quoting}/review",
            headers=analyst,
            json={"action": "accept", "reason": REASON},
        )
        assert reviewed.status_code == 200, reviewed.text
        with store.uow() as uow:
            (incident,) = uow.incidents.holding([quoting])
        raw = [shown["document_id"], hashlib.sha256(FILE_TEXT).hexdigest()]
        yield Scene(served, quoting, incident, raw)


def test_the_analyst_sees_everything(scene: Scene) -> None:
    """The control: the analyst sees the witness, the village, the place and the raw hash."""
    answer = scene.served.client.get(
        f"/api/reports/{scene.quoting}", headers=scene.served.auth("analyst")
    )
    report = answer.json()
    assert report["notes"] == QUOTE and report["lat"] == LAT
    assert report["document_id"] == scene.raw[0]
    assert len(scene.raw[0]) == 64


def _surfaces(scene: Scene) -> dict[str, str]:
    return {
        "report": f"/api/reports/{scene.quoting}",
        "list": "/api/incidents?limit=500",
        "incident": f"/api/incidents/{scene.incident}",
        "acled": "/api/exports/acled",
        "geojson": "/api/exports/geojson",
        "page": f"/incidents/{scene.incident}",
    }


@pytest.mark.parametrize("user", OUTSIDERS, ids=lambda u: u or "public")
def test_a_report_quoting_the_witness_is_redacted_everywhere(
    scene: Scene, user: str | None
) -> None:
    headers = scene.served.auth(user)
    for name, path in _surfaces(scene).items():
        answer = scene.served.client.get(path, headers=headers)
        assert answer.status_code == 200, (name, answer.text)
        assert _leaks(answer.text) == [], (name, _leaks(answer.text))
        for raw in scene.raw:
            assert raw not in answer.text and raw[:16] not in answer.text, (name, raw)
    report = scene.served.client.get(_surfaces(scene)["report"], headers=headers).json()
    assert report["notes"].startswith(PROTECTED)
    assert (report["lat"], report["lon"]) == (round(LAT, 1), round(LON, 1))
    assert report["document_id"].startswith("doc_")
    assert [s["name"] for s in report["sources"]] == ["SOHR"]  # the open source still named
    incident = scene.served.client.get(f"/api/incidents/{scene.incident}", headers=headers)
    shown = incident.json()["incident"]
    assert (shown["lat"], shown["lon"]) == (round(shown["lat"], 1), round(shown["lon"], 1))


def test_the_incidents_public_place_is_coarse_in_the_store(scene: Scene) -> None:
    """The place the public filters act on (incidents.public_lat/lon) is coarsened too."""
    answer = scene.served.client.get(
        "/api/incidents",
        params={"bbox": f"{LON - 0.001},{LAT - 0.001},{LON + 0.001},{LAT + 0.001}"},
    )
    assert scene.incident not in [i["id"] for i in answer.json()["items"]]


def _bundle(served: Served, user: str) -> str:
    answer = served.client.get("/api/ledger/bundle", headers=served.auth(user))
    assert answer.status_code == 200, answer.text
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        return "\n".join(archive.read(n).decode() for n in archive.namelist())


@pytest.mark.parametrize("user", ["us-observer", "gov-liaison", "opp-liaison"])
def test_the_ledger_bundle_carries_no_free_text_and_no_raw_hash(scene: Scene, user: str) -> None:
    text = _bundle(scene.served, user)
    assert FILENAME not in text and "statement from" not in text
    assert REASON not in text and "by phone" not in text
    assert _leaks(text) == []
    for raw in scene.raw:
        assert raw not in text
    # The entries file holds one JSON object per line; the other files are indented JSON.
    entries = [json.loads(line)["entry"] for line in text.splitlines() if line.startswith('{"')]
    received = [e for e in entries if e["act"] == "document.receive"]
    assert received and all(e["objects"][0].startswith("doc_") for e in received)


def test_the_bundle_still_verifies(scene: Scene, tmp_path: Path) -> None:
    answer = scene.served.client.get("/api/ledger/bundle", headers=scene.served.auth("analyst"))
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        archive.extractall(tmp_path)
    result = verify_bundle(tmp_path / "truce-ledger")
    assert result.ok, result.problems
