"""Every count Truce shows, defined once, each with a label that says what it counts.

Three kinds of count, never to be confused:
- judged violations: incidents whose current finding is a violation, counted in the database;
- alleged violations: reports of a prohibited kind, before any judgement (`summary`);
- guarantors' tallies: judged violations by whether the other side's sources report them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from truce.domain.access import Principal, UseCase, authorize
from truce.store.uow import UnitOfWork

VIOLATIONS = ("violation_serious", "violation_minor")

JUDGED_LABEL = (
    "incidents judged a violation (serious or minor) by their current finding; "
    "one per incident, on its first day; side = the side held responsible"
)
ALLEGED_LABEL = (
    "reports alleging an act the agreement prohibits, not judged; one per report; "
    "side = the side of the actor the report names first"
)
UNKNOWN = "unknown"


@dataclass(frozen=True)
class ViolationCounts:
    """Judged violations in a period, by day, governorate and side, from one SQL count."""

    agreement_id: str
    start: date | None
    end: date | None
    cells: tuple[tuple[date, str, str, int], ...]  # (day, governorate, side, incidents)
    label: str = JUDGED_LABEL

    @property
    def total(self) -> int:
        return sum(n for *_, n in self.cells)

    @property
    def by_governorate(self) -> dict[str, int]:
        return dict(sorted(self._sum(lambda d, g, s: g).items()))

    @property
    def by_side(self) -> dict[str, int]:
        return dict(sorted(self._sum(lambda d, g, s: s).items()))

    def on(self, day: date) -> Counter[tuple[str, str]]:
        """(governorate, side) -> incidents that began on `day`."""
        return Counter({(g, s): n for d, g, s, n in self.cells if d == day})

    def daily(self, start: date, end: date) -> dict[str, Any]:
        """Each side's count per day over [start, end], for the chart."""
        days = [start + timedelta(days=k) for k in range((end - start).days + 1)]
        sides = sorted({s for _, _, s, _ in self.cells})
        per: Counter[tuple[date, str]] = Counter()
        for d, _, s, n in self.cells:
            per[(d, s)] += n
        return {
            "days": [d.isoformat() for d in days],
            "series": {s: [per[(d, s)] for d in days] for s in sides},
        }

    def to_plain(self) -> dict[str, Any]:
        return {
            "counts": self.label,
            "agreement": self.agreement_id,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "by_governorate": self.by_governorate,
            "by_side": self.by_side,
            "total": self.total,
        }

    def _sum(self, key: Any) -> Counter[str]:
        out: Counter[str] = Counter()
        for d, g, s, n in self.cells:
            out[key(d, g, s)] += n
        return out


def violation_counts(
    *,
    uow: UnitOfWork,
    who: Principal,
    agreement_id: str,
    start: date | None = None,
    end: date | None = None,
    governorate: str | None = None,
    side: str | None = None,
    finding: str | None = None,
) -> ViolationCounts:
    """Judged violations in [start, end], counted by the database, never over a page of
    incidents: a busy month counts as fully as a quiet one. A governorate, side or finding
    narrows the count as it narrows the list."""
    authorize(who, UseCase.VIEW)
    categories = VIOLATIONS if finding is None else tuple(c for c in VIOLATIONS if c == finding)
    rows = uow.incidents.counts(agreement_id, categories, start, end) if categories else []
    cells = tuple(
        sorted(
            (d, g or UNKNOWN, s or UNKNOWN, n)
            for d, g, s, n in rows
            if (governorate is None or g == governorate) and (side is None or s == side)
        )
    )
    return ViolationCounts(agreement_id, start, end, cells)
