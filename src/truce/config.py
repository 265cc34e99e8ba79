"""One settings object, read once at start-up from TRUCE_* variables and passed inward.

Every variable Truce reads is a field here, the keyring's included; nothing else in the
code reads the environment.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from truce.domain.errors import ConfigurationError

DEFAULT_DATABASE_URL = "sqlite:///./truce.db"
DEFAULT_AGREEMENT = "astana-2016"
_PROCESS_SECRET = secrets.token_urlsafe(32)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TRUCE_", frozen=True, extra="ignore", env_ignore_empty=True
    )

    database_url: str = DEFAULT_DATABASE_URL
    # Largest document accepted at intake. ACLED country exports run to ~100 MB.
    max_document_bytes: int = Field(default=256 * 1024 * 1024, gt=0)
    # Signs session cookies. Several server workers must share one: set it. Unset, each
    # process makes its own, and a restart logs everyone out.
    secret_key: str | None = None
    secure_cookies: bool = False  # set behind HTTPS: cookies then go over HTTPS only
    tile_url: str = ""  # a basemap tile URL template; empty: outlines and zones only
    agreement: str = DEFAULT_AGREEMENT  # the agreement pages and commands judge against
    keys_dir: Path = Path("truce-keys")  # members' private keys, one sealed file each
    key_passphrase: SecretStr | None = None  # seals those files
    keys_autocreate: bool = True  # a member with no key file gets one on first use

    def session_secret(self) -> str:
        return self.secret_key or _PROCESS_SECRET

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
