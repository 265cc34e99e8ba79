"""Commands that set Truce up and show where it stands: init, scenario, summary, demo; and
the accounts' commands under `members`: passwd, deactivate, token (issue and revoke)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from truce import scenarios
from truce.cli.main import DATE, App, acting, agreement_option, as_json, cli, pass_app
from truce.cli.mechanism import members
from truce.cli.render import echo_demo, echo_json, echo_json_lines, render_tally, tally_plain
from truce.services import compliance_summary, load_scenario, trust
from truce.services.demo import DEMO_MEMBER_KEYS, run_demo
from truce.services.members import deactivate_user
from truce.services.passwords import set_password
from truce.services.principals import LOCAL_ADMINISTRATOR
from truce.services.schema import schema_revision
from truce.services.tokens import DEFAULT_DAYS, MAX_DAYS, issue_token, revoke_token, token_id

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
@click.option(
    "--fixed-passwords",
    is_flag=True,
    help="Give the demo accounts the fixed passwords the tests know, not random ones.",
)
@pass_app
def demo(app: App, fixed_passwords: bool) -> None:
    """Set everything up and run the main job on the Astana sample corpus.

    Creates the database, loads the astana-2016 scenario, imports the sample
    ACLED-layout data set, takes in the party and monitor reports as texts,
    fuses reports into incidents, grades and judges them against the truce,
    and prints the compliance summary for the truce's first two months
    (30 December 2016 to 28 February 2017), each guarantor's tally for
    9 January 2017, and the Wadi Barada findings with their reasons. Then it
    plays the joint mechanism over them and exports the ledger to
    demo-out/ledger. The demo accounts get random passwords, printed this once.

    Each guarantor's key is made in its own directory under ./truce-member-keys/ (standing
    for the guarantor's own machine), sealed with a passphrase printed this once; the
    server's key directory holds only the log operator's key. The trust file members would
    exchange is written to demo-out/trust.json.
    """
    trust.refuse_member_keys(app.keyring)
    click.echo(f"1. database: {app.settings.database_url}")
    with app.uow() as uow:
        run = run_demo(
            uow,
            app.now(),
            bundle=DEMO_BUNDLE,
            max_bytes=app.settings.max_document_bytes,
            who=app.principal(uow),
            fixed_passwords=fixed_passwords,
            member_keys=DEMO_MEMBER_KEYS,
            origin=app.settings.log_origin,
        )
    echo_demo(run)


# --- accounts (under `truce members`) ---------------------------------------------------------


@members.command("passwd")
@click.argument("user")
@click.option(
    "--stdin", "from_stdin", is_flag=True, help="Read the password from standard input (scripts)."
)
@acting
@pass_app
def members_passwd(app: App, user: str, from_stdin: bool) -> None:
    """Set USER's password for the pages (asked twice, unless --stdin). It needs 12 characters
    or more and must not be easy to guess. USER's open sessions end."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            f"New password for {user}", hide_input=True, confirmation_prompt=True
        )
    with app.uow() as uow:
        who = app.principal(uow, LOCAL_ADMINISTRATOR)
        set_password(uow=uow, who=who, user=user, password=password, now=app.now())
    click.echo(f"password set for {user}; their sessions ended")


@members.command("deactivate")
@click.argument("user")
@acting
@pass_app
def members_deactivate(app: App, user: str) -> None:
    """Deactivate USER: no more log-ins; open sessions end and API tokens are revoked. The
    user stays on record (the ledger names it)."""
    with app.uow() as uow:
        who = app.principal(uow, LOCAL_ADMINISTRATOR)
        revoked = deactivate_user(uow=uow, who=who, user=user, now=app.now())
    tokens = f"; tokens revoked: {', '.join(revoked)}" if revoked else ""
    click.echo(f"{user} deactivated; sessions ended{tokens}")


@members.command("token")
@click.argument("user", required=False)
@click.option("--name", default=None, help="What the token is for (shown in lists).")
@click.option(
    "--days",
    type=click.IntRange(1, MAX_DAYS),
    default=DEFAULT_DAYS,
    show_default=True,
    help="Days until the token expires.",
)
@click.option("--revoke", "revoke", metavar="TOKEN_ID", help="Revoke this token instead.")
@acting
@pass_app
def members_token(
    app: App, user: str | None, name: str | None, days: int, revoke: str | None
) -> None:
    """Issue an API token for USER, or revoke one with --revoke TOKEN_ID. A new token's secret
    is printed once, on the first line (only its hash is stored); its ID and expiry follow on
    standard error."""
    if (user is None) == (revoke is None):
        raise click.UsageError("give USER to issue a token, or --revoke TOKEN_ID (not both)")
    with app.uow() as uow:
        who = app.principal(uow, LOCAL_ADMINISTRATOR)
        if revoke is not None:
            done = revoke_token(uow=uow, who=who, token_id=revoke, now=app.now())
            click.echo(f"token {done.id} of {done.user} revoked")
            return
        assert user is not None
        token = issue_token(uow=uow, who=who, user=user, now=app.now(), name=name, days=days)
    click.echo(token)
    click.echo(f"token {token_id(token)} for {user}, valid {days} days", err=True)
