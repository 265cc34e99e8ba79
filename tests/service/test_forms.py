"""Input as typed, as the services take it: one structured-report mapping for the API's body
and the page's form, and review values that are read or refused, never quietly dropped."""

from __future__ import annotations

from datetime import date

import pytest

from truce.domain.errors import ValidationFailed
from truce.domain.reports import Report
from truce.services.forms import correction_value, structured_fields, structured_from_form


def test_structured_fields_leave_out_what_is_not_given_and_name_the_actors() -> None:
    fields = structured_fields(
        date_start=date(2017, 2, 3),
        location_name="Kafr Zita",
        sub_event_type="Air/drone strike",
        perpetrator="Syrian Air Force",
        target="",
        fatalities_best=0,
        notes=None,
    )
    assert fields == {
        "date_start": "2017-02-03",
        "location_name": "Kafr Zita",
        "event_type": "Explosions/Remote violence",  # follows from the sub-type
        "sub_event_type": "Air/drone strike",
        "fatalities_best": 0,  # zero is given, not missing
        "actors": [{"name": "Syrian Air Force", "role": "perpetrator"}],
    }
    Report.parse({**fields, "date_end": fields["date_start"]})  # a report can be made of them


def test_a_form_and_a_typed_call_make_the_same_fields() -> None:
    typed = {
        "date_start": "2017-02-03",
        "lat": " 35.37 ",
        "location_precision": "2",
        "fatalities_best": "4",
        "target": "civilians",
        "notes": "",
        "csrf": "ignored",
    }
    assert structured_from_form(typed) == structured_fields(
        date_start=date(2017, 2, 3),
        lat=35.37,
        location_precision=2,
        fatalities_best=4,
        target="civilians",
    )


DAY = {"date_start": "2017-02-03"}


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"date_start": ""}, "date_start", "date_start: a report needs the day it happened"),
        ({"date_start": "3 Feb 2017"}, "date_start", "date_start: '3 Feb 2017' is not a day"),
        (DAY | {"fatalities_best": "three"}, "fatalities_best", "'three' is not a whole number"),
        (DAY | {"fatalities_best": "2.5"}, "fatalities_best", "'2.5' is not a whole number"),
        (DAY | {"lat": "north"}, "lat", "lat: 'north' is not a number"),
    ],
)
def test_what_cannot_be_read_is_refused_with_what_was_typed(
    typed: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message) as refused:
        structured_from_form(typed)
    assert refused.value.field == field


def test_a_correction_is_read_as_the_field_needs() -> None:
    assert correction_value("fatalities_best", " 13 ") == 13
    assert correction_value("fatalities_best", "") is None  # a blank box clears the field
    assert correction_value("date_start", "2017-01-09") == "2017-01-09"
    assert correction_value("location_name", "Saraqib") == "Saraqib"
    with pytest.raises(ValidationFailed, match="'three' is not a whole number") as refused:
        correction_value("fatalities_best", "three")
    assert refused.value.field == "fatalities_best"
    with pytest.raises(ValidationFailed, match="is not a day"):
        correction_value("date_end", "yesterday")
