"""Ledger entries and checkpoints as bytes: what is signed, what the Merkle tree hashes.

An entry is a canonical JSON object naming the act: its place in the log (`seq`), the
leaf hash of the entry before it (`prev`, so a deleted or moved entry shows where it
happened), the time, the acting member and user, the act, the IDs it touched, the
content hashes of what changed, and the ID of the signing key. The member signs those
bytes. The stored line is the canonical JSON of {"entry": ..., "signature": ...}, and
the Merkle leaf is that line: the tree commits to the signatures too.

Because canonical JSON sorts keys, the line is exactly `{"entry":` + entry bytes +
`,"signature":"` + hex + `"}`: a verifier takes the signed bytes back out by slicing,
without parsing and re-serialising a million entries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from truce.domain.canonical import canonical_json
from truce.ledger import acts, keys, merkle

_HEAD = b'{"entry":'
_MIDDLE = b',"signature":"'
_TAIL = b'"}'
_SIGNATURE_HEX = 2 * keys.SIGNATURE_SIZE


class MalformedEntry(ValueError):
    """A line that is not a signed ledger entry."""


class FreeTextInLedger(ValueError):
    """An act would put free text in the ledger (a programming error, caught in tests)."""


# Every member (observers, both parties' liaisons) may download the ledger, and a signed entry
# can never be redacted afterwards. So an entry carries only IDs, enums, numbers, dates and
# hashes: a string must be one token (no spaces), and the keys below, which name free text
# (file names, reasons, replies), must hold a commitment (64 hex digits) instead of the text.
# Old entries are not touched by this check: it runs when an act is made, not when a ledger
# is verified.
FREE_TEXT_KEYS = frozenset(
    {
        "filename",
        "name",
        "reason",
        "reasons",
        "text",
        "question",
        "evidence",
        "counter_claim",
        "note",
        "notes",
        "comment",
        "message",
        "title",
        "label",
        "where",
        "dissent",
        "answer",
        "body",
    }
)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/@+#\-]{0,199}")
_COMMITMENT = re.compile(r"[0-9a-f]{64}")


def _check_value(act: str, key: str, value: Any) -> None:
    if value is None or isinstance(value, bool | int | float):
        return
    if isinstance(value, str):
        free = key in FREE_TEXT_KEYS
        if (free and not _COMMITMENT.fullmatch(value)) or not _TOKEN.fullmatch(value):
            raise FreeTextInLedger(
                f"act {act}: details[{key!r}] looks like free text; a ledger entry holds only "
                "IDs, enums, numbers, dates and hashes (commit to the text instead)"
            )
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_value(act, key, item)
        return
    if isinstance(value, Mapping):
        for inner, item in value.items():
            _check_value(act, str(inner), item)
        return
    raise FreeTextInLedger(f"act {act}: details[{key!r}] is a {type(value).__name__}")


def check_details(
    act: str,
    details: Mapping[str, Any] | None,
    hashes: Mapping[str, str] | None,
    objects: Sequence[str] = (),
) -> None:
    """Refuse an act whose details or hashes could carry free text."""
    for name in objects:
        if not _TOKEN.fullmatch(name):
            raise FreeTextInLedger(f"act {act}: object {name!r} is not an ID")
    for key, value in (details or {}).items():
        _check_value(act, str(key), value)
    for key, value in (hashes or {}).items():
        if not (isinstance(value, str) and _TOKEN.fullmatch(value)):
            raise FreeTextInLedger(f"act {act}: hashes[{key!r}] is not a hash")


def committed(details: Mapping[str, Any], commit: Callable[[str], str]) -> dict[str, Any]:
    """The details with every free text replaced by `commit(text)`: values under the keys
    that name free text, and any other string that is not one token."""
    return {str(k): _committed(str(k), v, commit) for k, v in details.items()}


def _committed(key: str, value: Any, commit: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        free = key in FREE_TEXT_KEYS or not _TOKEN.fullmatch(value)
        return commit(value) if free else value
    if isinstance(value, list | tuple):
        return [_committed(key, item, commit) for item in value]
    if isinstance(value, Mapping):
        return {str(k): _committed(str(k), v, commit) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class MemberSignature:
    """A member's own signature of its act, made on the member's machine with its key: `key`
    is the ID of the member's registered key."""

    key: str
    signature: str  # hex, over `member_message(...)` of the act

    def to_plain(self) -> dict[str, str]:
        return {"key": self.key, "signature": self.signature}


@dataclass(frozen=True)
class Act:
    """What a use case did, to be written to the ledger by the store in its transaction.

    The entry is signed by the log operator for `member` and `user` (operator-attested); with
    `member_signature`, it also carries the member's own signature of the act."""

    act: str
    member: str
    user: str | None = None
    objects: tuple[str, ...] = ()
    hashes: Mapping[str, str] | None = None  # name -> SHA-256 hex of the content that changed
    details: Mapping[str, Any] | None = None
    member_signature: MemberSignature | None = None

    def __post_init__(self) -> None:
        check_details(self.act, self.details, self.hashes, self.objects)


# What a member signs of its act: the act itself, without the log's place, time or keys (its
# client signs before the server has written anything). The fields are those of the entry.
ACT_FIELDS = ("member", "user", "act", "objects", "hashes", "details")
ACT_DOMAIN = "truce.act/v1"


def act_message(body: Mapping[str, Any]) -> bytes:
    """The bytes a member signs for an act: canonical JSON of the act's fields of an entry
    body (or of `act_plain(act)`), under a domain tag so they can be nothing else."""
    if acts.is_case_act(body):
        # A case reply or vote is signed before the server has worked out the step's states
        # and the case's hash: its member signs the act alone (`truce.ledger.acts`).
        return acts.entry_message(body)
    return canonical_json({"domain": ACT_DOMAIN} | {k: body.get(k) for k in ACT_FIELDS})


def member_message(body: Mapping[str, Any]) -> bytes:
    """The bytes a member signature in an entry (or on an act) is over: a reply or a vote
    as its member's client signs it (`truce.ledger.acts`), else `act_message`."""
    if acts.is_case_act(body):
        try:
            return acts.entry_message(body)
        except acts.BadSignature:
            return b""  # verifies with no key
    return act_message(body)


def act_plain(act: Act) -> dict[str, Any]:
    """The act's fields as the entry will hold them (what `act_message` takes)."""
    return {
        "member": act.member,
        "user": act.user,
        "act": act.act,
        "objects": list(act.objects),
        "hashes": dict(act.hashes or {}),
        "details": dict(act.details or {}),
    }


def sign_act(act: Act, key: keys.SigningKey) -> Act:
    """The act with `key`'s signature of it (on the member's machine, with its own key)."""
    if key.member != act.member:
        raise ValueError(f"{key.member}'s key cannot sign an act of {act.member}")
    signature = key.sign(member_message(act_plain(act)))
    return replace(act, member_signature=MemberSignature(key.id, signature.hex()))


ATTESTED_BY = "attested_by"  # the entry field naming who signed for the member: "operator"


def entry_body(
    act: Act,
    *,
    seq: int,
    prev: str,
    at: datetime,
    key_id: str,
    effective: datetime | None = None,
    attested_by: str | None = None,
) -> dict[str, Any]:
    """`at` is when the entry was written (the log's clock, never going back); `effective` is
    the time the act itself carries, when the use case was given one (a reply dated by its
    sender, a deadline checked at a given hour).

    `key_id` is the signing key's. An entry the operator signs for a member names the
    operator in `attested_by` (entries before issue 12 were signed by the member's own key
    and have no such field); a member's own signature of the act rides along in
    `member_signature`."""
    if at.tzinfo is None or (effective is not None and effective.tzinfo is None):
        raise ValueError("a ledger entry's times must carry their time zone")
    body = {
        "seq": seq,
        "prev": prev,
        "at": at.isoformat(),
        "effective": effective.isoformat() if effective else None,
        **act_plain(act),
        "key": key_id,
    }
    if attested_by is not None:
        body[ATTESTED_BY] = attested_by
    if act.member_signature is not None:
        body["member_signature"] = act.member_signature.to_plain()
    return body


def attested(body: Mapping[str, Any]) -> bool:
    """Whether an entry was signed by the operator on its member's behalf."""
    return body.get(ATTESTED_BY) == keys.OPERATOR


def sign_entry(body: Mapping[str, Any], signer: keys.SigningKey) -> bytes:
    """The signed line for an entry body."""
    entry = canonical_json(dict(body))
    return line_of(entry, signer.sign(entry))


def line_of(entry: bytes, signature: bytes) -> bytes:
    return _HEAD + entry + _MIDDLE + signature.hex().encode() + _TAIL


def split_line(line: bytes) -> tuple[bytes, bytes]:
    """The signed entry bytes and the signature of a line."""
    line = line.rstrip(b"\r\n")
    cut = len(line) - len(_TAIL) - _SIGNATURE_HEX - len(_MIDDLE)
    if (
        not line.startswith(_HEAD)
        or not line.endswith(_TAIL)
        or cut <= len(_HEAD)
        or line[cut : cut + len(_MIDDLE)] != _MIDDLE
    ):
        raise MalformedEntry("not a signed ledger entry line")
    written = line[cut + len(_MIDDLE) : -len(_TAIL)]
    try:
        signature = bytes.fromhex(written.decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        raise MalformedEntry("the signature is not hexadecimal") from None
    if signature.hex().encode() != written:
        # Canonical form is lower case: "A" for "a" changes the leaf, so it must not pass here.
        raise MalformedEntry("the signature is not in canonical (lower-case) hexadecimal")
    return line[len(_HEAD) : cut], signature


def parse_entry(entry: bytes) -> dict[str, Any]:
    try:
        body = json.loads(entry)
    except (ValueError, UnicodeDecodeError):
        raise MalformedEntry("the entry is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("seq"), int):
        raise MalformedEntry("the entry has no sequence number")
    return body


def leaf(line: bytes) -> bytes:
    return merkle.leaf_hash(line.rstrip(b"\r\n"))


# --- checkpoints (signed tree heads) ---------------------------------------------------


def tree_head(size: int, root: bytes, at: datetime) -> bytes:
    """What each co-signer of a checkpoint signs."""
    return canonical_json({"log": "truce", "size": size, "root": root.hex(), "at": at.isoformat()})


@dataclass(frozen=True)
class Cosignature:
    member: str
    key: str
    signature: str  # hex, over `member_message(...)` of the act

    def to_plain(self) -> dict[str, str]:
        return {"member": self.member, "key": self.key, "signature": self.signature}


@dataclass(frozen=True)
class Checkpoint:
    size: int
    root: str  # hex
    at: datetime
    cosignatures: tuple[Cosignature, ...]
    proof: tuple[str, ...] = ()  # consistency proof from the previous checkpoint, hex

    def message(self) -> bytes:
        return tree_head(self.size, bytes.fromhex(self.root), self.at)

    def to_plain(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "root": self.root,
            "at": self.at.isoformat(),
            "cosignatures": [c.to_plain() for c in self.cosignatures],
            "proof": list(self.proof),
        }

    @classmethod
    def from_plain(cls, data: Mapping[str, Any]) -> Checkpoint:
        return cls(
            size=int(data["size"]),
            root=str(data["root"]),
            at=datetime.fromisoformat(str(data["at"])),
            cosignatures=tuple(Cosignature(**c) for c in data.get("cosignatures", ())),
            proof=tuple(data.get("proof", ())),
        )


def cosign(
    size: int,
    root: bytes,
    at: datetime,
    signers: Sequence[keys.SigningKey],
    proof: Sequence[bytes] = (),
) -> Checkpoint:
    message = tree_head(size, root, at)
    return Checkpoint(
        size=size,
        root=root.hex(),
        at=at,
        cosignatures=tuple(Cosignature(s.member, s.id, s.sign(message).hex()) for s in signers),
        proof=tuple(p.hex() for p in proof),
    )
