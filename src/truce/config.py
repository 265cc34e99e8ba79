"""One settings object, read once at start-up from TRUCE_* variables and passed inward."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from truce.domain.errors import ConfigurationError

DEFAULT_DATABASE_URL = "sqlite:///./truce.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    # Largest document accepted at intake. ACLED country exports run to ~100 MB.
    max_document_bytes: int = 256 * 1024 * 1024

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        limit_text = env.get("TRUCE_MAX_DOCUMENT_BYTES", str(cls.max_document_bytes))
        try:
            limit = int(limit_text)
        except ValueError:
            raise ConfigurationError(
                f"TRUCE_MAX_DOCUMENT_BYTES must be a whole number of bytes, not {limit_text!r}"
            ) from None
        if limit <= 0:
            raise ConfigurationError("TRUCE_MAX_DOCUMENT_BYTES must be positive")
        return cls(
            database_url=env.get("TRUCE_DATABASE_URL") or DEFAULT_DATABASE_URL,
            max_document_bytes=limit,
        )
