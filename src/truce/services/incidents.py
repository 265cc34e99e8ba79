"""Use cases over incidents: fuse reports into them, merge and split them by hand."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from truce.domain.access import SYSTEM, Principal, UseCase, authorize, name_for
from truce.domain.actors import ActorRegistry
from truce.domain.errors import Conflict
from truce.domain.incidents import Incident
from truce.domain.reports import Report
from truce.domain.reviews import ReviewStatus, reviewed_view
from truce.fuse.cluster import best_incident, fuse_batch, incident_id
from truce.fuse.consolidate import consolidate
from truce.fuse.history import Change, merge, split
from truce.ledger.entries import Act
from truce.services.scenarios import registry_from_store
from truce.services.sources import affiliations
from truce.store.uow import UnitOfWork

NEIGHBOURS = timedelta(days=7)  # incidents a new report is compared with, either side of its date


@dataclass
class FuseSummary:
    mode: str
    reports: int = 0
    incidents: int = 0
    created: int = 0
    joined: int = 0
    removed: int = 0
    changed: list[str] = field(default_factory=list)  # incidents created or altered

    def line(self) -> str:
        return (f"{self.mode}: {self.reports} reports in {self.incidents} incidents "
                f"({self.created} new, {self.joined} reports joined existing ones, {self.removed} retired)")  # fmt: skip


def usable_reports(uow: UnitOfWork) -> dict[str, Report]:
    """Current reports not rejected in review, each as reviewers corrected it, with actors'
    sides filled in from the registry where the report itself does not say."""
    registry = registry_from_store(uow=uow)
    out: dict[str, Report] = {}
    for report in uow.reports.iter_current():
        status = uow.reports.review_status(report.id)
        if status == ReviewStatus.REJECTED.value:
            continue
        if status == ReviewStatus.CORRECTED.value:
            report, _ = reviewed_view(report, uow.reviews.for_report(report.id))
        out[report.id] = with_sides(report, registry)
    return out


def with_sides(report: Report, registry: ActorRegistry) -> Report:
    """The report with each actor resolved in the registry (ID and side), when it can be."""
    actors = []
    changed = False
    for actor in report.actors:
        known = registry.get(actor.actor_id) if actor.actor_id else registry.lookup(actor.name)
        if known is not None and (actor.side is None or actor.actor_id is None):
            actor = actor.model_copy(update={"actor_id": known.id, "side": registry.side_of(known.id),
                                             "inter": actor.inter or known.inter})  # fmt: skip
            changed = True
        actors.append(actor)
    return report.model_copy(update={"actors": tuple(actors)}) if changed else report


def fuse(
    *,
    uow: UnitOfWork,
    now: datetime,
    actor: str = "system",
    rebuild: bool = False,
    who: Principal = SYSTEM,
) -> FuseSummary:
    """Incremental by default: new reports join incidents or open new ones; the rest stay as
    they are, analysts' merges and splits included. `rebuild` re-clusters everything."""
    authorize(who, UseCase.FUSE)
    summary = place_reports(
        uow=uow, now=now, actor=name_for(who, actor), rebuild=rebuild, member=who.member
    )
    uow.commit()
    return summary


def log_fusion(
    uow: UnitOfWork, summary: FuseSummary, actor: str, now: datetime, member: str = SYSTEM.member
) -> None:
    """The ledger entry of a fusion run: what changed, by ID digest (runs can touch thousands)."""
    changed = ",".join(summary.changed).encode()
    uow.record(Act(f"incidents.{summary.mode}", member, actor, objects=tuple(summary.changed[:50]),
                   hashes={"changed": hashlib.sha256(changed).hexdigest()},
                   details={"created": summary.created, "joined": summary.joined, "removed": summary.removed,
                            "changed": len(summary.changed)}), now)  # fmt: skip


def place_reports(*, uow: UnitOfWork, now: datetime, actor: str, rebuild: bool = False, member: str = SYSTEM.member,
                  touched: Iterable[str] = (), reason: str = "incremental fusion") -> FuseSummary:  # fmt: skip
    """Fusion without committing. Reports in `touched` (corrected in review) stay in their
    incidents, which are consolidated again: moving a report is an analyst's split."""
    reports = usable_reports(uow)
    existing = uow.incidents.all()
    if rebuild or not existing:
        return _rebuild(uow, reports, existing, now, actor, member)
    summary = FuseSummary(mode="incremental")
    members: dict[str, list[Report]] = {}
    retired: list[Incident] = []
    for incident in existing:
        kept = [reports[r] for r in incident.report_ids if r in reports]
        if kept:
            members[incident.id] = kept
        else:
            retired.append(incident)
    assigned = {r for ids in members.values() for r in (x.id for x in ids)}
    touched = set(touched)
    changed: set[str] = {
        i.id for i in existing
        if len(members.get(i.id, ())) != len(i.report_ids) or touched.intersection(i.report_ids)
    }  # fmt: skip
    by_day: dict[int, set[str]] = {}
    for incident_id_, kept in members.items():
        for x in kept:
            by_day.setdefault(x.date_start.toordinal(), set()).add(incident_id_)
    for report in sorted(
        (r for r in reports.values() if r.id not in assigned), key=lambda r: (r.date_start, r.id)
    ):
        day = report.date_start.toordinal()
        near_ids = set().union(
            *(by_day.get(d, set()) for d in range(day - NEIGHBOURS.days, day + NEIGHBOURS.days + 1))
        )
        target = best_incident(
            report, {i: members[i] for i in near_ids}, affiliations=affiliations()
        )
        if target is None:
            target = incident_id([report])
            members[target] = []
            summary.created += 1
        else:
            summary.joined += 1
        members[target].append(report)
        by_day.setdefault(day, set()).add(target)
        changed.add(target)
    former = {i.id: i.former_ids for i in existing}
    for incident_id_ in sorted(changed):
        if incident_id_ in members:
            uow.incidents.put(
                consolidate(incident_id_, members[incident_id_], former.get(incident_id_, ())), now
            )
    if retired:
        uow.incidents.remove(i.id for i in retired)
        uow.findings.drop_for(i.id for i in retired)
        summary.removed = len(retired)
    if changed or retired:
        uow.incidents.record("fuse", [i.id for i in retired], sorted(changed), actor, reason, now)
    summary.reports, summary.incidents = len(reports), len(members)
    summary.changed = sorted(c for c in changed if c in members)
    if summary.changed or summary.removed:
        log_fusion(uow, summary, actor, now, member)
    return summary


def _rebuild(uow: UnitOfWork, reports: dict[str, Report], existing: list[Incident], now: datetime,
             actor: str, member: str = SYSTEM.member) -> FuseSummary:  # fmt: skip
    fusion = fuse_batch(list(reports.values()), affiliations=affiliations())
    new_ids = {i.id for i in fusion.incidents}
    gone = [i for i in existing if i.id not in new_ids]
    uow.incidents.remove(i.id for i in gone)
    uow.findings.drop_for(i.id for i in gone)
    for incident in gone:
        # Each retired ID keeps resolving: to the incident that took most of its reports.
        heirs = Counter(fusion.assignment[r] for r in incident.report_ids if r in fusion.assignment)
        if heirs:
            uow.incidents.alias(incident.id, heirs.most_common(1)[0][0])
    for incident in fusion.incidents:
        uow.incidents.put(incident, now)
    uow.incidents.record(
        "rebuild", [i.id for i in gone], sorted(new_ids), actor, "batch re-clustering", now
    )
    summary = FuseSummary(mode="batch", reports=len(reports), incidents=len(fusion.incidents),
                          created=len(new_ids - {i.id for i in existing}), removed=len(gone),
                          changed=sorted(new_ids))  # fmt: skip
    log_fusion(uow, summary, actor, now, member)
    return summary


def merge_incidents(*, uow: UnitOfWork, incident_ids: list[str], actor: str, reason: str,
                    now: datetime, who: Principal = SYSTEM) -> Incident:  # fmt: skip
    authorize(who, UseCase.FUSE)
    incidents = [uow.incidents.get(i) for i in incident_ids]
    return _apply(
        uow,
        merge(incidents, _members(uow, incidents)),
        name_for(who, actor),
        reason,
        now,
        who.member,
    )[0]


def split_incident(*, uow: UnitOfWork, incident_id: str, report_ids: list[str], actor: str, reason: str,
                   now: datetime, who: Principal = SYSTEM) -> tuple[Incident, ...]:  # fmt: skip
    authorize(who, UseCase.FUSE)
    incident = uow.incidents.get(incident_id)
    return _apply(
        uow,
        split(incident, report_ids, _members(uow, [incident])),
        name_for(who, actor),
        reason,
        now,
        who.member,
    )


def _members(uow: UnitOfWork, incidents: list[Incident]) -> dict[str, Report]:
    usable = usable_reports(uow)
    wanted = {r for i in incidents for r in i.report_ids}
    missing = wanted - set(usable)
    if missing:
        raise Conflict(
            f"report(s) {', '.join(sorted(missing))} are no longer current; run `truce fuse` first"
        )
    return {r: usable[r] for r in wanted}


def _apply(
    uow: UnitOfWork,
    change: Change,
    actor: str,
    reason: str,
    now: datetime,
    member: str = SYSTEM.member,
) -> tuple[Incident, ...]:
    created = {i.id for i in change.created}
    uow.incidents.remove(i for i in change.removed if i not in created)
    uow.findings.drop_for(i for i in change.removed if i not in created)
    for incident in change.created:
        uow.incidents.put(incident, now)
    for former, current in change.aliases.items():
        uow.incidents.alias(former, current)
    if change.op == "split":
        # IDs that were merged into the split incident now lead to the part that stays.
        uow.incidents.repoint(change.removed[0], change.created[0].id)
    uow.incidents.record(change.op, list(change.removed), sorted(created), actor, reason, now)
    uow.record(Act(f"incidents.{change.op}", member, actor, objects=(*change.removed, *sorted(created)),
                   details={"reason": reason}), now)  # fmt: skip
    uow.commit()
    return change.created
