"""Two answers the edges once got wrong: the dashboard's violation counts over a busy month
(counted over at most 500 incidents) and the zone filter's pages (ended early)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from shapely.geometry import Point, shape
from sqlalchemy import Engine, insert

from truce.domain.access import Principal, Role
from truce.domain.agreements import Agreement
from truce.scenarios import load as load_scenario_files
from truce.services.counts import VIOLATIONS, violation_counts
from truce.services.dashboard import dashboard
from truce.services.listing import IncidentFilter, list_incidents
from truce.store import tables as t
from truce.store.uow import UnitOfWork

AGREEMENT = "astana-2016"
ANALYST = Principal("analyst", "un", Role.ANALYST)
PUBLIC = Principal("anonymous", "public", Role.PUBLIC)
START = date(2017, 3, 1)
NOW = datetime(2017, 4, 1, tzinfo=UTC)
GOVERNORATES = ("Idleb", "Aleppo", "Hama", "Rural Damascus", "Dar'a")
CATEGORIES = ("violation_serious", "violation_minor", "not_a_violation", "undetermined")


def _agreements() -> tuple[Agreement, ...]:
    return load_scenario_files(AGREEMENT).agreements


def _fill(engine: Engine, count: int, seed: int = 3) -> list[dict[str, object]]:
    """`count` incidents with findings, spread over March 2017 and over Syria, written straight
    into the tables (no reports: these tests are about counting and paging)."""
    rng = random.Random(seed)
    incidents, findings = [], []
    for k in range(count):
        day = START + timedelta(days=rng.randrange(31))
        lat, lon = 32.5 + rng.random() * 4.5, 35.8 + rng.random() * 6.0
        gov = rng.choice(GOVERNORATES)
        incident_id = f"inc_{k:012x}"
        body = {
            "id": incident_id,
            "report_ids": [f"rep_{k:012x}"],
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
        category = rng.choice(CATEGORIES)
        side = rng.choice(("government", "opposition")) if category in VIOLATIONS else None
        finding = {
            "incident_id": incident_id,
            "agreement_id": AGREEMENT,
            "category": category,
            "responsible_side": side,
            "occurrence": "C2",
            "attribution": "likely",
            "reasons": ["made for the test"],
            "assessed_at": NOW.isoformat(),
        }
        findings.append(
            {
                "incident_id": incident_id,
                "agreement_id": AGREEMENT,
                "category": category,
                "responsible_side": side,
                "occurrence": "C2",
                "attribution": "likely",
                "current": True,
                "actor": "test",
                "reason": None,
                "assessed_at": NOW,
                "body": finding,
            }
        )
    with engine.begin() as c:
        for agreement in sorted(_agreements(), key=lambda a: a.amends is not None):
            c.execute(
                insert(t.agreements).values(
                    id=agreement.id,
                    title=agreement.title,
                    amends=agreement.amends,
                    in_force_from=agreement.in_force_from,
                    body=agreement.to_plain(),
                )
            )
        c.execute(insert(t.incidents), incidents)
        c.execute(insert(t.findings), findings)
    return [i | f for i, f in zip(incidents, findings, strict=True)]


def test_the_dashboard_counts_every_violation_of_a_busy_month(engine: Engine) -> None:
    rows = _fill(engine, 2000)
    expected_side = Counter(r["responsible_side"] for r in rows if r["category"] in VIOLATIONS)
    expected_gov = Counter(r["admin1"] for r in rows if r["category"] in VIOLATIONS)
    end = START + timedelta(days=30)
    last = Counter(
        (r["admin1"], r["responsible_side"])
        for r in rows
        if r["category"] in VIOLATIONS and r["date_start"] == end
    )
    with UnitOfWork(engine) as uow:
        view = dashboard(uow=uow, who=PUBLIC, agreement_id=AGREEMENT, start=START, end=end)
        counts = violation_counts(uow=uow, who=PUBLIC, agreement_id=AGREEMENT, start=START, end=end)
    assert sum(expected_side.values()) > 500  # more than the map draws
    assert view.map_truncated
    assert view.counts.by_side == dict(sorted(expected_side.items()))
    assert view.counts.by_governorate == dict(sorted(expected_gov.items()))
    assert view.counts.total == counts.total == sum(expected_side.values())
    assert view.today == last
    assert sum(sum(s) for s in view.chart["series"].values()) == view.counts.total
    assert "one per incident" in view.counts.label and "judged" in view.counts.label


def test_counts_narrow_as_the_list_narrows(engine: Engine) -> None:
    rows = _fill(engine, 400)
    with UnitOfWork(engine) as uow:
        counts = violation_counts(
            uow=uow,
            who=PUBLIC,
            agreement_id=AGREEMENT,
            governorate="Hama",
            side="government",
            finding="violation_minor",
        )
        none = violation_counts(
            uow=uow, who=PUBLIC, agreement_id=AGREEMENT, finding="not_a_violation"
        )
    expected = sum(
        1
        for r in rows
        if r["admin1"] == "Hama"
        and r["responsible_side"] == "government"
        and r["category"] == "violation_minor"
    )
    assert counts.total == expected > 0
    assert none.total == 0


def test_the_zone_filter_pages_through_every_match(engine: Engine) -> None:
    rows = _fill(engine, 1500, seed=11)
    zones = [
        z for a in _agreements() for z in a.zones if z.geometry and z.kind.value == "de_escalation"
    ]
    zone = next(z for z in zones if z.id.endswith("idlib") or "idl" in z.id.lower())
    outline = shape(zone.geometry)
    inside = {r["id"] for r in rows if outline.covers(Point(r["lon"], r["lat"]))}
    assert 20 < len(inside) < 1000  # a filter that drops most rows: pages must go on fetching
    seen: list[str] = []
    cursor = None
    pages = 0
    with UnitOfWork(engine) as uow:
        while True:
            page = list_incidents(
                uow=uow,
                who=ANALYST,
                agreement_id=AGREEMENT,
                filters=IncidentFilter(zone=zone.id),
                cursor=cursor,
                limit=7,
            )
            seen += [r.incident.id for r in page.rows]
            pages += 1
            if page.next_cursor is None:
                break
            assert len(page.rows) == 7  # a page is full whenever another follows
            cursor = page.next_cursor
    assert set(seen) == inside and len(seen) == len(inside)
    assert pages == -(-len(inside) // 7)


def test_a_zone_and_a_box_that_do_not_meet_find_nothing(engine: Engine) -> None:
    _fill(engine, 50)
    zone = next(z for a in _agreements() for z in a.zones if z.geometry and "idl" in z.id.lower())
    with UnitOfWork(engine) as uow:
        page = list_incidents(
            uow=uow,
            who=ANALYST,
            agreement_id=AGREEMENT,
            filters=IncidentFilter(zone=zone.id, bbox=(10.0, 10.0, 11.0, 11.0)),
        )
    assert page.rows == [] and page.next_cursor is None
