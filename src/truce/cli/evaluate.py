"""`truce eval extract`: precision, recall and F1 per field on a gold set or an ACLED file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from truce.cli.main import cli
from truce.cli.render import echo_json
from truce.domain.documents import TextMeta
from truce.domain.errors import InputRejected
from truce.evaluation.gold import GoldDoc, gold_from_acled, parse_gold_json
from truce.evaluation.score import Scores, Tally, render, score_document
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
    "--misses", is_flag=True, help="Also list documents where events were missed or added."
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_extract(
    gold_dir: Path | None, acled_file: Path | None, misses: bool, as_json: bool
) -> None:
    """Score extraction on GOLD_DIR (JSON gold files, searched recursively) or --acled FILE."""
    if (gold_dir is None) == (acled_file is None):
        raise InputRejected("give either GOLD_DIR or --acled FILE")
    files = sorted(gold_dir.rglob("*.json")) if gold_dir is not None else []
    if gold_dir is not None and not files:
        raise InputRejected(f"no gold files (*.json) under {gold_dir}")
    resources = resources_for()
    if acled_file is not None:
        parsed = read_acled(decode_text(acled_file.read_bytes(), str(acled_file)))
        docs = gold_from_acled(parsed.reports, resources.registry)
        title = f"ACLED notes in {acled_file}"
    else:
        docs = [parse_gold_json(f.read_text("utf-8"), str(f)) for f in files]
        title = f"gold set {gold_dir}"
    scores = score(docs, resources)
    if as_json:
        figures = {name: _figures(t) for name, t in scores.fields.items()}
        echo_json(figures | {"documents": scores.documents})
        return
    click.echo(render(scores, title))
    if misses:
        click.echo("\n" + "\n".join(scores.misses))


def _figures(t: Tally) -> dict[str, Any]:
    rounded = {"precision": t.precision, "recall": t.recall, "f1": t.f1}
    return {k: round(v, 3) for k, v in rounded.items()} | {"tp": t.tp, "fp": t.fp, "fn": t.fn}


def score(docs: list[GoldDoc], resources: Resources | None = None) -> Scores:
    resources = resources or resources_for()
    items = [
        (d.text, TextMeta(label=d.id, published=d.published, publisher=d.source or None))
        for d in docs
    ]
    scores = Scores()
    for doc, reports in zip(docs, extract_texts(items, resources), strict=True):
        score_document(scores, doc.id, reports, doc.events)
    return scores
