"""The `truce` command end to end, as a user runs it: a real process, real files."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs `truce` as a process

FIXTURES = Path(__file__).parents[1] / "fixtures"
ROOT = Path(__file__).parents[2]


def truce(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "truce", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_demo_builds_a_new_sqlite_file_and_prints_the_summary(tmp_path: Path) -> None:
    first = truce("demo", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "truce.db").exists()
    out = first.stdout
    assert "scenario astana-2016: 2 agreements, 7 members" in out
    assert re.search(r"imported (\d+), unchanged 0", out)
    assert "Agreement astana-2016: 2016-12-30 to 2017-02-28" in out
    for governorate in ("Idleb", "Rural Damascus", "Dar'a", "Aleppo"):
        assert re.search(rf"^{re.escape(governorate)}\s+\d+", out, re.MULTILINE), governorate
    total = re.search(r"^Total\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", out, re.MULTILINE)
    assert total is not None and int(total.group(6)) >= 40
    # Running it again changes nothing and says so.
    second = truce("demo", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "document already held" in second.stdout and "imported 0" in second.stdout

    def findings(text: str) -> str:
        return text.split("7. compliance summary:")[1].split("10. The joint mechanism:")[0]

    assert findings(second.stdout) == findings(out)
    # The mechanism ran once: cases routed, Wadi Barada disputed, the ledger verified offline.
    assert re.search(r"cases: [1-9]\d* opened now", out)
    assert "Turkey confirms, Russia dissents (votes signed with their own keys) -> disputed" in out
    assert "-> disputed; published" in out
    assert re.search(
        r"checkpoint: \d+ entries, root [0-9a-f]{16}…, signed by the log operator; "
        r"witnessed and cosigned by iran, russia, turkey",
        out,
    )
    assert "offline check against the trust file demo-out/trust.json: verified" in out
    assert (
        "already played on an earlier run" in second.stdout
        and "offline check against the trust file demo-out/trust.json: verified" in second.stdout
    )


def test_import_export_round_trip_with_losses_listed(tmp_path: Path) -> None:
    assert truce("init", cwd=tmp_path).returncode == 0
    loaded = truce("scenario", "load", "astana-2016", cwd=tmp_path)
    assert "76 actors" in loaded.stdout or "actors" in loaded.stdout
    bad = truce("import", "acled", str(FIXTURES / "acled_bad_rows.csv"), cwd=tmp_path)
    assert bad.returncode == 0, bad.stderr
    assert "imported 3, unchanged 0, revised 0, rejected 3" in bad.stdout
    assert (
        "rejected: line 3 (SYRBD002): latitude: Input should be less than or equal to 90"
        in bad.stdout
    )
    ucdp = truce("import", "ucdp", str(FIXTURES / "ucdp_ged_sample.csv"), cwd=tmp_path)
    assert "imported 6" in ucdp.stdout and "warning: line" in ucdp.stdout

    out = tmp_path / "out.csv"
    exported = truce("export", "acled", "--out", str(out), cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("9 rows written;")
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 9 and len(rows[0]) == 31
    losses = list(csv.DictReader((tmp_path / "out.csv.losses.csv").open(newline="")))
    assert losses and {r["field"] for r in losses} >= {"deaths_a"}
    # Only the UCDP-origin rows lose anything in ACLED layout.
    assert {int(r["row"]) for r in losses} == {
        i + 1 for i, r in enumerate(rows) if not r["event_id_cnty"]
    }

    geojson = truce("export", "geojson", cwd=tmp_path)
    assert '"FeatureCollection"' in geojson.stdout
    assert "9 rows written; 0 losses" in geojson.stderr
    early = truce("export", "plover", "--to", "2017-01-01", cwd=tmp_path)
    written = re.match(r"(\d+) rows written", early.stderr)
    assert early.returncode == 0 and written is not None and 0 < int(written.group(1)) < 9

    # The summary as JSON holds what the table shows, and says what it counts.
    table = truce("summary", "--from", "2016-12-30", "--to", "2017-02-28", cwd=tmp_path).stdout
    summary = json.loads(
        truce(
            "summary", "--from", "2016-12-30", "--to", "2017-02-28", "--json", cwd=tmp_path
        ).stdout
    )
    assert summary["counts"].startswith("reports alleging an act the agreement prohibits")
    total = re.search(r"^Total\s+(\d+(?:\s+\d+)*)$", table, re.MULTILINE)
    assert total is not None
    figures = [int(n) for n in total.group(1).split()]
    totals = summary["totals"]
    columns = [*totals["by_side"].values(), totals["total"], totals["deaths"]]
    assert figures == [*columns, totals["vs_excluded"]]
    for row in summary["rows"]:
        assert re.search(rf"^{re.escape(row['governorate'])}\s+\d", table, re.MULTILINE)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("import", "acled", "missing.csv"), "does not exist"),
        (("import", "xlsx", "x"), "Invalid value for 'FORMAT'"),
        (("scenario", "load", "geneva"), "no scenario 'geneva'"),
        (("--database", "oracle://x/y", "init"), "unsupported database 'oracle'"),
        (("summary", "--agreement", "minsk-2"), "no agreement 'minsk-2'"),
        (("export", "ucdp", "--layout", "old"), "only to ACLED"),
    ],
)
def test_errors_are_one_line_with_exit_code_2(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = truce(*args, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("truce: error:") and message in lines[0]
    assert "Traceback" not in result.stderr


def test_a_file_in_the_wrong_layout_is_kept_and_named(tmp_path: Path) -> None:
    result = truce("import", "acled", str(FIXTURES / "plover_sample.jsonl"), cwd=tmp_path)
    assert result.returncode == 2
    assert "plover_sample.jsonl" in result.stderr and "not an ACLED export" in result.stderr


@pytest.mark.postgres
def test_demo_runs_on_postgresql(tmp_path: Path, empty_postgres_url: str) -> None:
    result = truce("demo", cwd=tmp_path, env={"TRUCE_DATABASE_URL": empty_postgres_url})
    assert result.returncode == 0, result.stderr
    assert "Agreement astana-2016" in result.stdout
    assert not (tmp_path / "truce.db").exists()
