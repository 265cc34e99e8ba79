"""The agreement rule engine: is an incident a violation, of which clause, by which side, and why.

Pure functions over the agreement's terms (as in force on the incident's day),
the actor registry, an incident, its reports and their grades. Every finding
carries its reasons in plain words; a finding never holds responsible a side
that is not a party.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from truce.assess.grading import Grades
from truce.domain.actors import ActorRegistry
from truce.domain.agreements import Agreement, Zone, ZoneKind, terms_on
from truce.domain.geo import ZoneRelation, relation_to_zone
from truce.domain.incidents import Finding, FindingCategory, Incident
from truce.domain.reports import Report
from truce.domain.vocab import (
    ACLED_VIOLENT_EVENT_TYPES,
    PERPETRATOR_ROLES,
    TARGET_ROLES,
    ActorRoleKind,
)
from truce.text import PhraseMatcher, tokens

SERIOUS_SUB_TYPES = frozenset({"Air/drone strike", "Chemical weapon", "Suicide bomb", "Government regains territory",
                               "Non-state actor overtakes territory"})  # fmt: skip
SERIOUS_DEATHS = 5


def local_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


class Excluded:
    """The groups an agreement excludes on a day, and a matcher for their names in text."""

    def __init__(self, agreement: Agreement, registry: ActorRegistry) -> None:
        self.agreement = agreement
        self.registry = registry
        entries = []
        for group in agreement.excluded:
            actor = registry.get(group.actor_id)
            if actor is not None:
                entries += [(name, group.actor_id) for name in (actor.name, *actor.aliases)]
        self.matcher: PhraseMatcher[str] = PhraseMatcher(entries)

    def status(self, actor_id: str | None, day: date) -> bool | None:
        """None if not excluded on `day`, else whether the exclusion is disputed."""
        if actor_id is None:
            return None
        lineage = {actor_id, *(a.id for a in self.registry.ancestors(actor_id))}
        for group in self.agreement.excluded:
            if group.actor_id in lineage and group.applies_on(day):
                return group.disputed
        # Groups the registry puts outside every side (Jund al-Aqsa, TIP) are excluded, undisputed.
        return False if self.registry.side_of(actor_id) == "excluded" else None

    def named_in(self, text: str, day: date) -> set[str]:
        """Excluded groups the text names whose exclusion is disputed on `day`."""
        toks = tokens(text)
        named = set()
        for first, end, ids in self.matcher.find(toks):
            surface = text[toks[first].start : toks[end - 1].end]
            if surface.islower() and len(surface) <= 4:
                continue  # "is" is a verb, not ISIL
            if self.status(ids[0], day):
                named.add(ids[0])
        return named


def assess(
    incident: Incident,
    reports: Sequence[Report],
    *,
    agreements: Sequence[Agreement],
    base_id: str,
    registry: ActorRegistry,
    grades: Grades,
    now: datetime,
) -> Finding:
    base = next(a for a in agreements if a.id == base_id)
    excluded = Excluded(base, registry)
    reasons: list[str] = []

    def finding(
        category: FindingCategory, *, clauses: tuple[str, ...] = (), side: str | None = None
    ) -> Finding:
        if side is not None and side not in base.sides:
            raise ValueError(f"a finding cannot hold {side!r} responsible: not a party")
        return Finding(incident_id=incident.id, agreement_id=base.id, category=category, clauses=clauses,
                       responsible_side=side, occurrence=grades.occurrence, attribution=grades.attribution,
                       reasons=(*reasons, *grades.reasons), assessed_at=now)  # fmt: skip

    start = local_day(base.in_force_from, base.timezone)
    end = local_day(base.in_force_to, base.timezone) if base.in_force_to else None
    if incident.date_end < start or (end is not None and incident.date_start >= end):
        reasons.append(f"it happened outside the period in force (from {start.isoformat()}"
                       + (f" to {end.isoformat()})" if end else ")"))  # fmt: skip
        return finding(FindingCategory.NOT_A_VIOLATION)
    if incident.date_start < start:
        reasons.append(
            f"its dates ({incident.date_start} to {incident.date_end}) straddle the start of the truce"
        )
        return finding(FindingCategory.UNDETERMINED)
    day = incident.date_start
    if incident.event_type not in ACLED_VIOLENT_EVENT_TYPES:
        reasons.append(
            f"{incident.sub_event_type or incident.event_type} is not an act of violence"
        )
        return finding(FindingCategory.NOT_AN_INCIDENT)
    terms = terms_on(agreements, base_id, day)
    clauses = tuple(
        sorted({p.clause for p in base.prohibited if p.sub_event_type == incident.sub_event_type})
    )
    if not clauses:
        reasons.append(f"{incident.sub_event_type} is not among the acts the agreement prohibits")
        return finding(FindingCategory.NOT_A_VIOLATION)

    perpetrator = _side_of(reports, PERPETRATOR_ROLES, registry, excluded, day)
    target = _side_of(reports, TARGET_ROLES, registry, excluded, day)
    named = {actor for r in reports for actor in excluded.named_in(r.notes or "", day)}
    zones = _zones(incident, terms.zones)
    if zones:
        # A later instrument's prohibitions apply inside its zones only.
        zone_rules = {p.clause for a in agreements if a.amends == base.id and a.id in terms.instruments
                      for p in a.prohibited if p.sub_event_type == incident.sub_event_type}  # fmt: skip
        clauses = tuple(sorted({*clauses, *zone_rules}))
        reasons.append(zones)

    if perpetrator.excluded is not None:
        reasons.append(
            f"the perpetrator ({perpetrator.name}) is a group the truce excludes; its acts are outside it"
        )
        if target.excluded is not None:
            reasons.append("fighting between two excluded groups")
        return finding(FindingCategory.NOT_A_VIOLATION)
    if perpetrator.side is None:
        reasons.append(
            "no source identifies who did it"
            if not grades.reasons
            else "the side responsible is not established"
        )
        return finding(FindingCategory.UNDETERMINED, clauses=clauses)
    if perpetrator.side not in base.sides:
        reasons.append(f"{perpetrator.name} ({perpetrator.side}) is not a party to the agreement")
        return finding(FindingCategory.NOT_A_VIOLATION)
    if grades.attribution.value == "contested":
        reasons.append("the sides blame each other; the mechanism must establish who acted")
        return finding(FindingCategory.UNDETERMINED, clauses=clauses)

    if target.excluded is not None:
        if target.excluded:
            reasons.append(
                f"the target ({target.name}) is excluded, but whether that exclusion reaches it is disputed"
            )
            return finding(
                FindingCategory.CONTESTED_EXCLUSION, clauses=clauses, side=perpetrator.side
            )
        reasons.append(f"the target ({target.name}) is a group the truce excludes")
        return finding(FindingCategory.EXCLUDED_TARGET, clauses=clauses)
    if target.side in base.sides and target.side != perpetrator.side and named:
        names = ", ".join(sorted(registry.get(a).name for a in named if registry.get(a)))  # type: ignore[union-attr]
        reasons.append(f"the {target.side} side's fighters were hit, but sources say {names} were present: "
                       "who was targeted is disputed")  # fmt: skip
        return finding(FindingCategory.CONTESTED_EXCLUSION, clauses=clauses, side=perpetrator.side)
    if target.side == perpetrator.side:
        reasons.append(f"fighting among groups of the same side ({perpetrator.side}); the truce binds the parties "
                       "towards each other")  # fmt: skip
        return finding(FindingCategory.NOT_A_VIOLATION)

    serious = (
        incident.sub_event_type in SERIOUS_SUB_TYPES
        or (incident.fatalities_low or 0) >= SERIOUS_DEATHS
        or (target.side == "civilians")
    )
    reasons.append(f"{incident.sub_event_type} by the {perpetrator.side} side, prohibited by clause(s) "
                   f"{', '.join(clauses)}" + (f", against {target.side}" if target.side else ""))  # fmt: skip
    if serious:
        reasons.append("serious: " + _why_serious(incident, target.side))
    return finding(FindingCategory.VIOLATION_SERIOUS if serious else FindingCategory.VIOLATION_MINOR,
                   clauses=clauses, side=perpetrator.side)  # fmt: skip


class _Party:
    def __init__(self, name: str | None, side: str | None, excluded: bool | None) -> None:
        self.name, self.side, self.excluded = name, side, excluded


def _side_of(reports: Sequence[Report], roles: tuple[ActorRoleKind, ...], registry: ActorRegistry,
             excluded: Excluded, day: date) -> _Party:  # fmt: skip
    """The side most reports give for a role, and whether that actor is excluded on `day`."""
    votes: dict[tuple[str | None, str], int] = {}
    status: dict[str, bool | None] = {}
    for report in reports:
        actor = next(iter(report.actors_in(*roles)), None)
        if actor is None:
            continue
        known = registry.get(actor.actor_id) if actor.actor_id else registry.lookup(actor.name)
        side = registry.side_of(known.id) if known else actor.side
        key = (side, actor.name)
        votes[key] = votes.get(key, 0) + 1
        status[actor.name] = excluded.status(known.id if known else None, day)
    if not votes:
        return _Party(None, None, None)
    # Most claimed wins; on a tie, civilians (a strike that hit civilians is about them), then by name.
    (side, name), _ = max(votes.items(), key=lambda kv: (kv[1], kv[0][0] == "civilians", kv[0][1]))
    return _Party(name, side, status.get(name))


def _zones(incident: Incident, zones: Sequence[Zone]) -> str:
    notes = []
    for zone in zones:
        if zone.kind is not ZoneKind.DE_ESCALATION:
            continue
        relation = relation_to_zone(zone, lat=incident.lat, lon=incident.lon,
                                    precision=incident.location_precision, admin1=incident.admin1)  # fmt: skip
        if relation is ZoneRelation.INSIDE:
            notes.append(f"inside the {zone.name}")
        elif relation is ZoneRelation.POSSIBLY_INSIDE:
            notes.append(f"possibly inside the {zone.name} (the location is too imprecise to tell)")
    return "; ".join(notes)


def _why_serious(incident: Incident, target_side: str | None) -> str:
    parts = []
    if incident.sub_event_type in SERIOUS_SUB_TYPES:
        parts.append(f"{incident.sub_event_type.lower() if incident.sub_event_type else ''}")
    if (incident.fatalities_low or 0) >= SERIOUS_DEATHS:
        parts.append(f"at least {incident.fatalities_low} killed")
    if target_side == "civilians":
        parts.append("civilians targeted")
    return ", ".join(parts)
