"""`truce eval extract` reports the first report's figures per text kind and per split."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from truce.cli import cli

SHELLING = (
    "On 9 January 2017, regime forces shelled Kafr Zita in northern Hama countryside, "
    "killing 3 civilians."
)


def _gold(path: Path, split: str | None, text: str = SHELLING, kind: str = "note") -> None:
    event = {
        "sub_event_type": "Shelling/artillery/missile attack",
        "date": "2017-01-09",
        "lat": 35.3743,
        "lon": 36.6033,
        "admin1": "Hama",
        "fatalities": 3,
        "actors": [
            {"role": "perpetrator", "side": "government", "family": "state forces"},
            {"role": "target", "side": "civilians", "family": "civilians"},
        ],
    }
    body: dict[str, object] = {
        "id": path.stem,
        "kind": kind,
        "published": "2017-01-10",
        "text": text,
        "address": "https://example.org/" + path.stem,
        "events": [event],
    }
    if split:
        body["split"] = split
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body), encoding="utf-8")


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["eval", "extract", *args])
    return result.exit_code, result.output


def test_figures_per_kind_come_from_the_folders(tmp_path: Path) -> None:
    _gold(tmp_path / "notes" / "a.json", "tune")
    _gold(tmp_path / "monitors" / "deep" / "b.json", "held", kind="monitor")
    _gold(tmp_path / "c.json", None, kind="statement", text="The ministry denied everything.")
    code, out = _run(str(tmp_path))
    assert code == 0, out
    header = next(
        line for line in out.splitlines() if line.startswith("field") and line.endswith(" all")
    )
    # Folders name the kind; a file at the top takes its own `kind`.
    assert header.split() == ["field", "monitors", "notes", "statement", "all"]
    coverage = next(line for line in out.splitlines() if line.startswith("a report at all"))
    assert coverage.split()[-2:] == ["0.67", "(3)"]


def test_split_scores_only_that_half_and_json_has_the_kinds(tmp_path: Path) -> None:
    _gold(tmp_path / "notes" / "a.json", "tune")
    _gold(tmp_path / "notes" / "b.json", "held", text="The ministry denied everything.")
    code, out = _run(str(tmp_path), "--split", "tune", "--json")
    assert code == 0, out
    figures = json.loads(out)
    assert figures["documents"] == 1
    notes = figures["first_report"]["notes"]
    assert notes["a report at all"] == {"right": 1, "of": 1, "share": 1.0}
    assert notes["perpetrator's family"]["of"] == 1
    code, out = _run(str(tmp_path), "--split", "held", "--json")
    assert json.loads(out)["first_report"]["notes"]["a report at all"]["right"] == 0


def test_a_split_no_file_has_is_an_error_naming_the_option(tmp_path: Path) -> None:
    _gold(tmp_path / "notes" / "a.json", None)
    code, out = _run(str(tmp_path), "--split", "held")
    assert code != 0
    assert "split" in out
