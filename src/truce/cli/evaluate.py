"""`truce eval extract`: precision, recall and F1 per field on a gold set or an ACLED file."""

from __future__ import annotations

import json
from pathlib import Path

import click

from truce import scenarios
from truce.cli.main import cli
from truce.domain.documents import TextMeta
from truce.domain.errors import InputRejected
from truce.evaluation.gold import GoldDoc, gold_from_acled, parse_gold_json
from truce.evaluation.score import Scores, render, score_document
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
@click.option("--acled", "acled_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Score on an ACLED-layout CSV: `notes` as text, coded columns as truth.")  # fmt: skip
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
    registry = scenarios.load("astana-2016").actors
    if acled_file is not None:
        parsed = read_acled(decode_text(acled_file.read_bytes(), str(acled_file)))
        docs = gold_from_acled(parsed.reports, registry)
        title = f"ACLED notes in {acled_file}"
    else:
        assert gold_dir is not None
        files = sorted(gold_dir.rglob("*.json"))
        if not files:
            raise InputRejected(f"no gold files (*.json) under {gold_dir}")
        docs = [parse_gold_json(f.read_text("utf-8"), str(f)) for f in files]
        title = f"gold set {gold_dir}"
    scores = score(docs)
    if as_json:
        click.echo(json.dumps({name: {"precision": round(t.precision, 3), "recall": round(t.recall, 3),
                                      "f1": round(t.f1, 3), "tp": t.tp, "fp": t.fp, "fn": t.fn}
                               for name, t in scores.fields.items()} | {"documents": scores.documents}, indent=1))  # fmt: skip
        return
    click.echo(render(scores, title))
    if misses:
        click.echo("\n" + "\n".join(scores.misses))


def score(docs: list[GoldDoc]) -> Scores:
    resources = resources_for()
    items = [
        (d.text, TextMeta(label=d.id, published=d.published, publisher=d.source or None))
        for d in docs
    ]
    scores = Scores()
    for doc, reports in zip(docs, extract_texts(items, resources), strict=True):
        score_document(scores, doc.id, reports, doc.events)
    return scores
