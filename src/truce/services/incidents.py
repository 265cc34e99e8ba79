"""Use cases over incidents: fuse reports into them, merge and split them by hand.

Placement reads only what it needs: the new reports, the incidents holding a report within a
week of them, and the incidents whose reports were corrected, superseded or rejected. A store
of a million reports costs an intake no more than a store of ten thousand.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from truce.domain.access import Principal, UseCase, authorize
from truce.domain.actors import ActorRegistry
from truce.domain.errors import Conflict
from truce.domain.incidents import Incident
from truce.domain.reports import Report
from truce.domain.reviews import ReviewStatus, reviewed_view
from truce.fuse.cluster import best_incident, fuse_batch, incident_id
from truce.fuse.consolidate import consolidate
from truce.fuse.history import Change, merge, split
from truce.ledger.entries import Act
from truce.services.commitments import text_ref
from truce.services.scenarios import registry_from_store
from truce.services.sources import affiliations
from truce.services.views import PUBLIC_VIEW, Redactor
from truce.store.uow import UnitOfWork

NEIGHBOURS = timedelta(days=7)  # incidents a new report is compared with, either side of its date
LONGEST = timedelta(days=31)  # the longest an incident's reports span (month precision)


@dataclass
class FuseSummary:
    mode: str
    reports: int = 0  # batch: every usable report; incremental: the reports placed
    incidents: int = 0  # batch: every incident; incremental: the incidents looked at
    created: int = 0
    joined: int = 0
    removed: int = 0
    changed: list[str] = field(default_factory=list)  # incidents created or altered

    def line(self) -> str:
        if self.mode == "incremental":
            head = (
                f"incremental: {self.reports} new reports placed among {self.incidents} incidents"
            )
        else:
            head = f"{self.mode}: {self.reports} reports in {self.incidents} incidents"
        return (
            f"{head} ({self.created} new, {self.joined} reports joined existing ones, "
            f"{self.removed} retired)"
        )


def usable_reports(
    uow: UnitOfWork,
    *,
    ids: Iterable[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    registry: ActorRegistry | None = None,
) -> dict[str, Report]:
    """Current reports not rejected in review (those among `ids`, or in a date window, or all),
    each as reviewers corrected it, with actors' sides filled in from the registry where the
    report itself does not say. Review status comes with the reports, in one query."""
    registry = registry or registry_from_store(uow=uow)
    held = uow.reports.usable(ids=ids, start=start, end=end)
    corrected = [r.id for r, status in held if status == ReviewStatus.CORRECTED.value]
    reviews = uow.reviews.for_reports(corrected)
    out: dict[str, Report] = {}
    for report, status in held:
        if status == ReviewStatus.CORRECTED.value:
            report, _ = reviewed_view(report, reviews.get(report.id, []))
        out[report.id] = with_sides(report, registry)
    return out


def with_sides(report: Report, registry: ActorRegistry) -> Report:
    """The report with each actor resolved in the registry (ID and side), when it can be."""
    actors = []
    changed = False
    for actor in report.actors:
        known = registry.get(actor.actor_id) if actor.actor_id else registry.lookup(actor.name)
        if known is not None and (actor.side is None or actor.actor_id is None):
            actor = actor.evolve(
                actor_id=known.id, side=registry.side_of(known.id), inter=actor.inter or known.inter
            )
            changed = True
        actors.append(actor)
    return report.evolve(actors=tuple(actors)) if changed else report


def fuse(*, uow: UnitOfWork, who: Principal, now: datetime, rebuild: bool = False) -> FuseSummary:
    """Incremental by default: new reports join incidents or open new ones; the rest stay as
    they are, analysts' merges and splits included. `rebuild` re-clusters everything."""
    authorize(who, UseCase.FUSE)
    summary = place_reports(uow=uow, who=who, now=now, rebuild=rebuild)
    uow.commit()
    return summary


def log_fusion(uow: UnitOfWork, summary: FuseSummary, who: Principal, now: datetime) -> None:
    """The ledger entry of a fusion run: what changed, by ID digest (runs can touch thousands)."""
    changed = ",".join(summary.changed).encode()
    details = {
        "created": summary.created,
        "joined": summary.joined,
        "removed": summary.removed,
        "changed": len(summary.changed),
    }
    act = Act(
        f"incidents.{summary.mode}",
        who.member,
        who.user,
        objects=tuple(summary.changed[:50]),
        hashes={"changed": hashlib.sha256(changed).hexdigest()},
        details=details,
    )
    uow.record(act, now)


def place_reports(
    *,
    uow: UnitOfWork,
    who: Principal,
    now: datetime,
    rebuild: bool = False,
    new: Iterable[str] | None = None,
    touched: Iterable[str] = (),
    reason: str = "incremental fusion",
) -> FuseSummary:
    """Fusion without committing. `new` names the reports just stored (None: look for every
    report in no incident, a full scan). Reports in `touched` (corrected in review) stay in
    their incidents, which are consolidated again: moving a report is an analyst's split."""
    if rebuild or not uow.incidents.any():
        return _rebuild(uow, usable_reports(uow), uow.incidents.all(), now, who)
    registry = registry_from_store(uow=uow)
    new_ids = None if new is None else list(new)
    fresh = usable_reports(uow, ids=uow.reports.unassigned(new_ids), registry=registry)
    touched = set(touched)
    if new_ids is None:
        stale = uow.incidents.with_unusable_reports()
    else:
        stale = uow.incidents.holding(uow.reports.superseded_by(new_ids))
    stale |= uow.incidents.holding(touched)
    near: set[str] = set()
    for report in fresh.values():
        near |= _neighbourhood(uow, report)
    existing = uow.incidents.get_many(stale | near)
    held = usable_reports(uow, ids={r for i in existing for r in i.report_ids}, registry=registry)
    return _place(uow, fresh, held, existing, touched, now, who, reason)


def _neighbourhood(uow: UnitOfWork, report: Report) -> set[str]:
    """The incidents a new report may join: within a week of it, and near it as batch
    blocking has it (a town-level report: incidents within about two grid cells; a vaguer
    one: its governorate), with unplaced incidents always in."""
    # An incident begins on its earliest report's day and may run a month (a month-precision
    # report): those that began up to that long before the week are looked at too.
    start = report.date_start - NEIGHBOURS - LONGEST
    end = report.date_start + NEIGHBOURS
    near = report.date_start - NEIGHBOURS
    precise = report.lat is not None and report.lon is not None
    if precise and (report.location_precision or 1) <= PRECISE:
        lat, lon = float(report.lat or 0), float(report.lon or 0)
        box = (lon - REACH_LON, lat - REACH_LAT, lon + REACH_LON, lat + REACH_LAT)
        return uow.incidents.with_reports_between(
            start, end, box=box, admin1=report.admin1, reports_from=near
        )
    if report.admin1:
        return uow.incidents.with_reports_between(
            start, end, admin1=report.admin1, reports_from=near
        )
    return uow.incidents.with_reports_between(start, end, reports_from=near)


# Batch blocking compares town-level reports across two grid cells of 0.15 degrees either way
# (fuse/blocking.py); the look-up for one new report reaches as far.
PRECISE = 2  # UCDP location precision: the place itself, or within 25 km
REACH_LAT = 0.3
REACH_LON = 0.45


def _place(
    uow: UnitOfWork,
    fresh: dict[str, Report],
    held: dict[str, Report],
    existing: list[Incident],
    touched: set[str],
    now: datetime,
    who: Principal,
    reason: str,
) -> FuseSummary:
    summary = FuseSummary(mode="incremental", reports=len(fresh), incidents=len(existing))
    members: dict[str, list[Report]] = {}
    retired: list[Incident] = []
    for incident in existing:
        kept = [held[r] for r in incident.report_ids if r in held]
        if kept:
            members[incident.id] = kept
        else:
            retired.append(incident)
    changed: set[str] = {
        i.id
        for i in existing
        if len(members.get(i.id, ())) != len(i.report_ids) or touched.intersection(i.report_ids)
    }
    changed |= _assign(fresh, members, affiliations(uow=uow), summary)
    former = {i.id: i.former_ids for i in existing}
    for incident_id_ in sorted(changed):
        if incident_id_ in members:
            incident = consolidate(
                incident_id_, members[incident_id_], former.get(incident_id_, ())
            )
            _store(uow, incident, members[incident_id_], now)
    if retired:
        uow.incidents.remove(i.id for i in retired)
        uow.findings.drop_for(i.id for i in retired)
        summary.removed = len(retired)
    if changed or retired:
        uow.incidents.record(
            "fuse", [i.id for i in retired], sorted(changed), who.user, reason, now
        )
    summary.changed = sorted(c for c in changed if c in members)
    if summary.changed or summary.removed:
        log_fusion(uow, summary, who, now)
    return summary


def _assign(
    fresh: dict[str, Report],
    members: dict[str, list[Report]],
    sides: dict[str, str],
    summary: FuseSummary,
) -> set[str]:
    """Each new report, oldest first, joins the best incident within a week of it, or opens
    one. Updates `members` and the summary; returns the incidents it changed."""
    changed: set[str] = set()
    by_day: dict[int, set[str]] = {}
    for incident_id_, kept in members.items():
        for x in kept:
            by_day.setdefault(x.date_start.toordinal(), set()).add(incident_id_)
    for report in sorted(fresh.values(), key=lambda r: (r.date_start, r.id)):
        day = report.date_start.toordinal()
        window = range(day - NEIGHBOURS.days, day + NEIGHBOURS.days + 1)
        near_ids = set().union(*(by_day.get(d, set()) for d in window))
        target = best_incident(report, {i: members[i] for i in near_ids}, affiliations=sides)
        if target is None:
            target = incident_id([report])
            members[target] = []
            summary.created += 1
        else:
            summary.joined += 1
        members[target].append(report)
        by_day.setdefault(day, set()).add(target)
        changed.add(target)
    return changed


def _store(uow: UnitOfWork, incident: Incident, reports: list[Report], now: datetime) -> None:
    """Store the incident with its place as the public sees it beside the exact one, so that
    a viewer's box or zone filter can test what that viewer may see."""
    public = Redactor(uow, PUBLIC_VIEW).incident(incident, reports)
    uow.incidents.put(incident, now, public=(public.lat, public.lon))


def _rebuild(
    uow: UnitOfWork,
    reports: dict[str, Report],
    existing: list[Incident],
    now: datetime,
    who: Principal,
) -> FuseSummary:
    fusion = fuse_batch(list(reports.values()), affiliations=affiliations(uow=uow))
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
        _store(uow, incident, [reports[r] for r in incident.report_ids if r in reports], now)
    uow.incidents.record(
        "rebuild", [i.id for i in gone], sorted(new_ids), who.user, "batch re-clustering", now
    )
    summary = FuseSummary(
        mode="batch",
        reports=len(reports),
        incidents=len(fusion.incidents),
        created=len(new_ids - {i.id for i in existing}),
        removed=len(gone),
        changed=sorted(new_ids),
    )
    log_fusion(uow, summary, who, now)
    return summary


def merge_incidents(
    *, uow: UnitOfWork, who: Principal, incident_ids: list[str], reason: str, now: datetime
) -> Incident:
    authorize(who, UseCase.FUSE)
    incidents = [uow.incidents.get(i) for i in incident_ids]
    members = _members(uow, incidents)
    return _apply(uow, merge(incidents, members), members, who, reason, now)[0]


def split_incident(
    *,
    uow: UnitOfWork,
    who: Principal,
    incident_id: str,
    report_ids: list[str],
    reason: str,
    now: datetime,
) -> tuple[Incident, ...]:
    authorize(who, UseCase.FUSE)
    incident = uow.incidents.get(incident_id)
    members = _members(uow, [incident])
    return _apply(uow, split(incident, report_ids, members), members, who, reason, now)


def _members(uow: UnitOfWork, incidents: list[Incident]) -> dict[str, Report]:
    wanted = {r for i in incidents for r in i.report_ids}
    usable = usable_reports(uow, ids=wanted)
    missing = wanted - set(usable)
    if missing:
        raise Conflict(
            f"report(s) {', '.join(sorted(missing))} are no longer current; run `truce fuse` first"
        )
    return usable


def _apply(
    uow: UnitOfWork,
    change: Change,
    members: dict[str, Report],
    who: Principal,
    reason: str,
    now: datetime,
) -> tuple[Incident, ...]:
    created = {i.id for i in change.created}
    uow.incidents.remove(i for i in change.removed if i not in created)
    uow.findings.drop_for(i for i in change.removed if i not in created)
    for incident in change.created:
        # The reports read to make the change, not read again.
        _store(uow, incident, [members[r] for r in incident.report_ids if r in members], now)
    for former, current in change.aliases.items():
        uow.incidents.alias(former, current)
    if change.op == "split":
        # IDs that were merged into the split incident now lead to the part that stays.
        uow.incidents.repoint(change.removed[0], change.created[0].id)
    uow.incidents.record(change.op, list(change.removed), sorted(created), who.user, reason, now)
    act = Act(
        f"incidents.{change.op}",
        who.member,
        who.user,
        objects=(*change.removed, *sorted(created)),
        details={"reason": text_ref(uow, reason)},  # the text stays in the incident's history
    )
    uow.record(act, now)
    uow.commit()
    return change.created
