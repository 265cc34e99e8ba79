"""Ingesting texts: store the bytes, read them with an adapter, run the pipeline, keep the
reports."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from truce import scenarios
from truce.domain.access import Principal, UseCase, authorize
from truce.domain.actors import ActorRegistry
from truce.domain.canonical import canonical_json
from truce.domain.documents import Channel, DocumentStatus, TextMeta
from truce.domain.errors import InputRejected, NotFound, TruceError
from truce.domain.reports import Report
from truce.extract.pipeline import PipelineError, StageFailed
from truce.extract.resources import Resources
from truce.extract.run import extract
from truce.gazetteer.load import default_gazetteer
from truce.intake.adapters import Text, detect_kind, read
from truce.ledger.entries import Act
from truce.services.commitments import document_ref
from truce.services.intake import receive_document
from truce.services.refresh import after_intake
from truce.store.uow import UnitOfWork

CHANNEL_BY_KIND = {
    "text": Channel.FILE,
    "html": Channel.HTML,
    "feed": Channel.FEED,
    "email": Channel.EMAIL,
    "json": Channel.API,
}
KIND_BY_CHANNEL = {v: k for k, v in CHANNEL_BY_KIND.items()} | {Channel.WEB_FORM: "json"}
MEDIA_TYPES = {
    "text": "text/plain",
    "html": "text/html",
    "feed": "application/rss+xml",
    "email": "message/rfc822",
    "json": "application/json",
}


def resources_for(registry: ActorRegistry | None = None) -> Resources:
    """The extraction look-ups: the given actor registry (else the Astana scenario's), the
    gazetteer."""
    return Resources(registry or scenarios.load(scenarios.DEFAULT).actors, default_gazetteer())


def store_resources(uow: UnitOfWork) -> Resources:
    """Resources built from the actors in the database, or the shipped scenario if there are
    none."""
    actors = uow.actors.all()
    return resources_for(ActorRegistry(actors) if actors else None)


@dataclass
class IngestSummary:
    document_id: str
    label: str
    new_document: bool
    kind: str
    texts: int = 0
    reports: list[Report] = field(default_factory=list)
    imported: int = 0
    unchanged: int = 0
    revised: int = 0
    dropped: list[str] = field(default_factory=list)
    incidents: str | None = None  # what the refresh that followed did, if it ran

    def line(self) -> str:
        line = (
            f"{self.texts} text(s), {len(self.reports)} report(s): new {self.imported}, "
            f"unchanged {self.unchanged}, revised {self.revised}"
        )
        return f"{line}; {self.incidents}" if self.incidents else line


def ingest_document(
    *,
    uow: UnitOfWork,
    content: bytes,
    now: datetime,
    max_bytes: int,
    resources: Resources,
    filename: str | None = None,
    kind: str | None = None,
    published: date | None = None,
    who: Principal,
) -> IngestSummary:
    """Store the document first; then read it, extract reports and store them.

    A document that cannot be read, or that fails in a stage, stays stored with
    status `failed` and the reason (naming the stage), and can be re-run.
    """
    authorize(who, UseCase.SUBMIT_REPORT)
    kind = kind or detect_kind(content, filename)
    document, is_new = receive_document(
        uow=uow,
        content=content,
        media_type=MEDIA_TYPES.get(kind, "application/octet-stream"),
        channel=CHANNEL_BY_KIND.get(kind, Channel.FILE),
        now=now,
        filename=filename,
        who=who,
        max_bytes=max_bytes,
    )
    label = filename or document.id
    return _process(
        uow=uow,
        document_id=document.id,
        is_new=is_new,
        content=content,
        kind=kind,
        label=label,
        published=published,
        now=now,
        resources=resources,
        who=who,
        received=events_received(uow, document.id) or now.date(),
    )


def rerun_document(
    *,
    uow: UnitOfWork,
    document_id: str,
    now: datetime,
    resources: Resources,
    who: Principal,
    published: date | None = None,
) -> IngestSummary:
    """Read a stored text document again with the current pipeline."""
    authorize(who, UseCase.IMPORT_DATA)
    events = uow.documents.intake_events(document_id)
    if not events:
        raise NotFound(f"no raw document {document_id}")
    kind = KIND_BY_CHANNEL.get(events[0].channel)
    if kind is None:
        raise InputRejected(
            f"document {document_id} is a {events[0].channel} data set; use reprocess"
        )
    return _process(
        uow=uow,
        document_id=document_id,
        is_new=False,
        content=uow.documents.content(document_id),
        kind=kind,
        label=events[0].filename or document_id,
        published=published,
        now=now,
        resources=resources,
        who=who,
        received=events_received(uow, document_id),
    )


class ProcessingFailed(InputRejected):
    """A stored document could not be processed. It stays stored, marked failed with the
    reason, and can be re-run. `stage` says where: read, a pipeline stage, time, memory..."""

    def __init__(self, message: str, *, document_id: str, stage: str) -> None:
        super().__init__(message)
        self.document_id = document_id
        self.stage = stage


@dataclass
class Parsed:
    """What reading and extracting one document gave: the reports, or why it failed. Plain
    data, so that it can come back from a worker process."""

    texts: int = 0
    reports: list[Report] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    error: str | None = None
    stage: str | None = None  # where it failed: "read", "extract:<stage>", "time", "memory"


def parse_document(
    content: bytes,
    *,
    kind: str,
    label: str,
    document_id: str,
    published: date | None,
    resources: Resources,
    received: date | None = None,
) -> Parsed:
    """Read a document and run the pipeline over its texts; pure (no store). Never raises for
    what the document holds: bad input and a bug in a reader or stage alike come back as the
    error, so that one document cannot stop a batch or a server."""
    try:
        return _parse(content, kind, label, document_id, published, resources, received)
    except StageFailed as exc:
        return Parsed(error=str(exc), stage=f"extract:{exc.stage}")
    except TruceError as exc:
        return Parsed(error=str(exc), stage="read")
    except Exception as exc:  # a bug outside the stages (they name themselves): say so
        return parse_failure(exc, label)


def _parse(
    content: bytes,
    kind: str,
    label: str,
    document_id: str,
    published: date | None,
    resources: Resources,
    received: date | None = None,
) -> Parsed:
    # `received` (the first arrival's day) dates what only a relative date places, when the
    # text has no publication date: the same day on every re-run, so the same reports.
    meta = TextMeta(label=label, published=published, document_id=document_id, received=received)
    texts = read(content, kind=kind, label=label, meta=meta)
    parsed = Parsed(texts=len(texts))
    for number, text in enumerate(texts, start=1):
        parsed.reports += _extract_text(text, number, document_id, resources, parsed.dropped)
    return parsed


def _process(
    *,
    uow: UnitOfWork,
    document_id: str,
    is_new: bool,
    content: bytes,
    kind: str,
    label: str,
    published: date | None,
    now: datetime,
    resources: Resources,
    who: Principal,
    received: date | None = None,
) -> IngestSummary:
    """In-process: read, extract and store. A failure is stored, then raised as it came
    (InputRejected, StageFailed), or as ProcessingFailed for anything unexpected."""
    try:
        parsed = _parse(content, kind, label, document_id, published, resources, received)
    except TruceError as exc:
        mark_failed(uow=uow, document_id=document_id, reason=str(exc))
        raise
    except Exception as exc:  # a reader's bug, or input nested past the stack: kept, said
        parsed = parse_failure(exc, label)
        mark_failed(uow=uow, document_id=document_id, reason=parsed.error or "")
        raise ProcessingFailed(
            parsed.error or "", document_id=document_id, stage=parsed.stage or "read"
        ) from exc
    return store_parsed(
        uow=uow,
        document_id=document_id,
        parsed=parsed,
        is_new=is_new,
        kind=kind,
        label=label,
        now=now,
        who=who,
    )


def events_received(uow: UnitOfWork, document_id: str) -> date | None:
    """The day a stored document first arrived."""
    events = uow.documents.intake_events(document_id)
    return min(e.received_at for e in events).date() if events else None


def parse_failure(exc: BaseException, label: str) -> Parsed:
    """The failure an unexpected exception in reading stands for."""
    if isinstance(exc, MemoryError):
        return Parsed(error=f"{label}: reading it needed more memory than allowed", stage="memory")
    if isinstance(exc, RecursionError):
        return Parsed(error=f"{label}: nested too deeply to read", stage="read")
    return Parsed(error=f"{label}: unexpected {type(exc).__name__}: {exc}", stage="read")


def mark_failed(*, uow: UnitOfWork, document_id: str, reason: str) -> None:
    """Keep the document, failed, with the reason; committed at once."""
    uow.rollback()  # whatever the failed attempt wrote, not the document (already committed)
    uow.documents.set_status(document_id, DocumentStatus.FAILED, reason[:2000])
    uow.commit()


def store_parsed(
    *,
    uow: UnitOfWork,
    document_id: str,
    parsed: Parsed,
    is_new: bool,
    kind: str,
    label: str,
    now: datetime,
    who: Principal,
) -> IngestSummary:
    """Store what parsing gave: the reports and the status `processed`, with the ledger act,
    then refresh incidents; or the failure (and raise ProcessingFailed)."""
    if parsed.error is not None:
        mark_failed(uow=uow, document_id=document_id, reason=parsed.error)
        raise ProcessingFailed(parsed.error, document_id=document_id, stage=parsed.stage or "read")
    summary = IngestSummary(document_id=document_id, label=label, new_document=is_new, kind=kind)
    reports = parsed.reports
    summary.texts, summary.reports, summary.dropped = parsed.texts, reports, parsed.dropped
    if reports:
        outcomes = uow.reports.add_many(reports, now)
        summary.imported, summary.unchanged = outcomes.count("new"), outcomes.count("unchanged")
        summary.revised = outcomes.count("revised")
    detail = summary.line()
    if summary.dropped:
        detail += "; not events: " + "; ".join(summary.dropped[:10])
    uow.documents.set_status(document_id, DocumentStatus.PROCESSED, detail)
    uow.record(
        Act(
            "reports.extract",
            who.member,
            who.user,
            objects=(document_ref(uow, document_id), *(r.id for r in reports)),
            details={"imported": summary.imported, "revised": summary.revised},
        ),
        now,
    )
    uow.commit()
    if summary.imported or summary.revised:
        try:
            summary.incidents = after_intake(
                uow=uow, who=who, now=now, label=label, new=[r.id for r in reports]
            )
        except Exception as exc:  # the reports are stored; say what did not follow them
            summary.incidents = f"incidents not refreshed: {type(exc).__name__}: {exc}"
            uow.rollback()
            uow.documents.set_status(
                document_id, DocumentStatus.PROCESSED, f"{detail}; {summary.incidents}"[:2000]
            )
            uow.commit()
    return summary


def _extract_text(
    text: Text, number: int, document_id: str, resources: Resources, dropped: list[str]
) -> list[Report]:
    part = text.part or f"text-{number}"
    meta = replace(text.meta, document_id=f"{document_id}:{part}")
    doc = extract(text.text, meta, resources)
    dropped += [f"{doc.body[m.start : m.end]!r}: {why}" for m, why in doc.dropped if m.start >= 0]
    return [r.evolve(document_id=document_id) for r in doc.reports]


def extract_texts(items: list[tuple[str, TextMeta]], resources: Resources) -> list[list[Report]]:
    """The pipeline over texts without storing anything; a text a stage fails on raises."""
    return [list(extract(text, meta, resources).reports) for text, meta in items]


@dataclass(frozen=True)
class Extracted:
    """What the pipeline gave for one text: its reports, or where and why it failed. Plain
    data, so that it can come back from a cluster's worker."""

    reports: list[Report] = field(default_factory=list)
    stage: str | None = None  # "extract:<stage>", or "extract" for a failure between stages
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None


def extract_one(text: str, meta: TextMeta, resources: Resources) -> Extracted:
    """The pipeline over one text, storing nothing. Never raises for what the text holds: a
    stage's bug is this text's failure, so that one text cannot stop a batch."""
    try:
        return Extracted(list(extract(text, meta, resources).reports))
    except StageFailed as exc:
        return Extracted(stage=f"extract:{exc.stage}", error=str(exc))
    except PipelineError:
        raise  # the pipeline is badly put together: every text would fail, so stop
    except (TruceError, RecursionError, MemoryError) as exc:
        failure = parse_failure(exc, meta.label) if not isinstance(exc, TruceError) else None
        return Extracted(stage="extract", error=failure.error if failure else str(exc))


def extract_each(items: list[tuple[str, TextMeta]], resources: Resources) -> list[Extracted]:
    """The pipeline over texts without storing anything (for `truce extract`), each text's
    failure kept beside the others' reports."""
    return [extract_one(text, meta, resources) for text, meta in items]


def submit_text(
    *,
    uow: UnitOfWork,
    text: str,
    now: datetime,
    max_bytes: int,
    resources: Resources,
    title: str | None = None,
    published: date | None = None,
    source: str | None = None,
    language: str | None = None,
    url: str | None = None,
    who: Principal,
) -> IngestSummary:
    """A text submitted through the API or the web form: stored as its JSON, then read like
    any document."""
    authorize(who, UseCase.SUBMIT_REPORT)
    content = text_payload(
        text=text,
        title=title,
        published=published,
        source=source,
        language=language,
        url=url,
        submitter=who.user,
    )
    return ingest_document(
        uow=uow,
        content=content,
        now=now,
        max_bytes=max_bytes,
        resources=resources,
        filename=None,
        kind="json",
        who=who,
    )


def text_payload(
    *,
    text: str,
    submitter: str,
    title: str | None = None,
    published: date | None = None,
    source: str | None = None,
    language: str | None = None,
    url: str | None = None,
) -> bytes:
    """A submitted text as the JSON document that is stored (and read like any other)."""
    if not text.strip():
        raise InputRejected("a submission needs a non-empty text")
    payload = {
        "title": title,
        "text": text,
        "published": published.isoformat() if published else None,
        "source": source,
        "language": language,
        "url": url,
        "submitter": submitter,
    }
    return canonical_json(payload)
