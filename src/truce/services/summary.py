"""The compliance summary that `truce demo` and `truce summary` print."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from truce.assess.tally import Tally, tally
from truce.domain.access import Principal, UseCase, authorize
from truce.services.scenarios import registry_from_store
from truce.store.uow import UnitOfWork


def compliance_summary(
    *,
    uow: UnitOfWork,
    who: Principal,
    agreement_id: str,
    start: date | None = None,
    end: date | None = None,
) -> Tally:
    """Tally the stored reports against an agreement, by governorate and side.

    The period defaults to the agreement's own: from the day it took effect,
    in its timezone, to the day it ended or the latest report.
    """
    authorize(who, UseCase.VIEW)
    agreement = uow.agreements.get(agreement_id)
    local_start = agreement.in_force_from.astimezone(ZoneInfo(agreement.timezone)).date()
    period_start = start or local_start
    if end is None and agreement.in_force_to is not None:
        end = agreement.in_force_to.astimezone(ZoneInfo(agreement.timezone)).date()
    # Every current report: the tally also says how many fall outside the period.
    reports = list(uow.reports.iter_current())
    if end is None:
        end = max((r.date_end for r in reports), default=period_start)
    return tally(
        reports,
        agreement=agreement,
        registry=registry_from_store(uow=uow),
        start=period_start,
        end=end,
    )
