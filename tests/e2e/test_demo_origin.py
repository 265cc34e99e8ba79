"""`truce demo` names its log by the `log_origin` setting (TRUCE_LOG_ORIGIN), as `truce ledger
checkpoint` and the API do: in the checkpoint it signs, the bundle it exports and the trust
file it writes. Witnesses key their state to the origin, so a demo that ignored it would
start a log that the installation's own checkpoints then refuse to extend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from truce.cli import cli

ORIGIN = "monitors.example.org/astana-ledger"


@pytest.mark.slow  # the whole demo
def test_the_demo_signs_its_checkpoints_under_the_configured_log_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the demo writes its bundle and the members' keys here
    env = {"TRUCE_LOG_ORIGIN": ORIGIN, "TRUCE_KEYS_DIR": str(tmp_path / "server-keys")}
    url = f"sqlite:///{tmp_path / 'truce.db'}"
    run = CliRunner().invoke(cli, ["--database", url, "demo", "--fixed-passwords"], env=env)
    assert run.exit_code == 0, run.output
    assert "offline check against the trust file" in run.output and "verified" in run.output

    out = tmp_path / "demo-out"
    notes = json.loads((out / "ledger" / "checkpoints.c2sp.json").read_text())
    assert notes and all(n.splitlines()[0] == ORIGIN for n in notes)
    assert json.loads((out / "ledger" / "manifest.json").read_text())["origin"] == ORIGIN
    assert json.loads((out / "trust.json").read_text())["origin"] == ORIGIN

    # The installation's own checkpoints then extend the demo's log under the same origin.
    more = CliRunner().invoke(cli, ["--database", url, "ledger", "checkpoint"], env=env)
    assert more.exit_code == 0, more.output
