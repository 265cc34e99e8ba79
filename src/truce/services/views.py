"""What a user may see of reports and incidents: protected sources redacted for everyone but
the mechanism's analysts, in the service layer, so every surface (CLI, API, pages) gets the
same answer."""

from __future__ import annotations

from collections.abc import Sequence

from truce.assess.grading import SourceBook
from truce.domain.access import Principal, Role, UseCase, allowed, authorize
from truce.domain.incidents import Finding, Incident
from truce.domain.redaction import is_protected, redact_incident, redact_report
from truce.domain.reports import Report
from truce.services.commitments import document_ref
from truce.services.sources import source_book
from truce.store.uow import UnitOfWork

# Whoever may not see protected sources sees what the public sees.
PUBLIC_VIEW = Principal(user="anonymous", member="public", role=Role.PUBLIC)


def sees_protected(who: Principal) -> bool:
    return allowed(who, UseCase.VIEW_PROTECTED)


class Redactor:
    """Redaction for one principal, with the source book read once per use case."""

    def __init__(self, uow: UnitOfWork, who: Principal) -> None:
        self.who = who
        self.full = sees_protected(who)
        self._uow = uow
        self._book: SourceBook | None = None

    @property
    def book(self) -> SourceBook:
        if self._book is None:
            self._book = source_book(uow=self._uow)
        return self._book

    def protects(self, report: Report) -> bool:
        """Whether the report is redacted for those who may not see protected sources: a
        protected source submitted it, or it names or quotes one anywhere."""
        return is_protected(report, self.book.confidential, self.book.protected_names())

    def report(self, report: Report) -> Report:
        if self.full:
            return report
        return redact_report(
            report,
            self.book.confidential,
            self.book.names_of,
            self.book.protected_names(),
            document_ref=lambda raw: document_ref(self._uow, raw),
        )

    def incident(self, incident: Incident, reports: Sequence[Report]) -> Incident:
        """The incident as those who may not see protected sources see it: coarsened to the
        district of its first protected report, if it has any."""
        if self.full:
            return incident
        protected = [r for r in reports if self.protects(r)]
        if not protected:
            return incident
        return redact_incident(
            incident, [r.id for r in protected], protected[0].admin2 or protected[0].admin1
        )


def shown(*, uow: UnitOfWork, who: Principal, report: Report) -> Report:
    """One report as this user may see it."""
    return Redactor(uow, who).report(report)


def report_view(*, uow: UnitOfWork, who: Principal, report_id: str) -> Report:
    authorize(who, UseCase.VIEW)
    return shown(uow=uow, who=who, report=uow.reports.get(report_id))


def incident_view(
    *, uow: UnitOfWork, who: Principal, incident_id: str, agreement_id: str
) -> tuple[Incident, list[Report], Finding | None]:
    """An incident, its reports and its finding, as this user may see them."""
    authorize(who, UseCase.VIEW)
    incident = uow.incidents.get(incident_id)
    held = uow.reports.get_many(incident.report_ids)
    reports = [held[r] for r in incident.report_ids if r in held]
    finding = uow.findings.current(incident.id, agreement_id)
    redactor = Redactor(uow, who)
    return (
        redactor.incident(incident, reports),
        [redactor.report(r) for r in reports],
        finding,
    )


def review_queue(*, uow: UnitOfWork, who: Principal, limit: int = 50) -> list[Report]:
    """Reports awaiting review, oldest event first, as this user may see them."""
    authorize(who, UseCase.REVIEW_REPORT)
    redactor = Redactor(uow, who)
    return [redactor.report(r) for r in uow.reports.queue(limit=limit)]
