"""The whole chain from the command line: demo, fuse, assess, tally, incidents."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs `truce` as a process


def truce(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
    command = [sys.executable, "-m", "truce", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=180)


def test_demo_fuses_assesses_and_tallies(tmp_path: Path) -> None:
    demo = truce("demo", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    out = demo.stdout
    assert "4. 7 party and monitor texts read: 7 report(s) extracted" in out
    assert re.search(r"5\. fusion, batch: 84 reports in \d+ incidents", out)
    assert "8. Violations recorded on 2017-01-09" in out
    assert re.search(r"russia \(answers for the government side\): \d+", out)
    assert re.search(r"turkey \(answers for the opposition side\): \d+ .*cannot confirm \d+", out)
    wadi = out.split("9. Wadi Barada findings:")[1]
    assert re.search(
        r"2017-01-09 Basimah: contested_exclusion, 4 report\(s\), C4/acknowledged", wadi
    )
    assert "Jabhat Fateh al Sham were present: who was targeted is disputed" in wadi

    # Running fusion again adds nothing; assessment changes nothing.
    again = truce("fuse", cwd=tmp_path)
    assert again.returncode == 0 and "incremental" in again.stdout and "0 new" in again.stdout
    assessed = truce("assess", cwd=tmp_path)
    assert assessed.returncode == 0 and assessed.stdout.strip().endswith(
        "0 finding(s) new or changed"
    )
    tally = truce(
        "tally",
        "--date",
        "2017-01-09",
        "--guarantor",
        "turkey",
        "--counting",
        "episode",
        cwd=tmp_path,
    )
    assert (
        tally.returncode == 0 and "one per episode" in tally.stdout and "russia" not in tally.stdout
    )
    tallied = json.loads(truce("tally", "--date", "2017-01-09", "--json", cwd=tmp_path).stdout)
    assert tallied["day"] == "2017-01-09" and tallied["counting"] == "incident"
    assert {t["guarantor"] for t in tallied["guarantors"]} == {"russia", "iran", "turkey"}
    turkey = next(t for t in tallied["guarantors"] if t["guarantor"] == "turkey")
    assert re.search(rf"turkey \(answers for the opposition side\): {turkey['total']} ", out)

    day = ("--from", "2017-01-09", "--to", "2017-01-09")
    listing = truce("incidents", "list", *day, cwd=tmp_path)
    lines = listing.stdout.splitlines()
    rows = [
        json.loads(line)
        for line in truce("incidents", "list", *day, "--json", cwd=tmp_path).stdout.splitlines()
    ]
    assert [line.split()[0] for line in lines] == [r["id"] for r in rows] and len(rows) >= 2
    basimah = next(r for r in rows if r["location_name"] == "Basimah")
    assert basimah["finding"] == "contested_exclusion" and len(basimah["report_ids"]) == 4
    first_id = rows[0]["id"]
    shown = truce("incidents", "show", first_id, cwd=tmp_path)
    assert shown.returncode == 0 and "finding:" in shown.stdout and '"claims"' in shown.stdout
    detail = json.loads(truce("incidents", "show", first_id, "--json", cwd=tmp_path).stdout)
    assert detail["incident"]["id"] == first_id
    assert detail["finding"]["category"] == rows[0]["finding"]
    missing = truce("incidents", "show", "inc_none", cwd=tmp_path)
    assert missing.returncode == 2 and "no incident inc_none" in missing.stderr

    # Merges and splits are done, and kept in the history, as the user acting.
    pair = [rows[0]["id"], rows[1]["id"]]
    merged = truce("incidents", "merge", *pair, "--reason", "same strike", cwd=tmp_path)
    assert merged.returncode == 0, merged.stderr
    merged_id = re.search(r"merged into (inc_\w+)", merged.stdout)
    assert merged_id is not None
    history = truce("incidents", "show", pair[1], cwd=tmp_path).stdout
    assert f"{pair[1]} is now {merged_id.group(1)}" in history
    assert re.search(r"^history: .* merge by ops-centre: same strike$", history, re.MULTILINE)
    moved = ",".join(rows[1]["report_ids"])
    split = truce(
        "incidents",
        "split",
        merged_id.group(1),
        "--reports",
        moved,
        "--reason",
        "two strikes after all",
        "--as",
        "nobody",
        cwd=tmp_path,
    )
    assert split.returncode == 2 and "no active user nobody" in split.stderr
    split = truce(
        "incidents",
        "split",
        merged_id.group(1),
        "--reports",
        moved,
        "--reason",
        "two strikes after all",
        cwd=tmp_path,
    )
    assert split.returncode == 0 and split.stdout.startswith("split into ")
