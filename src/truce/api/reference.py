"""Routes for the ledger, agreements and zones, and members."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from truce.api.common import (
    Uow,
    Who,
    now,
)
from truce.domain.access import UseCase, authorize
from truce.services import ledger as ledger_service

# --- ledger ----------------------------------------------------------------------------

ledger_router = APIRouter(tags=["ledger"])


@ledger_router.get("/ledger/checkpoints")
def get_checkpoints(unit: Uow, who: Who) -> dict[str, Any]:
    authorize(who, UseCase.READ_LEDGER)
    return {"size": unit.ledger.size(), "items": [c.to_plain() for c in unit.ledger.checkpoints()]}


@ledger_router.post("/ledger/checkpoints", status_code=201)
def post_checkpoint(unit: Uow, who: Who) -> dict[str, Any]:
    return ledger_service.checkpoint(uow=unit, who=who, now=now()).to_plain()


@ledger_router.get("/ledger/bundle")
def get_bundle(unit: Uow, who: Who) -> Response:
    """The ledger bundle (entries, public keys, checkpoints) as a zip, for `truce ledger verify`."""
    return Response(ledger_service.bundle_zip(uow=unit, who=who), media_type="application/zip",
                    headers={"Content-Disposition": 'attachment; filename="truce-ledger.zip"'})  # fmt: skip


@ledger_router.get("/ledger/proofs/{seq}")
def get_proof(seq: int, unit: Uow, who: Who) -> dict[str, Any]:
    return ledger_service.prove(uow=unit, who=who, seq=seq).to_plain()


# --- agreements, zones, members --------------------------------------------------------

router = APIRouter(tags=["reference"])


@router.get("/agreements")
def get_agreements(unit: Uow, who: Who) -> dict[str, Any]:
    authorize(who, UseCase.VIEW)
    return {"items": [a.to_plain() | {"zones": len(a.zones)} for a in unit.agreements.all()]}


@router.get("/agreements/{agreement_id}/zones")
def get_zones(agreement_id: str, unit: Uow, who: Who) -> dict[str, Any]:
    """The agreement's zones (and its amendments'), as a GeoJSON FeatureCollection."""
    authorize(who, UseCase.VIEW)
    unit.agreements.get(agreement_id)
    features = [
        {"type": "Feature", "id": z.id, "geometry": z.geometry,
         "properties": {"name": z.name, "kind": z.kind.value, "agreement": a.id,
                        "valid_from": z.valid_from.isoformat() if z.valid_from else None,
                        "valid_to": z.valid_to.isoformat() if z.valid_to else None}}
        for a in unit.agreements.all() if a.id == agreement_id or a.amends == agreement_id
        for z in a.zones
    ]  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


@router.get("/members")
def get_members(unit: Uow, who: Who) -> dict[str, Any]:
    authorize(who, UseCase.VIEW)
    keys = unit.keys.all()
    return {"items": [m.to_plain() | {"keys": [k.to_plain() for k in keys if k.member == m.id]}
                      for m in unit.members.all()]}  # fmt: skip
