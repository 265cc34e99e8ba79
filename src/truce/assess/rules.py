"""The agreement rule engine: is an incident a violation, of which clause, by which side, and why.

Pure functions over the agreement's terms (as in force on the incident's day),
the actor registry, an incident, its reports and their grades. Every finding
carries its reasons in plain words; a finding never holds responsible a side
that is not a party.

The engine is an ordered list of small named rules (`RULES`). Each looks at the
facts of one case and either gives a verdict or passes; the first verdict is
the finding. The order is the one docs/fusion-and-assessment.md tabulates, and
it matters: a later rule may rely on an earlier one having passed (the
perpetrator rules only run on a prohibited act; the violation rule takes every
case that is left).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from truce.assess.grading import Grades
from truce.assess.parties import Excluded, Party, party
from truce.domain.actors import ActorRegistry
from truce.domain.agreements import Agreement, Zone, ZoneKind, terms_on
from truce.domain.geo import ZoneRelation, relation_to_zone
from truce.domain.incidents import Finding, FindingCategory, Incident
from truce.domain.reports import Report
from truce.domain.vocab import ACLED_VIOLENT_EVENT_TYPES, PERPETRATOR_ROLES, TARGET_ROLES

SERIOUS_SUB_TYPES = frozenset(
    {
        "Air/drone strike",
        "Chemical weapon",
        "Suicide bomb",
        "Government regains territory",
        "Non-state actor overtakes territory",
    }
)
SERIOUS_DEATHS = 5


def local_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a rule concludes: the data of a finding, before the grades are added."""

    category: FindingCategory
    reasons: tuple[str, ...]
    clauses: tuple[str, ...] = ()
    side: str | None = None


@dataclass
class Case:
    """An incident and everything the rules look at. Facts are worked out when a rule first
    asks for them: an incident outside the period never needs its parties or zones."""

    incident: Incident
    reports: Sequence[Report]
    agreements: Sequence[Agreement]
    base: Agreement
    registry: ActorRegistry
    grades: Grades
    matcher: Excluded | None = None  # built once per run by the caller, else here

    @cached_property
    def start(self) -> date:
        return local_day(self.base.in_force_from, self.base.timezone)

    @cached_property
    def end(self) -> date | None:
        to = self.base.in_force_to
        return local_day(to, self.base.timezone) if to else None

    @property
    def day(self) -> date:
        return self.incident.date_start

    @cached_property
    def excluded(self) -> Excluded:
        return self.matcher or Excluded(self.base, self.registry)

    @cached_property
    def perpetrator(self) -> Party:
        return party(self.reports, PERPETRATOR_ROLES, self.registry, self.excluded, self.day)

    @cached_property
    def target(self) -> Party:
        return party(self.reports, TARGET_ROLES, self.registry, self.excluded, self.day)

    @cached_property
    def named_excluded(self) -> set[str]:
        """Excluded groups, their exclusion disputed, that the reports' notes say were there."""
        return {a for r in self.reports for a in self.excluded.named_in(r.notes or "", self.day)}

    @cached_property
    def zone_note(self) -> str:
        return _zones(self.incident, terms_on(self.agreements, self.base.id, self.day).zones)

    @cached_property
    def clauses(self) -> tuple[str, ...]:
        """The clauses the act breaks: the base agreement's, and inside a zone also those of
        the later instruments in force (their prohibitions apply inside their zones only)."""
        sub = self.incident.sub_event_type
        found = {p.clause for p in self.base.prohibited if p.sub_event_type == sub}
        if found and self.zone_note:
            in_force = terms_on(self.agreements, self.base.id, self.day).instruments
            for amendment in self.agreements:
                if amendment.amends == self.base.id and amendment.id in in_force:
                    found |= {p.clause for p in amendment.prohibited if p.sub_event_type == sub}
        return tuple(sorted(found))


Rule = Callable[[Case], Verdict | None]


# --- does the agreement apply at all ------------------------------------------------------------


def outside_period_in_force(case: Case) -> Verdict | None:
    start, end = case.start, case.end
    if case.incident.date_end >= start and (end is None or case.incident.date_start < end):
        return None
    until = f" to {end.isoformat()})" if end else ")"
    reason = f"it happened outside the period in force (from {start.isoformat()}{until}"
    return Verdict(FindingCategory.NOT_A_VIOLATION, (reason,))


def straddles_the_start(case: Case) -> Verdict | None:
    incident = case.incident
    if incident.date_start >= case.start:
        return None
    reason = (
        f"its dates ({incident.date_start} to {incident.date_end}) straddle the start of the truce"
    )
    return Verdict(FindingCategory.UNDETERMINED, (reason,))


def not_violence(case: Case) -> Verdict | None:
    incident = case.incident
    if incident.event_type in ACLED_VIOLENT_EVENT_TYPES:
        return None
    reason = f"{incident.sub_event_type or incident.event_type} is not an act of violence"
    return Verdict(FindingCategory.NOT_AN_INCIDENT, (reason,))


def not_a_prohibited_act(case: Case) -> Verdict | None:
    if case.clauses:
        return None
    reason = f"{case.incident.sub_event_type} is not among the acts the agreement prohibits"
    return Verdict(FindingCategory.NOT_A_VIOLATION, (reason,))


# --- a prohibited act: who did it, to whom ------------------------------------------------------


def perpetrator_excluded(case: Case) -> Verdict | None:
    if case.perpetrator.excluded is None:
        return None
    reasons = [
        f"the perpetrator ({case.perpetrator.name}) is a group the truce excludes; "
        "its acts are outside it"
    ]
    if case.target.excluded is not None:
        reasons.append("fighting between two excluded groups")
    return Verdict(FindingCategory.NOT_A_VIOLATION, tuple(reasons))


def perpetrator_unknown(case: Case) -> Verdict | None:
    if case.perpetrator.side is not None:
        return None
    reason = (
        "the side responsible is not established"
        if case.grades.reasons
        else "no source identifies who did it"
    )
    return Verdict(FindingCategory.UNDETERMINED, (reason,), case.clauses)


def perpetrator_not_a_party(case: Case) -> Verdict | None:
    perpetrator = case.perpetrator
    if perpetrator.side in case.base.sides:
        return None
    reason = f"{perpetrator.name} ({perpetrator.side}) is not a party to the agreement"
    return Verdict(FindingCategory.NOT_A_VIOLATION, (reason,))


def sides_blame_each_other(case: Case) -> Verdict | None:
    if case.grades.attribution.value != "contested":
        return None
    reason = "the sides blame each other; the mechanism must establish who acted"
    return Verdict(FindingCategory.UNDETERMINED, (reason,), case.clauses)


def target_excluded(case: Case) -> Verdict | None:
    if case.target.excluded is not False:
        return None
    reason = f"the target ({case.target.name}) is a group the truce excludes"
    return Verdict(FindingCategory.EXCLUDED_TARGET, (reason,), case.clauses)


def target_exclusion_disputed(case: Case) -> Verdict | None:
    if case.target.excluded is not True:
        return None
    reason = (
        f"the target ({case.target.name}) is excluded, "
        "but whether that exclusion reaches it is disputed"
    )
    return Verdict(
        FindingCategory.CONTESTED_EXCLUSION, (reason,), case.clauses, case.perpetrator.side
    )


def excluded_group_said_present(case: Case) -> Verdict | None:
    """Wadi Barada: a party's fighters were hit, and one side says a disputed excluded group
    fought among them."""
    target, perpetrator = case.target, case.perpetrator
    hit_the_other_party = target.side in case.base.sides and target.side != perpetrator.side
    if not (hit_the_other_party and case.named_excluded):
        return None
    actors = (case.registry.get(a) for a in case.named_excluded)
    names = ", ".join(sorted(a.name for a in actors if a is not None))
    reason = (
        f"the {target.side} side's fighters were hit, but sources say {names} were present: "
        "who was targeted is disputed"
    )
    return Verdict(FindingCategory.CONTESTED_EXCLUSION, (reason,), case.clauses, perpetrator.side)


def within_one_side(case: Case) -> Verdict | None:
    side = case.perpetrator.side
    if case.target.side != side:
        return None
    reason = (
        f"fighting among groups of the same side ({side}); "
        "the truce binds the parties towards each other"
    )
    return Verdict(FindingCategory.NOT_A_VIOLATION, (reason,))


def violation(case: Case) -> Verdict:
    incident, side, target = case.incident, case.perpetrator.side, case.target.side
    reasons = [
        f"{incident.sub_event_type} by the {side} side, prohibited by clause(s) "
        f"{', '.join(case.clauses)}" + (f", against {target}" if target else "")
    ]
    serious = _why_serious(incident, target)
    if serious:
        reasons.append(f"serious: {serious}")
    category = FindingCategory.VIOLATION_SERIOUS if serious else FindingCategory.VIOLATION_MINOR
    return Verdict(category, tuple(reasons), case.clauses, side)


APPLICABILITY: tuple[Rule, ...] = (
    outside_period_in_force,
    straddles_the_start,
    not_violence,
    not_a_prohibited_act,
)
JUDGEMENT: tuple[Rule, ...] = (
    perpetrator_excluded,
    perpetrator_unknown,
    perpetrator_not_a_party,
    sides_blame_each_other,
    target_excluded,
    target_exclusion_disputed,
    excluded_group_said_present,
    within_one_side,
    violation,
)
# Tried in this order; the first verdict is the finding. `violation` always gives one.
RULES: tuple[Rule, ...] = APPLICABILITY + JUDGEMENT


def assess(
    incident: Incident,
    reports: Sequence[Report],
    *,
    agreements: Sequence[Agreement],
    base_id: str,
    registry: ActorRegistry,
    grades: Grades,
    now: datetime,
    excluded: Excluded | None = None,
) -> Finding:
    """The finding on one incident. `excluded` (the base agreement's excluded groups and
    their name matcher) may be built once for a run of many incidents."""
    base = next(a for a in agreements if a.id == base_id)
    case = Case(incident, reports, agreements, base, registry, grades, excluded)
    for rule in RULES:
        verdict = rule(case)
        if verdict is not None:
            break
    else:  # pragma: no cover - `violation` closes the list
        raise AssertionError("no rule gave a verdict")
    # Once the act is known to be prohibited, where it happened is part of every finding.
    context = (case.zone_note,) if rule in JUDGEMENT and case.zone_note else ()
    return _finding(case, verdict, context, now)


def _finding(case: Case, verdict: Verdict, context: tuple[str, ...], now: datetime) -> Finding:
    if verdict.side is not None and verdict.side not in case.base.sides:
        raise ValueError(f"a finding cannot hold {verdict.side!r} responsible: not a party")
    return Finding(
        incident_id=case.incident.id,
        agreement_id=case.base.id,
        category=verdict.category,
        clauses=verdict.clauses,
        responsible_side=verdict.side,
        occurrence=case.grades.occurrence,
        attribution=case.grades.attribution,
        reasons=(*context, *verdict.reasons, *case.grades.reasons),
        assessed_at=now,
    )


def _zones(incident: Incident, zones: Sequence[Zone]) -> str:
    notes = []
    for zone in zones:
        if zone.kind is not ZoneKind.DE_ESCALATION:
            continue
        relation = relation_to_zone(
            zone,
            lat=incident.lat,
            lon=incident.lon,
            precision=incident.location_precision,
            admin1=incident.admin1,
        )
        if relation is ZoneRelation.INSIDE:
            notes.append(f"inside the {zone.name}")
        elif relation is ZoneRelation.POSSIBLY_INSIDE:
            notes.append(f"possibly inside the {zone.name} (the location is too imprecise to tell)")
    return "; ".join(notes)


def _why_serious(incident: Incident, target_side: str | None) -> str:
    """Why a violation is serious, or "" when it is minor."""
    parts = []
    sub = incident.sub_event_type
    if sub is not None and sub in SERIOUS_SUB_TYPES:
        parts.append(sub.lower())
    if (incident.fatalities_low or 0) >= SERIOUS_DEATHS:
        parts.append(f"at least {incident.fatalities_low} killed")
    if target_side == "civilians":
        parts.append("civilians targeted")
    return ", ".join(parts)
