"""Ready-made scenarios: agreements with their actors, members and zones, as data files."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from truce.domain.actors import Actor, ActorRegistry, with_catalogue
from truce.domain.agreements import Agreement, Zone
from truce.domain.errors import NotFound
from truce.domain.members import Member, Source

SCENARIOS = {"astana-2016": "astana_2016"}
DEFAULT = "astana-2016"  # the scenario whose actors extraction knows when the store has none
# Countries' catalogues of actors of every period, with their families and no sides. A
# scenario names the one it builds on (`actor_catalogue` in its agreements.json).
CATALOGUES = {"syria": "catalogues/syria.json"}


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


def _shipped(package: str) -> Callable[[str], bytes]:
    def read(name: str) -> bytes:
        return resources.files(f"truce.scenarios.{package}").joinpath(name).read_bytes()

    return read


def _folder(folder: Path) -> Callable[[str], bytes]:
    def read(name: str) -> bytes:
        path = folder / name
        if not path.is_file():
            raise NotFound(f"scenario folder {folder} has no {name}")
        return path.read_bytes()

    return read


def load(name: str) -> Scenario:
    """Parse a shipped scenario, or a scenario folder (a path holding the same files: actors,
    agreements, zones, sources; the sample files are optional). Every record is validated
    as it is built: a new scenario needs data, not code."""
    package = SCENARIOS.get(name)
    if package is not None:
        return _parse(name, _shipped(package))
    folder = Path(name)
    if folder.is_dir():
        spec = json.loads(_folder(folder)("agreements.json"))
        return _parse(str(spec.get("name") or folder.name), _folder(folder))
    raise NotFound(
        f"no scenario {name!r}; available: {', '.join(available())}, or a scenario folder's path"
    )


def catalogue(country: str) -> list[Actor]:
    """A shipped catalogue's actors (every period, families, no sides)."""
    path = CATALOGUES.get(country)
    if path is None:
        raise NotFound(
            f"no actor catalogue {country!r}; available: {', '.join(sorted(CATALOGUES))}"
        )
    data = resources.files("truce.scenarios").joinpath(path).read_bytes()
    return [Actor.parse(a) for a in json.loads(data)]


def _parse(name: str, _read: Callable[[str], bytes]) -> Scenario:
    spec: dict[str, Any] = json.loads(_read("agreements.json"))
    own = [Actor.parse(a) for a in json.loads(_read("actors.json"))]
    country = spec.pop("actor_catalogue", None)
    actors = ActorRegistry(with_catalogue(own, catalogue(country)) if country else own)
    zones = [Zone.parse(z) for z in json.loads(_read("zones.json"))["zones"]]
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
    sample = spec.get("sample") or {}
    source_data = json.loads(_read("sources.json"))
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
        sample_acled=_read(sample["file"]) if sample.get("file") else b"",
        sample_period=_period(sample, agreements),
        sources=sources,
        source_aliases=source_aliases,
        sample_reports=tuple(json.loads(_read("sample_reports.json"))) if sample else (),
    )


def _period(sample: dict[str, Any], agreements: list[Agreement]) -> tuple[date, date]:
    if "period" in sample:
        return date.fromisoformat(sample["period"][0]), date.fromisoformat(sample["period"][1])
    day = min(a.in_force_from for a in agreements).date()
    return day, day
