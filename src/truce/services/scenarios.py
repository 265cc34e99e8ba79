"""Loading a shipped scenario into the store."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from truce import scenarios
from truce.domain.access import SYSTEM
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


def load_scenario(*, uow: UnitOfWork, name: str) -> LoadSummary:
    """Write a scenario's actors, members and agreements. Loading twice changes nothing."""
    scenario = scenarios.load(name)
    uow.actors.put_many(name, scenario.actors.all())
    for member in scenario.members:
        uow.members.put(member)
    # Base agreements first: an amendment refers to the one it amends.
    for agreement in sorted(scenario.agreements, key=lambda a: a.amends is not None):
        uow.agreements.put(agreement)
    uow.record(Act("scenario.load", SYSTEM.member, SYSTEM.user, objects=(name,),
                   hashes={"agreements": _digest([a.to_plain() for a in scenario.agreements]),
                           "members": _digest([m.to_plain() for m in scenario.members])}), datetime.now(UTC))  # fmt: skip
    uow.commit()
    return LoadSummary(
        scenario=name,
        actors=len(scenario.actors),
        agreements=len(scenario.agreements),
        members=len(scenario.members),
        zones=sum(len(a.zones) for a in scenario.agreements),
    )


def _digest(value: object) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def registry_from_store(*, uow: UnitOfWork) -> ActorRegistry:
    return ActorRegistry(uow.actors.all())
