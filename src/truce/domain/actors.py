"""Actors and the registry that resolves the names sources use for them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from enum import StrEnum

import pydantic

from truce.domain.base import Record
from truce.domain.errors import ValidationFailed
from truce.domain.vocab import ActorKind


class ActorFamily(StrEnum):
    """What kind of force an actor is, in any year and under any agreement.

    A side ("government", "opposition", "excluded") is an agreement's: it says whom a party
    answers for. A family says what the actor is, so a report from 2013 or 2022 can be
    compared with the truth even when no agreement names its actors.
    """

    STATE_FORCES = "state forces"  # Syria's army, police and intelligence branches
    PRO_GOVERNMENT_MILITIAS = "pro-government militias"  # NDF, Hezbollah, Iran-backed militias
    REBELS = "rebels"  # FSA and SNA factions, Islamist groups, HTS and al-Qaeda's branches
    IS = "IS"
    SDF = "SDF"  # the SDF, the YPG/YPJ, their military councils and security forces
    EXTERNAL_FORCES = "external forces"  # other states' armed forces and the US-led coalition
    UNIDENTIFIED = "unidentified"
    CIVILIANS = "civilians"


class Actor(Record):
    id: str = pydantic.Field(min_length=1)
    name: str = pydantic.Field(min_length=1)
    kind: ActorKind
    side: str | None = None  # the side it belongs to in its scenario's agreements
    parent: str | None = None
    inter: int = pydantic.Field(ge=1, le=8)
    aliases: tuple[str, ...] = ()
    notes: str | None = None
    family: ActorFamily | None = None  # None: a force no family describes (a clan militia)


_SPACE = re.compile(r"[\s\-_.]+")
_MARKS = re.compile(r"['’`ʿʾ]")


def normalise_name(name: str) -> str:
    """A key for matching names: case, accents, hyphens and apostrophes folded."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", _MARKS.sub("", stripped.casefold())).strip()


class ActorRegistry:
    """Actors by ID, with exact lookup of canonical names and aliases.

    Fuzzy matching of free text belongs to extraction; this is the exact index
    that both imports and extraction build on.
    """

    def __init__(self, actors: Iterable[Actor]) -> None:
        self._by_id: dict[str, Actor] = {}
        self._by_key: dict[str, str] = {}
        for actor in actors:
            if actor.id in self._by_id:
                raise ValidationFailed(f"actor id {actor.id!r} is registered twice", field="id")
            self._by_id[actor.id] = actor
        for actor in self._by_id.values():
            if actor.parent is not None and actor.parent not in self._by_id:
                raise ValidationFailed(
                    f"actor {actor.id!r} names unknown parent {actor.parent!r}", field="parent"
                )
            for name in (actor.name, *actor.aliases):
                key = normalise_name(name)
                owner = self._by_key.setdefault(key, actor.id)
                if owner != actor.id:
                    raise ValidationFailed(
                        f"name {name!r} is claimed by both {owner!r} and {actor.id!r}",
                        field="aliases",
                    )
        self._check_no_cycles()

    def _check_no_cycles(self) -> None:
        for actor in self._by_id.values():
            seen = {actor.id}
            current = actor
            while current.parent is not None:
                if current.parent in seen:
                    raise ValidationFailed(
                        f"actor {actor.id!r} is its own ancestor", field="parent"
                    )
                seen.add(current.parent)
                current = self._by_id[current.parent]

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Actor]:
        return iter(self._by_id.values())

    def all(self) -> list[Actor]:
        return list(self._by_id.values())

    def get(self, actor_id: str) -> Actor | None:
        return self._by_id.get(actor_id)

    def lookup(self, name: str) -> Actor | None:
        """The actor whose canonical name or alias matches `name` exactly (normalised)."""
        actor_id = self._by_key.get(normalise_name(name))
        return self._by_id[actor_id] if actor_id else None

    def ancestors(self, actor_id: str) -> list[Actor]:
        chain = []
        current = self._by_id.get(actor_id)
        while current is not None and current.parent is not None:
            current = self._by_id.get(current.parent)
            if current is not None:
                chain.append(current)
        return chain

    def side_of(self, actor_id: str) -> str | None:
        """The actor's own side, or the nearest ancestor's."""
        actor = self._by_id.get(actor_id)
        if actor is None:
            return None
        if actor.side is not None:
            return actor.side
        for ancestor in self.ancestors(actor_id):
            if ancestor.side is not None:
                return ancestor.side
        return None

    def family_of(self, actor_id: str) -> ActorFamily | None:
        """The actor's own family, or the nearest ancestor's."""
        actor = self._by_id.get(actor_id)
        if actor is None:
            return None
        for each in (actor, *self.ancestors(actor_id)):
            if each.family is not None:
                return each.family
        return None


def with_catalogue(scenario: Iterable[Actor], catalogue: Iterable[Actor]) -> list[Actor]:
    """A scenario's actors completed by a country's catalogue of actors of every period.

    The scenario decides what it states: an actor it lists keeps its name, kind, side,
    parent and notes, and gains the catalogue's family (unless it has its own) and the
    catalogue's aliases that no other scenario actor claims. A catalogue actor the scenario
    does not list comes in as it is, with no side: which side of an agreement an actor is on
    is the scenario's to say (its parent's side still reaches it, as for any actor).
    """
    own = list(scenario)
    claimed = {normalise_name(n): a.id for a in own for n in (a.name, *a.aliases)}
    extra = {a.id: a for a in catalogue}
    merged = []
    for actor in own:
        more = extra.pop(actor.id, None)
        if more is not None:
            actor = _completed(actor, more, claimed)
        merged.append(actor)
    for actor in extra.values():
        if actor.side is not None:
            raise ValidationFailed(
                f"catalogue actor {actor.id!r} has a side; sides belong to scenarios",
                field="side",
            )
        names = [n for n in (actor.name, *actor.aliases) if claimed.get(normalise_name(n))]
        if actor.name in names:
            continue  # the scenario holds this actor under another ID: the scenario's wins
        aliases = tuple(a for a in actor.aliases if a not in names)
        merged.append(actor.evolve(aliases=aliases) if names else actor)
    return merged


def _completed(actor: Actor, more: Actor, claimed: dict[str, str]) -> Actor:
    aliases = list(actor.aliases)
    keys = {normalise_name(n) for n in (actor.name, *aliases)}
    for alias in (more.name, *more.aliases):
        key = normalise_name(alias)
        if key not in keys and claimed.get(key, actor.id) == actor.id:
            aliases.append(alias)
            keys.add(key)
    return actor.evolve(aliases=tuple(aliases), family=actor.family or more.family)
