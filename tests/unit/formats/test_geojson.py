"""GeoJSON (RFC 7946): reports as Point Features with [lon, lat], read back unchanged."""

from __future__ import annotations

import json
from datetime import date

import pytest
from formats_helpers import fixture_text, make_report, sample_text

from truce.domain.agreements import Zone, ZoneKind
from truce.domain.errors import InputRejected
from truce.formats.acled import read_acled
from truce.formats.geojson import (
    MEDIA_TYPE,
    read_geojson,
    report_feature,
    write_geojson,
    zones_collection,
)
from truce.formats.plover import read_plover
from truce.formats.ucdp import read_ucdp


def _mixed_reports():
    """Reports from every importer, plus one with no location."""
    unlocated = make_report(lat=None, lon=None, location_precision=None, location_name=None)
    return [
        *read_acled(sample_text()).reports[:5],
        *read_acled(fixture_text("acled_old_layout.csv")).reports[:2],
        *read_ucdp(fixture_text("ucdp_ged_sample.csv")).reports,
        *read_plover(fixture_text("plover_sample.jsonl")).reports,
        unlocated,
    ]


def _collection(*features: dict) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def test_media_type_is_geo_json():
    assert MEDIA_TYPE == "application/geo+json"


def test_output_is_an_rfc7946_feature_collection():
    reports = _mixed_reports()
    written = write_geojson(reports)
    data = json.loads(written.text)

    assert written.rows == len(reports)
    assert written.losses == []
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data
    assert len(data["features"]) == len(reports)
    for feature, report in zip(data["features"], reports, strict=True):
        assert feature["type"] == "Feature"
        assert feature["id"] == report.id
        assert "crs" not in feature
        assert set(feature) == {"type", "id", "geometry", "properties"}


def test_point_coordinates_are_longitude_then_latitude():
    reports = read_acled(sample_text()).reports
    data = json.loads(write_geojson(reports).text)
    for feature, report in zip(data["features"], reports, strict=True):
        assert feature["geometry"] == {"type": "Point", "coordinates": [report.lon, report.lat]}
    # In Syria longitude (35-42 E) is larger than latitude (32-37 N): a swap would show.
    first = data["features"][0]["geometry"]["coordinates"]
    assert first == [36.1733, 33.6125]


def test_unlocated_report_has_null_geometry():
    unlocated = make_report(lat=None, lon=None, location_precision=None)
    feature = report_feature(unlocated)
    assert feature["geometry"] is None
    assert "geometry" in json.loads(write_geojson([unlocated]).text)["features"][0]


def test_dates_and_precision_codes_are_in_properties():
    report = read_ucdp(fixture_text("ucdp_ged_sample.csv")).reports[1]  # 900002, a span
    properties = report_feature(report)["properties"]
    assert properties["date_start"] == "2017-01-21"
    assert properties["date_end"] == "2017-01-24"
    assert properties["date_precision"] == "days"
    assert properties["location_precision"] == 2
    assert properties["provenance"]["dataset_id"] == "900002"


def test_round_trip_gives_the_same_reports():
    reports = _mixed_reports()
    result = read_geojson(write_geojson(reports).text)
    assert result.layout == "geojson"
    assert result.rejected == []
    assert result.reports == reports


def test_geometry_positions_are_read_as_lon_lat():
    feature = {
        "type": "Feature",
        "id": "",
        "geometry": {"type": "Point", "coordinates": [36.7302, 34.8403]},
        "properties": {"date_start": "2017-02-20", "date_end": "2017-02-20"},
    }
    (report,) = read_geojson(_collection(feature)).reports
    assert (report.lon, report.lat) == (36.7302, 34.8403)
    assert report.date_start == date(2017, 2, 20)
    assert report.id.startswith("rep_")  # no ID given: one is made from the content


def test_crs_member_is_rejected():
    text = json.dumps(
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
            "features": [],
        }
    )
    with pytest.raises(InputRejected, match="crs"):
        read_geojson(text)


def test_non_point_feature_is_rejected_by_its_index():
    reports = _mixed_reports()[:3]
    data = json.loads(write_geojson(reports).text)
    data["features"][1]["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[36.0, 33.0], [37.0, 33.0], [37.0, 34.0], [36.0, 33.0]]],
    }
    result = read_geojson(json.dumps(data))

    assert [(e.line, e.row_id) for e in result.rejected] == [(2, reports[1].id)]
    assert "Point" in result.rejected[0].reason
    assert "Polygon" in result.rejected[0].reason
    assert result.reports == [reports[0], reports[2]]


@pytest.mark.parametrize(
    ("feature", "reason"),
    [
        ({"type": "Point", "coordinates": [1, 2]}, "not a Feature"),
        (
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [1]},
                "properties": {},
            },
            "longitude",
        ),
        (
            {"type": "Feature", "geometry": None, "properties": {"date_start": "2017-01-01"}},
            "date_end",
        ),
    ],
)
def test_bad_features_are_rejected_one_by_one(feature, reason):
    good = report_feature(make_report())
    result = read_geojson(_collection(good, feature, good))
    assert [e.line for e in result.rejected] == [2]
    assert reason in result.rejected[0].reason
    assert len(result.reports) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not JSON"),
        (json.dumps({"type": "Feature", "geometry": None, "properties": {}}), "FeatureCollection"),
        (json.dumps([]), "FeatureCollection"),
        (json.dumps({"type": "FeatureCollection"}), "features"),
    ],
)
def test_input_that_is_not_a_feature_collection_is_rejected(text, message):
    with pytest.raises(InputRejected, match=message):
        read_geojson(text)


def test_zones_are_polygon_features_with_the_geometry_outside_properties():
    ring = [[36.2, 33.4], [36.6, 33.4], [36.6, 33.7], [36.2, 33.7], [36.2, 33.4]]
    zone = Zone(
        id="zone-ghouta",
        name="Eastern Ghouta",
        kind=ZoneKind.DE_ESCALATION,
        geometry={"type": "Polygon", "coordinates": [ring]},
    )
    collection = zones_collection([zone])
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["id"] == "zone-ghouta"
    assert feature["geometry"] == {"type": "Polygon", "coordinates": [ring]}
    assert "geometry" not in feature["properties"]
    assert feature["properties"]["name"] == "Eastern Ghouta"
    json.dumps(collection)  # serialisable as is
