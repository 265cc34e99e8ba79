"""Gold annotations: Truce's own JSON gold files, and ACLED rows read as notes plus coded truth."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from truce.domain.actors import Actor, ActorRegistry
from truce.domain.errors import InputRejected
from truce.domain.reports import ActorRole, Report
from truce.domain.vocab import SUB_EVENT_TO_EVENT, ActorRoleKind

# When a data set's actor is not in the registry, its ACLED inter code hints at its side.
_SIDE_BY_INTER = {1: "government", 3: "government", 2: "opposition", 7: "civilians"}

# The actor families scored as "perpetrator's family": a vocabulary that holds in any year,
# unlike the sides, which are the Astana agreement's. Shared with the actor registry.
FAMILIES = frozenset(
    {
        "state forces",
        "pro-government militias",
        "rebels",
        "IS",
        "SDF",
        "external forces",
        "unidentified",
        "civilians",
    }
)
SPLITS = frozenset({"tune", "held"})  # half of a development set to tune on, half left alone


@dataclass(frozen=True)
class GoldActor:
    role: str  # perpetrator | target
    side: str | None
    text: str = ""
    family: str | None = None  # one of FAMILIES; None leaves the family unscored


@dataclass(frozen=True)
class GoldEvent:
    sub_event_type: str
    date: date
    lat: float | None
    lon: float | None
    fatalities: int
    actors: tuple[GoldActor, ...] = ()
    location: str = ""
    admin1: str | None = None  # the governorate, as ACLED or the gazetteer spells it

    @property
    def event_type(self) -> str:
        return SUB_EVENT_TO_EVENT[self.sub_event_type]


@dataclass(frozen=True)
class GoldDoc:
    id: str
    text: str
    published: date | None
    events: tuple[GoldEvent, ...]
    kind: str = ""
    source: str = ""
    extras: dict[str, Any] = field(default_factory=dict)
    split: str | None = None  # "tune" or "held" in a development set
    address: str | None = None  # where the text it was drawn from is published


def parse_gold(data: dict[str, Any], name: str) -> GoldDoc:
    """One gold file. Refuses what it cannot score, naming the file and the field."""
    try:
        events = tuple(
            GoldEvent(
                sub_event_type=_sub(e["sub_event_type"], name),
                date=date.fromisoformat(e["date"]),
                lat=e.get("lat"),
                lon=e.get("lon"),
                fatalities=int(e.get("fatalities") or 0),
                actors=tuple(
                    GoldActor(
                        a["role"], a.get("side"), a.get("text", ""), _family(a.get("family"), name)
                    )
                    for a in e.get("actors", ())
                ),
                location=e.get("location") or "",
                admin1=e.get("admin1") or None,
            )
            for e in data.get("events", ())
        )
        published = date.fromisoformat(data["published"]) if data.get("published") else None
        return GoldDoc(
            id=str(data.get("id") or name),
            text=str(data["text"]),
            published=published,
            events=events,
            kind=str(data.get("kind") or ""),
            source=str(data.get("source") or ""),
            split=_split(data.get("split"), name),
            address=str(data["address"]) if data.get("address") else None,
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise InputRejected(f"{name}: not a gold file ({type(exc).__name__}: {exc})") from None


def _sub(value: str, name: str) -> str:
    if value not in SUB_EVENT_TO_EVENT:
        raise InputRejected(f"{name}: unknown sub_event_type {value!r}")
    return value


def _family(value: Any, name: str) -> str | None:
    if value is None or value in FAMILIES:
        return value
    raise InputRejected(f"{name}: actors.family {value!r} is not one of {sorted(FAMILIES)}")


def _split(value: Any, name: str) -> str | None:
    if value is None or value in SPLITS:
        return value
    raise InputRejected(f"{name}: split {value!r} is not one of {sorted(SPLITS)}")


def parse_gold_json(text: str, name: str) -> GoldDoc:
    try:
        return parse_gold(json.loads(text), name)
    except json.JSONDecodeError as exc:
        raise InputRejected(f"{name}: not JSON ({exc.msg} at line {exc.lineno})") from None


# ACLED's inter codes that name one family on their own; rebel groups (2) include IS and the
# SDF's forerunners, and militias (3, 4) are on both sides, so those need the registry.
_FAMILY_BY_INTER = {1: "state forces", 7: "civilians", 8: "external forces"}


def _acled_family(actor: ActorRole, known: Actor | None) -> str | None:
    # The registry's `family` (added with issue 13) wins; read defensively until every
    # registry carries it.
    family = getattr(known, "family", None) if known is not None else None
    if family in FAMILIES:
        return str(family)
    if actor.name.casefold().startswith("unidentified"):
        return "unidentified"
    return _FAMILY_BY_INTER.get(actor.inter or 0)


def gold_from_acled(reports: list[Report], registry: ActorRegistry) -> list[GoldDoc]:
    """ACLED rows as gold: `notes` is the text, the coded columns the truth (one event per row)."""
    docs = []
    for report in reports:
        if not report.notes or report.sub_event_type is None:
            continue
        actors = []
        for role, kinds in (
            ("perpetrator", (ActorRoleKind.SIDE_A, ActorRoleKind.ASSOCIATED_A)),
            ("target", (ActorRoleKind.SIDE_B, ActorRoleKind.ASSOCIATED_B)),
        ):
            for actor in report.actors_in(*kinds):
                known = registry.lookup(actor.name)
                side = registry.side_of(known.id) if known else _SIDE_BY_INTER.get(actor.inter or 0)
                actors.append(GoldActor(role, side, actor.name, _acled_family(actor, known)))
        middle = report.date_start + (report.date_end - report.date_start) / 2
        event = GoldEvent(
            sub_event_type=report.sub_event_type,
            date=middle,
            lat=report.lat,
            lon=report.lon,
            fatalities=report.fatalities_low or 0,
            actors=tuple(actors),
            location=report.location_name or "",
            admin1=report.admin1,
        )
        docs.append(
            GoldDoc(
                id=report.provenance.dataset_id or report.id,
                text=report.notes,
                published=middle,
                events=(event,),
                kind="acled-note",
            )
        )
    return docs
