"""`truce incidents export` as a user runs it: the sample data set and a protected witness's
statement taken in, fused and judged, then exported as GeoJSON, CSV and JSON with date and
area filters, for the operations centre and for a member of the public."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from truce import scenarios
from truce.cli import cli

SCENARIO = scenarios.load("astana-2016")
WITNESS = next(r for r in SCENARIO.sample_reports if r["source"] == "Witness WB-1")

Truce = Callable[..., Result]


@pytest.fixture(scope="module")
def truce(tmp_path_factory: pytest.TempPathFactory) -> Truce:
    """`truce` on a store holding the sample data set, the witness's statement, and a
    member of the public."""
    folder = tmp_path_factory.mktemp("incident-export")
    database = f"sqlite:///{folder / 'truce.db'}"

    def run(*args: str) -> Result:
        result = CliRunner().invoke(cli, ["--database", database, *args])
        assert result.exit_code == 0, result.output + result.stderr
        return result

    sample = folder / "sample_acled.csv"
    sample.write_bytes(SCENARIO.sample_acled)
    statement = folder / "witness.json"
    statement.write_text(
        json.dumps(
            {k: WITNESS[k] for k in ("title", "text", "source")}
            | {"published": WITNESS["published"]}
        )
    )
    run("scenario", "load", "astana-2016")
    run("import", "acled", str(sample))
    run("ingest", str(statement))
    run("members", "add-user", "visitor", "--member", "un", "--role", "public")
    return run


def _csv(result: Result) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_the_three_formats_hold_the_same_incidents(truce: Truce) -> None:
    geojson = truce("incidents", "export", "--format", "geojson")
    rows = _csv(truce("incidents", "export", "--format", "csv"))
    plain = json.loads(truce("incidents", "export", "--format", "json").stdout)
    features = json.loads(geojson.stdout)["features"]
    assert len(features) == len(rows) == len(plain) >= 70
    assert geojson.stderr.strip() == f"{len(rows)} incident(s) written"
    assert [f["id"] for f in features] == [r["id"] for r in rows] == [p["id"] for p in plain]
    days = [r["date_start"] for r in rows]
    assert days == sorted(days, reverse=True)  # newest first
    judged = [p for p in plain if p["finding"]]
    assert judged and all(p["reason"] and p["occurrence"] and p["attribution"] for p in judged)
    assert any(p["case_state"] is None for p in plain)  # no case opened yet
    assert all(p["report_ids"] and p["report_ids"][0].startswith("rep_") for p in plain)
    assert all(
        f["geometry"]["coordinates"] == [p["lon"], p["lat"]]
        for f, p in zip(features, plain, strict=True)
    )


def test_date_and_area_filters_are_honoured(truce: Truce) -> None:
    everything = _csv(truce("incidents", "export", "--format", "csv"))
    day = _csv(
        truce(
            "incidents", "export", "--format", "csv", "--from", "2017-01-09", "--to", "2017-01-09"
        )
    )
    assert day and {r["date_start"] for r in day} == {"2017-01-09"}
    assert len(day) == sum(r["date_start"] == "2017-01-09" for r in everything)
    idleb = _csv(truce("incidents", "export", "--format", "csv", "--governorate", "Idleb"))
    assert idleb and {r["admin1"] for r in idleb} == {"Idleb"}
    box = (36.0, 33.3, 36.5, 33.8)  # west, south, east, north: around Wadi Barada
    inside = _csv(
        truce("incidents", "export", "--format", "csv", "--bbox", ",".join(map(str, box)))
    )
    expected = [r for r in everything if r["lat"] and _within(r, box)]
    assert inside and [r["id"] for r in inside] == [r["id"] for r in expected]


def _within(row: dict[str, Any], box: tuple[float, ...]) -> bool:
    lat, lon = float(row["lat"]), float(row["lon"])
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def test_out_writes_the_file_whole_and_says_where(truce: Truce, tmp_path: Path) -> None:
    out = tmp_path / "incidents.geojson"
    result = truce("incidents", "export", "--format", "geojson", "--out", str(out))
    count = len(json.loads(out.read_text(encoding="utf-8"))["features"])
    assert result.stdout.strip() == f"{count} incident(s) written to {out}"
    assert [p.name for p in tmp_path.iterdir()] == ["incidents.geojson"]  # no .part left


def test_the_public_sees_the_protected_witness_incident_coarsened(truce: Truce) -> None:
    analyst = {r["id"]: r for r in _csv(truce("incidents", "export", "--format", "csv"))}
    public = {
        r["id"]: r for r in _csv(truce("--as", "visitor", "incidents", "export", "--format", "csv"))
    }
    assert analyst.keys() == public.keys()
    changed = [i for i in analyst if analyst[i] != public[i]]
    assert len(changed) == 1, changed
    exact, coarse = analyst[changed[0]], public[changed[0]]
    assert exact["location_name"] == "Ain al-Fijah" and coarse["location_name"] != "Ain al-Fijah"
    assert coarse["location_precision"] == "3"
    assert coarse["lat"] == str(round(float(exact["lat"]), 1))
    assert coarse["report_ids"] == exact["report_ids"] and coarse["finding"] == exact["finding"]


def test_a_bad_box_is_one_error_line_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    database = f"sqlite:///{tmp_path / 'truce.db'}"
    args = ["--database", database, "incidents", "export", "--format", "csv", "--out", str(out)]
    reversed_box = CliRunner().invoke(cli, [*args, "--bbox", "40,30,35,36"])
    assert reversed_box.exit_code == 2
    assert reversed_box.stderr == "truce: error: bbox is west,south,east,north\n"
    not_a_box = CliRunner().invoke(cli, [*args, "--bbox", "40,30"])
    assert not_a_box.exit_code == 2 and "WEST,SOUTH,EAST,NORTH" in not_a_box.stderr
    assert not out.exists() and not list(tmp_path.glob("*.part"))
