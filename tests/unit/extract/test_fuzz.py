"""Property tests: whatever text comes in, the pipeline returns a document and valid reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from truce.domain.documents import TextMeta
from truce.domain.reports import Report
from truce.extract.doc import Doc
from truce.extract.run import extract
from truce.services.extraction import resources_for

ARTICLE = Path(__file__).resolve().parents[4] / "shared" / "inputs" / "astana-article.txt"
RESOURCES = resources_for()
PUBLISHED = date(2017, 1, 25)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like the inputs: words the stages react to, mixed with anything.
_WORDS = st.sampled_from(
    [
        "shelled",
        "killing",
        "3",
        "civilians",
        "wounded",
        "on",
        "Tuesday",
        "9 January 2017",
        "regime",
        "forces",
        "rebels",
        "Douma",
        "Idlib",
        "countryside",
        "northern",
        "Hama",
        "according to",
        "the",
        "Syrian Observatory",
        "said",
        "clashes",
        "between",
        "and",
        "denied",
        "threatened to",
        "if",
        "Astana",
        "agreed",
        "ceasefire",
        "دوما",
        "قصف",
        "several",
        "dozens",
        "no fatalities",
        "including",
        "two children",
        ".",
        ",",
        "\n",
        "Advertisement",
        "Photo: AFP",
        "yesterday",
        "last week",
        "2013",
        "al-Sham",
        "HTS",
    ]
)
_NEWSY = st.lists(st.one_of(_WORDS, st.text(max_size=12)), max_size=60).map(" ".join)


def check_doc(doc: Doc) -> None:
    assert isinstance(doc, Doc)
    for report in doc.reports:
        assert isinstance(report, Report)
        # A report that comes out must survive a round trip through validation.
        assert Report.parse(report.to_plain()) == report
        for span in report.spans.values():
            assert 0 <= span.start <= span.end <= len(report.notes or "")


def _article() -> str:
    if not ARTICLE.exists():
        pytest.skip(f"the scraped example {ARTICLE} is absent")
    return ARTICLE.read_text("utf-8")


@FUZZ
@given(text=st.text(max_size=400), published=st.none() | st.dates())
def test_any_unicode_text_is_read_without_crashing(text: str, published: date | None) -> None:
    check_doc(extract(text, TextMeta(label="fuzz", published=published), RESOURCES))


@FUZZ
@given(text=_NEWSY, published=st.none() | st.dates(date(2010, 1, 1), date(2030, 12, 31)))
def test_news_like_word_salad_is_read_without_crashing(text: str, published: date | None) -> None:
    check_doc(extract(text, TextMeta(label="fuzz", published=published), RESOURCES))


_EDIT = st.tuples(
    st.sampled_from(["insert", "delete", "replace"]),
    st.floats(min_value=0, max_value=1, allow_nan=False),
    st.text(min_size=1, max_size=8),
)


@FUZZ
@given(
    edits=st.lists(_EDIT, max_size=25),
    shuffle=st.randoms(use_true_random=False),
    do_shuffle=st.booleans(),
)
def test_mutated_article_is_read_without_crashing(
    edits: list[tuple[str, float, str]], shuffle, do_shuffle: bool
) -> None:
    text = _article()
    for op, where, chunk in edits:
        at = int(where * len(text))
        if op == "insert":
            text = text[:at] + chunk + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + len(chunk) :]
        else:
            text = text[:at] + chunk + text[at + len(chunk) :]
    if do_shuffle:
        lines = text.split("\n")
        shuffle.shuffle(lines)
        text = "\n".join(lines)
    check_doc(extract(text, TextMeta(label="astana-mutated", published=PUBLISHED), RESOURCES))
