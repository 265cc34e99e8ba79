"""Grading and assessing every incident against an agreement; the per-guarantor tally."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from truce.assess.grading import grade
from truce.assess.rules import assess
from truce.assess.views import Counting, GuarantorTally, guarantor_tallies
from truce.domain.incidents import Finding
from truce.services.incidents import usable_reports
from truce.services.scenarios import registry_from_store
from truce.services.sources import source_book
from truce.store.uow import UnitOfWork


def assess_incidents(*, uow: UnitOfWork, agreement_id: str, now: datetime, actor: str = "system",
                     reason: str = "assessment run") -> Counter[str]:  # fmt: skip
    """Grade and assess every incident; store the findings that changed, with who and why."""
    agreements = uow.agreements.all()
    base = uow.agreements.get(agreement_id)
    registry = registry_from_store(uow=uow)
    book = source_book()
    reports = usable_reports(uow)
    counts: Counter[str] = Counter()
    for incident in uow.incidents.all():
        members = [reports[r] for r in incident.report_ids if r in reports]
        if not members:
            continue
        grades = grade(members, book)
        finding = assess(incident, members, agreements=agreements, base_id=base.id, registry=registry,
                         grades=grades, now=now)  # fmt: skip
        counts[finding.category.value] += 1
        if uow.findings.put(finding, actor=actor, reason=reason):
            counts["changed"] += 1
    uow.commit()
    return counts


def findings_by_incident(*, uow: UnitOfWork, agreement_id: str) -> dict[str, Finding]:
    return {f.incident_id: f for f in uow.findings.all_current(agreement_id)}


def tally_for_day(*, uow: UnitOfWork, agreement_id: str, day: date, guarantor: str | None = None,
                  counting: Counting = Counting.INCIDENT) -> list[GuarantorTally]:  # fmt: skip
    agreement = uow.agreements.get(agreement_id)
    return guarantor_tallies(
        day, agreement=agreement, incidents=uow.incidents.all(start=day - _WEEK, end=day),
        findings=findings_by_incident(uow=uow, agreement_id=agreement_id), reports=usable_reports(uow),
        book=source_book(), counting=counting, guarantor=guarantor,
    )  # fmt: skip


_WEEK = date(2017, 1, 8) - date(2017, 1, 1)
