"""The server holds one private key, the operator's (issue 12): the app refuses to start on
a key directory that still holds a member's private key, however it is started (`truce
serve`, or uvicorn on `create_app`), and starts once `truce keys handover` moved it out."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from truce.app import create_app
from truce.config import Settings
from truce.domain.errors import ConfigurationError
from truce.ledger.keys import OPERATOR, SigningKey
from truce.services.trust import hand_over_member_keys
from truce.store.keyring import Keyring


def test_the_app_refuses_a_key_directory_holding_a_members_key(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'truce.db'}")
    keyring = Keyring(tmp_path / "keys")
    keyring.write(SigningKey.generate(OPERATOR))
    keyring.write(SigningKey.generate("russia"))
    with pytest.raises(ConfigurationError, match=r"russia.*truce keys handover"):
        create_app(settings, keyring=keyring)

    moved = hand_over_member_keys(keyring, tmp_path / "for-members")
    assert [m.member for m in moved] == ["russia"]
    with TestClient(create_app(settings, keyring=keyring)) as client:
        assert client.get("/api/agreements").status_code == 200
