"""The `truce` command group, its shared options, and the one place errors are translated."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from typing import Any

import click
from sqlalchemy.exc import OperationalError

from truce import __version__
from truce.config import DEFAULT_AGREEMENT, Settings
from truce.domain.access import OPERATIONS_CENTRE, Principal
from truce.domain.errors import TruceError
from truce.services.principals import principal_of
from truce.services.session import Engine, Keyring, UnitOfWork, keyring_for, open_store
from truce.services.session import unit_of_work as open_unit_of_work

EXIT_ERROR = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a reader that went away


class TruceGroup(click.Group):
    """Turns Truce's own errors into one line on stderr and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _reader_gone()
        except TruceError as exc:
            _fail(ctx, str(exc))
        except OperationalError as exc:
            _fail(ctx, f"database error: {str(exc.orig).strip().splitlines()[0]}")
        except OSError as exc:
            _fail(ctx, f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))


def _reader_gone() -> None:
    """The reader of our output stopped (`truce incidents list --json | head`): stop quietly,
    as a shell pipeline expects, without a second error when Python flushes stdout at exit."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(EXIT_BROKEN_PIPE)


def _fail(ctx: click.Context, message: str) -> None:
    click.echo(f"truce: error: {message}", err=True)
    ctx.exit(EXIT_ERROR)


class App:
    """What every command needs: the settings, read once; the user named by `--as`; and an
    engine and keyring made on demand."""

    def __init__(self, settings: Settings, user: str | None = None) -> None:
        self.settings = settings
        self.user = user
        # Remote mode (`truce --server URL --token TOKEN --key DIR cases reply ...`): the
        # command calls a server's API, and signs the act with the member's key from DIR.
        self.server: str | None = None
        self.token: str | None = None
        self.key_dir: str | None = None
        self._engine: Engine | None = None
        self._keyring: Keyring | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = open_store(self.settings)
        return self._engine

    @property
    def keyring(self) -> Keyring:
        if self._keyring is None:
            self._keyring = keyring_for(self.settings)
        return self._keyring

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        return open_unit_of_work(self.engine, self.keyring, read_only=read_only)

    def principal(self, uow: UnitOfWork, default: Principal = OPERATIONS_CENTRE) -> Principal:
        """The user named by `--as`, else the local account the command acts as."""
        return principal_of(uow=uow, user=self.user) if self.user else default

    def agreement(self, given: str | None) -> str:
        return given or self.settings.agreement

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)


pass_app = click.make_pass_decorator(App)


def _act_as(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """`--as USER` after a command: the same as before it (given twice, it must agree)."""
    app = ctx.find_object(App)
    if value is None or app is None:
        return
    if app.user is not None and app.user != value:
        raise click.BadParameter(f"given twice, as {app.user} and as {value}", ctx, param)
    app.user = value


AS_HELP = "Act as this user of the store: its member and role decide what it may do."
acting = click.option(
    "--as", "acting_user", metavar="USER", expose_value=False, callback=_act_as, help=AS_HELP
)
as_json = click.option("--json", "as_json", is_flag=True, help="Print JSON (see `truce --help`).")
agreement_option = click.option(
    "--agreement",
    metavar="ID",
    default=None,
    help=f"The agreement to judge against (default: $TRUCE_AGREEMENT, else {DEFAULT_AGREEMENT}).",
)
DATE = click.DateTime(["%Y-%m-%d"])


class BoxType(click.ParamType):
    """A bounding box given as WEST,SOUTH,EAST,NORTH in decimal degrees."""

    name = "W,S,E,N"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[float, float, float, float]:
        if isinstance(value, tuple):
            return value
        try:
            west, south, east, north = (float(v) for v in str(value).split(","))
        except ValueError:
            self.fail(f"{value!r} is not WEST,SOUTH,EAST,NORTH in degrees", param, ctx)
        return west, south, east, north


@click.group(cls=TruceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--database",
    metavar="URL",
    help="Database URL (default: $TRUCE_DATABASE_URL, else sqlite:///./truce.db). "
    "PostgreSQL: postgresql://user:password@host/dbname.",
)
@click.option("--as", "user", metavar="USER", help=AS_HELP + " Also accepted after a command.")
@click.option(
    "--server",
    metavar="URL",
    help="Act through this Truce server's API instead of a local store (cases reply and "
    "review, signed with the member's own key: see --key).",
)
@click.option("--token", metavar="TOKEN", envvar="TRUCE_TOKEN", help="API token for --server.")
@click.option(
    "--key",
    "key_dir",
    metavar="DIR",
    help="The member's key directory (MEMBER.key) on this machine, for --server.",
)
@click.version_option(__version__, prog_name="truce")
@click.pass_context
def cli(
    ctx: click.Context,
    database: str | None,
    user: str | None,
    server: str | None,
    token: str | None,
    key_dir: str | None,
) -> None:
    """Truce: a joint mechanism to monitor compliance with a ceasefire.

    Takes in reports and coded data sets, keeps every document as received,
    and tallies alleged violations against an agreement's terms.

    Who acts: `--as USER` names a user of the store, before or after the
    command (`truce --as ru-officer cases reply ...`); its member and role
    decide what it may do. Without --as, commands act as the local
    operations-centre account 'ops-centre' (UN), recorded as such in the
    ledger. Managing members, users, keys and tokens, and co-signing a ledger
    checkpoint, act without --as as the local console administrator 'console'
    (UN), which creates the first users.

    Output: commands that list or show take --json. Lists (incidents list,
    cases list, documents, review queue, scenario list) print JSON Lines, one
    object per line; the others print one JSON document.
    """
    settings = Settings.from_env()
    if database:
        settings = settings.model_copy(update={"database_url": database})
    ctx.obj = App(settings, user)
    ctx.obj.server, ctx.obj.token, ctx.obj.key_dir = server, token, key_dir


def main() -> None:
    """Entry point. Usage mistakes, like Truce's own errors, are one line and exit code 2."""
    try:
        code = cli.main(prog_name="truce", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("truce: aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        hint = ""
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            hint = f" (see '{exc.ctx.command_path} --help')"
        click.echo(f"truce: error: {exc.format_message()}{hint}", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(code if isinstance(code, int) else 0)


# Commands register themselves on `cli` when their modules are imported.
from truce.cli import (  # noqa: E402,F401
    cases,
    data,
    evaluate,
    incidents,
    ledger_tools,
    mechanism,
    mirror,
    setup,
    text,
    witness,
)
