"""The incident as one view: the incident and its reports as this user may see them, its
finding, its case with the case's timeline, the ledger proof of its latest entry (for those
who may read the ledger), its history of merges and splits, and why its reports were linked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from truce.domain.access import Principal, UseCase, allowed
from truce.domain.cases import Case, CaseEvent, case_id
from truce.domain.incidents import Finding, Incident
from truce.domain.reports import Report
from truce.fuse.score import explain_links
from truce.services import ledger as ledger_service
from truce.services.cases import seen
from truce.services.incidents import usable_reports
from truce.services.sources import affiliations
from truce.services.views import incident_view
from truce.store.uow import UnitOfWork


@dataclass(frozen=True)
class IncidentDetail:
    incident: Incident
    reports: list[Report]
    finding: Finding | None
    case: Case | None
    events: list[CaseEvent]
    proof: ledger_service.Proof | None
    history: list[dict[str, Any]]
    # Why the incident holds each report: (report, the earlier report it is most alike, why).
    links: list[tuple[str, str, str]] = field(default_factory=list)
    # Whether `case` and `events` are the whole case, or what everyone may see of it (that it
    # exists, its state, and the timeline as last published): the agreement says who sees what.
    case_whole: bool = False
    # How each event's ledger entry was signed (member-signed, operator-attested,
    # server-held-key), one per event; the proof carries its entry's.
    signed: list[str] = field(default_factory=list)

    def to_plain(self) -> dict[str, Any]:
        return {
            "incident": self.incident.to_plain(),
            "reports": [r.to_plain() for r in self.reports],
            "finding": self.finding.to_plain() if self.finding else None,
            "case": self.case.to_plain() if self.case else None,
            "case_whole": self.case_whole,
        }


def incident_detail(
    *,
    uow: UnitOfWork,
    who: Principal,
    incident_id: str,
    agreement_id: str,
    full: bool = True,
) -> IncidentDetail:
    """`full` adds what the page shows beyond the record: the ledger proof, the history of
    merges and splits, and why its reports were linked."""
    incident, reports, finding = incident_view(
        uow=uow, who=who, incident_id=incident_id, agreement_id=agreement_id
    )
    stored = uow.cases.find(case_id(incident.id, agreement_id))
    case, events, case_whole, signed = None, [], False, []
    if stored is not None:
        shown = seen(uow, who, stored, uow.cases.events(stored.id))
        case, events, case_whole = shown.case, list(shown.events), shown.whole
        signed = list(shown.signed)
    proof = None
    if full and allowed(who, UseCase.READ_LEDGER):
        logged = uow.ledger.entries_for(incident.id)
        if logged:
            proof = ledger_service.prove(uow=uow, who=who, seq=logged[-1]["seq"])
    history: list[dict[str, Any]] = []
    links: list[tuple[str, str, str]] = []
    if full and allowed(who, UseCase.FUSE):
        # For those who merge and split: the comparisons can speak of exact places.
        history = uow.incidents.history(incident.id)
        members = usable_reports(uow, ids=incident.report_ids)
        if len(members) > 1:
            links = explain_links(list(members.values()), affiliations(uow=uow))
    return IncidentDetail(
        incident, reports, finding, case, events, proof, history, links, case_whole, signed
    )
