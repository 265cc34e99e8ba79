"""Commands that set Truce up and show where it stands: init, scenario, summary, demo."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from truce import scenarios
from truce.cli.main import DATE, App, acting, agreement_option, as_json, cli, pass_app
from truce.cli.render import echo_demo, echo_json, echo_json_lines, render_tally, tally_plain
from truce.services import compliance_summary, load_scenario
from truce.services.demo import run_demo
from truce.services.schema import schema_revision

DEMO_BUNDLE = Path("demo-out") / "ledger"


@cli.command()
@pass_app
def init(app: App) -> None:
    """Create the database, or bring its schema up to date."""
    revision = schema_revision(app.engine)
    click.echo(f"database ready: {app.settings.database_url} (schema revision {revision})")


@cli.group()
def scenario() -> None:
    """Ready-made agreements with their actors, members and zones."""


@scenario.command("list")
@as_json
def scenario_list(as_json: bool) -> None:
    """List the scenarios shipped with Truce (JSON Lines with --json)."""
    if as_json:
        echo_json_lines({"name": name} for name in scenarios.available())
        return
    for name in scenarios.available():
        click.echo(name)


@scenario.command("load")
@click.argument("name")
@acting
@pass_app
def scenario_load(app: App, name: str) -> None:
    """Load scenario NAME (e.g. astana-2016) into the database. Safe to repeat."""
    with app.uow() as uow:
        loaded = load_scenario(uow=uow, who=app.principal(uow), name=name)
    click.echo(
        f"loaded {loaded.scenario}: {loaded.agreements} agreements, {loaded.members} members, "
        f"{loaded.actors} actors, {loaded.zones} zones"
    )


@cli.command()
@agreement_option
@click.option("--from", "start", type=DATE, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", type=DATE, help="Last day (YYYY-MM-DD).")
@as_json
@acting
@pass_app
def summary(
    app: App, agreement: str | None, start: datetime | None, end: datetime | None, as_json: bool
) -> None:
    """Print the compliance tally by governorate and side for an agreement's period."""
    with app.uow(read_only=True) as uow:
        result = compliance_summary(
            uow=uow,
            who=app.principal(uow),
            agreement_id=app.agreement(agreement),
            start=start.date() if start else None,
            end=end.date() if end else None,
        )
    if as_json:
        echo_json(tally_plain(result))
    else:
        click.echo(render_tally(result))


@cli.command()
@pass_app
def demo(app: App) -> None:
    """Set everything up and run the main job on the Astana sample corpus.

    Creates the database, loads the astana-2016 scenario, imports the sample
    ACLED-layout data set, takes in the party and monitor reports as texts,
    fuses reports into incidents, grades and judges them against the truce,
    and prints the compliance summary for the truce's first two months
    (30 December 2016 to 28 February 2017), each guarantor's tally for
    9 January 2017, and the Wadi Barada findings with their reasons. Then it
    plays the joint mechanism over them and exports the ledger to
    demo-out/ledger.
    """
    click.echo(f"1. database: {app.settings.database_url}")
    with app.uow() as uow:
        run = run_demo(
            uow,
            app.now(),
            bundle=DEMO_BUNDLE,
            max_bytes=app.settings.max_document_bytes,
            who=app.principal(uow),
        )
    echo_demo(run)
