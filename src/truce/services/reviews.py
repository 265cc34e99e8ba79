"""Review use cases: accept a report, correct one of its fields, reject it."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from truce.domain.access import SYSTEM, Principal, UseCase, authorize
from truce.domain.canonical import canonical_json
from truce.domain.errors import ValidationFailed
from truce.domain.reports import Report
from truce.domain.reviews import (
    Review,
    ReviewAction,
    ReviewStatus,
    apply_correction,
    check_reviewable,
    reviewed_view,
)
from truce.ledger.entries import Act
from truce.services.refresh import refresh
from truce.store.uow import UnitOfWork


def review_report(
    *,
    uow: UnitOfWork,
    report_id: str,
    action: ReviewAction,
    reviewer: str,
    now: datetime,
    field: str | None = None,
    value: Any = None,
    reason: str | None = None,
    who: Principal = SYSTEM,
) -> tuple[Report, ReviewStatus]:
    """Record one review act and return the report as reviewed, with its new status.

    A correction is validated against the whole report (a sub-type must still
    fit its type, and so on) and kept as a correction: the original stays.
    """
    authorize(who, UseCase.REVIEW_REPORT)
    original = uow.reports.get(report_id)
    history = uow.reviews.for_report(report_id)
    current, status = reviewed_view(original, history)
    check_reviewable(status, action)
    previous = None
    if action is ReviewAction.CORRECT:
        if field is None:
            raise ValidationFailed("a correction names the field it corrects", field="field")
        current, previous = apply_correction(current, field, value)
    review = Review(report_id=report_id, action=action, field=field, value=value, previous=previous,
                    reviewer=reviewer, reason=reason, at=now)  # fmt: skip
    uow.reviews.add(review)
    reviewed, new_status = reviewed_view(original, [*history, review])
    uow.reports.set_review_status(report_id, new_status.value)
    uow.record(Act(f"report.{action.value}", who.member, reviewer, objects=(report_id,),
                   hashes={"report": hashlib.sha256(canonical_json(reviewed.to_plain())).hexdigest()},
                   details={"field": field, "reason": reason}), now)  # fmt: skip
    # The review and what it changes downstream (incident, grades, finding) land together.
    what = f"{action.value} {field}" if field else action.value
    refresh(uow=uow, now=now, actor=reviewer, reason=f"review of {report_id}: {what}" + (f" ({reason})" if reason else ""),
            touched=[report_id])  # fmt: skip
    uow.commit()
    return reviewed, new_status


def reviewed_report(
    *, uow: UnitOfWork, report_id: str
) -> tuple[Report, Report, ReviewStatus, list[Review]]:
    """The original extraction, the reviewed version, the status and the review history."""
    original = uow.reports.get(report_id)
    history = uow.reviews.for_report(report_id)
    reviewed, status = reviewed_view(original, history)
    return original, reviewed, status, history
