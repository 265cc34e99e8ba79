"""Where members' private keys rest: one file per member in a directory outside the database,
sealed with a passphrase when one is set (TRUCE_KEY_PASSPHRASE), and mode 0600 either way.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from truce.config import Settings
from truce.domain.errors import ConfigurationError, InputRejected
from truce.ledger.keys import SigningKey

DEFAULT_DIR = "truce-keys"
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")


class Keyring:
    """Members' signing keys, read from files on first use. With `create`, a member with no
    key file gets a new one on first use (the store registers it and logs that it did)."""

    def __init__(
        self, directory: Path, passphrase: str | None = None, *, create: bool = True
    ) -> None:
        self.directory = directory
        self._passphrase = passphrase
        self._create = create
        self._keys: dict[str, SigningKey] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Keyring:
        passphrase = settings.key_passphrase
        return _cached(
            settings.keys_dir,
            passphrase.get_secret_value() if passphrase else None,
            settings.keys_autocreate,
        )

    @classmethod
    def from_environment(cls) -> Keyring:
        return cls.from_settings(Settings.from_env())

    def path(self, member: str) -> Path:
        if not member or not set(member.lower()) <= _SAFE or member.startswith("."):
            raise InputRejected(f"not a member ID usable as a key file name: {member!r}")
        return self.directory / f"{member}.key"

    def has(self, member: str) -> bool:
        return member in self._keys or self.path(member).exists()

    def signer(self, member: str) -> SigningKey:
        with self._lock:
            if member not in self._keys:
                path = self.path(member)
                if path.exists():
                    self._keys[member] = SigningKey.unseal(path.read_bytes(), self._passphrase)
                elif self._create:
                    self._keys[member] = self.write(SigningKey.generate(member))
                else:
                    raise ConfigurationError(
                        f"no signing key for member {member} in {self.directory}: "
                        f"run `truce members keygen {member}`"
                    )
            return self._keys[member]

    def write(self, key: SigningKey) -> SigningKey:
        """Store a key file (a new one, or a rotation: the old file is kept beside it)."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self.path(key.member)
        if path.exists():
            old = SigningKey.unseal(path.read_bytes(), self._passphrase)
            path.rename(path.with_name(f"{key.member}.{old.id}.retired"))
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(key.seal(self._passphrase))
        self._keys[key.member] = key
        return key


_KEYRINGS: dict[tuple[Path, str | None, bool], Keyring] = {}
_KEYRINGS_LOCK = threading.Lock()


def _cached(directory: Path, passphrase: str | None, create: bool) -> Keyring:
    # Unsealing costs an Argon2 derivation: once per process and key, not per transaction.
    with _KEYRINGS_LOCK:
        key = (directory.resolve(), passphrase, create)
        if key not in _KEYRINGS:
            _KEYRINGS[key] = Keyring(directory, passphrase, create=create)
        return _KEYRINGS[key]
