"""Keys where they belong, on the command line (issue 12): after `truce demo` the server's key
directory holds the operator's key only, the guarantors' keys are in their own directories,
the ledger verifies against a trust file, acts done with `--as` are operator-attested, and a
server still holding members' keys refuses to start until they are handed over."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from tests.e2e.test_cli import truce

pytestmark = pytest.mark.slow  # runs `truce` as a process

GUARANTORS = ["iran", "russia", "turkey"]


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cwd = tmp_path_factory.mktemp("keys")
    demo = truce("demo", cwd=cwd)
    assert demo.returncode == 0, demo.stderr
    return cwd


def _ok(*args: str, cwd: Path) -> str:
    run = truce(*args, cwd=cwd)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_after_the_demo_the_server_holds_only_the_operators_key(played: Path) -> None:
    assert sorted(p.name for p in (played / "truce-keys").iterdir()) == ["operator.key"]
    own = played / "truce-member-keys"
    assert sorted(p.name for p in own.iterdir()) == GUARANTORS
    for member in GUARANTORS:
        assert stat.S_IMODE((own / member).stat().st_mode) == 0o700
        key = own / member / f"{member}.key"
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        assert "sealed" in json.loads(key.read_text())
    keys = json.loads((played / "demo-out" / "ledger" / "keys.json").read_text())
    assert sorted(k["member"] for k in keys) == ["iran", "operator", "russia", "turkey"]


def test_the_ledger_verifies_against_the_trust_file(played: Path) -> None:
    trust = played / "trust.json"
    exported = _ok("ledger", "trust", "export", "--out", str(trust), cwd=played)
    assert "members' keys: iran (1), russia (1), turkey (1)" in exported
    held = json.loads(trust.read_text())
    assert sorted(held["members"]) == GUARANTORS and held["operator"].startswith(
        "truce.local/ledger+"
    )
    bundle = played / "demo-out" / "ledger"
    trusted = truce("ledger", "verify", str(bundle), "--trust", str(trust), cwd=played)
    assert trusted.returncode == 0, trusted.stderr
    assert trusted.stdout.startswith("verified: ") and "no --trust" not in trusted.stderr
    alone = truce("ledger", "verify", str(bundle), cwd=played)
    assert alone.returncode == 0
    assert alone.stderr.count("\n") == 1
    assert "keys came from the bundle itself" in alone.stderr

    assert json.loads((played / "demo-out" / "trust.json").read_text()) == held  # the demo's
    # A trust file without the members' keys: the bundle's member keys are not believed.
    (played / "wrong.json").write_text(json.dumps(held | {"members": {}}))
    wrong = "--trust", str(played / "wrong.json")
    refused = truce("ledger", "verify", str(bundle), *wrong, cwd=played)
    assert refused.returncode == 1
    assert "keys.json: key" in refused.stderr and "is not in the trust file" in refused.stderr


def test_acts_done_with_as_are_attested_by_the_operator(played: Path) -> None:
    case_id = _ok("cases", "list", "--inbox", "--as", "tr-officer", cwd=played).split()[0]
    reply = ("cases", "reply", case_id, "--kind", "acknowledged", "--text", "Seen.")
    _ok("--as", "tr-officer", *reply, cwd=played)
    bundle = played / "bundle-as"
    _ok("ledger", "export", str(bundle), cwd=played)
    lines = (bundle / "entries.jsonl").read_text().splitlines()
    last_reply = [json.loads(line)["entry"] for line in lines if '"act":"case.reply"' in line][-1]
    assert (last_reply["member"], last_reply["user"]) == ("turkey", "tr-officer")
    assert last_reply["attested_by"] == "operator"
    operator_keys = [
        k["key_id"]
        for k in json.loads((bundle / "keys.json").read_text())
        if k["member"] == "operator"
    ]
    assert last_reply["key"] in operator_keys


def test_a_server_holding_members_keys_refuses_to_start_until_they_are_handed_over(
    played: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old-installation"
    shutil.copytree(played, old)
    server_keys = old / "truce-keys"
    for member in ("russia", "iran"):  # as every installation before issue 12 kept them
        shutil.move(old / "truce-member-keys" / member / f"{member}.key", server_keys)
    for command in (("serve", "--port", "1"), ("demo",)):
        refused = truce(*command, cwd=old)
        assert refused.returncode == 2, refused.stderr
        assert "holds members' private keys (iran, russia)" in refused.stderr
        assert "truce keys handover --out DIR" in refused.stderr

    handed = _ok("keys", "handover", "--out", "handed", cwd=old)
    assert "russia: truce-keys/russia.key -> handed/russia/russia.key" in handed
    assert "iran: truce-keys/iran.key -> handed/iran/iran.key" in handed
    assert "hand each one to its member now" in handed
    assert sorted(p.name for p in server_keys.iterdir()) == ["operator.key"]
    assert stat.S_IMODE((old / "handed" / "iran").stat().st_mode) == 0o700
    assert stat.S_IMODE((old / "handed" / "iran" / "iran.key").stat().st_mode) == 0o600
    again = _ok("keys", "handover", "--out", "handed", cwd=old)
    assert again.startswith("no member keys in truce-keys")
    # Their public keys stay registered: the log still verifies, with the trust file too.
    _ok("ledger", "trust", "export", "--out", "trust.json", cwd=old)
    _ok("ledger", "export", "bundle", cwd=old)
    assert _ok("ledger", "verify", "bundle", "--trust", "trust.json", cwd=old).startswith(
        "verified: "
    )
