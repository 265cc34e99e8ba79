"""Migration 0012 on a store that already has users, a password and API tokens (issue 11,
item 12): the tokens get an expiry, 90 days from the upgrade (a grace period, the default
lifetime), and keep working until then; the stored password still logs in; sessions and
failed log-ins get their tables. On SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import DateTime, Engine, column, insert, select, table

from truce.domain.accounts import LoginLimits, SessionPolicy
from truce.services.accounts import Outcome, log_in
from truce.services.passwords import hash_password
from truce.services.tokens import principal_for
from truce.store import tables
from truce.store.database import MIGRATIONS, make_engine, migrate
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

PASSWORD = "an old password of long ago"


def _upgrade(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    command.upgrade(config, revision)


def test_0012_gives_existing_tokens_an_expiry_and_keeps_them_working(
    database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    _upgrade(engine, "0011")
    made = datetime(2017, 1, 1, tzinfo=UTC)
    secret = "trc_an-old-token-issued-before-expiry-existed"
    # The tables as they were at 0011 (api_tokens without expires_at).
    users = table(
        "users",
        *(column(n) for n in ("id", "member_id", "name", "role", "active")),
        column("created_at", DateTime(timezone=True)),
        column("password_hash"),
    )
    tokens = table(
        "api_tokens",
        *(column(n) for n in ("id", "user_id", "token_hash", "name")),
        column("created_at", DateTime(timezone=True)),
    )
    with engine.begin() as connection:
        connection.execute(
            insert(users).values(
                id="amal",
                member_id="un",
                name="Amal",
                role="analyst",
                active=True,
                created_at=made,
                password_hash=hash_password(PASSWORD),
            )
        )
        connection.execute(
            insert(tokens).values(
                id="t1",
                user_id="amal",
                token_hash=hashlib.sha256(secret.encode()).hexdigest(),
                name="old",
                created_at=made,
            )
        )
    before = datetime.now(UTC)
    migrate(engine)
    with engine.connect() as connection:
        expires = connection.execute(select(tables.api_tokens.c.expires_at)).scalar_one()
    assert before + timedelta(days=90) - timedelta(minutes=1) <= expires
    assert expires <= datetime.now(UTC) + timedelta(days=90)
    with UnitOfWork(engine, Keyring(tmp_path / "keys")) as uow:
        now = datetime.now(UTC)
        assert principal_for(uow=uow, token=secret, now=now) is not None
        assert principal_for(uow=uow, token=secret, now=now + timedelta(days=91)) is None
        done = log_in(
            uow=uow,
            user="amal",
            password=PASSWORD,
            address="192.0.2.1",
            now=now,
            policy=SessionPolicy(idle=timedelta(hours=1), absolute=timedelta(hours=8)),
            limits=LoginLimits(),
        )
        assert done.outcome is Outcome.OPENED
    engine.dispose()
