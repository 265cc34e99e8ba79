"""Reading the shipped populated places (`data/syria_places.tsv`, GeoNames via Who's On First).

Text in, places out, no I/O: `load.py` reads the file. The columns are described in the
gazetteer's section of docs/extraction.md.
"""

from __future__ import annotations

import csv
import io

from truce.gazetteer.model import Place

COLUMNS = (
    "name",
    "alternate_names",
    "arabic_name",
    "lat",
    "lon",
    "feature_class_or_kind",
    "admin1",
    "admin2",
    "population",
    "source_id",
)
# How far from its point a report placed at one of these may be; populations stand in where
# GeoNames gives none, so that a town outweighs a hamlet of the same name.
RADIUS_KM = {"city": 6.0, "town": 3.0, "village": 2.0}
TYPICAL_POPULATION = {"city": 50_000, "town": 5_000, "village": 500}


def read_places(text: str, governorates: dict[str, str], districts: dict[str, str]) -> list[Place]:
    """Places from the TSV text.

    `governorates` maps ISO 3166-2 codes ("SY-ID") to Truce's governorate names ("Idleb");
    `districts` maps HASC codes ("SY.ID.MN") to district names.
    """
    rows = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    if tuple(rows.fieldnames or ()) != COLUMNS:
        raise ValueError(f"syria_places.tsv: columns {rows.fieldnames}, expected {COLUMNS}")
    out = []
    for row in rows:
        kind = row["feature_class_or_kind"].split(":")[0]
        kind = kind if kind in RADIUS_KM else "place"
        iso = row["admin1"].split(":")[0]
        hasc = row["admin2"].split(":")[0]
        names = [*row["alternate_names"].split("|"), row["arabic_name"]]
        out.append(
            Place(
                name=row["name"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                precision=1,
                kind=kind,
                admin1=governorates.get(iso),
                admin2=districts.get(hasc),
                radius_km=RADIUS_KM.get(kind, 2.0),
                population=int(row["population"] or TYPICAL_POPULATION.get(kind, 200)),
                source="wof",
                aliases=tuple(dict.fromkeys(n for n in names if n and n != row["name"])),
            )
        )
    return out
