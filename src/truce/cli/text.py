"""Commands over texts: ingest, extract, documents, review."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from truce.cli.main import DATE, App, acting, as_json, cli, pass_app
from truce.cli.render import echo_json, echo_json_lines
from truce.domain.documents import TextMeta
from truce.domain.errors import InputRejected, TruceError
from truce.domain.reports import Report
from truce.domain.reviews import ReviewAction
from truce.intake.adapters import KINDS, detect_kind, read
from truce.services.documents import MAX_LIMIT, STATUSES
from truce.services.documents import documents as list_documents
from truce.services.extraction import (
    ProcessingFailed,
    extract_each,
    rerun_document,
    resources_for,
    store_resources,
)
from truce.services.processing import processor_for
from truce.services.reviews import review_report, reviewed_report
from truce.services.views import review_queue

PATHS = click.Path(exists=True, dir_okay=False, path_type=Path)

# The canonical fields `truce extract --json` prints, in SCHEMA.md's names.
JSON_FIELDS = (
    "date_start",
    "date_end",
    "date_precision",
    "location_name",
    "admin1",
    "country",
    "lat",
    "lon",
    "location_precision",
    "event_type",
    "sub_event_type",
    "plover_event",
    "plover_mode",
    "cameo_code",
    "weapons",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "injured",
    "source_quoted",
    "actors",
    "spans",
    "notes",
)
KIND = click.option(
    "--kind",
    type=click.Choice(KINDS),
    help="Force the reader (default: from the name and content).",
)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=PATHS)
@click.option(
    "--published", type=DATE, help="Publication date (YYYY-MM-DD) for texts that do not carry one."
)
@KIND
@acting
@pass_app
def ingest(app: App, paths: tuple[Path, ...], published: datetime | None, kind: str | None) -> None:
    """Store documents, extract their reports and store those.

    Reads plain text (any encoding, incl. windows-1256), HTML pages, RSS/Atom
    feeds (one text per entry), e-mails with attachments, and JSON submissions.
    The user acting (--as) is recorded as each document's submitter. A document
    that fails (refused, or a pipeline stage's error) is named on stderr with the
    stage and the reason, kept as failed, and the batch goes on; the command exits
    with an error at the end. `truce documents rerun --failed` runs them again.
    """
    failures = 0
    totals = {"documents": 0, "reports": 0, "new": 0}
    with app.uow(read_only=True) as uow:
        who = app.principal(uow)
    # Each document in transactions of its own, parsed in a worker bounded in time and memory:
    # one that fails, whatever the reason, is kept as failed and the batch goes on.
    with (
        processor_for(app.settings, app.engine, app.keyring) as processor,
        click.progressbar(paths, label="ingesting", file=sys.stderr) as bar,
    ):
        for path in bar:
            try:
                result = processor.ingest(
                    who=who,
                    content=path.read_bytes(),
                    now=app.now(),
                    filename=path.name,  # the name, not the operator's folders
                    max_bytes=app.settings.max_document_bytes,
                    kind=kind,
                    published=published.date() if published else None,
                )
            except (TruceError, OSError) as exc:
                failures += 1
                click.echo(f"\n{_failure_line(path, exc)}", err=True)
                continue
            totals["documents"] += 1
            totals["reports"] += len(result.reports)
            totals["new"] += result.imported
            click.echo(f"{path}: {result.line()}")
    click.echo(
        f"{totals['documents']} document(s) ingested, {failures} failed; "
        f"{totals['reports']} report(s), {totals['new']} new"
    )
    if failures:
        raise InputRejected(f"{failures} document(s) failed; see `truce documents --status failed`")


def _failure_line(path: Path, exc: Exception) -> str:
    """One line: the file, where it failed, and why (a stored failure names its document)."""
    if isinstance(exc, ProcessingFailed):
        where = f"failed at {exc.stage} (kept as document {exc.document_id[:12]}, failed)"
    elif isinstance(exc, OSError):
        where, exc = "not read", OSError(exc.strerror or str(exc))
    else:
        where = "refused at intake"
    message = " ".join(str(exc).split())  # one line, whatever the reason holds
    return f"{path}: {where}: {message}"


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=PATHS)
@click.option("--published", type=DATE, help="Publication date (YYYY-MM-DD), for relative dates.")
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object per report (canonical field names)."
)
@click.option(
    "--scheduler", metavar="ADDRESS", help="Run on a Dask cluster (e.g. tcp://127.0.0.1:8786)."
)
@KIND
def extract(
    paths: tuple[Path, ...],
    published: datetime | None,
    as_json: bool,
    scheduler: str | None,
    kind: str | None,
) -> None:
    """Run the extraction pipeline over files and print the reports. Stores nothing.

    A file that cannot be read, or a text a pipeline stage fails on, is named on stderr with
    the stage and the error; the others are extracted all the same, and the command exits
    with an error at the end saying how many failed."""
    failures = 0
    items: list[tuple[str, TextMeta, str]] = []
    # Relative dates in a text with no publication date are kept, unplaced, on this day.
    today = App.now().date()
    for path in paths:
        meta = TextMeta(
            label=str(path), published=published.date() if published else None, received=today
        )
        try:
            content = path.read_bytes()
            texts = read(
                content, kind=kind or detect_kind(content, path.name), label=str(path), meta=meta
            )
        except (TruceError, OSError) as exc:
            failures += 1
            click.echo(_failure_line(path, exc), err=True)
            continue
        items += [(text.text, text.meta, str(path)) for text in texts]
    pairs = [(text, meta) for text, meta, _ in items]
    if scheduler:
        from truce.services.distributed import extract_on_cluster

        results = extract_on_cluster(pairs, scheduler)
    else:
        results = extract_each(pairs, resources_for())
    failed_labels: set[str] = set()
    for (_, _, label), result in zip(items, results, strict=True):
        if result.failed:
            failed_labels.add(label)
            message = " ".join((result.error or "").split())
            click.echo(f"{label}: failed at {result.stage}: {message}", err=True)
            continue
        if as_json:
            echo_json_lines(report_json(report, label) for report in result.reports)
            continue
        for report in result.reports:
            click.echo(f"{label}: {_report_line(report)}")
    failures += len(failed_labels)
    if failures:
        raise InputRejected(f"{failures} of {len(paths)} file(s) failed; the others were extracted")


def _report_line(report: Report) -> str:
    actors = ", ".join(f"{a.name} [{a.role}, {a.side}]" for a in report.actors) or "none"
    where = f"{report.location_name or '?'} ({report.admin1 or report.country or '?'})"
    return (
        f"{report.date_start} {report.event_type} / {report.sub_event_type} at {where}; "
        f"fatalities {report.fatalities_best}; actors {actors}"
    )


def report_json(report: Report, document: str) -> dict[str, Any]:
    plain = report.to_plain()
    out = {name: plain.get(name) for name in JSON_FIELDS if name in plain}
    out["source_quoted"] = plain.get("attribution")
    out["actors"] = [
        {"name": a["name"], "role": a["role"], "side": a["side"], "actor_id": a["actor_id"]}
        for a in plain["actors"]
    ]
    out["publisher"] = plain["sources"][0]["name"] if plain["sources"] else None
    out["document"] = document
    out["id"] = report.id
    return out


@cli.group(invoke_without_command=True)
@click.option("--status", type=click.Choice(STATUSES))
@click.option("--limit", default=100, show_default=True, help="At most this many, newest first.")
@as_json
@acting
@click.pass_context
def documents(ctx: click.Context, status: str | None, limit: int, as_json: bool) -> None:
    """List stored documents with their processing status (JSON Lines with --json)."""
    if ctx.invoked_subcommand is not None:
        return
    app = ctx.find_object(App)
    assert app is not None
    with app.uow(read_only=True) as uow:
        rows = list_documents(uow=uow, who=app.principal(uow), status=status, limit=limit)
    if as_json:
        echo_json_lines(row.to_plain() for row in rows)
        return
    for row in rows:
        detail = (row.status_detail or "").replace("\n", " ")[:100]
        click.echo(f"{row.id}  {row.status:<16} {row.media_type:<22} {row.size:>9} B  {detail}")
    if not rows:
        click.echo("no documents")


@documents.command("rerun")
@click.argument("document_id", required=False)
@click.option("--failed", "all_failed", is_flag=True, help="Every document that failed, again.")
@click.option("--published", type=DATE, help="Publication date (YYYY-MM-DD) to use.")
@acting
@pass_app
def documents_rerun(
    app: App, document_id: str | None, all_failed: bool, published: datetime | None
) -> None:
    """Run a stored text document (or, with --failed, every failed one) through the current
    pipeline again. One that fails again stays failed, with the new reason."""
    if (document_id is None) == (not all_failed):
        raise InputRejected("give a DOCUMENT_ID or --failed, not both")
    if document_id is not None:
        ids = [document_id]
    else:
        with app.uow(read_only=True) as uow:
            rows = list_documents(uow=uow, who=app.principal(uow), status="failed", limit=MAX_LIMIT)
        ids = [row.id for row in rows]
    failures = 0
    for each in ids:
        try:
            with app.uow() as uow:
                result = rerun_document(
                    uow=uow,
                    who=app.principal(uow),
                    document_id=each,
                    now=app.now(),
                    resources=store_resources(uow),
                    published=published.date() if published else None,
                )
        except TruceError as exc:
            if document_id is not None:
                raise
            failures += 1
            stage = getattr(exc, "stage", None)
            where = f"failed at {stage}" if stage else "failed"
            click.echo(f"{each}: {where}: {' '.join(str(exc).split())}", err=True)
            continue
        click.echo(f"{each}: {result.line()}")
    if all_failed:
        click.echo(f"{len(ids) - failures} of {len(ids)} failed document(s) now processed")
    if failures:
        raise InputRejected(f"{failures} document(s) failed again")


@cli.group()
def review() -> None:
    """Review extracted reports: the queue, accept, correct a field, reject."""


@review.command("queue")
@click.option("--limit", default=20, show_default=True)
@as_json
@acting
@pass_app
def review_queue_command(app: App, limit: int, as_json: bool) -> None:
    """Reports awaiting review (JSON Lines with --json: each report whole)."""
    with app.uow(read_only=True) as uow:
        reports = review_queue(uow=uow, who=app.principal(uow), limit=limit)
    if as_json:
        echo_json_lines(report.to_plain() for report in reports)
        return
    for r in reports:
        click.echo(f"{r.id}  {r.date_start}  {r.sub_event_type}  {r.location_name}")


@review.command("show")
@click.argument("report_id")
@as_json
@acting
@pass_app
def review_show(app: App, report_id: str, as_json: bool) -> None:
    """A report as extracted and as reviewed, with each review act."""
    with app.uow(read_only=True) as uow:
        original, reviewed, status, history = reviewed_report(
            uow=uow, who=app.principal(uow), report_id=report_id
        )
    shown = {"original": original.to_plain(), "reviewed": reviewed.to_plain()}
    if as_json:
        acts = [act.to_plain() for act in history]
        echo_json({"report_id": report_id, "status": status.value, "reviews": acts, **shown})
        return
    click.echo(f"{report_id}: {status.value}")
    for act in history:
        what = f" {act.field}: {act.previous!r} -> {act.value!r}" if act.field else ""
        when = f"{act.at:%Y-%m-%d %H:%M}"
        click.echo(f"  {when} {act.reviewer} {act.action.value}{what} {act.reason or ''}")
    echo_json(shown)


@review.command("accept")
@click.argument("report_id")
@click.option("--reason")
@acting
@pass_app
def review_accept(app: App, report_id: str, reason: str | None) -> None:
    """Accept a report as extracted (or as corrected)."""
    _review(app, report_id, ReviewAction.ACCEPT, reason)


@review.command("reject")
@click.argument("report_id")
@click.option("--reason", required=True)
@acting
@pass_app
def review_reject(app: App, report_id: str, reason: str) -> None:
    """Reject a report (it stays stored, marked rejected)."""
    _review(app, report_id, ReviewAction.REJECT, reason)


@review.command("correct")
@click.argument("report_id")
@click.argument("field")
@click.argument("value")
@click.option("--reason")
@acting
@pass_app
def review_correct(app: App, report_id: str, field: str, value: str, reason: str | None) -> None:
    """Correct FIELD to VALUE (JSON, or a plain string). The original is kept."""
    try:
        parsed: Any = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    _review(app, report_id, ReviewAction.CORRECT, reason, field=field, value=parsed)


def _review(
    app: App, report_id: str, action: ReviewAction, reason: str | None, **correction: Any
) -> None:
    """One review act, recorded as done by the user acting (--as)."""
    with app.uow() as uow:
        _, status = review_report(
            uow=uow,
            who=app.principal(uow),
            report_id=report_id,
            action=action,
            now=app.now(),
            reason=reason,
            **correction,
        )
    click.echo(f"{report_id}: {status.value}")
