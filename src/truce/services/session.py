"""How the edges (CLI, API, pages) reach the store: an engine for the settings, and units of
work over it. The edges hold a unit of work only to hand it to use cases; they never read a
repository themselves."""

from __future__ import annotations

from sqlalchemy import Engine

from truce.config import Settings
from truce.store.database import make_engine, migrate
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

__all__ = ["Engine", "Keyring", "UnitOfWork", "keyring_for", "open_store", "unit_of_work"]


def open_store(settings: Settings, *, upgrade: bool = True) -> Engine:
    """The engine for the settings' database, its schema brought to the newest migration."""
    engine = make_engine(settings.database_url)
    if upgrade:
        migrate(engine)
    return engine


def keyring_for(settings: Settings) -> Keyring:
    return Keyring.from_settings(settings)


def unit_of_work(
    engine: Engine, keyring: Keyring | None = None, *, read_only: bool = False
) -> UnitOfWork:
    """One transaction. `read_only` on SQLite shares the file instead of taking its write
    lock (for GET requests)."""
    return UnitOfWork(engine, keyring, read_only=read_only)
