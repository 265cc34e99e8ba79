"""What fusion compares of a report, computed once per report."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from truce.domain.actors import normalise_name
from truce.domain.reports import ActorRole, Report
from truce.domain.vocab import (
    PERPETRATOR_SIDE_ROLES,
    SUB_EVENT_TO_EVENT,
    TARGET_SIDE_ROLES,
    WHERE_PREC_RADIUS_KM,
)
from truce.text import fold, skeleton

_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = frozenset(
    {"that", "with", "were", "from", "this", "have", "been", "their", "said", "which", "after"}
    | {"killed", "forces", "fighters", "reported", "according"}  # in most reports of violence
    | {"january", "february", "march", "april", "june", "july", "august", "september"}
    | {"october", "november", "december"}
)


Affiliations = Mapping[str, str]
_PERPETRATOR_ROLES = frozenset(PERPETRATOR_SIDE_ROLES)
_TARGET_ROLES = frozenset(TARGET_SIDE_ROLES)


@dataclass(frozen=True, slots=True)
class Features:
    index: int
    report_id: str
    day_lo: int
    day_hi: int
    lat: float | None
    lon: float | None
    radius_km: float
    admin1: str | None
    family: str
    sub: str
    perpetrators: frozenset[str]
    targets: frozenset[str]
    perpetrator_sides: frozenset[str | None]
    target_sides: frozenset[str | None]
    fatalities: int | None
    words: frozenset[str]
    place: str  # the place's name as a spelling-tolerant key ("" when unnamed)
    source: str
    source_side: str | None  # the side the reporting source belongs to, when known

    @property
    def coarse(self) -> bool:
        """Located only to a governorate or wider, or not at all."""
        return self.lat is None or self.radius_km > 60


def features(index: int, report: Report, affiliations: Affiliations | None = None) -> Features:
    """What fusion compares of a report. `affiliations` gives the side of known sources,
    by normalised name: a side's own outlet blaming the other side is a pattern fusion knows."""
    precision = report.location_precision or (1 if report.lat is not None else 6)
    words = frozenset(
        _key(w) for w in _WORD.findall((report.notes or "").lower()) if w not in _STOP
    )
    perpetrators = [a for a in report.actors if a.role in _PERPETRATOR_ROLES]
    targets = [a for a in report.actors if a.role in _TARGET_ROLES]
    return Features(
        index=index,
        report_id=report.id,
        day_lo=report.date_start.toordinal(),
        day_hi=report.date_end.toordinal(),
        lat=report.lat,
        lon=report.lon,
        radius_km=WHERE_PREC_RADIUS_KM.get(precision, 25.0),
        admin1=normalise_name(report.admin1) if report.admin1 else None,
        family=report.event_type or SUB_EVENT_TO_EVENT.get(report.sub_event_type or "", ""),
        sub=report.sub_event_type or "",
        perpetrators=_identities(perpetrators),
        targets=_identities(targets),
        perpetrator_sides=frozenset(a.side for a in perpetrators),
        target_sides=frozenset(a.side for a in targets),
        fatalities=report.best_fatalities(),
        words=words,
        place=place_key(report.location_name),
        source=_channel(report),
        source_side=(affiliations or {}).get(normalise_name(report.sources[0].name))
        if report.sources
        else None,
    )


@functools.lru_cache(maxsize=1 << 16)
def _key(word: str) -> str:
    # Consonant skeletons: "Saasaa" and "Sa'sa", "Shaykhun" and "Sheikhun" count as one word.
    # Cached: reports repeat the same words, and folding is the costly part of features.
    return skeleton(fold(word))


_ARTICLES = frozenset({"al", "el", "ad", "ar", "as", "at", "az", "an"})


def place_key(name: str | None) -> str:
    """ "Basimah" and "Bassima", "Khan Shaykhun" and "Khan Sheikhoun" give one key: word
    skeletons without the Arabic article or a final h (the -ah/-a of transliterations)."""
    words = normalise_name(name or "").split()
    return " ".join(_key(w).rstrip("h") or w for w in words if w not in _ARTICLES)


def _identities(actors: Iterable[ActorRole]) -> frozenset[str]:
    """Who the actors are: the registry ID, or the name as written when unresolved. A resolved
    actor with no side ("unidentified gunmen") says nothing about who it was."""
    return frozenset(
        a.actor_id or normalise_name(a.name) for a in actors if a.side is not None or not a.actor_id
    )


def _channel(report: Report) -> str:
    """Who told this story. A coded data set cites outlets but is one channel of its own:
    its rows are distinct events, and they may repeat any outlet's claim."""
    if report.provenance.dataset in ("ACLED", "UCDP GED", "PLOVER"):
        return f"dataset:{report.provenance.dataset}"
    return (report.sources[0].name if report.sources else "").lower()
