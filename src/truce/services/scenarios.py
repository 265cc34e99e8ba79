"""Loading a shipped scenario into the store."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from truce import scenarios
from truce.domain.access import Principal, UseCase, authorize
from truce.domain.actors import ActorRegistry
from truce.domain.canonical import canonical_json
from truce.ledger.entries import Act
from truce.store.uow import UnitOfWork


@dataclass(frozen=True)
class LoadSummary:
    scenario: str
    actors: int
    agreements: int
    members: int
    zones: int
    sources: int = 0


def load_scenario(*, uow: UnitOfWork, who: Principal, name: str) -> LoadSummary:
    """Write a scenario's actors, sources, members and agreements. Loading twice changes
    nothing."""
    authorize(who, UseCase.IMPORT_DATA)
    scenario = scenarios.load(name)
    uow.memo.clear()  # the registry and source book change with the scenario
    uow.actors.put_many(scenario.name, scenario.actors.all())
    uow.sources.put_many(scenario.name, scenario.sources, scenario.source_aliases or {})
    for member in scenario.members:
        uow.members.put(member)
    # Base agreements first: an amendment refers to the one it amends.
    for agreement in sorted(scenario.agreements, key=lambda a: a.amends is not None):
        uow.agreements.put(agreement)
    hashes = {
        "agreements": _digest([a.to_plain() for a in scenario.agreements]),
        "members": _digest([m.to_plain() for m in scenario.members]),
        "sources": _digest([s.to_plain() for s in scenario.sources]),
    }
    act = Act("scenario.load", who.member, who.user, objects=(scenario.name,), hashes=hashes)
    uow.record(act, datetime.now(UTC))
    uow.commit()
    return LoadSummary(
        scenario=scenario.name,
        actors=len(scenario.actors),
        agreements=len(scenario.agreements),
        members=len(scenario.members),
        zones=sum(len(a.zones) for a in scenario.agreements),
        sources=len(scenario.sources),
    )


def _digest(value: object) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def registry_from_store(*, uow: UnitOfWork) -> ActorRegistry:
    """The actor registry, built once per unit of work (it normalises every alias)."""
    if "registry" not in uow.memo:
        uow.memo["registry"] = ActorRegistry(uow.actors.all())
    registry: ActorRegistry = uow.memo["registry"]
    return registry
