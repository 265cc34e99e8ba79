"""Where a fuzzily located point stands with respect to a zone."""

from __future__ import annotations

import math
from enum import StrEnum

from shapely.geometry import Point, shape

from truce.domain.actors import normalise_name
from truce.domain.agreements import Zone
from truce.domain.vocab import WHERE_PREC_RADIUS_KM

EARTH_RADIUS_KM = 6371.0088


class ZoneRelation(StrEnum):
    INSIDE = "inside"
    OUTSIDE = "outside"
    POSSIBLY_INSIDE = "possibly_inside"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def relation_to_zone(
    zone: Zone,
    *,
    lat: float | None,
    lon: float | None,
    precision: int | None,
    admin1: str | None = None,
) -> ZoneRelation:
    """Inside, outside or possibly inside, given the location's precision radius.

    A zone with a polygon is judged by geometry; a zone defined by admin areas
    by the admin1 name. A point closer to the border than its precision radius
    could fall either side, so it is only "possibly inside".
    """
    if zone.geometry is not None and lat is not None and lon is not None:
        polygon = shape(zone.geometry)
        point = Point(lon, lat)
        inside = polygon.contains(point)
        # Degrees to km at this latitude: good to a few percent at Syria's size.
        degrees = polygon.boundary.distance(point)
        km = degrees * 111.32 * max(math.cos(math.radians(lat)), 0.2)
        radius = WHERE_PREC_RADIUS_KM.get(precision or 2, 25.0)
        if inside:
            return ZoneRelation.INSIDE if km > radius else ZoneRelation.POSSIBLY_INSIDE
        return ZoneRelation.POSSIBLY_INSIDE if km <= radius else ZoneRelation.OUTSIDE
    if zone.admin1 and admin1:
        wanted = normalise_name(admin1)
        names = {normalise_name(n) for n in zone.admin1}
        if zone.geometry is None and zone.kind == "governorate":
            names |= {normalise_name(n) for n in (zone.name, *zone.aliases)}
        if wanted in names:
            # A de-escalation zone covers only part of each governorate it touches.
            return ZoneRelation.INSIDE if zone.geometry is None else ZoneRelation.POSSIBLY_INSIDE
        return ZoneRelation.OUTSIDE
    if zone.geometry is None and not zone.admin1:
        return ZoneRelation.INSIDE  # a zone with no bounds covers everywhere
    return ZoneRelation.POSSIBLY_INSIDE  # too little is known of the place to tell
