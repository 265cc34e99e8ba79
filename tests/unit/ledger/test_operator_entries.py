"""Entries signed by the log operator for a member (issue 12), member signatures riding in
them, logs mixing them with entries from before (signed by members' own keys), and trust
files: keys come from outside the bundle, and a key change counts only when the old key
signed it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from truce.ledger import entries, note
from truce.ledger.entries import Act, MemberSignature, sign_act
from truce.ledger.keys import OPERATOR, SigningKey
from truce.ledger.trust import TrustError, TrustFile, trusted_keys
from truce.ledger.verify import KeyRecord, verify_ledger

T0 = datetime(2017, 1, 1, 12, 0, tzinfo=UTC)
ORIGIN = "truce.test/ledger"


class Log:
    """A log built as the store builds it: each entry linked to the one before."""

    def __init__(self) -> None:
        self.lines: list[bytes] = []
        self.records: list[KeyRecord] = []
        self.keys: dict[str, SigningKey] = {}

    def key(self, member: str, key: SigningKey | None = None) -> SigningKey:
        """Register a key (retiring the member's one before)."""
        key = key or SigningKey.generate(member)
        at = self.at()
        self.records = [
            KeyRecord(r.member, r.key_id, r.public, r.valid_from, at)
            if r.member == member and r.retired_at is None
            else r
            for r in self.records
        ]
        self.records.append(KeyRecord(member, key.id, key.public.hex(), at))
        self.keys[member] = key
        return key

    def at(self) -> datetime:
        return T0 + timedelta(minutes=len(self.lines) * 2)

    def append(self, act: Act, signer: SigningKey) -> dict[str, object]:
        prev = entries.leaf(self.lines[-1]).hex() if self.lines else ""
        body = entries.entry_body(
            act,
            seq=len(self.lines),
            prev=prev,
            at=self.at() + timedelta(minutes=1),
            key_id=signer.id,
            attested_by=OPERATOR if signer.member == OPERATOR else None,
        )
        self.lines.append(entries.sign_entry(body, signer))
        return body


def act(member: str, n: int, user: str | None = None) -> Act:
    return Act("report.add", member, user or f"{member}-analyst", objects=(f"report:{n}",))


def rotation(member: str, new: SigningKey, old: str | None) -> Act:
    return Act(
        "key.rotate" if old else "key.register",
        member,
        "chair",
        objects=(new.id,),
        details={"public": new.public.hex(), "replaces": old},
    )


def mixed_log() -> Log:
    """Two entries from before issue 12 (russia's own key), then the operator's key, then
    entries the operator signs for russia, one of them also signed by russia."""
    log = Log()
    russia = log.key("russia")
    log.append(act("russia", 0), russia)
    log.append(act("russia", 1), russia)
    operator = log.key(OPERATOR)
    log.append(act("russia", 2), operator)
    log.append(sign_act(act("russia", 3), russia), operator)
    log.append(act("un", 4, "chair"), operator)
    return log


def problems(log: Log, records: Sequence[KeyRecord] | None = None) -> list[str]:
    found = verify_ledger(log.lines, log.records if records is None else records).problems
    return [str(p) for p in found]


# --- the entry format ------------------------------------------------------------------------


def test_an_attested_entry_names_the_actor_the_operator_and_the_members_signature() -> None:
    log = mixed_log()
    bodies = [entries.parse_entry(entries.split_line(line)[0]) for line in log.lines]
    assert [entries.attested(b) for b in bodies] == [False, False, True, True, True]
    assert "attested_by" not in bodies[0] and bodies[0]["key"] == log.keys["russia"].id
    third = bodies[3]
    assert (third["member"], third["user"], third["attested_by"]) == (
        "russia",
        "russia-analyst",
        "operator",
    )
    assert third["key"] == log.keys[OPERATOR].id
    assert third["member_signature"]["key"] == log.keys["russia"].id
    assert "member_signature" not in bodies[2]


def test_old_and_new_entries_verify_in_one_log() -> None:
    assert problems(mixed_log()) == []


def test_an_attested_entry_altered_after_signing_is_found() -> None:
    log = mixed_log()
    log.lines[2] = log.lines[2].replace(b"report:2", b"report:9")
    found = problems(log)
    assert found[0].startswith("entry 2: the signature does not verify with the operator's key")


def test_an_entry_claiming_operator_attestation_with_a_members_key_is_refused() -> None:
    log = mixed_log()
    russia = log.keys["russia"]
    body = entries.entry_body(
        act("russia", 5),
        seq=5,
        prev=entries.leaf(log.lines[-1]).hex(),
        at=log.at() + timedelta(minutes=1),
        key_id=russia.id,
        attested_by=OPERATOR,
    )
    log.lines.append(entries.sign_entry(body, russia))
    assert problems(log) == [f"entry 5: attested with key {russia.id}, which is not the operator's"]


def test_a_member_signature_over_another_act_does_not_verify() -> None:
    """The operator cannot move a member's signature onto an act the member did not sign."""
    log = mixed_log()
    signed = sign_act(act("russia", 6), log.keys["russia"])
    moved = Act(
        "report.add",
        "russia",
        "russia-analyst",
        objects=("report:7",),
        member_signature=signed.member_signature,
    )
    log.append(moved, log.keys[OPERATOR])
    (found,) = problems(log)
    assert found.startswith("entry 5: russia's own signature")
    assert "the act was altered after the member signed it" in found


def test_a_member_signature_with_another_members_key_is_refused() -> None:
    log = mixed_log()
    iran = log.key("iran")
    forged = sign_act(act("iran", 8), iran).member_signature
    log.append(
        Act("report.add", "russia", "russia-analyst", member_signature=forged), log.keys[OPERATOR]
    )
    assert problems(log) == [f"entry 5: member-signed with key {iran.id}, which is not russia's"]


def test_sign_act_refuses_another_members_act() -> None:
    with pytest.raises(ValueError, match="cannot sign an act of iran"):
        sign_act(act("iran", 0), SigningKey.generate("russia"))
    assert MemberSignature("k", "00").to_plain() == {"key": "k", "signature": "00"}


# --- trust files ------------------------------------------------------------------------------


def trust_of(log: Log, members: dict[str, Sequence[SigningKey]] | None = None) -> TrustFile:
    operator = note.verifier_key(ORIGIN, log.keys[OPERATOR].public)
    chosen = members if members is not None else {m: [k] for m, k in log.keys.items()}
    return TrustFile(
        ORIGIN,
        operator,
        {},
        {m: tuple(k.public.hex() for k in ks) for m, ks in chosen.items() if m != OPERATOR},
    )


def test_a_trust_file_vouches_for_the_keys_it_holds() -> None:
    log = mixed_log()
    trusted = trusted_keys(log.records, log.lines, trust_of(log))
    assert trusted.problems == [] and trusted.records == log.records
    assert problems(log, trusted.records) == []


def test_an_operator_key_swapped_in_the_bundle_is_not_trusted() -> None:
    """The dishonest operator re-signs with a key of its own and lists it in keys.json: the
    bundle alone verifies, the trust file does not believe it."""
    log = mixed_log()
    trust = trust_of(log)
    impostor = SigningKey.generate(OPERATOR)
    log.records = [r for r in log.records if r.member != OPERATOR]
    log.records.append(KeyRecord(OPERATOR, impostor.id, impostor.public.hex(), T0))
    lines: list[bytes] = []
    for line in log.lines:
        signed, _ = entries.split_line(line)
        body = entries.parse_entry(signed)
        if entries.attested(body):
            body["key"] = impostor.id
            if lines:
                body["prev"] = entries.leaf(lines[-1]).hex()
            line = entries.sign_entry(body, impostor)
        elif lines:
            body["prev"] = entries.leaf(lines[-1]).hex()
            line = entries.sign_entry(body, log.keys["russia"])
        lines.append(line)
    log.lines = lines
    assert problems(log) == []  # the bundle vouches for itself
    trusted = trusted_keys(log.records, log.lines, trust)
    assert [str(p) for p in trusted.problems] == [
        f"keys.json: key {impostor.id} of operator is not in the trust file, and no entry "
        "signed with a trusted key of operator introduced it"
    ]
    found = problems(log, trusted.records)
    assert found and all("which is not the operator's" in p for p in found)


def test_a_rotation_signed_by_the_old_key_carries_trust_to_the_new_one() -> None:
    log = mixed_log()
    trust = trust_of(log)
    old, new = log.keys["russia"], SigningKey.generate("russia")
    log.append(sign_act(rotation("russia", new, old.id), old), log.keys[OPERATOR])
    log.key("russia", new)
    log.append(sign_act(act("russia", 9), new), log.keys[OPERATOR])
    trusted = trusted_keys(log.records, log.lines, trust)
    assert trusted.problems == [] and trusted.introduced == [new.id]
    assert problems(log, trusted.records) == []


def test_a_key_the_operator_alone_introduced_is_not_trusted() -> None:
    log = mixed_log()
    trust = trust_of(log)
    new = SigningKey.generate("russia")
    # Self-signed (the operator made the key), not signed by russia's trusted key.
    log.append(sign_act(rotation("russia", new, log.keys["russia"].id), new), log.keys[OPERATOR])
    log.key("russia", new)
    log.append(sign_act(act("russia", 9), new), log.keys[OPERATOR])
    trusted = trusted_keys(log.records, log.lines, trust)
    assert [p.where for p in trusted.problems] == ["keys.json"]
    assert new.id in trusted.problems[0].why and trusted.introduced == []
    found = problems(log, trusted.records)
    assert f"entry 6: member-signed with key {new.id}, which is not russia's" in found


def test_a_rotation_from_before_issue_12_signed_by_the_old_key_is_followed() -> None:
    log = Log()
    old = log.key("iran")
    log.append(act("iran", 0), old)
    operator = note.verifier_key(ORIGIN, SigningKey.generate(OPERATOR).public)
    trust = TrustFile(ORIGIN, operator, {}, {"iran": (old.public.hex(),)})
    new = SigningKey.generate("iran")
    log.append(rotation("iran", new, old.id), old)  # the old format: the member's key signs
    log.key("iran", new)
    log.append(act("iran", 1), new)
    trusted = trusted_keys(log.records, log.lines, trust)
    assert trusted.problems == [] and trusted.introduced == [new.id]
    assert problems(log, trusted.records) == []


def test_a_trust_file_round_trips_and_names_what_is_wrong() -> None:
    log = mixed_log()
    trust = trust_of(log)
    witness = SigningKey.generate("iran")
    trust = TrustFile(
        trust.origin,
        trust.operator,
        {"iran": note.verifier_key("iran", witness.public, note.COSIGNATURE_V1)},
        trust.members,
    )
    assert TrustFile.from_json(trust.to_json()) == trust
    assert [m for m, _ in trust.witness_verifiers()] == ["iran"]
    plain: dict[str, object] = trust.to_plain()
    changes: list[tuple[dict[str, object], str]] = [
        ({"origin": ""}, "origin"),
        ({"operator": None}, "operator"),
        ({"operator": "nonsense"}, "operator"),
        ({"operator": trust.witnesses["iran"]}, "operator"),
        ({"witnesses": {"iran": trust.operator}}, "witnesses.iran"),
        ({"members": {"iran": ["zz"]}}, "members.iran"),
        ({"members": ["x"]}, "members"),
    ]
    for change, field in changes:
        with pytest.raises(TrustError, match=f"^{field}"):
            TrustFile.from_json(json.dumps(plain | change))
    with pytest.raises(TrustError, match="not JSON"):
        TrustFile.from_json("{")
