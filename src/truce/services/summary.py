"""The compliance summary that `truce demo` and `truce summary` print."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from truce.assess.tally import Tally, tally
from truce.services.scenarios import registry_from_store
from truce.store.uow import UnitOfWork


def compliance_summary(
    *, uow: UnitOfWork, agreement_id: str, start: date | None = None, end: date | None = None
) -> Tally:
    """Tally the stored reports against an agreement, by governorate and side.

    The period defaults to the agreement's own: from the day it took effect,
    in its timezone, to the day it ended or the latest report.
    """
    agreement = uow.agreements.get(agreement_id)
    local_start = agreement.in_force_from.astimezone(ZoneInfo(agreement.timezone)).date()
    period_start = start or local_start
    reports = list(uow.reports.iter_current())
    if end is None:
        if agreement.in_force_to is not None:
            end = agreement.in_force_to.astimezone(ZoneInfo(agreement.timezone)).date()
        else:
            end = max((r.date_end for r in reports), default=period_start)
    return tally(
        reports,
        agreement=agreement,
        registry=registry_from_store(uow=uow),
        start=period_start,
        end=end,
    )
