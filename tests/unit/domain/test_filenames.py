"""The one rule for a document's name (truce.domain.filenames)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from truce.domain.errors import InputRejected
from truce.domain.filenames import MAX_LENGTH, check_filename, filename_problem

GOOD = ["report.txt", "تقرير إدلب ١.txt", "Résumé (2).pdf", "донесение-3.html", "2017-02-03.csv"]


@pytest.mark.parametrize("name", GOOD)
def test_plain_names_in_any_script_are_taken(name: str) -> None:
    assert check_filename(name) == name


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("a\x00b.txt", "U+0000"),
        ("a\nb.txt", "U+000A"),
        ("gnp.\u202etxt", "U+202E (right-to-left override)"),
        ("a\u2066b.txt", "U+2066"),
        ("x" * (MAX_LENGTH + 1), f"the limit is {MAX_LENGTH}"),
        ("../x.txt", "a path"),
        ("C:\\x.txt", "a path"),
        (".env", "start with a letter or a digit"),
        ("", "empty"),
    ],
)
def test_bad_names_are_refused_saying_why(name: str, why: str) -> None:
    with pytest.raises(InputRejected, match="refusing the file name") as refused:
        check_filename(name)
    assert why in str(refused.value)
    assert "\x00" not in str(refused.value) and "\n" not in str(refused.value)


INVISIBLE = st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Co"])


@given(st.text(min_size=1, max_size=20), INVISIBLE, st.text(max_size=20))
def test_a_control_or_format_character_anywhere_is_refused(
    before: str, char: str, after: str
) -> None:
    assert filename_problem(f"a{before}{char}{after}") is not None


@given(st.text(st.characters(categories=["L", "Nd"]), min_size=1, max_size=MAX_LENGTH - 4))
def test_letters_and_digits_with_an_extension_are_taken(stem: str) -> None:
    name = f"{stem}.txt"
    if unicodedata.category(name[0]) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd"):
        assert filename_problem(name) is None
