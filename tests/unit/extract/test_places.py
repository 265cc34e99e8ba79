"""The places stage with the full gazetteer: names as reports spell them, no common word taken
for a village, same-named places told apart, and honest fallbacks when a village is missing."""

from __future__ import annotations

from datetime import date

import pytest

from truce.domain.documents import TextMeta
from truce.domain.geo import haversine_km
from truce.extract.resources import Resources
from truce.extract.run import extract
from truce.gazetteer.model import Place
from truce.services.extraction import resources_for


@pytest.fixture(scope="module")
def res() -> Resources:
    return resources_for()


def _places(res: Resources, text: str) -> dict[str, Place]:
    doc = extract(text, TextMeta(label="t", published=date(2017, 4, 5)), res)
    return {doc.body[m.start : m.end]: m.value for m in doc.places}


def _report_place(res: Resources, text: str) -> tuple[str | None, str | None, int | None]:
    doc = extract(text, TextMeta(label="t", published=date(2017, 4, 5)), res)
    report = doc.reports[0]
    return report.location_name, report.admin1, report.location_precision


@pytest.mark.parametrize(
    ("text", "name", "lat", "lon"),
    [
        ("Clashes broke out in Tal Tamer on Monday.", "Tal Tamer", 36.656, 40.371),
        ("Turkish shelling hit Ein Issa on Monday.", "Ein Issa", 36.386, 38.862),
        ("An air strike hit Kafr Khasher on Monday.", "Kafr Khasher", 36.549, 37.065),
        # A village only the long list holds, spelled as a report spells it (fuzzy).
        ("The group also seized Sahem al-Jawlan the same day.", "Sahem al-Jawlan", 32.78, 35.94),
    ],
)
def test_names_are_found_as_reports_spell_them(
    res: Resources, text: str, name: str, lat: float, lon: float
) -> None:
    place = _places(res, text)[name]
    assert place.precision == 1
    assert haversine_km(place.lat, place.lon, lat, lon) < 5


@pytest.mark.parametrize(
    "text",
    [
        "Sheikh Ali said the talks would resume.",
        "Tal and Ain are words of many names.",
        "Here the ministry said the same. Home is far. Sure, he said.",
        "Qatar and Cairo condemned the attack.",
        "Hussein and Abbas met the envoy.",
        "Hamas issued a statement.",
    ],
)
def test_common_words_and_names_are_not_villages(res: Resources, text: str) -> None:
    assert _places(res, text) == {}


def test_a_generic_word_with_its_article_is_the_curated_town(res: Resources) -> None:
    place = _places(res, "Clashes in al-Tall killed two fighters on Monday.")["Tall"]
    assert place.admin1 == "Rural Damascus" and place.source == "truce"


def test_a_short_long_list_name_needs_a_word_that_says_a_place_follows(res: Resources) -> None:
    assert _places(res, "Zila was mentioned.") == {}
    assert "Zila" in _places(res, "Shells fell on the village of Zila on Monday.")


# --- choosing between same-named places -----------------------------------------------------


@pytest.mark.parametrize(
    ("governorate", "admin1"),
    [("Quneitra", "Quneitra"), ("Hasakah", "Al-Hasakeh"), ("Tartus", "Tartous")],
)
def test_the_governorate_named_after_a_name_chooses_the_place(
    res: Resources, governorate: str, admin1: str
) -> None:
    places = _places(res, f"Shelling hit Tawilah in {governorate} on Monday.")
    assert places["Tawilah"].admin1 == admin1 and places["Tawilah"].precision == 1
    # Named to place the village, the governorate is the governorate, not its capital city.
    assert places[governorate].kind == "governorate"


def test_other_places_named_nearby_choose_the_place(res: Resources) -> None:
    places = _places(res, "Shelling hit Suran and Kafr Zita on Monday.")
    assert places["Suran"].admin1 == "Hama"
    places = _places(res, "Shelling hit Suran and Azaz on Monday.")
    assert places["Suran"].admin1 == "Aleppo"


def test_a_place_in_another_governorate_than_the_one_named_is_refused(res: Resources) -> None:
    """Saraqib is in Idlib: "Saraqib, Hama" is not taken as Saraqib, 80 km off, but as Hama."""
    place = _places(res, "The army shelled Saraqib, Hama on Monday, killing two.")["Saraqib"]
    assert place.kind == "governorate" and place.admin1 == "Hama" and place.precision == 4


def test_a_long_list_village_outside_every_governorate_named_is_refused(res: Resources) -> None:
    """The only Rabwah the lists hold is in Latakia; a text about Damascus means another."""
    text = (
        "A suicide bomber struck the Palace of Justice in Damascus on Monday. Hours later a "
        "second bomber struck a restaurant in Rabwah, wounding dozens."
    )
    assert "Rabwah" not in _places(res, text)


# --- when the village is missing --------------------------------------------------------------


def test_a_missing_village_falls_back_to_the_governorate_named(res: Resources) -> None:
    text = "Regime forces shelled the village of Zarzurabad in Idlib on Monday, killing two."
    assert _report_place(res, text) == ("Idleb", "Idleb", 4)  # ACLED geo-precision 3


def test_a_missing_village_falls_back_to_the_district_named(res: Resources) -> None:
    text = (
        "Regime forces shelled the village of Zarzurabad in the Jisr al-Shughur district on "
        "Monday, killing two."
    )
    name, admin1, precision = _report_place(res, text)
    assert admin1 == "Idleb" and precision == 3  # ACLED geo-precision 2
    assert name is not None and "Shug" in name


def test_a_neighbourhood_called_a_district_stays_the_neighbourhood(res: Resources) -> None:
    place = _places(res, "A car bomb hit the Manshiyeh district of Daraa al-Balad on Monday.")
    assert place["Manshiyeh"].precision == 1 and place["Manshiyeh"].admin1 == "Dar'a"


# --- the curated areas are kept ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("Clashes in Wadi Barada on Monday.", "Wadi Barada", "valley"),
        ("Shelling of Eastern Ghouta on Monday.", "Eastern Ghouta", "region"),
        ("Shelling of Jobar on Monday.", "Jobar", "neighbourhood"),
        ("Shelling in the Idlib countryside on Monday.", "Idlib countryside", "countryside"),
        ("Shelling in rural Hama on Monday.", "rural Hama", "countryside"),
    ],
)
def test_curated_areas_and_countrysides_are_kept(
    res: Resources, text: str, name: str, kind: str
) -> None:
    assert _places(res, text)[name].kind == kind
