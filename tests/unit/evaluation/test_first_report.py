"""The first report of each document, scored per field and per text kind (issue 13)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from truce.domain.errors import InputRejected
from truce.domain.reports import ActorRole, Report
from truce.domain.vocab import ActorRoleKind
from truce.evaluation.gold import GoldActor, GoldEvent, parse_gold, parse_gold_json
from truce.evaluation.governorates import acled_governorate
from truce.evaluation.score import (
    ALL_KINDS,
    FIRST_FIELDS,
    FirstScores,
    first_report,
    render_first,
    score_first,
)

KAFR_ZITA = (35.3743, 36.6033)
PUBLISHED = date(2017, 1, 10)


def _report(
    sub: str = "Shelling/artillery/missile attack",
    event: str = "Explosions/Remote violence",
    day: date = date(2017, 1, 9),
    where: tuple[float, float] | None = KAFR_ZITA,
    admin1: str | None = "Hama",
    fatalities: int | None = 3,
    perpetrator: str | None = "Syrian Arab Army",
) -> Report:
    actors = [ActorRole(name="civilians", role=ActorRoleKind.TARGET, side="civilians")]
    if perpetrator:
        actors.insert(0, ActorRole(name=perpetrator, role=ActorRoleKind.PERPETRATOR))
    return Report(
        date_start=day,
        date_end=day,
        event_type=event,
        sub_event_type=sub,
        lat=where[0] if where else None,
        lon=where[1] if where else None,
        admin1=admin1,
        fatalities_low=fatalities,
        actors=tuple(actors),
    )


def _gold(
    sub: str = "Shelling/artillery/missile attack",
    admin1: str | None = "Hama",
    families: tuple[str | None, ...] = ("state forces",),
) -> GoldEvent:
    return GoldEvent(
        sub_event_type=sub,
        date=date(2017, 1, 9),
        lat=KAFR_ZITA[0],
        lon=KAFR_ZITA[1],
        fatalities=3,
        actors=tuple(GoldActor("perpetrator", None, "x", f) for f in families),
        admin1=admin1,
    )


FAMILIES = {"Syrian Arab Army": "state forces", "Hay'at Tahrir al-Sham": "rebels"}


def _family(actor: ActorRole) -> str | None:
    return FAMILIES.get(actor.name)


def _score(
    reports: list[Report], events: list[GoldEvent], kind: str = "notes", **kw: object
) -> FirstScores:
    scores = FirstScores()
    score_first(scores, kind, reports, tuple(events), published=PUBLISHED, family_of=_family, **kw)
    return scores


def _right(scores: FirstScores, kind: str = ALL_KINDS) -> dict[str, tuple[int, int]]:
    return {name: (s.right, s.of) for name, s in scores.kinds[kind].items() if s.of}


def test_a_right_first_report_is_right_on_every_field() -> None:
    scores = _score([_report()], [_gold()])
    assert _right(scores) == {name: (1, 1) for name in FIRST_FIELDS[:-1]}
    assert _right(scores, "notes") == _right(scores)


def test_no_report_is_wrong_on_every_scored_field() -> None:
    scores = _score([], [_gold()])
    assert _right(scores) == {name: (0, 1) for name in FIRST_FIELDS[:-1]}


def test_only_the_first_report_counts_for_notes() -> None:
    wrong_first = _report(sub="Armed clash", event="Battles", fatalities=0)
    right = _right(_score([wrong_first, _report()], [_gold()]))
    assert right["sub-type"] == (0, 1) and right["event type"] == (0, 1)
    assert right["fatalities"] == (0, 1)
    assert right["a report at all"] == (1, 1)


def test_news_is_scored_on_its_first_violent_report() -> None:
    protest = _report(sub="Peaceful protest", event="Protests", fatalities=0)
    assert first_report([protest, _report()], "news") is not None
    assert first_report([protest], "news") is None
    assert first_report([protest], "notes") is protest
    right = _right(_score([protest, _report()], [_gold()], kind="news"))
    assert right["sub-type"] == (1, 1)


def test_fields_the_gold_does_not_give_are_left_unscored() -> None:
    event = GoldEvent(
        sub_event_type="Air/drone strike", date=date(2017, 1, 9), lat=None, lon=None, fatalities=0
    )
    right = _right(_score([_report()], [event]))
    assert "place within 25 km" not in right
    assert "governorate" not in right
    assert "perpetrator's family" not in right
    assert right["sub-type"] == (0, 1)


def test_date_within_3_days_but_never_after_publication() -> None:
    def dates(day: date) -> tuple[tuple[int, int], tuple[int, int]]:
        right = _right(_score([_report(day=day)], [_gold()]))
        return right["exact date"], right["date within 3 days"]

    assert dates(date(2017, 1, 9)) == ((1, 1), (1, 1))
    assert dates(date(2017, 1, 6)) == ((0, 1), (1, 1))
    assert dates(date(2017, 1, 5)) == ((0, 1), (0, 1))
    # One day after the gold date is close, but the text was published on the 10th.
    assert dates(date(2017, 1, 10)) == ((0, 1), (1, 1))
    assert dates(date(2017, 1, 11)) == ((0, 1), (0, 1))


def test_governorates_match_across_spellings() -> None:
    assert _right(_score([_report(admin1="Idlib")], [_gold(admin1="Idleb")]))["governorate"] == (
        1,
        1,
    )
    assert _right(_score([_report(admin1="SY-RD:Rif Dimashq")], [_gold(admin1="Rural Damascus")]))[
        "governorate"
    ] == (1, 1)
    assert _right(_score([_report(admin1="Damascus")], [_gold(admin1="Rural Damascus")]))[
        "governorate"
    ] == (0, 1)


@pytest.mark.parametrize(
    ("spelling", "acled"),
    [
        ("SY-ID:Idlib", "Idleb"),
        ("Deraa", "Dar'a"),
        ("Dayr az Zawr", "Deir-ez-Zor"),
        ("As-Suwayda", "As-Sweida"),
        ("Al Hasakah", "Al-Hasakeh"),
        ("Ar Raqqah", "Ar-Raqqa"),
        ("Latakia", "Lattakia"),
        ("Tartus", "Tartous"),
        ("Damascus countryside", "Rural Damascus"),
        ("Idlib Governorate", "Idleb"),
    ],
)
def test_acled_governorate_folds_spellings(spelling: str, acled: str) -> None:
    assert acled_governorate(spelling) == acled
    assert acled_governorate(None) is None
    assert acled_governorate("Hatay") == "Hatay"


def test_perpetrators_family_any_gold_perpetrator_and_missing_means_unidentified() -> None:
    two = _gold(families=("rebels", "state forces"))
    assert _right(_score([_report()], [two]))["perpetrator's family"] == (1, 1)
    hts = _report(perpetrator="Hay'at Tahrir al-Sham")
    assert _right(_score([hts], [_gold()]))["perpetrator's family"] == (0, 1)
    unknown = _gold(families=("unidentified",))
    assert _right(_score([_report(perpetrator=None)], [unknown]))["perpetrator's family"] == (1, 1)
    # A gold actor without a family leaves the field unscored.
    assert "perpetrator's family" not in _right(_score([_report()], [_gold(families=(None,))]))


def test_texts_with_no_violent_event_must_give_no_violent_report() -> None:
    quiet = _score([], [], kind="statements")
    assert _right(quiet) == {"no violent report": (1, 1)}
    noisy = _score([_report()], [], kind="statements")
    assert _right(noisy) == {"no violent report": (0, 1)}


def test_kinds_are_tallied_apart_and_together() -> None:
    scores = FirstScores()
    score_first(scores, "notes", [_report()], (_gold(),), family_of=_family)
    score_first(scores, "monitors", [], (_gold(),), family_of=_family)
    assert scores.kinds["notes"]["sub-type"].share == 1.0
    assert scores.kinds["monitors"]["sub-type"].share == 0.0
    assert scores.kinds[ALL_KINDS]["sub-type"].share == 0.5
    table = render_first(scores, "unit")
    header = table.splitlines()[2].split()
    assert header == ["field", "monitors", "notes", ALL_KINDS]
    assert "0.50 (2)" in table
    for name in FIRST_FIELDS:
        assert name in table


# --- the gold loader's new fields -----------------------------------------------------------------


def _file(**extra: object) -> dict[str, object]:
    event = {
        "sub_event_type": "Armed clash",
        "date": "2019-05-06",
        "admin1": "Hama",
        "actors": [{"role": "perpetrator", "side": "government", "family": "state forces"}],
    }
    return {"id": "r1", "text": "Clashes in Kafr Nabouda.", "events": [event]} | extra


def test_the_loader_reads_split_address_admin1_and_family() -> None:
    doc = parse_gold(_file(split="held", address="https://example.org/a"), "r1.json")
    assert (doc.split, doc.address) == ("held", "https://example.org/a")
    (event,) = doc.events
    assert event.admin1 == "Hama"
    assert event.actors[0].family == "state forces"
    assert parse_gold(_file(), "r1.json").split is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (_file(split="train"), "split 'train' is not one of"),
        (
            _file()
            | {
                "events": [
                    {
                        "sub_event_type": "Armed clash",
                        "date": "2019-05-06",
                        "actors": [{"role": "perpetrator", "family": "regime"}],
                    }
                ]
            },
            "actors.family 'regime' is not one of",
        ),
    ],
)
def test_the_loader_refuses_unknown_splits_and_families(
    body: dict[str, object], message: str
) -> None:
    with pytest.raises(InputRejected, match=message) as caught:
        parse_gold_json(json.dumps(body), "bad.json")
    assert "bad.json" in str(caught.value)
