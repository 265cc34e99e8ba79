"""The compliance tally: what it counts, what it leaves out, and why."""

from __future__ import annotations

from datetime import date, timedelta

from truce import scenarios
from truce.assess.tally import governorate_index, tally
from truce.domain.reports import ActorRole, Report

SCENARIO = scenarios.load("astana-2016")
TRUCE = SCENARIO.base_agreement
START, END = date(2016, 12, 30), date(2017, 2, 28)


def event(
    actor1: str,
    actor2: str | None = None,
    *,
    day: date = date(2017, 1, 9),
    sub: str = "Armed clash",
    admin1: str = "Rural Damascus",
    days: int = 0,
    deaths: int = 0,
) -> Report:
    actors = [ActorRole(name=actor1, role="side_a")]
    if actor2:
        actors.append(ActorRole(name=actor2, role="side_b"))
    return Report(
        date_start=day,
        date_end=day + timedelta(days=days),
        date_precision="week" if days else "day",
        sub_event_type=sub,
        admin1=admin1,
        actors=tuple(actors),
        fatalities_best=deaths,
    )


def run(*reports: Report):  # type: ignore[no-untyped-def]
    return tally(reports, agreement=TRUCE, registry=SCENARIO.actors, start=START, end=END)


def test_counts_by_governorate_and_the_first_actors_side() -> None:
    result = run(
        event("regime forces", "Jaish al-Islam", deaths=3),
        event("Military Forces of Syria (2000-)", admin1="Idlib", sub="Air/drone strike"),
        event("Ahrar al-Sham", "Hezbollah", admin1="Idleb", deaths=2),
    )
    assert result.rows["Rural Damascus"].by_side == {"government": 1}
    assert result.rows["Idleb"].by_side == {"government": 1, "opposition": 1}  # "Idlib" folded in
    totals = result.totals()
    assert (totals.total, totals.fatalities) == (3, 5)


def test_period_boundaries_and_imprecise_dates() -> None:
    result = run(
        event("SAA", day=date(2016, 12, 29)),  # the day before the truce
        event("SAA", day=date(2016, 12, 30)),
        event("SAA", day=date(2016, 12, 27), days=6),  # a week that straddles the start
        event("SAA", day=date(2017, 3, 1)),
    )
    assert result.totals().total == 1
    assert (result.outside_period, result.straddling_period) == (2, 1)


def test_kinds_the_agreement_does_not_prohibit_are_not_counted() -> None:
    result = run(event("SAA", sub="Agreement"), event("SAA", sub="Peaceful protest"))
    assert result.totals().total == 0
    assert result.not_prohibited == 2


def test_action_against_excluded_groups_is_set_apart_and_disputes_flagged() -> None:
    result = run(
        event("SAA", "Islamic State (Syria)", day=date(2017, 1, 10)),
        event("SAA", "Jabhat Fateh al-Sham", day=date(2017, 1, 10)),
        event("SAA", "Hayat Tahrir al-Sham", day=date(2017, 2, 10)),
    )
    row = result.rows["Rural Damascus"]
    assert row.against_excluded == 3
    assert row.against_disputed_excluded == 2  # JFS and HTS coverage is disputed; ISIL's is not


def test_excluded_first_actors_have_their_own_column_and_unknown_names_are_listed() -> None:
    result = run(
        event("Jabhat Fateh al-Sham", "Ahrar al-Sham"),
        event("Unheard-of Brigade"),
        event("Unidentified Armed Group (Syria)"),
    )
    row = result.rows["Rural Damascus"]
    assert row.by_side["excluded"] == 1
    assert row.by_side["unattributed"] == 2
    assert dict(result.unresolved_actors) == {"Unheard-of Brigade": 1}


def test_governorate_index_knows_every_spelling() -> None:
    index = governorate_index(TRUCE.zones)
    assert index["idlib"] == "Idleb"
    assert index["daraa"] == "Dar'a"
    assert index["rif dimashq"] == "Rural Damascus"
    assert index["idlib governorate"] == "Idleb"
    assert len(set(index.values())) == 14
