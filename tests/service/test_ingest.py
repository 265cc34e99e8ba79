"""Ingesting texts and reviewing their reports, on a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

import truce.extract.stages_entities
from truce.domain.access import Principal, Role
from truce.domain.documents import Channel, DocumentStatus, document_id_for
from truce.domain.errors import Conflict, InputRejected, NotFound, ValidationFailed
from truce.domain.reports import Report
from truce.domain.reviews import ReviewAction, ReviewStatus
from truce.extract.pipeline import StageFailed
from truce.services.extraction import ingest_document, rerun_document, resources_for
from truce.services.reviews import review_report, reviewed_report
from truce.store.uow import UnitOfWork

INTAKE = Path(__file__).parents[1] / "fixtures" / "intake"
NOW = datetime(2017, 1, 26, 9, 0, tzinfo=UTC)
LIMIT = 10 * 1024 * 1024
RESOURCES = resources_for()
ANALYST_1 = Principal(user="analyst-1", member="un", role=Role.ANALYST)
ANALYST_2 = Principal(user="analyst-2", member="un", role=Role.ANALYST)
IDLIB_TEAM = Principal(user="idlib-team", member="un", role=Role.ANALYST)
UN_DESK = Principal(user="un-desk", member="un", role=Role.ANALYST)
OPPOSITION = Principal(user="syria-opp", member="syria-opp", role=Role.LIAISON)
NOTE = (
    b"On 9 January 2017, regime forces and Hezbollah shelled Kafr Zita in northern Hama "
    b"countryside, killing 3 civilians and wounding 5."
)


def _ingest(  # type: ignore[no-untyped-def]
    uow: UnitOfWork, content: bytes, filename: str | None = "note.txt", **kw
):
    return ingest_document(
        uow=uow,
        content=content,
        now=kw.pop("now", NOW),
        max_bytes=LIMIT,
        resources=RESOURCES,
        filename=filename,
        who=kw.pop("who", ANALYST_1),
        **kw,
    )


def _one_report(engine: Engine) -> Report:
    with UnitOfWork(engine) as uow:
        summary = _ingest(uow, NOTE, published=date(2017, 1, 10))
    (report,) = summary.reports
    return report


# --- ingest ---------------------------------------------------------------------------------------


def test_ingest_stores_the_bytes_and_the_reports_with_their_document(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        summary = _ingest(uow, NOTE, published=date(2017, 1, 10), who=IDLIB_TEAM)
    assert summary.new_document and summary.kind == "text" and summary.texts == 1
    assert summary.document_id == document_id_for(NOTE)
    assert (summary.imported, summary.unchanged, summary.revised) == (1, 0, 0)
    (report,) = summary.reports
    assert report.document_id == summary.document_id
    assert report.sub_event_type == "Shelling/artillery/missile attack"
    assert report.fatalities_best == 3
    with UnitOfWork(engine) as uow:
        assert uow.documents.content(summary.document_id) == NOTE
        stored = uow.documents.get(summary.document_id)
        assert stored.status is DocumentStatus.PROCESSED
        assert stored.media_type == "text/plain" and stored.size == len(NOTE)
        (event,) = uow.documents.intake_events(summary.document_id)
        assert (event.channel, event.filename, event.submitter) == (
            Channel.FILE,
            "note.txt",
            "idlib-team",
        )
        assert uow.reports.by_document(summary.document_id) == [report]
        assert uow.reports.get(report.id) == report
        assert uow.reports.review_status(report.id) == "pending"


def test_the_same_bytes_twice_are_one_document_with_two_arrivals(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        first = _ingest(uow, NOTE, published=date(2017, 1, 10), who=IDLIB_TEAM)
        again = _ingest(
            uow, NOTE, published=date(2017, 1, 10), who=UN_DESK, now=NOW + timedelta(hours=1)
        )
    assert first.document_id == again.document_id
    assert (first.new_document, again.new_document) == (True, False)
    assert (again.imported, again.unchanged, again.revised) == (0, len(first.reports), 0)
    assert [r.id for r in again.reports] == [r.id for r in first.reports]
    with UnitOfWork(engine) as uow:
        assert uow.documents.count() == 1
        events = uow.documents.intake_events(first.document_id)
        assert [(e.submitter, e.received_at) for e in events] == [
            ("idlib-team", NOW),
            ("un-desk", NOW + timedelta(hours=1)),
        ]
        assert uow.reports.count() == len(first.reports)


def test_the_same_bytes_under_another_name_leave_the_reports_unchanged(engine: Engine) -> None:
    """Regression (fixed bug): the file name goes into each report's content
    (provenance extras 'text.label'), so the same bytes sent again under another name give new
    report IDs that supersede the first ones ('revised'), cutting them off from their reviews"""
    with UnitOfWork(engine) as uow:
        first = _ingest(uow, NOTE, filename="note.txt", published=date(2017, 1, 10))
        again = _ingest(uow, NOTE, filename="copy.txt", published=date(2017, 1, 10))
    with UnitOfWork(engine) as uow:
        assert [e.filename for e in uow.documents.intake_events(first.document_id)] == [
            "note.txt",
            "copy.txt",
        ]
    assert (again.imported, again.unchanged, again.revised) == (0, len(first.reports), 0)
    assert [r.id for r in again.reports] == [r.id for r in first.reports]


def test_a_binary_file_is_refused_but_kept_with_the_reason(engine: Engine) -> None:
    content = (INTAKE / "binary.bin").read_bytes()
    with UnitOfWork(engine) as uow, pytest.raises(InputRejected, match=r"binary\.bin"):
        _ingest(uow, content, filename="binary.bin")
    with UnitOfWork(engine) as uow:
        stored = uow.documents.get(document_id_for(content))
        assert stored.status is DocumentStatus.FAILED
        assert "binary" in (stored.status_detail or "")
        assert uow.documents.content(stored.id) == content
        assert uow.reports.count() == 0


def test_empty_input_is_refused_and_nothing_is_stored(engine: Engine) -> None:
    with UnitOfWork(engine) as uow, pytest.raises(InputRejected, match="empty"):
        _ingest(uow, (INTAKE / "empty.txt").read_bytes(), filename="empty.txt")
    with UnitOfWork(engine) as uow:
        assert uow.documents.count() == 0


def test_a_document_failing_in_a_stage_is_kept_and_can_be_rerun(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(text: str) -> list[object]:
        raise RuntimeError("casualty reader out of order")

    monkeypatch.setattr(truce.extract.stages_entities, "find_casualties", broken)
    with UnitOfWork(engine) as uow, pytest.raises(StageFailed) as caught:
        _ingest(uow, NOTE, published=date(2017, 1, 10))
    assert caught.value.stage == "casualties"
    document_id = document_id_for(NOTE)
    with UnitOfWork(engine) as uow:
        stored = uow.documents.get(document_id)
        assert stored.status is DocumentStatus.FAILED
        assert "casualties" in (stored.status_detail or "")
        assert "casualty reader out of order" in (stored.status_detail or "")
        assert uow.documents.content(document_id) == NOTE
        assert uow.reports.count() == 0

    monkeypatch.undo()
    with UnitOfWork(engine) as uow:
        summary = rerun_document(
            uow=uow,
            document_id=document_id,
            now=NOW,
            resources=RESOURCES,
            published=date(2017, 1, 10),
            who=ANALYST_1,
        )
    assert not summary.new_document
    assert summary.imported == 1
    with UnitOfWork(engine) as uow:
        assert uow.documents.get(document_id).status is DocumentStatus.PROCESSED
        assert [r.fatalities_best for r in uow.reports.by_document(document_id)] == [3]


def test_rerunning_an_unknown_document_is_not_found(engine: Engine) -> None:
    with UnitOfWork(engine) as uow, pytest.raises(NotFound):
        rerun_document(uow=uow, document_id="0" * 64, now=NOW, resources=RESOURCES, who=ANALYST_1)


def test_a_feed_gives_one_text_per_entry(engine: Engine) -> None:
    content = (INTAKE / "feed.rss").read_bytes()
    with UnitOfWork(engine) as uow:
        summary = _ingest(uow, content, filename="feed.rss")
    assert summary.kind == "feed" and summary.texts == 4
    assert summary.reports, "the feed's entries tell of events"
    ids = [r.provenance.dataset_id for r in summary.reports]  # type: ignore[union-attr]
    parts = {i.split(":", 1)[1].split("#")[0] for i in ids}
    assert parts <= {"entry-1", "entry-2", "entry-3", "entry-4"}
    assert all(r.document_id == summary.document_id for r in summary.reports)
    # Each entry's own publication date is used: no report needed --published.
    assert all(r.sources[0].published in ("2017-01-23", "2017-01-24") for r in summary.reports)
    with UnitOfWork(engine) as uow:
        (event,) = uow.documents.intake_events(summary.document_id)
        assert event.channel is Channel.FEED
        assert uow.documents.get(summary.document_id).media_type == "application/rss+xml"


def test_a_json_submission_keeps_its_source(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        summary = _ingest(
            uow, (INTAKE / "submission.json").read_bytes(), filename="submission.json"
        )
    assert summary.kind == "json" and summary.reports
    assert {r.sources[0].name for r in summary.reports} == {"Jaish al-Islam media office"}
    assert {r.location_name for r in summary.reports} == {"Douma"}


# --- review ---------------------------------------------------------------------------------------


def _review(  # type: ignore[no-untyped-def]
    engine: Engine, report_id: str, action: ReviewAction, **kw
):
    with UnitOfWork(engine) as uow:
        return review_report(
            uow=uow, report_id=report_id, action=action, who=kw.pop("who", ANALYST_1), now=NOW, **kw
        )


def test_accepting_a_report(engine: Engine) -> None:
    report = _one_report(engine)
    reviewed, status = _review(engine, report.id, ReviewAction.ACCEPT)
    assert status is ReviewStatus.ACCEPTED
    assert reviewed == report
    with UnitOfWork(engine) as uow:
        assert uow.reports.review_status(report.id) == "accepted"
        assert uow.reports.queue() == []


def test_correcting_a_field_keeps_the_original(engine: Engine) -> None:
    report = _one_report(engine)
    reviewed, status = _review(
        engine,
        report.id,
        ReviewAction.CORRECT,
        field="fatalities_best",
        value=4,
        reason="hospital list names four",
    )
    assert status is ReviewStatus.CORRECTED
    assert reviewed.fatalities_best == 4
    with UnitOfWork(engine) as uow:
        original, current, status, history = reviewed_report(
            uow=uow, who=ANALYST_1, report_id=report.id
        )
        assert uow.reports.review_status(report.id) == "corrected"
    assert original == report and original.fatalities_best == 3
    assert current.fatalities_best == 4
    assert current.model_copy(update={"fatalities_best": 3}) == original
    assert status is ReviewStatus.CORRECTED
    (act,) = history
    assert (act.action, act.field, act.value, act.previous) == (
        ReviewAction.CORRECT,
        "fatalities_best",
        4,
        3,
    )
    assert (act.reviewer, act.reason) == ("analyst-1", "hospital list names four")
    assert act.at == NOW


def test_history_keeps_every_act_in_order(engine: Engine) -> None:
    report = _one_report(engine)
    _review(engine, report.id, ReviewAction.CORRECT, field="fatalities_best", value=4)
    _review(engine, report.id, ReviewAction.CORRECT, field="injured", value=6)
    _review(engine, report.id, ReviewAction.ACCEPT, who=ANALYST_2)
    with UnitOfWork(engine) as uow:
        original, current, status, history = reviewed_report(
            uow=uow, who=ANALYST_1, report_id=report.id
        )
    assert original == report
    assert (current.fatalities_best, current.injured) == (4, 6)
    assert status is ReviewStatus.CORRECTED  # accepted as corrected
    assert [(h.action, h.field, h.previous) for h in history] == [
        (ReviewAction.CORRECT, "fatalities_best", 3),
        (ReviewAction.CORRECT, "injured", 5),
        (ReviewAction.ACCEPT, None, None),
    ]


def test_a_correction_that_breaks_the_report_is_refused_naming_the_field(engine: Engine) -> None:
    report = _one_report(engine)
    with pytest.raises(ValidationFailed, match="sub_event_type") as caught:
        _review(
            engine, report.id, ReviewAction.CORRECT, field="sub_event_type", value="Armed clash"
        )
    assert caught.value.field == "sub_event_type"
    with pytest.raises(ValidationFailed) as not_allowed:
        _review(engine, report.id, ReviewAction.CORRECT, field="id", value="rep_x")
    assert not_allowed.value.field == "id"
    with pytest.raises(ValidationFailed) as negative:
        _review(engine, report.id, ReviewAction.CORRECT, field="fatalities_best", value=-1)
    assert negative.value.field == "fatalities_best"
    with pytest.raises(ValidationFailed):
        _review(engine, report.id, ReviewAction.CORRECT)  # no field named
    with UnitOfWork(engine) as uow:
        _, current, status, history = reviewed_report(uow=uow, who=ANALYST_1, report_id=report.id)
    assert (current, status, history) == (report, ReviewStatus.PENDING, [])


def test_a_rejected_report_cannot_be_corrected_until_accepted_again(engine: Engine) -> None:
    report = _one_report(engine)
    _, status = _review(engine, report.id, ReviewAction.REJECT, reason="duplicate of a wire copy")
    assert status is ReviewStatus.REJECTED
    with UnitOfWork(engine) as uow:
        assert uow.reports.review_status(report.id) == "rejected"
    with pytest.raises(Conflict, match="rejected"):
        _review(engine, report.id, ReviewAction.CORRECT, field="fatalities_best", value=4)
    with pytest.raises(Conflict):
        _review(engine, report.id, ReviewAction.REJECT, reason="again")
    _, status = _review(engine, report.id, ReviewAction.ACCEPT)
    assert status is ReviewStatus.ACCEPTED
    reviewed, status = _review(
        engine, report.id, ReviewAction.CORRECT, field="fatalities_best", value=4
    )
    assert (reviewed.fatalities_best, status) == (4, ReviewStatus.CORRECTED)
    with UnitOfWork(engine) as uow:
        *_, history = reviewed_report(uow=uow, who=ANALYST_1, report_id=report.id)
    assert [h.action for h in history] == [
        ReviewAction.REJECT,
        ReviewAction.ACCEPT,
        ReviewAction.CORRECT,
    ]


def test_reviewing_an_unknown_report_is_not_found(engine: Engine) -> None:
    with pytest.raises(NotFound):
        _review(engine, "rep_missing", ReviewAction.ACCEPT)


def test_a_submitted_text_is_stored_as_json_and_read(engine: Engine) -> None:
    from truce.services.extraction import submit_text

    with UnitOfWork(engine) as uow:
        result = submit_text(
            uow=uow,
            text="On 9 January 2017, regime forces shelled Kafr Zita in northern Hama, "
            "killing 2 civilians.",
            now=NOW,
            max_bytes=1_000_000,
            resources=RESOURCES,
            who=OPPOSITION,
            title="Shelling of Kafr Zita",
            published=date(2017, 1, 9),
            source="Jaish al-Izza media office",
        )
        assert result.kind == "json" and result.imported == 1
        report = result.reports[0]
        assert report.sub_event_type == "Shelling/artillery/missile attack"
        assert report.sources[0].name == "Jaish al-Izza media office"
        stored = json.loads(uow.documents.content(result.document_id))
        assert stored["submitter"] == "syria-opp" and stored["title"] == "Shelling of Kafr Zita"
        assert [e.submitter for e in uow.documents.intake_events(result.document_id)] == [
            "syria-opp"
        ]
        with pytest.raises(InputRejected, match="non-empty text"):
            submit_text(
                uow=uow,
                text="  ",
                now=NOW,
                max_bytes=1_000_000,
                resources=RESOURCES,
                who=OPPOSITION,
            )
