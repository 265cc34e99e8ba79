"""The generated sections of the docs, each built from the code: the command reference, the
API route table, the access policy and the import table. `truce.docgen` puts them in place."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import click


def project_root() -> Path:
    """The checkout this module runs from: the folder holding pyproject.toml above src/truce."""
    here = Path(__file__).resolve().parents[2]
    if (here / "pyproject.toml").is_file():
        return here
    for folder in (Path.cwd(), *Path.cwd().parents):
        if (folder / "pyproject.toml").is_file() and (folder / "docs").is_dir():
            return folder
    raise SystemExit("truce.docgen: no pyproject.toml found; run it from a Truce checkout")


# ---------------------------------------------------------------------------------------------
# Markdown helpers


def _cell(text: str) -> str:
    """Text for one Markdown table cell: one line, pipes escaped (also inside code spans)."""
    return " ".join(text.split()).replace("|", "\\|")


def _code(text: str) -> str:
    return f"`{text}`"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _prose(text: str) -> str:
    """A docstring as Markdown: paragraphs joined into lines; click's `\\b` blocks kept verbatim;
    anything after click's `\\f` dropped."""
    blocks = []
    for paragraph in re.split(r"\n\s*\n", inspect.cleandoc(text.split("\f")[0])):
        if paragraph.startswith("\b"):
            blocks.append("```text\n" + paragraph.removeprefix("\b").strip("\n") + "\n```")
        elif paragraph.strip():
            blocks.append(" ".join(paragraph.split()).replace("<", "&lt;"))
    return "\n\n".join(blocks)


# ---------------------------------------------------------------------------------------------
# 1. The CLI reference, from the click group


def _walk(
    command: click.Command, ctx: click.Context
) -> Iterator[tuple[click.Command, click.Context]]:
    yield command, ctx
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _walk(sub, click.Context(sub, info_name=name, parent=ctx))


def _is_help_option(param: click.Parameter, command: click.Command, ctx: click.Context) -> bool:
    return param is command.get_help_option(ctx)


def cli_reference(root: Path | None = None, command: click.Command | None = None) -> str:
    """Each command's usage line, help text and options, depth first, subcommands sorted."""
    if command is None:
        from truce.cli import cli

        command = cli
    top = click.Context(command, info_name="truce", **command.context_settings)
    help_names = " / ".join(_code(name) for name in top.help_option_names)
    sections = [f"Every command also takes {help_names}, which prints its help and exits."]
    for cmd, ctx in _walk(command, top):
        pieces = [ctx.command_path, *cmd.collect_usage_pieces(ctx)]
        lines = [f"## `{ctx.command_path}`", "", "```text", " ".join(pieces), "```"]
        if cmd.deprecated:
            lines += ["", "*Deprecated.*"]
        if cmd.help and cmd.help.strip():
            lines += ["", _prose(cmd.help)]
        options = []
        for param in cmd.get_params(ctx):
            if (
                not isinstance(param, click.Option)
                or param.hidden
                or _is_help_option(param, cmd, ctx)
            ):
                continue
            record = param.get_help_record(ctx)
            if record is not None:
                options.append((_code(record[0]), record[1] or ""))
        if options:
            lines += ["", _table(["option", "meaning"], options)]
        if isinstance(cmd, click.Group):
            subs = [
                _code(f"{ctx.command_path} {name}")
                for name in sorted(cmd.list_commands(ctx))
                if not getattr(cmd.get_command(ctx, name), "hidden", True)
            ]
            if subs:
                lines += ["", "Subcommands: " + ", ".join(subs) + "."]
        sections.append("\n".join(lines))
    return "\n\n".join(sections)


# ---------------------------------------------------------------------------------------------
# 2. The REST API's routes, from its OpenAPI document

_METHODS = ("get", "head", "post", "put", "patch", "delete", "options", "trace")


APP_FACTORIES = ("truce.app", "truce.api.app")  # where `create_app` lives, newest first


def _app_factory() -> Callable[..., Any]:
    for name in APP_FACTORIES:
        try:
            factory = getattr(importlib.import_module(name), "create_app", None)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise  # the module exists but something it imports does not
            continue
        if callable(factory):
            return factory
    raise SystemExit(f"truce.docgen: no create_app in {' or '.join(APP_FACTORIES)}")


def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI document, from an app over an in-memory database it never opens."""
    from truce.config import Settings
    from truce.store.database import make_engine

    create_app = _app_factory()
    # An empty key directory of its own: the document does not depend on whatever keys the
    # working directory holds (the app refuses to start on a member's).
    keys = tempfile.TemporaryDirectory(prefix="truce-docgen-keys-")
    settings = Settings(database_url="sqlite://", keys_dir=Path(keys.name))
    engine = make_engine("sqlite://")
    try:
        if "engine" in inspect.signature(create_app).parameters:
            app = create_app(settings, engine=engine)
        else:
            app = create_app(settings)
        document: dict[str, Any] = app.openapi()
        return document
    finally:
        engine.dispose()
        keys.cleanup()


def _schema_name(schema: Mapping[str, Any]) -> str:
    """A named schema (`Name`, or `Name[]` for a list of them); inline schemas have no name."""
    if "$ref" in schema:
        return _code(str(schema["$ref"]).rsplit("/", 1)[-1])
    items = schema.get("items")
    if schema.get("type") == "array" and isinstance(items, Mapping) and "$ref" in items:
        return _code(str(items["$ref"]).rsplit("/", 1)[-1] + "[]")
    return ""


def _body(operation: Mapping[str, Any]) -> str:
    content = operation.get("requestBody", {}).get("content", {})
    names = []
    for media_type in sorted(content):
        name = _schema_name(content[media_type].get("schema", {}))
        names.append(f"{name} ({media_type})" if name else media_type)
    return ", ".join(names)


def _success(operation: Mapping[str, Any]) -> str:
    codes = sorted(code for code in operation.get("responses", {}) if code.startswith("2"))
    if not codes:
        return ""
    response = operation["responses"][codes[0]]
    names = [
        _schema_name(media.get("schema", {}))
        for _, media in sorted(response.get("content", {}).items())
    ]
    return " ".join([codes[0], *sorted({n for n in names if n})])


def api_routes(root: Path | None = None, spec: Mapping[str, Any] | None = None) -> str:
    """One row per operation, sorted by tag, path and method. The summary is the first
    paragraph of the route's docstring, else FastAPI's summary (from the function's name)."""
    spec = openapi_document() if spec is None else spec
    keyed = []
    for path, item in spec.get("paths", {}).items():
        for method in (m for m in _METHODS if m in item):
            operation = item[method]
            described = (operation.get("description") or "").strip().split("\n\n")[0]
            summary = described or operation.get("summary", "")
            parameters = operation.get("parameters", [])
            query = ", ".join(_code(p["name"]) for p in parameters if p.get("in") == "query")
            area = str((operation.get("tags") or [""])[0])
            cells = [area, method.upper(), _code(path), summary, query]
            cells += [_body(operation), _success(operation)]
            keyed.append(((area, path, _METHODS.index(method)), cells))
    rows = [cells for _, cells in sorted(keyed)]
    return _table(["area", "method", "path", "summary", "query", "request body", "success"], rows)


# ---------------------------------------------------------------------------------------------
# 3. The access policy


def policy_table(root: Path | None = None) -> str:
    """Use cases in the order `UseCase` declares them; roles in the order `Role` declares them."""
    from truce.domain.access import POLICY, Role, UseCase

    header = ["use case", "in code", *(_code(role.value) for role in Role)]
    rows = [
        [
            use_case.value,
            _code(f"UseCase.{use_case.name}"),
            *("✓" if role in POLICY[use_case] else "" for role in Role),
        ]
        for use_case in UseCase
    ]
    return _table(header, rows)


# ---------------------------------------------------------------------------------------------
# 4. What each layer may import, from the import-linter contracts


def _layer_members(layer: str, containers: Sequence[str]) -> tuple[list[str], bool]:
    """The modules of one layer string (`a | b` independent, `a : b` not), and independence."""
    independent = ":" not in layer
    names = [n.strip().strip("()") for n in re.split(r"[|:]", layer) if n.strip()]
    if containers:
        names = [f"{container}.{name}" for container in containers for name in names]
    return sorted(names), independent


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _unlayered(layered: Sequence[str], root_package: str) -> list[str]:
    try:
        package = importlib.import_module(root_package)
    except ImportError:
        return []
    found = [
        f"{root_package}.{info.name}"
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    ]
    return sorted(m for m in found if not any(_within(m, lay) for lay in layered))


def import_layers(root: Path | None = None) -> str:
    """For each layers contract, each package's allowed and forbidden imports."""
    root = project_root() if root is None else root
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    linter = config["tool"]["importlinter"]
    contracts = linter.get("contracts", [])
    forbidden = [c for c in contracts if c.get("type") == "forbidden"]
    out = []
    for contract in (c for c in contracts if c.get("type") == "layers"):
        layers = [
            _layer_members(layer, contract.get("containers", [])) for layer in contract["layers"]
        ]
        rows = []
        for index, (members, independent) in enumerate(layers):
            below = [m for lower, _ in layers[index + 1 :] for m in lower]
            above = {m for upper, _ in layers[:index] for m in upper}
            for module in members:
                siblings = [m for m in members if m != module]
                banned: dict[str, bool] = {}  # module -> only direct imports are forbidden
                for c in forbidden:
                    if any(_within(module, source) for source in c.get("source_modules", [])):
                        for m in c.get("forbidden_modules", []):
                            direct = bool(c.get("allow_indirect_imports", False))
                            banned[m] = banned.get(m, True) and direct
                may = [m for m in (below if independent else siblings + below) if m not in banned]
                not_ = []
                if independent and siblings:
                    not_.append(f"the other modules of layer {index + 1}")
                for direct in (False, True):
                    names = ", ".join(
                        _code(m) for m in sorted(banned) if m not in above and banned[m] == direct
                    )
                    if names:
                        not_.append(f"{names} (forbidden{', directly' if direct else ''})")
                may_text = ", ".join(_code(m) for m in may) or "—"
                rows.append([str(index + 1), _code(module), may_text, "; ".join(not_) or "—"])
        header = ["layer", "module", "may import", "may not import, besides the layers above"]
        out.append(f"**{contract.get('name', 'layers')}** (layers, top first):")
        out.append(_table(header, rows))
        layered = [m for members, _ in layers for m in members]
        outside = _unlayered(layered, linter["root_package"])
        if outside:
            names = ", ".join(_code(m) for m in outside)
            out.append(f"Outside the layers, bound only by the forbidden contracts: {names}.")
        exceptions = sorted({i for c in contracts for i in c.get("ignore_imports", [])})
        if exceptions:
            out.append("Exceptions the contracts allow: " + ", ".join(map(_code, exceptions)) + ".")
    bans = []
    for contract in forbidden:
        sources = ", ".join(_code(m) for m in contract.get("source_modules", []))
        targets = ", ".join(_code(m) for m in contract.get("forbidden_modules", []))
        how = " directly" if contract.get("allow_indirect_imports", False) else ""
        name = contract.get("name", "forbidden")
        bans.append(f"- {name}: {sources} may not import {targets}{how}.")
    if bans:
        out.append("**Forbidden contracts:**\n\n" + "\n".join(bans))
    return "\n\n".join(out)
