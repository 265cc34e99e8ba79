"""Docs that tests keep true: rewrite the generated regions of the Markdown docs.

A generated region sits between two marker lines:

    <!-- [[[generated: NAME]]] -->
    ...generated Markdown...
    <!-- [[[end]]] -->

and everything between them is rebuilt from the code:

- `cli-reference` (docs/cli.md): every command of the `truce` click group, walked recursively;
- `api-routes` (docs/web-and-api.md): the routes of the REST API's OpenAPI document;
- `access-policy` (docs/mechanism.md): `truce.domain.access.POLICY`, use case x role;
- `import-layers` (docs/architecture.md): the import-linter contracts in pyproject.toml.

    python -m truce.docgen           # rewrite every region
    python -m truce.docgen --check   # exit 1, naming each stale region; write nothing

The output is deterministic: sorted (or in the order the code declares), no timestamps, no
absolute paths. This is a development tool: nothing in the application imports it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

STALE_MESSAGE = "docs are stale: run python -m truce.docgen"
START = re.compile(r"^<!-- \[\[\[generated: ([a-z0-9][a-z0-9-]*)\]\]\] -->$")
END = re.compile(r"^<!-- \[\[\[end\]\]\] -->$")
_MARKER = re.compile(r"^\s*<!--\s*\[\[\[")  # a line that tries to be a marker


from truce.docgen_sections import (  # noqa: E402
    api_routes,
    cli_reference,
    import_layers,
    policy_table,
    project_root,
)

# ---------------------------------------------------------------------------------------------
# Regions, documents, check and write


@dataclass(frozen=True)
class Region:
    name: str
    doc: str  # relative to the project root, with forward slashes
    source: str  # what the region is generated from, for messages
    build: Callable[[Path], str]


REGIONS: tuple[Region, ...] = (
    Region("cli-reference", "docs/cli.md", "the `truce` click group", cli_reference),
    Region("api-routes", "docs/web-and-api.md", "the API's OpenAPI document", api_routes),
    Region("access-policy", "docs/mechanism.md", "truce.domain.access.POLICY", policy_table),
    Region("import-layers", "docs/architecture.md", "[tool.importlinter]", import_layers),
)


@dataclass(frozen=True)
class Problem:
    doc: str
    region: str
    message: str

    def __str__(self) -> str:
        where = f"region {self.region!r}" if self.region else "file"
        return f"{self.doc}: {where} {self.message}"


def generate(root: Path | None = None, names: Sequence[str] | None = None) -> dict[str, str]:
    """Each region's Markdown, by region name (all regions unless `names` are given)."""
    root = project_root() if root is None else root
    return {r.name: r.build(root).strip() for r in REGIONS if names is None or r.name in names}


@dataclass(frozen=True)
class _Parsed:
    chunks: list[str | tuple[str, str]]  # literal text, or (region name, its current body)
    problems: list[str]


def _parse(text: str) -> _Parsed:
    chunks: list[str | tuple[str, str]] = []
    problems: list[str] = []
    literal: list[str] = []
    region: str | None = None
    body: list[str] = []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        bare = line.rstrip("\r\n")
        start, end = START.match(bare), END.match(bare)
        if region is None and start:
            literal.append(line)
            chunks.append("".join(literal))
            literal, region, body = [], start.group(1), []
        elif region is not None and end:
            chunks.append((region, "".join(body)))
            literal, region = [line], None
        elif start or end or _MARKER.search(bare):
            problems.append(f"line {number}: misplaced or malformed marker {bare.strip()!r}")
            (literal if region is None else body).append(line)
        else:
            (literal if region is None else body).append(line)
    if region is not None:
        problems.append(f"region {region!r} has no end marker")
        chunks.append("".join(body))
    chunks.append("".join(literal))
    return _Parsed(chunks, problems)


def _framed(body: str) -> str:
    return f"\n{body.strip()}\n\n"


def render(doc: str, text: str, bodies: Mapping[str, str]) -> tuple[str, list[Problem]]:
    """The document with its regions rebuilt, and what was wrong with it (stale or broken).

    Regions this document should hold but lacks, unknown regions and broken markers are
    problems too; the text is then returned unchanged.
    """
    parsed = _parse(text)
    problems = [Problem(doc, "", p) for p in parsed.problems]
    found = [c[0] for c in parsed.chunks if isinstance(c, tuple)]
    for name in sorted(set(found)):
        if found.count(name) > 1:
            problems.append(Problem(doc, name, "appears more than once"))
    for name in sorted({r.name for r in REGIONS if r.doc == doc and r.name in bodies} - set(found)):
        problems.append(Problem(doc, name, "is missing: add its markers"))
    for name in found:
        if name not in bodies:
            known = {r.name for r in REGIONS}
            what = "is not generated for this file" if name in known else "is unknown"
            problems.append(Problem(doc, name, f"{what} (known: {', '.join(sorted(known))})"))
    if problems:
        return text, problems
    out = []
    for chunk in parsed.chunks:
        if isinstance(chunk, str):
            out.append(chunk)
            continue
        name, current = chunk
        wanted = _framed(bodies[name])
        if current != wanted:
            source = next(r.source for r in REGIONS if r.name == name)
            problems.append(Problem(doc, name, f"is stale (generated from {source})"))
        out.append(wanted)
    return "".join(out), problems


def _docs(bodies: Mapping[str, str]) -> list[str]:
    return sorted({r.doc for r in REGIONS if r.name in bodies})


def _bodies_for(doc: str, bodies: Mapping[str, str]) -> dict[str, str]:
    return {r.name: bodies[r.name] for r in REGIONS if r.doc == doc and r.name in bodies}


def check(docs_root: Path | None = None, bodies: Mapping[str, str] | None = None) -> list[Problem]:
    """Every region that differs from what the code generates now, or is broken. Writes nothing.

    `docs_root` holds the Markdown files (the project root unless given, e.g. a temporary copy);
    `bodies` are the regions' Markdown (generated from the project unless given).
    """
    docs_root = project_root() if docs_root is None else docs_root
    bodies = generate() if bodies is None else bodies
    problems: list[Problem] = []
    for doc in _docs(bodies):
        path = docs_root / doc
        if not path.is_file():
            problems.append(Problem(doc, "", "does not exist"))
            continue
        problems += render(doc, path.read_text(encoding="utf-8"), _bodies_for(doc, bodies))[1]
    return problems


def write(
    docs_root: Path | None = None, bodies: Mapping[str, str] | None = None
) -> tuple[list[str], list[Problem]]:
    """Rebuild every region in place. Returns the files changed and the broken ones (unchanged)."""
    docs_root = project_root() if docs_root is None else docs_root
    bodies = generate() if bodies is None else bodies
    changed: list[str] = []
    broken: list[Problem] = []
    for doc in _docs(bodies):
        path = docs_root / doc
        if not path.is_file():
            broken.append(Problem(doc, "", "does not exist"))
            continue
        text = path.read_text(encoding="utf-8")
        new, problems = render(doc, text, _bodies_for(doc, bodies))
        broken += [p for p in problems if not p.message.startswith("is stale")]
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(doc)
    return changed, broken


def stale_report(problems: Sequence[Problem]) -> str:
    """The message a failing check prints: the fix first, then each stale or broken region."""
    return "\n".join([STALE_MESSAGE, *(f"  {p}" for p in problems)])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m truce.docgen",
        description="Rewrite the generated regions of Truce's Markdown docs.",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any region is stale"
    )
    args = parser.parse_args(argv)
    root = project_root()
    if args.check:
        problems = check(root)
        if problems:
            print(stale_report(problems), file=sys.stderr)
            return 1
        print("docs are up to date")
        return 0
    changed, broken = write(root)
    for doc in changed:
        print(f"rewrote {doc}")
    if broken:
        print("\n".join(["could not rewrite:", *(f"  {p}" for p in broken)]), file=sys.stderr)
        return 1
    if not changed:
        print("docs are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
