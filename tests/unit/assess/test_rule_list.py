"""The rule engine as a list: each rule decides its own case, in the order the docs give."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from tests.unit.assess.test_rules import (
    BOOK,
    DEIR_EZ_ZOR,
    IDLIB,
    NOW,
    SCENARIO,
    STRIKE,
    WADI_BARADA_NOTES,
    report,
)
from truce.assess.grading import grade
from truce.assess.rules import RULES, Case, Rule, assess, not_violence
from truce.domain.agreements import Agreement
from truce.domain.incidents import Finding
from truce.domain.reports import Report
from truce.fuse.cluster import incident_id
from truce.fuse.consolidate import consolidate

DOC = Path(__file__).parents[3] / "docs" / "fusion-and-assessment.md"
DOUMA = ("Douma", "Rural Damascus", 33.572, 36.402)
SHELLING = "Shelling/artillery/missile attack"
BASE = next(a for a in SCENARIO.agreements if a.id == "astana-2016")
# The scenario's truce prohibits every violent act; this one leaves clashes out.
NO_CLASHES = BASE.model_copy(
    update={"prohibited": tuple(p for p in BASE.prohibited if p.sub_event_type != "Armed clash")}
)

EXAMPLES: dict[str, tuple[Report, ...]] = {
    "outside_period_in_force": (report("SAA", "Jaish al-Islam", day=date(2016, 12, 29)),),
    "straddles_the_start": (
        report("SAA", "Jaish al-Islam", day=date(2016, 12, 28), end=date(2017, 1, 3)),
    ),
    "not_violence": (report("SAA", "Ahl al-Sham", day=date(2017, 1, 28), sub="Agreement"),),
    "not_a_prohibited_act": (report("SAA", "Jaish al-Islam", where=DOUMA),),
    "perpetrator_excluded": (report("ISIL", "government forces", day=date(2017, 1, 15)),),
    "perpetrator_unknown": (report(None, "civilians", sub=SHELLING),),
    "perpetrator_not_a_party": (report("SDF", "Ahrar al-Sham", day=date(2017, 1, 20), sub=STRIKE),),
    "sides_blame_each_other": (
        report(
            "government forces", "Jaish al-Islam", where=DOUMA, source="Orient News", sub=SHELLING
        ),
        report("Jaish al-Islam", "government forces", where=DOUMA, source="SANA", sub=SHELLING),
    ),
    "target_excluded": (report("Syrian warplanes", "Daesh", sub=STRIKE, where=DEIR_EZ_ZOR),),
    "target_exclusion_disputed": (report("SAA", "HTS", day=date(2017, 2, 10), where=IDLIB),),
    "excluded_group_said_present": (
        report("regime forces", "Ahl al-Sham", notes=WADI_BARADA_NOTES, source="SOHR"),
        report("Hezbollah", "Wadi Barada rebels", notes=WADI_BARADA_NOTES),
    ),
    "within_one_side": (report("Ahrar al-Sham", "Jaish al-Islam", day=date(2017, 1, 20)),),
    "violation": (report("SAA", "Jaish al-Islam", where=DOUMA),),
}


def agreements_for(name: str) -> list[Agreement]:
    if name != "not_a_prohibited_act":
        return list(SCENARIO.agreements)
    return [NO_CLASHES if a.id == BASE.id else a for a in SCENARIO.agreements]


def case_of(reports: Sequence[Report], agreements: Sequence[Agreement]) -> Case:
    incident = consolidate(incident_id(reports), reports)
    base = next(a for a in agreements if a.id == BASE.id)
    return Case(incident, reports, agreements, base, SCENARIO.actors, grade(reports, BOOK))


def documented_order() -> list[str]:
    """The rule names in the first column of the docs' rule table, top to bottom."""
    section = DOC.read_text().split("## The agreement rule engine", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", section, flags=re.MULTILINE)


def test_the_rules_run_in_the_documented_order() -> None:
    assert [rule.__name__ for rule in RULES] == documented_order()
    assert RULES[-1].__name__ == "violation"  # it takes whatever is left


def test_every_rule_has_a_worked_example() -> None:
    assert set(EXAMPLES) == {rule.__name__ for rule in RULES}


def finding_for(case: Case) -> Finding:
    return assess(
        case.incident,
        case.reports,
        agreements=case.agreements,
        base_id=case.base.id,
        registry=case.registry,
        grades=case.grades,
        now=NOW,
    )


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_each_rule_decides_its_own_case(rule: Rule) -> None:
    case = case_of(EXAMPLES[rule.__name__], agreements_for(rule.__name__))
    earlier = RULES[: RULES.index(rule)]
    assert [r.__name__ for r in earlier if r(case) is not None] == []
    verdict = rule(case)
    assert verdict is not None
    finding = finding_for(case)
    assert (finding.category, finding.clauses, finding.responsible_side) == (
        verdict.category,
        verdict.clauses,
        verdict.side,
    )
    assert set(verdict.reasons) <= set(finding.reasons)


def test_only_findings_on_a_prohibited_act_say_where_it_happened() -> None:
    zone = "inside the Idlib de-escalation zone"
    day = date(2017, 5, 10)  # the May memorandum's zones are in force
    strike = report("Syrian warplanes", "civilians", day=day, sub=STRIKE, where=IDLIB)
    by_isil = report("ISIL", "civilians", day=day, sub=STRIKE, where=IDLIB)
    deal = report("SAA", "Ahl al-Sham", day=day, sub="Agreement", where=IDLIB)
    for decider, example in (("violation", strike), ("perpetrator_excluded", by_isil)):
        case = case_of((example,), SCENARIO.agreements)
        assert next(r for r in RULES if r(case) is not None).__name__ == decider
        assert finding_for(case).reasons[0] == zone
    case = case_of((deal,), SCENARIO.agreements)
    assert not_violence(case) is not None
    assert zone not in finding_for(case).reasons
