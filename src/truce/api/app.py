"""The REST API (FastAPI, OpenAPI 3.1) at /api. Routes are thin: they read the request, find
the acting principal from its bearer token (none: the public), and call the same service
functions as the CLI, which check authorization. Every route declares its response model, so
the OpenAPI document describes outputs as well as inputs. Errors are RFC 9457 problem details.

`truce.app` mounts these routers beside the pages."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from truce.api import cases, documents, incidents, reference, reports, tiles, tokens
from truce.api.common import PROBLEM
from truce.api.models import Problem

PREFIX = "/api"
DESCRIPTION = __doc__ or ""

routers: tuple[APIRouter, ...] = (
    reports.router,
    documents.router,
    incidents.router,
    cases.router,
    reference.ledger_router,
    tiles.router,
    reference.router,
    tokens.router,
)

# Every refusal is a problem: 400, 401, 403, 404, 409, 413 or 422 (with `errors`).
ERRORS: dict[int | str, dict[str, Any]] = {
    "4XX": {
        "description": "A problem (RFC 9457): refused, not found, or invalid input",
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
}


def with_problems(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with the Problem schema that `ERRORS` refers to."""
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(schema.pop("$defs", {}))
    schemas["Problem"] = schema
    return document
