"""Property tests over the whole pipeline with realistic sentences, mutated as real text is
(issue 13): number words ("Two", "Twenty-three", "a dozen"), relative dates in capitals
("Two days ago", "Last Tuesday"), odd punctuation (unicode dashes, smart quotes, no space
after a full stop, ".."), very long sentences and empty lines. Whatever comes in, extraction
does not raise, and every report it gives carries a valid date."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from truce.domain.documents import TextMeta
from truce.domain.reports import Report
from truce.domain.vocab import EARLIEST_YEAR, LATEST_YEAR, DatePrecision
from truce.extract.dates import REVIEW_DATE_UNKNOWN
from truce.extract.run import extract
from truce.services.extraction import resources_for

RESOURCES = resources_for()
PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WHEN = st.sampled_from(
    [
        "two days ago",
        "three days ago",
        "ten days ago",
        "12 days ago",
        "yesterday",
        "last tuesday",
        "on tuesday",
        "overnight",
        "the day before yesterday",
        "last week",
        "earlier this month",
        "last night",
        "this morning",
        "on 5 april 2017",
        "on april 5",
        "in march 2015",
        "on 5/4/2017",
        "on 2017-04-05",
        "in the 2013 attack",
        "last year",
        "two years ago",
    ]
)
COUNT = st.sampled_from(
    [
        "two",
        "Twenty-three",
        "twenty three",
        "a dozen",
        "dozens of",
        "several",
        "Hundreds of",
        "3",
        "1,200",
        "one",
        "no",
        "at least 40",
        "between 5 and 7",
    ]
)
WHO = st.sampled_from(
    [
        "regime forces",
        "Russian warplanes",
        "rebels",
        "HTS fighters",
        "unidentified gunmen",
        "Turkish-backed factions",
        "the SDF",
        "Daesh terrorists",
        "Army units, backed by allied forces,",
    ]
)
WHERE = st.sampled_from(
    [
        "Kafr Zita in northern Hama countryside",
        "Douma",
        "Saraqeb",
        "the eastern Ghouta",
        "Deir ez-Zor",
        "Ain al-Fijeh in Wadi Barada",
        "the same neighborhood",
        "Aleppo’s Salaheddin district",
        "دوما",
    ]
)
ACT = st.sampled_from(
    [
        "shelled",
        "struck",
        "clashed with residents of",
        "attacked",
        "dropped barrel bombs on",
        "abducted two men from",
        "denied shelling",
        "threatened to storm",
    ]
)
WHOM = st.sampled_from(["civilians", "fighters", "children", "people", "soldiers"])


def _case(text: str, how: str) -> str:
    return {"upper": text.upper(), "title": text.title(), "capital": text.capitalize()}.get(
        how, text
    )


@st.composite
def sentence(draw: st.DrawFn) -> str:
    when = _case(draw(WHEN), draw(st.sampled_from(["upper", "title", "capital", "as is"])))
    body = f"{draw(WHO)} {draw(ACT)} {draw(WHERE)}, killing {draw(COUNT)} {draw(WHOM)}"
    if draw(st.booleans()):
        return f"{when} {body}."
    return f"{body[0].upper()}{body[1:]} {when}."


# Each a way real text differs from clean prose: the spaces and marks of pasted pages.
MUTATIONS = (
    lambda t: t.replace(". ", "."),  # no space after a full stop
    lambda t: t.replace(".", ".."),
    lambda t: t.replace(", ", " — "),
    lambda t: t.replace("-", "–"),
    lambda t: t.replace("-", "\u2011"),  # a non-breaking hyphen
    lambda t: t.replace(" ", "\u00a0"),
    lambda t: t.replace("’", "'").replace(" ", " ‘", 1) + "”",
    lambda t: f"“{t}”",
    lambda t: t.replace(".", ".\n\n   \n"),  # empty and blank lines
    lambda t: t.replace(",", " ,"),
    lambda t: t.replace(" ", "  "),
    lambda t: t.replace(".", "…"),
    lambda t: t.replace(".", ""),  # no full stops at all
    lambda t: t.lower(),
)


@st.composite
def text(draw: st.DrawFn) -> str:
    parts = draw(st.lists(sentence(), min_size=1, max_size=6))
    joined = " ".join(parts)
    for k in draw(st.lists(st.integers(0, len(MUTATIONS) - 1), max_size=4)):
        joined = MUTATIONS[k](joined)
    return joined


@st.composite
def long_sentence(draw: st.DrawFn) -> str:
    """One sentence of 5,000 characters or more: clauses joined by commas and "and"."""
    clauses = draw(st.lists(sentence(), min_size=3, max_size=6))
    clauses = [c.rstrip(".") for c in clauses]
    joined = ", and ".join(clauses)
    while len(joined) < 5_000:
        joined = f"{joined}, and {joined}"
    return joined + "."


PUBLISHED = st.none() | st.dates(date(2011, 1, 1), date(2030, 12, 31))
RECEIVED = st.none() | st.dates(date(2011, 1, 1), date(2030, 12, 31))


def assert_reads_cleanly(raw: str, published: date | None, received: date | None) -> None:
    """Extraction does not raise, and every report has a valid date."""
    doc = extract(raw, TextMeta(label="fuzz", published=published, received=received), RESOURCES)
    for report in doc.reports:
        assert Report.parse(report.to_plain()) == report
        assert report.date_start <= report.date_end
        assert EARLIEST_YEAR <= report.date_start.year <= report.date_end.year <= LATEST_YEAR
        if report.date_precision is DatePrecision.DAY:
            assert report.date_start == report.date_end
        if report.date_precision is DatePrecision.UNKNOWN:
            # Only a relative date with nothing to count from, on the day received, flagged.
            assert doc.published is None
            assert report.date_start == report.date_end == received
            assert REVIEW_DATE_UNKNOWN in report.tags
        else:
            assert REVIEW_DATE_UNKNOWN not in report.tags
        for span in report.spans.values():
            assert 0 <= span.start <= span.end <= len(report.notes or "")


@PROPERTY
@given(raw=text(), published=PUBLISHED, received=RECEIVED)
def test_mutated_sentences_are_read_without_raising(
    raw: str, published: date | None, received: date | None
) -> None:
    assert_reads_cleanly(raw, published, received)


@PROPERTY
@given(
    lines=st.lists(text() | st.sampled_from(["", "   ", "\t", "—", "..", "“”"]), max_size=8),
    published=PUBLISHED,
    received=RECEIVED,
)
def test_paragraphs_with_empty_lines_are_read_without_raising(
    lines: list[str], published: date | None, received: date | None
) -> None:
    assert_reads_cleanly("\n".join(lines), published, received)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=long_sentence(), published=PUBLISHED, received=RECEIVED)
def test_a_very_long_sentence_is_read_without_raising(
    raw: str, published: date | None, received: date | None
) -> None:
    assert len(raw) >= 5_000
    assert_reads_cleanly(raw, published, received)


def test_the_sentence_that_stopped_a_batch_gives_its_report() -> None:
    raw = (
        "Regime forces shelled Kafr Zita on Monday, killing three civilians. Two days ago the "
        "same neighborhood was shelled."
    )
    assert_reads_cleanly(raw, date(2017, 1, 10), None)
    doc = extract(raw, TextMeta(label="t", published=date(2017, 1, 10)), RESOURCES)
    assert [r.date_start for r in doc.reports][:1] == [date(2017, 1, 9)]
