"""Commands that set Truce up: init, scenario, summary, demo."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from truce import scenarios
from truce.cli.incidents import render_guarantor_tallies
from truce.cli.main import App, cli, pass_app
from truce.cli.render import echo_import, render_tally
from truce.services import compliance_summary, load_scenario
from truce.services.assessment import assess_incidents, findings_by_incident, tally_for_day
from truce.services.demo import load_sample, play
from truce.services.incidents import fuse
from truce.store.database import current_revision

DEFAULT_AGREEMENT = "astana-2016"


@cli.command()
@pass_app
def init(app: App) -> None:
    """Create the database, or bring its schema up to date."""
    revision = current_revision(app.engine)
    click.echo(f"database ready: {app.settings.database_url} (schema revision {revision})")


@cli.group()
def scenario() -> None:
    """Ready-made agreements with their actors, members and zones."""


@scenario.command("list")
def scenario_list() -> None:
    """List the scenarios shipped with Truce."""
    for name in scenarios.available():
        click.echo(name)


@scenario.command("load")
@click.argument("name")
@pass_app
def scenario_load(app: App, name: str) -> None:
    """Load scenario NAME (e.g. astana-2016) into the database. Safe to repeat."""
    with app.uow() as uow:
        loaded = load_scenario(uow=uow, name=name)
    click.echo(
        f"loaded {loaded.scenario}: {loaded.agreements} agreements, {loaded.members} members, "
        f"{loaded.actors} actors, {loaded.zones} zones"
    )


@cli.command()
@click.option("--agreement", default=DEFAULT_AGREEMENT, show_default=True, help="Agreement ID.")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (YYYY-MM-DD).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (YYYY-MM-DD).")
@pass_app
def summary(app: App, agreement: str, start: object, end: object) -> None:
    """Print the compliance tally by governorate and side for an agreement's period."""
    with app.uow() as uow:
        result = compliance_summary(
            uow=uow, agreement_id=agreement, start=_day(start), end=_day(end)
        )
    click.echo(render_tally(result))


def _day(value: object) -> date | None:
    return value.date() if hasattr(value, "date") else None


@cli.command()
@pass_app
def demo(app: App) -> None:
    """Set everything up and run the main job on the Astana sample corpus.

    Creates the database, loads the astana-2016 scenario, imports the sample
    ACLED-layout data set, takes in six party and monitor reports as texts,
    fuses reports into incidents, grades and judges them against the truce,
    and prints the compliance summary for the truce's first two months
    (30 December 2016 to 28 February 2017), each guarantor's tally for
    9 January 2017, and the Wadi Barada findings with their reasons.
    """
    click.echo(f"1. database: {app.settings.database_url}")
    with app.uow() as uow:
        loaded = load_scenario(uow=uow, name="astana-2016")
        click.echo(
            f"2. scenario astana-2016: {loaded.agreements} agreements, {loaded.members} members, "
            f"{loaded.actors} actors, {loaded.zones} zones"
        )
        scenario = scenarios.load("astana-2016")
        sample = load_sample(uow, app.now(), max_bytes=app.settings.max_document_bytes)
        click.echo("3. sample corpus (ACLED layout):")
        echo_import(sample.imported, indent="   ")
        extracted = sample.extracted
        click.echo(
            f"4. {len(scenario.sample_reports)} party and monitor texts read: {extracted} report(s) extracted"
        )
        # Incidents were kept current as the reports came in (incremental fusion); the
        # batch re-clustering of the whole corpus gives the same kind of result in one pass.
        fused = fuse(uow=uow, now=app.now(), rebuild=True)
        click.echo(f"5. fusion, {fused.line()}")
        counts = assess_incidents(uow=uow, agreement_id=DEFAULT_AGREEMENT, now=app.now())
        counts.pop("changed", None)
        click.echo("6. findings: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        start, end = scenario.sample_period
        tally = compliance_summary(uow=uow, agreement_id=DEFAULT_AGREEMENT, start=start, end=end)
        tallies = tally_for_day(uow=uow, agreement_id=DEFAULT_AGREEMENT, day=DEMO_DAY)
        findings = findings_by_incident(uow=uow, agreement_id=DEFAULT_AGREEMENT)
        wadi_barada = [i for i in uow.incidents.all(start=start, end=end)
                       if (i.location_name or "") in WADI_BARADA and findings.get(i.id)]  # fmt: skip
        mechanism = play(uow, app.now(), Path("demo-out") / "ledger")
    click.echo("7. compliance summary:\n")
    click.echo(render_tally(tally))
    click.echo("\n8. " + render_guarantor_tallies(tallies, DEMO_DAY.isoformat()))
    click.echo("\n9. Wadi Barada findings:")
    for incident in wadi_barada:
        finding = findings[incident.id]
        click.echo(f"   {incident.date_start} {incident.location_name}: {finding.category.value}, "
                   f"{len(incident.report_ids)} report(s), {finding.occurrence.value}/{finding.attribution.value}")  # fmt: skip
        click.echo(
            f"     because {finding.reasons[0]}"
            + (f"; {finding.reasons[1]}" if len(finding.reasons) > 1 else "")
        )
    click.echo("\n10. The joint mechanism:")
    for line in mechanism:
        click.echo(f"   {line}")


DEMO_DAY = date(2017, 1, 9)
WADI_BARADA = {"Wadi Barada", "Ain al-Fijah", "Basimah", "Deir Muqrin", "Kafr al-Zayt", "Souq Wadi Barada",
               "Deir Qanun", "Kafr al-Awamid", "Husseiniyeh", "Burhaliya"}  # fmt: skip
