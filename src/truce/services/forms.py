"""Input as people type it, turned into what the services take: a structured report's fields
(one mapping for the API's JSON body and the page's form) and a review's corrected value.

What cannot be read is a ValidationFailed naming the field and what was typed, never a value
quietly dropped: the edge shows it back to the person who typed it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from truce.domain.errors import ValidationFailed
from truce.domain.reports import Report
from truce.domain.vocab import SUB_EVENT_TO_EVENT

WHOLE = re.compile(r"^[+-]?\d+$")
MAX_DIGITS = 50
# Report fields by the type of what is typed into them.
WHOLE_FIELDS = frozenset(n for n, f in Report.model_fields.items() if f.annotation == int | None)
DECIMAL_FIELDS = frozenset(
    n for n, f in Report.model_fields.items() if f.annotation == float | None
)
DAY_FIELDS = frozenset(n for n, f in Report.model_fields.items() if f.annotation is date)
# What the structured form and the API's body carry, and how each is typed.
STRUCTURED = (
    "date_start",
    "date_end",
    "location_name",
    "admin1",
    "lat",
    "lon",
    "location_precision",
    "event_type",
    "sub_event_type",
    "perpetrator",
    "target",
    "fatalities_best",
    "notes",
)


def structured_fields(
    *,
    date_start: date,
    date_end: date | None = None,
    location_name: str | None = None,
    admin1: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    location_precision: int | None = None,
    event_type: str | None = None,
    sub_event_type: str | None = None,
    perpetrator: str | None = None,
    target: str | None = None,
    fatalities_best: int | None = None,
    notes: str | None = None,
) -> dict[str, Any]:
    """The fields `submit_structured` takes, as JSON values: what is not given is left out,
    the event type follows from the sub-type when not given, and who did it to whom become
    the report's actors."""
    if event_type is None and sub_event_type:
        event_type = SUB_EVENT_TO_EVENT.get(sub_event_type)
    given: dict[str, Any] = {
        "date_start": date_start.isoformat(),
        "date_end": date_end.isoformat() if date_end else None,
        "location_name": location_name,
        "admin1": admin1,
        "lat": lat,
        "lon": lon,
        "location_precision": location_precision,
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "fatalities_best": fatalities_best,
        "notes": notes,
    }
    fields = {k: v for k, v in given.items() if v is not None and v != ""}
    actors = [
        {"name": name, "role": role}
        for name, role in ((perpetrator, "perpetrator"), (target, "target"))
        if name
    ]
    if actors:
        fields["actors"] = actors
    return fields


def structured_from_form(typed: Mapping[str, str]) -> dict[str, Any]:
    """`structured_fields` from a form's text boxes (blank: not given)."""
    values = {name: typed_value(name, typed.get(name, "")) for name in STRUCTURED}
    start = values.pop("date_start")
    if start is None:
        raise ValidationFailed("date_start: a report needs the day it happened", field="date_start")
    return structured_fields(date_start=start, **values)


def typed_value(field: str, typed: str) -> Any:
    """What was typed into a field, as the field's type: None when blank; a ValidationFailed
    that repeats what was typed when it is not a number or a day the field needs."""
    text = typed.strip()
    if not text:
        return None
    if field in WHOLE_FIELDS:
        if not WHOLE.match(text):
            raise ValidationFailed(
                f"{field}: {typed!r} is not a whole number (type digits, e.g. 3)", field=field
            )
        if len(text) > MAX_DIGITS:
            # Too large for any field; refused here, as Python's own int() refuses past 4,300
            # digits with a message that names no field. The field's bound is the domain's.
            raise ValidationFailed(f"{field}: {text[:MAX_DIGITS]}... is far too large", field=field)
        return int(text)
    if field in DECIMAL_FIELDS:
        try:
            return float(text)
        except ValueError:
            raise ValidationFailed(
                f"{field}: {typed!r} is not a number (e.g. 35.93)", field=field
            ) from None
    if field in DAY_FIELDS:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValidationFailed(
                f"{field}: {typed!r} is not a day (type it as YYYY-MM-DD)", field=field
            ) from None
    return text


def correction_value(field: str, typed: str) -> Any:
    """A review's new value for `field` as typed into the review form: a number for a number
    field (blank clears it), a day as YYYY-MM-DD text, anything else as typed."""
    value = typed_value(field, typed)
    return value.isoformat() if isinstance(value, date) else value
