"""Every page, API response and export that shows an act says how its ledger entry was signed
(issue 12): member-signed (the member's own key, verified), operator-attested (the operator
signed for the member: the browser, a local `--as`), or server-held-key (an entry from before
members held their keys). Walked as a guarantor after a vote in the browser, replies and a
vote signed on the members' own machines, and a reply recorded the way the server did before
issue 12."""

from __future__ import annotations

import html
import json
import re
import secrets
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import NewStore, Serve, Served, Store
from truce.cli.main import cli
from truce.domain import cases as wf
from truce.domain.case_replay import case_hash
from truce.domain.cases import CaseState, ReplyKind
from truce.ledger import acts
from truce.ledger.entries import Act
from truce.ledger.keys import SigningKey
from truce.services import cases as flow
from truce.services.demo import demo_password
from truce.store.keyring import Keyring

MEMBER, OPERATOR, SERVER_HELD = "member-signed", "operator-attested", "server-held-key"


def _log_in(client: Any, user: str) -> str:
    """Log `user` in to the pages; the session's CSRF token."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert found is not None
    answer = client.post(
        "/login",
        data={"user": user, "password": demo_password(user), "csrf": found.group(1)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/inbox").text)
    assert token is not None
    return token.group(1)


def _signed_by_member(
    served: Served, key: SigningKey, user: str, kind: str, case_id: str, fields: dict[str, Any]
) -> dict[str, Any]:
    """What the member's client sends: the act, signed on its own machine."""
    signing = served.client.get(f"/api/cases/{case_id}/signing", headers=served.auth(user)).json()
    return fields | acts.sign(
        key, kind, case_id, signing["round"], signing["user"], fields, secrets.token_bytes(32)
    )


def _old_format_reply(store: Store, key: SigningKey, case_id: str) -> None:
    """A reply recorded as the store did before issue 12: the entry signed with the member's
    own key, which the server held, and no `attested_by`."""
    with store.uow() as unit:
        before = unit.cases.lock(case_id)
        who = unit.users.principal("ir-officer")
        case, event = wf.reply(before, who, datetime.now(UTC), ReplyKind.ACKNOWLEDGED, "Noted.")
        unit.cases.put(case, event)
        unit.ledger.append(
            Act(
                "case.reply",
                "iran",
                "ir-officer",
                objects=(case.id, case.incident_id),
                hashes={"case": case_hash(case.to_plain())},
                details={
                    "from": before.state.value,
                    "to": case.state.value,
                    "kind": "acknowledged",
                },
            ),
            key,
            unit.clock,
            effective=event.at,
        )
        unit.commit()


@pytest.fixture
def played(new_store: NewStore, serve: Serve, demo_store: Store) -> Iterator[tuple[Served, str]]:
    """A government-side case (Russia and Iran answer for it) taken to a vote, each step
    signed a different way; the served app and the case's ID."""
    keys = {m: SigningKey.generate(m) for m in ("russia", "iran")}  # on the members' machines
    with new_store("signed-marks", copy_of=demo_store) as store:
        with store.uow() as unit:
            for key in keys.values():
                unit.keys.register(key.member, key.id, key.public, datetime.now(UTC))
            unit.commit()
            case_id = next(
                c.id
                for c in unit.cases.all(state=CaseState.AWAITING_REPLY.value)
                if c.accused_side == "government"
            )
        _old_format_reply(store, keys["iran"], case_id)
        with serve(store) as served:
            client = served.client
            fields = {"kind": "disputed", "text": "Not us.", "counter_claim": "A mine."}
            signed = _signed_by_member(
                served, keys["russia"], "ru-officer", acts.REPLY, case_id, fields
            )
            answer = client.post(
                f"/api/cases/{case_id}/reply", json=signed, headers=served.auth("ru-officer")
            )
            assert answer.status_code == 200, answer.text
            with store.uow() as unit:
                analyst = unit.users.principal("analyst")
                flow.propose_finding(uow=unit, who=analyst, case_id=case_id, now=datetime.now(UTC))
            # Turkey votes in the browser: the operator signs for it.
            csrf = _log_in(client, "tr-officer")
            voted = client.post(
                f"/cases/{case_id}/review",
                data={"csrf": csrf, "vote": "confirm", "reason": ""},
                follow_redirects=False,
            )
            assert voted.status_code == 303, voted.text
            client.cookies.clear()
            # Russia votes from its own machine.
            fields = {"vote": "dissent", "reason": "Our observers saw no strike."}
            signed = _signed_by_member(
                served, keys["russia"], "ru-officer", acts.REVIEW, case_id, fields
            )
            answer = client.post(
                f"/api/cases/{case_id}/review", json=signed, headers=served.auth("ru-officer")
            )
            assert answer.status_code == 200, answer.text
            yield served, case_id


# (action, user, how its entry was signed), in the order of the case's timeline
EXPECTED = [
    ("open", "analyst", OPERATOR),
    ("reply", "ir-officer", SERVER_HELD),
    ("reply", "ru-officer", MEMBER),
    ("propose_finding", "analyst", OPERATOR),
    ("review", "tr-officer", OPERATOR),
    ("review", "ru-officer", MEMBER),
]


def test_every_view_of_a_case_says_how_each_act_was_signed(played: tuple[Served, str]) -> None:
    served, case_id = played
    client, guarantor = served.client, served.auth("ir-officer")

    # The API's case timeline.
    timeline = client.get(f"/api/cases/{case_id}", headers=guarantor).json()["timeline"]
    assert [(s["action"], s["user"], s["attested"]) for s in timeline] == EXPECTED

    # The ledger's inclusion proofs, entry by entry (API), say the same of each entry.
    store = served.store
    with store.uow() as unit:
        logged = [e for e in unit.ledger.entries_for(case_id) if e["act"].startswith("case.")]
        incident_id = unit.cases.get(case_id).incident_id
    proofs = [
        client.get(f"/api/ledger/proofs/{e['seq']}", headers=guarantor).json() for e in logged
    ]
    assert [p["attested"] for p in proofs] == [how for _, _, how in EXPECTED]

    # The incident page, as the guarantor sees it in the browser.
    _log_in(client, "ir-officer")
    page = html.unescape(client.get(f"/incidents/{incident_id}").text)
    steps = re.findall(r"<li>[^<]*?— (\w[\w ]*) by ([\w-]+) \(\w+\), <span[^>]*>([\w-]+)<", page)
    assert steps == [(a.replace("_", " "), u, how) for a, u, how in EXPECTED], page
    # Its ledger section: the incident's latest entry is Russia's signed vote.
    assert re.search(rf"Entry {logged[-1]['seq']} \(<span[^>]*>{MEMBER}</span>\)", page), page
    ledger_page = html.unescape(client.get("/ledger").text)
    assert all(word in ledger_page for word in (MEMBER, OPERATOR, SERVER_HELD))

    # The CLI on the server (`cases show`, text and JSON; `ledger prove`).
    def truce(*args: str) -> str:
        env = {"TRUCE_KEYS_DIR": str(store.keyring.directory)}
        run = CliRunner().invoke(cli, ["--database", store.url, *args], env=env)
        assert run.exit_code == 0, run.output
        return run.output

    shown = json.loads(truce("--as", "ir-officer", "cases", "show", case_id, "--json"))
    assert [(s["action"], s["user"], s["attested"]) for s in shown["timeline"]] == EXPECTED
    text = truce("--as", "ir-officer", "cases", "show", case_id)
    found = re.findall(r"^\s+\S+ \S+\s+(\w+)\s+([\w-]+) \(\w+, ([\w-]+)\)", text, re.MULTILINE)
    assert found == EXPECTED, text
    proved = json.loads(truce("--as", "ir-officer", "ledger", "prove", str(logged[2]["seq"])))
    assert proved["attested"] == MEMBER


def test_a_local_as_signs_for_the_operator_even_with_a_member_key_left_on_the_server(
    new_store: NewStore, demo_store: Store, tmp_path: Path
) -> None:
    """An installation that has not yet handed its members' keys over: `--as` on the server
    still has the operator sign (operator-attested), and the member's client refuses to sign
    with the key file left in the server's directory (it would pass for member-signed)."""
    server_keys = tmp_path / "server-keys"
    server_keys.mkdir()
    shutil.copy(demo_store.keyring.directory / "operator.key", server_keys / "operator.key")
    left = Keyring(server_keys).write(SigningKey.generate("russia"))  # not yet handed over
    with new_store("left-keys", copy_of=demo_store) as store:
        with store.uow() as unit:
            unit.keys.register("russia", left.id, left.public, datetime.now(UTC))
            unit.commit()
            case_id = next(
                c.id
                for c in unit.cases.all(state=CaseState.AWAITING_REPLY.value)
                if c.accused_side == "government"
            )

        def truce(*args: str) -> Any:
            env = {"TRUCE_KEYS_DIR": str(server_keys)}
            return CliRunner().invoke(cli, ["--database", store.url, *args], env=env)

        reply = ["cases", "reply", case_id, "--kind", "acknowledged", "--text", "Noted."]
        done = truce("--as", "ru-officer", *reply)
        assert done.exit_code == 0, done.output
        with store.uow() as unit:
            [entry] = [e for e in unit.ledger.entries_for(case_id) if e["act"] == acts.REPLY]
        assert entry["attested_by"] == "operator" and "member_signature" not in entry
        shown = json.loads(truce("--as", "ru-officer", "cases", "show", case_id, "--json").output)
        assert shown["timeline"][-1]["attested"] == OPERATOR

        remote = ["--server", "http://127.0.0.1:9", "--token", "t", "--key", str(server_keys)]
        refused = truce(*remote, *reply)
        assert refused.exit_code == 2
        assert "is in the server's key directory" in refused.output + refused.stderr
