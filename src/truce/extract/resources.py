"""What the stages look things up in, built once and passed in: no stage does I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from truce.domain.actors import Actor, ActorFamily, ActorRegistry
from truce.extract.families import GENERIC_FAMILIES
from truce.extract.lexicon import GENERIC_ACTORS
from truce.gazetteer.model import Gazetteer
from truce.text import PhraseMatcher


@dataclass(frozen=True)
class ActorRef:
    """What an actor mention resolves to: a registry actor, or a generic description."""

    name: str  # canonical name, or the generic label ("Opposition fighters")
    side: str | None
    actor_id: str | None = None
    inter: int | None = None
    generic: bool = False
    family: ActorFamily | None = None  # what kind of force, in any period (actors.py)

    def __post_init__(self) -> None:
        # A description made up in a stage ("Civilians" for the victims counted) has the
        # family its label names, as the lexicon's descriptions do.
        if self.family is None and self.generic:
            object.__setattr__(self, "family", GENERIC_FAMILIES.get(self.name))


@dataclass
class Resources:
    registry: ActorRegistry
    gazetteer: Gazetteer
    actor_matcher: PhraseMatcher[ActorRef] = field(init=False)

    def __post_init__(self) -> None:
        entries: list[tuple[str, ActorRef]] = []
        for actor in self.registry.all():
            ref = self._ref(actor)
            entries += [(name, ref) for name in (actor.name, *actor.aliases)]
        for phrase, side, label in GENERIC_ACTORS:
            entries.append((phrase, ActorRef(name=label, side=side, generic=True)))
        self.actor_matcher = PhraseMatcher(entries)

    def _ref(self, actor: Actor) -> ActorRef:
        return ActorRef(
            name=actor.name,
            side=self.registry.side_of(actor.id),
            actor_id=actor.id,
            inter=actor.inter,
            family=self.registry.family_of(actor.id),
        )
