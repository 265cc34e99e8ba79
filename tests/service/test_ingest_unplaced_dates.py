"""A stored text with no publication date and only a relative date (issue 13): the report is
kept, dated to the day the document first arrived with precision "unknown" and a review flag,
and a re-run on a later day gives the very same report."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from truce.domain.access import Principal, Role
from truce.domain.vocab import DatePrecision
from truce.extract.dates import REVIEW_DATE_UNKNOWN
from truce.services.extraction import ingest_document, rerun_document, resources_for
from truce.store.uow import UnitOfWork

RESOURCES = resources_for()
ANALYST = Principal(user="analyst-1", member="un", role=Role.ANALYST)
ARRIVED = datetime(2017, 1, 26, 9, 0, tzinfo=UTC)
NOTE = b"Yesterday, regime forces shelled Kafr Zita in northern Hama, killing 3 civilians."


def test_a_relative_date_without_publication_is_kept_unplaced_and_stable(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        summary = ingest_document(
            uow=uow,
            content=NOTE,
            now=ARRIVED,
            max_bytes=1 << 20,
            resources=RESOURCES,
            filename="note.txt",
            who=ANALYST,
        )
    (report,) = summary.reports
    assert report.date_precision is DatePrecision.UNKNOWN
    assert report.date_start == report.date_end == ARRIVED.date()
    assert report.tags == (REVIEW_DATE_UNKNOWN,)
    with UnitOfWork(engine) as uow:
        stored = uow.reports.get(report.id)
        assert stored.date_precision is DatePrecision.UNKNOWN and stored.tags == report.tags
        again = rerun_document(
            uow=uow,
            document_id=summary.document_id,
            now=datetime(2026, 5, 1, tzinfo=UTC),
            resources=RESOURCES,
            who=ANALYST,
        )
    assert [r.id for r in again.reports] == [report.id]
    assert again.unchanged == 1 and again.imported == 0
