"""The canonical bytes a member signs for its reply or vote, and their check: exact bytes, no
replay on another case, round, member or user, texts hidden behind the member's salt."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from truce.ledger import acts, entries
from truce.ledger.keys import SigningKey

SALT = bytes(range(16))
KEY = SigningKey.generate("russia")


def _reply(**over: Any) -> bytes:
    fields: dict[str, Any] = {
        "kind": acts.REPLY,
        "case": "case_1",
        "round": 1,
        "member": "russia",
        "user": "ru-officer",
        "body": acts.reply_body("disputed", "Our forces were not there.", "Rebels fired", SALT),
    }
    return acts.message(**(fields | over))


def test_the_canonical_bytes_are_exactly_these() -> None:
    text = hashlib.sha256(SALT + b"text\x00" + b"We are looking into it.").hexdigest()
    body = acts.reply_body("acknowledged", "We are looking into it.", None, SALT)
    assert body == {"kind": "acknowledged", "text": text, "counter_claim": None}
    assert acts.message(acts.REPLY, "case_1", 2, "iran", "ir-officer", body) == (
        b'{"body":{"counter_claim":null,"kind":"acknowledged","text":"'
        + text.encode()
        + b'"},"case":"case_1","domain":"truce.case-act/v1","kind":"case.reply",'
        b'"member":"iran","round":2,"user":"ir-officer"}'
    )
    vote = acts.review_body("confirm", None, b"")  # no text: no salt needed
    assert acts.message(acts.REVIEW, "c", 1, "turkey", "tr-officer", vote) == (
        b'{"body":{"reason":null,"vote":"confirm"},"case":"c","domain":"truce.case-act/v1",'
        b'"kind":"case.review","member":"turkey","round":1,"user":"tr-officer"}'
    )


def test_a_signature_verifies_only_over_its_own_case_round_member_user_and_body() -> None:
    signature = KEY.sign(_reply())
    acts.check(KEY.public, _reply(), signature)
    replays = [
        _reply(case="case_2"),
        _reply(round=2),
        _reply(member="iran"),
        _reply(user="ru-other"),
        _reply(body=acts.reply_body("disputed", "Our forces were there.", "Rebels fired", SALT)),
        _reply(body=acts.reply_body("acknowledged", "Our forces were not there.", None, SALT)),
    ]
    for other in replays:
        with pytest.raises(acts.BadSignature, match="does not verify"):
            acts.check(KEY.public, other, signature)
    with pytest.raises(acts.BadSignature, match="does not verify"):
        acts.check(SigningKey.generate("russia").public, _reply(), signature)


def test_a_reply_signature_is_no_vote_signature() -> None:
    with pytest.raises(acts.BadSignature, match="exactly vote, reason"):
        acts.message(acts.REVIEW, "c", 1, "m", "u", acts.reply_body("disputed", "t", "c", SALT))
    with pytest.raises(acts.BadSignature, match="not an act a member signs"):
        acts.message("case.publish", "c", 1, "m", "u", {})


def test_texts_need_a_salt_of_sixteen_bytes_and_equal_texts_commit_differently() -> None:
    with pytest.raises(acts.BadSignature, match="salt"):
        acts.commit(b"short", "text", "Our forces were not there.")
    body = acts.reply_body("disputed", "same", "same", SALT)
    assert body["text"] != body["counter_claim"]
    assert acts.reply_body("disputed", "same", "same", bytes(16))["text"] != body["text"]


def test_the_entry_alone_rebuilds_the_signed_bytes() -> None:
    body = acts.reply_body("disputed", "Our forces were not there.", "Rebels fired", SALT)
    entry: dict[str, Any] = {
        "seq": 7,
        "act": acts.REPLY,
        "objects": ["case_1", "inc_1"],
        "member": "russia",
        "user": "ru-officer",
        # what the server adds beside the member's act: states, the case hash, commitments
        "hashes": {"case": "ab" * 32},
        "details": {"from": "awaiting_reply", "to": "awaiting_reply", "round": 1, **body},
    }
    assert acts.entry_message(entry) == _reply()
    assert entries.act_message(entry) == _reply()  # what the store and `verify` check
    entry["details"] = {**entry["details"], "round": 2}
    assert acts.entry_message(entry) != _reply()
    del entry["details"]["round"]
    with pytest.raises(acts.BadSignature, match="not a member-signed case act"):
        acts.entry_message(entry)


@given(st.binary(min_size=64, max_size=64))
def test_a_signature_reads_as_hex_or_base64(raw: bytes) -> None:
    for text in (raw.hex(), raw.hex().upper(), base64.b64encode(raw).decode()):
        assert acts.decode_signature(text) == raw
    assert acts.decode_signature(base64.urlsafe_b64encode(raw).decode().rstrip("=")) == raw


@pytest.mark.parametrize("text", ["", "zz", "ab" * 63, "ab" * 65, "not a signature"])
def test_a_malformed_signature_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(acts.BadSignature, match=r"^signature: "):
        acts.decode_signature(text)
