"""Grading and assessing incidents against an agreement; the per-guarantor tally.

A run reads what it judges and nothing more: the incidents asked for, their reports, and
the agreement, registry and source book once per run.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection
from datetime import date, datetime, timedelta

from truce.assess.grading import grade
from truce.assess.parties import Excluded
from truce.assess.rules import assess
from truce.assess.views import Counting, GuarantorTally, guarantor_tallies
from truce.domain.access import Principal, UseCase, authorize
from truce.domain.incidents import Finding, Incident
from truce.ledger.entries import Act
from truce.services.commitments import text_ref
from truce.services.incidents import usable_reports
from truce.services.scenarios import registry_from_store
from truce.services.sources import source_book
from truce.store.uow import UnitOfWork

TALLY_LOOKBACK = timedelta(days=7)  # incidents that began up to a week before still count


def assess_incidents(
    *,
    uow: UnitOfWork,
    who: Principal,
    agreement_id: str,
    now: datetime,
    reason: str = "assessment run",
) -> Counter[str]:
    """Grade and assess every incident; store the findings that changed, with who and why."""
    authorize(who, UseCase.ASSESS)
    counts = judge(uow=uow, who=who, agreement_id=agreement_id, now=now, reason=reason)
    uow.commit()
    return counts


def judge(
    *,
    uow: UnitOfWork,
    who: Principal,
    agreement_id: str,
    now: datetime,
    reason: str,
    only: Collection[str] | None = None,
) -> Counter[str]:
    """Grade and assess incidents (all, or those in `only`) without committing."""
    agreements = uow.agreements.all()
    base = uow.agreements.get(agreement_id)
    registry = registry_from_store(uow=uow)
    book = source_book(uow=uow)
    excluded = Excluded(base, registry)  # its name matcher, built once for the run
    counts: Counter[str] = Counter()
    changed: list[str] = []
    for incidents in _batches(uow, only):
        reports = usable_reports(
            uow, ids={r for i in incidents for r in i.report_ids}, registry=registry
        )
        for incident in incidents:
            members = [reports[r] for r in incident.report_ids if r in reports]
            if not members:
                continue
            grades = grade(members, book)
            finding = assess(
                incident,
                members,
                agreements=agreements,
                base_id=base.id,
                registry=registry,
                grades=grades,
                now=now,
                excluded=excluded,
            )
            counts[finding.category.value] += 1
            if uow.findings.put(finding, actor=who.user, reason=reason):
                counts["changed"] += 1
                changed.append(incident.id)
    if changed:
        digest = hashlib.sha256(",".join(changed).encode()).hexdigest()
        # The reason may quote a review note or a file name: committed to, not written.
        details = {
            "agreement": agreement_id,
            "changed": len(changed),
            "reason": text_ref(uow, reason),
        }
        act = Act(
            "findings.assess",
            who.member,
            who.user,
            objects=tuple(changed[:50]),
            hashes={"changed": digest},
            details=details,
        )
        uow.record(act, now)
    return counts


def _batches(
    uow: UnitOfWork, only: Collection[str] | None, size: int = 2000
) -> list[list[Incident]]:
    """The incidents to judge, in batches whose reports are read together."""
    incidents = uow.incidents.all() if only is None else uow.incidents.get_many(only)
    return [incidents[k : k + size] for k in range(0, len(incidents), size)]


def findings_by_incident(*, uow: UnitOfWork, agreement_id: str) -> dict[str, Finding]:
    return {f.incident_id: f for f in uow.findings.all_current(agreement_id)}


def tally_for_day(
    *,
    uow: UnitOfWork,
    who: Principal,
    agreement_id: str,
    day: date,
    guarantor: str | None = None,
    counting: Counting = Counting.INCIDENT,
) -> list[GuarantorTally]:
    """Each guarantor's tally for one day: violations by the side it answers for, split by
    whether a source of the other side reported them too."""
    authorize(who, UseCase.VIEW)
    agreement = uow.agreements.get(agreement_id)
    incidents = uow.incidents.all(start=day - TALLY_LOOKBACK, end=day)
    findings = uow.findings.current_many([i.id for i in incidents], agreement_id)
    reports = usable_reports(uow, ids={r for i in incidents for r in i.report_ids})
    return guarantor_tallies(
        day,
        agreement=agreement,
        incidents=incidents,
        findings=findings,
        reports=reports,
        book=source_book(uow=uow),
        counting=counting,
        guarantor=guarantor,
    )
