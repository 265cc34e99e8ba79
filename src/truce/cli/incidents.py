"""Commands over incidents: fuse, incidents (list, show, merge, split), assess, tally."""

from __future__ import annotations

import json
from typing import Any

import click

from truce.assess.views import Counting
from truce.cli.main import App, cli, pass_app
from truce.services.assessment import assess_incidents, findings_by_incident, tally_for_day
from truce.services.incidents import fuse, merge_incidents, split_incident

DEFAULT_AGREEMENT = "astana-2016"
DATE = click.DateTime(["%Y-%m-%d"])


@cli.command("fuse")
@click.option(
    "--rebuild", is_flag=True, help="Re-cluster every report (drops manual merges and splits)."
)
@pass_app
def fuse_command(app: App, rebuild: bool) -> None:
    """Fuse reports into incidents: new reports join incidents or open new ones."""
    with app.uow() as uow:
        summary = fuse(uow=uow, now=app.now(), rebuild=rebuild)
    click.echo(summary.line())


@cli.group()
def incidents() -> None:
    """Incidents: list, show, merge, split. Former IDs keep resolving."""


@incidents.command("list")
@click.option("--from", "start", type=DATE)
@click.option("--to", "end", type=DATE)
@click.option("--agreement", default=DEFAULT_AGREEMENT, show_default=True)
@pass_app
def incidents_list(app: App, start: Any, end: Any, agreement: str) -> None:
    """Incidents with their finding."""
    with app.uow() as uow:
        found = uow.incidents.all(
            start=start.date() if start else None, end=end.date() if end else None
        )
        findings = findings_by_incident(uow=uow, agreement_id=agreement)
    for inc in found:
        f = findings.get(inc.id)
        verdict = (
            f"{f.category.value} ({f.responsible_side or '-'}, {f.occurrence.value}/{f.attribution.value})"
            if f
            else "not assessed"
        )
        click.echo(f"{inc.id}  {inc.date_start}  {inc.admin1 or '?':<15} {inc.sub_event_type or '?':<34} "
                   f"{len(inc.report_ids)} report(s)  {verdict}")  # fmt: skip


@incidents.command("show")
@click.argument("incident_id")
@click.option("--agreement", default=DEFAULT_AGREEMENT, show_default=True)
@pass_app
def incidents_show(app: App, incident_id: str, agreement: str) -> None:
    """An incident (by any of its IDs, current or former), its claims, finding and reasons."""
    with app.uow() as uow:
        incident = uow.incidents.get(incident_id)
        finding = uow.findings.current(incident.id, agreement)
        history = uow.incidents.history(incident.id)
    if incident.id != incident_id:
        click.echo(f"{incident_id} is now {incident.id}")
    click.echo(json.dumps(incident.to_plain(), ensure_ascii=False, indent=1))
    if finding is not None:
        click.echo(f"finding: {finding.category.value}; clauses {', '.join(finding.clauses) or '-'}; "
                   f"responsible {finding.responsible_side or '-'}; {finding.occurrence.value}, {finding.attribution.value}")  # fmt: skip
        for reason in finding.reasons:
            click.echo(f"  - {reason}")
    for event in history:
        click.echo(
            f"history: {event['at']:%Y-%m-%d %H:%M} {event['op']} by {event['actor']}: {event['reason'] or ''}"
        )


@incidents.command("merge")
@click.argument("incident_ids", nargs=-1, required=True)
@click.option("--actor", required=True, help="Who merges (kept in the history).")
@click.option("--reason", required=True)
@pass_app
def incidents_merge(app: App, incident_ids: tuple[str, ...], actor: str, reason: str) -> None:
    """Merge incidents into one; the others' IDs become aliases of it."""
    with app.uow() as uow:
        merged = merge_incidents(
            uow=uow, incident_ids=list(incident_ids), actor=actor, reason=reason, now=app.now()
        )
    click.echo(f"merged into {merged.id} ({len(merged.report_ids)} reports)")


@incidents.command("split")
@click.argument("incident_id")
@click.option(
    "--reports", "report_ids", required=True, help="Comma-separated report IDs to move out."
)
@click.option("--actor", required=True)
@click.option("--reason", required=True)
@pass_app
def incidents_split(app: App, incident_id: str, report_ids: str, actor: str, reason: str) -> None:
    """Move reports out of an incident into a new one."""
    with app.uow() as uow:
        parts = split_incident(uow=uow, incident_id=incident_id, report_ids=[r.strip() for r in report_ids.split(",")],
                               actor=actor, reason=reason, now=app.now())  # fmt: skip
    click.echo("split into " + ", ".join(f"{p.id} ({len(p.report_ids)} reports)" for p in parts))


@cli.command("assess")
@click.option("--agreement", default=DEFAULT_AGREEMENT, show_default=True)
@pass_app
def assess_command(app: App, agreement: str) -> None:
    """Grade every incident and judge it against the agreement's terms."""
    with app.uow() as uow:
        counts = assess_incidents(uow=uow, agreement_id=agreement, now=app.now())
    changed = counts.pop("changed", 0)
    click.echo(
        ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        + f"; {changed} finding(s) new or changed"
    )


@cli.command("tally")
@click.option("--date", "day", type=DATE, required=True, help="The day (YYYY-MM-DD).")
@click.option("--guarantor", help="Only this guarantor (e.g. russia, turkey).")
@click.option("--counting", type=click.Choice([c.value for c in Counting]), default="incident", show_default=True,
              help="What counts as one violation.")  # fmt: skip
@click.option("--agreement", default=DEFAULT_AGREEMENT, show_default=True)
@pass_app
def tally_command(app: App, day: Any, guarantor: str | None, counting: str, agreement: str) -> None:
    """Each guarantor's tally for a day, by governorate, with what the other side cannot confirm."""
    with app.uow() as uow:
        tallies = tally_for_day(uow=uow, agreement_id=agreement, day=day.date(), guarantor=guarantor,
                                counting=Counting(counting))  # fmt: skip
    click.echo(render_guarantor_tallies(tallies, day.date().isoformat()))


def render_guarantor_tallies(tallies: list[Any], day: str) -> str:
    lines = [
        f"Violations recorded on {day}, by each guarantor's side (counting: one per {tallies[0].counting.value if tallies else 'incident'})"
    ]
    for t in tallies:
        areas = ", ".join(f"{area} {n}" for area, n in sorted(t.by_governorate.items())) or "none"
        lines.append(f"  {t.guarantor} (answers for the {t.side} side): {t.total} — {areas}; "
                     f"other side confirmed {len(t.confirmed)}, cannot confirm {len(t.cannot_confirm)}")  # fmt: skip
    return "\n".join(lines)
