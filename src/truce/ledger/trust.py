"""Trust roots from outside the bundle: the keys a member holds in its own trust file.

A bundle's `keys.json` is the operator's word: a dishonest operator can swap in keys of its
own and re-sign the log. A trust file is exchanged when the agreement is signed and kept by
each member: the operator's verifier key, the witnesses' cosignature verifier keys and the
members' public keys. A key the bundle holds beyond those is believed only if an entry
signed with a key already trusted for the same member introduced it (a rotation the old key
signed), in log order; anything else is a problem.

The file is JSON:
    {"origin": "truce.local/ledger",
     "operator": "<C2SP verifier key of the log operator (Ed25519)>",
     "witnesses": {"iran": "<C2SP verifier key, cosignature/v1>", ...},
     "members": {"iran": ["<public key, hex>", ...], ...}}

Pure: bytes in, records out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from truce.ledger import entries, keys, note
from truce.ledger.verify import KeyRecord, Problem

INTRODUCING = frozenset({"key.register", "key.rotate"})
_KEY_ACT = b'"act":"key.'


class TrustError(ValueError):
    """A trust file that is not one (the message names the field)."""


@dataclass(frozen=True)
class TrustFile:
    origin: str
    operator: str  # C2SP verifier key
    witnesses: Mapping[str, str] = field(default_factory=dict)  # member -> verifier key
    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # member -> hex keys

    def operator_verifier(self) -> note.Verifier:
        return note.parse_verifier_key(self.operator)

    def witness_verifiers(self) -> list[tuple[str, note.Verifier]]:
        return [(m, note.parse_verifier_key(k)) for m, k in sorted(self.witnesses.items())]

    def to_plain(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "operator": self.operator,
            "witnesses": dict(sorted(self.witnesses.items())),
            "members": {m: list(k) for m, k in sorted(self.members.items())},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_plain(), indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> TrustFile:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise TrustError(f"not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise TrustError("not a JSON object")
        return cls.from_plain(data)

    @classmethod
    def from_plain(cls, data: Mapping[str, Any]) -> TrustFile:
        origin, operator = data.get("origin"), data.get("operator")
        if not isinstance(origin, str) or not origin:
            raise TrustError("origin: the log's origin line is missing")
        if not isinstance(operator, str):
            raise TrustError("operator: the operator's verifier key is missing")
        witnesses = data.get("witnesses", {})
        members = data.get("members", {})
        if not isinstance(witnesses, dict) or not all(
            isinstance(k, str) for k in witnesses.values()
        ):
            raise TrustError("witnesses: expected {member: verifier key}")
        if not isinstance(members, dict) or not all(
            isinstance(ks, list) and all(isinstance(k, str) for k in ks) for ks in members.values()
        ):
            raise TrustError("members: expected {member: [public key hex, ...]}")
        trust = cls(
            origin,
            operator,
            {str(m): k for m, k in witnesses.items()},
            {str(m): tuple(k.lower() for k in ks) for m, ks in members.items()},
        )
        try:
            verifier = trust.operator_verifier()
        except note.NoteError as exc:
            raise TrustError(f"operator: {exc}") from None
        if verifier.kind != note.ED25519:
            raise TrustError("operator: expected an Ed25519 verifier key")
        for member, key in trust.witnesses.items():
            try:
                if note.parse_verifier_key(key).kind != note.COSIGNATURE_V1:
                    raise TrustError(f"witnesses.{member}: expected a cosignature/v1 key")
            except note.NoteError as exc:
                raise TrustError(f"witnesses.{member}: {exc}") from None
        for member, publics in trust.members.items():
            for public in publics:
                if len(public) != 64 or not _is_hex(public):
                    raise TrustError(f"members.{member}: {public!r} is not a public key in hex")
        return trust


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True


@dataclass
class Trusted:
    """The bundle's key records a trust file vouches for, and what it does not."""

    records: list[KeyRecord]
    problems: list[Problem]
    introduced: list[str]  # key IDs believed through a rotation signed by a trusted key


def trusted_keys(records: Sequence[KeyRecord], lines: Iterable[bytes], trust: TrustFile) -> Trusted:
    """Keep the bundle's key records whose public key the trust file holds for that member,
    or which an entry signed by a key already trusted for that member introduced (in log
    order); each other record is a problem at `keys.json`."""
    trusted: dict[str, set[str]] = {m: set(ks) for m, ks in trust.members.items()}
    trusted.setdefault(keys.OPERATOR, set()).add(trust.operator_verifier().public.hex())
    by_id = {r.key_id: r for r in records}
    introduced = []
    for line in lines:
        if _KEY_ACT not in line:  # most entries: skipped without parsing
            continue
        found = _introduction(line, by_id, trusted)
        if found is not None:
            member, public = found
            if public not in trusted.setdefault(member, set()):
                trusted[member].add(public)
                introduced.append(keys.key_id(bytes.fromhex(public)))
    kept, problems = [], []
    for record in records:
        if record.public.lower() in trusted.get(record.member, set()):
            kept.append(record)
        else:
            problems.append(
                Problem(
                    "keys.json",
                    f"key {record.key_id} of {record.member} is not in the trust file, and no "
                    f"entry signed with a trusted key of {record.member} introduced it",
                )
            )
    return Trusted(kept, problems, introduced)


def _introduction(
    line: bytes, by_id: Mapping[str, KeyRecord], trusted: Mapping[str, set[str]]
) -> tuple[str, str] | None:
    """(member, new public key) if the line introduces a key and is signed by a key trusted
    for that member; else None."""
    try:
        signed, signature = entries.split_line(line)
        body = entries.parse_entry(signed)
    except entries.MalformedEntry:
        return None
    member, details = body.get("member"), body.get("details")
    if body.get("act") not in INTRODUCING or not isinstance(details, Mapping):
        return None
    public = str(details.get("public", "")).lower()
    if not isinstance(member, str) or len(public) != 64 or not _is_hex(public):
        return None
    vouchers = trusted.get(member, set())
    if entries.attested(body) and member != keys.OPERATOR:
        # The member's own (old) key signed the act; the operator's seal alone is not enough.
        given = body.get("member_signature")
        if not isinstance(given, Mapping):
            return None
        record = by_id.get(str(given.get("key")))
        message, raw = entries.member_message(body), _bytes(given.get("signature"))
    else:
        # The operator's own rotation (its old key signs the entry), or an entry from before
        # issue 12, which the member's old key signed itself.
        record = by_id.get(str(body.get("key")))
        message, raw = signed, signature
    if record is None or record.member != member or record.public.lower() not in vouchers:
        return None
    if record.public.lower() == public:
        return None  # a key cannot vouch for itself
    if not keys.verify(bytes.fromhex(record.public), message, raw):
        return None
    return member, public


def _bytes(value: object) -> bytes:
    try:
        return bytes.fromhex(str(value))
    except ValueError:
        return b""
