"""Keeping incidents, grades and findings current as reports arrive or are corrected."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from truce.domain.access import Principal
from truce.services.assessment import judge
from truce.services.incidents import FuseSummary, place_reports
from truce.store.uow import UnitOfWork


@dataclass
class RefreshSummary:
    fusion: FuseSummary
    findings: Counter[str] = field(default_factory=Counter)  # changed findings, by agreement

    def line(self) -> str:
        changed = sum(self.findings.values())
        return f"{self.fusion.line()}; {changed} finding(s) changed"


def refresh(
    *,
    uow: UnitOfWork,
    who: Principal,
    now: datetime,
    reason: str,
    new: Iterable[str] | None = None,
    touched: Iterable[str] = (),
) -> RefreshSummary:
    """Place new reports into incidents (incrementally), then grade and judge again every
    incident whose reports changed, against each agreement in the store (amendments are
    judged with the agreement they amend). Each changed finding keeps who, when and why.
    Does not commit: the caller's act and its consequences land together."""
    fusion = place_reports(uow=uow, who=who, now=now, new=new, touched=touched, reason=reason)
    summary = RefreshSummary(fusion=fusion)
    if not fusion.changed:
        return summary
    for agreement in uow.agreements.all():
        if agreement.amends is not None:
            continue
        counts = judge(
            uow=uow,
            who=who,
            agreement_id=agreement.id,
            now=now,
            reason=reason,
            only=fusion.changed,
        )
        summary.findings[agreement.id] = counts["changed"]
    return summary


def after_intake(
    *, uow: UnitOfWork, who: Principal, now: datetime, label: str, new: Iterable[str]
) -> str:
    """Refresh after new reports were stored (and committed: they are kept even if this
    fails). `new` names them, so that placement reads only their neighbourhood."""
    summary = refresh(uow=uow, who=who, now=now, reason=f"new reports from {label}", new=new)
    uow.commit()
    return summary.line()
