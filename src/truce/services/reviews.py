"""Review use cases: accept a report, correct one of its fields, reject it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
) -> tuple[Report, ReviewStatus]:
    """Record one review act and return the report as reviewed, with its new status.

    A correction is validated against the whole report (a sub-type must still
    fit its type, and so on) and kept as a correction: the original stays.
    """
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
