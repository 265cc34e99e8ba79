"""Deeply nested input is refused by name, never by exhausting the stack (issue 11, item 11)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from truce.domain.documents import TextMeta
from truce.domain.errors import InputRejected
from truce.intake.adapters import MAX_JSON_DEPTH, json_depth, read

META = TextMeta(label="deep.json")
DEEP = 100_000

json_values = st.recursive(
    st.none() | st.integers() | st.text(alphabet='[]{}"\\ab,:'),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(alphabet="[]{}ab", max_size=3), inner, max_size=3)
    ),
    max_leaves=30,
)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


@given(json_values)
def test_the_depth_counts_brackets_outside_strings_only(value: object) -> None:
    assert json_depth(json.dumps(value)) == _depth(value)


@pytest.mark.parametrize(
    "content",
    [
        b"[" * DEEP + b"]" * DEEP,
        b'{"text": "Shelling in Idlib killed three.", "x": ' + b"[" * DEEP + b"]" * DEEP + b"}",
        b'{"text": "deep", "x": ' + b'{"a": ' * DEEP + b"1" + b"}" * DEEP + b"}",
    ],
    ids=["arrays", "inside-a-submission", "objects"],
)
def test_deeply_nested_json_is_refused_with_its_depth(content: bytes) -> None:
    with pytest.raises(InputRejected, match=r"nested 10000[01] levels deep; the limit is 64"):
        read(content, kind="json", label="deep.json", meta=META)


def test_json_at_the_depth_limit_is_read() -> None:
    nested = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    content = f'{{"text": "Shelling in Idlib killed three.", "x": {nested}}}'.encode()
    (text,) = read(content, kind="json", label="ok.json", meta=META)
    assert text.text.startswith("Shelling")


def test_an_email_of_deeply_nested_parts_is_refused_not_crashed() -> None:
    inner = b"Content-Type: text/plain\n\nShelling in Idlib killed three.\n"
    for level in range(5000):
        boundary = b"b%d" % level
        inner = (
            b"Content-Type: multipart/mixed; boundary="
            + boundary
            + b"\n\n--"
            + boundary
            + b"\n"
            + inner
            + b"\n--"
            + boundary
            + b"--\n"
        )
    message = b"From: a@example.org\nSubject: nested\nMIME-Version: 1.0\n" + inner
    with pytest.raises(InputRejected, match="nested too deeply"):
        read(message, kind="email", label="deep.eml", meta=META)


def test_deeply_nested_html_is_read_within_the_parser_limit() -> None:
    # lxml caps the tree's depth itself: the page is read (or found empty), never a crash.
    page = b"<html><body>" + b"<div>" * DEEP + b"x" + b"</div>" * DEEP + b"</body></html>"
    with pytest.raises(InputRejected, match="no article text"):
        read(page, kind="html", label="deep.html", meta=META)
