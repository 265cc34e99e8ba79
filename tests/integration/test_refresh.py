"""Grades and findings follow the reports: recomputed when reports arrive or are corrected in
review, each change stored with who, when and why. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from truce.domain.access import OPERATIONS_CENTRE, Principal, Role
from truce.domain.reviews import ReviewAction
from truce.services import load_scenario
from truce.services.assessment import findings_by_incident
from truce.services.datasets import import_dataset
from truce.services.extraction import store_resources, submit_text
from truce.services.reviews import review_report
from truce.store.uow import UnitOfWork

NOW = datetime(2017, 1, 12, 8, 0, tzinfo=UTC)
ANALYST_1 = Principal(user="analyst-1", member="un", role=Role.ANALYST)
ANALYST_2 = Principal(user="analyst-2", member="un", role=Role.ANALYST)
LIAISON = Principal(user="liaison-gov", member="syria-gov", role=Role.LIAISON)
HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,"
    "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,tags,timestamp"
)
ROW = (
    "SYR90001,2017-01-09,2017,1,Political violence,Explosions/Remote violence,Air/drone strike,"
    "Military Forces of Syria (2000-),,8,Civilians (Syria),,7,Government and civilians,"
    "Civilians targeted,760,Middle East,Syria,Idleb,Maarrat An Nu'man,,Maarat al-Numan,35.6476,"
    '36.6747,1,SOHR,National,"Warplanes struck a market in Maarat al-Numan, killing 6 civilians.",'
    "6,,1484000000"
)
CSV = (HEADER + "\n" + ROW + "\n").encode()
SANA_TEXT = (
    "Damascus, 9 January 2017 (SANA) - Terrorist groups fired rocket shells on residential "
    "neighbourhoods of Maarat al-Numan in Idleb countryside on Monday, killing two civilians."
)


def _finding(uow: UnitOfWork) -> tuple[str, object]:
    ((incident_id, finding),) = findings_by_incident(uow=uow, agreement_id="astana-2016").items()
    return incident_id, finding


def test_an_imported_report_is_fused_graded_and_judged_on_arrival(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
        uow.commit()
        summary = import_dataset(
            uow=uow,
            fmt="acled",
            content=CSV,
            now=NOW,
            max_bytes=1 << 20,
            filename="one.csv",
            who=ANALYST_1,
        )
        assert summary.incidents is not None and "1 finding(s) changed" in summary.incidents
        (incident,) = uow.incidents.all()
        incident_id, finding = _finding(uow)
        assert incident_id == incident.id
        assert finding.category.value == "violation_serious"  # type: ignore[attr-defined]
        (history,) = uow.findings.history(incident.id)
        assert history["actor"] == "analyst-1"
        assert history["reason"] == "new reports from one.csv"


def test_a_correction_in_review_regrades_and_keeps_who_when_and_why(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
        uow.commit()
        import_dataset(
            uow=uow,
            fmt="acled",
            content=CSV,
            now=NOW,
            max_bytes=1 << 20,
            filename="one.csv",
            who=OPERATIONS_CENTRE,
        )
        (report,) = uow.reports.iter_current()
        incident_id, before = _finding(uow)
        assert before.category.value == "violation_serious"  # type: ignore[attr-defined]

        later = NOW + timedelta(hours=3)
        review_report(
            uow=uow,
            report_id=report.id,
            action=ReviewAction.CORRECT,
            who=ANALYST_2,
            now=later,
            field="sub_event_type",
            value="Shelling/artillery/missile attack",
            reason="craters show artillery, not an air strike",
        )
        (incident,) = uow.incidents.all()
        assert incident.id == incident_id
        assert (
            incident.sub_event_type == "Shelling/artillery/missile attack"
        )  # follows the correction
        _, after = _finding(uow)
        assert any("air/drone strike" in r for r in before.reasons)  # type: ignore[attr-defined]
        assert not any("air/drone strike" in r for r in after.reasons)  # type: ignore[attr-defined]
        first, second = uow.findings.history(incident_id)
        assert (first["current"], second["current"]) == (False, True)
        assert second["actor"] == "analyst-2"
        assert second["reason"].startswith(f"review of {report.id}: correct sub_event_type")
        assert "craters show artillery" in second["reason"]
        assert second["assessed_at"].replace(tzinfo=UTC) == later.replace(tzinfo=UTC)


def test_a_rejected_report_takes_its_incident_and_finding_with_it(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
        uow.commit()
        import_dataset(
            uow=uow,
            fmt="acled",
            content=CSV,
            now=NOW,
            max_bytes=1 << 20,
            filename="one.csv",
            who=OPERATIONS_CENTRE,
        )
        (report,) = uow.reports.iter_current()
        incident_id, _ = _finding(uow)
        review_report(
            uow=uow,
            report_id=report.id,
            action=ReviewAction.REJECT,
            who=ANALYST_2,
            now=NOW,
            reason="duplicate of a report already counted",
        )
        assert uow.incidents.all() == []
        assert findings_by_incident(uow=uow, agreement_id="astana-2016") == {}
        # Nothing is deleted: the finding stays in history, no longer current.
        assert [h["current"] for h in uow.findings.history(incident_id)] == [False]


def test_a_party_text_joins_the_incident_and_the_grade_changes(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
        uow.commit()
        import_dataset(
            uow=uow,
            fmt="acled",
            content=CSV,
            now=NOW,
            max_bytes=1 << 20,
            filename="one.csv",
            who=OPERATIONS_CENTRE,
        )
        incident_id, before = _finding(uow)
        submitted = submit_text(
            uow=uow,
            text=SANA_TEXT,
            now=NOW,
            max_bytes=1 << 20,
            resources=store_resources(uow),
            who=LIAISON,
            source="SANA",
        )
        assert submitted.incidents is not None and "1 reports joined" in submitted.incidents
        (incident,) = uow.incidents.all()
        assert incident.id == incident_id and len(incident.report_ids) == 2
        _, after = _finding(uow)
        # A second, independent source raises the occurrence grade; SANA blaming "terrorists"
        # for what SOHR reports as a government air strike leaves the author undetermined.
        grades = (before.occurrence.value, after.occurrence.value)  # type: ignore[attr-defined]
        assert grades == ("C2", "C3")
        assert (before.category.value, after.category.value) == (
            "violation_serious",
            "undetermined",
        )  # type: ignore[attr-defined]
        old, new = uow.findings.history(incident_id)
        assert (new["actor"], new["current"], old["current"]) == ("liaison-gov", True, False)
        assert new["reason"].startswith("new reports from ")
