"""Three guarantors vote on one case at the same moment: every vote that was answered with
success is a ballot on the case, and the case and the ledger agree. On PostgreSQL, before
case steps locked the case row, a round kept one or two ballots while the ledger held three."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from truce.domain.access import OPERATIONS_CENTRE, Principal, Role
from truce.domain.cases import CaseState, Evidence, Vote
from truce.services import cases as flow
from truce.services.check import check_cases
from truce.services.scenarios import load_scenario
from truce.services.structured import submit_structured
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

ROUNDS = 50
NOW = datetime(2017, 1, 12, 9, tzinfo=UTC)
ANALYST = Principal("analyst", "un", Role.ANALYST)
GUARANTORS = [
    Principal("ru-officer", "russia", Role.GUARANTOR),
    Principal("ir-officer", "iran", Role.GUARANTOR),
    Principal("tr-officer", "turkey", Role.GUARANTOR),
]
STRIKE = {
    "date_start": date(2017, 1, 10).isoformat(),
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
    "notes": "Government aircraft struck the town's market; six civilians were killed.",
}


def _a_case(engine: Engine, keyring: Keyring) -> str:
    with UnitOfWork(engine, keyring) as uow:
        load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
        submit_structured(uow=uow, who=ANALYST, fields=STRIKE, now=NOW, max_bytes=1 << 20)
        (case,) = flow.open_cases(uow=uow, who=ANALYST, agreement_id="astana-2016", now=NOW)
    return case.id


def _vote_at_once(engine: Engine, keyring: Keyring, case_id: str, at: datetime) -> list[str]:
    barrier = threading.Barrier(len(GUARANTORS))
    errors: list[str] = []

    def vote(who: Principal) -> None:
        try:
            barrier.wait(timeout=30)
            with UnitOfWork(engine, keyring) as uow:
                flow.review(uow=uow, who=who, case_id=case_id, vote=Vote.CONFIRM, now=at)
        except Exception as exc:
            errors.append(f"{who.member}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=vote, args=(g,)) for g in GUARANTORS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.postgres
def test_three_votes_at_once_make_three_ballots_every_time(
    empty_postgres_url: str, tmp_path: Path
) -> None:
    from truce.store.database import make_engine, migrate

    engine = make_engine(empty_postgres_url)
    migrate(engine)
    keyring = Keyring(tmp_path / "keys")
    case_id = _a_case(engine, keyring)
    for round_ in range(ROUNDS):
        at = NOW + timedelta(days=4, hours=round_)  # past the first reply deadline
        with UnitOfWork(engine, keyring) as uow:
            flow.propose_finding(uow=uow, who=ANALYST, case_id=case_id, now=at)
        assert _vote_at_once(engine, keyring, case_id, at) == []
        with UnitOfWork(engine, keyring) as uow:
            case = flow.timeline(uow=uow, who=ANALYST, case_id=case_id)[0]
            votes = [e for e in uow.ledger.entries_for(case_id) if e["act"] == "case.review"]
            assert sorted(b.member for b in case.ballots) == ["iran", "russia", "turkey"]
            assert case.state is CaseState.ADOPTED  # unanimous: three confirmations
            assert len(votes) == 3 * (round_ + 1)  # the ledger holds exactly the ballots
            report_id = next(uow.reports.iter_current()).id
            evidence = Evidence(statement=f"round {round_ + 2}", report_id=report_id)
            flow.reopen(uow=uow, who=ANALYST, case_id=case_id, evidence=evidence, now=at)
    with UnitOfWork(engine, keyring) as uow:  # and `truce check` finds the two in agreement
        assert check_cases(uow=uow, who=ANALYST)[2] == []
    engine.dispose()
