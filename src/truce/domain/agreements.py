"""Agreements, their zones, and the terms in force on a given day.

Agreements are versioned by layering: a later instrument (the May 2017
de-escalation memorandum) names the agreement it `amends`, and its zones and
clauses apply from its own date on top of the earlier terms.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import pydantic

from truce.domain.access import Role
from truce.domain.base import Record
from truce.domain.vocab import SUB_EVENT_TO_EVENT


class ZoneKind(StrEnum):
    COUNTRY = "country"
    GOVERNORATE = "governorate"
    DE_ESCALATION = "de_escalation"
    OTHER = "other"


class Zone(Record):
    """A named area with validity dates: a polygon, a set of admin areas, or both."""

    id: str = pydantic.Field(min_length=1)
    name: str
    kind: ZoneKind
    pcode: str | None = None
    iso3166_2: str | None = None
    aliases: tuple[str, ...] = ()
    admin1: tuple[str, ...] = ()
    centroid: tuple[float, float] | None = None  # (lon, lat)
    valid_from: date | None = None
    valid_to: date | None = None
    geometry: dict[str, Any] | None = None  # GeoJSON Polygon or MultiPolygon
    note: str | None = None

    @pydantic.model_validator(mode="after")
    def _check(self) -> Zone:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to: {self.valid_to} is before valid_from {self.valid_from}")
        if self.geometry is not None:
            kind = self.geometry.get("type")
            if kind not in ("Polygon", "MultiPolygon"):
                raise ValueError(f"geometry: a zone needs a Polygon or MultiPolygon, not {kind!r}")
        if self.centroid is not None:
            lon, lat = self.centroid
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise ValueError("centroid: must be (lon, lat) within WGS 84 bounds")
        return self

    def active_on(self, day: date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)


class Party(Record):
    side: str = pydantic.Field(min_length=1)
    name: str
    member_id: str | None = None


class Guarantor(Record):
    member_id: str = pydantic.Field(min_length=1)
    answers_for: tuple[str, ...]


class ExcludedGroup(Record):
    """A group the truce does not cover, from when to when, and whether that is disputed."""

    actor_id: str
    valid_from: date | None = None
    valid_to: date | None = None
    disputed: bool = False
    note: str | None = None

    def applies_on(self, day: date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)


class Clause(Record):
    ref: str = pydantic.Field(min_length=1)
    text: str
    valid_from: date | None = None
    valid_to: date | None = None


class ProhibitedAct(Record):
    """An act the agreement forbids, mapped to an ACLED sub-event type."""

    clause: str
    sub_event_type: str
    note: str | None = None

    @pydantic.field_validator("sub_event_type")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in SUB_EVENT_TO_EVENT:
            raise ValueError(f"unknown ACLED sub-event type {value!r}")
        return value


class SignOffRule(StrEnum):
    UNANIMOUS = "unanimous"
    QUORUM = "quorum"


class LiaisonSight(StrEnum):
    """Which unpublished cases a party's liaison sees whole."""

    OWN_SIDE = "own_side"  # the cases that accuse its own side, which it must answer
    ALL = "all"
    NONE = "none"


# Those who act on a case, and those the mechanism answers to, see it whole by default.
WHOLE_CASE_ROLES = (Role.ADMINISTRATOR, Role.ANALYST, Role.GUARANTOR, Role.OBSERVER)


class CaseVisibility(Record):
    """Who sees the whole of a case (replies, counter-claims, ballots, dissent, reasons) before
    it is published. Everyone else sees that the case exists and its state; once published, the
    case is public. A liaison does not see the cases its side reported by default: an incident
    gathers reports from many sources, and a report is easy to add, so "reported by" would open
    any case to any party."""

    whole: tuple[Role, ...] = WHOLE_CASE_ROLES
    liaisons: LiaisonSight = LiaisonSight.OWN_SIDE

    @pydantic.model_validator(mode="after")
    def _check(self) -> CaseVisibility:
        missing = {Role.ANALYST, Role.GUARANTOR} - set(self.whole)
        if missing:
            raise ValueError(
                f"whole: the roles that act on a case must see it whole; add "
                f"{', '.join(sorted(r.value for r in missing))}"
            )
        return self


class MemberSignatures(StrEnum):
    """Whether replies and joint-review votes must be signed by the member's own key, on the
    member's machine (`required`), or may also be done on the server, which then signs them for
    the member and marks them operator-attested (`optional`)."""

    REQUIRED = "required"
    OPTIONAL = "optional"


class WitnessPolicy(Record):
    """Who witnesses the log's checkpoints, and how many cosignatures make one count as
    co-signed. Empty `witnesses`: every guarantor; no `quorum`: every witness."""

    witnesses: tuple[str, ...] = ()
    quorum: int | None = pydantic.Field(default=None, ge=1)


class Agreement(Record):
    id: str = pydantic.Field(min_length=1)
    title: str
    text_ref: str | None = None
    amends: str | None = None  # the earlier agreement this instrument layers onto
    in_force_from: pydantic.AwareDatetime
    in_force_to: pydantic.AwareDatetime | None = None
    timezone: str = "UTC"
    parties: tuple[Party, ...] = ()
    guarantors: tuple[Guarantor, ...] = ()
    observers: tuple[str, ...] = ()
    chair: str | None = None
    excluded: tuple[ExcludedGroup, ...] = ()
    prohibited: tuple[ProhibitedAct, ...] = ()
    obligations: tuple[Clause, ...] = ()
    clauses: tuple[Clause, ...] = ()
    zones: tuple[Zone, ...] = ()
    reply_deadline_hours: int = pydantic.Field(default=72, gt=0)
    sign_off: SignOffRule = SignOffRule.UNANIMOUS
    quorum: int | None = pydantic.Field(default=None, ge=1)
    case_visibility: CaseVisibility = CaseVisibility()
    # How many requests to reopen a party may make per case (analysts and guarantors reopen
    # without asking).
    reopen_requests_per_case: int = pydantic.Field(default=2, ge=0, le=100)
    witness_policy: WitnessPolicy = WitnessPolicy()
    member_signatures: MemberSignatures = MemberSignatures.OPTIONAL

    @pydantic.model_validator(mode="after")
    def _check(self) -> Agreement:
        if self.in_force_to is not None and self.in_force_to < self.in_force_from:
            raise ValueError("in_force_to: ends before it starts")
        if self.sign_off is SignOffRule.QUORUM and self.quorum is None:
            raise ValueError("quorum: a quorum rule needs a quorum size")
        if self.quorum is not None and self.guarantors and self.quorum > len(self.guarantors):
            raise ValueError(
                f"quorum: {self.quorum} of only {len(self.guarantors)} guarantors "
                "can never be reached"
            )
        witnesses, quorum = self.witnesses, self.witness_policy.quorum
        if quorum is not None and quorum > len(witnesses):
            raise ValueError(
                f"witness_policy: a quorum of {quorum} of only {len(witnesses)} witnesses "
                "can never be reached"
            )
        sides = {p.side for p in self.parties}
        for guarantor in self.guarantors:
            unknown = set(guarantor.answers_for) - sides
            if unknown:
                raise ValueError(
                    f"guarantors: {guarantor.member_id} answers for unknown side(s) "
                    f"{sorted(unknown)}; parties are {sorted(sides)}"
                )
        return self

    def in_force_at(self, moment: datetime) -> bool:
        if moment < self.in_force_from:
            return False
        return not (self.in_force_to is not None and moment >= self.in_force_to)

    @property
    def witnesses(self) -> tuple[str, ...]:
        """The members whose cosignatures count for this agreement's checkpoints."""
        named = self.witness_policy.witnesses
        return named if named else tuple(g.member_id for g in self.guarantors)

    @property
    def witness_quorum(self) -> int:
        """How many of the witnesses must co-sign a checkpoint for it to count."""
        return self.witness_policy.quorum or len(self.witnesses)

    @property
    def sides(self) -> tuple[str, ...]:
        return tuple(p.side for p in self.parties)

    def guarantors_for(self, side: str) -> tuple[str, ...]:
        return tuple(g.member_id for g in self.guarantors if side in g.answers_for)

    def side_of(self, member_id: str) -> str | None:
        """The side a party member is, or None for a member that is no party."""
        return next((p.side for p in self.parties if p.member_id == member_id), None)


class Terms(Record):
    """What an agreement and its amendments require on one day."""

    instruments: tuple[str, ...]
    zones: tuple[Zone, ...]
    clauses: tuple[Clause, ...]
    prohibited: tuple[ProhibitedAct, ...]


def terms_on(agreements: Iterable[Agreement], base_id: str, day: date) -> Terms:
    """The zones, clauses and prohibited acts of `base_id` and its amendments on `day`."""
    chain = sorted(
        (
            a
            for a in agreements
            if (a.id == base_id or a.amends == base_id) and a.in_force_from.date() <= day
        ),
        key=lambda a: a.in_force_from,
    )
    return Terms(
        instruments=tuple(a.id for a in chain),
        zones=tuple(z for a in chain for z in a.zones if z.active_on(day)),
        clauses=tuple(
            c
            for a in chain
            for c in a.clauses
            if (c.valid_from is None or c.valid_from <= day)
            and (c.valid_to is None or day <= c.valid_to)
        ),
        prohibited=tuple(p for a in chain for p in a.prohibited),
    )
