"""The docs' generated sections match the code: `python -m truce.docgen --check`, in-process."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import click
import pytest

from truce import docgen

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def bodies() -> dict[str, str]:
    return docgen.generate(ROOT)


@pytest.fixture
def copy(tmp_path: Path, bodies: dict[str, str]) -> Path:
    """A current copy of the docs with generated regions, whatever state the real ones are in."""
    for doc in {region.doc for region in docgen.REGIONS}:
        (tmp_path / doc).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / doc, tmp_path / doc)
    _, broken = docgen.write(tmp_path, bodies)
    assert not broken, broken
    return tmp_path


def test_the_generated_docs_are_current(bodies: dict[str, str]) -> None:
    problems = docgen.check(ROOT, bodies)
    assert not problems, docgen.stale_report(problems)


def test_every_region_is_generated_and_has_content(bodies: dict[str, str]) -> None:
    assert sorted(bodies) == sorted(region.name for region in docgen.REGIONS)
    assert all(body.strip() for body in bodies.values())
    assert "## `truce cases reply`" in bodies["cli-reference"]
    assert "`/api/incidents`" in bodies["api-routes"]
    assert "`UseCase.PUBLISH`" in bodies["access-policy"]
    assert "`truce.domain`" in bodies["import-layers"]


def test_generation_is_deterministic_and_has_no_local_paths(bodies: dict[str, str]) -> None:
    assert docgen.generate(ROOT) == bodies
    for body in bodies.values():
        assert str(ROOT) not in body
        assert str(Path.home()) not in body


def test_an_edited_region_fails_the_check_naming_the_file_and_region(
    copy: Path, bodies: dict[str, str]
) -> None:
    real = (ROOT / "docs/mechanism.md").read_bytes()
    assert docgen.check(copy, bodies) == []
    doc = copy / "docs/mechanism.md"
    edited = doc.read_text().replace(
        "<!-- [[[end]]] -->", "| sign alone | ✓ | | | | | |\n<!-- [[[end]]] -->", 1
    )
    doc.write_text(edited)

    problems = docgen.check(copy, bodies)

    assert [(p.doc, p.region) for p in problems] == [("docs/mechanism.md", "access-policy")]
    report = docgen.stale_report(problems)
    assert report.startswith("docs are stale: run python -m truce.docgen")
    assert "docs/mechanism.md: region 'access-policy' is stale" in report
    assert (ROOT / "docs/mechanism.md").read_bytes() == real  # the real file was not touched

    changed, broken = docgen.write(copy, bodies)
    assert (changed, broken) == (["docs/mechanism.md"], [])
    assert docgen.check(copy, bodies) == []
    assert "sign alone" not in doc.read_text()


def test_the_command_exits_1_and_names_the_stale_region(
    copy: Path,
    bodies: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(docgen, "project_root", lambda: copy)
    monkeypatch.setattr(docgen, "generate", lambda *a, **k: bodies)
    assert docgen.main(["--check"]) == 0
    doc = copy / "docs/cli.md"
    doc.write_text(doc.read_text().replace("## `truce init`", "## `truce initialise`"))

    assert docgen.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "docs are stale: run python -m truce.docgen" in err
    assert "docs/cli.md: region 'cli-reference' is stale" in err

    assert docgen.main([]) == 0
    assert docgen.main(["--check"]) == 0


def test_broken_markers_are_reported_not_rewritten() -> None:
    bodies = {"access-policy": "| a |\n|---|"}
    start, end = "<!-- [[[generated: access-policy]]] -->", "<!-- [[[end]]] -->"
    cases = {
        f"intro\n{start}\nold\n": "has no end marker",
        f"{start}\n{end}\n{start}\n{end}\n": "appears more than once",
        "no markers at all\n": "is missing",
        f"{start}\n{end}\n<!-- [[[generated: nonsense]]] -->\n{end}\n": "is unknown",
        f"{start}\n{start}\n{end}\n": "misplaced or malformed marker",
        f"{start}\n{end}\n<!-- [[[generated: cli-reference]]] -->\n{end}\n": "not generated for",
    }
    for text, message in cases.items():
        new, problems = docgen.render("docs/mechanism.md", text, bodies)
        assert new == text, message
        assert any(message in str(p) for p in problems), (message, problems)


def test_render_puts_the_body_between_the_markers_with_blank_lines() -> None:
    text = "# T\n\n<!-- [[[generated: access-policy]]] -->\nold\n<!-- [[[end]]] -->\n\nafter\n"
    new, problems = docgen.render("docs/mechanism.md", text, {"access-policy": "| a |\n|---|"})
    assert [p.message for p in problems] == ["is stale (generated from truce.domain.access.POLICY)"]
    assert new == (
        "# T\n\n<!-- [[[generated: access-policy]]] -->\n\n| a |\n|---|\n\n<!-- [[[end]]] -->\n"
        "\nafter\n"
    )
    assert docgen.render("docs/mechanism.md", new, {"access-policy": "| a |\n|---|"}) == (new, [])


def test_the_cli_reference_walks_groups_sorted_and_escapes_pipes() -> None:
    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    def tool() -> None:
        """A tool.

        Second paragraph,
        wrapped."""

    @tool.command()
    @click.argument("thing")
    @click.option("--kind", type=click.Choice(["a", "b"]), required=True, help="Which.")
    @click.option("--secret", hidden=True)
    def zeta(thing: str, kind: str, secret: str | None) -> None:
        """Do zeta <now>."""

    @tool.command(hidden=True)
    def hidden() -> None:
        """Not shown."""

    @tool.group()
    def alpha() -> None:
        """Alpha things."""

    @alpha.command()
    def beta() -> None:
        """Beta."""

    text = docgen.cli_reference(command=tool)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## `truce`",
        "## `truce alpha`",
        "## `truce alpha beta`",
        "## `truce zeta`",
    ]
    assert "`-h` / `--help`" in text
    assert "truce zeta [OPTIONS] THING" in text
    assert "| `--kind [a\\|b]` | Which. [required] |" in text
    assert "Second paragraph, wrapped." in text
    assert "Do zeta &lt;now>." in text
    assert "--secret" not in text and "hidden" not in text
    assert "| `-h, --help` |" not in text and "| `--help` |" not in text


def test_the_route_table_names_success_schemas() -> None:
    spec = {
        "paths": {
            "/api/b": {
                "post": {
                    "tags": ["x"],
                    "summary": "Post B",
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/c/s/BIn"}}}
                    },
                    "responses": {
                        "201": {
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": {"$ref": "#/c/s/B"}}
                                }
                            }
                        },
                        "422": {},
                    },
                },
                "get": {"tags": ["x"], "description": "All B.\n\nMore.", "responses": {}},
            },
            "/api/a": {
                "get": {
                    "tags": ["x"],
                    "summary": "Get A",
                    "parameters": [{"name": "q", "in": "query"}, {"name": "h", "in": "header"}],
                    "responses": {"200": {"content": {"application/json": {"schema": {}}}}},
                }
            },
        }
    }
    lines = docgen.api_routes(spec=spec).splitlines()
    assert lines[2:] == [
        "| x | GET | `/api/a` | Get A | `q` |  | 200 |",
        "| x | GET | `/api/b` | All B. |  |  |  |",
        "| x | POST | `/api/b` | Post B |  | `BIn` (application/json) | 201 `B[]` |",
    ]


def test_the_import_table_follows_layers_and_forbidden_contracts(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        """
[tool.importlinter]
root_package = "truce"

[[tool.importlinter.contracts]]
name = "Layers"
type = "layers"
layers = ["truce.cli", "truce.b | truce.a", "truce.c : truce.d", "truce.domain"]

[[tool.importlinter.contracts]]
name = "Pure"
type = "forbidden"
source_modules = ["truce.a"]
forbidden_modules = ["truce.c", "sqlalchemy"]

[[tool.importlinter.contracts]]
name = "Edges"
type = "forbidden"
source_modules = ["truce.cli"]
forbidden_modules = ["truce.d"]
allow_indirect_imports = true
""",
        encoding="utf-8",
    )
    rows = [line for line in docgen.import_layers(tmp_path).splitlines() if line.startswith("| ")]
    assert rows[1:] == [
        "| 1 | `truce.cli` | `truce.a`, `truce.b`, `truce.c`, `truce.domain` "
        "| `truce.d` (forbidden, directly) |",
        "| 2 | `truce.a` | `truce.d`, `truce.domain` "
        "| the other modules of layer 2; `sqlalchemy`, `truce.c` (forbidden) |",
        "| 2 | `truce.b` | `truce.c`, `truce.d`, `truce.domain` | the other modules of layer 2 |",
        "| 3 | `truce.c` | `truce.d`, `truce.domain` | — |",
        "| 3 | `truce.d` | `truce.c`, `truce.domain` | — |",
        "| 4 | `truce.domain` | — | — |",
    ]
    text = docgen.import_layers(tmp_path)
    assert "- Edges: `truce.cli` may not import `truce.d` directly." in text


def test_nothing_in_the_application_imports_the_generator() -> None:
    package = ROOT / "src" / "truce"
    offenders = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "docgen.py" and path.parent == package:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                names = [module, *(f"{module}.{a.name}" for a in node.names)]
            if any(
                name.endswith(("truce.docgen", ".docgen")) or ".docgen." in name for name in names
            ):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"truce.docgen is a development tool, imported by {offenders}"
