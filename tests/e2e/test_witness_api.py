"""The witness protocol over HTTP (issue 12): the newest checkpoint as a C2SP signed note, the
consistency proof between two sizes, and cosignatures that only a witness's own users may send,
checked against the witness's registered key and against the checkpoints the log issued."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from tests.conftest import CONSOLE, NewStore, Serve, Served, Store
from truce.domain.errors import InputRejected
from truce.ledger import merkle, note
from truce.ledger.keys import OPERATOR, SigningKey
from truce.services import witnessing
from truce.services.demo import demo_password

GUARANTORS = {"iran": "ir-officer", "russia": "ru-officer", "turkey": "tr-officer"}


@dataclass
class Witnessed:
    served: Served
    keys: dict[str, SigningKey]  # each witness's own key (on its machine, in life)


@pytest.fixture(scope="module")
def witnessed(new_store: NewStore, demo_store: Store, serve: Serve) -> Iterator[Witnessed]:
    with new_store("witness", copy_of=demo_store) as store, serve(store) as served:
        keys = {m: SigningKey.generate(m) for m in GUARANTORS}
        with store.uow() as uow:
            for member, key in keys.items():
                vkey = note.verifier_key(member, key.public, note.COSIGNATURE_V1)
                witnessing.register(
                    uow=uow, who=CONSOLE, member=member, vkey=vkey, now=datetime.now(UTC)
                )
        yield Witnessed(served, keys)


def _operator(w: Witnessed) -> note.Verifier:
    public = w.served.store.keyring.signer(OPERATOR).public
    return note.make_verifier("truce.local/ledger", public)


def _cosign(w: Witnessed, user: str, checkpoint: str, line: str) -> tuple[int, dict[str, object]]:
    answer = w.served.client.post(
        "/api/ledger/cosignatures",
        json={"checkpoint": checkpoint, "cosignature": line},
        headers=w.served.auth(user),
    )
    return answer.status_code, answer.json()


def test_a_checkpoint_is_served_as_a_note_with_proofs_between_sizes(witnessed: Witnessed) -> None:
    w, client = witnessed, witnessed.served.client
    assert client.get("/api/ledger/checkpoint", headers=w.served.auth("chair")).status_code == 404
    first = client.post("/api/ledger/checkpoints", headers=w.served.auth("chair")).json()
    second = client.post("/api/ledger/checkpoints", headers=w.served.auth("chair")).json()
    assert first["size"] < second["size"]

    served = client.get("/api/ledger/checkpoint", headers=w.served.auth("us-observer"))
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/plain")
    signed = note.parse_note(served.text)
    assert note.verify_note(signed, [_operator(w)])  # the operator's key, held outside
    body = note.parse_checkpoint(signed.text)
    assert (body.origin, body.size, body.root.hex()) == (
        "truce.local/ledger",
        second["size"],
        second["root"],
    )

    proof = client.get(
        "/api/ledger/consistency",
        params={"old": first["size"], "new": second["size"]},
        headers=w.served.auth("us-observer"),
    ).json()
    hashes = [base64.b64decode(h) for h in proof["proof"]]
    assert merkle.verify_consistency(
        first["size"], second["size"], bytes.fromhex(first["root"]), body.root, hashes
    )
    for path, params in (
        ("/api/ledger/checkpoint", {}),
        ("/api/ledger/consistency", {"old": 1, "new": 2}),
    ):
        assert client.get(path, params=params).status_code == 403  # the public reads no ledger
    backwards = client.get(
        "/api/ledger/consistency", params={"old": 5, "new": 2}, headers=w.served.auth("chair")
    )
    assert backwards.status_code == 400 and "new: 2 is smaller than old" in backwards.text
    beyond = client.get(
        "/api/ledger/consistency", params={"old": 1, "new": 10**9}, headers=w.served.auth("chair")
    )
    assert beyond.status_code == 404


def test_only_a_witness_cosigns_with_its_registered_key_a_checkpoint_the_log_issued(
    witnessed: Witnessed,
) -> None:
    w, client = witnessed, witnessed.served.client
    client.post("/api/ledger/checkpoints", headers=w.served.auth("chair"))
    checkpoint = client.get("/api/ledger/checkpoint", headers=w.served.auth("chair")).text
    text = note.parse_note(checkpoint).text
    now = int(datetime.now(UTC).timestamp())
    russia = note.cosignature_line(text, "russia", w.keys["russia"], now)

    # Not a witness's user: refused for the role.
    for user in ("chair", "analyst", "us-observer"):
        status, problem = _cosign(w, user, checkpoint, russia)
        assert status == 403, (user, problem)
    # Another witness's user cannot send Russia's cosignature as its own.
    status, problem = _cosign(w, "tr-officer", checkpoint, russia)
    assert status == 400 and "turkey's registered key" in str(problem)
    # A key Russia never registered: refused.
    stranger = note.cosignature_line(text, "russia", SigningKey.generate("russia"), now)
    status, problem = _cosign(w, "ru-officer", checkpoint, stranger)
    assert status == 400 and "does not verify with russia's registered key" in str(problem)
    # A checkpoint the log never issued (another root, signed by someone else): refused.
    forged_text = note.checkpoint_text("truce.local/ledger", 3, b"\x07" * 32)
    forged = note.sign_note(forged_text, "truce.local/ledger", SigningKey.generate("x"))
    line = note.cosignature_line(forged_text, "russia", w.keys["russia"], now)
    status, problem = _cosign(w, "ru-officer", forged, line)
    assert status == 400 and "issued no checkpoint with that text" in str(problem)
    shown = client.get("/api/ledger/checkpoints", headers=w.served.auth("chair")).json()
    assert shown["notes"][-1]["cosignatures"] == []

    # The witnesses' own cosignatures: kept, shown with their times; a quorum of all three.
    for member, user in GUARANTORS.items():
        line = note.cosignature_line(text, member, w.keys[member], now)
        status, answer = _cosign(w, user, checkpoint, line)
        assert status == 201, answer
        assert answer["cosigned"] is (member == "turkey")  # the third completes the quorum
    shown = client.get("/api/ledger/checkpoints", headers=w.served.auth("us-observer")).json()
    newest = shown["notes"][-1]
    assert (shown["witnesses"], shown["quorum"]) == (sorted(GUARANTORS), 3)
    assert newest["cosigned"] is True
    assert [c["witness"] for c in newest["cosignatures"]] == sorted(GUARANTORS)
    assert {c["signed_at"] for c in newest["cosignatures"]} == {
        datetime.fromtimestamp(now, UTC).isoformat()
    }
    # The note served now carries the three cosignatures, each verifying with its key.
    served = note.parse_note(
        client.get("/api/ledger/checkpoint", headers=w.served.auth("chair")).text
    )
    for member, key in w.keys.items():
        verifier = note.make_verifier(member, key.public, note.COSIGNATURE_V1)
        assert note.verify_note(served, [verifier])
    # And the ledger page says who cosigned and when.
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    client.post(
        "/login",
        data={"user": "us-observer", "password": demo_password("us-observer"), "csrf": csrf[1]},
    )
    ledger_page = client.get("/ledger").text
    row = re.search(rf"<tr><td>{newest['size']}</td>.*?</tr>", ledger_page)
    assert row is not None
    stamp = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M")
    assert f"iran ({stamp} UTC), russia ({stamp} UTC), turkey ({stamp} UTC)" in row[0]
    assert "<td>cosigned</td>" in row[0]


def test_only_an_administrator_registers_a_witness_key_for_a_witness(witnessed: Witnessed) -> None:
    key = SigningKey.generate("usa")
    with witnessed.served.store.uow() as uow:
        now = datetime.now(UTC)
        cosigning = note.verifier_key("usa", key.public, note.COSIGNATURE_V1)
        with pytest.raises(InputRejected, match="member: usa is not a witness"):
            witnessing.register(uow=uow, who=CONSOLE, member="usa", vkey=cosigning, now=now)
        plain = note.verifier_key("iran", key.public, note.ED25519)
        with pytest.raises(InputRejected, match="vkey: a witness key must be a cosignature/v1"):
            witnessing.register(uow=uow, who=CONSOLE, member="iran", vkey=plain, now=now)
        with pytest.raises(InputRejected, match="vkey: "):
            witnessing.register(uow=uow, who=CONSOLE, member="iran", vkey="iran+00+x", now=now)
