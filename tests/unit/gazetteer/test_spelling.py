"""The spelling key and the name index: the ways reports spell a name, found in one pass."""

from __future__ import annotations

import hashlib
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from truce.gazetteer.load import default_gazetteer, wof_places
from truce.gazetteer.model import Gazetteer, Place
from truce.gazetteer.names import NameIndex, fuzzy_threshold
from truce.gazetteer.spelling import name_key, word_key
from truce.text import tokens

ROOT = Path(__file__).resolve().parents[3]
PLACES_SHA256 = "1e6eadccd0493eeb28143899597e52f8740e09a26d84cab293790a8cc0fd3ab9"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


# --- the shipped file ------------------------------------------------------------------------


def test_the_populated_places_ship_unchanged_in_the_package() -> None:
    data = resources.files("truce.gazetteer").joinpath("data", "syria_places.tsv").read_bytes()
    assert hashlib.sha256(data).hexdigest() == PLACES_SHA256


def test_the_package_data_includes_the_places_file_and_its_word_list() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["truce"]
    assert "gazetteer/data/*.tsv" in patterns and "gazetteer/data/*.txt" in patterns


def test_every_row_is_read_with_truces_governorate_names() -> None:
    places = wof_places()
    assert len(places) == 10_549
    governorates = {p.admin1 for p in places}
    assert None in governorates  # one row (Amrit) has no governorate
    assert {"Idleb", "Rural Damascus", "Al-Hasakeh"} <= governorates
    assert sum(p.kind == "village" for p in places) == 9_987
    assert all(p.source == "wof" and p.precision == 1 for p in places)


# --- the spelling key ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ein", "Ayn"),
        ("Ain", "Ayn"),
        ("Tal", "Tall"),
        ("Tell", "Tall"),
        ("Deir", "Dayr"),
        ("Dair", "Dayr"),
        ("Kfar", "Kafr"),
        ("Kefr", "Kafr"),
        ("Issa", "Isa"),
        ("Tawilah", "Taweeleh"),
        ("Tawila", "Ţawīlah"),
        ("Qahtaniyeh", "Qahtaniyah"),
        ("Saraqeb", "Saraqib"),
        ("Sheikh", "Shaykh"),
        ("Cheikh", "Shaykh"),
        ("Douma", "Duma"),
        ("Ḩimş", "Hims"),
        ("`Isa", "Isa"),
        ("‘Isa", "ʿIsa"),
    ],
)
def test_spellings_of_one_word_share_a_key(a: str, b: str) -> None:
    assert word_key(a) == word_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ein Issa", "`Ayn `Isa"),
        ("Kafr Khasher", "Kafr Khashir"),
        ("Deir ez-Zor", "Deir al-Zor"),
        ("Deir el-Zor", "Dayr az-Zor"),
        ("Ma'arrat an Nu'man", "Maarat al-Numan"),
        ("Jisr ash-Shughur", "Jisr al-Shughour"),
        ("Ras al-Ain", "Ras al `Ayn"),
        ("Tell Abiad", "Tal Abyad"),
    ],
)
def test_spellings_of_one_name_share_a_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(("a", "b"), [("Homs", "Hama"), ("Tal", "Tel Aviv"), ("Idlib", "Afrin")])
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


# Letters no multi-letter rule joins (no e, o, y, h, c, j or q): doubling one is a doubled letter.
_WORD = st.text(st.sampled_from("abdfklmnrstuz"), min_size=3, max_size=9)


@given(_WORD, st.sampled_from(["al-", "el-", "ash-", "ez-", "as-", "ad-", "Al ", "An "]))
def test_an_article_never_changes_a_names_key(word: str, article: str) -> None:
    assert name_key(f"Tal {article}{word.capitalize()}") == name_key(f"Tal {word}")


@given(_WORD)
def test_case_and_doubled_letters_never_change_a_key(word: str) -> None:
    doubled = "".join(ch * 2 for ch in word)
    assert word_key(word.upper()) == word_key(word) == word_key(doubled)


# --- fuzzy matching needs more evidence as names get shorter ----------------------------------


def test_no_fuzzy_match_under_five_letters_and_the_bar_rises_as_names_shorten() -> None:
    assert fuzzy_threshold(4) is None
    bars = [fuzzy_threshold(n) for n in range(5, 20)]
    assert all(b is not None for b in bars)
    assert bars == sorted(bars, reverse=True, key=lambda b: b or 0)
    assert (fuzzy_threshold(5) or 0) > (fuzzy_threshold(12) or 0)


def _index() -> NameIndex[str]:
    return NameIndex([("Tall Tamr", "tamr"), ("Tall Hamis", "hamis"), ("Kafr Nabl", "nabl")])


def test_the_fuzzy_match_takes_a_near_spelling_of_a_long_name() -> None:
    similarity, keys = _index().fuzzy(name_key("Tal Tamer"))
    assert keys == [name_key("Tall Tamr")] and 0.9 < similarity < 1.0


def test_the_fuzzy_match_refuses_a_short_name_or_a_far_one() -> None:
    index = NameIndex([("Hass", "hass"), ("Kafr Nabl", "nabl")])
    assert index.fuzzy(name_key("Hasa")) == (0.0, [])  # four letters: exact keys only
    assert index.fuzzy(name_key("Kafr Batna")) == (0.0, [])


def test_the_automaton_finds_every_name_in_a_text_as_token_spans() -> None:
    text = "Shelling of Tal Tamer, then Kafr Nabl; Tall. Hamis is not one name."
    toks = tokens(text)
    index = NameIndex([("Tal Tamer", "tamr"), ("Kafr Nabl", "nabl"), ("Tall Hamis", "hamis")])
    found = {
        (text[toks[h.first].start : toks[h.end - 1].end], h.values) for h in index.exact(toks, text)
    }
    # "Tall. Hamis" crosses a full stop: not a name.
    assert found == {("Tal Tamer", ("tamr",)), ("Kafr Nabl", ("nabl",))}


# --- the README's examples ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "row"),
    [("Tal Tamer", "Tall Tamr"), ("Ein Issa", "`Ayn `Isa"), ("Kafr Khasher", "Kafr Khashir")],
)
def test_the_readmes_spellings_find_their_rows(gazetteer: Gazetteer, text: str, row: str) -> None:
    (wanted,) = [p for p in wof_places() if p.name == row]
    key = name_key(text)
    found = gazetteer.lookup(text) or [
        p for k in gazetteer.names.fuzzy(key)[1] for p in gazetteer.names.values_of(k)
    ]
    assert found
    place = found[0]
    assert (place.lat, place.lon) == pytest.approx((wanted.lat, wanted.lon), abs=0.05)


def test_curated_entries_win_merges_with_the_long_list(gazetteer: Gazetteer) -> None:
    # The long list's Tall Tamr merged into the curated Tell Tamer (its names lead there); a
    # second, distant "Tall at Tamr" stays a place of its own.
    tamer, *others = gazetteer.lookup("Tall Tamr")
    assert tamer.source == "truce" and tamer.name == "Tell Tamer"
    assert not any(p.source == "wof" and p.name == "Tall Tamr" for p in gazetteer.places)
    assert all(isinstance(p, Place) and p.name != "Tall Tamr" for p in others)
