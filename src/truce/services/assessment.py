"""Grading and assessing every incident against an agreement; the per-guarantor tally."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection
from datetime import date, datetime

from truce.assess.grading import grade
from truce.assess.rules import assess
from truce.assess.views import Counting, GuarantorTally, guarantor_tallies
from truce.domain.access import SYSTEM, Principal, UseCase, authorize, name_for
from truce.domain.incidents import Finding
from truce.ledger.entries import Act
from truce.services.incidents import usable_reports
from truce.services.scenarios import registry_from_store
from truce.services.sources import source_book
from truce.store.uow import UnitOfWork


def assess_incidents(*, uow: UnitOfWork, agreement_id: str, now: datetime, actor: str = "system",
                     reason: str = "assessment run", who: Principal = SYSTEM) -> Counter[str]:  # fmt: skip
    """Grade and assess every incident; store the findings that changed, with who and why."""
    authorize(who, UseCase.ASSESS)
    counts = judge(
        uow=uow,
        agreement_id=agreement_id,
        now=now,
        actor=name_for(who, actor),
        reason=reason,
        member=who.member,
    )
    uow.commit()
    return counts


def judge(*, uow: UnitOfWork, agreement_id: str, now: datetime, actor: str, reason: str, member: str = SYSTEM.member,
          only: Collection[str] | None = None) -> Counter[str]:  # fmt: skip
    """Grade and assess incidents (all, or those in `only`) without committing."""
    agreements = uow.agreements.all()
    base = uow.agreements.get(agreement_id)
    registry = registry_from_store(uow=uow)
    book = source_book()
    reports = usable_reports(uow)
    counts: Counter[str] = Counter()
    changed: list[str] = []
    wanted = set(only) if only is not None else None
    for incident in uow.incidents.all():
        if wanted is not None and incident.id not in wanted:
            continue
        members = [reports[r] for r in incident.report_ids if r in reports]
        if not members:
            continue
        grades = grade(members, book)
        finding = assess(incident, members, agreements=agreements, base_id=base.id, registry=registry,
                         grades=grades, now=now)  # fmt: skip
        counts[finding.category.value] += 1
        if uow.findings.put(finding, actor=actor, reason=reason):
            counts["changed"] += 1
            changed.append(incident.id)
    if changed:
        uow.record(Act("findings.assess", member, actor, objects=tuple(changed[:50]),
                       hashes={"changed": hashlib.sha256(",".join(changed).encode()).hexdigest()},
                       details={"agreement": agreement_id, "changed": len(changed), "reason": reason}), now)  # fmt: skip
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
