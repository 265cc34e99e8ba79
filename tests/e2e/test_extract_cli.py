"""`truce extract`, `ingest`, `documents`, `review` and `eval extract` as a user runs them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs `truce` as a process

ROOT = Path(__file__).resolve().parents[2]
INTAKE = ROOT / "tests" / "fixtures" / "intake"
ARTICLE = ROOT.parent / "shared" / "inputs" / "astana-article.txt"
SAMPLE_ACLED = ROOT / "src" / "truce" / "scenarios" / "astana_2016" / "sample_acled.csv"
JSON_KEYS = {
    "date_start",
    "date_end",
    "date_precision",
    "location_name",
    "admin1",
    "lat",
    "lon",
    "location_precision",
    "actors",
    "event_type",
    "sub_event_type",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "injured",
    "source_quoted",
    "spans",
    "document",
}
EVAL_FIELDS = (
    "event detection",
    "sub-type",
    "place within 25 km",
    "exact date",
    "exact fatalities",
    "actor side",
)


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


def test_extract_prints_the_astana_agreement_as_one_json_line(tmp_path: Path) -> None:
    if not ARTICLE.exists():
        pytest.skip(f"the scraped example {ARTICLE} is absent")
    result = truce("extract", str(ARTICLE), "--published", "2017-01-25", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout
    report = json.loads(lines[0])
    assert set(report) >= JSON_KEYS
    assert report["event_type"] == "Strategic developments"
    assert report["sub_event_type"] == "Agreement"
    assert report["location_name"] == "Astana"
    assert report["date_start"] == "2017-01-24"
    assert report["date_end"] == "2017-01-24" and report["date_precision"] == "day"
    assert report["document"] == str(ARTICLE)
    assert report["actors"]
    for actor in report["actors"]:
        assert {"name", "role", "side"} <= set(actor)
    for span in report["spans"].values():
        assert 0 <= span["start"] <= span["end"]
    assert not (tmp_path / "truce.db").exists(), "extract stores nothing"


def test_extract_without_json_prints_one_readable_line_per_report(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text(
        "On 9 January 2017, regime forces shelled Kafr Zita in northern Hama countryside, "
        "killing 3 civilians and wounding 5.\n",
        encoding="utf-8",
    )
    result = truce("extract", str(note), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.strip().splitlines()
    assert line.startswith(f"{note}: 2017-01-09 Explosions/Remote violence / Shelling")
    assert "Kafr Zita" in line and "fatalities 3" in line


def test_ingest_lists_documents_and_queues_reports(tmp_path: Path) -> None:
    files = [INTAKE / n for n in ("feed.rss", "submission.json", "report.eml", "article.html")]
    result = truce("ingest", *map(str, files), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "truce.db").exists()
    for path in files:
        assert re.search(
            rf"^{re.escape(str(path))}: \d+ text\(s\), \d+ report\(s\)", result.stdout, re.M
        )
    summary = re.search(
        r"^4 document\(s\) ingested, 0 failed; (\d+) report\(s\), (\d+) new$", result.stdout, re.M
    )
    assert summary is not None, result.stdout
    assert int(summary.group(1)) >= 1

    listed = truce("documents", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = listed.stdout.strip().splitlines()
    assert len(rows) == 4
    assert all(re.match(r"^[0-9a-f]{64}  processed ", row) for row in rows)
    media = {row.split()[2] for row in rows}
    assert media == {"application/rss+xml", "application/json", "message/rfc822", "text/html"}

    queue = truce("review", "queue", cwd=tmp_path)
    assert queue.returncode == 0, queue.stderr
    queued = queue.stdout.strip().splitlines()
    assert len(queued) == min(int(summary.group(1)), 20)
    assert all(re.match(r"^rep_[0-9a-f]+  \d{4}-\d\d-\d\d  ", line) for line in queued)

    # The same lists as JSON Lines, one object per line, with what the text shows.
    held = [
        json.loads(line) for line in truce("documents", "--json", cwd=tmp_path).stdout.splitlines()
    ]
    assert [(d["id"], d["status"], d["media_type"]) for d in held] == [
        tuple(r.split()[:3]) for r in rows
    ]
    waiting = truce("review", "queue", "--json", cwd=tmp_path).stdout.splitlines()
    first = json.loads(waiting[0])
    assert len(waiting) == len(queued) and queued[0].startswith(
        f"{first['id']}  {first['date_start']}  "
    )

    # A review is done by the user acting: without --as, the operations centre, named as such.
    report_id = first["id"]
    accepted = truce("review", "accept", report_id, "--reason", "checked", cwd=tmp_path)
    assert accepted.returncode == 0 and accepted.stdout.strip() == f"{report_id}: accepted"
    shown = json.loads(truce("review", "show", report_id, "--json", cwd=tmp_path).stdout)
    assert shown["status"] == "accepted" and [r["reviewer"] for r in shown["reviews"]] == [
        "ops-centre"
    ]
    assert shown["original"]["id"] == report_id
    nobody = truce("review", "reject", report_id, "--reason", "x", "--as", "nobody", cwd=tmp_path)
    assert nobody.returncode == 2 and "no active user nobody" in nobody.stderr

    # A second run finds everything already held.
    again = truce("ingest", *map(str, files), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert re.search(
        r"^4 document\(s\) ingested, 0 failed; \d+ report\(s\), 0 new$", again.stdout, re.M
    )
    assert len(truce("documents", cwd=tmp_path).stdout.strip().splitlines()) == 4


def test_a_binary_file_fails_with_one_line_and_the_rest_are_ingested(tmp_path: Path) -> None:
    binary = INTAKE / "binary.bin"
    good = [INTAKE / "submission.json", INTAKE / "feed.atom"]
    result = truce("ingest", str(good[0]), str(binary), str(good[1]), cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    naming = [line for line in result.stderr.splitlines() if "binary.bin" in line]
    assert len(naming) == 1, result.stderr
    assert "binary" in naming[0].split("binary.bin", 1)[1]
    assert result.stderr.strip().splitlines()[-1].startswith("truce: error:")
    assert "2 document(s) ingested, 1 failed" in result.stdout
    for path in good:
        assert f"{path}: " in result.stdout

    failed = truce("documents", "--status", "failed", cwd=tmp_path)
    assert len(failed.stdout.strip().splitlines()) == 1
    assert "looks binary" in failed.stdout
    processed = truce("documents", "--status", "processed", cwd=tmp_path)
    assert len(processed.stdout.strip().splitlines()) == 2


def _gold(path: Path, **body: object) -> None:
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")


def test_eval_extract_on_a_gold_directory_prints_a_table(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    (gold / "more").mkdir(parents=True)
    _gold(
        gold / "kafr-zita.json",
        id="kafr-zita",
        published="2017-01-10",
        text="On 9 January 2017, regime forces shelled Kafr Zita in northern Hama countryside, "
        "killing 3 civilians and wounding 5.",
        events=[
            {
                "sub_event_type": "Shelling/artillery/missile attack",
                "date": "2017-01-09",
                "lat": 35.3743,
                "lon": 36.6033,
                "fatalities": 3,
                "location": "Kafr Zita",
                "actors": [
                    {"role": "perpetrator", "side": "government"},
                    {"role": "target", "side": "civilians"},
                ],
            }
        ],
    )
    _gold(
        gold / "more" / "denial.json",
        id="denial",
        published="2017-01-12",
        text="The Russian defence ministry denied that its aircraft struck Douma on Tuesday.",
        events=[],
    )
    result = truce("eval", "extract", str(gold), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"gold set {gold}: 2 documents" in result.stdout
    for field in EVAL_FIELDS:
        row = re.search(
            rf"^{re.escape(field)}\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", result.stdout, re.M
        )
        assert row is not None, field
        assert all(0 <= float(v) <= 1 for v in row.groups())


def test_eval_extract_on_an_empty_directory_is_one_error_line(tmp_path: Path) -> None:
    result = truce("eval", "extract", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"truce: error: no gold files (*.json) under {tmp_path}"
    ]


def test_eval_extract_on_acled_notes_prints_json(tmp_path: Path) -> None:
    result = truce("eval", "extract", "--acled", str(SAMPLE_ACLED), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["documents"] >= 30
    for field in EVAL_FIELDS:
        tally = figures[field]
        for key in ("precision", "recall", "f1"):
            assert 0 <= tally[key] <= 1, (field, key)
        assert tally["tp"] + tally["fn"] >= 1
    assert figures["event detection"]["f1"] > 0.5
