"""One hierarchy of errors. Edges (CLI, API) translate them; the core only raises."""

from __future__ import annotations


class TruceError(Exception):
    """Base of every error Truce raises on purpose."""


class ValidationFailed(TruceError):
    """A record or input breaks a rule. The message names the field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(TruceError):
    """An object asked for by ID does not exist."""


class Conflict(TruceError):
    """The request clashes with what is already stored."""


class InputRejected(TruceError):
    """Input as a whole cannot be taken in (wrong layout, empty, too large)."""


class ConfigurationError(TruceError):
    """Settings are missing or contradictory."""


class Forbidden(TruceError):
    """The acting user's role or member may not do this. The message says who, what and why."""
