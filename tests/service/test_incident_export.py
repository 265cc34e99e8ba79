"""Incident export: the three writers on hand-made rows, and the rows read from a real store
page by page (SQLite and PostgreSQL), with the date and area filters."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert

from truce.domain.access import Principal, Role
from truce.domain.errors import InputRejected, ValidationFailed
from truce.services import incident_export
from truce.services.incident_export import (
    COLUMNS,
    ExportRow,
    export_incidents,
    incident_rows,
    write_csv,
    write_geojson,
    write_json,
)
from truce.store import tables as t
from truce.store.uow import UnitOfWork

AGREEMENT = "astana-2016"
ANALYST = Principal("analyst", "un", Role.ANALYST)
PUBLIC = Principal("anonymous", "un", Role.PUBLIC)
NOW = datetime(2017, 4, 1, tzinfo=UTC)
START = date(2017, 3, 1)
GOVERNORATES = ("Idleb", "Aleppo", "Rural Damascus")


def _row(**changes: Any) -> ExportRow:
    values: dict[str, Any] = {
        "id": "inc_1",
        "date_start": date(2017, 1, 9),
        "date_end": date(2017, 1, 10),
        "location_name": "Basimah",
        "admin1": "Rural Damascus",
        "lat": 33.596,
        "lon": 36.201,
        "location_precision": 1,
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "fatalities_best": 4,
        "finding": "contested_exclusion",
        "responsible_side": "government",
        "reason": 'fighters were hit, but "JFS" were present, near Ain al-Fijah (عين الفيجة)',
        "occurrence": "C4",
        "attribution": "acknowledged",
        "case_id": "case_1",
        "case_state": "published",
        "report_ids": ("rep_a", "rep_b"),
    }
    return ExportRow(**(values | changes))


PLACED = _row()
UNPLACED = _row(
    id="inc_2",
    lat=None,
    lon=None,
    location_name=None,
    finding=None,
    responsible_side=None,
    reason=None,
    occurrence=None,
    attribution=None,
    case_id=None,
    case_state=None,
    report_ids=("rep_c",),
)


def test_csv_has_a_header_and_a_line_per_incident_that_reads_back() -> None:
    out = io.StringIO()
    assert write_csv([PLACED, UNPLACED], out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == COLUMNS
    assert rows[0]["reason"] == PLACED.reason
    assert rows[0]["report_ids"] == "rep_a;rep_b"
    assert (rows[0]["lat"], rows[0]["date_end"]) == ("33.596", "2017-01-10")
    assert rows[1]["finding"] == "" and rows[1]["lat"] == "" and rows[1]["report_ids"] == "rep_c"


def test_json_is_one_array_of_the_rows_one_per_line() -> None:
    out = io.StringIO()
    assert write_json([PLACED, UNPLACED], out) == 2
    text = out.getvalue()
    assert json.loads(text) == [PLACED.to_plain(), UNPLACED.to_plain()]
    assert len(text.splitlines()) == 4  # "[", a line per incident, "]"
    assert "عين الفيجة" in text  # written as it is, not escaped


def test_geojson_is_an_rfc_7946_feature_collection() -> None:
    out = io.StringIO()
    assert write_geojson([PLACED, UNPLACED], out) == 2
    collection = json.loads(out.getvalue())
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    placed, unplaced = collection["features"]
    assert placed["type"] == "Feature" and placed["id"] == "inc_1"
    assert placed["geometry"] == {"type": "Point", "coordinates": [36.201, 33.596]}  # lon, lat
    assert placed["properties"]["report_ids"] == ["rep_a", "rep_b"]
    assert "lat" not in placed["properties"] and "lon" not in placed["properties"]
    assert placed["properties"]["case_state"] == "published"
    assert unplaced["geometry"] is None


@pytest.mark.parametrize("write", [write_csv, write_json, write_geojson])
def test_nothing_to_write_is_still_a_valid_document(write: Any) -> None:
    out = io.StringIO()
    assert write(iter(()), out) == 0
    if write is write_csv:
        assert out.getvalue().splitlines() == [",".join(COLUMNS)]
    elif write is write_json:
        assert json.loads(out.getvalue()) == []
    else:
        assert json.loads(out.getvalue()) == {"type": "FeatureCollection", "features": []}


def _fill(engine: Engine, count: int) -> list[dict[str, Any]]:
    """`count` incidents, most assessed, written straight into the tables."""
    rng = random.Random(5)
    incidents, findings = [], []
    for k in range(count):
        day = START + timedelta(days=rng.randrange(31))
        lat, lon = 32.5 + rng.random() * 4.5, 35.8 + rng.random() * 6.0
        gov = rng.choice(GOVERNORATES)
        incident_id = f"inc_{k:012x}"
        body = {
            "id": incident_id,
            "report_ids": [f"rep_{k:012x}", f"rep_{k:012x}b"],
            "date_start": day.isoformat(),
            "date_end": day.isoformat(),
            "date_precision": "day",
            "admin1": gov,
            "lat": lat,
            "lon": lon,
            "location_precision": 1,
            "claims": {},
        }
        incidents.append(
            {
                "id": incident_id,
                "date_start": day,
                "admin1": gov,
                "lat": lat,
                "lon": lon,
                "public_lat": lat,
                "public_lon": lon,
                "updated_at": NOW,
                "body": body,
            }
        )
        if k % 10 == 0:
            continue  # never assessed
        finding = {
            "incident_id": incident_id,
            "agreement_id": AGREEMENT,
            "category": "violation_minor",
            "responsible_side": "opposition",
            "occurrence": "C2",
            "attribution": "likely",
            "reasons": [f"reason of {incident_id}\nsecond line", "another reason"],
            "assessed_at": NOW.isoformat(),
        }
        findings.append(
            {
                "incident_id": incident_id,
                "agreement_id": AGREEMENT,
                "category": "violation_minor",
                "responsible_side": "opposition",
                "occurrence": "C2",
                "attribution": "likely",
                "current": True,
                "actor": "test",
                "reason": None,
                "assessed_at": NOW,
                "body": finding,
            }
        )
    with engine.begin() as connection:
        connection.execute(insert(t.incidents), incidents)
        connection.execute(insert(t.findings), findings)
    return incidents


def test_rows_come_page_by_page_newest_first_each_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = _fill(engine, 1203)
    pages: list[int] = []
    real = incident_export.list_incidents

    def counted(**kwargs: Any) -> Any:
        pages.append(kwargs["limit"])
        return real(**kwargs)

    monkeypatch.setattr(incident_export, "list_incidents", counted)
    with UnitOfWork(engine) as uow:
        rows = incident_rows(uow=uow, who=ANALYST, agreement_id=AGREEMENT, page_size=100)
        first = next(rows)
        assert pages == [100]  # the first page only: rows are read as they are asked for
        found = [first, *rows]
    assert len(pages) == 13 and set(pages) == {100}
    assert [r.id for r in found] == [
        i["id"] for i in sorted(held, key=lambda i: (i["date_start"], i["id"]), reverse=True)
    ]
    assessed = next(r for r in found if r.finding is not None)
    assert assessed.reason == f"reason of {assessed.id}"  # the first line of the first reason
    assert (assessed.occurrence, assessed.attribution) == ("C2", "likely")
    assert assessed.report_ids == (f"rep_{assessed.id[4:]}", f"rep_{assessed.id[4:]}b")
    unassessed = next(r for r in found if r.finding is None)
    assert unassessed.reason is None and unassessed.occurrence is None


def test_date_governorate_and_box_filters_keep_exactly_the_matches(engine: Engine) -> None:
    held = _fill(engine, 600)
    start, end, box = date(2017, 3, 5), date(2017, 3, 20), (36.0, 33.0, 38.0, 35.5)
    with UnitOfWork(engine) as uow:
        found = list(
            incident_rows(
                uow=uow,
                who=PUBLIC,
                agreement_id=AGREEMENT,
                start=start,
                end=end,
                governorate="Idleb",
                bbox=box,
                page_size=7,
            )
        )
    expected = {
        i["id"]
        for i in held
        if start <= i["date_start"] <= end
        and i["admin1"] == "Idleb"
        and box[0] <= i["lon"] <= box[2]
        and box[1] <= i["lat"] <= box[3]
    }
    assert expected and {r.id for r in found} == expected and len(found) == len(expected)


def test_a_bad_format_or_box_is_refused_before_anything_is_written(engine: Engine) -> None:
    _fill(engine, 3)
    out = io.StringIO()
    with UnitOfWork(engine) as uow:
        with pytest.raises(InputRejected, match="geojson, csv, json"):
            export_incidents(uow=uow, who=ANALYST, fmt="xlsx", out=out, agreement_id=AGREEMENT)
        with pytest.raises(ValidationFailed, match="west,south,east,north"):
            export_incidents(
                uow=uow,
                who=ANALYST,
                fmt="csv",
                out=out,
                agreement_id=AGREEMENT,
                bbox=(40.0, 30.0, 35.0, 36.0),
            )
        assert out.getvalue() == ""
        assert (
            export_incidents(uow=uow, who=ANALYST, fmt="csv", out=out, agreement_id=AGREEMENT) == 3
        )
