"""The installation's secrets (migration 0010): keys that never leave the store."""

from __future__ import annotations

import secrets

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from truce.store import tables as t

COMMITMENT_KEY = "commitment-key"


class SecretRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def _read(self, name: str) -> str | None:
        table = t.installation_secrets
        value: str | None = self._c.execute(
            select(table.c.value).where(table.c.name == name)
        ).scalar_one_or_none()
        return value

    def key(self, name: str = COMMITMENT_KEY) -> bytes:
        """The named key; made (random, 256 bits) if the store has none yet. Migration 0010
        makes the commitment key, so this only makes one in a store built some other way."""
        value = self._read(name)
        if value is None:
            try:
                with self._c.begin_nested():
                    self._c.execute(
                        insert(t.installation_secrets).values(
                            name=name, value=secrets.token_hex(32)
                        )
                    )
            except IntegrityError:
                pass  # made at the same moment by another transaction: use theirs
            value = self._read(name)
        assert value is not None
        return bytes.fromhex(value)
