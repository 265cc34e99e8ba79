"""Per-guarantor views in the style of the Hmeimim bulletins, with an explicit counting rule.

For a day, each guarantor's side "records" the violations its own sources
reported (the Russian side's bulletin listed what government-side sources
reported; the Turkish side's, what opposition-side sources reported). For each,
the other side has confirmed it when its own sources report it too, and
otherwise "cannot confirm" (until its guarantor answers in the case workflow).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from truce.assess.grading import SourceBook
from truce.domain.agreements import Agreement
from truce.domain.incidents import Finding, FindingCategory, Incident
from truce.domain.reports import Report

COUNTED = {
    FindingCategory.VIOLATION_MINOR,
    FindingCategory.VIOLATION_SERIOUS,
    FindingCategory.CONTESTED_EXCLUSION,
    FindingCategory.UNDETERMINED,
}


class Counting(StrEnum):
    """What one counts as one violation. OSCE counted every explosion; others one per episode."""

    INCIDENT = "incident"  # one per fused incident
    EPISODE = "episode"  # one per side, governorate and day, however many incidents
    OBSERVATION = "observation"  # one per report


@dataclass
class GuarantorTally:
    guarantor: str
    side: str
    counting: Counting
    by_governorate: Counter[str] = field(default_factory=Counter)
    confirmed: list[str] = field(
        default_factory=list
    )  # incident IDs the other side's sources also report
    cannot_confirm: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.by_governorate.values())


def _sides_reporting(reports: Sequence[Report], book: SourceBook) -> set[str]:
    out = set()
    for report in reports:
        for name in ((report.sources[0].name if report.sources else None), report.attribution):
            source = book.find(name)
            if source is not None and source.affiliation:
                out.add(source.affiliation)
    return out


def guarantor_tallies(
    day: date,
    *,
    agreement: Agreement,
    incidents: Sequence[Incident],
    findings: Mapping[str, Finding],
    reports: Mapping[str, Report],
    book: SourceBook,
    counting: Counting = Counting.INCIDENT,
    guarantor: str | None = None,
) -> list[GuarantorTally]:
    out = []
    for g in agreement.guarantors:
        if guarantor is not None and g.member_id != guarantor:
            continue
        for side in g.answers_for:
            tally = GuarantorTally(guarantor=g.member_id, side=side, counting=counting)
            episodes: set[tuple[str, str | None]] = set()
            for incident in incidents:
                if not incident.date_start <= day <= incident.date_end:
                    continue
                finding = findings.get(incident.id)
                if finding is None or finding.category not in COUNTED:
                    continue
                members = [reports[r] for r in incident.report_ids if r in reports]
                reporting = _sides_reporting(members, book)
                if side not in reporting:
                    continue
                others = set(agreement.sides) - {side}
                (tally.confirmed if reporting & others else tally.cannot_confirm).append(
                    incident.id
                )
                area = incident.admin1 or "(no governorate)"
                if counting is Counting.INCIDENT:
                    tally.by_governorate[area] += 1
                elif counting is Counting.OBSERVATION:
                    tally.by_governorate[area] += sum(
                        1 for r in members if side in _sides_reporting([r], book)
                    )
                elif (area, finding.responsible_side) not in episodes:
                    episodes.add((area, finding.responsible_side))
                    tally.by_governorate[area] += 1
            out.append(tally)
    return out
