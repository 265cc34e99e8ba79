"""What fusion compares of a report, computed once per report."""

from __future__ import annotations

import re
from dataclasses import dataclass

from truce.domain.actors import normalise_name
from truce.domain.reports import Report
from truce.domain.vocab import (
    PERPETRATOR_SIDE_ROLES,
    SUB_EVENT_TO_EVENT,
    TARGET_SIDE_ROLES,
    WHERE_PREC_RADIUS_KM,
)
from truce.text import fold, skeleton

_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = frozenset({"that", "with", "were", "from", "this", "have", "been", "their", "said", "which", "after",
                   "killed", "forces", "fighters", "reported", "according", "january", "february", "march",
                   "april", "june", "july", "august", "september", "october", "november", "december"})  # fmt: skip


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
    perpetrator_sides: frozenset[str | None]
    target_sides: frozenset[str | None]
    fatalities: int | None
    words: frozenset[str]
    source: str

    @property
    def coarse(self) -> bool:
        """Located only to a governorate or wider, or not at all."""
        return self.lat is None or self.radius_km > 60


def features(index: int, report: Report) -> Features:
    precision = report.location_precision or (1 if report.lat is not None else 6)
    # Consonant skeletons: "Saasaa" and "Sa'sa", "Shaykhun" and "Sheikhun" count as one word.
    words = frozenset(
        skeleton(fold(w)) for w in _WORD.findall((report.notes or "").lower()) if w not in _STOP
    )
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
        perpetrator_sides=frozenset(a.side for a in report.actors_in(*PERPETRATOR_SIDE_ROLES)),
        target_sides=frozenset(a.side for a in report.actors_in(*TARGET_SIDE_ROLES)),
        fatalities=report.best_fatalities(),
        words=words,
        source=_channel(report),
    )


def _channel(report: Report) -> str:
    """Who told this story. A coded data set cites outlets but is one channel of its own:
    its rows are distinct events, and they may repeat any outlet's claim."""
    if report.provenance.dataset in ("ACLED", "UCDP GED", "PLOVER"):
        return f"dataset:{report.provenance.dataset}"
    return (report.sources[0].name if report.sources else "").lower()
