"""Structured reports: a form's or a client's fields, taken in as one report.

The fields are kept as received (canonical JSON, content-addressed, like any document),
then validated into a report: a bad field is refused with its name, and the document
stays stored with the reason, as every intake does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from truce.domain.access import Principal, UseCase, authorize
from truce.domain.canonical import canonical_json
from truce.domain.documents import Channel, DocumentStatus
from truce.domain.errors import ValidationFailed
from truce.domain.reports import Provenance, Report, SourceRef
from truce.ledger.entries import Act
from truce.services.commitments import document_ref
from truce.services.intake import receive_document
from truce.services.refresh import after_intake
from truce.store.uow import UnitOfWork

FIELDS = (
    "date_start",
    "date_end",
    "date_precision",
    "location_name",
    "admin1",
    "admin2",
    "lat",
    "lon",
    "location_precision",
    "actors",
    "event_type",
    "sub_event_type",
    "civilian_targeting",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "injured",
    "weapons",
    "notes",
    "attribution",
    "language",
)


def submit_structured(
    *,
    uow: UnitOfWork,
    fields: dict[str, Any],
    now: datetime,
    max_bytes: int,
    who: Principal,
    source: str | None = None,
) -> Report:
    """Store the fields as received, then the report they make; then refresh incidents."""
    authorize(who, UseCase.SUBMIT_REPORT)
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise ValidationFailed(
            f"unknown field(s) {', '.join(unknown)}; known: {', '.join(FIELDS)}", field=unknown[0]
        )
    content = canonical_json({"fields": fields, "source": source, "submitter": who.user})
    document, _ = receive_document(
        uow=uow,
        content=content,
        media_type="application/json",
        channel=Channel.WEB_FORM,
        now=now,
        filename=None,
        who=who,
        max_bytes=max_bytes,
    )
    plain = {"date_end": fields.get("date_start"), **fields}
    try:
        report = Report.parse(
            {
                **plain,
                "document_id": document.id,
                "sources": [SourceRef(name=source).to_plain()] if source else [],
                "provenance": Provenance(dataset="form", dataset_id=document.id[:16]).to_plain(),
            }
        )
    except ValidationFailed as exc:
        uow.documents.set_status(document.id, DocumentStatus.FAILED, str(exc))
        uow.commit()
        raise
    report = report.with_content_id()
    uow.reports.add_many([report], now)
    uow.documents.set_status(document.id, DocumentStatus.PROCESSED, "1 structured report")
    uow.record(
        Act(
            "reports.submit",
            who.member,
            who.user,
            objects=(document_ref(uow, document.id), report.id),  # keyed: see commitments.py
        ),
        now,
    )
    uow.commit()
    after_intake(uow=uow, who=who, now=now, label=f"structured report {report.id}", new=[report.id])
    return report
