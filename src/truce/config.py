"""One settings object, read once at start-up from TRUCE_* variables and passed inward.

Every variable Truce reads is a field here, the keyring's included; nothing else in the
code reads the environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from truce.domain.errors import ConfigurationError

DEFAULT_DATABASE_URL = "sqlite:///./truce.db"
DEFAULT_AGREEMENT = "astana-2016"
DEFAULT_LOG_ORIGIN = "truce.local/ledger"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TRUCE_", frozen=True, extra="ignore", env_ignore_empty=True
    )

    database_url: str = DEFAULT_DATABASE_URL
    # Largest document accepted at intake: a mission's reports, pages and e-mails are far
    # smaller. Raise it to import whole ACLED country exports (~100 MB) from the CLI.
    max_document_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    # Documents are parsed in worker processes, each bounded in time and address space;
    # intake answers with the reports if they are ready within process_wait_seconds, else 202.
    process_wait_seconds: float = Field(default=1.0, ge=0, le=60)
    process_timeout_seconds: float = Field(default=60.0, gt=0)
    process_memory_mb: int = Field(default=2048, ge=0)  # 0: no limit
    process_workers: int = Field(default=2, ge=1, le=64)
    secure_cookies: bool = False  # set behind HTTPS: cookies then go over HTTPS only
    tile_url: str = ""  # a basemap tile URL template; empty: outlines and zones only
    agreement: str = DEFAULT_AGREEMENT  # the agreement pages and commands judge against
    keys_dir: Path = Path("truce-keys")  # the log operator's private key, and no member's
    key_passphrase: SecretStr | None = None  # seals that file
    keys_autocreate: bool = True  # the operator's key is made on first use if missing
    # The log's name in its C2SP checkpoints (first line) and the operator's key name: witnesses
    # and verifiers refuse a checkpoint of another log.
    log_origin: str = Field(default=DEFAULT_LOG_ORIGIN, min_length=1, pattern=r"^[^\s+]+$")
    # Page sessions live in the store: they end after this long without a request, and this
    # long after log-in whatever happens.
    session_idle_minutes: int = Field(default=120, gt=0)
    session_hours: int = Field(default=12, gt=0)
    token_days: int = Field(default=90, gt=0, le=366)  # API tokens' lifetime unless given
    # Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR blocks, separated by
    # commas). Empty: the socket's peer is the client, and the header is ignored.
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies(cls, value: object) -> object:
        from truce.domain.accounts import parse_networks

        items = value.split(",") if isinstance(value, str) else value
        if isinstance(items, list | tuple):
            named = tuple(str(i).strip() for i in items if str(i).strip())
            parse_networks(named)  # a ValueError here names the bad entry
            return named
        return value

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings from the process environment (or the mapping given), with a bad
        value reported as one line naming its variable."""
        try:
            if environ is None:
                return cls()
            prefix = "TRUCE_"
            given = {
                k[len(prefix) :].lower(): v
                for k, v in environ.items()
                if k.startswith(prefix) and v != ""
            }
            known = {k: v for k, v in given.items() if k in cls.model_fields}
            return cls.model_validate(known)
        except ValidationError as exc:
            error = exc.errors()[0]
            name = "TRUCE_" + str(error["loc"][0]).upper() if error["loc"] else "a TRUCE_ variable"
            raise ConfigurationError(f"{name}: {error['msg']}") from None
