"""Incidents and findings in the store, on SQLite and PostgreSQL: fuse, merge, split, aliases,
findings history."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from truce.domain.access import OPERATIONS_CENTRE, Principal, Role
from truce.domain.errors import NotFound
from truce.domain.reports import ActorRole, Provenance, Report, SourceRef
from truce.services import load_scenario
from truce.services.assessment import assess_incidents, findings_by_incident, tally_for_day
from truce.services.incidents import fuse, merge_incidents, split_incident
from truce.store.uow import UnitOfWork

NOW = datetime(2017, 1, 12, 8, 0, tzinfo=UTC)
ANALYST = Principal(user="analyst-un", member="un", role=Role.ANALYST)
DAY = date(2017, 1, 9)


def report(
    source: str,
    *,
    lat: float = 33.596,
    lon: float = 36.201,
    day: date = DAY,
    deaths: int = 4,
    perpetrator: str = "Military Forces of Syria (2000-)",
    target: str = "Ahl al Sham",
    notes: str = "",
    place: str = "Basimah",
) -> Report:
    return Report(
        date_start=day,
        date_end=day,
        location_name=place,
        admin1="Rural Damascus",
        lat=lat,
        lon=lon,
        location_precision=1,
        event_type="Battles",
        sub_event_type="Armed clash",
        fatalities_low=deaths,
        fatalities_best=deaths,
        sources=(SourceRef(name=source),),
        actors=(
            ActorRole(name=perpetrator, role="perpetrator"),
            ActorRole(name=target, role="target"),
        ),
        notes=notes or f"{source}: clashes near {place} killed {deaths} fighters.",
        provenance=Provenance(dataset="text", dataset_id=f"{source}:{place}:{day}"),
    ).with_content_id()


def store(engine: Engine, *reports: Report) -> None:
    with UnitOfWork(engine) as uow:
        load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
        uow.reports.add_many(list(reports), NOW)
        uow.commit()


def test_fusion_then_incremental_then_merge_and_split(engine: Engine) -> None:
    orient = report(
        "Orient News",
        notes="Regime forces and Hezbollah attacked Basimah; four opposition fighters died.",
    )
    sohr = report(
        "SOHR",
        lat=33.60,
        lon=36.205,
        deaths=5,
        notes="Clashes near Basimah in Wadi Barada, 5 killed.",
    )
    elsewhere = report("Smart News Agency", lat=32.62, lon=36.10, place="Daraa al-Balad")
    store(engine, orient, sohr, elsewhere)
    with UnitOfWork(engine) as uow:
        first = fuse(uow=uow, who=ANALYST, now=NOW)
        assert (first.mode, first.incidents) == ("batch", 2)
        incidents = {i.location_name: i for i in uow.incidents.all()}
        basimah, daraa = incidents["Basimah"], incidents["Daraa al-Balad"]
        assert set(basimah.report_ids) == {orient.id, sohr.id}
        assert {c.value for c in basimah.claims["fatalities"]} == {4, 5}  # conflicting figures kept

    late = report(
        "Enab Baladi", lat=33.597, lon=36.20, deaths=4, notes="Basimah fighting, four dead."
    )
    with UnitOfWork(engine) as uow:
        uow.reports.add(late, NOW)
        uow.commit()
        second = fuse(uow=uow, who=ANALYST, now=NOW)
        assert (second.mode, second.joined, second.created) == ("incremental", 1, 0)
        assert late.id in uow.incidents.get(basimah.id).report_ids

        merged = merge_incidents(
            uow=uow,
            incident_ids=[basimah.id, daraa.id],
            who=ANALYST,
            reason="same episode",
            now=NOW,
        )
        absorbed = daraa.id if merged.id == basimah.id else basimah.id
        assert uow.incidents.resolve(absorbed) == merged.id  # the former ID keeps resolving
        assert uow.incidents.get(absorbed).id == merged.id
        parts = split_incident(
            uow=uow,
            incident_id=merged.id,
            report_ids=[elsewhere.id],
            who=ANALYST,
            reason="different town",
            now=NOW,
        )
        stays, leaves = parts
        assert leaves.id == daraa.id and leaves.report_ids == (
            elsewhere.id,
        )  # its former ID is back
        assert set(stays.report_ids) == {orient.id, sohr.id, late.id}
        assert (
            uow.incidents.resolve(basimah.id) == stays.id
        )  # the other former ID follows its reports
        assert [h["op"] for h in uow.incidents.history(daraa.id)][-2:] == ["merge", "split"]
        with pytest.raises(NotFound):
            uow.incidents.resolve("inc_nothing")


def test_assessment_findings_keep_their_history(engine: Engine) -> None:
    sana = report(
        "SANA",
        target="Jabhat Fateh al-Sham",
        notes="Army units targeted Jabhat al-Nusra terrorists in Basimah.",
    )
    orient = report(
        "Orient News", notes="The regime says JFS was in Basimah; opposition factions deny it."
    )
    store(engine, sana, orient)
    with UnitOfWork(engine) as uow:
        fuse(uow=uow, who=ANALYST, now=NOW)
        counts = assess_incidents(uow=uow, who=ANALYST, agreement_id="astana-2016", now=NOW)
        assert counts["changed"] == 1
        assert (
            assess_incidents(uow=uow, who=ANALYST, agreement_id="astana-2016", now=NOW)["changed"]
            == 0
        )  # unchanged: not stored again
        (finding,) = findings_by_incident(uow=uow, agreement_id="astana-2016").values()
        assert finding.category.value == "contested_exclusion"
        assert finding.responsible_side == "government"
        assert finding.occurrence.value == "C4"  # the government's own agency reports its act
        assert any("disputed" in r for r in finding.reasons)
        assert len(uow.findings.history(finding.incident_id)) == 1
        (russia,) = tally_for_day(
            uow=uow, who=ANALYST, agreement_id="astana-2016", day=DAY, guarantor="russia"
        )
        assert russia.total == 1 and russia.confirmed == [
            finding.incident_id
        ]  # Orient (other side) reports it too
