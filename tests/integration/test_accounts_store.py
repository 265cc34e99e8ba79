"""Sessions and failed log-ins in the store, on SQLite and PostgreSQL (issue 11, items 12-13):
two units of work, as two server workers would hold, see the same sessions and the same
failures; ending a user's sessions ends every one of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from truce.domain.access import OPERATIONS_CENTRE, Role
from truce.domain.accounts import LoginLimits, SessionPolicy
from truce.services import load_scenario
from truce.services.accounts import Outcome, log_in, log_out, resume_session, touch_session
from truce.services.members import add_user, deactivate_user
from truce.services.passwords import set_password
from truce.services.principals import LOCAL_ADMINISTRATOR
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

PASSWORD = "copper kettle winter harbour"
POLICY = SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=8))
LIMITS = LoginLimits()
T0 = datetime.now(UTC)


def _setup(engine: Engine, keys: Path) -> None:
    with UnitOfWork(engine, Keyring(keys)) as uow:
        load_scenario(uow=uow, who=OPERATIONS_CENTRE, name="astana-2016")
        for user in ("amal", "omar"):
            add_user(
                uow=uow,
                who=LOCAL_ADMINISTRATOR,
                user=user,
                member="un",
                name=user.title(),
                role=Role.ANALYST,
                now=T0,
            )
            set_password(uow=uow, who=LOCAL_ADMINISTRATOR, user=user, password=PASSWORD, now=T0)


def _log_in(engine: Engine, user: str, password: str, address: str, at: datetime) -> str | None:
    with UnitOfWork(engine) as uow:
        done = log_in(
            uow=uow,
            user=user,
            password=password,
            address=address,
            now=at,
            policy=POLICY,
            limits=LIMITS,
        )
    if done.outcome is Outcome.BLOCKED:
        return "blocked"
    return done.secret


def _live(engine: Engine, secret: str, at: datetime) -> bool:
    with UnitOfWork(engine, read_only=True) as uow:
        return resume_session(uow=uow, secret=secret, now=at, policy=POLICY) is not None


def test_sessions_are_shared_and_end_for_every_holder(engine: Engine, tmp_path: Path) -> None:
    _setup(engine, tmp_path / "keys")
    first = _log_in(engine, "amal", PASSWORD, "192.0.2.1", T0)
    second = _log_in(engine, "amal", PASSWORD, "192.0.2.2", T0)
    other = _log_in(engine, "omar", PASSWORD, "192.0.2.1", T0)
    assert first and second and other and len({first, second, other}) == 3
    assert _live(engine, first, T0 + timedelta(minutes=29))
    assert not _live(engine, first, T0 + timedelta(minutes=31))  # idle
    with UnitOfWork(engine) as uow:
        touch_session(uow=uow, secret=first, now=T0 + timedelta(minutes=20))
    assert _live(engine, first, T0 + timedelta(minutes=49))
    assert not _live(engine, first, T0 + timedelta(hours=8))  # absolute, however recent
    with UnitOfWork(engine) as uow:
        log_out(uow=uow, secret=first, now=T0)
    assert not _live(engine, first, T0) and _live(engine, second, T0)
    with UnitOfWork(engine, Keyring(tmp_path / "keys")) as uow:
        set_password(uow=uow, who=LOCAL_ADMINISTRATOR, user="amal", password=PASSWORD + "!", now=T0)
    assert not _live(engine, second, T0) and _live(engine, other, T0)
    with UnitOfWork(engine, Keyring(tmp_path / "keys")) as uow:
        deactivate_user(uow=uow, who=LOCAL_ADMINISTRATOR, user="omar", now=T0)
    assert not _live(engine, other, T0)
    assert _log_in(engine, "omar", PASSWORD, "192.0.2.1", T0) is None


@pytest.mark.slow  # some thirty log-ins, each hashing a password
def test_failures_count_per_user_and_per_address(engine: Engine, tmp_path: Path) -> None:
    _setup(engine, tmp_path / "keys")
    for _ in range(5):
        assert _log_in(engine, "amal", "wrong", "192.0.2.1", T0) is None
    assert _log_in(engine, "amal", PASSWORD, "192.0.2.1", T0) == "blocked"
    assert _log_in(engine, "amal", PASSWORD, "192.0.2.9", T0) not in (None, "blocked")
    # Past the window the user may try again from that address.
    later = T0 + LIMITS.window + timedelta(seconds=1)
    assert _log_in(engine, "amal", PASSWORD, "192.0.2.1", later) not in (None, "blocked")
    # Across user names: 20 failures from one address block it for everyone. A success
    # forgets only the failures against its own user name: guesses at others stay counted.
    for k in range(15):
        assert _log_in(engine, f"nobody-{k}", "wrong", "192.0.2.5", T0) is None
    for _ in range(4):
        assert _log_in(engine, "omar", "wrong", "192.0.2.5", T0) is None
    assert _log_in(engine, "omar", PASSWORD, "192.0.2.5", T0) not in (None, "blocked")
    for k in range(5):
        assert _log_in(engine, f"other-{k}", "wrong", "192.0.2.5", T0) is None  # 16th..20th
    assert _log_in(engine, "omar", PASSWORD, "192.0.2.5", T0) == "blocked"
    assert _log_in(engine, "omar", PASSWORD, "192.0.2.6", T0) not in (None, "blocked")
