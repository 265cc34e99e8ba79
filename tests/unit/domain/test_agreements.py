"""Agreements in force, layered instruments, and fuzzy zone membership."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from truce import scenarios
from truce.domain.agreements import Zone, terms_on
from truce.domain.geo import ZoneRelation, haversine_km, relation_to_zone

SCENARIO = scenarios.load("astana-2016")
TRUCE = SCENARIO.base_agreement
DAMASCUS_WINTER = timezone(timedelta(hours=2))


def zone(zone_id: str) -> Zone:
    return next(z for a in SCENARIO.agreements for z in a.zones if z.id == zone_id)


def test_truce_starts_at_midnight_damascus_time() -> None:
    assert not TRUCE.in_force_at(datetime(2016, 12, 29, 23, 59, tzinfo=DAMASCUS_WINTER))
    assert TRUCE.in_force_at(datetime(2016, 12, 30, 0, 0, tzinfo=DAMASCUS_WINTER))
    # 22:30 UTC on the 29th is already 00:30 on the 30th in Damascus.
    assert TRUCE.in_force_at(datetime(2016, 12, 29, 22, 30, tzinfo=UTC))
    assert not TRUCE.in_force_at(datetime(2016, 12, 29, 21, 30, tzinfo=UTC))


def test_guarantors_answer_for_their_sides() -> None:
    assert TRUCE.guarantors_for("government") == ("russia", "iran")
    assert TRUCE.guarantors_for("opposition") == ("turkey",)
    assert TRUCE.sides == ("government", "opposition")


def test_de_escalation_zones_apply_only_from_6_may_2017() -> None:
    before = terms_on(SCENARIO.agreements, "astana-2016", date(2017, 5, 5))
    after = terms_on(SCENARIO.agreements, "astana-2016", date(2017, 5, 6))
    assert before.instruments == ("astana-2016",)
    assert after.instruments == ("astana-2016", "deescalation-2017")
    assert not [z for z in before.zones if z.kind == "de_escalation"]
    assert len([z for z in after.zones if z.kind == "de_escalation"]) == 4
    assert {c.ref for c in after.clauses} >= {"T1", "T2", "D1"}
    assert "D1" not in {c.ref for c in before.clauses}
    assert terms_on(SCENARIO.agreements, "astana-2016", date(2016, 12, 1)).instruments == ()


@pytest.mark.parametrize(
    ("zone_id", "lat", "lon", "expected"),
    [
        ("dez-idlib", 35.9306, 36.6339, ZoneRelation.INSIDE),  # Idlib city
        ("dez-northern-homs", 34.9167, 36.7333, ZoneRelation.INSIDE),  # Rastan
        ("dez-eastern-ghouta", 33.5711, 36.4000, ZoneRelation.INSIDE),  # Douma
        ("dez-south", 32.6167, 36.1000, ZoneRelation.INSIDE),  # Daraa al-Balad
        ("dez-eastern-ghouta", 33.5130, 36.2840, ZoneRelation.OUTSIDE),  # Umayyad Square
        ("dez-idlib", 36.1993, 37.1625, ZoneRelation.OUTSIDE),  # Aleppo citadel
        ("dez-idlib", 35.5167, 35.7833, ZoneRelation.OUTSIDE),  # Latakia city
    ],
)
def test_exact_points_fall_inside_or_outside(
    zone_id: str, lat: float, lon: float, expected: ZoneRelation
) -> None:
    assert relation_to_zone(zone(zone_id), lat=lat, lon=lon, precision=1) is expected


def test_imprecise_locations_near_the_edge_are_only_possibly_inside() -> None:
    douma = {"lat": 33.5711, "lon": 36.4000}
    assert relation_to_zone(zone("dez-eastern-ghouta"), precision=1, **douma) is ZoneRelation.INSIDE
    # Within ~25 km of Douma could be inside Ghouta or in government-held Damascus.
    assert (
        relation_to_zone(zone("dez-eastern-ghouta"), precision=2, **douma)
        is ZoneRelation.POSSIBLY_INSIDE
    )
    square = {"lat": 33.5130, "lon": 36.2840}
    assert (
        relation_to_zone(zone("dez-eastern-ghouta"), precision=2, **square)
        is ZoneRelation.POSSIBLY_INSIDE
    )
    # Latakia city is far from the Idlib zone even at 25 km precision.
    assert (
        relation_to_zone(zone("dez-idlib"), lat=35.5167, lon=35.7833, precision=2)
        is ZoneRelation.OUTSIDE
    )


def test_admin_area_zones_match_by_name_and_alias() -> None:
    idleb = zone("idleb")
    assert idleb.pcode == "SY07"
    assert (
        relation_to_zone(idleb, lat=None, lon=None, precision=4, admin1="Idlib")
        is ZoneRelation.INSIDE
    )
    assert (
        relation_to_zone(idleb, lat=None, lon=None, precision=4, admin1="Hama")
        is ZoneRelation.OUTSIDE
    )
    # A de-escalation zone covers only part of a governorate named without coordinates.
    assert relation_to_zone(zone("dez-idlib"), lat=None, lon=None, precision=4, admin1="Hama") is (
        ZoneRelation.POSSIBLY_INSIDE
    )
    assert (
        relation_to_zone(zone("dez-idlib"), lat=None, lon=None, precision=None)
        is ZoneRelation.POSSIBLY_INSIDE
    )


def test_haversine_distance() -> None:
    # Damascus to Aleppo is about 310 km as the crow flies.
    assert 300 < haversine_km(33.5138, 36.2765, 36.2021, 37.1343) < 320
    assert haversine_km(33.5, 36.3, 33.5, 36.3) == 0


def test_a_quorum_larger_than_the_guarantors_is_refused() -> None:
    from truce import scenarios
    from truce.domain.agreements import Agreement, SignOffRule
    from truce.domain.errors import ValidationFailed

    base = next(a for a in scenarios.load("astana-2016").agreements if a.id == "astana-2016")
    plain = base.to_plain() | {"sign_off": SignOffRule.QUORUM.value, "quorum": 4}
    with pytest.raises(ValidationFailed, match="quorum: 4 of only 3 guarantors"):
        Agreement.parse(plain)
    assert Agreement.parse(plain | {"quorum": 2}).quorum == 2
