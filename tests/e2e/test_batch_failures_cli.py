"""No document stops a batch (issue 13): `truce extract` and `truce ingest` name a document a
pipeline stage fails on, with the stage and the error, go on with the rest and exit non-zero
at the end; the failed document is stored as failed and `truce documents rerun --failed` runs
it again."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs `truce` as a process

# The article that stopped a whole run: the dates stage raised on "Two".
TWO_DAYS_AGO = (
    "Regime forces shelled Kafr Zita in northern Hama countryside on Monday, killing three "
    "civilians. Two days ago the same neighborhood was shelled.\n"
)
GOOD = (
    "On 9 January 2017, regime forces shelled Kafr Zita in northern Hama countryside, "
    "killing 3 civilians and wounding 5.\n"
)
OTHER = '{"title": "Douma", "published": "2017-01-12", "text": "Rebels shelled Douma on 11 January 2017, killing two civilians."}'  # noqa: E501
# A stage with a bug the next real text will find: every Python process of the run (the CLI
# and the parser pool's workers) loads this hook, which makes the dates stage raise on one word.
HOOK = """
import os
if os.environ.get("BREAK_DATES_ON"):
    from dataclasses import replace
    import truce.extract.registry as registry

    def _breaking(run):
        def run_or_raise(doc, res):
            if os.environ["BREAK_DATES_ON"] in doc.body:
                raise KeyError("a bug no test has met yet")
            return run(doc, res)
        return run_or_raise

    registry.STAGES = tuple(
        replace(s, run=_breaking(s.run)) if s.name == "dates" else s for s in registry.STAGES
    )
"""
MARKER = "Qalaat al-Madiq"


def truce(*args: str, cwd: Path, broken: bool = False) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
    hook = cwd / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(hook), *filter(None, [environment.get("PYTHONPATH")])]
    )
    environment.pop("BREAK_DATES_ON", None)
    if broken:
        environment["BREAK_DATES_ON"] = MARKER
    return subprocess.run(
        [sys.executable, "-m", "truce", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _batch(tmp_path: Path) -> list[Path]:
    files = {
        "good.txt": GOOD,
        "two-days-ago.txt": TWO_DAYS_AGO,
        "broken.txt": f"Regime forces shelled {MARKER} on 8 January 2017, killing two.\n",
        "other.json": OTHER,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return [tmp_path / name for name in files]


def test_a_number_word_opening_a_relative_date_no_longer_stops_extract(tmp_path: Path) -> None:
    files = _batch(tmp_path)
    good, two_days = files[0], files[1]
    result = truce("extract", str(two_days), str(good), "--published", "2017-01-10", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert any(line.startswith(f"{two_days}: 2017-01-09 ") for line in lines), result.stdout
    assert any(line.startswith(f"{good}: 2017-01-09 ") for line in lines), result.stdout


def test_extract_names_the_failed_document_and_goes_on(tmp_path: Path) -> None:
    files = _batch(tmp_path)
    broken = files[2]
    result = truce(
        "extract", *map(str, files), "--published", "2017-01-10", cwd=tmp_path, broken=True
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = result.stderr.strip().splitlines()
    assert errors[0] == (
        f"{broken}: failed at extract:dates: stage dates v2 failed: "
        "KeyError: 'a bug no test has met yet'"
    )
    assert errors[-1] == "truce: error: 1 of 4 file(s) failed; the others were extracted"
    for path in (files[0], files[1], files[3]):
        assert re.search(rf"^{re.escape(str(path))}: \d{{4}}-", result.stdout, re.M), path
    assert str(broken) not in result.stdout


def test_ingest_keeps_the_failed_document_and_reruns_it(tmp_path: Path) -> None:
    files = _batch(tmp_path)
    broken = files[2]
    result = truce(
        "ingest", *map(str, files), "--published", "2017-01-10", cwd=tmp_path, broken=True
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    naming = [line for line in result.stderr.splitlines() if "broken.txt" in line]
    assert len(naming) == 1, result.stderr
    assert naming[0].startswith(f"{broken}: failed at extract:dates (kept as document ")
    assert "KeyError: 'a bug no test has met yet'" in naming[0]
    assert "3 document(s) ingested, 1 failed" in result.stdout
    assert result.stderr.strip().splitlines()[-1] == (
        "truce: error: 1 document(s) failed; see `truce documents --status failed`"
    )

    failed = truce("documents", "--status", "failed", cwd=tmp_path).stdout.strip().splitlines()
    assert len(failed) == 1 and "stage dates v2 failed: KeyError" in failed[0]
    document_id = failed[0].split()[0]

    # Still broken: it fails again, stays failed, and says so.
    again = truce("documents", "rerun", "--failed", cwd=tmp_path, broken=True)
    assert again.returncode == 2
    assert again.stderr.startswith(f"{document_id}: failed at dates: stage dates v2 failed")
    assert "0 of 1 failed document(s) now processed" in again.stdout

    # The bug fixed: the failed ones run again and are processed.
    fixed = truce("documents", "rerun", "--failed", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    assert re.search(rf"^{document_id}: 1 text\(s\), 1 report\(s\): new 1", fixed.stdout, re.M)
    assert "1 of 1 failed document(s) now processed" in fixed.stdout
    assert truce("documents", "--status", "failed", cwd=tmp_path).stdout.strip() == "no documents"
    processed = truce("documents", "--status", "processed", cwd=tmp_path).stdout.splitlines()
    assert len(processed) == 4


def test_rerun_needs_an_id_or_failed(tmp_path: Path) -> None:
    result = truce("documents", "rerun", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "truce: error: give a DOCUMENT_ID or --failed, not both"
