"""The whole chain from the command line: demo, fuse, assess, tally, incidents."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def truce(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
    return subprocess.run([sys.executable, "-m", "truce", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=180)  # fmt: skip


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
    listing = truce("incidents", "list", "--from", "2017-01-09", "--to", "2017-01-09", cwd=tmp_path)
    first_id = listing.stdout.split()[0]
    shown = truce("incidents", "show", first_id, cwd=tmp_path)
    assert shown.returncode == 0 and "finding:" in shown.stdout and '"claims"' in shown.stdout
    missing = truce("incidents", "show", "inc_none", cwd=tmp_path)
    assert missing.returncode == 2 and "no incident inc_none" in missing.stderr
