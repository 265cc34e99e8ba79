"""Protected names are found however they are written (issue 11, item 2): Unicode forms, case,
every dash and hyphen, spaces or none, suffixes. Properties over generated variants, and
the cases that must not match (another witness, a longer code)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from truce.assess.grading import SourceBook
from truce.domain.members import Source
from truce.domain.redaction import (
    PROTECTED,
    find_mentions,
    mentions,
    normalise_name,
    redact_report,
    scrub,
)
from truce.domain.reports import Report, SourceRef

NAMES = ("Witness WB-1", "WB-1")
DASHES = ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\ufe63"]
DASHES += ["\uff0d", "", " ", "  ", "\u00a0", "_", "."]
SUFFIXES = ["", "'s", "\u2019s", " (protected witness)", ",", ".", ":", " said", "\u00a0"]
PREFIXES = ["", "Witness ", "witness\u00a0", "the ", "(", "\u201c", "According to "]


def _case(text: str, flips: list[bool]) -> str:
    return "".join(
        c.swapcase() if f else c for c, f in zip(text, flips + [False] * len(text), strict=False)
    )


@st.composite
def variants(draw: st.DrawFn) -> str:
    """WB-1 as a person may write it."""
    wb = _case("WB", draw(st.lists(st.booleans(), min_size=2, max_size=2)))
    one = draw(st.sampled_from(["1", "\uff11", "\u2460"]))  # 1, full-width 1, circled 1 (NFKC)
    if draw(st.booleans()):
        wb = "".join(chr(ord(c) - ord("A") + 0xFF21) if c.isupper() else c for c in wb)
    name = wb + draw(st.sampled_from(DASHES)) + one
    return draw(st.sampled_from(PREFIXES)) + name + draw(st.sampled_from(SUFFIXES))


FILLER = st.text(alphabet="abcdefg ,.;", max_size=30).map(lambda t: f" {t} ")


@given(variants(), FILLER, FILLER)
def test_every_variant_is_found_and_scrubbed(variant: str, before: str, after: str) -> None:
    text = f"Shelling{before}{variant}{after}at dawn"
    assert mentions(text, NAMES), text
    scrubbed = scrub(text, NAMES)
    assert scrubbed is not None and PROTECTED in scrubbed
    assert not mentions(scrubbed, NAMES), scrubbed
    assert "wb1" not in normalise_name(scrubbed)


@given(variants())
def test_a_source_named_any_variant_is_the_protected_source(variant: str) -> None:
    book = SourceBook(
        [
            Source(id="w", name="Witness WB-1", kind="witness", confidential=True),
            Source(id="sohr", name="SOHR", kind="monitor"),
        ],
        {"w": ["WB-1"]},
    )
    assert book.confidential(variant), variant
    assert "WB-1" in book.names_of(variant)


def test_normalised_forms() -> None:
    forms = ["WB1", "WB-1", "WB\u20111", "wb 1", "ＷＢ－１", "W.B.-1", "wb\u22121"]
    assert {normalise_name(f) for f in forms} == {"wb1"}
    assert normalise_name("Ain al-Fījah") == normalise_name("AIN AL FIJAH")


def test_other_names_are_not_mistaken_for_the_witness() -> None:
    for text in ("WB-10 said", "AWB-1 said", "WB-2 said", "the WB said 1", "wb12", "W B-11"):
        assert not mentions(text, ["WB-1"]), text


def test_spans_point_into_the_original_text() -> None:
    text = "Witness WB\u20111's brother and wb 1 (protected witness) both said"
    spans = find_mentions(text, NAMES)
    assert [text[a:b] for a, b in spans] == ["Witness WB\u20111", "wb 1"]
    assert scrub(text, NAMES) == (
        f"{PROTECTED}'s brother and {PROTECTED} (protected witness) both said"
    )
    assert unicodedata.normalize("NFKC", "ＷＢ－１") == "WB-1"


def _report(**fields: object) -> Report:
    plain = {
        "date_start": "2017-01-10",
        "date_end": "2017-01-10",
        "sources": [{"name": "SOHR"}],
        "location_name": "Ain al-Fijah",
        "admin2": "Qudsiya",
        "lat": 33.6153,
        "lon": 36.1829,
        "document_id": "ab" * 32,
    }
    return Report.parse({**plain, **fields}).with_content_id()


def _nobody(name: str) -> bool:
    return False


def _alone(name: str) -> list[str]:
    return [name]


def test_a_report_from_another_source_quoting_the_witness_is_redacted() -> None:
    report = _report(
        notes="Witness WB\u20111 said artillery hit Ain al-Fijah at dawn.",
        attribution="WB1",
    )
    seen = redact_report(
        report, _nobody, _alone, NAMES, document_ref=lambda raw: "doc_" + raw[::-1]
    )
    assert seen.sources == (SourceRef(name="SOHR"),)  # the open source is still named
    assert seen.notes == f"{PROTECTED} said artillery hit Qudsiya at dawn."
    assert seen.attribution == PROTECTED
    assert (seen.location_name, seen.lat, seen.lon) == ("Qudsiya", 33.6, 36.2)
    assert seen.document_id == "doc_" + ("ab" * 32)[::-1]


def test_an_open_report_is_left_alone() -> None:
    report = _report(notes="SOHR said artillery hit Ain al-Fijah; WB-10 saw it.")
    assert redact_report(report, _nobody, _alone, NAMES, document_ref=str.upper) is report
