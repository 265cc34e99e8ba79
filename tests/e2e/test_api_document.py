"""The API's OpenAPI document describes what every operation answers, not only what it takes:
a named response schema for each 2xx JSON response, and problem details for each refusal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine

from truce.app import create_app
from truce.config import Settings

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@pytest.fixture(scope="module")
def document() -> Iterator[dict[str, Any]]:
    engine = create_engine("sqlite://")  # never opened: the document needs no store
    yield create_app(Settings(database_url="sqlite://"), engine=engine).openapi()
    engine.dispose()


def operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        *_, name = schema["$ref"].split("/")
        schema = document["components"]["schemas"][name]
    return schema


def test_every_2xx_json_response_has_a_named_schema_with_its_fields(
    document: dict[str, Any],
) -> None:
    missing, checked = [], 0
    for name, operation in operations(document):
        successes = {c: r for c, r in operation["responses"].items() if c.startswith("2")}
        assert successes, f"{name} documents no success"
        for code, response in successes.items():
            content = response.get("content", {})
            assert content, f"{name} {code} documents no body"
            for media_type, media in content.items():
                schema = media.get("schema") or {}
                if not schema:
                    missing.append(f"{name} {code} {media_type}: no schema")
                    continue
                if media_type != "application/json":
                    continue  # exports and the bundle: files in formats of their own
                checked += 1
                if "$ref" not in schema:
                    missing.append(f"{name} {code}: an unnamed schema {schema}")
                    continue
                resolved = _resolve(document, schema)
                if resolved.get("type") != "object" or not resolved.get("properties"):
                    missing.append(f"{name} {code}: {schema['$ref']} has no fields")
    assert not missing, "\n".join(missing)
    assert checked >= 25


def test_every_refusal_is_documented_as_problem_details(document: dict[str, Any]) -> None:
    for name, operation in operations(document):
        refusals = {c: r for c, r in operation["responses"].items() if c.startswith("4")}
        assert set(refusals) == {"4XX"}, f"{name}: {sorted(refusals)}"
        (media_type,) = refusals["4XX"]["content"]
        assert media_type == "application/problem+json"
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem["required"])
    assert "errors" in problem["properties"]
