"""Ready-made scenarios: agreements with their actors, members and zones, as data files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from truce.domain.actors import Actor, ActorRegistry
from truce.domain.agreements import Agreement, Zone
from truce.domain.errors import NotFound
from truce.domain.members import Member, Source

SCENARIOS = {"astana-2016": "astana_2016"}


@dataclass(frozen=True)
class Scenario:
    name: str
    actors: ActorRegistry
    agreements: tuple[Agreement, ...]
    members: tuple[Member, ...]
    sample_acled: bytes
    sample_period: tuple[date, date]
    sources: tuple[Source, ...] = ()
    sample_reports: tuple[dict[str, Any], ...] = ()
    source_aliases: dict[str, tuple[str, ...]] | None = None

    @property
    def base_agreement(self) -> Agreement:
        return next(a for a in self.agreements if a.amends is None)


def available() -> list[str]:
    return sorted(SCENARIOS)


def _read(package: str, name: str) -> bytes:
    return resources.files(f"truce.scenarios.{package}").joinpath(name).read_bytes()


def load(name: str) -> Scenario:
    """Parse a shipped scenario. Every record is validated as it is built."""
    package = SCENARIOS.get(name)
    if package is None:
        raise NotFound(f"no scenario {name!r}; available: {', '.join(available())}")
    actors = ActorRegistry(Actor.parse(a) for a in json.loads(_read(package, "actors.json")))
    zones = [Zone.parse(z) for z in json.loads(_read(package, "zones.json"))["zones"]]
    spec: dict[str, Any] = json.loads(_read(package, "agreements.json"))
    members = tuple(Member.parse(m) for m in spec["members"])
    agreements = []
    for body in spec["agreements"]:
        kinds = set(body.pop("zone_kinds", []))
        body["zones"] = [z.to_plain() for z in zones if z.kind in kinds]
        agreements.append(Agreement.parse(body))
    for agreement in agreements:
        for group in agreement.excluded:
            if actors.get(group.actor_id) is None:
                raise NotFound(f"{agreement.id}: excluded group {group.actor_id!r} is not an actor")
    sample = spec["sample"]
    source_data = json.loads(_read(package, "sources.json"))
    sources = tuple(
        Source.parse({k: v for k, v in s.items() if k not in ("aliases", "observed")})
        for s in source_data
    )
    source_aliases = {s["id"]: tuple(s.get("aliases", ())) for s in source_data}
    return Scenario(
        name=name,
        actors=actors,
        agreements=tuple(agreements),
        members=members,
        sample_acled=_read(package, sample["file"]),
        sample_period=(
            date.fromisoformat(sample["period"][0]),
            date.fromisoformat(sample["period"][1]),
        ),
        sources=sources,
        source_aliases=source_aliases,
        sample_reports=tuple(json.loads(_read(package, "sample_reports.json"))),
    )
