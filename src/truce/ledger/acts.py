"""What a member signs of its own reply or vote: the canonical bytes of the act, made on the
member's machine before it leaves, and checked by the server and by anyone holding the ledger.

The bytes are the canonical JSON (RFC 8785 style, `truce.domain.canonical`) of

    {"domain": "truce.case-act/v1",
     "kind": "case.reply" | "case.review",
     "case": <case ID>, "round": <the case's round>,
     "member": <member ID>, "user": <user ID>,
     "body": <reply: {"kind", "text", "counter_claim"} | review: {"vote", "reason"}>}

The case and round are signed so that a signature cannot be replayed on another case, or on
the same case after it was reopened; the user, so that it cannot be passed off as another's.

A reply's texts may name a witness, and every member downloads the ledger: so the body holds
salted commitments to the texts, never the texts, and the salt is the client's (random, 16
bytes or more). The ledger entry then holds the body as signed, and a verifier rebuilds the
signed bytes from the entry alone (`entry_message`); whoever may see the case's texts and salt
checks that the commitments open to them. A raw hash would not do: short texts are guessable.

Pure: bytes in, bytes out.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
from collections.abc import Mapping
from typing import Any

from truce.domain.canonical import canonical_json
from truce.ledger import keys

DOMAIN = "truce.case-act/v1"
REPLY = "case.reply"
REVIEW = "case.review"
# The body's fields of each kind of act, in the entry's details and in the signed bytes.
BODY_FIELDS: Mapping[str, tuple[str, ...]] = {
    REPLY: ("kind", "text", "counter_claim"),
    REVIEW: ("vote", "reason"),
}
MIN_SALT = 16  # bytes


class BadSignature(ValueError):
    """A signature, key or salt that is malformed or does not verify (the message says why)."""


def commit(salt: bytes, field: str, text: str | None) -> str | None:
    """The salted commitment to one text of the act: SHA-256 of salt || field || 0x00 ||
    UTF-8 text, in hex (None for no text). The field name keeps equal texts in two fields
    from showing as equal commitments."""
    if text is None:
        return None
    if len(salt) < MIN_SALT:
        raise BadSignature(f"salt: at least {MIN_SALT} random bytes commit to a text")
    return hashlib.sha256(salt + field.encode() + b"\x00" + text.encode("utf-8")).hexdigest()


def reply_body(kind: str, text: str, counter_claim: str | None, salt: bytes) -> dict[str, Any]:
    return {
        "kind": kind,
        "text": commit(salt, "text", text),
        "counter_claim": commit(salt, "counter_claim", counter_claim),
    }


def review_body(vote: str, reason: str | None, salt: bytes) -> dict[str, Any]:
    return {"vote": vote, "reason": commit(salt, "reason", reason)}


def message(
    kind: str, case: str, round: int, member: str, user: str, body: Mapping[str, Any]
) -> bytes:
    """The bytes a member signs for an act."""
    if kind not in BODY_FIELDS:
        raise BadSignature(f"not an act a member signs: {kind!r}")
    if set(body) != set(BODY_FIELDS[kind]):
        raise BadSignature(f"a {kind} body has exactly {', '.join(BODY_FIELDS[kind])}")
    return canonical_json(
        {
            "domain": DOMAIN,
            "kind": kind,
            "case": case,
            "round": round,
            "member": member,
            "user": user,
            "body": dict(body),
        }
    )


def is_case_act(entry: Mapping[str, Any]) -> bool:
    """Whether an entry (or an act's fields) is a reply or vote as its member signs it."""
    details = entry.get("details") or {}
    return entry.get("act") in BODY_FIELDS and type(details.get("round")) is int


def entry_message(entry: Mapping[str, Any]) -> bytes:
    """The signed bytes of a member-signed case entry, rebuilt from the entry alone: the act,
    its first object (the case), its member and user, and the round and body in its details."""
    details = entry.get("details") or {}
    kind = str(entry.get("act"))
    objects = entry.get("objects") or [None]
    if not is_case_act(entry):
        raise BadSignature(f"entry {entry.get('seq')}: not a member-signed case act")
    body = {name: details.get(name) for name in BODY_FIELDS[kind]}
    return message(
        kind, str(objects[0]), details["round"], str(entry["member"]), str(entry["user"]), body
    )


def decode_signature(text: str) -> bytes:
    """A 64-byte Ed25519 signature given in hex or base64 (standard or URL-safe)."""
    text = text.strip()
    candidates = []
    with contextlib.suppress(ValueError):
        candidates.append(bytes.fromhex(text))
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        with contextlib.suppress(binascii.Error, ValueError):
            candidates.append(decode(text + "=" * (-len(text) % 4)))
    for raw in candidates:
        if len(raw) == keys.SIGNATURE_SIZE:
            return raw
    raise BadSignature(
        f"signature: not a {keys.SIGNATURE_SIZE}-byte Ed25519 signature in hex or base64"
    )


def decode_salt(text: str | None) -> bytes:
    if not text:
        return b""
    try:
        salt = bytes.fromhex(text)
    except ValueError:
        raise BadSignature("salt: not hexadecimal") from None
    if len(salt) < MIN_SALT:
        raise BadSignature(f"salt: at least {MIN_SALT} random bytes ({2 * MIN_SALT} hex digits)")
    return salt


def check(public: bytes, signed: bytes, signature: bytes) -> None:
    """Raise BadSignature unless `signature` is `public`'s signature of `signed`."""
    if not keys.verify(public, signed, signature):
        raise BadSignature(
            f"signature: does not verify with key {keys.key_id(public)} over the canonical "
            "bytes of this act (its case, round, member, user and body)"
        )


def body_of(kind: str, fields: Mapping[str, str | None], salt: bytes) -> dict[str, Any]:
    """The signed body of an act from its plain fields (a reply's kind, text and
    counter-claim; a vote and its reason)."""
    if kind == REPLY:
        return reply_body(
            str(fields["kind"]), str(fields["text"]), fields.get("counter_claim"), salt
        )
    if kind == REVIEW:
        return review_body(str(fields["vote"]), fields.get("reason"), salt)
    raise BadSignature(f"not an act a member signs: {kind!r}")


def sign(
    key: keys.SigningKey,
    kind: str,
    case: str,
    round: int,
    user: str,
    fields: Mapping[str, str | None],
    salt: bytes,
) -> dict[str, str]:
    """What a member's client adds to its request for the act: `signature` (hex), `key_id`
    and `salt` (hex). `salt` is fresh random bytes (16 or more) for each act."""
    signed = message(kind, case, round, key.member, user, body_of(kind, fields, salt))
    return {"signature": key.sign(signed).hex(), "key_id": key.id, "salt": salt.hex()}
