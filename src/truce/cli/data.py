"""Commands that move data in and out: import, export."""

from __future__ import annotations

import csv
import io
import sys
from datetime import datetime
from pathlib import Path

import click

from truce.cli.main import DATE, App, BoxType, acting, cli, pass_app
from truce.cli.render import echo_import
from truce.formats.common import Loss
from truce.services import DATASET_FORMATS, export_reports, import_dataset
from truce.services.files import write_private

IMPORT_FORMATS = click.Choice(sorted(DATASET_FORMATS))


@cli.command("import")
@click.argument("fmt", metavar="FORMAT", type=IMPORT_FORMATS)
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--no-refresh",
    is_flag=True,
    help="Do not fuse, grade and judge the new reports now (for bulk loads; "
    "run `truce fuse` and `truce assess` after).",
)
@acting
@pass_app
def import_(app: App, fmt: str, files: tuple[Path, ...], no_refresh: bool) -> None:
    """Import coded data: FORMAT is acled, ucdp, geojson or plover.

    Each file is stored untouched (SHA-256 addressed) before it is parsed, with the
    user acting (--as) as its submitter. Bad rows are refused with their line number
    and reason; good rows are kept. Then the new reports join incidents (or open them),
    and every incident they touch is graded and judged again.
    """
    for path in files:
        content = path.read_bytes()
        lines = max(content.count(b"\n") - 1, 1)
        with (
            app.uow() as uow,
            click.progressbar(length=lines, label=f"importing {path.name}", file=sys.stderr) as bar,
        ):
            result = import_dataset(
                uow=uow,
                who=app.principal(uow),
                fmt=fmt,
                content=content,
                now=app.now(),
                max_bytes=app.settings.max_document_bytes,
                filename=path.name,  # the name, not the operator's folders
                progress=bar.update,
                refresh=not no_refresh,
            )
        click.echo(f"{path}:")
        echo_import(result, indent="  ")


@cli.command()
@click.argument("fmt", metavar="FORMAT", type=IMPORT_FORMATS)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here instead of standard output.",
)
@click.option(
    "--losses",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to list what each row lost (default: OUT.losses.csv).",
)
@click.option(
    "--layout",
    type=click.Choice(["current", "old"]),
    help="ACLED only: the current 31-column layout or the older one.",
)
@click.option("--from", "start", type=DATE, help="Only reports on or after this day.")
@click.option("--to", "end", type=DATE, help="Only reports on or before this day.")
@click.option("--governorate", help="Only reports in this governorate (as the report names it).")
@click.option("--bbox", type=BoxType(), help="Only reports placed inside this box.")
@acting
@pass_app
def export(
    app: App,
    fmt: str,
    out: Path | None,
    losses: Path | None,
    layout: str | None,
    start: datetime | None,
    end: datetime | None,
    governorate: str | None,
    bbox: tuple[float, float, float, float] | None,
) -> None:
    """Export current reports as acled, ucdp, geojson or plover.

    Where the format cannot hold a field exactly, the loss is listed per row in
    a CSV beside the output (row, report, field, reason). Nothing is dropped silently.
    Protected sources are redacted for all but analysts. (`truce incidents export`
    exports incidents.)
    """
    with app.uow(read_only=True) as uow:
        result = export_reports(
            uow=uow,
            who=app.principal(uow),
            fmt=fmt,
            layout=layout,
            start=start.date() if start else None,
            end=end.date() if end else None,
            governorate=governorate,
            bbox=bbox,
        )
    if out is None:
        click.echo(result.text, nl=False)
    else:
        write_private(out, result.text)  # 0600: an analyst's export holds protected sources
    if losses is None and out is not None:
        losses = out.with_name(out.name + ".losses.csv")
    rows_with_loss = len({loss.row for loss in result.losses})
    message = f"{result.rows} rows written; {len(result.losses)} losses in {rows_with_loss} rows"
    if result.losses and losses is not None:
        write_private(losses, _losses_csv(result.losses))
        message += f", listed in {losses}"
    elif result.losses:
        message += " (use --losses FILE to list them)"
    click.echo(message, err=out is None)


def _losses_csv(losses: list[Loss]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["row", "report_id", "field", "reason"])
    writer.writerows([loss.row, loss.report_id, loss.field, loss.reason] for loss in losses)
    return buffer.getvalue()
