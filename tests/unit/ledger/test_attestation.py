"""One word for how an entry was signed (`truce.ledger.attestation`): member-signed only when
the member's own signature verifies with its registered key; operator-attested for what the
operator signed alone, or with a member signature that does not hold; server-held-key for
entries from before issue 12."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from truce.ledger import entries
from truce.ledger.attestation import (
    MEMBER_SIGNED,
    OPERATOR_ATTESTED,
    SERVER_HELD_KEY,
    Keys,
    signed_as,
)
from truce.ledger.entries import Act, MemberSignature, sign_act
from truce.ledger.keys import OPERATOR, SigningKey
from truce.ledger.verify import KeyRecord

T0 = datetime(2017, 1, 1, 12, 0, tzinfo=UTC)
RUSSIA = SigningKey.generate("russia")
OPERATOR_KEY = SigningKey.generate(OPERATOR)
ACT = Act("report.add", "russia", "ru-officer", objects=("r1",))


def _keys(*signers: SigningKey, valid_from: datetime = T0) -> Keys:
    return Keys(KeyRecord(k.member, k.id, k.public.hex(), valid_from) for k in signers)


def _body(act: Act, signer: SigningKey) -> dict[str, Any]:
    return entries.entry_body(
        act,
        seq=0,
        prev="",
        at=T0 + timedelta(hours=1),
        key_id=signer.id,
        attested_by=OPERATOR if signer.member == OPERATOR else None,
    )


KEYS = _keys(RUSSIA, OPERATOR_KEY)


def test_an_act_signed_by_its_member_is_member_signed() -> None:
    assert signed_as(_body(sign_act(ACT, RUSSIA), OPERATOR_KEY), KEYS) == MEMBER_SIGNED


def test_an_act_the_operator_signed_alone_is_operator_attested() -> None:
    assert signed_as(_body(ACT, OPERATOR_KEY), KEYS) == OPERATOR_ATTESTED


def test_an_entry_from_before_issue_12_is_signed_with_a_server_held_key() -> None:
    body = _body(ACT, RUSSIA)  # the member's key signs the entry itself, no `attested_by`
    assert entries.ATTESTED_BY not in body
    assert signed_as(body, KEYS) == SERVER_HELD_KEY


def test_a_member_signature_that_does_not_hold_is_only_the_operators_word() -> None:
    signed = sign_act(ACT, RUSSIA)
    altered = _body(signed, OPERATOR_KEY) | {"objects": ["r2"]}  # changed after signing
    assert signed_as(altered, KEYS) == OPERATOR_ATTESTED
    forged = Act(**{**vars(ACT), "member_signature": MemberSignature(RUSSIA.id, "00" * 64)})
    assert signed_as(_body(forged, OPERATOR_KEY), KEYS) == OPERATOR_ATTESTED
    # A signature by a key the member never registered, or not valid at the entry's time.
    stranger = sign_act(ACT, SigningKey.generate("russia"))
    assert signed_as(_body(stranger, OPERATOR_KEY), KEYS) == OPERATOR_ATTESTED
    later = _keys(RUSSIA, OPERATOR_KEY, valid_from=T0 + timedelta(days=1))
    assert signed_as(_body(signed, OPERATOR_KEY), later) == OPERATOR_ATTESTED


def test_an_entry_attested_by_anyone_but_the_operator_is_not_member_signed() -> None:
    body = _body(sign_act(ACT, RUSSIA), OPERATOR_KEY) | {entries.ATTESTED_BY: "russia"}
    assert signed_as(body, KEYS) == OPERATOR_ATTESTED
