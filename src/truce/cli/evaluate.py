"""`truce eval extract`: precision, recall and F1 per field on a gold set or an ACLED file,
and the share of documents whose first report is right, per field and per text kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from truce.cli.main import cli
from truce.cli.render import echo_json
from truce.domain.actors import ActorRegistry
from truce.domain.documents import TextMeta
from truce.domain.errors import InputRejected
from truce.domain.reports import ActorRole, Report
from truce.evaluation.gold import SPLITS, GoldDoc, gold_from_acled, parse_gold_json
from truce.evaluation.score import (
    FamilyOf,
    FirstScores,
    Scores,
    Share,
    Tally,
    render,
    render_first,
    score_document,
    score_first,
)
from truce.extract.resources import Resources
from truce.formats.acled import read_acled
from truce.services.extraction import extract_texts, resources_for
from truce.services.intake import decode_text


@cli.group("eval")
def evaluate() -> None:
    """Measure how well Truce reads texts."""


@evaluate.command("extract")
@click.argument(
    "gold_dir", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--acled",
    "acled_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Score on an ACLED-layout CSV: `notes` as text, coded columns as truth.",
)
@click.option(
    "--split",
    type=click.Choice(sorted(SPLITS)),
    help="Score only the gold files of this half of a development set (their `split`).",
)
@click.option(
    "--misses", is_flag=True, help="Also list documents where events were missed or added."
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_extract(
    gold_dir: Path | None,
    acled_file: Path | None,
    split: str | None,
    misses: bool,
    as_json: bool,
) -> None:
    """Score extraction on GOLD_DIR (JSON gold files, searched recursively) or --acled FILE.

    A text's kind is the folder under GOLD_DIR it sits in, else its gold file's `kind`."""
    if (gold_dir is None) == (acled_file is None):
        raise InputRejected("give either GOLD_DIR or --acled FILE")
    files = sorted(gold_dir.rglob("*.json")) if gold_dir is not None else []
    if gold_dir is not None and not files:
        raise InputRejected(f"no gold files (*.json) under {gold_dir}")
    resources = resources_for()
    if acled_file is not None:
        parsed = read_acled(decode_text(acled_file.read_bytes(), str(acled_file)))
        docs = gold_from_acled(parsed.reports, resources.registry)
        kinds = [doc.kind for doc in docs]
        title = f"ACLED notes in {acled_file}"
    else:
        assert gold_dir is not None
        docs = [parse_gold_json(f.read_text("utf-8"), str(f)) for f in files]
        kinds = [_kind(gold_dir, f, doc) for f, doc in zip(files, docs, strict=True)]
        title = f"gold set {gold_dir}"
    if split is not None:
        kept = [(doc, kind) for doc, kind in zip(docs, kinds, strict=True) if doc.split == split]
        if not kept:
            raise InputRejected(f"split: no gold file has split {split!r}")
        docs, kinds = [d for d, _ in kept], [k for _, k in kept]
        title += f" (split {split})"
    scores, first = score(docs, resources, kinds)
    if as_json:
        figures = {name: _figures(t) for name, t in scores.fields.items()}
        by_kind = {
            kind: {name: _share(s) for name, s in fields.items()}
            for kind, fields in first.kinds.items()
        }
        echo_json(
            figures
            | {"documents": scores.documents, "first_report": by_kind, "failed": first.failures}
        )
        return
    click.echo(render(scores, title))
    click.echo("\n" + render_first(first, title))
    if misses:
        click.echo("\n" + "\n".join(scores.misses))


def _kind(root: Path, file: Path, doc: GoldDoc) -> str:
    parts = file.relative_to(root).parts
    return parts[0] if len(parts) > 1 else (doc.kind or "other")


def _figures(t: Tally) -> dict[str, Any]:
    rounded = {"precision": t.precision, "recall": t.recall, "f1": t.f1}
    return {k: round(v, 3) for k, v in rounded.items()} | {"tp": t.tp, "fp": t.fp, "fn": t.fn}


def _share(s: Share) -> dict[str, Any]:
    return {"right": s.right, "of": s.of, "share": None if s.share is None else round(s.share, 3)}


def _family_of(registry: ActorRegistry) -> FamilyOf:
    def family_of(actor: ActorRole) -> str | None:
        # `family` arrives on actors and extracted roles with issue 13; read it defensively.
        family = getattr(actor, "family", None)
        if family is None and actor.actor_id is not None:
            family = getattr(registry.get(actor.actor_id), "family", None)
        return str(family) if family else None

    return family_of


def score(
    docs: list[GoldDoc], resources: Resources | None = None, kinds: list[str] | None = None
) -> tuple[Scores, FirstScores]:
    resources = resources or resources_for()
    kinds = kinds or [doc.kind or "other" for doc in docs]
    family_of = _family_of(resources.registry)
    scores, first = Scores(), FirstScores()
    for doc, kind in zip(docs, kinds, strict=True):
        meta = TextMeta(label=doc.id, published=doc.published, publisher=doc.source or None)
        reports: list[Report]
        try:
            (reports,) = extract_texts([(doc.text, meta)], resources)
        except Exception as exc:
            first.failures.append(f"{doc.id}: {type(exc).__name__}: {exc}")
            reports = []
        score_document(scores, doc.id, reports, doc.events)
        score_first(first, kind, reports, doc.events, published=doc.published, family_of=family_of)
    return scores, first
