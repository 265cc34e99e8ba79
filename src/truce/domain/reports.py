"""A report: one source's claim about one event, in SCHEMA.md's canonical fields."""

from __future__ import annotations

from datetime import date
from typing import Any

import pydantic

from truce.domain.actors import ActorFamily
from truce.domain.base import Record
from truce.domain.canonical import content_id
from truce.domain.vocab import (
    ACLED_EVENT_TYPES,
    EARLIEST_YEAR,
    LATEST_YEAR,
    MAX_COUNT_PER_EVENT,
    MAX_ISO_NUMERIC,
    PERPETRATOR_ROLES,
    PLOVER_CATEGORIES,
    SUB_EVENT_TO_EVENT,
    TARGET_ROLES,
    ActorRoleKind,
    DatePrecision,
)


class Span(Record):
    """Where in a text a field's value came from: [start, end) character offsets into the
    report's `notes`, and how sure the extractor was of the value (0 to 1)."""

    start: int = pydantic.Field(ge=0)
    end: int = pydantic.Field(ge=0)
    confidence: float | None = pydantic.Field(default=None, ge=0, le=1)

    @pydantic.model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"end: span end {self.end} is before start {self.start}")
        return self


class ActorRole(Record):
    """An actor as named by the source, with its role in the event."""

    name: str = pydantic.Field(min_length=1)
    role: ActorRoleKind
    actor_id: str | None = None  # the registry actor, once resolved
    inter: int | None = pydantic.Field(default=None, ge=0, le=8)  # ACLED inter code
    side: str | None = None
    ucdp_id: str | None = None
    family: ActorFamily | None = None  # the actor's family, in any period (domain/actors.py)


class SourceRef(Record):
    """Who published the claim. `citation` and `original` keep UCDP's source texts."""

    name: str
    url: str | None = None
    publisher: str | None = None
    published: str | None = None
    headline: str | None = None
    language: str | None = None
    citation: str | None = None
    original: str | None = None


class Provenance(Record):
    """Where an imported record came from, and the fields of its layout Truce does not model."""

    dataset: str | None = None  # "ACLED", "UCDP GED", "PLOVER", ...
    dataset_id: str | None = None
    dataset_version: str | None = None
    extras: dict[str, str] = pydantic.Field(default_factory=dict)


class Report(Record):
    """One source's claim about one event."""

    id: str = ""
    document_id: str | None = None
    # dates
    date_start: date
    date_end: date
    date_precision: DatePrecision = DatePrecision.DAY
    # place
    location_name: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    country: str | None = None
    country_iso: int | None = pydantic.Field(default=None, ge=0, le=MAX_ISO_NUMERIC)
    region: str | None = None
    lat: float | None = pydantic.Field(default=None, ge=-90, le=90)
    lon: float | None = pydantic.Field(default=None, ge=-180, le=180)
    location_precision: int | None = pydantic.Field(default=None, ge=1, le=7)
    # actors and event
    actors: tuple[ActorRole, ...] = ()
    event_type: str | None = None
    sub_event_type: str | None = None
    disorder_type: str | None = None
    civilian_targeting: bool = False
    plover_event: str | None = None
    plover_mode: str | None = None
    plover_context: tuple[str, ...] = ()
    cameo_code: str | None = None
    weapons: tuple[str, ...] = ()
    # casualties, each bounded by vocab.MAX_COUNT_PER_EVENT (why: see there)
    fatalities_low: int | None = pydantic.Field(default=None, ge=0, le=MAX_COUNT_PER_EVENT)
    fatalities_best: int | None = pydantic.Field(default=None, ge=0, le=MAX_COUNT_PER_EVENT)
    fatalities_high: int | None = pydantic.Field(default=None, ge=0, le=MAX_COUNT_PER_EVENT)
    deaths_a: int | None = pydantic.Field(default=None, ge=0, le=MAX_COUNT_PER_EVENT)
    deaths_b: int | None = pydantic.Field(default=None, ge=0, le=MAX_COUNT_PER_EVENT)
    deaths_civilians: int | None = pydantic.Field(default=None, ge=0, le=MAX_COUNT_PER_EVENT)
    deaths_unknown: int | None = pydantic.Field(default=None, ge=0, le=MAX_COUNT_PER_EVENT)
    injured: int | None = pydantic.Field(default=None, ge=0, le=MAX_COUNT_PER_EVENT)
    arrested: int | None = pydantic.Field(default=None, ge=0, le=MAX_COUNT_PER_EVENT)
    # sources and text
    sources: tuple[SourceRef, ...] = ()
    source_scale: str | None = None
    attribution: str | None = None  # the source quoted in the text
    notes: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    spans: dict[str, Span] = pydantic.Field(default_factory=dict)
    provenance: Provenance = pydantic.Field(default_factory=Provenance)

    @pydantic.field_validator("date_start", "date_end")
    @classmethod
    def _plausible_year(cls, day: date) -> date:
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise ValueError(f"the year {day.year} is outside {EARLIEST_YEAR}-{LATEST_YEAR}")
        return day

    @pydantic.model_validator(mode="after")
    def _consistent(self) -> Report:
        if self.date_end < self.date_start:
            raise ValueError(f"date_end: {self.date_end} is before date_start {self.date_start}")
        if self.date_precision is DatePrecision.DAY and self.date_end != self.date_start:
            raise ValueError("date_end: a day-precision date must end on the day it starts")
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat: latitude and longitude come together or not at all")
        low, high = self.fatalities_low, self.fatalities_high
        if low is not None and high is not None and low > high:
            raise ValueError(f"fatalities_low: {low} is above fatalities_high {high}")
        if self.event_type is not None and self.event_type not in ACLED_EVENT_TYPES:
            raise ValueError(f"event_type: unknown ACLED event type {self.event_type!r}")
        if self.sub_event_type is not None:
            parent = SUB_EVENT_TO_EVENT.get(self.sub_event_type)
            if parent is None:
                raise ValueError(f"sub_event_type: unknown sub-event type {self.sub_event_type!r}")
            if self.event_type is not None and parent != self.event_type:
                raise ValueError(
                    f"sub_event_type: {self.sub_event_type!r} belongs to {parent!r}, "
                    f"not {self.event_type!r}"
                )
        if self.plover_event is not None and self.plover_event not in PLOVER_CATEGORIES:
            raise ValueError(f"plover_event: unknown PLOVER category {self.plover_event!r}")
        return self

    def with_content_id(self) -> Report:
        """This report with its ID set from its content (the ID itself excluded)."""
        # Not `evolve`: the ID is derived from content that was checked when this report was
        # built, so checking it all again would only cost time, for every report imported.
        return self.model_copy(update={"id": report_content_id(self)})

    def actors_in(self, *roles: ActorRoleKind) -> tuple[ActorRole, ...]:
        return tuple(a for a in self.actors if a.role in roles)

    def first_actor(self, role: ActorRoleKind) -> ActorRole | None:
        found = self.actors_in(role)
        return found[0] if found else None

    def perpetrator(self) -> ActorRole | None:
        """The first actor the report says acted."""
        return next(iter(self.actors_in(*PERPETRATOR_ROLES)), None)

    def target(self) -> ActorRole | None:
        """The first actor the report says was acted on."""
        return next(iter(self.actors_in(*TARGET_ROLES)), None)

    def best_fatalities(self) -> int | None:
        """The figure to show when one number is wanted: best, else low, else high."""
        for value in (self.fatalities_best, self.fatalities_low, self.fatalities_high):
            if value is not None:
                return value
        return None

    def fatality_warnings(self) -> list[str]:
        """Figures that are possible but suspicious. UCDP rows break this ~1% of the time."""
        low, best, high = self.fatalities_low, self.fatalities_best, self.fatalities_high
        warnings = []
        if best is not None and low is not None and best < low:
            warnings.append(f"fatalities_best {best} is below fatalities_low {low}")
        if best is not None and high is not None and best > high:
            warnings.append(f"fatalities_best {best} is above fatalities_high {high}")
        return warnings


def report_content_id(report: Report) -> str:
    """Hash of the report's content. Fields left at their defaults are omitted, so
    adding a new optional field to Report later leaves existing IDs unchanged."""
    body: dict[str, Any] = report.model_dump(mode="json", exclude_defaults=True)
    body.pop("id", None)
    body.pop("document_id", None)
    return content_id("rep", body)
