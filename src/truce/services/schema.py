"""The database schema's state, for `truce init` and health checks."""

from __future__ import annotations

from sqlalchemy import Engine

from truce.store.database import current_revision


def schema_revision(engine: Engine) -> str | None:
    """The migration the database's schema is at (None before the first one)."""
    return current_revision(engine)
