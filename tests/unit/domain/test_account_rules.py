"""The accounts' pure rules: password strength, session expiry, log-in limits, and the client's
address behind proxies (a property test: whatever a client writes into X-Forwarded-For, it
cannot choose the address it is counted under)."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from truce.domain.accounts import (
    LoginLimits,
    SessionPolicy,
    check_password_strength,
    client_address,
    parse_networks,
)
from truce.domain.errors import ValidationFailed

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("password", "said"),
    [
        ("", "at least 12 characters (this one has 0)"),
        ("Tr0ub4dor&3", "at least 12 characters (this one has 11)"),
        ("password1234", "This is a very common password"),
        ("qwertyuiopasdf", "too easy to guess"),
        ("111111111111", "too easy to guess"),
        ("amal-amal-amal", "too easy to guess"),  # the user's own name
        ("haddadhaddad", "too easy to guess"),  # the user's family name
        ("ceasefire2017", "too easy to guess"),  # Truce's own words
        ("x" * 257, "at most 256 characters"),
    ],
)
def test_weak_passwords_are_refused_naming_the_field(password: str, said: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_password_strength(password, user="amal", name="Amal Haddad")
    assert refused.value.field == "password"
    assert str(refused.value).startswith("password: ") and said in str(refused.value)


@pytest.mark.parametrize(
    "password",
    [
        "copper kettle winter harbour",
        "chair-demo-2017",
        "UwE1-3yHc-ipgB-ez3Z",
        "a long passphrase " * 10,  # longer than the estimator reads: judged on its start
    ],
)
def test_strong_passwords_pass(password: str) -> None:
    check_password_strength(password, user="chair", name="UN chair, mechanism administrator")


def test_a_session_ends_when_idle_or_past_its_absolute_end() -> None:
    policy = SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=12))
    ends = policy.expires(T0)
    assert ends == T0 + timedelta(hours=12)
    later = T0 + timedelta(minutes=29)
    assert policy.live(expires=ends, last_seen=T0, now=later)
    assert not policy.live(expires=ends, last_seen=T0, now=T0 + timedelta(minutes=30))
    just_used = ends - timedelta(seconds=1)
    assert policy.live(expires=ends, last_seen=just_used, now=ends - timedelta(microseconds=1))
    assert not policy.live(expires=ends, last_seen=just_used, now=ends)
    assert not policy.needs_touch(last_seen=T0, now=T0 + timedelta(seconds=59))
    assert policy.needs_touch(last_seen=T0, now=T0 + timedelta(minutes=1))


def test_limits_block_per_user_and_per_address() -> None:
    limits = LoginLimits()
    assert not limits.blocked(user_failures=4, address_failures=19)
    assert limits.blocked(user_failures=5, address_failures=5)
    assert limits.blocked(user_failures=0, address_failures=20)


PROXIES = parse_networks(["10.0.0.0/8", "2001:db8::/32"])
addresses = st.ip_addresses(v=4).map(str)
outside = addresses.filter(lambda a: ipaddress.ip_address(a) not in PROXIES[0])


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert client_address("203.0.113.7", ["198.51.100.1"], ()) == "203.0.113.7"


def test_a_trusted_proxy_is_believed_as_far_as_the_first_untrusted_hop() -> None:
    assert client_address("10.0.0.2", ["203.0.113.7"], PROXIES) == "203.0.113.7"
    # A client's own entry, then the one its proxy added: the proxy's word counts.
    assert client_address("10.0.0.2", ["1.2.3.4, 203.0.113.7"], PROXIES) == "203.0.113.7"
    # Two trusted proxies in a row, one header each.
    assert client_address("10.0.0.2", ["203.0.113.7", "10.0.0.3"], PROXIES) == "203.0.113.7"
    assert client_address("2001:db8::1", ["2001:db8::2, 203.0.113.9"], PROXIES) == "203.0.113.9"
    # A proxy that names nobody: the proxy itself.
    assert client_address("10.0.0.2", [], PROXIES) == "10.0.0.2"
    assert client_address("10.0.0.2", ["not an address"], PROXIES) == "not an address"


@given(peer=outside, forged=st.lists(st.text(max_size=20) | addresses, max_size=5))
def test_an_untrusted_peer_cannot_choose_its_address(peer: str, forged: list[str]) -> None:
    assert client_address(peer, forged, PROXIES) == peer


@given(client=outside, forged=st.lists(addresses, max_size=5))
def test_behind_a_proxy_a_client_cannot_choose_its_address(client: str, forged: list[str]) -> None:
    # The client writes what it likes; the trusted proxy appends the address it saw.
    header = ", ".join([*forged, client])
    assert client_address("10.1.2.3", [header], PROXIES) == client


def test_a_bad_proxy_entry_is_named() -> None:
    with pytest.raises(ValueError, match=r"'example\.org' is not an IP address"):
        parse_networks(["10.0.0.1", "example.org"])
