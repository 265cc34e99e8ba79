"""Accounts' rules, pure: which passwords are strong enough, how long a session lives, when
failed log-ins block an address, and which address a request comes from behind proxies."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from truce.domain.errors import ValidationFailed

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# zxcvbn scores 0-4; 3 is "safely unguessable" (about 10^10 guesses), well beyond what the
# log-in limits let an online attacker try.
MIN_STRENGTH = 3
# zxcvbn refuses longer passwords (its matching is quadratic): a longer one is judged by its
# first 72 characters, which only underestimates it.
ESTIMATED_LENGTH = 72
# Words every Truce password is judged against, besides the user's own names.
CONTEXT_WORDS = ("truce", "ceasefire", "astana")
# zxcvbn keeps the user's words in a module-wide dictionary while it runs: one at a time.
_ESTIMATOR = threading.Lock()


def check_password_strength(password: str, *, user: str, name: str = "") -> None:
    """ValidationFailed (field `password`) unless `password` is long enough and not weak or
    common, judged with the user's own names and Truce's words as likely guesses."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"password: use at least {MIN_PASSWORD_LENGTH} characters (this one has "
            f"{len(password)}); several unrelated words make a strong one",
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"password: use at most {MAX_PASSWORD_LENGTH} characters", field="password"
        )
    # Imported here: building its dictionaries takes a tenth of a second, which every `truce`
    # command would pay at start-up.
    from zxcvbn import zxcvbn

    inputs = [user, *name.split(), *CONTEXT_WORDS]
    with _ESTIMATOR:
        result = zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=inputs)
    score = int(result["score"])
    if score >= MIN_STRENGTH:
        return
    feedback = result.get("feedback") or {}
    advice = [str(feedback.get("warning") or ""), *map(str, feedback.get("suggestions") or ())]
    said = " ".join(a.strip() for a in advice if a.strip())
    raise ValidationFailed(
        f"password: too easy to guess (strength {score} of 4, {MIN_STRENGTH} needed)"
        + (f": {said}" if said else ""),
        field="password",
    )


@dataclass(frozen=True)
class SessionPolicy:
    """A session ends `idle` after its last request, and `absolute` after it began, whichever
    comes first; `touch_every` is how stale its last-seen time may grow before it is written
    again (so that reading a page rarely writes)."""

    idle: timedelta
    absolute: timedelta
    touch_every: timedelta = timedelta(minutes=1)

    def expires(self, created: datetime) -> datetime:
        return created + self.absolute

    def live(self, *, expires: datetime, last_seen: datetime, now: datetime) -> bool:
        return now < expires and now - last_seen < self.idle

    def needs_touch(self, *, last_seen: datetime, now: datetime) -> bool:
        return now - last_seen >= self.touch_every


@dataclass(frozen=True)
class LoginLimits:
    """Failed log-ins allowed in one window: per user name from one address (a guessed
    password), and per address across all user names (one password tried on many users)."""

    per_user: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)

    def blocked(self, *, user_failures: int, address_failures: int) -> bool:
        return user_failures >= self.per_user or address_failures >= self.per_address


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(given: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or CIDR blocks; ValueError naming the one that is neither."""
    out = []
    for item in given:
        try:
            out.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{item!r} is not an IP address or CIDR block") from None
    return tuple(out)


def _within(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(peer: str, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """The address a request comes from. `forwarded_for` is every X-Forwarded-For header in
    order. The header is believed only as far as it was written by trusted proxies: starting
    from the socket's peer, while the hop is a trusted proxy, step back to the address it says
    it served; the first untrusted hop is the client. A client's own (forged) entries sit to
    the left of that and are never reached."""
    hops = [h.strip() for line in forwarded_for for h in line.split(",") if h.strip()]
    current = peer
    while _within(current, trusted) and hops:
        current = hops.pop()
    return current
