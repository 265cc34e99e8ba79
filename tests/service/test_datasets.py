"""Use cases over a real store: intake, import, re-run, export, summary (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from truce import scenarios
from truce.domain.access import OPERATIONS_CENTRE, Principal, Role
from truce.domain.documents import Channel, DocumentStatus
from truce.domain.errors import InputRejected, NotFound
from truce.formats.acled import read_acled
from truce.services import (
    compliance_summary,
    export_reports,
    import_dataset,
    load_scenario,
    receive_document,
    reprocess_document,
)
from truce.store.uow import UnitOfWork

FIXTURES = Path(__file__).parents[1] / "fixtures"
NOW = datetime(2017, 3, 1, 12, 0, tzinfo=UTC)
LIMIT = 10 * 1024 * 1024
SAMPLE = scenarios.load("astana-2016").sample_acled
WHO = OPERATIONS_CENTRE
UN = Principal(user="un", member="un", role=Role.ANALYST)


def test_import_stores_the_file_then_its_rows(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        first = import_dataset(
            uow=uow,
            fmt="acled",
            content=SAMPLE,
            now=NOW,
            max_bytes=LIMIT,
            filename="sample.csv",
            who=UN,
        )
        again = import_dataset(
            uow=uow,
            fmt="acled",
            content=SAMPLE,
            now=NOW,
            max_bytes=LIMIT,
            filename="copy.csv",
            who=WHO,
        )
    rows = len(read_acled(SAMPLE.decode()).reports)
    assert (first.imported, first.new_document, first.rejected) == (rows, True, [])
    assert (again.imported, again.unchanged, again.new_document) == (0, rows, False)
    with UnitOfWork(engine) as uow:
        assert uow.documents.content(first.document_id) == SAMPLE
        assert uow.documents.get(first.document_id).status is DocumentStatus.PROCESSED
        assert [e.filename for e in uow.documents.intake_events(first.document_id)] == [
            "sample.csv",
            "copy.csv",
        ]
        assert uow.reports.count() == rows
        assert all(r.document_id == first.document_id for r in uow.reports.iter_current())


def test_bad_rows_are_refused_and_the_rest_kept(engine: Engine) -> None:
    content = (FIXTURES / "acled_bad_rows.csv").read_bytes()
    with UnitOfWork(engine) as uow:
        result = import_dataset(
            uow=uow, fmt="acled", content=content, now=NOW, max_bytes=LIMIT, who=WHO
        )
    assert result.imported == 3
    assert [e.row_id for e in result.rejected] == ["SYRBD002", "SYRBD004", "SYRBD005"]
    with UnitOfWork(engine) as uow:
        stored = uow.documents.get(result.document_id)
        assert stored.status is DocumentStatus.PARTLY_PROCESSED
        assert "rejected 3" in (stored.status_detail or "")
        assert "SYRBD002" in (stored.status_detail or "")


def test_a_file_that_cannot_be_parsed_is_kept_marked_failed_and_can_be_re_run(
    engine: Engine,
) -> None:
    # A UCDP file sent down the ACLED channel: the layout check refuses it.
    content = (FIXTURES / "ucdp_ged_sample.csv").read_bytes()
    with UnitOfWork(engine) as uow, pytest.raises(InputRejected, match="not an ACLED export"):
        import_dataset(
            uow=uow,
            fmt="acled",
            content=content,
            now=NOW,
            max_bytes=LIMIT,
            filename="ged.csv",
            who=WHO,
        )
    with UnitOfWork(engine) as uow:
        doc_id = next(iter([e.document_id for e in uow.documents.intake_events(_sha(content))]))
        stored = uow.documents.get(doc_id)
        assert stored.status is DocumentStatus.FAILED
        assert "missing column" in (stored.status_detail or "")
        assert uow.documents.content(doc_id) == content
        with pytest.raises(InputRejected, match="not an ACLED export"):
            reprocess_document(uow=uow, document_id=doc_id, now=NOW, who=WHO)
        assert uow.documents.get(doc_id).status is DocumentStatus.FAILED


def test_reprocess_re_reads_stored_bytes(engine: Engine) -> None:
    content = (FIXTURES / "ucdp_ged_sample.csv").read_bytes()
    with UnitOfWork(engine) as uow:
        first = import_dataset(
            uow=uow, fmt="ucdp", content=content, now=NOW, max_bytes=LIMIT, who=WHO
        )
        rerun = reprocess_document(uow=uow, document_id=first.document_id, now=NOW, who=WHO)
        assert (first.imported, rerun.imported, rerun.unchanged) == (6, 0, 6)
        assert len(rerun.warnings) == len(first.warnings) >= 1
        with pytest.raises(NotFound):
            reprocess_document(uow=uow, document_id="0" * 64, now=NOW, who=WHO)


def _sha(content: bytes) -> str:
    import hashlib

    return hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"x" * 2048, "limit is 1,024"),
    ],
)
def test_empty_and_oversize_input_is_refused_before_storage(
    engine: Engine, content: bytes, message: str
) -> None:
    with UnitOfWork(engine) as uow:
        with pytest.raises(InputRejected, match=message):
            receive_document(
                uow=uow,
                content=content,
                media_type="text/csv",
                channel=Channel.FILE,
                now=NOW,
                filename="in.csv",
                max_bytes=1024,
                who=WHO,
            )
        assert uow.documents.count() == 0


def test_binary_and_non_utf8_input_is_stored_but_refused_with_the_reason(engine: Engine) -> None:
    arabic_1256 = "event_id_cnty,notes\nSYR1,قصف\n".encode("cp1256")
    with UnitOfWork(engine) as uow:
        with pytest.raises(InputRejected, match="not UTF-8"):
            import_dataset(
                uow=uow,
                fmt="acled",
                content=arabic_1256,
                now=NOW,
                max_bytes=LIMIT,
                filename="a.csv",
                who=WHO,
            )
        with pytest.raises(InputRejected, match="looks binary"):
            import_dataset(
                uow=uow, fmt="acled", content=b"\x00\x01PK", now=NOW, max_bytes=LIMIT, who=WHO
            )
        assert uow.documents.count() == 2  # received, kept, marked failed


def test_export_round_trips_through_the_store(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        import_dataset(uow=uow, fmt="acled", content=SAMPLE, now=NOW, max_bytes=LIMIT, who=WHO)
        written = export_reports(uow=uow, who=WHO, fmt="acled")
        with pytest.raises(InputRejected, match="only to ACLED"):
            export_reports(uow=uow, who=WHO, fmt="ucdp", layout="old")
        with pytest.raises(InputRejected, match="unknown data-set format"):
            export_reports(uow=uow, who=WHO, fmt="xlsx")
    assert written.losses == []
    original = sorted(read_acled(SAMPLE.decode()).reports, key=lambda r: r.id)
    assert sorted(read_acled(written.text).reports, key=lambda r: r.id) == original


def test_compliance_summary_for_the_truce_period(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        loaded = load_scenario(uow=uow, who=WHO, name="astana-2016")
        assert load_scenario(uow=uow, who=WHO, name="astana-2016") == loaded  # idempotent
        import_dataset(uow=uow, fmt="acled", content=SAMPLE, now=NOW, max_bytes=LIMIT, who=WHO)
        result = compliance_summary(
            uow=uow, who=WHO, agreement_id="astana-2016", end=date(2017, 2, 28)
        )
    assert result.start == date(2016, 12, 30)
    assert result.outside_period >= 2
    assert result.totals().total >= 40
    assert {"Idleb", "Rural Damascus", "Dar'a", "Aleppo"} <= set(result.rows)
    assert result.totals().by_side["government"] > 0
    assert result.totals().against_disputed_excluded >= 1
    assert not result.unresolved_actors
