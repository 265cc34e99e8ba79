"""Migration 0013 on a store filled before counts were bounded (issue 11, item 15): a report
holding 10^30 deaths, or a 23-digit count from an ACLED cell, still reads after the upgrade,
with that count emptied and every other field as it was. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, insert

from truce.domain.reports import Report, SourceRef
from truce.store import tables
from truce.store.database import MIGRATIONS, make_engine, migrate
from truce.store.uow import UnitOfWork

DAY = date(2017, 1, 9)


def _upgrade(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    command.upgrade(config, revision)


def _row(report: Report, **body: Any) -> dict[str, Any]:
    # The row as the store wrote it before the bound, with the out-of-range counts put back in.
    return {
        "id": report.id,
        "document_id": None,
        "date_start": DAY,
        "date_end": DAY,
        "admin1": report.admin1,
        "event_type": report.event_type,
        "sub_event_type": report.sub_event_type,
        "current": True,
        "stored_at": datetime(2017, 1, 10, tzinfo=UTC),
        "body": report.to_plain() | body,
    }


def test_0013_empties_counts_out_of_bounds_and_keeps_the_rest(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    _upgrade(engine, "0012")
    common = {
        "date_start": DAY,
        "date_end": DAY,
        "admin1": "Rural Damascus",
        "location_name": "Basimah",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
    }
    liaison = Report(**common, fatalities_best=3, sources=(SourceRef(name="liaison-gov"),))
    liaison = liaison.with_content_id()
    acled = Report(**common, fatalities_low=2, injured=5, sources=(SourceRef(name="ACLED"),))
    acled = acled.with_content_id()
    fine = Report(**common, fatalities_best=4, sources=(SourceRef(name="SOHR"),)).with_content_id()
    with engine.begin() as connection:
        connection.execute(insert(tables.reports), _row(liaison, fatalities_best=10**30))
        connection.execute(
            insert(tables.reports), _row(acled, fatalities_high=99999999999999999999999)
        )
        connection.execute(insert(tables.reports), _row(fine))
    migrate(engine)
    with UnitOfWork(engine) as uow:
        read = uow.reports.get_many([liaison.id, acled.id, fine.id])
    assert read[liaison.id].fatalities_best is None
    assert read[liaison.id].location_name == "Basimah"
    assert read[acled.id].fatalities_high is None
    assert (read[acled.id].fatalities_low, read[acled.id].injured) == (2, 5)
    assert read[fine.id].fatalities_best == 4
