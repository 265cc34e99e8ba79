"""How a ledger entry was signed, in one word for every page, API response and export.

- `member-signed`: the entry carries the member's own signature of its act, made on the
  member's machine, and it verifies with the member's registered key valid at the entry's
  time. The operator could not have made it.
- `operator-attested`: the log operator signed the entry for the member (an act done in the
  browser, or with a local `--as` on the server). It is the operator's word for what the
  member did. An entry whose member signature does not verify is shown so too: only the
  operator's signature vouches for it.
- `server-held-key`: an entry from before issue 12 (no `attested_by`), signed with the
  member's key while the server held it. It says no more than an operator-attested one.

Pure: an entry's body and the registered keys in, a word out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from truce.domain.case_records import MEMBER_SIGNED, OPERATOR_ATTESTED, SERVER_HELD_KEY
from truce.ledger import entries
from truce.ledger.verify import KeyRecord, check_member_signature

__all__ = ["MEMBER_SIGNED", "OPERATOR_ATTESTED", "SERVER_HELD_KEY", "Keys", "signed_as"]


class Keys:
    """The registered keys by ID, built once for many entries."""

    def __init__(self, records: Iterable[KeyRecord]) -> None:
        self.by_id = {r.key_id: r for r in records}


def signed_as(body: Mapping[str, Any], keys: Keys) -> str:
    """`member-signed`, `operator-attested` or `server-held-key` for an entry's body."""
    if entries.ATTESTED_BY not in body:
        return SERVER_HELD_KEY
    if not entries.attested(body) or "member_signature" not in body:
        return OPERATOR_ATTESTED
    problems: list[str] = []
    verified = check_member_signature(body, keys.by_id, problems.append)
    return MEMBER_SIGNED if verified is not None and not problems else OPERATOR_ATTESTED
