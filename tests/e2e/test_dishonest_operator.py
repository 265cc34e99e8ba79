"""A dishonest operator (issue 12): whoever holds the server's disk rewrites the record (Russia's
dissent on Wadi Barada becomes a confirmation, Iran's reply disappears), re-signs everything it
can with the keys on the server, and issues new checkpoints. The three guarantors witness the
log from their own machines: each refuses the rewritten log and writes evidence that anyone
can check with the operator's public key alone, and `verify --since` fails for each.

Everything runs as a user would: `truce demo`, `truce serve`, and `truce witness run` as
separate processes, each witness with its own key directory."""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.test_cli import truce
from truce.domain.canonical import canonical_json
from truce.ledger import entries, note
from truce.ledger.keys import SigningKey

pytestmark = pytest.mark.slow  # runs `truce` as processes

WITNESSES = {"iran": "ir-officer", "russia": "ru-officer", "turkey": "tr-officer"}


def _ok(*args: str, cwd: Path) -> str:
    run = truce(*args, cwd=cwd)
    assert run.returncode == 0, run.stderr
    return run.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(cwd: Path) -> Iterator[str]:
    """`truce serve` over the store in `cwd` (its database and its key directory)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "truce", "serve", "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                httpx.get(f"{url}/api/agreements", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("truce serve did not answer")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _witness_run(
    cwd: Path, url: str, token: str, home: Path, trust: Path
) -> subprocess.CompletedProcess[str]:
    return truce(
        "witness",
        "run",
        "--server",
        url,
        "--token",
        token,
        "--key",
        str(home / "keys"),
        "--state",
        str(home / "state.json"),
        "--trust",
        str(trust),
        cwd=cwd,
    )


def _bodies(db: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as c:
        lines = [bytes(r[0]) for r in c.execute("SELECT line FROM ledger_entries ORDER BY seq")]
    return [entries.parse_entry(entries.split_line(line)[0]) for line in lines]


def _rewrite(cwd: Path) -> int:
    """What the operator can do unseen with the server's disk: change Russia's dissent to a
    confirmation, delete Iran's reply, re-sign every entry from there on with the keys in the
    server's key directory, relink the chain, and drop the checkpoints that would betray it.
    The first entry changed."""
    db = cwd / "truce.db"
    keys = {
        k.id: k
        for k in (
            SigningKey.unseal(p.read_bytes(), None) for p in (cwd / "truce-keys").glob("*.key")
        )
    }
    with sqlite3.connect(db) as c:
        rows = [
            (seq, bytes(line))
            for seq, line in c.execute("SELECT seq, line FROM ledger_entries ORDER BY seq")
        ]
        bodies = [entries.parse_entry(entries.split_line(line)[0]) for _, line in rows]
        dissent = next(
            b["seq"]
            for b in bodies
            if b["act"] == "case.review"
            and b["member"] == "russia"
            and b["details"].get("vote") == "dissent"
        )
        reply = next(
            b["seq"]
            for b in bodies
            if b["act"] == "case.reply"
            and b["member"] == "iran"
            and b["details"].get("kind") == "disputed"
        )
        start = min(dissent, reply)
        kept: list[tuple[dict[str, Any], bytes]] = []
        for (seq, line), body in zip(rows[start:], bodies[start:], strict=True):
            if seq == reply:
                continue
            if seq == dissent:
                body["details"]["vote"] = "confirm"
                body["details"]["to"] = body["details"]["outcome"] = "adopted"
                body.pop("member_signature", None)  # Russia's own signature cannot be forged
            kept.append((body, entries.split_line(line)[1]))
        prev = bodies[start]["prev"]
        c.execute("DELETE FROM ledger_objects WHERE seq >= ?", (start,))
        c.execute("DELETE FROM ledger_entries WHERE seq >= ?", (start,))
        for seq, (body, old_signature) in enumerate(kept, start=start):
            body["seq"], body["prev"] = seq, prev
            signer = keys.get(str(body["key"]))
            line = (
                entries.sign_entry(body, signer)
                if signer is not None
                else entries.line_of(canonical_json(body), old_signature)
            )
            prev = entries.leaf(line).hex()
            c.execute(
                "INSERT INTO ledger_entries (seq, line, leaf, at, member_id, act) "
                "VALUES (?, ?, ?, (SELECT at FROM ledger_entries WHERE seq = ?), ?, ?)",
                (seq, line, prev, start - 1, body["member"], body["act"]),
            )
            for obj in sorted(set(body["objects"])):
                c.execute("INSERT INTO ledger_objects (object_id, seq) VALUES (?, ?)", (obj, seq))
        c.execute(
            "UPDATE ledger_head SET size = ?, last_leaf = ? WHERE id = 1",
            (start + len(kept), prev),
        )
        for table in ("checkpoint_cosignatures", "checkpoint_notes", "checkpoints"):
            c.execute(f"DELETE FROM {table}")
    return start


def test_every_witness_refuses_a_rewritten_log_and_verify_since_fails(tmp_path: Path) -> None:
    cwd = tmp_path / "server"
    cwd.mkdir()
    _ok("demo", "--fixed-passwords", cwd=cwd)
    homes = {m: tmp_path / f"{m}-machine" for m in WITNESSES}
    for member, home in homes.items():
        vkey = _ok("witness", "init", "--key", str(home / "keys"), member, cwd=cwd).strip()
        assert note.parse_verifier_key(vkey).kind == note.COSIGNATURE_V1
        assert f"{member}: witness key" in _ok("witness", "register", member, vkey, cwd=cwd)
    assert sorted(p.name for p in (cwd / "truce-keys").glob("*.key")) == ["operator.key"]
    tokens = {m: _ok("members", "token", u, cwd=cwd).splitlines()[0] for m, u in WITNESSES.items()}
    trust = tmp_path / "trust.json"  # exchanged when the agreement is signed
    _ok("ledger", "trust", "export", "--out", str(trust), cwd=cwd)
    assert sorted(json.loads(trust.read_text())["witnesses"]) == sorted(WITNESSES)
    issued = _ok("ledger", "checkpoint", cwd=cwd)
    size = int(re.search(r"checkpoint: (\d+) entries", issued).group(1))  # type: ignore[union-attr]

    # Round 1: the honest log. Each witness checks and cosigns from its own machine.
    with served(cwd) as url:
        for member, home in homes.items():
            run = _witness_run(cwd, url, tokens[member], home, trust)
            assert run.returncode == 0, run.stderr
            assert f"{member} cosigned checkpoint {size}" in run.stdout
        shown = httpx.get(
            f"{url}/api/ledger/checkpoints", headers={"Authorization": f"Bearer {tokens['iran']}"}
        ).json()
        newest = shown["notes"][-1]
        assert newest["size"] == size and newest["cosigned"] is True
        assert sorted(c["witness"] for c in newest["cosignatures"]) == sorted(WITNESSES)
    old_bundle = tmp_path / "old-bundle"
    _ok("ledger", "export", str(old_bundle), cwd=cwd)
    for home in homes.values():
        held = _ok(
            "ledger", "verify", str(old_bundle), "--trust", str(trust),
            "--since", str(home / "state.json"), cwd=cwd,
        )  # fmt: skip
        assert "extends the checkpoint you hold" in held
        assert f"quorum of 3; the newest (size {size}) by iran, russia, turkey" in held

    # The operator rewrites the record and issues new checkpoints over it.
    first_changed = _rewrite(cwd)
    assert first_changed < size
    _ok("ledger", "checkpoint", cwd=cwd)
    _ok("ledger", "checkpoint", cwd=cwd)  # the log has grown past what the witnesses saw
    new_bundle = tmp_path / "new-bundle"
    _ok("ledger", "export", str(new_bundle), cwd=cwd)

    # Round 2: every witness refuses, and leaves evidence.
    with served(cwd) as url:
        for member, home in homes.items():
            run = _witness_run(cwd, url, tokens[member], home, trust)
            assert run.returncode == 1, (run.stdout, run.stderr)
            assert "REFUSED" in run.stderr
            evidence = home / "state.evidence.json"
            assert json.loads(evidence.read_text())["kind"] == "inconsistent"
            # Nothing was cosigned, and the witness still holds the honest checkpoint.
            assert json.loads((home / "state.json").read_text())["size"] == size
            verdict = truce("ledger", "evidence", str(evidence), "--trust", str(trust), cwd=cwd)
            assert verdict.returncode == 0, verdict.stdout + verdict.stderr
            assert "proved" in verdict.stdout or "inconsistency shown" in verdict.stdout
        shown = httpx.get(
            f"{url}/api/ledger/checkpoints", headers={"Authorization": f"Bearer {tokens['iran']}"}
        ).json()
        assert all(n["cosignatures"] == [] and not n["cosigned"] for n in shown["notes"])

    # Each member holding its last checkpoint finds the rewrite, and where it starts.
    for home in homes.values():
        since = ("--since", str(home / "state.json"))
        failed = truce("ledger", "verify", str(new_bundle), "--trust", str(trust), *since, cwd=cwd)
        assert failed.returncode == 1
        assert "the log was rewritten" in failed.stderr
        located = truce(
            "ledger", "verify", str(new_bundle), "--trust", str(trust), *since,
            "--old-bundle", str(old_bundle), cwd=cwd,
        )  # fmt: skip
        assert located.returncode == 1
        assert f"entry {first_changed} is the first that differs" in located.stderr
