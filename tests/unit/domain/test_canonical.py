"""Canonical JSON against fixed vectors (RFC 8785 and hand-checked cases)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from truce.domain.canonical import canonical_json, content_id, sha256_hex
from truce.domain.errors import ValidationFailed

# Number vectors from RFC 8785 appendix B and ECMAScript's Number.prototype.toString.
NUMBERS = [
    (0.0, "0"),
    (-0.0, "0"),
    (1.0, "1"),
    (-1.5, "-1.5"),
    (4.5, "4.5"),
    (0.002, "0.002"),
    (1e-7, "1e-7"),
    (0.000001, "0.000001"),
    (1e-27, "1e-27"),
    (1e21, "1e+21"),
    (1e20, "100000000000000000000"),
    (1e30, "1e+30"),
    (333333333.33333329, "333333333.3333333"),
    (9007199254740992.0, "9007199254740992"),
    (295147905179352830000.0, "295147905179352830000"),
    (5e-324, "5e-324"),
    (1.7976931348623157e308, "1.7976931348623157e+308"),
    (-5e-324, "-5e-324"),
    (123456789012345680000.0, "123456789012345680000"),
]


@pytest.mark.parametrize(("value", "expected"), NUMBERS)
def test_numbers_follow_ecmascript(value: float, expected: str) -> None:
    assert canonical_json(value) == expected.encode()


def test_rfc8785_sorting_example() -> None:
    # Keys sort by UTF-16 code units: the emoji (a surrogate pair) sorts before U+FB33.
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    keys = [k for k, _ in sorted(value.items(), key=lambda kv: kv[0].encode("utf-16-be"))]
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]
    encoded = canonical_json(value).decode()
    assert encoded.index("Emoji") < encoded.index("Hebrew")


def test_fixed_document_vector() -> None:
    value = {
        "numbers": [333333333.33333329, 1e30, 4.50, 2e-3, 1e-27],
        "string": '\u20ac$\u000f\nA\'B"\\\\"/',
        "literals": [None, True, False],
    }
    assert canonical_json(value) == (
        b'{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        b'"string":"\xe2\x82\xac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )


def test_no_whitespace_and_unicode_kept_raw() -> None:
    assert canonical_json({"b": [1, 2], "a": "دوما"}) == '{"a":"دوما","b":[1,2]}'.encode()


def test_dates_and_aware_datetimes_encode_as_iso_strings() -> None:
    assert canonical_json(date(2017, 1, 24)) == b'"2017-01-24"'
    moment = datetime(2016, 12, 29, 22, 0, tzinfo=UTC)
    assert canonical_json(moment) == b'"2016-12-29T22:00:00+00:00"'


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused(bad: float) -> None:
    with pytest.raises(ValidationFailed, match="NaN or infinity"):
        canonical_json({"x": bad})


def test_naive_datetime_and_odd_types_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="timezone-naive"):
        canonical_json(datetime(2017, 1, 1))
    with pytest.raises(ValidationFailed, match="string keys"):
        canonical_json({1: "x"})
    with pytest.raises(ValidationFailed, match="cannot encode"):
        canonical_json(object())


def test_content_id_depends_only_on_content() -> None:
    a = content_id("rep", {"x": 1, "y": [1, 2]})
    b = content_id("rep", {"y": [1, 2], "x": 1})
    assert a == b
    assert a.startswith("rep_") and len(a) == 4 + 32
    assert content_id("rep", {"x": 2, "y": [1, 2]}) != a
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_round_trips_through_its_canonical_form(x: float) -> None:
    assert float(canonical_json(x)) == x


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=20,
    )
)
def test_canonical_form_is_valid_json_and_stable(value: object) -> None:
    import json

    encoded = canonical_json(value)
    assert canonical_json(json.loads(encoded)) == encoded
