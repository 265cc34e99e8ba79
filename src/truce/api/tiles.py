"""The ledger as C2SP tlog-tiles (https://c2sp.org/tlog-tiles) under /api/ledger/tiles: the
prefix a mirror (`truce ledger mirror`) or any tlog-tiles client is given.

- `checkpoint`: the newest checkpoint, a signed note (text/plain, not cached);
- `tile/<L>/<N>[.p/<W>]`: a tile of hashes; `tile/entries/<N>[.p/<W>]`: an entry bundle
  (application/octet-stream; full ones cached for good, partial ones not);
- `bundle.json`: the ledger bundle's other files (members' public keys, checkpoints, manifest),
  which tlog-tiles does not carry, so that a mirror can be checked by `truce ledger verify`.

Read like the bundle download: any member's token, not the public.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import ConfigDict, Field

from truce.api import models
from truce.api.common import Who
from truce.http.deps import Uow, state_of
from truce.services import tiles

router = APIRouter(tags=["ledger"])

IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
OCTETS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "a tile (32-byte hashes) or an entry bundle (uint16-prefixed entries)",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get(
    "/ledger/tiles/checkpoint",
    response_class=PlainTextResponse,
    responses={
        200: {
            "content": {"text/plain": {"schema": {"type": "string"}}},
            "description": "a C2SP signed note",
        }
    },
)
def get_tiles_checkpoint(unit: Uow, who: Who) -> PlainTextResponse:
    """The newest checkpoint (as /api/ledger/checkpoint): the root the tiles must give."""
    return PlainTextResponse(
        tiles.checkpoint(uow=unit, who=who), headers={"Cache-Control": NO_CACHE}
    )


@router.get("/ledger/tiles/tile/entries/{path:path}", response_class=Response, responses=OCTETS)
def get_entry_bundle(path: str, unit: Uow, who: Who) -> Response:
    """Entry bundle `<N>[.p/<W>]`: the signed lines whose leaf hashes are level-0 tile N."""
    return _tile(f"tile/entries/{path}", unit, who)


@router.get("/ledger/tiles/tile/{path:path}", response_class=Response, responses=OCTETS)
def get_tile(path: str, unit: Uow, who: Who) -> Response:
    """Tile `<L>/<N>[.p/<W>]` of the log's Merkle tree: 400 for a path that is not canonical,
    404 for a tile beyond the tree."""
    return _tile(f"tile/{path}", unit, who)


class BundleParts(models.Out):
    """The files of a ledger bundle other than entries.jsonl, each under its file name."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    keys: list[dict[str, Any]] = Field(
        alias="keys.json", description="every member's public keys with their validity"
    )
    checkpoints: list[dict[str, Any]] = Field(
        alias="checkpoints.json", description="the co-signed checkpoints from before C2SP"
    )
    notes: list[str] = Field(
        alias="checkpoints.c2sp.json", description="the C2SP checkpoints, as signed notes"
    )
    manifest: dict[str, Any] = Field(
        alias="manifest.json", description="the log's origin, operator key and witness policy"
    )


@router.get("/ledger/tiles/bundle.json", response_model_by_alias=True)
def get_bundle_parts(request: Request, response: Response, unit: Uow, who: Who) -> BundleParts:
    """The bundle's files but its entries, by name (keys.json, checkpoints.json,
    checkpoints.c2sp.json, manifest.json): what tlog-tiles does not carry."""
    origin = state_of(request).settings.log_origin
    response.headers["Cache-Control"] = NO_CACHE
    return BundleParts.model_validate(tiles.bundle_parts(uow=unit, who=who, origin=origin))


def _tile(path: str, unit: Uow, who: Who) -> Response:
    served = tiles.tile(uow=unit, who=who, path=path)
    return Response(
        served.content,
        media_type="application/octet-stream",
        headers={"Cache-Control": IMMUTABLE if served.immutable else NO_CACHE},
    )
