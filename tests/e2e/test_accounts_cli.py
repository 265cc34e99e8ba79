"""Accounts on the command line (issue 11, items 12 and 14): `truce members passwd`,
`truce members deactivate`, `truce members token` (issue with an expiry, and --revoke), and
the demo's passwords, random unless --fixed-passwords asks for the ones the tests know."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from truce.cli import cli
from truce.config import Settings
from truce.domain.accounts import LoginLimits, SessionPolicy
from truce.services.accounts import Outcome, log_in, resume_session
from truce.services.demo import DEMO_USERS, demo_password
from truce.services.passwords import check_password
from truce.services.session import open_store
from truce.services.tokens import principal_for, token_id
from truce.store.uow import UnitOfWork

STRONG = "copper kettle winter harbour"
POLICY = SessionPolicy(idle=timedelta(hours=1), absolute=timedelta(hours=8))


def _truce(database: str, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--database", database, *args], input=stdin)


def _ok(database: str, *args: str, stdin: str | None = None) -> Result:
    result = _truce(database, *args, stdin=stdin)
    assert result.exit_code == 0, result.output + result.stderr
    return result


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'truce.db'}"
    _ok(url, "scenario", "load", "astana-2016")
    _ok(url, "members", "add-user", "amal", "--member", "un", "--role", "analyst")
    _ok(url, "members", "add-user", "omar", "--member", "usa", "--role", "observer")
    return url


def _uow(database: str) -> UnitOfWork:
    return UnitOfWork(open_store(Settings(database_url=database), upgrade=False))


def _session(database: str, user: str, password: str) -> str | None:
    with _uow(database) as uow:
        done = log_in(
            uow=uow,
            user=user,
            password=password,
            address="192.0.2.1",
            now=datetime.now(UTC),
            policy=POLICY,
            limits=LoginLimits(),
        )
    return done.secret if done.outcome is Outcome.OPENED else None


def _live(database: str, secret: str) -> bool:
    with _uow(database) as uow:
        return (
            resume_session(uow=uow, secret=secret, now=datetime.now(UTC), policy=POLICY) is not None
        )


def test_passwd_refuses_weak_passwords_naming_the_field(database: str) -> None:
    for weak, said in [("short", "at least 12 characters"), ("password1234", "common password")]:
        refused = _truce(database, "members", "passwd", "amal", "--stdin", stdin=weak + "\n")
        assert refused.exit_code == 2
        assert refused.stderr.startswith("truce: error: password: ") and said in refused.stderr


def test_passwd_sets_the_password_and_ends_the_users_sessions(database: str) -> None:
    _ok(database, "members", "passwd", "amal", "--stdin", stdin=STRONG + "\n")
    secret = _session(database, "amal", STRONG)
    assert secret is not None and _live(database, secret)
    # Asked twice at the terminal; two different answers are asked again.
    typed = "another strong passphrase here\nanother strong passphrase here\n"
    done = _ok(database, "members", "passwd", "amal", stdin=typed)
    assert "sessions ended" in done.output
    assert not _live(database, secret)
    assert _session(database, "amal", STRONG) is None
    assert _session(database, "amal", "another strong passphrase here") is not None


def test_tokens_expire_as_issued_and_are_revoked_from_the_cli(database: str) -> None:
    issued = _ok(database, "members", "token", "omar", "--days", "7", "--name", "laptop")
    token = issued.stdout.strip()
    assert f"token {token_id(token)} for omar, valid 7 days" in issued.stderr
    with _uow(database) as uow:
        now = datetime.now(UTC)
        assert principal_for(uow=uow, token=token, now=now) is not None
        assert principal_for(uow=uow, token=token, now=now + timedelta(days=7, seconds=1)) is None
    revoked = _ok(database, "members", "token", "--revoke", token_id(token))
    assert f"token {token_id(token)} of omar revoked" in revoked.output
    with _uow(database) as uow:
        assert principal_for(uow=uow, token=token, now=datetime.now(UTC)) is None
    again = _truce(database, "members", "token", "--revoke", token_id(token))
    assert again.exit_code == 2 and "no active token" in again.stderr
    neither = _truce(database, "members", "token")
    assert neither.exit_code == 2 and "--revoke" in neither.output + neither.stderr
    too_long = _truce(database, "members", "token", "omar", "--days", "400")
    assert too_long.exit_code == 2


def test_deactivate_ends_sessions_and_revokes_tokens(database: str) -> None:
    _ok(database, "members", "passwd", "omar", "--stdin", stdin=STRONG + "\n")
    token = _ok(database, "members", "token", "omar").stdout.strip()
    secret = _session(database, "omar", STRONG)
    assert secret is not None
    done = _ok(database, "members", "deactivate", "omar")
    assert f"tokens revoked: {token_id(token)}" in done.output
    assert not _live(database, secret)
    assert _session(database, "omar", STRONG) is None
    with _uow(database) as uow:
        assert principal_for(uow=uow, token=token, now=datetime.now(UTC)) is None
    # Only an administrator deactivates.
    refused = _truce(database, "--as", "amal", "members", "deactivate", "omar")
    assert refused.exit_code == 2 and "manage users and keys" in refused.stderr


@pytest.mark.slow  # the whole demo, twice
def test_demo_passwords_are_random_unless_fixed_ones_are_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def demo(folder: Path, *flags: str) -> dict[str, str]:
        folder.mkdir()
        monkeypatch.chdir(folder)  # the demo exports its ledger under the working directory
        url = f"sqlite:///{folder / 'truce.db'}"
        out = CliRunner().invoke(cli, ["--database", url, "demo", *flags]).output
        shown = dict(re.findall(r"^\s+([a-z-]+) / (\S+): ", out, re.MULTILINE))
        assert set(shown) == {u for u, *_ in DEMO_USERS}, out
        with _uow(url) as uow:
            for user, password in shown.items():
                assert check_password(uow=uow, user=user, password=password) is not None
        return shown

    shown = demo(tmp_path / "a")
    assert all(shown[u] != demo_password(u) for u in shown)
    assert len(set(shown.values())) == len(shown)
    fixed = demo(tmp_path / "c", "--fixed-passwords")
    assert fixed == {u: demo_password(u) for u in fixed}
