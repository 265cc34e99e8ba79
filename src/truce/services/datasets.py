"""Import and export of coded data sets: ACLED, UCDP GED, GeoJSON, PLOVER."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from truce.domain.access import Principal, UseCase, authorize
from truce.domain.documents import Channel, DocumentStatus
from truce.domain.errors import InputRejected, NotFound, TruceError
from truce.domain.reports import Report
from truce.formats.acled import read_acled, write_acled
from truce.formats.common import ReadResult, RowError, WriteResult
from truce.formats.geojson import read_geojson, write_geojson
from truce.formats.plover import read_plover, write_plover
from truce.formats.ucdp import read_ucdp, write_ucdp
from truce.ledger.entries import Act
from truce.services.commitments import document_ref
from truce.services.intake import decode_text, receive_document
from truce.services.refresh import after_intake
from truce.store.uow import UnitOfWork

Progress = Callable[[int], None]
BATCH = 500  # reports stored per round trip to the database


@dataclass(frozen=True)
class DatasetFormat:
    channel: Channel
    media_type: str
    read: Callable[[str], ReadResult]
    write: Callable[..., WriteResult]


DATASET_FORMATS: dict[str, DatasetFormat] = {
    "acled": DatasetFormat(Channel.ACLED_CSV, "text/csv", read_acled, write_acled),
    "ucdp": DatasetFormat(Channel.UCDP_CSV, "text/csv", read_ucdp, write_ucdp),
    "geojson": DatasetFormat(Channel.GEOJSON, "application/geo+json", read_geojson, write_geojson),
    "plover": DatasetFormat(Channel.PLOVER_JSONL, "application/jsonl", read_plover, write_plover),
}
_FORMAT_BY_CHANNEL = {f.channel: name for name, f in DATASET_FORMATS.items()}


@dataclass
class ImportSummary:
    document_id: str
    new_document: bool
    layout: str = ""
    imported: int = 0
    unchanged: int = 0
    revised: int = 0
    rejected: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)  # IDs of the reports new or revised
    incidents: str | None = None  # what the refresh that followed did, if it ran

    @property
    def status(self) -> DocumentStatus:
        return DocumentStatus.PARTLY_PROCESSED if self.rejected else DocumentStatus.PROCESSED

    def line(self) -> str:
        return (
            f"imported {self.imported}, unchanged {self.unchanged}, revised {self.revised}, "
            f"rejected {len(self.rejected)}, warnings {len(self.warnings)}"
        ) + (f"; {self.incidents}" if self.incidents else "")


def _format(name: str) -> DatasetFormat:
    try:
        return DATASET_FORMATS[name]
    except KeyError:
        raise InputRejected(
            f"unknown data-set format {name!r}; use one of {', '.join(DATASET_FORMATS)}"
        ) from None


def import_dataset(
    *,
    uow: UnitOfWork,
    fmt: str,
    content: bytes,
    now: datetime,
    max_bytes: int,
    who: Principal,
    filename: str | None = None,
    progress: Progress | None = None,
    refresh: bool = True,
) -> ImportSummary:
    """Store the file as a raw document first, then parse it and store its reports; then
    (unless `refresh` is off, for bulk loads fused afterwards) bring incidents up to date."""
    authorize(who, UseCase.IMPORT_DATA)
    spec = _format(fmt)
    document, is_new = receive_document(
        uow=uow,
        content=content,
        media_type=spec.media_type,
        channel=spec.channel,
        now=now,
        filename=filename,
        who=who,
        max_bytes=max_bytes,
    )
    summary = _process(
        uow=uow,
        fmt=fmt,
        document_id=document.id,
        is_new=is_new,
        content=content,
        who=who,
        label=filename or document.id,
        now=now,
        progress=progress,
    )
    if refresh and (summary.imported or summary.revised):
        summary.incidents = after_intake(
            uow=uow, who=who, now=now, label=filename or document.id, new=summary.stored
        )
    return summary


def reprocess_document(
    *,
    uow: UnitOfWork,
    document_id: str,
    who: Principal,
    now: datetime,
    progress: Progress | None = None,
) -> ImportSummary:
    """Run a stored data-set document through its reader again (e.g. after a fix)."""
    authorize(who, UseCase.IMPORT_DATA)
    events = uow.documents.intake_events(document_id)
    if not events:
        raise NotFound(f"no raw document {document_id}")
    fmt = _FORMAT_BY_CHANNEL.get(events[0].channel)
    if fmt is None:
        raise InputRejected(
            f"document {document_id} came by {events[0].channel}, not as a data set"
        )
    content = uow.documents.content(document_id)
    return _process(
        uow=uow,
        fmt=fmt,
        document_id=document_id,
        is_new=False,
        content=content,
        who=who,
        label=events[0].filename or document_id,
        now=now,
        progress=progress,
    )


def _process(
    *,
    uow: UnitOfWork,
    fmt: str,
    document_id: str,
    is_new: bool,
    content: bytes,
    label: str,
    now: datetime,
    progress: Progress | None,
    who: Principal,
) -> ImportSummary:
    summary = ImportSummary(document_id=document_id, new_document=is_new)
    try:
        parsed = _format(fmt).read(decode_text(content, label))
    except TruceError as exc:
        # The document stays stored, marked failed with the reason, ready to re-run.
        uow.documents.set_status(document_id, DocumentStatus.FAILED, str(exc))
        uow.commit()
        raise InputRejected(f"{label}: {exc}") from None
    summary.layout = parsed.layout
    summary.rejected = parsed.rejected
    summary.warnings = parsed.warnings
    for first in range(0, len(parsed.reports), BATCH):
        batch = [r.evolve(document_id=document_id) for r in parsed.reports[first : first + BATCH]]
        outcomes = uow.reports.add_many(batch, now)
        summary.stored += [r.id for r, o in zip(batch, outcomes, strict=True) if o != "unchanged"]
        summary.imported += outcomes.count("new")
        summary.revised += outcomes.count("revised")
        summary.unchanged += outcomes.count("unchanged")
        if progress is not None:
            progress(len(batch))
    detail = summary.line()
    if summary.rejected:
        detail += "; " + "; ".join(str(e) for e in summary.rejected[:20])
    uow.documents.set_status(document_id, summary.status, detail)
    uow.record(
        Act(
            "reports.import",
            who.member,
            who.user,
            # The keyed identifier: a raw SHA-256 in the ledger would confirm a copy's submission.
            objects=(document_ref(uow, document_id),),
            details={
                "imported": summary.imported,
                "revised": summary.revised,
                "rejected": len(summary.rejected),
            },
        ),
        now,
    )
    uow.commit()
    return summary


def export_reports(
    *,
    uow: UnitOfWork,
    who: Principal,
    fmt: str,
    layout: str | None = None,
    start: date | None = None,
    end: date | None = None,
    governorate: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
) -> WriteResult:
    """Current reports in a format, with what each row lost; protected sources redacted for
    all but analysts. `start`/`end` keep reports overlapping those days; `governorate` keeps
    those in it (by name, as the report gives it); `bbox` (west, south, east, north) those
    placed in it, as this user sees the place: a box never finds a protected report by its
    exact coordinates."""
    from truce.services.views import Redactor

    authorize(who, UseCase.VIEW)
    spec = _format(fmt)
    if layout is not None and fmt != "acled":
        raise InputRejected("--layout applies only to ACLED exports")
    redactor = Redactor(uow, who)
    shown = (
        redactor.report(r)
        for r in uow.reports.iter_current(start=start, end=end)
        if governorate is None or (r.admin1 or "").casefold() == governorate.casefold()
    )
    reports = [r for r in shown if bbox is None or _inside(r, bbox)]
    if layout is not None:
        return spec.write(reports, layout=layout)
    return spec.write(reports)


def _inside(report: Report, bbox: tuple[float, float, float, float]) -> bool:
    west, south, east, north = bbox
    if report.lat is None or report.lon is None:
        return False
    return west <= report.lon <= east and south <= report.lat <= north
