"""Matching predicted reports to gold events, and precision/recall/F1 per field.

Each gold event is paired with at most one report (greedy, best pairs first;
a pair needs the same event type, or the same day, or places within 25 km).
A field counts as right only on a matched pair; unmatched reports count
against precision and unmatched gold events against recall.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from truce.domain.geo import haversine_km
from truce.domain.reports import ActorRole, Report
from truce.domain.vocab import ACLED_VIOLENT_EVENT_TYPES, ActorRoleKind, DatePrecision
from truce.evaluation.gold import GoldEvent
from truce.evaluation.governorates import acled_governorate

FIELDS = (
    "event detection",
    "sub-type",
    "place within 25 km",
    "exact date",
    "exact fatalities",
    "actors: role and side",
    "actor side",
)
PLACE_KM = 25.0


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, predicted: int, gold: int) -> None:
        self.tp += tp
        self.fp += predicted - tp
        self.fn += gold - tp

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    fields: dict[str, Tally] = field(default_factory=lambda: {name: Tally() for name in FIELDS})
    documents: int = 0
    misses: list[str] = field(default_factory=list)  # a few examples of what went wrong


def _day(report: Report) -> date:
    """The day a report gives: its date, or the middle of its span (as ACLED records a week)."""
    if report.date_precision is DatePrecision.DAY:
        return report.date_start
    return report.date_start + (report.date_end - report.date_start) / 2


def _distance(report: Report, event: GoldEvent) -> float | None:
    if None in (report.lat, report.lon, event.lat, event.lon):
        return None
    return haversine_km(report.lat, report.lon, event.lat, event.lon)  # type: ignore[arg-type]


def _affinity(report: Report, event: GoldEvent) -> float:
    score = 0.0
    if report.sub_event_type == event.sub_event_type:
        score += 2
    elif report.event_type == event.event_type:
        score += 1
    gap = abs((_day(report) - event.date).days)
    score += 2 if gap == 0 else (1 if gap <= 3 else 0)
    km = _distance(report, event)
    if km is not None:
        score += 2 if km <= PLACE_KM else (1 if km <= 75 else 0)
    return score


def match(reports: list[Report], events: Iterable[GoldEvent]) -> list[tuple[Report, GoldEvent]]:
    gold = list(events)
    pairs = sorted(
        ((_affinity(r, e), i, j) for i, r in enumerate(reports) for j, e in enumerate(gold)),
        key=lambda t: -t[0],
    )
    used_r, used_g, out = set(), set(), []
    for affinity, i, j in pairs:
        if affinity < 2 or i in used_r or j in used_g:
            continue
        used_r.add(i)
        used_g.add(j)
        out.append((reports[i], gold[j]))
    return out


def _roles(report: Report) -> set[tuple[str, str | None]]:
    """The (role, side) pairs of a report; associated actors count with their side's role."""
    wanted = {
        ActorRoleKind.PERPETRATOR: "perpetrator",
        ActorRoleKind.SIDE_A: "perpetrator",
        ActorRoleKind.ASSOCIATED_A: "perpetrator",
        ActorRoleKind.TARGET: "target",
        ActorRoleKind.SIDE_B: "target",
        ActorRoleKind.ASSOCIATED_B: "target",
    }
    return {(wanted[a.role], a.side) for a in report.actors if a.role in wanted}


def _gold_roles(event: GoldEvent) -> set[tuple[str, str | None]]:
    return {(a.role, a.side) for a in event.actors}


def score_document(
    scores: Scores, doc_id: str, reports: list[Report], events: tuple[GoldEvent, ...]
) -> None:
    scores.documents += 1
    pairs = match(reports, events)
    f = scores.fields
    n_pred, n_gold = len(reports), len(events)
    f["event detection"].add(len(pairs), n_pred, n_gold)
    f["sub-type"].add(sum(r.sub_event_type == e.sub_event_type for r, e in pairs), n_pred, n_gold)
    located = sum(1 for r in reports if r.lat is not None)
    gold_located = sum(1 for e in events if e.lat is not None)
    near = sum(1 for r, e in pairs if (km := _distance(r, e)) is not None and km <= PLACE_KM)
    f["place within 25 km"].add(near, located, gold_located)
    f["exact date"].add(sum(_day(r) == e.date for r, e in pairs), n_pred, n_gold)
    f["exact fatalities"].add(
        sum((r.fatalities_low or 0) == e.fatalities for r, e in pairs), n_pred, n_gold
    )
    # Actors are compared as sets of (role, side): two government units on one side are one side.
    predicted_roles = sum(len(_roles(r)) for r in reports)
    gold_roles = sum(len(_gold_roles(e)) for e in events)
    matched_roles = sum(len(_roles(r) & _gold_roles(e)) for r, e in pairs)
    f["actors: role and side"].add(matched_roles, predicted_roles, gold_roles)
    predicted_sides = sum(len({s for _, s in _roles(r)}) for r in reports)
    gold_sides = sum(len({s for _, s in _gold_roles(e)}) for e in events)
    sides = sum(len({s for _, s in _roles(r)} & {s for _, s in _gold_roles(e)}) for r, e in pairs)
    f["actor side"].add(sides, predicted_sides, gold_sides)
    if (len(pairs) != n_gold or n_pred != n_gold) and len(scores.misses) < 40:
        scores.misses.append(
            f"{doc_id}: {n_gold} gold event(s), {n_pred} report(s), {len(pairs)} matched"
        )


def render(scores: Scores, title: str) -> str:
    lines = [
        f"{title}: {scores.documents} documents",
        "",
        f"{'field':<24}{'precision':>10}{'recall':>9}{'F1':>7}{'TP':>6}{'FP':>6}{'FN':>6}",
    ]
    for name, t in scores.fields.items():
        lines.append(
            f"{name:<24}{t.precision:>10.3f}{t.recall:>9.3f}{t.f1:>7.3f}{t.tp:>6}{t.fp:>6}{t.fn:>6}"
        )
    return "\n".join(lines)


# --- the first report of each document, per text kind ---------------------------------------------
#
# The held-out sets judge Truce as an analyst reads a note or an article: is there a report at
# all, and is the first one right? Each document with a gold event is scored on the first
# report (for news, the first violent one) against its first gold event; a document with no
# report is wrong on every field. A field the gold event does not give is left unscored.

FIRST_FIELDS = (
    "a report at all",
    "event type",
    "sub-type",
    "exact date",
    "date within 3 days",
    "place within 25 km",
    "governorate",
    "fatalities",
    "perpetrator's family",
    "no violent report",  # on texts whose gold has no violent event (denials, tallies, threats)
)
NEWS_KINDS = frozenset({"news", "state-media"})  # scored on their first violent report
DATE_DAYS = 3
ALL_KINDS = "all"


@dataclass
class Share:
    right: int = 0
    of: int = 0

    @property
    def share(self) -> float | None:
        return self.right / self.of if self.of else None


@dataclass
class FirstScores:
    """Shares of documents right per field, per text kind (and over all kinds)."""

    kinds: dict[str, dict[str, Share]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # documents the pipeline could not read

    def add(self, kind: str, name: str, right: bool | None) -> None:
        if right is None:
            return
        for key in (kind, ALL_KINDS):
            share = self.kinds.setdefault(key, {n: Share() for n in FIRST_FIELDS})[name]
            share.of += 1
            share.right += bool(right)


FamilyOf = Callable[[ActorRole], str | None]


def first_report(reports: list[Report], kind: str) -> Report | None:
    if kind in NEWS_KINDS:
        reports = [r for r in reports if r.event_type in ACLED_VIOLENT_EVENT_TYPES]
    return reports[0] if reports else None


def _gold_families(event: GoldEvent) -> set[str]:
    return {a.family for a in event.actors if a.role == "perpetrator" and a.family}


def _within_days(report: Report, event: GoldEvent, published: date | None) -> bool:
    day = _day(report)
    # A date after publication is never right, however close to the gold date.
    return abs((day - event.date).days) <= DATE_DAYS and (published is None or day <= published)


def score_first(
    scores: FirstScores,
    kind: str,
    reports: list[Report],
    events: tuple[GoldEvent, ...],
    *,
    published: date | None = None,
    family_of: FamilyOf = lambda actor: None,
) -> None:
    """Score one document's first report against its first gold event, under `kind`."""
    if not any(e.event_type in ACLED_VIOLENT_EVENT_TYPES for e in events):
        violent = [r for r in reports if r.event_type in ACLED_VIOLENT_EVENT_TYPES]
        scores.add(kind, "no violent report", not violent)
    if not events:
        return
    gold = events[0]
    report = first_report(reports, kind)
    scores.add(kind, "a report at all", report is not None)

    def check(name: str, scored: bool, right: Callable[[Report], bool]) -> None:
        if scored:
            scores.add(kind, name, report is not None and right(report))

    check("event type", True, lambda r: r.event_type == gold.event_type)
    check("sub-type", True, lambda r: r.sub_event_type == gold.sub_event_type)
    check("exact date", True, lambda r: _day(r) == gold.date)
    check("date within 3 days", True, lambda r: _within_days(r, gold, published))
    check(
        "place within 25 km",
        gold.lat is not None and gold.lon is not None,
        lambda r: (km := _distance(r, gold)) is not None and km <= PLACE_KM,
    )
    want = acled_governorate(gold.admin1)
    check("governorate", want is not None, lambda r: acled_governorate(r.admin1) == want)
    check("fatalities", True, lambda r: (r.fatalities_low or 0) == gold.fatalities)
    families = _gold_families(gold)
    check("perpetrator's family", bool(families), lambda r: _family(r, family_of) in families)


def _family(report: Report, family_of: FamilyOf) -> str:
    # A report that names no perpetrator says it is unidentified, as ACLED codes it.
    actor = report.perpetrator()
    return (family_of(actor) if actor is not None else None) or "unidentified"


def render_first(scores: FirstScores, title: str) -> str:
    """Fields down, text kinds across: the share right, and of how many documents."""
    kinds = [*sorted(k for k in scores.kinds if k != ALL_KINDS), ALL_KINDS]
    width = max(12, *(len(k) + 2 for k in kinds))
    lines = [
        f"{title}: first report of each document, share right (documents scored)",
        "",
        f"{'field':<24}" + "".join(f"{k:>{width}}" for k in kinds),
    ]
    for name in FIRST_FIELDS:
        cells = []
        for kind in kinds:
            share = scores.kinds.get(kind, {}).get(name, Share())
            value = "-" if share.share is None else f"{share.share:.2f} ({share.of})"
            cells.append(f"{value:>{width}}")
        lines.append(f"{name:<24}" + "".join(cells))
    if scores.failures:
        lines += ["", f"{len(scores.failures)} document(s) failed in the pipeline:"]
        lines += [f"  {failure}" for failure in scores.failures]
    return "\n".join(lines)
