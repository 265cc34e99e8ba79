"""Who acted and who was hit, as the reports tell it, and which of them an agreement excludes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from truce.domain.actors import ActorRegistry
from truce.domain.agreements import Agreement
from truce.domain.reports import Report
from truce.domain.vocab import ActorRoleKind
from truce.text import PhraseMatcher, tokens


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
        # Groups the registry puts outside every side (Jund al-Aqsa, TIP) are excluded,
        # undisputed, though the agreement does not name them.
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


@dataclass(frozen=True, slots=True)
class Party:
    """The actor most reports give for a role: its name, its side, and whether it is excluded
    (None: not excluded; True: excluded, but disputed; False: excluded, undisputed)."""

    name: str | None
    side: str | None
    excluded: bool | None


def party(
    reports: Sequence[Report],
    roles: tuple[ActorRoleKind, ...],
    registry: ActorRegistry,
    excluded: Excluded,
    day: date,
) -> Party:
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
        return Party(None, None, None)
    # Most claimed wins; on a tie, civilians (a strike that hit civilians is about them), then
    # by name, so that the same reports always give the same party.
    (side, name), _ = max(votes.items(), key=lambda kv: (kv[1], kv[0][0] == "civilians", kv[0][1]))
    return Party(name, side, status.get(name))
