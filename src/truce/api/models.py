"""What the API answers with, as pydantic models, so that its OpenAPI document describes every
output. The domain's records (Incident, Report, Finding, Case, CaseEvent, Member, Agreement)
are reused as they are; the models here wrap them, or describe the few outputs that are not
records. The JSON is the records' `to_plain()` form, field for field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from truce.domain.agreements import Agreement
from truce.domain.cases import Case, CaseEvent, CaseState
from truce.domain.incidents import Finding, FindingCategory, Incident
from truce.domain.members import Member
from truce.domain.reports import Report
from truce.domain.reviews import ReviewStatus


class Out(BaseModel):
    model_config = ConfigDict(frozen=True)


# How an act's ledger entry was signed (`truce.ledger.attestation`): the same words everywhere.
Attestation = Literal["member-signed", "operator-attested", "server-held-key"]
ATTESTATION_HELP = (
    "member-signed: the member's own key signed the act on its machine, and the signature "
    "verifies; operator-attested: done on the server (the browser, a local `--as`), the log "
    "operator signed it for the member; server-held-key: from before members held their keys, "
    "signed with the member's key while the server held it (no more than operator-attested)"
)


# --- reports ---------------------------------------------------------------------------


class Ingested(Out):
    """What a submission stored, and what the refresh after it did."""

    document_id: str
    new_document: bool = Field(description="false when the same bytes were stored before")
    reports: list[str] = Field(description="the IDs of the reports read from it")
    imported: int
    incidents: str | None = Field(description="what fusing and judging them did, if they ran")


class Accepted(Out):
    """A submission stored and still being processed (202): follow `href` for its status."""

    document_id: str
    status: Literal["received"]
    href: str = Field(description="GET it for the status and, once processed, the reports")


class DocumentView(Out):
    """A submitted document's processing status."""

    id: str
    status: Literal["received", "processed", "partly_processed", "failed"]
    status_detail: str | None = Field(description="why it failed, or what processing found")
    received_at: datetime
    reports: list[str] = Field(description="the IDs of the reports read from it, once processed")


class Reports(Out):
    items: list[Report]


class Reviewed(Out):
    status: ReviewStatus
    report: Report


# --- incidents -------------------------------------------------------------------------


class IncidentRow(Out):
    """An incident in a list: its main fields, its current finding and its case."""

    id: str
    date_start: date
    date_end: date
    location_name: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    location_precision: int | None
    event_type: str | None
    sub_event_type: str | None
    fatalities_best: int | None
    reports: int = Field(description="how many reports it was fused from")
    finding: FindingCategory | None
    responsible_side: str | None
    occurrence: str | None = Field(description="the occurrence grade, C0 to C4")
    attribution: str | None
    case_id: str | None
    case_state: CaseState | None


class IncidentPage(Out):
    items: list[IncidentRow]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null: done")


class ViolationCounts(Out):
    """Judged violations in a period, counted by the database."""

    counts: str = Field(description="what is counted, and by which rule")
    agreement: str
    start: date | None
    end: date | None
    by_governorate: dict[str, int]
    by_side: dict[str, int] = Field(description="by the side held responsible")
    total: int


class IncidentDetail(Out):
    """An incident with every field's claims, its reports (as this caller may see them), its
    current finding and its case."""

    incident: Incident
    reports: list[Report]
    finding: Finding | None
    case: Case | None
    case_whole: bool = Field(
        default=False, description="false: only that the case exists and its state are shown"
    )


class Incidents(Out):
    incidents: list[Incident]


# --- cases -----------------------------------------------------------------------------


class CaseView(Case):
    """A case, and whether a reply is overdue now (as `overdue`: the name of Case's method)."""

    overdue_now: bool = Field(serialization_alias="overdue")
    whole: bool = Field(
        description="false: the caller sees only that the case exists and its state, until it "
        "is published (the agreement's case_visibility says who sees an unpublished case whole)"
    )


class Cases(Out):
    items: list[CaseView]


class CaseTimeline(Out):
    case: CaseView
    timeline: list[CaseEvent]


# --- ledger ----------------------------------------------------------------------------


class Cosignature(Out):
    member: str
    key: str = Field(description="the key ID")
    signature: str = Field(description="hex")


class Checkpoint(Out):
    """A co-signed tree head: the log's size and root, when, and each member's signature."""

    size: int
    root: str = Field(description="hex")
    at: str = Field(description="ISO 8601, exactly as signed")
    cosignatures: list[Cosignature]
    proof: list[str] = Field(description="consistency proof from the previous checkpoint, hex")


class Checkpoints(Out):
    size: int = Field(description="entries in the log")
    items: list[Checkpoint]


class Proof(Out):
    """An inclusion proof of entry `seq` in the tree of the first `size` entries."""

    seq: int
    leaf: str = Field(description="hex")
    size: int
    root: str = Field(description="hex")
    path: list[str] = Field(description="hex")
    checkpoint: int | None = Field(description="the checkpoint whose root it leads to, if any")
    attested: Attestation = Field(description=ATTESTATION_HELP)


# --- agreements, zones, members --------------------------------------------------------


class AgreementSummary(Agreement):
    """An agreement as listed: its zones are counted here (`/zones` gives them)."""

    zones: int  # type: ignore[assignment]


class Agreements(Out):
    items: list[AgreementSummary]


class ZoneProperties(Out):
    name: str
    kind: str
    agreement: str = Field(description="the instrument that defines the zone")
    valid_from: date | None
    valid_to: date | None


class ZoneFeature(Out):
    type: Literal["Feature"]
    id: str
    geometry: dict[str, Any] | None = Field(description="a GeoJSON geometry")
    properties: ZoneProperties


class Zones(Out):
    """A GeoJSON FeatureCollection."""

    type: Literal["FeatureCollection"]
    features: list[ZoneFeature]


class MemberKey(Out):
    member: str
    key_id: str
    public: str = Field(description="the Ed25519 public key, hex")
    valid_from: str = Field(description="ISO 8601")
    retired_at: str | None


class MemberView(Member):
    keys: list[MemberKey]


class Members(Out):
    items: list[MemberView]


# --- problem details -------------------------------------------------------------------


class FieldError(Out):
    field: str | None
    message: str


class Problem(Out):
    """An RFC 9457 problem; `errors` names the fields of invalid input."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None
