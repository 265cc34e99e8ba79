"""Commands over texts: ingest, extract, documents, review."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from truce.cli.main import App, cli, pass_app
from truce.domain.documents import TextMeta
from truce.domain.errors import InputRejected, TruceError
from truce.domain.reviews import ReviewAction
from truce.intake.adapters import KINDS, detect_kind, read
from truce.services.extraction import (
    extract_texts,
    ingest_document,
    rerun_document,
    resources_for,
    store_resources,
)
from truce.services.reviews import review_report, reviewed_report

PATHS = click.Path(exists=True, dir_okay=False, path_type=Path)
DATE = click.DateTime(["%Y-%m-%d"])

# The canonical fields `truce extract --json` prints, in SCHEMA.md's names.
JSON_FIELDS = ("date_start", "date_end", "date_precision", "location_name", "admin1", "country", "lat", "lon",
               "location_precision", "event_type", "sub_event_type", "plover_event", "plover_mode", "cameo_code",
               "weapons", "fatalities_low", "fatalities_best", "fatalities_high", "injured", "source_quoted",
               "actors", "spans", "notes")  # fmt: skip


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=PATHS)
@click.option(
    "--published", type=DATE, help="Publication date (YYYY-MM-DD) for texts that do not carry one."
)
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    help="Force the reader (default: from the name and content).",
)
@click.option("--submitter", help="Who sent the documents (kept with each intake record).")
@pass_app
def ingest(
    app: App, paths: tuple[Path, ...], published: Any, kind: str | None, submitter: str | None
) -> None:
    """Store documents, extract their reports and store those.

    Reads plain text (any encoding, incl. windows-1256), HTML pages, RSS/Atom
    feeds (one text per entry), e-mails with attachments, and JSON submissions.
    A document that fails is kept with the reason and can be re-run with
    `truce documents rerun ID`.
    """
    failures = 0
    totals = {"documents": 0, "reports": 0, "new": 0}
    with app.uow() as uow:
        resources = store_resources(uow)
        with click.progressbar(paths, label="ingesting", file=sys.stderr) as bar:
            for path in bar:
                try:
                    result = ingest_document(
                        uow=uow, content=path.read_bytes(), now=app.now(), filename=str(path),
                        max_bytes=app.settings.max_document_bytes, resources=resources, kind=kind,
                        published=published.date() if published else None, submitter=submitter,
                    )  # fmt: skip
                except TruceError as exc:
                    failures += 1
                    click.echo(f"\n{path}: failed: {exc}", err=True)
                    continue
                totals["documents"] += 1
                totals["reports"] += len(result.reports)
                totals["new"] += result.imported
                click.echo(f"{path}: {result.line()}")
    click.echo(f"{totals['documents']} document(s) ingested, {failures} failed; "
               f"{totals['reports']} report(s), {totals['new']} new")  # fmt: skip
    if failures:
        raise InputRejected(f"{failures} document(s) failed; see `truce documents --status failed`")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=PATHS)
@click.option("--published", type=DATE, help="Publication date (YYYY-MM-DD), for relative dates.")
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object per report (canonical field names)."
)
@click.option(
    "--scheduler", metavar="ADDRESS", help="Run on a Dask cluster (e.g. tcp://127.0.0.1:8786)."
)
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    help="Force the reader (default: from the name and content).",
)
def extract(
    paths: tuple[Path, ...], published: Any, as_json: bool, scheduler: str | None, kind: str | None
) -> None:
    """Run the extraction pipeline over files and print the reports. Stores nothing."""
    items: list[tuple[str, TextMeta, str]] = []
    for path in paths:
        content = path.read_bytes()
        meta = TextMeta(label=str(path), published=published.date() if published else None)
        for text in read(
            content, kind=kind or detect_kind(content, path.name), label=str(path), meta=meta
        ):
            items.append((text.text, text.meta, str(path)))
    pairs = [(text, meta) for text, meta, _ in items]
    if scheduler:
        from truce.services.distributed import extract_on_cluster

        results = extract_on_cluster(pairs, scheduler)
    else:
        results = extract_texts(pairs, resources_for())
    for (_, _, label), reports in zip(items, results, strict=True):
        for report in reports:
            if as_json:
                click.echo(
                    json.dumps(report_json(report, label), ensure_ascii=False, sort_keys=True)
                )
            else:
                click.echo(f"{label}: {report.date_start} {report.event_type} / {report.sub_event_type} at "
                           f"{report.location_name or '?'} ({report.admin1 or report.country or '?'}); "
                           f"fatalities {report.fatalities_best}; actors "
                           f"{', '.join(f'{a.name} [{a.role}, {a.side}]' for a in report.actors) or 'none'}")  # fmt: skip


def report_json(report: Any, document: str) -> dict[str, Any]:
    plain = report.to_plain()
    out = {name: plain.get(name) for name in JSON_FIELDS if name in plain}
    out["source_quoted"] = plain.get("attribution")
    out["actors"] = [{"name": a["name"], "role": a["role"], "side": a["side"], "actor_id": a["actor_id"]}
                     for a in plain["actors"]]  # fmt: skip
    out["publisher"] = plain["sources"][0]["name"] if plain["sources"] else None
    out["document"] = document
    out["id"] = report.id
    return out


@cli.group(invoke_without_command=True)
@click.option(
    "--status", type=click.Choice(["received", "processed", "partly_processed", "failed"])
)
@click.pass_context
def documents(ctx: click.Context, status: str | None) -> None:
    """List stored documents with their processing status."""
    if ctx.invoked_subcommand is not None:
        return
    app = ctx.find_object(App)
    assert app is not None
    with app.uow() as uow:
        rows = uow.listing.list(status=status)
    for row in rows:
        detail = (row["status_detail"] or "").replace("\n", " ")[:100]
        click.echo(
            f"{row['id']}  {row['status']:<16} {row['media_type']:<22} {row['size']:>9} B  {detail}"
        )
    if not rows:
        click.echo("no documents")


@documents.command("rerun")
@click.argument("document_id")
@click.option("--published", type=DATE, help="Publication date (YYYY-MM-DD) to use.")
@pass_app
def documents_rerun(app: App, document_id: str, published: Any) -> None:
    """Run a stored text document through the current pipeline again."""
    with app.uow() as uow:
        result = rerun_document(uow=uow, document_id=document_id, now=app.now(), resources=store_resources(uow),
                                published=published.date() if published else None)  # fmt: skip
    click.echo(f"{document_id}: {result.line()}")


@cli.group()
def review() -> None:
    """Review extracted reports: the queue, accept, correct a field, reject."""


@review.command("queue")
@click.option("--limit", default=20, show_default=True)
@pass_app
def review_queue(app: App, limit: int) -> None:
    """Reports awaiting review."""
    with app.uow() as uow:
        for report in uow.reports.queue(limit=limit):
            click.echo(
                f"{report.id}  {report.date_start}  {report.sub_event_type}  {report.location_name}"
            )


@review.command("show")
@click.argument("report_id")
@pass_app
def review_show(app: App, report_id: str) -> None:
    """A report as extracted and as reviewed, with each review act."""
    with app.uow() as uow:
        original, reviewed, status, history = reviewed_report(uow=uow, report_id=report_id)
    click.echo(f"{report_id}: {status.value}")
    for act in history:
        what = f" {act.field}: {act.previous!r} -> {act.value!r}" if act.field else ""
        click.echo(
            f"  {act.at:%Y-%m-%d %H:%M} {act.reviewer} {act.action.value}{what} {act.reason or ''}"
        )
    click.echo(json.dumps({"original": original.to_plain(), "reviewed": reviewed.to_plain()}, ensure_ascii=False,
                          indent=1))  # fmt: skip


@review.command("accept")
@click.argument("report_id")
@click.option("--reviewer", required=True)
@click.option("--reason")
@pass_app
def review_accept(app: App, report_id: str, reviewer: str, reason: str | None) -> None:
    """Accept a report as extracted (or as corrected)."""
    _review(app, report_id, ReviewAction.ACCEPT, reviewer, reason)


@review.command("reject")
@click.argument("report_id")
@click.option("--reviewer", required=True)
@click.option("--reason", required=True)
@pass_app
def review_reject(app: App, report_id: str, reviewer: str, reason: str) -> None:
    """Reject a report (it stays stored, marked rejected)."""
    _review(app, report_id, ReviewAction.REJECT, reviewer, reason)


@review.command("correct")
@click.argument("report_id")
@click.argument("field")
@click.argument("value")
@click.option("--reviewer", required=True)
@click.option("--reason")
@pass_app
def review_correct(
    app: App, report_id: str, field: str, value: str, reviewer: str, reason: str | None
) -> None:
    """Correct FIELD to VALUE (JSON, or a plain string). The original is kept."""
    try:
        parsed: Any = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    _review(app, report_id, ReviewAction.CORRECT, reviewer, reason, field=field, value=parsed)


def _review(app: App, report_id: str, action: ReviewAction, reviewer: str, reason: str | None,
            **correction: Any) -> None:  # fmt: skip
    with app.uow() as uow:
        _, status = review_report(uow=uow, report_id=report_id, action=action, reviewer=reviewer, now=app.now(),
                                  reason=reason, **correction)  # fmt: skip
    click.echo(f"{report_id}: {status.value}")
