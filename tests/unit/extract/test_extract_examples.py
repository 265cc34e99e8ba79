"""The whole pipeline on short, unambiguous texts: what a reviewer would expect to see."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from truce.domain.documents import TextMeta
from truce.domain.geo import haversine_km
from truce.domain.reports import Report
from truce.domain.vocab import ActorRoleKind
from truce.extract.doc import Doc
from truce.extract.run import extract
from truce.services.extraction import resources_for

ARTICLE = Path(__file__).resolve().parents[4] / "shared" / "inputs" / "astana-article.txt"
RESOURCES = resources_for()
VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
PERPETRATORS = (ActorRoleKind.PERPETRATOR, ActorRoleKind.ASSOCIATED_A)
TARGETS = (ActorRoleKind.TARGET, ActorRoleKind.ASSOCIATED_B)

KAFR_ZITA = (
    "On 9 January 2017, regime forces and Hezbollah shelled Kafr Zita in northern Hama "
    "countryside, killing 3 civilians and wounding 5."
)
PASSIVE = "Douma was shelled by regime forces on Tuesday."
INFIGHTING = "On Tuesday, clashes broke out between HTS and Ahrar al-Sham near Saraqib."
TWO_EVENTS = (
    "On 9 January 2017, regime forces shelled Douma, killing 2 civilians. "
    "On 11 January 2017, clashes erupted between rebels and government forces near Daraa city."
)
QUOTED = (
    "On 10 January 2017, regime helicopters dropped barrel bombs on Kafr Zita, killing "
    "4 civilians, according to the Syrian Observatory for Human Rights."
)
ARABIC_PLACE = "On 10 January 2017, regime forces shelled دوما with mortars, killing 2 civilians."


def _run(text: str, published: date | None = date(2017, 1, 12), **meta: str) -> Doc:
    return extract(text, TextMeta(label="example", published=published, **meta), RESOURCES)


def _only(doc: Doc) -> Report:
    assert len(doc.reports) == 1, [(r.sub_event_type, r.location_name) for r in doc.reports]
    return doc.reports[0]


def _sides(report: Report, roles: tuple[ActorRoleKind, ...]) -> set[str | None]:
    return {a.side for a in report.actors_in(*roles)}


def _article() -> str:
    if not ARTICLE.exists():
        pytest.skip(f"the scraped example {ARTICLE} is absent")
    return ARTICLE.read_text("utf-8")


# (a) the scraped Astana article ------------------------------------------------------------


def test_astana_article_gives_one_agreement_in_astana() -> None:
    doc = _run(_article(), date(2017, 1, 25), publisher="South China Morning Post")
    report = _only(doc)
    assert report.event_type == "Strategic developments"
    assert report.sub_event_type == "Agreement"
    assert report.location_name == "Astana"
    assert report.date_start == date(2017, 1, 24)
    assert not [r for r in doc.reports if r.event_type in VIOLENT]
    assert report.sources[0].name == "South China Morning Post"


def test_astana_article_parties_are_on_both_sides() -> None:
    report = _only(_run(_article(), date(2017, 1, 25)))
    sides = {a.side for a in report.actors}
    assert {"government", "opposition"} <= sides


# (b) an ACLED-style note ------------------------------------------------------------------


def test_acled_style_note_gives_one_shelling_report() -> None:
    report = _only(_run(KAFR_ZITA))
    assert report.event_type == "Explosions/Remote violence"
    assert report.sub_event_type == "Shelling/artillery/missile attack"
    assert (report.date_start, report.date_end) == (date(2017, 1, 9), date(2017, 1, 9))
    assert report.lat is not None and report.lon is not None
    assert haversine_km(report.lat, report.lon, 35.37, 36.60) <= 25
    assert report.admin1 == "Hama"
    assert report.fatalities_best == 3
    assert report.fatalities_low == 3
    assert report.injured == 5
    assert "government" in _sides(report, PERPETRATORS)
    assert "civilians" in _sides(report, TARGETS)
    assert report.first_actor(ActorRoleKind.PERPETRATOR) is not None


def test_report_ids_are_content_addressed_and_stable() -> None:
    first, second = _only(_run(KAFR_ZITA)), _only(_run(KAFR_ZITA))
    assert first.id.startswith("rep_") and first.id == second.id
    assert first == second


# (c) passive voice --------------------------------------------------------------------------


def test_passive_voice_keeps_the_perpetrator() -> None:
    report = _only(_run(PASSIVE))
    assert report.sub_event_type == "Shelling/artillery/missile attack"
    assert report.location_name == "Douma"
    assert report.date_start == date(2017, 1, 10)  # the Tuesday before Thursday 12 January
    assert _sides(report, (ActorRoleKind.PERPETRATOR,)) == {"government"}


# (d) infighting between two groups -----------------------------------------------------------


def test_clashes_between_two_groups_name_both_sides() -> None:
    report = _only(_run(INFIGHTING))
    assert report.event_type == "Battles"
    assert report.sub_event_type == "Armed clash"
    assert report.location_name == "Saraqib"
    assert _sides(report, PERPETRATORS) == {"excluded"}  # Hayat Tahrir al-Sham
    assert _sides(report, TARGETS) == {"opposition"}  # Ahrar al-Sham


# (e) what did not happen --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "The Russian defence ministry denied that its aircraft struck Douma on Tuesday.",
            "denial",
        ),
        (
            "Rebel commanders threatened to shell Damascus if the army attacks Wadi Barada.",
            "hedged",
        ),
        ("If the talks fail, government forces could launch an offensive on Idlib.", "hedged"),
    ],
)
def test_denials_threats_and_hypotheticals_give_no_report(text: str, reason: str) -> None:
    doc = _run(text)
    assert doc.reports == []
    assert doc.dropped, "the reason is kept"
    reasons = [why for _, why in doc.dropped]
    assert any(reason in why for why in reasons), reasons
    for match, _ in doc.dropped:
        assert 0 <= match.start < match.end <= len(doc.body)


# (f) two events in one text ------------------------------------------------------------------


def test_two_events_at_different_places_and_days_give_two_reports() -> None:
    doc = _run(TWO_EVENTS)
    assert len(doc.reports) == 2
    by_place = {r.location_name: r for r in doc.reports}
    assert set(by_place) == {"Douma", "Daraa"}
    assert by_place["Douma"].date_start == date(2017, 1, 9)
    assert by_place["Douma"].sub_event_type == "Shelling/artillery/missile attack"
    assert by_place["Douma"].fatalities_best == 2
    assert by_place["Daraa"].date_start == date(2017, 1, 11)
    assert by_place["Daraa"].sub_event_type == "Armed clash"
    assert len({r.id for r in doc.reports}) == 2
    assert by_place["Douma"].provenance.dataset_id != by_place["Daraa"].provenance.dataset_id


# (g) every field points at its text ----------------------------------------------------------

ALL = [KAFR_ZITA, PASSIVE, INFIGHTING, TWO_EVENTS, QUOTED, ARABIC_PLACE]


@pytest.mark.parametrize("text", ALL, ids=range(len(ALL)))
def test_every_span_points_inside_the_notes_with_a_confidence(text: str) -> None:
    doc = _run(text)
    assert doc.reports
    for report in doc.reports:
        assert report.notes and report.notes in doc.body
        assert report.spans, "fields keep where they came from"
        for key, span in report.spans.items():
            assert 0 <= span.start < span.end <= len(report.notes), key
            assert span.confidence is not None and 0 <= span.confidence <= 1, key


def test_spans_cover_the_words_they_explain() -> None:
    report = _only(_run(KAFR_ZITA))
    notes = report.notes or ""

    def text_of(key: str) -> str:
        span = report.spans[key]
        return notes[span.start : span.end]

    assert text_of("date") == "9 January 2017"
    assert "Kafr Zita" in text_of("location")
    assert "shell" in text_of("event_type").lower()
    assert "3" in text_of("fatalities")
    assert "5" in text_of("injured")


def test_the_astana_article_spans_are_inside_its_notes() -> None:
    for report in _run(_article(), date(2017, 1, 25)).reports:
        for span in report.spans.values():
            assert 0 <= span.start < span.end <= len(report.notes or "")
            assert span.confidence is not None and 0 <= span.confidence <= 1


# (h) who said it, apart from who published it ------------------------------------------------


def test_a_quoted_source_is_kept_apart_from_the_publisher() -> None:
    report = _only(_run(QUOTED, publisher="Levant Wire"))
    assert report.attribution is not None
    assert "Syrian Observatory for Human Rights" in report.attribution
    assert report.sources[0].name == "Levant Wire"
    assert report.fatalities_best == 4
    span = report.spans["attribution"]
    assert "Syrian Observatory" in (report.notes or "")[span.start : span.end]


def test_a_quoted_source_at_the_end_of_a_sentence_has_no_full_stop() -> None:
    """Regression (fixed bug): the quote pattern lets a sentence-final full
    stop into the source's name ('the Syrian Observatory for Human Rights.')"""
    report = _only(_run(QUOTED))
    assert report.attribution is not None
    assert not report.attribution.endswith(".")


def test_without_a_publisher_the_source_says_so() -> None:
    report = _only(_run(KAFR_ZITA))
    assert report.sources[0].name
    assert report.sources[0].published == "2017-01-12"


# (i) Arabic script in an English text ---------------------------------------------------------


def test_an_arabic_place_name_resolves() -> None:
    report = _only(_run(ARABIC_PLACE))
    assert report.location_name == "Douma"
    assert report.admin1 == "Rural Damascus"
    assert report.fatalities_best == 2
    assert report.language == "en"


# and what a report needs ----------------------------------------------------------------------


def test_without_a_publication_date_a_relative_date_gives_no_report() -> None:
    doc = _run(PASSIVE, published=None)
    assert doc.reports == []
    assert any("date" in why for _, why in doc.dropped)


def test_an_empty_text_gives_an_empty_document() -> None:
    doc = _run("")
    assert doc.reports == [] and doc.events == [] and doc.body == ""


def test_violence_is_not_placed_at_a_foreign_diplomatic_venue() -> None:
    """Regression (fixed bug): in 'The shelling came as Russia, Iran & Turkey
    agreed in Astana ...' the shelling is placed in Astana (Kazakhstan) with the guarantors as
    its targets"""
    text = (
        "Monitors log shelling in Wadi Barada as Astana talks close\n"
        "Mortar fire and air strikes hit Ain al-Fijeh and Deir Miqrin in the Wadi Barada valley "
        "on Tuesday, activists said. Two fighters and one civilian were reported killed. "
        "The shelling came as Russia, Iran & Turkey agreed in Astana to set up a mechanism to "
        "monitor the truce."
    )
    doc = _run(text, date(2017, 1, 24))
    violent = [r for r in doc.reports if r.event_type in VIOLENT]
    assert violent
    assert all(r.country == "Syria" for r in violent), [
        (r.location_name, r.country) for r in violent
    ]
