"""Members sign their own replies and votes (issue 12): over HTTP, a signed act is accepted and
its entry carries the signature, verifiable from the entry alone with the member's public key;
a bad or replayed signature is refused and leaves nothing behind; under `member_signatures:
required` an unsigned vote is refused and the inbox offers the command, not the vote."""

from __future__ import annotations

import html
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import AGREEMENT, NewStore, Serve, Served, Store
from tests.served import truce_serve
from truce.domain.agreements import MemberSignatures
from truce.domain.cases import CaseState, ReplyKind
from truce.ledger import acts, entries
from truce.ledger.keys import SigningKey, verify
from truce.services import cases as flow
from truce.services.demo import demo_password

GUARANTORS = {"russia": "ru-officer", "iran": "ir-officer", "turkey": "tr-officer"}
TEXT = "Our forces were not there; the convoy was hit by a mine."


@dataclass
class Mechanism:
    served: Served
    keys: dict[str, SigningKey]  # the guarantors' private keys, on their own machines
    used: set[str]

    @property
    def store(self) -> Store:
        return self.served.store

    def post(self, user: str, path: str, body: dict[str, Any], **headers: str) -> Any:
        return self.served.client.post(path, json=body, headers=self.served.auth(user) | headers)

    def signed(self, user: str, kind: str, case_id: str, fields: dict[str, Any]) -> dict[str, str]:
        """What the member's client adds to its request: it asks what to sign, then signs."""
        signing = self.served.client.get(
            f"/api/cases/{case_id}/signing", headers=self.served.auth(user)
        ).json()
        key = self.keys[signing["member"]]
        assert signing["key"] == key.id
        return acts.sign(
            key, kind, case_id, signing["round"], signing["user"], fields, secrets.token_bytes(32)
        )

    def case_in(self, state: CaseState) -> str:
        """A government-side case no test has used (Russia and Iran answer for that side),
        brought to `state` by unsigned steps."""
        now = datetime.now(UTC)
        with self.store.uow() as unit:
            case = next(
                c
                for c in unit.cases.all(state=CaseState.AWAITING_REPLY.value)
                if c.accused_side == "government" and not c.replies and c.id not in self.used
            )
            self.used.add(case.id)
            who = unit.users.principal
            if state is CaseState.JOINT_REVIEW:
                for officer in ("ru-officer", "ir-officer"):
                    flow.reply(
                        uow=unit,
                        who=who(officer),
                        case_id=case.id,
                        kind=ReplyKind.ACKNOWLEDGED,
                        text="Looking into it.",
                        now=now,
                    )
                flow.propose_finding(uow=unit, who=who("analyst"), case_id=case.id, now=now)
            return case.id

    def entries(self, case_id: str, act: str) -> list[dict[str, Any]]:
        with self.store.uow() as unit:
            return [e for e in unit.ledger.entries_for(case_id) if e["act"] == act]

    def size(self) -> int:
        with self.store.uow() as unit:
            return unit.ledger.size()

    def set_member_signatures(self, setting: MemberSignatures) -> None:
        with self.store.uow() as unit:
            agreement = unit.agreements.get(AGREEMENT)
            unit.agreements.put(agreement.evolve(member_signatures=setting))
            unit.commit()


@pytest.fixture
def mechanism(new_store: NewStore, serve: Serve, demo_store: Store) -> Iterator[Mechanism]:
    """A copy of the demo store whose guarantors registered keys they hold themselves."""
    keys = {member: SigningKey.generate(member) for member in GUARANTORS}
    with new_store("signatures", copy_of=demo_store) as store:
        with store.uow() as unit:
            for key in keys.values():
                unit.keys.register(key.member, key.id, key.public, datetime.now(UTC))
            unit.commit()
        with serve(store) as served:
            yield Mechanism(served, keys, set())


def test_a_signed_reply_is_accepted_and_its_entry_carries_the_verifiable_signature(
    mechanism: Mechanism,
) -> None:
    case_id = mechanism.case_in(CaseState.AWAITING_REPLY)
    fields = {"kind": "disputed", "text": TEXT, "counter_claim": "Rebels shelled the road."}
    signed = mechanism.signed("ru-officer", acts.REPLY, case_id, fields)
    answer = mechanism.post("ru-officer", f"/api/cases/{case_id}/reply", fields | signed)
    assert answer.status_code == 200, answer.text

    [entry] = mechanism.entries(case_id, acts.REPLY)
    key = mechanism.keys["russia"]
    assert entry["member_signature"] == {"key": key.id, "signature": signed["signature"]}
    # From the entry alone, with the member's public key: the member signed this act.
    assert verify(key.public, acts.entry_message(entry), bytes.fromhex(signed["signature"]))
    assert verify(key.public, entries.act_message(entry), bytes.fromhex(signed["signature"]))
    # The ledger holds commitments under the member's salt, never the texts nor the salt.
    line = str(entry)
    assert TEXT not in line and "Rebels" not in line and signed["salt"] not in line
    salt = bytes.fromhex(signed["salt"])
    assert entry["details"]["text"] == acts.commit(salt, "text", TEXT)

    timeline = mechanism.served.client.get(
        f"/api/cases/{case_id}", headers=mechanism.served.auth("ru-officer")
    ).json()["timeline"]
    assert [s["attested"] for s in timeline] == ["operator-attested", "member-signed"]
    assert timeline[-1]["signature"]["salt"] == signed["salt"]


def test_a_signed_vote_in_headers_is_accepted_and_shown_member_signed(
    mechanism: Mechanism,
) -> None:
    case_id = mechanism.case_in(CaseState.JOINT_REVIEW)
    fields = {"vote": "confirm", "reason": None}
    signed = mechanism.signed("tr-officer", acts.REVIEW, case_id, fields)
    headers = {
        "Truce-Signature": signed["signature"],
        "Truce-Key": signed["key_id"],
        "Truce-Salt": signed["salt"],
    }
    answer = mechanism.post("tr-officer", f"/api/cases/{case_id}/review", fields, **headers)
    assert answer.status_code == 200, answer.text
    [entry] = mechanism.entries(case_id, acts.REVIEW)
    assert entry["member_signature"]["key"] == mechanism.keys["turkey"].id
    assert verify(
        mechanism.keys["turkey"].public,
        acts.entry_message(entry),
        bytes.fromhex(signed["signature"]),
    )


@pytest.mark.parametrize(
    "spoil",
    [
        "another_case",  # a signature replayed on another case
        "another_text",  # the text changed on the way
        "another_key",  # signed with a key that is not the member's registered one
        "garbled",
        "no_salt",  # texts committed without the member's salt would be guessable
        "no_key",
    ],
)
def test_a_bad_signature_is_refused_and_nothing_is_recorded(
    mechanism: Mechanism, spoil: str
) -> None:
    case_id = mechanism.case_in(CaseState.AWAITING_REPLY)
    other = mechanism.case_in(CaseState.AWAITING_REPLY)
    fields = {"kind": "acknowledged", "text": TEXT, "counter_claim": None}
    signed = mechanism.signed(
        "ir-officer", acts.REPLY, other if spoil == "another_case" else case_id, fields
    )
    body: dict[str, Any] = fields | signed
    if spoil == "another_text":
        body["text"] = "We confirm the strike."
    if spoil == "another_key":
        stranger = SigningKey.generate("iran")
        body["key_id"] = stranger.id
    if spoil == "garbled":
        body["signature"] = "00" * 64
    if spoil == "no_salt":
        del body["salt"]
    if spoil == "no_key":
        del body["key_id"]
    size = mechanism.size()
    answer = mechanism.post("ir-officer", f"/api/cases/{case_id}/reply", body)
    expected = {
        "another_key": (403, "is not the registered key of iran"),
        "no_salt": (422, "salt: at least 16 random bytes"),
        "no_key": (422, "a signed act gives both `signature` and `key_id`"),
    }.get(spoil, (422, "does not verify with key"))
    assert answer.status_code == expected[0], answer.text
    assert expected[1] in answer.json()["detail"]
    assert mechanism.size() == size
    with mechanism.store.uow() as unit:
        assert unit.cases.get(case_id).replies == ()


def test_required_refuses_an_unsigned_vote_and_the_inbox_shows_the_command(
    mechanism: Mechanism,
) -> None:
    case_id = mechanism.case_in(CaseState.JOINT_REVIEW)
    client = mechanism.served.client
    path = f"/api/cases/{case_id}/review"

    # optional (the Astana scenario): the browser's vote form is offered
    _log_in(client, "tr-officer")
    assert f'action="/cases/{case_id}/review"' in client.get("/inbox").text

    mechanism.set_member_signatures(MemberSignatures.REQUIRED)
    unsigned = mechanism.post("tr-officer", path, {"vote": "confirm"})
    assert unsigned.status_code == 403
    assert "member_signatures: required" in unsigned.json()["detail"]

    page = html.unescape(client.get("/inbox").text)
    assert f'action="/cases/{case_id}/review"' not in page
    assert re.search(
        rf"truce --server \S+ --token TOKEN --key DIR cases review {case_id} --vote", page
    ), page

    fields = {"vote": "dissent", "reason": "Our observers saw no strike there."}
    signed = mechanism.signed("tr-officer", acts.REVIEW, case_id, fields)
    assert mechanism.post("tr-officer", path, fields | signed).status_code == 200
    with mechanism.store.uow() as unit:
        case = unit.cases.get(case_id)
    [ballot] = case.ballots
    assert (ballot.member, ballot.vote.value) == ("turkey", "dissent")
    # The incident page's case timeline says who signed each step.
    steps = re.findall(
        r"<li>[^<]*?— (\w[\w ]*) by ([\w-]+) \(\w+\), <span[^>]*>([\w-]+)<",
        page := client.get(f"/incidents/{case.incident_id}").text,
    )
    assert ("review", "tr-officer", "member-signed") in steps, page
    assert ("propose finding", "analyst", "operator-attested") in steps


def _log_in(client: Any, user: str) -> None:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert found is not None
    answer = client.post(
        "/login",
        data={"user": user, "password": demo_password(user), "csrf": found.group(1)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


@contextmanager
def _truce_serve(store: Store) -> Iterator[str]:
    """`truce serve` over the store, as a process: its base URL."""
    store.engine.dispose()
    settings = {"TRUCE_DATABASE_URL": store.url, "TRUCE_KEYS_DIR": str(store.keyring.directory)}
    with truce_serve(settings) as base:
        yield base


@pytest.mark.slow  # `truce serve` and the member's `truce` as processes
def test_the_cli_signs_a_reply_on_the_members_machine_and_the_server_records_it(
    new_store: NewStore, demo_store: Store, tmp_path: Path
) -> None:
    # Russia's machine: its key directory, the key sealed with a passphrase kept in a file.
    machine = tmp_path / "russia-machine"
    machine.mkdir()
    key = SigningKey.generate("russia")
    (machine / "russia.key").write_bytes(key.seal("steppe wind 1917"))
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("steppe wind 1917\n")

    with new_store("signatures-cli", copy_of=demo_store) as store:
        with store.uow() as unit:
            unit.keys.register("russia", key.id, key.public, datetime.now(UTC))
            unit.commit()
            case_id = next(
                c.id
                for c in unit.cases.all(state=CaseState.AWAITING_REPLY.value)
                if c.accused_side == "government"
            )
        with _truce_serve(store) as base:

            def truce(*args: str, pass_file: Path = passphrase) -> subprocess.CompletedProcess[str]:
                env = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
                command = [sys.executable, "-m", "truce", "--server", base]
                command += ["--token", store.tokens["ru-officer"], "--key", str(machine)]
                command += ["cases", "reply", case_id, *args, "--passphrase-file", str(pass_file)]
                return subprocess.run(command, env=env, capture_output=True, text=True, check=False)

            wrong = tmp_path / "wrong"
            wrong.write_text("not it\n")
            refused = truce("--kind", "acknowledged", "--text", TEXT, pass_file=wrong)
            assert refused.returncode == 2
            assert "wrong passphrase" in refused.stderr

            done = truce("--kind", "disputed", "--text", TEXT, "--counter-claim", "A mine.")
            assert done.returncode == 0, done.stderr
            assert f"signed by russia with key {key.id}" in done.stdout

        with store.uow() as unit:
            [entry] = [e for e in unit.ledger.entries_for(case_id) if e["act"] == acts.REPLY]
            [reply] = unit.cases.get(case_id).replies
            [event] = [e for e in unit.cases.events(case_id) if e.action.value == "reply"]
    assert (reply.member, reply.user, reply.text) == ("russia", "ru-officer", TEXT)
    signature = entry["member_signature"]
    assert signature["key"] == key.id
    assert verify(key.public, acts.entry_message(entry), bytes.fromhex(signature["signature"]))
    assert event.attestation == "member-signed"
    assert TEXT not in str(entry)
