"""Routes for the ledger, agreements and zones, and members."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from truce.api import models
from truce.api.common import Who
from truce.http.deps import Clock, Uow
from truce.services import ledger as ledger_service
from truce.services import reference

# --- ledger ----------------------------------------------------------------------------

ledger_router = APIRouter(tags=["ledger"])


@ledger_router.get("/ledger/checkpoints")
def get_checkpoints(unit: Uow, who: Who) -> models.Checkpoints:
    """The log's size and its co-signed checkpoints."""
    size, checkpoints = reference.checkpoints(uow=unit, who=who)
    items = [models.Checkpoint.model_validate(c.to_plain()) for c in checkpoints]
    return models.Checkpoints(size=size, items=items)


@ledger_router.post("/ledger/checkpoints", status_code=201)
def post_checkpoint(unit: Uow, who: Who, now: Clock) -> models.Checkpoint:
    """Co-sign a checkpoint of the whole log with every guarantor's key."""
    made = ledger_service.checkpoint(uow=unit, who=who, now=now)
    return models.Checkpoint.model_validate(made.to_plain())


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
