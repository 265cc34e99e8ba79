"""Routes for the ledger, agreements and zones, and members."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from truce.api import models
from truce.api.common import Who
from truce.http.deps import Clock, Uow, state_of
from truce.ledger.checkpoints import Issued, Quorum, hashes_b64
from truce.services import ledger as ledger_service
from truce.services import reference, witnessing

# --- ledger ----------------------------------------------------------------------------

ledger_router = APIRouter(tags=["ledger"])


class Cosigned(models.Out):
    """A witness's cosignature of a checkpoint, checked against its registered key."""

    witness: str
    key_hash: str = Field(description="the C2SP key hash of the witness's key, hex")
    signed_at: str = Field(description="the time the witness put in its cosignature, ISO 8601")
    received_at: str = Field(description="when the server received it, ISO 8601")


class CheckpointNote(models.Out):
    """A C2SP checkpoint: signed by the log operator, cosigned by witnesses."""

    size: int
    root: str = Field(description="hex")
    origin: str = Field(description="the log's name, the checkpoint's first line")
    created_at: str = Field(description="ISO 8601")
    note: str = Field(description="the C2SP signed note, with every cosignature received")
    cosignatures: list[Cosigned]
    cosigned: bool = Field(description="the witness policy's quorum has cosigned it")


class WitnessedCheckpoints(models.Checkpoints):
    """The log's size, its old co-signed checkpoints (`items`), and its C2SP checkpoints."""

    notes: list[CheckpointNote]
    witnesses: list[str] = Field(description="whose cosignatures count")
    quorum: int = Field(description="how many of them make a checkpoint count as cosigned")


class Consistency(models.Out):
    old: int
    new: int
    proof: list[str] = Field(description="RFC 9162 consistency proof, base64 hashes")


class CosignatureIn(BaseModel):
    checkpoint: str = Field(
        description="the checkpoint note the witness checked", max_length=20_000
    )
    cosignature: str = Field(description="its C2SP cosignature line", max_length=1_000)


class CosignatureOut(models.Out):
    size: int
    cosignature: Cosigned
    cosigned: bool = Field(description="the checkpoint now meets the witness policy")


def _note(issued: Issued, quorum: Quorum) -> CheckpointNote:
    return CheckpointNote.model_validate(issued.to_plain(quorum))


@ledger_router.get("/ledger/checkpoints")
def get_checkpoints(unit: Uow, who: Who) -> WitnessedCheckpoints:
    """The log's size, its checkpoints, and which witnesses cosigned each and when."""
    size, checkpoints = reference.checkpoints(uow=unit, who=who)
    items = [models.Checkpoint.model_validate(c.to_plain()) for c in checkpoints]
    seen = witnessing.witnessed(uow=unit, who=who)
    return WitnessedCheckpoints(
        size=size,
        items=items,
        notes=[_note(n, seen.quorum) for n in seen.checkpoints],
        witnesses=list(seen.quorum.witnesses),
        quorum=seen.quorum.needed,
    )


@ledger_router.post("/ledger/checkpoints", status_code=201)
def post_checkpoint(request: Request, unit: Uow, who: Who, now: Clock) -> CheckpointNote:
    """Issue a C2SP checkpoint of the whole log, signed by the log operator."""
    origin = state_of(request).settings.log_origin
    made = ledger_service.checkpoint(uow=unit, who=who, now=now, origin=origin)
    return _note(made, witnessing.quorum(unit))


@ledger_router.get(
    "/ledger/checkpoint",
    response_class=PlainTextResponse,
    responses={
        200: {
            "content": {"text/plain": {"schema": {"type": "string"}}},
            "description": "a C2SP signed note",
        }
    },
)
def get_checkpoint(unit: Uow, who: Who) -> PlainTextResponse:
    """The newest checkpoint as a C2SP signed note: the operator's signature and the
    witnesses' cosignatures so far."""
    newest = witnessing.latest(uow=unit, who=who)
    return PlainTextResponse(newest.signed_note())


@ledger_router.get("/ledger/consistency")
def get_consistency(
    unit: Uow, who: Who, old: Annotated[int, Query(ge=0)], new: Annotated[int, Query(ge=0)]
) -> Consistency:
    """The consistency proof from the log's first `old` entries to its first `new`."""
    proof = witnessing.consistency(uow=unit, who=who, old=old, new=new)
    return Consistency(old=old, new=new, proof=hashes_b64(proof))


@ledger_router.post("/ledger/cosignatures", status_code=201)
def post_cosignature(body: CosignatureIn, unit: Uow, who: Who, now: Clock) -> CosignatureOut:
    """A witness's cosignature of a checkpoint the log issued (the witness's own users only;
    it must verify with the witness's registered key)."""
    received = witnessing.cosign(
        uow=unit, who=who, checkpoint=body.checkpoint, cosignature=body.cosignature, now=now
    )
    return CosignatureOut(
        size=received.size,
        cosignature=Cosigned.model_validate(received.cosigned.to_plain()),
        cosigned=received.counts,
    )


ZIP: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "a zip of the folder `truce-ledger/`",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@ledger_router.get("/ledger/bundle", response_class=Response, responses=ZIP)
def get_bundle(unit: Uow, who: Who) -> Response:
    """The ledger bundle (entries, public keys, checkpoints) as a zip, for `truce ledger verify`."""
    return Response(
        ledger_service.bundle_zip(uow=unit, who=who),
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="truce-ledger.zip"'},
    )


@ledger_router.get("/ledger/proofs/{seq}")
def get_proof(seq: int, unit: Uow, who: Who) -> models.Proof:
    """An inclusion proof of ledger entry `seq`, to the first checkpoint that covers it."""
    return models.Proof.model_validate(ledger_service.prove(uow=unit, who=who, seq=seq).to_plain())


# --- agreements, zones, members --------------------------------------------------------

router = APIRouter(tags=["reference"])


@router.get("/agreements")
def get_agreements(unit: Uow, who: Who) -> models.Agreements:
    """Every agreement and amendment, with how many zones each defines."""
    items = [
        models.AgreementSummary(**{**dict(a), "zones": len(a.zones)})
        for a in reference.agreements(uow=unit, who=who)
    ]
    return models.Agreements(items=items)


@router.get("/agreements/{agreement_id}/zones")
def get_zones(agreement_id: str, unit: Uow, who: Who) -> models.Zones:
    """The agreement's zones (and its amendments'), as a GeoJSON FeatureCollection."""
    return models.Zones.model_validate(
        reference.zones(uow=unit, who=who, agreement_id=agreement_id)
    )


@router.get("/members")
def get_members(unit: Uow, who: Who) -> models.Members:
    """The mechanism's members, each with its public keys (current and retired)."""
    items = [models.MemberView.model_validate(m) for m in reference.members(uow=unit, who=who)]
    return models.Members(items=items)
