"""Merging and splitting incidents by hand: reversible, and former IDs keep resolving."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from truce.domain.errors import Conflict, ValidationFailed
from truce.domain.incidents import Incident
from truce.domain.reports import ActorRole, Report, SourceRef
from truce.fuse.cluster import fuse_batch, incident_id
from truce.fuse.history import merge, split

DAY = date(2017, 1, 9)


def report(
    source: str,
    notes: str,
    *,
    day: date = DAY,
    lat: float = 33.663,
    deaths: int = 3,
) -> Report:
    return Report(
        date_start=day,
        date_end=day,
        location_name="Basimah",
        admin1="Rural Damascus",
        lat=lat,
        lon=36.112,
        location_precision=1,
        actors=(ActorRole(name="government forces", role="perpetrator", side="government"),),
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        fatalities_best=deaths,
        sources=(SourceRef(name=source),),
        notes=notes,
    ).with_content_id()


# Three events fusion keeps apart: Basimah on the 9th and a week later, 50 km north on the 12th.
A1 = report("SOHR", "Government artillery shelled Basimah, killing three civilians.")
A2 = report("Smart News Agency", "Regime shelling on Bassima killed four people.", deaths=4)
B1 = report("SOHR", "Shells fell on Basimah again a week on.", day=DAY + timedelta(days=7))
C1 = report(
    "Reuters",
    "Shelling north of the valley killed two.",
    day=DAY + timedelta(days=3),
    lat=34.11,
    deaths=2,
)
REPORTS = {r.id: r for r in (A1, A2, B1, C1)}


def incidents() -> tuple[Incident, Incident, Incident]:
    fusion = fuse_batch(list(REPORTS.values()))
    by_report = {r: i for i in fusion.incidents for r in i.report_ids}
    a, b, c = by_report[A1.id], by_report[B1.id], by_report[C1.id]
    assert len({a.id, b.id, c.id}) == 3 and by_report[A2.id] is a
    return a, b, c


def test_a_merge_needs_two_incidents() -> None:
    a, _, _ = incidents()
    with pytest.raises(ValidationFailed, match="at least two"):
        merge([a], REPORTS)
    with pytest.raises(ValidationFailed):
        merge([], REPORTS)


def test_a_merge_refuses_the_same_incident_twice() -> None:
    a, _, _ = incidents()
    with pytest.raises(Conflict):
        merge([a, a], REPORTS)


def test_merge_takes_the_earliest_reports_id_and_aliases_the_others() -> None:
    a, b, c = incidents()
    change = merge([b, a, c], REPORTS)
    (merged,) = change.created
    assert change.op == "merge"
    assert set(change.removed) == {a.id, b.id, c.id}
    assert set(merged.report_ids) == set(REPORTS)
    assert merged.id == incident_id(list(REPORTS.values()))
    assert merged.id == a.id  # a holds the earliest report
    assert dict(change.aliases) == {b.id: a.id, c.id: a.id}
    assert set(merged.former_ids) == {b.id, c.id}
    assert merged.id not in merged.former_ids
    # The merged incident keeps every claim of its parts.
    assert {cl.value for cl in merged.claims["fatalities"]} == {2, 3, 4}
    assert (merged.fatalities_low, merged.fatalities_high) == (2, 4)


def test_former_ids_survive_a_second_merge() -> None:
    a, b, c = incidents()
    (bc,) = merge([b, c], REPORTS).created
    assert bc.former_ids == (max((b, c), key=lambda i: i.date_start).id,)
    change = merge([bc, a], REPORTS)
    (abc,) = change.created
    assert abc.id == a.id
    assert set(abc.former_ids) == {b.id, c.id}
    assert dict(change.aliases) == {bc.id: a.id}


def test_split_refuses_reports_not_in_the_incident() -> None:
    a, _, _ = incidents()
    with pytest.raises(ValidationFailed, match=B1.id):
        split(a, [A2.id, B1.id], REPORTS)


def test_split_refuses_to_leave_one_side_empty() -> None:
    a, _, _ = incidents()
    with pytest.raises(ValidationFailed, match="both sides"):
        split(a, list(a.report_ids), REPORTS)
    with pytest.raises(ValidationFailed, match="both sides"):
        split(a, [], REPORTS)


def test_split_of_a_merged_incident_gives_back_ids_derived_from_each_part() -> None:
    a, b, _ = incidents()
    (ab,) = merge([a, b], REPORTS).created
    change = split(ab, list(b.report_ids), REPORTS)
    assert change.op == "split"
    assert change.removed == (ab.id,)
    staying, leaving = change.created
    assert staying.id == incident_id([REPORTS[r] for r in staying.report_ids]) == a.id
    assert leaving.id == incident_id([REPORTS[r] for r in leaving.report_ids]) == b.id
    # b is alive again, so it is no longer anyone's former ID; ab kept its own ID, so no alias.
    assert staying.former_ids == leaving.former_ids == ()
    assert dict(change.aliases) == {}
    assert staying == a and leaving == b


def test_split_keeps_unrelated_former_ids_with_the_part_that_keeps_the_id() -> None:
    a, b, c = incidents()
    (abc,) = merge([a, b, c], REPORTS).created
    anchor, other = sorted((A1, A2), key=lambda r: r.id)  # same day: the lower ID anchors
    change = split(abc, [other.id], REPORTS)
    staying, leaving = change.created
    assert staying.id == abc.id == a.id == incident_id([anchor])
    assert set(staying.former_ids) == {b.id, c.id}
    assert leaving.former_ids == ()
    assert leaving.id == incident_id([other])
    assert leaving.report_ids == (other.id,)
    assert dict(change.aliases) == {}


def test_split_that_moves_the_anchor_out_aliases_the_old_id() -> None:
    a, _, _ = incidents()
    anchor, other = sorted((A1, A2), key=lambda r: r.id)
    staying, leaving = split(a, [anchor.id], REPORTS).created
    # The part holding the anchor keeps the incident's ID; the other part gets its own.
    assert leaving.id == a.id
    assert staying.id == incident_id([other]) != a.id
