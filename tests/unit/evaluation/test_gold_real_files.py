"""The development set drawn from real reports (gold-real/): every file loads and can be traced.

Each text there is a paraphrase of a real page, so it must keep the page's address, and it
belongs to the half used for tuning or to the half left alone. A file that breaks either rule
would silently drop out of `truce eval extract gold-real --split ...` or lose its provenance.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from truce.evaluation.gold import parse_gold_json

GOLD_REAL = Path(__file__).resolve().parents[3] / "gold-real"
FILES = sorted(GOLD_REAL.rglob("*.json"))
FOLDERS = sorted({f.parent for f in FILES})

# Governorates as the gold set spells them (gold/README.md), so both sets score alike.
ADMIN1 = {
    "Aleppo",
    "Al-Hasakeh",
    "Ar-Raqqa",
    "As-Sweida",
    "Damascus",
    "Dar'a",
    "Deir-ez-Zor",
    "Hama",
    "Homs",
    "Idleb",
    "Lattakia",
    "Quneitra",
    "Rural Damascus",
    "Tartous",
}
# Syria's bounding box, a little widened: a coordinate outside it is a typo or a wrong place.
LAT = (32.2, 37.5)
LON = (35.5, 42.5)
# Folders of pages that carry a publication date (notes, like ACLED's, need not).
DATED = {"news", "state-media"}


def _name(path: Path) -> str:
    return str(path.relative_to(GOLD_REAL))


def test_the_set_exists() -> None:
    assert FILES, f"no gold files under {GOLD_REAL}"


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_file_loads_with_the_gold_loader_and_keeps_its_address_and_split(path: Path) -> None:
    doc = parse_gold_json(path.read_text("utf-8"), _name(path))
    assert doc.address and doc.address.startswith(("http://", "https://")), doc.address
    assert doc.split in ("tune", "held")
    if path.parent.name in DATED:
        assert doc.published is not None, "news pages carry their publication date"
    assert doc.text.strip()


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_events_use_the_gold_set_spelling_and_places_inside_syria(path: Path) -> None:
    data = json.loads(path.read_text("utf-8"))
    for event in data["events"]:
        # A statement may report an event with no place (an agreement): admin1 null then.
        assert event["admin1"] is None or event["admin1"] in ADMIN1, event["admin1"]
        assert event["fatalities"] >= 0
        if event["lat"] is not None:
            assert LAT[0] <= event["lat"] <= LAT[1] and LON[0] <= event["lon"] <= LON[1]
        assert {a["role"] for a in event["actors"]} <= {"perpetrator", "target"}


def test_ids_are_unique_across_the_set() -> None:
    ids = Counter(json.loads(f.read_text("utf-8"))["id"] for f in FILES)
    assert [i for i, n in ids.items() if n > 1] == []


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_each_folder_splits_in_halves(folder: Path) -> None:
    splits = Counter(json.loads(f.read_text("utf-8"))["split"] for f in folder.glob("*.json"))
    assert abs(splits["tune"] - splits["held"]) <= 1, dict(splits)


def test_one_address_never_has_two_splits() -> None:
    # Several texts may be drawn from one page (a monitor's report and a note on one of its
    # incidents). If one sat in `tune` and another in `held`, tuning on the first would leak
    # the page's facts into the figures reported on the second.
    splits: dict[str, set[str]] = {}
    for f in FILES:
        data = json.loads(f.read_text("utf-8"))
        splits.setdefault(data["address"], set()).add(data["split"])
    assert {a: sorted(s) for a, s in splits.items() if len(s) > 1} == {}
