"""Every repository, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, select, text

from truce import scenarios
from truce.domain.documents import (
    Channel,
    DocumentStatus,
    IntakeEvent,
    RawDocument,
    document_id_for,
)
from truce.domain.errors import NotFound
from truce.domain.reports import Provenance, Report
from truce.store import tables
from truce.store.database import current_revision, head_revision, migrate
from truce.store.uow import UnitOfWork

NOW = datetime(2017, 1, 10, 9, 30, tzinfo=UTC)


def _report(dataset_id: str = "SYR1", fatalities: int = 2, day: date = date(2017, 1, 9)) -> Report:
    return Report(
        date_start=day,
        date_end=day,
        location_name="Ain al-Fijah",
        admin1="Rural Damascus",
        lat=33.6133,
        lon=36.1742,
        location_precision=1,
        event_type="Battles",
        sub_event_type="Armed clash",
        fatalities_low=fatalities,
        fatalities_best=fatalities,
        provenance=Provenance(dataset="ACLED", dataset_id=dataset_id),
    ).with_content_id()


def test_migrations_build_exactly_the_declared_schema(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, tables.metadata) == []


def test_migrating_twice_is_harmless(engine: Engine) -> None:
    migrate(engine)
    assert current_revision(engine) == head_revision()


def test_unit_of_work_rolls_back_unless_committed(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.reports.add(_report(), NOW)
        assert uow.reports.count() == 1
    with UnitOfWork(engine) as uow:
        assert uow.reports.count() == 0
        uow.reports.add(_report(), NOW)
        uow.commit()
    with UnitOfWork(engine) as uow:
        assert uow.reports.count() == 1


def test_unit_of_work_rolls_back_on_error(engine: Engine) -> None:
    with pytest.raises(RuntimeError), UnitOfWork(engine) as uow:
        uow.reports.add(_report(), NOW)
        raise RuntimeError("crash mid-way")
    with UnitOfWork(engine) as uow:
        assert uow.reports.count() == 0


def test_same_bytes_twice_make_one_document_and_two_intake_events(engine: Engine) -> None:
    content = "event_id_cnty,notes\nSYR1,قصف على دوما\n".encode()
    doc_id = document_id_for(content)
    document = RawDocument(id=doc_id, media_type="text/csv", size=len(content))
    with UnitOfWork(engine) as uow:
        first = uow.documents.receive(
            document,
            content,
            IntakeEvent(
                document_id=doc_id,
                channel=Channel.ACLED_CSV,
                received_at=NOW,
                filename="a.csv",
                submitter="turkey",
            ),
        )
        second = uow.documents.receive(
            document,
            content,
            IntakeEvent(
                document_id=doc_id,
                channel=Channel.API,
                received_at=NOW + timedelta(hours=1),
                filename="b.csv",
            ),
        )
        uow.commit()
    assert (first, second) == (True, False)
    with UnitOfWork(engine) as uow:
        assert uow.documents.count() == 1
        assert uow.documents.content(doc_id) == content
        events = uow.documents.intake_events(doc_id)
        assert [e.filename for e in events] == ["a.csv", "b.csv"]
        assert [e.channel for e in events] == [Channel.ACLED_CSV, Channel.API]
        assert events[0].received_at == NOW  # aware UTC in, aware UTC out
        assert events[1].received_at.tzinfo is not None


def test_document_status_is_kept(engine: Engine) -> None:
    content = b"x,y\n"
    doc_id = document_id_for(content)
    with UnitOfWork(engine) as uow:
        uow.documents.receive(
            RawDocument(id=doc_id, media_type="text/csv", size=4),
            content,
            IntakeEvent(document_id=doc_id, channel=Channel.FILE, received_at=NOW),
        )
        uow.documents.set_status(doc_id, DocumentStatus.FAILED, "missing column event_date")
        uow.commit()
    with UnitOfWork(engine) as uow:
        stored = uow.documents.get(doc_id)
        assert stored.status is DocumentStatus.FAILED
        assert stored.status_detail == "missing column event_date"
        with pytest.raises(NotFound):
            uow.documents.get("0" * 64)


def test_reports_are_content_addressed_and_revisions_keep_the_old(engine: Engine) -> None:
    original, corrected = _report(fatalities=2), _report(fatalities=5)
    with UnitOfWork(engine) as uow:
        assert uow.reports.add(original, NOW) == "new"
        assert uow.reports.add(original, NOW) == "unchanged"
        assert uow.reports.add(corrected, NOW) == "revised"
        uow.commit()
    with UnitOfWork(engine) as uow:
        assert uow.reports.count() == 1
        assert uow.reports.count(current_only=False) == 2
        assert uow.reports.get(original.id) == original  # superseded, never deleted
        assert [r.id for r in uow.reports.iter_current()] == [corrected.id]


def test_current_reports_stream_by_date_window(engine: Engine) -> None:
    days = [date(2016, 12, 29), date(2017, 1, 5), date(2017, 2, 1)]
    with UnitOfWork(engine) as uow:
        for n, day in enumerate(days):
            uow.reports.add(_report(dataset_id=f"SYR{n}", day=day), NOW)
        uow.commit()
    with UnitOfWork(engine) as uow:
        window = list(uow.reports.iter_current(start=date(2016, 12, 30), end=date(2017, 1, 31)))
        assert [r.date_start for r in window] == [date(2017, 1, 5)]
        assert [r.date_start for r in uow.reports.iter_current(batch=1)] == days


def test_scenario_records_round_trip(engine: Engine) -> None:
    scenario = scenarios.load("astana-2016")
    with UnitOfWork(engine) as uow:
        uow.actors.put_many("astana-2016", scenario.actors.all())
        for member in scenario.members:
            uow.members.put(member)
        for agreement in sorted(scenario.agreements, key=lambda a: a.amends is not None):
            uow.agreements.put(agreement)
        uow.commit()
    with UnitOfWork(engine) as uow:
        assert sorted(uow.actors.all(), key=lambda a: a.id) == sorted(
            scenario.actors.all(), key=lambda a: a.id
        )
        assert uow.agreements.get("astana-2016") == scenario.base_agreement
        assert {a.id for a in uow.agreements.all()} == {"astana-2016", "deescalation-2017"}
        assert {m.id for m in uow.members.all()} == {m.id for m in scenario.members}
        with pytest.raises(NotFound, match="no agreement 'nope'"):
            uow.agreements.get("nope")


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), UnitOfWork(engine) as uow:
        uow.reports.add(_report().evolve(document_id="f" * 64), NOW)
        uow.commit()


def test_naive_datetimes_are_refused_at_the_store(engine: Engine) -> None:
    from sqlalchemy.exc import StatementError

    with pytest.raises(StatementError, match="timezone-naive"), UnitOfWork(engine) as uow:
        uow.reports.add(_report(), datetime(2017, 1, 1))


def test_sqlite_runs_in_wal_mode(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(select(tables.reports.c.id)).all() == []
