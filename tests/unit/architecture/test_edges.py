"""The edges (CLI, API, pages, the shared HTTP module, the app) hand a unit of work to use
cases and never read a repository themselves: every query lives in the services."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from truce.store.uow import UnitOfWork

SRC = Path(__file__).resolve().parents[3] / "src" / "truce"
EDGES = [SRC / "cli", SRC / "api", SRC / "web", SRC / "http", SRC / "app.py"]
REPOSITORIES = frozenset(UnitOfWork.__annotations__)


def _edge_modules() -> list[Path]:
    out: list[Path] = []
    for place in EDGES:
        out += [place] if place.is_file() else sorted(place.rglob("*.py"))
    return out


def repository_reads(source: str) -> list[str]:
    """`x.<repository>` attribute reads in a module, e.g. `uow.incidents`, `unit.cases`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in REPOSITORIES:
            base = node.value
            if isinstance(base, ast.Name) and base.id in {"uow", "unit", "u", "work"}:
                found.append(f"line {node.lineno}: {base.id}.{node.attr}")
    return found


def test_the_unit_of_work_names_its_repositories() -> None:
    assert {"incidents", "reports", "cases", "ledger", "users", "sources"} <= REPOSITORIES


def test_the_check_finds_a_repository_read() -> None:
    assert repository_reads("def f(uow):\n    return uow.incidents.all()\n") == [
        "line 2: uow.incidents"
    ]
    assert repository_reads("def f(uow):\n    return services.fuse(uow=uow)\n") == []


@pytest.mark.parametrize("module", _edge_modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_edge_module_reads_a_repository(module: Path) -> None:
    assert repository_reads(module.read_text()) == []
