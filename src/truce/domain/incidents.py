"""Incidents (fused reports), findings against an agreement, and cases."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import pydantic

from truce.domain.base import Record
from truce.domain.vocab import DatePrecision


class FieldClaim(Record):
    """One value a field takes, and the reports that claim it. Conflicts keep several."""

    value: str | int | float | bool | None
    report_ids: tuple[str, ...]


class Incident(Record):
    """A cluster of reports about one event, with consolidated fields traced to reports."""

    id: str = pydantic.Field(min_length=1)
    report_ids: tuple[str, ...] = pydantic.Field(min_length=1)
    former_ids: tuple[str, ...] = ()
    date_start: date
    date_end: date
    date_precision: DatePrecision
    location_name: str | None = None
    admin1: str | None = None
    lat: float | None = pydantic.Field(default=None, ge=-90, le=90)
    lon: float | None = pydantic.Field(default=None, ge=-180, le=180)
    location_precision: int | None = pydantic.Field(default=None, ge=1, le=7)
    event_type: str | None = None
    sub_event_type: str | None = None
    fatalities_low: int | None = pydantic.Field(default=None, ge=0)
    fatalities_best: int | None = pydantic.Field(default=None, ge=0)
    fatalities_high: int | None = pydantic.Field(default=None, ge=0)
    claims: dict[str, tuple[FieldClaim, ...]] = pydantic.Field(default_factory=dict)

    @pydantic.model_validator(mode="after")
    def _check(self) -> Incident:
        if self.date_end < self.date_start:
            raise ValueError(f"date_end: {self.date_end} is before date_start {self.date_start}")
        low, high = self.fatalities_low, self.fatalities_high
        if low is not None and high is not None and low > high:
            raise ValueError(f"fatalities_low: {low} is above fatalities_high {high}")
        return self


class FindingCategory(StrEnum):
    NOT_AN_INCIDENT = "not_an_incident"
    NOT_A_VIOLATION = "not_a_violation"
    VIOLATION_MINOR = "violation_minor"
    VIOLATION_SERIOUS = "violation_serious"
    EXCLUDED_TARGET = "excluded_target"
    CONTESTED_EXCLUSION = "contested_exclusion"
    UNDETERMINED = "undetermined"


class OccurrenceGrade(StrEnum):
    CONFIRMED = "C4"
    CORROBORATED = "C3"
    SINGLE_SOURCE = "C2"
    CONTESTED = "C1"
    DISCOUNTED = "C0"


class AttributionGrade(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    LIKELY = "likely"
    SUSPECTED = "suspected"
    UNDETERMINED = "undetermined"
    CONTESTED = "contested"


class Finding(Record):
    """The assessment of an incident against an agreement, with its reasons."""

    incident_id: str
    agreement_id: str
    category: FindingCategory
    clauses: tuple[str, ...] = ()
    responsible_side: str | None = None
    occurrence: OccurrenceGrade
    attribution: AttributionGrade
    reasons: tuple[str, ...] = pydantic.Field(min_length=1)
    assessed_at: pydantic.AwareDatetime
