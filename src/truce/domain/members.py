"""Members of the mechanism and the sources that report to it."""

from __future__ import annotations

from enum import StrEnum

import pydantic

from truce.domain.base import Record


class MemberKind(StrEnum):
    GUARANTOR = "guarantor"
    PARTY = "party"
    CHAIR = "chair"
    OBSERVER = "observer"


class Member(Record):
    """A body in the mechanism: a guarantor, a party, the chair or an observer."""

    id: str = pydantic.Field(min_length=1)
    name: str
    kind: MemberKind
    answers_for: tuple[str, ...] = ()  # sides a guarantor is answerable for
    side: str | None = None  # for parties: the side they are


class SourceKind(StrEnum):
    PARTY = "party"
    NATIONAL_CENTRE = "national_centre"
    MONITOR = "monitor"
    NEWS = "news"
    NGO = "ngo"
    WITNESS = "witness"
    DATASET = "dataset"


class Source(Record):
    """Who reports: its affiliation, its Admiralty reliability grade, and whether it is
    protected."""

    id: str = pydantic.Field(min_length=1)
    name: str
    kind: SourceKind
    affiliation: str | None = None  # the side it belongs to, if any
    reliability: str = pydantic.Field(default="F", pattern="^[A-F]$")
    confidential: bool = False
