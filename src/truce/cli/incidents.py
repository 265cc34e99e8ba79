"""Commands over incidents: fuse, incidents (list, show, export, merge, split), assess, tally,
counts."""

from __future__ import annotations

import itertools
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

import click

from truce.assess.views import Counting
from truce.cli.main import DATE, App, BoxType, acting, agreement_option, as_json, cli, pass_app
from truce.cli.render import (
    echo_json,
    echo_json_lines,
    guarantor_tallies_plain,
    render_guarantor_tallies,
)
from truce.services.assessment import assess_incidents, tally_for_day
from truce.services.counts import violation_counts
from truce.services.files import open_private
from truce.services.incident_export import FORMATS, ExportRow, export_incidents, incident_rows
from truce.services.incident_page import incident_detail
from truce.services.incidents import fuse, merge_incidents, split_incident


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def filter_options(command: Any) -> Any:
    """The area and date filters shared by `incidents list` and `incidents export`."""
    for option in reversed(
        [
            click.option("--from", "start", type=DATE, help="First day (YYYY-MM-DD)."),
            click.option("--to", "end", type=DATE, help="Last day (YYYY-MM-DD)."),
            click.option("--governorate", help="Only incidents in this governorate (admin1)."),
            click.option("--bbox", type=BoxType(), help="Only incidents inside this box."),
        ]
    ):
        command = option(command)
    return command


@cli.command("fuse")
@click.option(
    "--rebuild", is_flag=True, help="Re-cluster every report (drops manual merges and splits)."
)
@acting
@pass_app
def fuse_command(app: App, rebuild: bool) -> None:
    """Fuse reports into incidents: new reports join incidents or open new ones."""
    with app.uow() as uow:
        summary = fuse(uow=uow, who=app.principal(uow), now=app.now(), rebuild=rebuild)
    click.echo(summary.line())


@cli.group()
def incidents() -> None:
    """Incidents: list, show, export, merge, split. Former IDs keep resolving."""


@incidents.command("list")
@filter_options
@click.option("--limit", type=click.IntRange(min=1), help="At most this many (default: all).")
@agreement_option
@as_json
@acting
@pass_app
def incidents_list(
    app: App,
    start: datetime | None,
    end: datetime | None,
    governorate: str | None,
    bbox: tuple[float, float, float, float] | None,
    limit: int | None,
    agreement: str | None,
    as_json: bool,
) -> None:
    """Incidents with their finding, newest first (JSON Lines with --json)."""
    with app.uow(read_only=True) as uow:
        rows = incident_rows(
            uow=uow,
            who=app.principal(uow),
            agreement_id=app.agreement(agreement),
            start=_day(start),
            end=_day(end),
            governorate=governorate,
            bbox=bbox,
        )
        rows = itertools.islice(rows, limit)
        if as_json:
            echo_json_lines(row.to_plain() for row in rows)
            return
        listed = 0
        for row in rows:
            click.echo(_incident_line(row))
            listed += 1
    if not listed:
        click.echo("no incidents")


def _incident_line(r: ExportRow) -> str:
    verdict = (
        f"{r.finding} ({r.responsible_side or '-'}, {r.occurrence}/{r.attribution})"
        if r.finding
        else "not assessed"
    )
    where = f"{r.admin1 or '?':<15} {r.sub_event_type or '?':<34}"
    return f"{r.id}  {r.date_start}  {where} {len(r.report_ids)} report(s)  {verdict}"


@incidents.command("show")
@click.argument("incident_id")
@agreement_option
@as_json
@acting
@pass_app
def incidents_show(app: App, incident_id: str, agreement: str | None, as_json: bool) -> None:
    """An incident (by any of its IDs, current or former), its claims, finding and reasons,
    its case, and its history of merges and splits."""
    with app.uow(read_only=True) as uow:
        detail = incident_detail(
            uow=uow,
            who=app.principal(uow),
            incident_id=incident_id,
            agreement_id=app.agreement(agreement),
        )
    incident, finding, case = detail.incident, detail.finding, detail.case
    if as_json:
        echo_json({"requested_id": incident_id, **detail.to_plain(), "history": detail.history})
        return
    if incident.id != incident_id:
        click.echo(f"{incident_id} is now {incident.id}")
    echo_json(incident.to_plain())
    if finding is not None:
        click.echo(
            f"finding: {finding.category.value}; clauses {', '.join(finding.clauses) or '-'}; "
            f"responsible {finding.responsible_side or '-'}; "
            f"{finding.occurrence.value}, {finding.attribution.value}"
        )
        for reason in finding.reasons:
            click.echo(f"  - {reason}")
    if case is not None:
        click.echo(f"case: {case.id} {case.state.value}")
    for event in detail.history:
        click.echo(
            f"history: {event['at']:%Y-%m-%d %H:%M} {event['op']} by {event['actor']}: "
            f"{event['reason'] or ''}"
        )


@incidents.command("export")
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(FORMATS),
    help="geojson (an RFC 7946 FeatureCollection), csv, or json (an array).",
)
@filter_options
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here instead of standard output.",
)
@agreement_option
@acting
@pass_app
def incidents_export(
    app: App,
    fmt: str,
    start: datetime | None,
    end: datetime | None,
    governorate: str | None,
    bbox: tuple[float, float, float, float] | None,
    out: Path | None,
    agreement: str | None,
) -> None:
    """Export incidents with their finding, grades, case state and report IDs.

    Newest first, streamed: the store is read 500 incidents at a time and each is written
    as it comes. Incidents on protected sources are coarsened for all but analysts.
    (`truce export FORMAT` exports reports.)
    """
    with app.uow(read_only=True) as uow:
        who = app.principal(uow)

        def write(handle: TextIO) -> int:
            return export_incidents(
                uow=uow,
                who=who,
                fmt=fmt,
                out=handle,
                agreement_id=app.agreement(agreement),
                start=_day(start),
                end=_day(end),
                governorate=governorate,
                bbox=bbox,
            )

        if out is None:
            count = write(sys.stdout)
        else:
            # Written beside the target, then moved over it: a failed export leaves no half file.
            part = out.with_name(out.name + ".part")
            try:
                # 0600: an analyst's export holds exact places of protected sources.
                with open_private(part) as handle:
                    count = write(handle)
                part.replace(out)
            finally:
                part.unlink(missing_ok=True)
    where = f" to {out}" if out else ""
    click.echo(f"{count} incident(s) written{where}", err=out is None)


@incidents.command("merge")
@click.argument("incident_ids", nargs=-1, required=True)
@click.option("--reason", required=True, help="Why (kept in the incident's history).")
@acting
@pass_app
def incidents_merge(app: App, incident_ids: tuple[str, ...], reason: str) -> None:
    """Merge incidents into one; the others' IDs become aliases of it."""
    with app.uow() as uow:
        merged = merge_incidents(
            uow=uow,
            who=app.principal(uow),
            incident_ids=list(incident_ids),
            reason=reason,
            now=app.now(),
        )
    click.echo(f"merged into {merged.id} ({len(merged.report_ids)} reports)")


@incidents.command("split")
@click.argument("incident_id")
@click.option(
    "--reports", "report_ids", required=True, help="Comma-separated report IDs to move out."
)
@click.option("--reason", required=True, help="Why (kept in the incident's history).")
@acting
@pass_app
def incidents_split(app: App, incident_id: str, report_ids: str, reason: str) -> None:
    """Move reports out of an incident into a new one."""
    moved = [r.strip() for r in report_ids.split(",")]
    with app.uow() as uow:
        parts = split_incident(
            uow=uow,
            who=app.principal(uow),
            incident_id=incident_id,
            report_ids=moved,
            reason=reason,
            now=app.now(),
        )
    click.echo("split into " + ", ".join(f"{p.id} ({len(p.report_ids)} reports)" for p in parts))


@cli.command("assess")
@agreement_option
@acting
@pass_app
def assess_command(app: App, agreement: str | None) -> None:
    """Grade every incident and judge it against the agreement's terms."""
    with app.uow() as uow:
        counts = assess_incidents(
            uow=uow, who=app.principal(uow), agreement_id=app.agreement(agreement), now=app.now()
        )
    changed = counts.pop("changed", 0)
    click.echo(
        ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        + f"; {changed} finding(s) new or changed"
    )


@cli.command("tally")
@click.option("--date", "day", type=DATE, required=True, help="The day (YYYY-MM-DD).")
@click.option("--guarantor", help="Only this guarantor (e.g. russia, turkey).")
@click.option(
    "--counting",
    type=click.Choice([c.value for c in Counting]),
    default="incident",
    show_default=True,
    help="What counts as one violation.",
)
@agreement_option
@as_json
@acting
@pass_app
def tally_command(
    app: App,
    day: datetime,
    guarantor: str | None,
    counting: str,
    agreement: str | None,
    as_json: bool,
) -> None:
    """Each guarantor's tally for a day, by governorate, with what the other side cannot confirm."""
    with app.uow(read_only=True) as uow:
        tallies = tally_for_day(
            uow=uow,
            who=app.principal(uow),
            agreement_id=app.agreement(agreement),
            day=day.date(),
            guarantor=guarantor,
            counting=Counting(counting),
        )
    if as_json:
        echo_json(guarantor_tallies_plain(tallies, day.date()))
    else:
        click.echo(render_guarantor_tallies(tallies, day.date()))


@cli.command("counts")
@click.option("--from", "start", type=DATE, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", type=DATE, help="Last day (YYYY-MM-DD).")
@click.option("--governorate", help="Only this governorate.")
@click.option("--side", help="Only violations this side is held responsible for.")
@agreement_option
@as_json
@acting
@pass_app
def counts_command(
    app: App,
    start: datetime | None,
    end: datetime | None,
    governorate: str | None,
    side: str | None,
    agreement: str | None,
    as_json: bool,
) -> None:
    """Judged violations in a period, by side and governorate: the counts the dashboard and
    the API show, counted by the database."""
    with app.uow(read_only=True) as uow:
        counts = violation_counts(
            uow=uow,
            who=app.principal(uow),
            agreement_id=app.agreement(agreement),
            start=_day(start),
            end=_day(end),
            governorate=governorate,
            side=side,
        )
    if as_json:
        echo_json(counts.to_plain())
        return
    period = " to ".join(d.isoformat() for d in (counts.start, counts.end) if d) or "all days"
    if counts.start and not counts.end:
        period = f"from {period}"
    elif counts.end and not counts.start:
        period = f"up to {period}"
    click.echo(f"Agreement {counts.agreement_id}, {period}: {counts.total} judged violation(s)")
    click.echo(f"Counts {counts.label}.")
    for title, found in (("by side", counts.by_side), ("by governorate", counts.by_governorate)):
        click.echo(f"  {title}: " + (", ".join(f"{k} {n}" for k, n in found.items()) or "none"))
