"""Reference data as users see it: agreements with their zones, members with their keys, and
the ledger's status. The API and the pages read these, never the store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from truce.domain.access import Principal, UseCase, authorize
from truce.domain.agreements import Agreement
from truce.ledger.entries import Checkpoint
from truce.store.uow import UnitOfWork


def agreements(*, uow: UnitOfWork, who: Principal) -> list[Agreement]:
    authorize(who, UseCase.VIEW)
    return uow.agreements.all()


@dataclass(frozen=True)
class AgreementView:
    agreement: Agreement
    layered: list[Agreement]  # the agreement and the amendments that add to it
    zones: dict[str, Any]  # every zone of those, as a GeoJSON FeatureCollection


def agreement_view(*, uow: UnitOfWork, who: Principal, agreement_id: str) -> AgreementView:
    authorize(who, UseCase.VIEW)
    found = uow.agreements.get(agreement_id)
    layered = [a for a in uow.agreements.all() if agreement_id in (a.id, a.amends)]
    return AgreementView(found, layered, _zones(layered))


def zones(*, uow: UnitOfWork, who: Principal, agreement_id: str) -> dict[str, Any]:
    """The agreement's zones (and its amendments'), as a GeoJSON FeatureCollection."""
    return agreement_view(uow=uow, who=who, agreement_id=agreement_id).zones


def _zones(layered: list[Agreement]) -> dict[str, Any]:
    features = [
        {
            "type": "Feature",
            "id": z.id,
            "geometry": z.geometry,
            "properties": {
                "name": z.name,
                "kind": z.kind.value,
                "agreement": a.id,
                "valid_from": z.valid_from.isoformat() if z.valid_from else None,
                "valid_to": z.valid_to.isoformat() if z.valid_to else None,
            },
        }
        for a in layered
        for z in a.zones
    ]
    return {"type": "FeatureCollection", "features": features}


def members(*, uow: UnitOfWork, who: Principal) -> list[dict[str, Any]]:
    """Every member with its public keys (current and retired)."""
    authorize(who, UseCase.VIEW)
    keys = uow.keys.all()
    return [
        m.to_plain() | {"keys": [k.to_plain() for k in keys if k.member == m.id]}
        for m in uow.members.all()
    ]


@dataclass(frozen=True)
class LedgerStatus:
    size: int
    root: str
    checkpoints: list[Checkpoint]
    consistent: bool  # every checkpoint's root is the root of the log's first `size` entries


def ledger_status(*, uow: UnitOfWork, who: Principal) -> LedgerStatus:
    authorize(who, UseCase.READ_LEDGER)
    checkpoints = uow.ledger.checkpoints()
    tree = uow.ledger.tree()
    consistent = all(tree.root(c.size).hex() == c.root for c in checkpoints if c.size <= len(tree))
    return LedgerStatus(len(tree), tree.root().hex(), checkpoints, consistent)


def checkpoints(*, uow: UnitOfWork, who: Principal) -> tuple[int, list[Checkpoint]]:
    """The log's size and its checkpoints, without building the tree."""
    authorize(who, UseCase.READ_LEDGER)
    return uow.ledger.size(), uow.ledger.checkpoints()
