"""GeoJSON (RFC 7946): reports as Features, zones as Polygons. Positions are [lon, lat]."""

from __future__ import annotations

import json
from typing import Any

from truce.domain.agreements import Zone
from truce.domain.errors import InputRejected, TruceError
from truce.domain.reports import Report
from truce.formats.common import ReadResult, RowError, WriteResult

MEDIA_TYPE = "application/geo+json"


def report_feature(report: Report) -> dict[str, Any]:
    """One Feature carrying every canonical field; unlocated reports get a null geometry."""
    properties = report.to_plain()
    geometry = None
    if report.lat is not None and report.lon is not None:
        geometry = {"type": "Point", "coordinates": [report.lon, report.lat]}
    return {"type": "Feature", "id": report.id, "geometry": geometry, "properties": properties}


def write_geojson(reports: list[Report]) -> WriteResult:
    # Every canonical field fits in properties, so a GeoJSON export loses nothing.
    collection = {"type": "FeatureCollection", "features": [report_feature(r) for r in reports]}
    text = json.dumps(collection, ensure_ascii=False, indent=1)
    return WriteResult(text=text + "\n", rows=len(reports))


def zones_collection(zones: list[Zone]) -> dict[str, Any]:
    features = []
    for zone in zones:
        properties = zone.to_plain()
        geometry = properties.pop("geometry")
        features.append(
            {"type": "Feature", "id": zone.id, "geometry": geometry, "properties": properties}
        )
    return {"type": "FeatureCollection", "features": features}


def read_geojson(text: str) -> ReadResult:
    """Read a FeatureCollection whose properties hold Truce's canonical report fields."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputRejected(f"not JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InputRejected("not a GeoJSON FeatureCollection")
    if "crs" in data:
        raise InputRejected("RFC 7946 GeoJSON has no 'crs' member; positions must be WGS 84")
    features = data.get("features")
    if not isinstance(features, list):
        raise InputRejected("the FeatureCollection has no 'features' list")
    result = ReadResult(layout="geojson")
    for number, feature in enumerate(features, start=1):
        ident = feature.get("id") if isinstance(feature, dict) else None
        try:
            result.reports.append(_read_feature(feature))
        except (TruceError, ValueError) as exc:
            result.rejected.append(RowError(number, str(ident) if ident else None, str(exc)))
    return result


def _read_feature(feature: Any) -> Report:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValueError("not a Feature")
    properties = dict(feature.get("properties") or {})
    geometry = feature.get("geometry")
    if geometry is not None:
        if geometry.get("type") != "Point":
            raise ValueError(f"geometry: reports need a Point, not {geometry.get('type')!r}")
        coordinates = geometry.get("coordinates") or []
        if len(coordinates) < 2:
            raise ValueError("geometry: a Point needs [longitude, latitude]")
        properties["lon"], properties["lat"] = coordinates[0], coordinates[1]
    properties.setdefault("id", str(feature.get("id") or ""))
    report = Report.parse(properties)
    return report if report.id else report.with_content_id()
