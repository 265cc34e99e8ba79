"""The joint mechanism end to end on the command line: cases, members' keys, the ledger."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_cli import truce

pytestmark = pytest.mark.slow  # runs `truce` as a process

pytestmark = pytest.mark.slow  # runs `truce` as a process


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory where `truce demo` has run: database, keys and an exported ledger."""
    cwd = tmp_path_factory.mktemp("mechanism")
    demo = truce("demo", cwd=cwd)
    assert demo.returncode == 0, demo.stderr
    (cwd / "demo.out").write_text(demo.stdout)  # the guarantors' passphrases, shown once
    return cwd


def _ok(*args: str, cwd: Path) -> str:
    run = truce(*args, cwd=cwd)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_a_guarantor_sees_its_inbox_overdue_first_and_replies(played: Path) -> None:
    inbox = _ok("cases", "list", "--inbox", "--as", "tr-officer", "--at", "2030-01-01", cwd=played)
    lines = inbox.strip().splitlines()
    assert lines and all("answerable: turkey" in line for line in lines)
    assert "OVERDUE" in lines[0]
    listed = [
        json.loads(line)
        for line in _ok(
            "--as",
            "tr-officer",
            "cases",
            "list",
            "--inbox",
            "--at",
            "2030-01-01",
            "--json",
            cwd=played,
        ).splitlines()
    ]
    assert [c["id"] for c in listed] == [line.split()[0] for line in lines]
    assert listed[0]["overdue"] and all(c["answerable"] == ["turkey"] for c in listed)
    case_id = lines[0].split()[0]
    # `--as` goes before the command or after it.
    reply = ("cases", "reply", case_id, "--kind", "acknowledged", "--text", "We asked the faction.")
    out = _ok("--as", "tr-officer", *reply, cwd=played)
    assert "under_verification" in out
    shown = _ok("cases", "show", case_id, cwd=played)
    # A local `--as` act is done on the server: the operator attests it, the member did not sign.
    assert re.search(
        r"reply\s+tr-officer \(turkey, operator-attested\)\s+"
        r"awaiting_reply -> under_verification",
        shown,
    )
    timeline = json.loads(_ok("cases", "show", case_id, "--json", cwd=played))
    assert timeline["case"]["state"] == "under_verification"
    assert timeline["timeline"][-1]["user"] == "tr-officer"
    twice = truce("--as", "tr-officer", *reply, "--as", "ru-officer", cwd=played)
    assert twice.returncode == 2 and "given twice, as tr-officer and as ru-officer" in twice.stderr


def test_an_observer_cannot_act_and_an_impossible_step_is_explained(played: Path) -> None:
    case_id = _ok("cases", "list", "--state", "awaiting_reply", cwd=played).split()[0]
    reply = ("cases", "reply", case_id, "--kind", "acknowledged", "--text", "x")
    refused = truce(*reply, "--as", "us-observer", cwd=played)
    assert refused.returncode == 2
    assert "us-observer (observer of usa) may not reply to a case" in refused.stderr
    published = _ok("cases", "list", "--state", "published", cwd=played).split()[0]
    impossible = truce("--as", "ru-officer", "cases", "reply", published, *reply[3:], cwd=played)
    assert impossible.returncode == 2
    message = impossible.stderr
    assert (
        "cannot reply case" in message
        and "in state published" in message
        and "guarantor_rep of russia" in message
    )


def test_ledger_export_verify_prove_and_a_tampered_byte_is_located(played: Path) -> None:
    bundle = played / "bundle"
    _ok("ledger", "checkpoint", cwd=played)
    assert "entries exported" in _ok("ledger", "export", str(bundle), cwd=played)
    assert _ok("ledger", "verify", str(bundle), cwd=played).startswith("verified: ")
    proof = json.loads(_ok("ledger", "prove", "3", cwd=played))
    assert proof["seq"] == 3 and proof["checkpoint"] == 0 and len(proof["path"]) >= 5

    entries = bundle / "entries.jsonl"
    lines = entries.read_bytes().splitlines(keepends=True)
    line = bytearray(lines[3])
    line[40] = ord("x") if line[40] != ord("x") else ord("y")
    lines[3] = bytes(line)
    entries.write_bytes(b"".join(lines))
    failed = truce("ledger", "verify", str(bundle), cwd=played)
    assert failed.returncode == 1
    assert "entry 3:" in failed.stderr
    assert "checkpoint" in failed.stderr  # the checkpoints covering it no longer match either


def test_a_key_rotation_keeps_the_history_and_the_ledger_still_verifies(played: Path) -> None:
    before = _ok("members", "list", cwd=played)
    old = re.search(
        r"^russia:.*?\n(?:  .*\n)*?  key ([0-9a-f]{16}): from [^,]+, current", before, re.MULTILINE
    )
    assert old is not None
    # The trust file russia holds from before: the rotation, signed by the old key, carries it.
    _ok("ledger", "trust", "export", "--out", str(played / "trust-before.json"), cwd=played)
    passphrase = re.search(
        r"^\s+russia: (\S+) / (\S+)$", (played / "demo.out").read_text(), re.MULTILINE
    )
    assert passphrase is not None
    keygen = ("--key-dir", passphrase.group(1), "--passphrase-stdin")
    rotated = subprocess.run(
        [sys.executable, "-m", "truce", "members", "keygen", "russia", *keygen],
        cwd=played,
        input=passphrase.group(2) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")},
    )
    assert rotated.returncode == 0, rotated.stderr
    assert f"replacing {old.group(1)}" in rotated.stdout
    assert "warning" not in rotated.stderr  # vouched for by the old key
    assert sorted(p.name for p in (played / "truce-keys").iterdir()) == ["operator.key"]
    after = _ok("members", "list", cwd=played)
    assert re.search(rf"key {old.group(1)}: from [^,]+, retired ", after)
    # The new key signs from now on; the bundle checks both keys, each in its own time.
    case_id = _ok("cases", "list", "--inbox", "--as", "ru-officer", cwd=played).split()[0]
    _ok(
        "cases",
        "reply",
        case_id,
        "--kind",
        "information_requested",
        "--text",
        "Send the place.",
        "--as",
        "ru-officer",
        cwd=played,
    )
    bundle = played / "bundle-rotated"
    _ok("ledger", "export", str(bundle), cwd=played)
    assert _ok("ledger", "verify", str(bundle), cwd=played).startswith("verified: ")
    trusted = "--trust", str(played / "trust-before.json")
    assert _ok("ledger", "verify", str(bundle), *trusted, cwd=played).startswith("verified: ")


def test_escalation_is_driven_by_the_clock_given(played: Path) -> None:
    early = _ok("cases", "escalate", "--at", "2000-01-01", cwd=played)
    assert early.startswith("0 overdue case(s) escalated")
    late = _ok("cases", "escalate", "--at", "2031-01-01", cwd=played)
    count = int(late.split()[0])
    assert count > 0 and late.count("escalated x") == count


def test_members_and_users_are_managed_and_wrong_input_is_refused(played: Path) -> None:
    added = _ok(
        "members", "add-user", "new-analyst", "--member", "un", "--role", "analyst", cwd=played
    )
    assert "added new-analyst (analyst of un)" in added
    again = truce(
        "members", "add-user", "new-analyst", "--member", "un", "--role", "analyst", cwd=played
    )
    assert again.returncode == 2 and "already exists" in again.stderr
    nobody = truce(
        "members", "add-user", "x", "--member", "atlantis", "--role", "analyst", cwd=played
    )
    assert nobody.returncode == 2 and "no member atlantis" in nobody.stderr
    unknown = truce("cases", "list", "--as", "ghost", cwd=played)
    assert unknown.returncode == 2 and "no active user ghost" in unknown.stderr
    # Only an administrator manages users: an analyst named by --as may not.
    refused = truce(
        "--as",
        "new-analyst",
        "members",
        "add-user",
        "y",
        "--member",
        "un",
        "--role",
        "observer",
        cwd=played,
    )
    assert refused.returncode == 2 and "may not manage users and keys" in refused.stderr
    directory = json.loads(_ok("members", "list", "--json", cwd=played))
    un = next(m for m in directory if m["id"] == "un")
    assert {"user": "new-analyst", "member": "un", "role": "analyst", "name": "new-analyst"} in un[
        "users"
    ]
    assert not un["keys"]  # acts of un are signed by the operator for it: un holds no key
    russia = next(m for m in directory if m["id"] == "russia")
    assert russia["keys"] and all(k["member"] == "russia" for k in russia["keys"])


def test_without_as_the_ledger_names_the_operations_centre(played: Path) -> None:
    bundle = played / "bundle-acts"
    _ok("scenario", "load", "astana-2016", cwd=played)
    _ok("ledger", "export", str(bundle), cwd=played)
    entries = [json.loads(line)["entry"] for line in (bundle / "entries.jsonl").open()]
    loads = [e for e in entries if e["act"] == "scenario.load"]
    assert len(loads) >= 2 and {(e["user"], e["member"]) for e in loads} == {("ops-centre", "un")}
    checkpoints = [e for e in entries if e["act"] == "ledger.checkpoint"]
    assert checkpoints and {e["user"] for e in checkpoints} <= {"chair", "console"}


def test_check_finds_the_demo_in_agreement_and_names_a_lost_ballot(
    played: Path, tmp_path: Path
) -> None:
    assert _ok("check", cwd=played).startswith("ok: ")
    copy = tmp_path / "copy"
    shutil.copytree(played, copy)
    with sqlite3.connect(copy / "truce.db") as db:  # a ballot deleted behind the services' back
        case_id, body = next(
            (i, json.loads(b))
            for i, b in db.execute("SELECT id, body FROM cases")
            if json.loads(b)["ballots"]
        )
        body["ballots"] = body["ballots"][1:]
        db.execute("UPDATE cases SET body = ? WHERE id = ?", (json.dumps(body), case_id))
    db.close()
    run = truce("check", cwd=copy)
    assert run.returncode == 1, run.stdout + run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines and all(line.startswith(f"{case_id}: ") for line in lines)
    assert any("ballots" in line for line in lines)
    assert "disagreement(s)" in run.stderr


def test_a_liaison_asks_to_reopen_and_an_analyst_declines(played: Path, tmp_path: Path) -> None:
    copy = tmp_path / "asked"
    shutil.copytree(played, copy)
    case_id = _ok("cases", "list", "--state", "published", cwd=copy).split()[0]
    report = json.loads(_ok("cases", "show", case_id, "--json", cwd=copy))["case"]["incident_id"]
    incident = json.loads(_ok("incidents", "show", report, "--json", cwd=copy))
    report_id = incident["reports"][0]["id"]
    bare = truce("--as", "gov-liaison", "cases", "reopen", case_id, "--evidence", "x", cwd=copy)
    assert bare.returncode == 2 and "document_id" in bare.stderr
    asked = _ok(
        "--as", "gov-liaison", "cases", "reopen", case_id, "--evidence", "new video",
        "--report", report_id, cwd=copy,
    )  # fmt: skip
    assert f"request 1 to reopen case {case_id} filed" in asked and "published" in asked
    assert case_id in _ok("cases", "requests", cwd=copy)
    declined = _ok("cases", "decline-reopen", case_id, "1", "--reason", "not new", cwd=copy)
    assert "published" in declined
    assert "request 1 to reopen, by gov-liaison (syria-gov): declined" in _ok(
        "cases", "show", case_id, cwd=copy
    )
    assert _ok("check", cwd=copy).startswith("ok: ")
