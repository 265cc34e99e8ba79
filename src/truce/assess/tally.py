"""A first compliance tally: prohibited-type events by governorate and by side.

This is not yet a finding. It counts reported events of the kinds the agreement
prohibits, within its period, by the side of the actor the data set codes first
(ACLED's actor1). The rule engine will judge each incident; the tally only says
what the reports allege, and says how it counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from truce.domain.actors import ActorRegistry, normalise_name
from truce.domain.agreements import Agreement, Zone, ZoneKind
from truce.domain.reports import Report
from truce.domain.vocab import ActorRoleKind

SIDE_COLUMNS = ("government", "opposition", "excluded", "other", "unattributed")
UNKNOWN_GOVERNORATE = "(no governorate)"


@dataclass
class TallyRow:
    governorate: str
    by_side: Counter[str] = field(default_factory=Counter)
    fatalities: int = 0
    against_excluded: int = 0
    against_disputed_excluded: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_side.values())


@dataclass
class Tally:
    agreement_id: str
    start: date
    end: date
    rows: dict[str, TallyRow] = field(default_factory=dict)
    outside_period: int = 0
    straddling_period: int = 0
    not_prohibited: int = 0
    unresolved_actors: Counter[str] = field(default_factory=Counter)
    counting_rule: str = "one per report (each data-set event counted once)"

    def totals(self) -> TallyRow:
        total = TallyRow("Total")
        for row in self.rows.values():
            total.by_side.update(row.by_side)
            total.fatalities += row.fatalities
            total.against_excluded += row.against_excluded
            total.against_disputed_excluded += row.against_disputed_excluded
        return total


def governorate_index(zones: Iterable[Zone]) -> dict[str, str]:
    """Every spelling of every governorate, folded, to its canonical name."""
    index: dict[str, str] = {}
    for zone in zones:
        if zone.kind is ZoneKind.GOVERNORATE:
            for name in (zone.name, *zone.aliases, *zone.admin1):
                index[normalise_name(name)] = zone.name
                index[normalise_name(f"{name} governorate")] = zone.name
    return index


def tally(
    reports: Iterable[Report],
    *,
    agreement: Agreement,
    registry: ActorRegistry,
    start: date,
    end: date,
) -> Tally:
    """Count prohibited-type reports in [start, end] by governorate and first actor's side."""
    prohibited = {p.sub_event_type for p in agreement.prohibited}
    governorates = governorate_index(agreement.zones)
    result = Tally(agreement_id=agreement.id, start=start, end=end)
    for report in reports:
        if report.sub_event_type not in prohibited:
            result.not_prohibited += 1
            continue
        if report.date_end < start or report.date_start > end:
            result.outside_period += 1
            continue
        if report.date_start < start or report.date_end > end:
            # An imprecise date that may fall either side of the boundary.
            result.straddling_period += 1
            continue
        name = governorates.get(normalise_name(report.admin1 or ""), report.admin1)
        row = result.rows.setdefault(
            name or UNKNOWN_GOVERNORATE, TallyRow(name or UNKNOWN_GOVERNORATE)
        )
        first = report.first_actor(ActorRoleKind.SIDE_A) or report.first_actor(
            ActorRoleKind.PERPETRATOR
        )
        side = _side(first.name if first else None, registry, result, report.date_start, agreement)
        row.by_side[side] += 1
        row.fatalities += report.best_fatalities() or 0
        second = report.first_actor(ActorRoleKind.SIDE_B) or report.first_actor(
            ActorRoleKind.TARGET
        )
        exclusion = _exclusion(
            second.name if second else None, registry, agreement, report.date_start
        )
        if exclusion is not None:
            row.against_excluded += 1
            row.against_disputed_excluded += int(exclusion)
    return result


def _side(
    name: str | None, registry: ActorRegistry, result: Tally, day: date, agreement: Agreement
) -> str:
    if not name:
        return "unattributed"
    actor = registry.lookup(name)
    if actor is None:
        result.unresolved_actors[name] += 1
        return "unattributed"
    if _exclusion(name, registry, agreement, day) is not None:
        return "excluded"
    side = registry.side_of(actor.id)
    if side in SIDE_COLUMNS:
        return side
    return "unattributed" if side is None else "other"


def _exclusion(
    name: str | None, registry: ActorRegistry, agreement: Agreement, day: date
) -> bool | None:
    """None if the actor is not an excluded group on `day`; else whether that is disputed."""
    if not name:
        return None
    actor = registry.lookup(name)
    if actor is None:
        return None
    lineage = {actor.id, *(a.id for a in registry.ancestors(actor.id))}
    for group in agreement.excluded:
        if group.actor_id in lineage and group.applies_on(day):
            return group.disputed
    return None
