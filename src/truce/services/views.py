"""What a user may see of reports and incidents: protected sources redacted for everyone but
the mechanism's analysts, in the service layer, so every surface (CLI, API, pages) gets the
same answer."""

from __future__ import annotations

from truce.domain.access import Principal, UseCase, allowed, authorize
from truce.domain.incidents import Finding, Incident
from truce.domain.redaction import is_protected, redact_incident, redact_report
from truce.domain.reports import Report
from truce.services.sources import source_book
from truce.store.uow import UnitOfWork


def sees_protected(who: Principal) -> bool:
    return allowed(who, UseCase.VIEW_PROTECTED)


def shown(report: Report, who: Principal) -> Report:
    if sees_protected(who):
        return report
    book = source_book()
    return redact_report(report, book.confidential, book.names_of)


def report_view(*, uow: UnitOfWork, who: Principal, report_id: str) -> Report:
    authorize(who, UseCase.VIEW)
    return shown(uow.reports.get(report_id), who)


def incident_view(*, uow: UnitOfWork, who: Principal, incident_id: str,
                  agreement_id: str) -> tuple[Incident, list[Report], Finding | None]:  # fmt: skip
    """An incident, its reports and its finding, as this user may see them."""
    authorize(who, UseCase.VIEW)
    incident = uow.incidents.get(incident_id)
    reports = [uow.reports.get(r) for r in incident.report_ids]
    finding = uow.findings.current(incident.id, agreement_id)
    if sees_protected(who):
        return incident, reports, finding
    return coarsened(incident, reports), [shown(r, who) for r in reports], finding


def coarsened(incident: Incident, reports: list[Report]) -> Incident:
    """The incident as those who may not see protected sources see it: coarsened to the
    district of its first protected report, if it has any."""
    book = source_book()
    protected = [r for r in reports if is_protected(r, book.confidential)]
    if not protected:
        return incident
    return redact_incident(
        incident, [r.id for r in protected], protected[0].admin2 or protected[0].admin1
    )


def review_queue(*, uow: UnitOfWork, who: Principal, limit: int = 50) -> list[Report]:
    """Reports awaiting review, oldest event first, as this user may see them."""
    authorize(who, UseCase.REVIEW_REPORT)
    return [shown(r, who) for r in uow.reports.queue(limit=limit)]
