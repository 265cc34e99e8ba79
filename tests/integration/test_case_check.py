"""`truce check` on each store: the ledger's case entries replayed against the cases table
(issue 11, item 10). A store the services wrote agrees; a ballot dropped or a state changed
behind their back, by SQL, is named."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, delete, select, update

from truce.domain.access import OPERATIONS_CENTRE, Principal, Role
from truce.domain.cases import Evidence, ReplyKind, Vote
from truce.services import cases as flow
from truce.services.check import check_cases
from truce.services.scenarios import load_scenario
from truce.services.structured import submit_structured
from truce.store import tables as t
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

NOW = datetime(2017, 1, 12, 9, tzinfo=UTC)
LATER = NOW + timedelta(days=4)
ANALYST = Principal("analyst", "un", Role.ANALYST)
CHAIR = Principal("chair", "un", Role.ADMINISTRATOR)
LIAISON = Principal("gov-liaison", "syria-gov", Role.LIAISON)
OFFICERS = {
    "russia": Principal("ru-officer", "russia", Role.GUARANTOR),
    "iran": Principal("ir-officer", "iran", Role.GUARANTOR),
    "turkey": Principal("tr-officer", "turkey", Role.GUARANTOR),
}


def _strike(day: int) -> dict[str, object]:
    return {
        "date_start": date(2017, 1, day).isoformat(),
        "sub_event_type": "Air/drone strike",
        "event_type": "Explosions/Remote violence",
        "location_name": "Maarat al-Numan",
        "admin1": "Idleb",
        "lat": 35.6433,
        "lon": 36.6747,
        "location_precision": 1,
        "actors": [
            {"name": "Military Forces of Syria (2000-)", "role": "perpetrator"},
            {"name": "Civilians (Syria)", "role": "target"},
        ],
        "fatalities_best": 6,
        "notes": f"Government aircraft struck the market on {day} January.",
    }


def _worked(uow: UnitOfWork) -> list[str]:
    """Two cases: one voted, published, asked to reopen (declined) and reopened by a guarantor;
    one voted on by two guarantors and waiting for the third."""
    load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
    for day in (3, 9):
        submit_structured(uow=uow, who=ANALYST, fields=_strike(day), now=NOW, max_bytes=1 << 20)
    cases = flow.open_cases(uow=uow, who=ANALYST, agreement_id="astana-2016", now=NOW)
    assert len(cases) == 2
    report = next(uow.reports.iter_current()).id
    evidence = Evidence(statement="a new video", report_id=report)
    for number, case in enumerate(cases):
        flow.reply(
            uow=uow,
            who=OFFICERS["russia"],
            case_id=case.id,
            kind=ReplyKind.DISPUTED,
            text="not our aircraft",
            counter_claim="a depot exploded",
            now=NOW,
        )
        flow.propose_finding(uow=uow, who=ANALYST, case_id=case.id, now=LATER)
        voters = list(OFFICERS) if number == 0 else ["russia", "iran"]
        for member in voters:
            flow.review(
                uow=uow, who=OFFICERS[member], case_id=case.id, vote=Vote.CONFIRM, now=LATER
            )
    first = cases[0].id
    flow.publish(uow=uow, who=CHAIR, case_id=first, now=LATER)
    flow.reopen(uow=uow, who=LIAISON, case_id=first, evidence=evidence, now=LATER)
    flow.decline_reopen(uow=uow, who=ANALYST, case_id=first, number=1, reason="known", now=LATER)
    flow.reopen(uow=uow, who=OFFICERS["turkey"], case_id=first, evidence=evidence, now=LATER)
    return [c.id for c in cases]


def test_a_store_written_by_the_services_agrees_and_tampering_is_named(
    engine: Engine, tmp_path: Path
) -> None:
    keyring = Keyring(tmp_path / "keys")
    with UnitOfWork(engine, keyring) as uow:
        first, second = _worked(uow)
        cases, entries, found = check_cases(uow=uow, who=ANALYST)
        assert (cases, found) == (2, [])
        assert entries == len(uow.ledger.entries_for(first)) + len(uow.ledger.entries_for(second))

    # A ballot deleted behind the services' back (the loss a race on PostgreSQL once caused).
    with engine.begin() as connection:
        body = connection.execute(select(t.cases.c.body).where(t.cases.c.id == second)).scalar_one()
        assert [b["member"] for b in body["ballots"]] == ["russia", "iran"]
        body = {**body, "ballots": body["ballots"][:1]}
        connection.execute(update(t.cases).where(t.cases.c.id == second).values(body=body))
    with UnitOfWork(engine, keyring) as uow:
        lines = [str(d) for d in check_cases(uow=uow, who=ANALYST)[2]]
    assert f"{second}: 1 ballots (russia), the ledger records 2 (russia, iran)" in lines
    assert f"{second}: the stored case is not the case the ledger's last entry hashed" in lines
    assert not any(line.startswith(first) for line in lines)

    # A state set by hand, and a case's timeline cut short.
    with engine.begin() as connection:
        connection.execute(update(t.cases).where(t.cases.c.id == first).values(state="x"))
        body = connection.execute(select(t.cases.c.body).where(t.cases.c.id == first)).scalar_one()
        connection.execute(
            update(t.cases).where(t.cases.c.id == first).values(body={**body, "state": "published"})
        )
        last = connection.execute(
            select(t.case_events.c.id)
            .where(t.case_events.c.case_id == first)
            .order_by(t.case_events.c.id.desc())
        ).first()
        assert last is not None
        connection.execute(delete(t.case_events).where(t.case_events.c.id == last.id))
    with UnitOfWork(engine, keyring) as uow:
        lines = [str(d) for d in check_cases(uow=uow, who=ANALYST)[2]]
    assert f"{first}: state is published, the ledger's last entry leaves it reopened" in lines
    assert any(line.startswith(f"{first}: ") and "timeline event(s)" in line for line in lines)
