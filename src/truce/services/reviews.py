"""Review use cases: accept a report, correct one of its fields, reject it."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from truce.domain.access import Principal, UseCase, authorize
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
from truce.services.commitments import text_ref
from truce.services.refresh import refresh
from truce.store.uow import UnitOfWork


def review_report(
    *,
    uow: UnitOfWork,
    who: Principal,
    report_id: str,
    action: ReviewAction,
    now: datetime,
    field: str | None = None,
    value: Any = None,
    reason: str | None = None,
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
    review = Review(
        report_id=report_id,
        action=action,
        field=field,
        value=value,
        previous=previous,
        reviewer=who.user,
        reason=reason,
        at=now,
    )
    uow.reviews.add(review)
    reviewed, new_status = reviewed_view(original, [*history, review])
    uow.reports.set_review_status(report_id, new_status.value)
    uow.record(
        Act(
            f"report.{action.value}",
            who.member,
            who.user,
            objects=(report_id,),
            hashes={"report": hashlib.sha256(canonical_json(reviewed.to_plain())).hexdigest()},
            # The reason may name a witness: the ledger holds a salted commitment to it, the
            # review (in the store, under its access rules) the text.
            details={"field": field, "reason": text_ref(uow, reason)},
        ),
        now,
    )
    # The review and what it changes downstream (incident, grades, finding) land together.
    what = f"{action.value} {field}" if field else action.value
    because = f"review of {report_id}: {what}" + (f" ({reason})" if reason else "")
    refresh(uow=uow, who=who, now=now, reason=because, new=(), touched=[report_id])
    uow.commit()
    return reviewed, new_status


def reviewed_report(
    *, uow: UnitOfWork, who: Principal, report_id: str
) -> tuple[Report, Report, ReviewStatus, list[Review]]:
    """The original extraction, the reviewed version, the status and the review history,
    as this user may see them."""
    from truce.services.views import Redactor

    authorize(who, UseCase.VIEW)
    redactor = Redactor(uow, who)
    original = uow.reports.get(report_id)
    history = uow.reviews.for_report(report_id)
    reviewed, status = reviewed_view(original, history)
    shown = redactor.report(original)
    if shown is not original:  # protected: its corrections may name the place or the source
        history = [h for h in history if h.field not in _PLACE_FIELDS]
    return shown, redactor.report(reviewed), status, history


# Corrections of these fields would give a protected report's exact place back.
_PLACE_FIELDS = frozenset({"location_name", "lat", "lon", "admin3", "notes"})
