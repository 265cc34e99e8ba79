"""Bad numbers through the CLI (issue 11, item 15): an ACLED file with a 23-digit death toll is
imported without that row, which is reported with its line and column, and `truce summary`
prints the deaths of the other rows as plain whole numbers."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs `truce` as a process

FIXTURES = Path(__file__).parents[1] / "fixtures"
HUGE = "99999999999999999999999"


def truce(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
    return subprocess.run(
        [sys.executable, "-m", "truce", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_huge_death_toll_is_refused_by_row_and_the_summary_stays_plain(tmp_path: Path) -> None:
    rows = list(csv.DictReader((FIXTURES / "acled_bad_rows.csv").open(newline="")))
    good = [rows[0], rows[2], rows[5]]  # the fixture's rows that are not bad already
    huge = {**rows[0], "event_id_cnty": "SYRBD099", "fatalities": HUGE}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows([good[0], huge, good[1], good[2]])
    data = tmp_path / "huge.csv"
    data.write_text(out.getvalue())

    assert truce("init", cwd=tmp_path).returncode == 0
    assert truce("scenario", "load", "astana-2016", cwd=tmp_path).returncode == 0
    imported = truce("import", "acled", str(data), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "imported 3, unchanged 0, revised 0, rejected 1" in imported.stdout
    assert "rejected: line 3 (SYRBD099): fatalities: " in imported.stdout
    assert "less than or equal to 100000" in imported.stdout

    summary = truce("summary", cwd=tmp_path)
    assert summary.returncode == 0, summary.stderr
    assert not re.search(r"\d[eE][+-]?\d", summary.stdout), summary.stdout
    assert HUGE not in summary.stdout
    total = re.search(r"^Total(?:\s+\d+){6}\s+(\d+)\s+\d+$", summary.stdout, re.MULTILINE)
    assert total is not None, summary.stdout
    assert int(total.group(1)) == sum(int(r["fatalities"]) for r in good)
    as_json = truce("summary", "--json", cwd=tmp_path)
    assert '"deaths": ' in as_json.stdout and not re.search(r"\d[eE][+-]?\d", as_json.stdout)
