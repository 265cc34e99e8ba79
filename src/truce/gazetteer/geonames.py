"""Reading GeoNames country dumps (the tab-separated `SY.txt` layout), text in, places out."""

from __future__ import annotations

import re

from truce.domain.errors import InputRejected
from truce.gazetteer.model import Place

COLUMNS = 19  # geonameid, name, asciiname, alternatenames, lat, lon, class, code, country, ...
# Feature classes and codes that news names as places of events.
KEPT_CLASSES = {"P", "L", "T"}
KEPT_CODES = {
    "ADM1",
    "ADM2",
    "ADM3",
    "AIRB",
    "AIRF",
    "AIRP",
    "MILB",
    "CMP",
    "CMPRF",
    "DAM",
    "BDG",
    "CSTL",
    "PS",
}
PRECISION_BY_CODE = {
    "ADM1": 4,
    "ADM2": 3,
    "ADM3": 3,
    "PPLA": 1,
    "PPLC": 1,
    "RGN": 2,
    "AREA": 2,
    "VAL": 2,
    "MTS": 2,
    "MT": 1,
    "PLN": 2,
    "DSRT": 5,
}
RADIUS_BY_PRECISION = {1: 2.0, 2: 20.0, 3: 35.0, 4: 80.0, 5: 150.0}
_LATIN_OK = re.compile(r"^[A-Za-z][A-Za-z' \-]{3,}$")
_ARABIC = re.compile(r"[\u0600-\u06FF]")


def useful_alias(name: str) -> bool:
    """Alternate names worth matching: readable Latin spellings and Arabic script."""
    return bool(_LATIN_OK.match(name) or _ARABIC.search(name))


def parse_dump(
    text: str, admin1_names: dict[str, str], *, country: str = "SYR"
) -> tuple[list[Place], list[str]]:
    """Places from a GeoNames dump, and one error per line that could not be read.

    `admin1_names` maps the dump's admin1 codes (e.g. "08") to governorate names.
    """
    places, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != COLUMNS:
            errors.append(f"line {number}: {len(fields)} fields, a GeoNames dump has {COLUMNS}")
            continue
        feature_class, code = fields[6], fields[7]
        if feature_class not in KEPT_CLASSES and code not in KEPT_CODES:
            continue
        try:
            lat, lon = float(fields[4]), float(fields[5])
            population = int(fields[14] or 0)
        except ValueError:
            errors.append(f"line {number}: latitude, longitude or population is not a number")
            continue
        precision = PRECISION_BY_CODE.get(code, 1)
        aliases = tuple(
            dict.fromkeys(
                a
                for a in [fields[2], *fields[3].split(",")]
                if a and a != fields[1] and useful_alias(a)
            )
        )
        places.append(
            Place(
                name=fields[1],
                lat=lat,
                lon=lon,
                precision=precision,
                kind=code.lower() or "place",
                admin1=admin1_names.get(fields[10]),
                country=country,
                population=population,
                radius_km=RADIUS_BY_PRECISION.get(precision, 2.0),
                source="geonames",
                aliases=aliases,
            )
        )
    if not places and errors:
        raise InputRejected(f"not a GeoNames dump: {errors[0]}")
    return places, errors
