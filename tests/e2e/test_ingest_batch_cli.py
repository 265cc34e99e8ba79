"""`truce ingest` over a batch with a bad file in the middle: the bad one is kept as failed and
named in one line, the others are ingested, and the exit code says one failed (issue 11,
item 11)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs `truce` as a process

INTAKE = Path(__file__).parents[1] / "fixtures" / "intake"
DEEP = 100_000


def truce(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
    return subprocess.run(
        [sys.executable, "-m", "truce", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_deeply_nested_file_fails_in_one_line_and_the_batch_goes_on(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_bytes(b'{"text": "Shelling.", "x": ' + b"[" * DEEP + b"]" * DEEP + b"}")
    good = [INTAKE / "english-utf8.txt", INTAKE / "submission.json"]
    result = truce("ingest", str(good[0]), str(deep), str(good[1]), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    naming = [line for line in result.stderr.splitlines() if "deep.json" in line]
    assert len(naming) == 1, result.stderr
    assert "failed at read" in naming[0]
    assert "JSON nested 100001 levels deep; the limit is 64" in naming[0]
    assert "2 document(s) ingested, 1 failed" in result.stdout
    for path in good:
        assert f"{path}: " in result.stdout
    failed = truce("documents", "--status", "failed", cwd=tmp_path)
    assert len(failed.stdout.strip().splitlines()) == 1 and "nested" in failed.stdout
    processed = truce("documents", "--status", "processed", cwd=tmp_path)
    assert len(processed.stdout.strip().splitlines()) == 2
