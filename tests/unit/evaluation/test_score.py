"""Scoring extraction against gold events: matching, per-field precision/recall, ACLED as gold."""

from __future__ import annotations

import math
from datetime import date

import pytest

from truce import scenarios
from truce.domain.errors import InputRejected
from truce.domain.reports import ActorRole, Report
from truce.domain.vocab import ActorRoleKind
from truce.evaluation.gold import GoldActor, GoldEvent, gold_from_acled, parse_gold, parse_gold_json
from truce.evaluation.score import FIELDS, PLACE_KM, Scores, Tally, match, render, score_document
from truce.formats.acled import read_acled

KAFR_ZITA = (35.3743, 36.6033)
DOUMA = (33.5718, 36.4027)
KM_PER_DEGREE_LAT = 111.195


def _report(
    sub: str = "Shelling/artillery/missile attack",
    event: str = "Explosions/Remote violence",
    day: date = date(2017, 1, 9),
    where: tuple[float, float] | None = KAFR_ZITA,
    fatalities: int | None = 3,
    actors: tuple[tuple[ActorRoleKind, str], ...] = (
        (ActorRoleKind.PERPETRATOR, "government"),
        (ActorRoleKind.TARGET, "civilians"),
    ),
) -> Report:
    return Report(
        date_start=day,
        date_end=day,
        event_type=event,
        sub_event_type=sub,
        lat=where[0] if where else None,
        lon=where[1] if where else None,
        fatalities_low=fatalities,
        fatalities_best=fatalities,
        fatalities_high=fatalities,
        actors=tuple(
            ActorRole(name=f"{side} actor", role=role, side=side) for role, side in actors
        ),
    ).with_content_id()


def _gold(
    sub: str = "Shelling/artillery/missile attack",
    day: date = date(2017, 1, 9),
    where: tuple[float, float] | None = KAFR_ZITA,
    fatalities: int = 3,
    actors: tuple[tuple[str, str], ...] = (("perpetrator", "government"), ("target", "civilians")),
) -> GoldEvent:
    return GoldEvent(
        sub_event_type=sub,
        date=day,
        lat=where[0] if where else None,
        lon=where[1] if where else None,
        fatalities=fatalities,
        actors=tuple(GoldActor(role, side) for role, side in actors),
    )


def _north_of(point: tuple[float, float], km: float) -> tuple[float, float]:
    return point[0] + km / KM_PER_DEGREE_LAT, point[1]


def _score(reports: list[Report], events: list[GoldEvent]) -> Scores:
    scores = Scores()
    score_document(scores, "doc", reports, tuple(events))
    return scores


def test_a_perfect_prediction_scores_one_on_every_field() -> None:
    scores = _score([_report()], [_gold()])
    assert list(scores.fields) == list(FIELDS)
    for name, tally in scores.fields.items():
        assert (tally.precision, tally.recall, tally.f1) == (1.0, 1.0, 1.0), name
    assert scores.documents == 1
    assert scores.misses == []


def test_two_perfect_events_in_one_document() -> None:
    reports = [_report(), _report(day=date(2017, 1, 10), where=DOUMA, fatalities=2)]
    events = [_gold(day=date(2017, 1, 10), where=DOUMA, fatalities=2), _gold()]
    scores = _score(reports, events)
    assert all(t.f1 == 1.0 for t in scores.fields.values())
    assert scores.fields["event detection"].tp == 2


def test_a_missed_event_lowers_recall_only() -> None:
    second = _gold(sub="Armed clash", day=date(2017, 1, 11), where=DOUMA, fatalities=0)
    scores = _score([_report()], [_gold(), second])
    detection = scores.fields["event detection"]
    assert (detection.tp, detection.fp, detection.fn) == (1, 0, 1)
    assert detection.precision == 1.0 and detection.recall == 0.5
    assert math.isclose(detection.f1, 2 / 3)
    assert scores.misses == ["doc: 2 gold event(s), 1 report(s), 1 matched"]


def test_an_extra_report_lowers_precision_only() -> None:
    extra = _report(sub="Armed clash", event="Battles", day=date(2017, 1, 11), where=DOUMA)
    scores = _score([_report(), extra], [_gold()])
    detection = scores.fields["event detection"]
    assert (detection.tp, detection.fp, detection.fn) == (1, 1, 0)
    assert detection.precision == 0.5 and detection.recall == 1.0


def test_nothing_predicted_for_nothing_is_perfect() -> None:
    scores = _score([], [])
    assert scores.fields["event detection"].f1 == 1.0


def test_a_place_within_25_km_counts_and_one_30_km_away_does_not() -> None:
    near = _score([_report(where=_north_of(KAFR_ZITA, 20))], [_gold()])
    far = _score([_report(where=_north_of(KAFR_ZITA, 30))], [_gold()])
    assert PLACE_KM == 25
    assert near.fields["place within 25 km"].tp == 1
    assert (far.fields["place within 25 km"].tp, far.fields["place within 25 km"].fn) == (0, 1)
    # Being a little off in place does not unmatch the event itself.
    assert far.fields["event detection"].tp == 1
    assert far.fields["sub-type"].tp == 1


def test_a_report_without_a_place_costs_place_recall_only() -> None:
    scores = _score([_report(where=None)], [_gold()])
    place = scores.fields["place within 25 km"]
    assert (place.tp, place.fp, place.fn) == (0, 0, 1)
    assert scores.fields["event detection"].tp == 1


def test_fields_are_scored_independently_on_a_matched_pair() -> None:
    report = _report(sub="Air/drone strike", day=date(2017, 1, 10), fatalities=5)
    scores = _score([report], [_gold()])
    f = scores.fields
    assert f["event detection"].tp == 1  # same event type, same place
    assert f["sub-type"].tp == 0
    assert f["exact date"].tp == 0
    assert f["exact fatalities"].tp == 0
    assert f["place within 25 km"].tp == 1
    assert f["actor side"].tp == 2


def test_actor_sides_are_compared_as_sets() -> None:
    report = _report(
        actors=(
            (ActorRoleKind.PERPETRATOR, "government"),
            (ActorRoleKind.ASSOCIATED_A, "government"),
            (ActorRoleKind.TARGET, "opposition"),
        )
    )
    scores = _score([report], [_gold()])
    roles = scores.fields["actors: role and side"]
    assert (roles.tp, roles.fp, roles.fn) == (1, 1, 1)
    sides = scores.fields["actor side"]
    assert (sides.tp, sides.fp, sides.fn) == (1, 1, 1)


def test_an_unrelated_report_is_not_matched() -> None:
    unrelated = _report(
        sub="Peaceful protest", event="Protests", day=date(2016, 6, 1), where=(36.2, 37.16)
    )
    assert match([unrelated], [_gold()]) == []


def test_tally_arithmetic() -> None:
    tally = Tally()
    tally.add(tp=3, predicted=4, gold=6)
    assert (tally.tp, tally.fp, tally.fn) == (3, 1, 3)
    assert tally.precision == 0.75 and tally.recall == 0.5
    assert math.isclose(tally.f1, 0.6)
    assert Tally(tp=0, fp=2, fn=2).f1 == 0.0


def test_render_lists_every_field() -> None:
    table = render(_score([_report()], [_gold()]), "unit gold")
    assert table.startswith("unit gold: 1 documents")
    for name in FIELDS:
        assert name in table


# --- gold files -----------------------------------------------------------------------------------


def test_parse_gold_reads_a_gold_file() -> None:
    doc = parse_gold(
        {
            "id": "g1",
            "text": "Regime forces shelled Douma on 9 January 2017.",
            "published": "2017-01-10",
            "events": [
                {
                    "sub_event_type": "Shelling/artillery/missile attack",
                    "date": "2017-01-09",
                    "lat": 33.57,
                    "lon": 36.40,
                    "fatalities": 0,
                    "actors": [{"role": "perpetrator", "side": "government"}],
                }
            ],
        },
        "g1.json",
    )
    assert doc.id == "g1" and doc.published == date(2017, 1, 10)
    (event,) = doc.events
    assert event.event_type == "Explosions/Remote violence"
    assert event.actors == (GoldActor("perpetrator", "government"),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"events": []}', "not a gold file"),
        (
            '{"text": "x", "events": [{"sub_event_type": "Bombing", "date": "2017-01-09"}]}',
            "unknown sub_event_type",
        ),
        (
            '{"text": "x", "events": [{"sub_event_type": "Armed clash", "date": "9 Jan"}]}',
            "not a gold file",
        ),
        ("{", "not JSON"),
    ],
)
def test_bad_gold_files_are_refused_by_name(text: str, message: str) -> None:
    with pytest.raises(InputRejected, match=message) as caught:
        parse_gold_json(text, "bad.json")
    assert "bad.json" in str(caught.value)


# --- ACLED rows as gold ---------------------------------------------------------------------------

HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,"
    "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,tags,timestamp"
)
ROWS = [
    "SYRUT001,2017-01-09,2017,1,Political violence,Explosions/Remote violence,"
    "Shelling/artillery/missile attack,Military Forces of Syria (2000-),,1,Civilians (Syria),,7,17,"
    "Civilians targeted,760,Middle East,Syria,Hama,Muhradah,Kafr Zita,Kafr Zita,35.3743,36.6033,1,"
    'Unit Test Monitor,Other,"On 9 January 2017, regime forces shelled Kafr Zita in northern Hama '
    'countryside, killing 3 civilians.",3,,1484446319',
    "SYRUT002,2017-01-11,2017,1,Political violence,Battles,Armed clash,"
    "Brigade of the Unit Test Hills,,2,Military Forces of Syria (2000-),,1,12,,760,Middle East,"
    "Syria,Rural Damascus,Duma,Duma,Douma,33.5711,36.4022,1,Unit Test Monitor,Other,"
    '"On 11 January 2017, rebels clashed with regime forces near Douma. '
    'No fatalities reported.",0,,'
    "1484446319",
]


def test_gold_from_acled_gives_one_event_per_row_with_sides_from_the_registry() -> None:
    parsed = read_acled("\n".join([HEADER, *ROWS]) + "\n")
    assert parsed.rejected == []
    registry = scenarios.load("astana-2016").actors
    docs = gold_from_acled(parsed.reports, registry)
    assert [d.id for d in docs] == ["SYRUT001", "SYRUT002"]
    assert all(len(d.events) == 1 and d.kind == "acled-note" for d in docs)
    shelling, clash = docs[0].events[0], docs[1].events[0]
    assert docs[0].text.startswith("On 9 January 2017, regime forces shelled Kafr Zita")
    assert docs[0].published == date(2017, 1, 9)
    assert (shelling.sub_event_type, shelling.date, shelling.fatalities) == (
        "Shelling/artillery/missile attack",
        date(2017, 1, 9),
        3,
    )
    assert (shelling.lat, shelling.lon) == (35.3743, 36.6033)
    assert {(a.role, a.side) for a in shelling.actors} == {
        ("perpetrator", "government"),
        ("target", "civilians"),
    }
    # An actor the registry does not know takes its side from ACLED's inter code (2: rebels).
    assert {(a.role, a.side, a.text) for a in clash.actors} == {
        ("perpetrator", "opposition", "Brigade of the Unit Test Hills"),
        ("target", "government", "Military Forces of Syria (2000-)"),
    }
    assert clash.fatalities == 0


def test_the_shipped_acled_sample_is_usable_as_gold() -> None:
    scenario = scenarios.load("astana-2016")
    parsed = read_acled(scenario.sample_acled.decode("utf-8"))
    docs = gold_from_acled(parsed.reports, scenario.actors)
    assert len(docs) == len([r for r in parsed.reports if r.notes and r.sub_event_type])
    assert len({d.id for d in docs}) == len(docs)
    assert all(doc.text and len(doc.events) == 1 for doc in docs)
    sides = [a.side for doc in docs for a in doc.events[0].actors]
    # Only unidentified perpetrators are on no side.
    assert sides.count(None) <= len(sides) // 10
    assert {"government", "opposition", "civilians"} <= set(sides)
