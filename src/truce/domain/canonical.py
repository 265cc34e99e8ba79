"""Canonical JSON (RFC 8785 style) and content-addressed IDs.

There is exactly one canonical encoding in Truce. Ledger entries, content IDs
and signatures all go through `canonical_json`, so two members computing the
hash of the same record always agree.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from truce.domain.errors import ValidationFailed


def canonical_json(value: Any) -> bytes:
    """Encode `value` as RFC 8785 canonical JSON, UTF-8 bytes."""
    return _encode(value).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_id(prefix: str, value: Any, *, length: int = 32) -> str:
    """A stable ID derived from content: same content, same ID, anywhere."""
    return f"{prefix}_{sha256_hex(canonical_json(value))[:length]}"


def _encode(value: Any) -> str:
    # Ordered by how often each type occurs in records: this runs once per leaf.
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise ValidationFailed(f"canonical JSON needs string keys, got {key!r}")
        # RFC 8785 orders members by their UTF-16 code units.
        keys = sorted(value, key=_utf16_key) if _needs_utf16_sort(value) else sorted(value)
        return "{" + ",".join([_string(k) + ":" + _encode(value[k]) for k in keys]) + "}"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Enum):
        return _encode(value.value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValidationFailed("canonical JSON refuses a timezone-naive datetime")
        return _string(value.isoformat())
    if isinstance(value, date):
        return _string(value.isoformat())
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return "[" + ",".join([_encode(item) for item in value]) + "]"
    raise ValidationFailed(f"canonical JSON cannot encode {type(value).__name__}")


# The C string escaper escapes exactly what RFC 8785 does: quote, backslash, and
# control characters (as \b \t \n \f \r or lowercase \u00xx); all else stays raw.
_string = json.encoder.encode_basestring


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be")


def _needs_utf16_sort(value: Mapping[str, Any]) -> bool:
    # Code-point order equals UTF-16 order unless a key has characters above U+D7FF.
    return any(key and max(key) > "\ud7ff" for key in value)


def _number(x: float) -> str:
    """Format a float the way ECMAScript's Number.prototype.toString does."""
    if math.isnan(x) or math.isinf(x):
        raise ValidationFailed("canonical JSON has no form for NaN or infinity")
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    # repr gives the shortest digits that round-trip; re-lay them out per ES.
    mantissa, _, exp_text = repr(abs(x)).partition("e")
    int_part, _, frac_part = mantissa.partition(".")
    all_digits = int_part + frac_part
    # value = 0.<all_digits> * 10**n
    n = len(int_part) + int(exp_text or "0")
    stripped = all_digits.lstrip("0")
    n -= len(all_digits) - len(stripped)
    digits = stripped.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    exp_str = f"e+{e}" if e >= 0 else f"e-{-e}"
    if k == 1:
        return sign + digits + exp_str
    return sign + digits[0] + "." + digits[1:] + exp_str
