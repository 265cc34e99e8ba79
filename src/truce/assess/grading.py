"""How sure we are: occurrence (C4 to C0) and attribution grades, each with its reasons.

Independence: copies of one story (near-identical text) count once, and
sources affiliated with the same side count once when they corroborate
against the other side.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from truce.domain.actors import normalise_name
from truce.domain.incidents import AttributionGrade, OccurrenceGrade
from truce.domain.members import Source
from truce.domain.redaction import mentions
from truce.domain.reports import Report

_WORD = re.compile(r"[^\W\d_]{4,}")
COPY = 0.8  # word overlap above which two texts are one story


class SourceBook:
    """Known sources by every name they go by: affiliation, kind and reliability."""

    def __init__(
        self, sources: Sequence[Source], aliases: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        self._by_key: dict[str, Source] = {}
        for source in sources:
            for name in (source.name, *(aliases or {}).get(source.id, ())):
                self._by_key[normalise_name(name)] = source
        self._names = {s.id: [s.name, *(aliases or {}).get(s.id, ())] for s in sources}
        self._protected_by_id = {s.id: self._names[s.id] for s in sources if s.confidential}
        self._protected = [n for names in self._protected_by_id.values() for n in names]

    def find(self, name: str | None) -> Source | None:
        return self._by_key.get(normalise_name(name)) if name else None

    def confidential(self, name: str) -> bool:
        """Whether a source name is, or names, a protected source: "WB1", "WB‑1 (protected
        witness)" and "the witness WB-1's brother" are all WB-1. When in doubt, protect."""
        found = self.find(name)
        return bool(found and found.confidential) or mentions(name, self._protected)

    def protected_names(self) -> list[str]:
        """Every name of every protected source."""
        return list(self._protected)

    def names_of(self, name: str) -> list[str]:
        """Every name the source called `name` goes by (itself alone if unknown); for a name
        that mentions protected sources, theirs as well."""
        found = self.find(name)
        if found is not None:
            return self._names.get(found.id, [name])
        named = [
            n for names in self._protected_by_id.values() if mentions(name, names) for n in names
        ]
        return [name, *named]


@dataclass(frozen=True)
class Grades:
    occurrence: OccurrenceGrade
    attribution: AttributionGrade
    responsible_side: str | None
    reasons: tuple[str, ...]
    independent_sources: int


def _words(report: Report) -> frozenset[str]:
    return frozenset(_WORD.findall((report.notes or "").lower()))


def _publisher(report: Report) -> str:
    return report.sources[0].name if report.sources else "unknown source"


def independent_groups(reports: Sequence[Report], book: SourceBook) -> list[list[Report]]:
    """Reports grouped so each group is one independent voice."""
    groups: list[list[Report]] = []
    for report in sorted(reports, key=lambda r: r.id):
        words = _words(report)
        home = None
        for group in groups:
            first = group[0]
            same_source = _source_key(first, book) == _source_key(report, book)
            other = _words(first)
            copy = bool(words and other) and len(words & other) / len(words | other) >= COPY
            if same_source or copy:
                home = group
                break
        if home is None:
            groups.append([report])
        else:
            home.append(report)
    return groups


def _source_key(report: Report, book: SourceBook) -> str:
    """One key per source, whatever name it goes by ("AFP" and "Agence France-Presse")."""
    known = book.find(_publisher(report))
    return known.id if known is not None else _publisher(report).casefold()


def _affiliation(group: list[Report], book: SourceBook) -> str | None:
    for report in group:
        for name in (_publisher(report), report.attribution):
            source = book.find(name)
            if source is not None and source.affiliation:
                return source.affiliation
    return None


def grade(reports: Sequence[Report], book: SourceBook, *, discounted: bool = False) -> Grades:
    reasons: list[str] = []
    groups = independent_groups(reports, book)
    copies = len(reports) - len(groups)
    if copies:
        reasons.append(
            f"{copies} report(s) repeat a story already counted "
            "(same outlet or near-identical text)"
        )
    voices = _voices(groups, book)
    admitted = _admission(reports, book)
    occurrence, why = _occurrence(reports, book, groups, voices, admitted, discounted)
    reasons.append(why)
    attribution, responsible, why_attributed = _attribution(reports, book, groups, admitted)
    if why_attributed:
        reasons.append(why_attributed)
    return Grades(occurrence, attribution, responsible, tuple(reasons), voices)


def _voices(groups: list[list[Report]], book: SourceBook) -> int:
    """Independent voices. Sources of one side count once: many government outlets are one
    voice, not many."""
    affiliations = [_affiliation(g, book) for g in groups]
    return len({a for a in affiliations if a is not None}) + sum(
        1 for a in affiliations if a is None
    )


def _occurrence(
    reports: Sequence[Report],
    book: SourceBook,
    groups: list[list[Report]],
    voices: int,
    admitted: str | None,
    discounted: bool,
) -> tuple[OccurrenceGrade, str]:
    observed = any(_observed(book.find(_publisher(r))) for r in reports)
    if discounted:
        return OccurrenceGrade.DISCOUNTED, "every report was rejected in review"
    if any(r.provenance.extras.get("claim") == "denial" for r in reports):
        return OccurrenceGrade.CONTESTED, "a source denies that the event happened"
    if observed:
        return OccurrenceGrade.CONFIRMED, "seen by a mechanism team"
    if admitted:
        return OccurrenceGrade.CONFIRMED, f"admitted by the {admitted} side's own source"
    if voices >= 2:
        return OccurrenceGrade.CORROBORATED, f"{voices} independent sources report it"
    several = " (several outlets of one side count once)" if len(groups) > 1 else ""
    return OccurrenceGrade.SINGLE_SOURCE, f"one independent source only{several}"


def _attribution(
    reports: Sequence[Report], book: SourceBook, groups: list[list[Report]], admitted: str | None
) -> tuple[AttributionGrade, str | None, str | None]:
    """The grade, the side responsible if one is named, and why (nothing to add when the
    side admits it: the occurrence says so)."""
    sides = _claimed_sides(reports)
    if not sides:
        return AttributionGrade.UNDETERMINED, None, "no source names who did it"
    if len(sides) > 1:
        named = ", ".join(sorted(s or "unknown" for s in sides))
        return AttributionGrade.CONTESTED, None, f"sources disagree on who did it: {named}"
    responsible = next(iter(sides))
    if admitted:
        return AttributionGrade.ACKNOWLEDGED, responsible, None
    naming = _voices([g for g in groups if any(_names_side(r) for r in g)], book)
    if naming >= 2:
        why = f"{naming} independent sources name the {responsible} side"
        return AttributionGrade.LIKELY, responsible, why
    return AttributionGrade.SUSPECTED, responsible, f"one source names the {responsible} side"


def _observed(source: Source | None) -> bool:
    """A mechanism team's own observation (kind monitor, reliability A)."""
    return source is not None and source.kind.value == "monitor" and source.reliability == "A"


def _names_side(report: Report) -> bool:
    actor = report.perpetrator()
    return actor is not None and actor.side is not None


def _claimed_sides(reports: Sequence[Report]) -> set[str | None]:
    sides: set[str | None] = set()
    for report in reports:
        actor = report.perpetrator()
        if actor is not None and actor.side is not None:
            sides.add(actor.side)
    return sides


def _admission(reports: Sequence[Report], book: SourceBook) -> str | None:
    """The side whose own source (publisher or the source quoted) reports the act as its own."""
    for report in reports:
        actor = report.perpetrator()
        if actor is None or actor.side is None:
            continue
        for name in (_publisher(report), report.attribution):
            source = book.find(name)
            if source is not None and source.affiliation == actor.side:
                return source.affiliation
    return None
