"""The `truce` command group, its shared options, and the one place errors are translated."""

from __future__ import annotations

import dataclasses
import sys
from datetime import UTC, datetime
from typing import Any

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from truce import __version__
from truce.config import Settings
from truce.domain.errors import TruceError
from truce.store.database import make_engine, migrate
from truce.store.uow import UnitOfWork

EXIT_ERROR = 2


class TruceGroup(click.Group):
    """Turns Truce's own errors into one line on stderr and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TruceError as exc:
            _fail(ctx, str(exc))
        except OperationalError as exc:
            _fail(ctx, f"database error: {str(exc.orig).strip().splitlines()[0]}")
        except OSError as exc:
            _fail(ctx, f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))


def _fail(ctx: click.Context, message: str) -> None:
    click.echo(f"truce: error: {message}", err=True)
    ctx.exit(EXIT_ERROR)


class App:
    """What every command needs: the settings, read once, and an engine made on demand."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url)
            migrate(self._engine)
        return self._engine

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)


pass_app = click.make_pass_decorator(App)


@click.group(cls=TruceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--database",
    metavar="URL",
    help="Database URL (default: $TRUCE_DATABASE_URL, else sqlite:///./truce.db). "
    "PostgreSQL: postgresql://user:password@host/dbname.",
)
@click.version_option(__version__, prog_name="truce")
@click.pass_context
def cli(ctx: click.Context, database: str | None) -> None:
    """Truce: a joint mechanism to monitor compliance with a ceasefire.

    Takes in reports and coded data sets, keeps every document as received,
    and tallies alleged violations against an agreement's terms.
    """
    settings = Settings.from_env()
    if database:
        settings = dataclasses.replace(settings, database_url=database)
    ctx.obj = App(settings)


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
from truce.cli import data, evaluate, incidents, mechanism, setup, text  # noqa: E402,F401
