"""Taking documents in without making anyone wait for parsing: store first, process after.

A submission is stored and committed in a transaction of its own (`receive_document`):
from then on it is never lost. It is then queued for processing: a coordinator thread reads
it in a worker process (`truce.services.workers`, bounded in time and memory) and stores the
reports, or the failure, in a second transaction of its own. No transaction is open while a
document is parsed. Whoever submitted may wait a little for the outcome (the API and the
submit page wait TRUCE_PROCESS_WAIT_SECONDS) or come back for it (`document_status`).

A document still `received` when the server stopped (killed mid-processing, or queued at
shut-down) is processed again when the server next starts (`resume_received`).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import TracebackType

from sqlalchemy import Engine

from truce.config import Settings
from truce.domain.access import Principal, UseCase, allowed, authorize
from truce.domain.documents import DocumentStatus
from truce.domain.errors import NotFound, TruceError
from truce.intake.adapters import detect_kind
from truce.services.extraction import (
    CHANNEL_BY_KIND,
    KIND_BY_CHANNEL,
    MEDIA_TYPES,
    IngestSummary,
    ProcessingFailed,
    events_received,
    mark_failed,
    parse_failure,
    store_parsed,
    text_payload,
)
from truce.services.intake import receive_document
from truce.services.session import run_in_unit
from truce.services.workers import Limits, ParseJob, ParserPool, PoolClosed
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

RESUMED_AT_MOST = 10_000  # documents picked up again at start-up


@dataclass(frozen=True)
class Ticket:
    """A stored document on its way through processing: `outcome` gives its summary, or
    raises ProcessingFailed (it is then stored as failed)."""

    document_id: str
    new_document: bool
    outcome: Future[IngestSummary]


class Processor:
    """The parser pool and the coordinator threads that feed it, bound to one store. As many
    coordinators as workers: a document waits in the coordinators' queue, not inside the
    pool, so the time a worker is allowed counts from when it starts on the document."""

    def __init__(
        self,
        engine: Engine,
        keyring: Keyring | None,
        *,
        limits: Limits,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._engine = engine
        self._keyring = keyring
        self._clock = clock
        self.limits = limits
        self.pool = ParserPool(limits)
        self._threads = ThreadPoolExecutor(limits.workers, thread_name_prefix="truce-process")

    def start(self) -> Processor:
        self.pool.start()
        return self

    def close(self) -> None:
        """Stop: documents being parsed or queued stay `received` and are picked up at the
        next start; one being stored is stored first."""
        self.pool.close()
        self._threads.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Processor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _unit(self) -> UnitOfWork:
        return UnitOfWork(self._engine, self._keyring)

    # --- intake ------------------------------------------------------------------------------

    def submit_document(
        self,
        *,
        who: Principal,
        content: bytes,
        now: datetime,
        max_bytes: int,
        filename: str | None = None,
        kind: str | None = None,
        published: date | None = None,
    ) -> Ticket:
        """Store the document (committed before this returns) and queue it for processing.
        Blocks on the store: call it from a worker thread in a server."""
        authorize(who, UseCase.SUBMIT_REPORT)
        kind = kind or detect_kind(content, filename)
        document, is_new = run_in_unit(
            self._engine,
            self._keyring,
            lambda uow: receive_document(
                uow=uow,
                content=content,
                media_type=MEDIA_TYPES.get(kind, "application/octet-stream"),
                channel=CHANNEL_BY_KIND.get(kind, CHANNEL_BY_KIND["text"]),
                now=now,
                filename=filename,
                who=who,
                max_bytes=max_bytes,
            ),
        )
        label = filename or document.id
        outcome = self._queue(document.id, is_new, kind, label, published, who)
        return Ticket(document.id, is_new, outcome)

    def submit_text(
        self,
        *,
        who: Principal,
        text: str,
        now: datetime,
        max_bytes: int,
        title: str | None = None,
        published: date | None = None,
        source: str | None = None,
        language: str | None = None,
        url: str | None = None,
    ) -> Ticket:
        """A text submitted through the API or the web form: stored as its JSON, then queued."""
        authorize(who, UseCase.SUBMIT_REPORT)
        content = text_payload(
            text=text,
            submitter=who.user,
            title=title,
            published=published,
            source=source,
            language=language,
            url=url,
        )
        return self.submit_document(
            who=who, content=content, now=now, max_bytes=max_bytes, kind="json"
        )

    def _queue(
        self,
        document_id: str,
        is_new: bool,
        kind: str,
        label: str,
        published: date | None,
        who: Principal,
    ) -> Future[IngestSummary]:
        return self._threads.submit(self.process, document_id, is_new, kind, label, published, who)

    # --- processing (on a coordinator thread) ----------------------------------------------

    def process(
        self,
        document_id: str,
        is_new: bool,
        kind: str,
        label: str,
        published: date | None,
        who: Principal,
    ) -> IngestSummary:
        """Read the stored document in a worker and store the outcome, each step in a
        transaction of its own. Whatever goes wrong is stored as the document's failure
        (ProcessingFailed is raised after); if even that cannot be stored, the document stays
        `received` and is picked up at the next start."""
        try:
            with self._unit() as uow:
                content = uow.documents.content(document_id)
                actors = tuple(uow.actors.all()) or None
                received = events_received(uow, document_id)
            parsed = self.pool.parse(
                ParseJob(content, kind, label, document_id, published, actors, received)
            )
            del content
            # A deadlock or a busy SQLite file before anything is committed: store it again.
            return run_in_unit(
                self._engine,
                self._keyring,
                lambda uow: store_parsed(
                    uow=uow,
                    document_id=document_id,
                    parsed=parsed,
                    is_new=is_new,
                    kind=kind,
                    label=label,
                    now=self._clock(),
                    who=who,
                ),
            )
        except (ProcessingFailed, PoolClosed):
            raise  # stored as failed already; or stopping, and left `received`
        except Exception as exc:  # a bug or a store error while storing: keep it, say it
            failure = parse_failure(exc, label) if not isinstance(exc, TruceError) else None
            reason = failure.error if failure else f"{label}: {exc}"
            with self._unit() as uow:
                mark_failed(uow=uow, document_id=document_id, reason=reason or "")
            raise ProcessingFailed(reason or "", document_id=document_id, stage="store") from exc

    def ingest(
        self,
        *,
        who: Principal,
        content: bytes,
        now: datetime,
        max_bytes: int,
        filename: str | None = None,
        kind: str | None = None,
        published: date | None = None,
    ) -> IngestSummary:
        """Store and process one document, waiting for the outcome (for the CLI's batches)."""
        ticket = self.submit_document(
            who=who,
            content=content,
            now=now,
            max_bytes=max_bytes,
            filename=filename,
            kind=kind,
            published=published,
        )
        return ticket.outcome.result()

    def resume_received(self, *, who: Principal, before: datetime) -> list[str]:
        """Queue again every text document still `received` that arrived before `before`
        (the start of this server): processing was cut short by a stop. Returns their IDs."""
        authorize(who, UseCase.IMPORT_DATA)
        with self._unit() as uow:
            waiting = uow.listing.list(status=DocumentStatus.RECEIVED.value, limit=RESUMED_AT_MOST)
            jobs = []
            for row in waiting:
                if row["first_received_at"] >= before:
                    continue  # arrived since start: its own submission queued it
                events = uow.documents.intake_events(row["id"])
                kind = KIND_BY_CHANNEL.get(events[0].channel) if events else None
                if kind is not None:  # data sets are imported in one go, never queued
                    jobs.append((row["id"], kind, events[0].filename or row["id"]))
        for document_id, kind, label in jobs:
            self._queue(document_id, False, kind, label, None, who)
        return [document_id for document_id, _, _ in jobs]


@dataclass(frozen=True)
class DocumentState:
    """A document's processing status, for its submitter and those who import data."""

    id: str
    status: str
    status_detail: str | None
    received_at: datetime
    reports: list[str]  # the IDs of the reports read from it, once processed


def document_status(*, uow: UnitOfWork, who: Principal, document_id: str) -> DocumentState:
    """Where a document stands. Those who import data see any document; a member who submits
    reports sees the documents it submitted itself, and no other: to anyone else a document
    does not exist (its status detail can quote its content, and its existence alone would
    tell one party what another sent)."""
    authorize(who, UseCase.SUBMIT_REPORT)
    events = uow.documents.intake_events(document_id)
    mine = any(e.submitter == who.user for e in events)
    if not events or not (mine or allowed(who, UseCase.IMPORT_DATA)):
        raise NotFound(f"no document {document_id}")
    document = uow.documents.get(document_id)
    reports: list[str] = []
    if document.status in (DocumentStatus.PROCESSED, DocumentStatus.PARTLY_PROCESSED):
        reports = [r.id for r in uow.reports.by_document(document_id)]
    return DocumentState(
        id=document_id,
        status=document.status.value,
        status_detail=document.status_detail,
        received_at=events[0].received_at,
        reports=reports,
    )


def processor_for(settings: Settings, engine: Engine, keyring: Keyring | None) -> Processor:
    """The processor the settings describe (not started)."""
    limits = Limits(
        seconds=settings.process_timeout_seconds,
        memory=settings.process_memory_mb * 1024 * 1024,
        workers=settings.process_workers,
    )
    return Processor(engine, keyring, limits=limits)
