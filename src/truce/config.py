"""One settings object, read once at start-up from TRUCE_* variables and passed inward."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from truce.domain.errors import ConfigurationError

DEFAULT_DATABASE_URL = "sqlite:///./truce.db"
_PROCESS_SECRET = secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    # Largest document accepted at intake. ACLED country exports run to ~100 MB.
    max_document_bytes: int = 256 * 1024 * 1024
    secret_key: str | None = None  # signs session cookies; a random one per process if unset
    secure_cookies: bool = False  # set behind HTTPS: cookies then go over HTTPS only
    tile_url: str = ""  # a basemap tile URL template; empty: outlines and zones only

    def session_secret(self) -> str:
        return self.secret_key or _PROCESS_SECRET

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
            secret_key=env.get("TRUCE_SECRET_KEY") or None,
            secure_cookies=env.get("TRUCE_SECURE_COOKIES", "0") in ("1", "true", "yes"),
            tile_url=env.get("TRUCE_TILE_URL", ""),
        )
