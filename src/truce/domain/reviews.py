"""Review of extracted reports: accept, correct a field, reject. The original stays as it was."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pydantic

from truce.domain.base import Record
from truce.domain.errors import Conflict, ValidationFailed
from truce.domain.reports import Report


class ReviewAction(StrEnum):
    ACCEPT = "accept"
    CORRECT = "correct"
    REJECT = "reject"


class ReviewStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    CORRECTED = "corrected"
    REJECTED = "rejected"


# Fields a reviewer may correct: the claim's facts, not its provenance.
CORRECTABLE = frozenset(
    {
        "date_start",
        "date_end",
        "date_precision",
        "location_name",
        "admin1",
        "admin2",
        "admin3",
        "country",
        "lat",
        "lon",
        "location_precision",
        "event_type",
        "sub_event_type",
        "civilian_targeting",
        "fatalities_low",
        "fatalities_best",
        "fatalities_high",
        "deaths_civilians",
        "injured",
        "arrested",
        "attribution",
        "weapons",
        "actors",
        "language",
    }
)


class Review(Record):
    report_id: str
    action: ReviewAction
    field: str | None = None
    value: Any = None
    previous: Any = None
    reviewer: str = pydantic.Field(min_length=1)
    reason: str | None = None
    at: pydantic.AwareDatetime


def apply_correction(report: Report, field: str, value: Any) -> tuple[Report, Any]:
    """The report with one field corrected (validated), and the value it replaces."""
    if field not in CORRECTABLE:
        raise ValidationFailed(
            f"{field!r} cannot be corrected; correctable fields: {', '.join(sorted(CORRECTABLE))}",
            field=field,
        )
    previous = report.to_plain()[field]
    corrected = Report.parse({**report.to_plain(), field: value})
    return corrected, previous


def reviewed_view(report: Report, reviews: list[Review]) -> tuple[Report, ReviewStatus]:
    """The report as reviewers left it, and its review status."""
    current, status = report, ReviewStatus.PENDING
    for review in reviews:
        if review.action is ReviewAction.CORRECT and review.field is not None:
            current, _ = apply_correction(current, review.field, review.value)
            status = ReviewStatus.CORRECTED
        elif review.action is ReviewAction.ACCEPT:
            status = (
                ReviewStatus.CORRECTED
                if status is ReviewStatus.CORRECTED
                else ReviewStatus.ACCEPTED
            )
        elif review.action is ReviewAction.REJECT:
            status = ReviewStatus.REJECTED
    return current, status


def check_reviewable(status: ReviewStatus, action: ReviewAction) -> None:
    if status is ReviewStatus.REJECTED and action is not ReviewAction.ACCEPT:
        raise Conflict(
            f"the report was rejected; it cannot be {action.value}ed until accepted again"
        )
