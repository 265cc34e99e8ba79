"""Grading: how sure we are that it happened (C4 to C0) and who did it, with reasons."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources

from truce.assess.grading import Grades, SourceBook, grade, independent_groups
from truce.domain.incidents import AttributionGrade, OccurrenceGrade
from truce.domain.members import Source
from truce.domain.reports import ActorRole, Provenance, Report, SourceRef

SOURCES = json.loads(
    resources.files("truce.scenarios.astana_2016").joinpath("sources.json").read_text()
)
BOOK = SourceBook(
    [
        Source(
            id=d["id"],
            name=d["name"],
            kind=d["kind"],
            affiliation=d["affiliation"],
            reliability=d["reliability"],
        )
        for d in SOURCES
    ],
    aliases={d["id"]: d["aliases"] for d in SOURCES},
)
TEAM = next(d["name"] for d in SOURCES if d["id"] == "mechanism-team")

# Different write-ups of one shelling: no two share enough words to be copies.
STORIES = (
    "Shelling hit the village of Basimah in the Wadi Barada valley, "
    "wounding several people overnight.",
    "Artillery rounds landed on homes near the springs at Ain al-Fijah, "
    "a local activist told the agency.",
    "Mortar fire struck the outskirts of Basima on Monday morning; medics treated the wounded.",
)
WIRE = "Shelling hit Basimah village in the Wadi Barada valley on Monday, killing three people."

GOVERNMENT = ("government forces", "government")
OPPOSITION = ("rebel forces", "opposition")


def report(
    source: str,
    notes: str | None = STORIES[0],
    *,
    by: tuple[str, str] | None = GOVERNMENT,
    attribution: str | None = None,
    extras: dict[str, str] | None = None,
) -> Report:
    actors = (ActorRole(name=by[0], role="perpetrator", side=by[1]),) if by else ()
    return Report(
        date_start=date(2017, 1, 9),
        date_end=date(2017, 1, 9),
        location_name="Basimah",
        admin1="Rural Damascus",
        actors=actors,
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        sources=(SourceRef(name=source),),
        attribution=attribution,
        notes=notes,
        provenance=Provenance(extras=extras or {}),
    ).with_content_id()


def graded(*reports: Report, discounted: bool = False) -> Grades:
    result = grade(reports, BOOK, discounted=discounted)
    assert result.reasons, "every grade gives its reasons"
    assert all(isinstance(r, str) and r for r in result.reasons)
    return result


def test_the_source_book_knows_sources_by_any_of_their_names() -> None:
    assert BOOK.find("Syrian Arab News Agency").id == "sana"  # type: ignore[union-attr]
    assert BOOK.find("russian  defence-ministry").id == "rus-mod"  # type: ignore[union-attr]
    assert BOOK.find("monitoring team").id == "mechanism-team"  # type: ignore[union-attr]
    assert BOOK.find("Unheard-of Gazette") is None
    assert BOOK.find(None) is None


# --- occurrence ----------------------------------------------------------------------------------


def test_one_source_is_c2() -> None:
    result = graded(report("Reuters"))
    assert result.occurrence is OccurrenceGrade.SINGLE_SOURCE
    assert result.independent_sources == 1
    assert any("one independent source" in r for r in result.reasons)


def test_two_independent_sources_are_c3() -> None:
    result = graded(report("Reuters", STORIES[0]), report("SOHR", STORIES[1]))
    assert result.occurrence is OccurrenceGrade.CORROBORATED
    assert result.independent_sources == 2
    assert any("2 independent sources" in r for r in result.reasons)


def test_sources_of_opposite_sides_corroborate() -> None:
    result = graded(report("SANA", STORIES[0], by=OPPOSITION), report("Orient News", STORIES[1]))
    assert result.occurrence is OccurrenceGrade.CORROBORATED
    assert result.independent_sources == 2


def test_two_government_sources_count_once() -> None:
    # SANA and the Russian MoD both blame the opposition: one voice, not two.
    result = graded(
        report("SANA", STORIES[0], by=OPPOSITION),
        report("Russian Ministry of Defence", STORIES[1], by=OPPOSITION),
    )
    assert result.occurrence is OccurrenceGrade.SINGLE_SOURCE
    assert result.independent_sources == 1
    assert result.attribution is AttributionGrade.SUSPECTED
    assert any("count once" in r for r in result.reasons)


def test_three_opposition_outlets_count_once_and_a_neutral_one_makes_two() -> None:
    outlets = ("Orient News", "Smart News Agency", "Step News Agency")
    alone = graded(*(report(o, s) for o, s in zip(outlets, STORIES, strict=True)))
    assert (alone.occurrence, alone.independent_sources) == (OccurrenceGrade.SINGLE_SOURCE, 1)
    joined = graded(
        *(report(o, s) for o, s in zip(outlets, STORIES, strict=True)),
        report("AFP", "Heavy bombardment shook the valley, residents said by phone."),
    )
    assert (joined.occurrence, joined.independent_sources) == (OccurrenceGrade.CORROBORATED, 2)


def test_a_syndicated_copy_counts_once() -> None:
    result = graded(report("Reuters", WIRE), report("Syria Direct", WIRE + " Updated."))
    assert result.occurrence is OccurrenceGrade.SINGLE_SOURCE
    assert result.independent_sources == 1
    assert any("repeat a story" in r for r in result.reasons)
    assert len(independent_groups([report("Reuters", WIRE), report("AP", WIRE)], BOOK)) == 1


def test_two_stories_from_one_outlet_count_once() -> None:
    result = graded(report("Reuters", STORIES[0]), report("Reuters", STORIES[1]))
    assert result.occurrence is OccurrenceGrade.SINGLE_SOURCE
    assert result.independent_sources == 1


def test_one_source_under_two_of_its_names_counts_once() -> None:
    result = graded(report("AFP", STORIES[0]), report("Agence France-Presse", STORIES[1]))
    assert result.occurrence is OccurrenceGrade.SINGLE_SOURCE
    assert result.independent_sources == 1


def test_a_mechanism_team_report_is_c4() -> None:
    result = graded(report(TEAM))
    assert result.occurrence is OccurrenceGrade.CONFIRMED
    assert any("mechanism team" in r for r in result.reasons)
    assert graded(report("monitoring team", by=None)).occurrence is OccurrenceGrade.CONFIRMED


def test_other_monitors_do_not_confirm() -> None:
    assert graded(report("SOHR")).occurrence is OccurrenceGrade.SINGLE_SOURCE
    assert graded(report("UN OCHA")).occurrence is OccurrenceGrade.SINGLE_SOURCE


def test_the_accused_sides_own_source_reporting_its_act_is_c4_acknowledged() -> None:
    own = graded(report("Anadolu Agency", by=OPPOSITION))
    assert own.occurrence is OccurrenceGrade.CONFIRMED
    assert own.attribution is AttributionGrade.ACKNOWLEDGED
    assert own.responsible_side == "opposition"
    assert any("admitted by the opposition side" in r for r in own.reasons)
    # An unknown publisher quoting the side's own spokesman counts too.
    quoted = graded(report("Damascus Daily", by=GOVERNMENT, attribution="Syrian army"))
    assert quoted.occurrence is OccurrenceGrade.CONFIRMED
    assert quoted.attribution is AttributionGrade.ACKNOWLEDGED
    assert quoted.responsible_side == "government"


def test_a_known_neutral_outlet_quoting_the_sides_own_source_is_an_admission() -> None:
    quoted = graded(report("Reuters", by=GOVERNMENT, attribution="Syrian army"))
    assert quoted.occurrence is OccurrenceGrade.CONFIRMED
    assert quoted.attribution is AttributionGrade.ACKNOWLEDGED


def test_one_side_blaming_the_other_is_no_admission() -> None:
    result = graded(report("SANA", by=OPPOSITION))
    assert result.occurrence is OccurrenceGrade.SINGLE_SOURCE
    assert result.attribution is AttributionGrade.SUSPECTED


def test_a_denial_makes_it_c1_contested() -> None:
    result = graded(
        report("Reuters", STORIES[0]),
        report("SOHR", STORIES[1]),
        report(
            "SANA",
            "No shelling took place, a military source said.",
            by=None,
            extras={"claim": "denial"},
        ),
    )
    assert result.occurrence is OccurrenceGrade.CONTESTED
    assert any("denies" in r for r in result.reasons)


def test_discounted_is_c0_whatever_the_sources() -> None:
    result = graded(report(TEAM), report("Reuters", STORIES[1]), discounted=True)
    assert result.occurrence is OccurrenceGrade.DISCOUNTED
    assert any("rejected" in r for r in result.reasons)


# --- attribution ---------------------------------------------------------------------------------


def test_no_perpetrator_is_undetermined() -> None:
    result = graded(report("Reuters", by=None), report("SOHR", STORIES[1], by=None))
    assert result.attribution is AttributionGrade.UNDETERMINED
    assert result.responsible_side is None
    assert any("no source names" in r for r in result.reasons)


def test_a_perpetrator_without_a_side_is_undetermined() -> None:
    result = graded(report("Reuters", by=("unidentified gunmen", None)))  # type: ignore[arg-type]
    assert result.attribution is AttributionGrade.UNDETERMINED
    assert result.responsible_side is None


def test_sources_naming_different_sides_are_contested() -> None:
    result = graded(report("SANA", STORIES[0], by=OPPOSITION), report("Orient News", STORIES[1]))
    assert result.attribution is AttributionGrade.CONTESTED
    assert result.responsible_side is None
    assert any("government, opposition" in r for r in result.reasons)


def test_two_independent_sources_naming_one_side_make_it_likely() -> None:
    result = graded(report("Reuters", STORIES[0]), report("SOHR", STORIES[1]))
    assert result.attribution is AttributionGrade.LIKELY
    assert result.responsible_side == "government"
    assert any("name the government side" in r for r in result.reasons)


def test_one_source_naming_a_side_makes_it_suspected() -> None:
    result = graded(report("Reuters"))
    assert result.attribution is AttributionGrade.SUSPECTED
    assert result.responsible_side == "government"
    assert any("one source names the government side" in r for r in result.reasons)


def test_two_sources_of_which_one_names_a_side_make_it_suspected() -> None:
    result = graded(report("Reuters"), report("SOHR", STORIES[1], by=None))
    assert result.occurrence is OccurrenceGrade.CORROBORATED  # two voices say it happened
    assert result.attribution is AttributionGrade.SUSPECTED  # but only one names who did it
    assert result.responsible_side == "government"


def test_two_outlets_of_one_side_naming_the_other_are_suspected_not_likely() -> None:
    result = graded(report("Orient News", STORIES[0]), report("Smart News Agency", STORIES[1]))
    assert result.attribution is AttributionGrade.SUSPECTED
    assert result.responsible_side == "government"


def test_grades_do_not_depend_on_report_order() -> None:
    reports = [report("Reuters", WIRE), report("SOHR", STORIES[1]), report("AP", WIRE + " More.")]
    assert grade(reports, BOOK) == grade(list(reversed(reports)), BOOK)
