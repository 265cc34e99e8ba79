"""Where private keys rest: one file per key holder in a directory outside the database,
sealed with a passphrase when one is set, and mode 0600 either way.

On the server the directory (`Settings.keys_dir`) holds one key: the log operator's. A
member's key lives in a directory on the member's own machine, read with the same class
(`Keyring(that_directory, passphrase, create=False)`). Installations from before issue 12
kept every member's key on the server: `member_key_files` finds them and `hand_over` moves
them out, one directory per member, to be handed to their members.
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from truce.config import Settings
from truce.domain.errors import ConfigurationError, InputRejected
from truce.ledger.keys import OPERATOR, SigningKey

DEFAULT_DIR = "truce-keys"
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")


class Keyring:
    """Signing keys, read from files on first use. With `create`, the operator's key is made
    on first use if it has no file (the store registers it and logs that it did); nobody
    else's key is ever made here: members make theirs on their own machines."""

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
                elif self._create and member == OPERATOR:
                    self._keys[member] = self.write(SigningKey.generate(member))
                elif member == OPERATOR:
                    raise ConfigurationError(
                        f"no signing key for the log operator in {self.directory} "
                        "(TRUCE_KEYS_AUTOCREATE makes one on first use)"
                    )
                else:
                    raise ConfigurationError(
                        f"no signing key for member {member} in {self.directory}: a member's "
                        f"key lives on its own machine (`truce members keygen {member} "
                        "--key-dir DIR` there)"
                    )
            return self._keys[member]

    def member_key_files(self) -> list[Path]:
        """Members' private key files (current and retired) left in this directory: on a
        server, there must be none (`hand_over`)."""
        if not self.directory.is_dir():
            return []
        return sorted(
            path
            for path in self.directory.iterdir()
            if path.is_file()
            and (path.suffix in (".key", ".retired"))
            and path.name.split(".", 1)[0] != OPERATOR
        )

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


@dataclass(frozen=True)
class Handover:
    member: str
    moved: tuple[tuple[Path, Path], ...]  # (from, to) for each file
    directory: Path


def hand_over(keyring: Keyring, out: Path) -> list[Handover]:
    """Move every member's private key file out of the keyring's directory into
    `out/<member>/` (directories 0700, files 0600), each member's current and retired keys
    together. The public keys stay registered, so the entries they signed still verify."""
    by_member: dict[str, list[Path]] = {}
    for path in keyring.member_key_files():
        by_member.setdefault(path.name.split(".", 1)[0], []).append(path)
    done = []
    if by_member:
        out.mkdir(parents=True, exist_ok=True, mode=0o700)
    for member, paths in sorted(by_member.items()):
        target = out / keyring.path(member).name.removesuffix(".key")
        target.mkdir(exist_ok=True, mode=0o700)
        os.chmod(target, 0o700)
        moved = []
        for path in paths:
            destination = target / path.name
            if destination.exists():
                raise ConfigurationError(f"{destination} exists: not overwriting a key file")
            shutil.move(path, destination)
            os.chmod(destination, 0o600)
            moved.append((path, destination))
        with keyring._lock:
            keyring._keys.pop(member, None)
        done.append(Handover(member, tuple(moved), target))
    return done


_KEYRINGS: dict[tuple[Path, str | None, bool], Keyring] = {}
_KEYRINGS_LOCK = threading.Lock()


def _cached(directory: Path, passphrase: str | None, create: bool) -> Keyring:
    # Unsealing costs an Argon2 derivation: once per process and key, not per transaction.
    with _KEYRINGS_LOCK:
        key = (directory.resolve(), passphrase, create)
        if key not in _KEYRINGS:
            _KEYRINGS[key] = Keyring(directory, passphrase, create=create)
        return _KEYRINGS[key]
