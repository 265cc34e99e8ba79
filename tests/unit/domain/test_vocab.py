"""The vocabularies are complete and consistent with SCHEMA.md."""

from __future__ import annotations

from truce.domain import vocab


def test_acled_hierarchy_in_precedence_order() -> None:
    assert vocab.ACLED_EVENT_TYPES[0] == "Battles"
    assert vocab.ACLED_EVENT_TYPES.index(
        "Explosions/Remote violence"
    ) < vocab.ACLED_EVENT_TYPES.index("Violence against civilians")
    assert vocab.ACLED_SUB_EVENT_TYPES["Explosions/Remote violence"][:2] == (
        "Chemical weapon",
        "Air/drone strike",
    )
    assert set(vocab.ACLED_SUB_EVENT_TYPES) == set(vocab.ACLED_EVENT_TYPES)
    assert sum(len(s) for s in vocab.ACLED_SUB_EVENT_TYPES.values()) == 25


def test_every_sub_type_maps_to_one_type_and_has_a_coding() -> None:
    assert len(vocab.SUB_EVENT_TO_EVENT) == 25
    assert set(vocab.SUB_EVENT_CODING) == set(vocab.SUB_EVENT_TO_EVENT)
    for coding in vocab.SUB_EVENT_CODING.values():
        if coding.plover_event is not None:
            assert coding.plover_event in vocab.PLOVER_CATEGORIES
            if coding.plover_mode is not None:
                assert coding.plover_mode in vocab.PLOVER_MODES[coding.plover_event]
        if coding.cameo_code is not None:
            assert coding.cameo_code in vocab.CAMEO_CODES


def test_ceasefire_codes() -> None:
    assert vocab.CAMEO_CODES["0871"] == "declare truce or ceasefire"
    assert vocab.CAMEO_CODES["196"] == "violate ceasefire"
    assert vocab.SUB_EVENT_CODING["Air/drone strike"] == ("ASSAULT", "aerial", "195")
    assert vocab.SUB_EVENT_CODING["Shelling/artillery/missile attack"].cameo_code == "194"
    assert "ceasefire" in vocab.PLOVER_MODES["RETREAT"]
    assert len(vocab.PLOVER_CATEGORIES) == 16


def test_inter_codes_and_labels() -> None:
    assert vocab.ACLED_INTER_CODES[8] == "External/Other forces"
    assert vocab.ACLED_INTER_BY_LABEL["state forces"] == 1
    assert vocab.ACLED_INTER_BY_LABEL["civilians"] == 7


def test_ucdp_scales() -> None:
    assert vocab.UCDP_DATE_PREC[1] is vocab.DatePrecision.DAY
    assert vocab.UCDP_DATE_PREC[5] is vocab.DatePrecision.YEAR
    assert vocab.UCDP_DATE_PREC_CODE[vocab.DatePrecision.WEEK] == 3
    assert sorted(vocab.UCDP_WHERE_PREC) == [1, 2, 3, 4, 5, 6, 7]
    assert set(vocab.WHERE_PREC_RADIUS_KM) == set(vocab.UCDP_WHERE_PREC)
    assert vocab.UCDP_TYPE_OF_VIOLENCE[3] == "one-sided"


def test_countries_carry_iso_and_gleditsch_ward_codes() -> None:
    syria = vocab.COUNTRY_BY_NAME["syria"]
    assert (syria.iso_numeric, syria.iso_alpha3, syria.gw_number) == (760, "SYR", 652)
    assert vocab.COUNTRY_BY_GW[652] is syria
    assert vocab.COUNTRY_BY_ISO[792].name == "Turkey"
