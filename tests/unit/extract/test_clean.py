"""Cleaning scraped pages: every clutter line goes, every sentence of the story stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from truce.extract.clean import clean_lines, clean_text, clutter_reason

ROOT = Path(__file__).resolve().parents[3]
CLUTTER = ROOT / "tests" / "fixtures" / "intake" / "clutter"
ARTICLE = ROOT.parent / "shared" / "inputs" / "astana-article.txt"
PAIRS = sorted(CLUTTER.glob("*.raw.txt"))


def _article() -> str:
    if not ARTICLE.exists():
        pytest.skip(f"the scraped example {ARTICLE} is absent")
    return ARTICLE.read_text("utf-8")


def _clean_of(raw: Path) -> Path:
    return raw.with_name(raw.name.replace(".raw.txt", ".clean.txt"))


# --- the scraped Astana article ------------------------------------------------------------

ASTANA_CLUTTER = [
    "Advertisement",
    "Reading Time",
    "Why you can trust",
    "Select Voice",
    "Choose your listening speed",
    "250 WPM",
    "1.25x",
    "Slow",
    "Average",
    "Fast",
]
ASTANA_STORY = [
    "Russia, Iran and Turkey presented",
    "They did not specify",
    "“It’s going to be",
    "Russia and Iran, President",
    "US State Department spokesman",
    "The US, busy with",
]


@pytest.mark.parametrize("clutter", ASTANA_CLUTTER)
def test_astana_article_loses_every_clutter_line(clutter: str) -> None:
    kept, dropped = clean_lines(_article())
    assert not [line for line in kept if line.startswith(clutter)], clutter
    assert any(line.startswith(clutter) for line, _ in dropped)


def test_astana_article_loses_both_copies_of_each_photo_caption() -> None:
    raw = _article()
    captions = [
        line.strip()
        for line in raw.splitlines()
        if line.strip().endswith(("Photo: AP", "Photo: AFP"))
    ]
    assert len(captions) == 3  # one single caption and one printed twice
    body = clean_text(raw)
    for caption in captions:
        assert caption not in body
    assert "From left, Turkish Foreign Ministry" not in body
    assert "This file photo taken on" not in body


@pytest.mark.parametrize("opening", ASTANA_STORY)
def test_astana_article_keeps_every_story_paragraph_whole(opening: str) -> None:
    raw = _article()
    paragraph = next(line.strip() for line in raw.splitlines() if line.startswith(opening))
    kept, _ = clean_lines(raw)
    assert paragraph in kept


def test_astana_story_paragraphs_keep_their_order() -> None:
    kept, _ = clean_lines(_article())
    positions = [next(i for i, line in enumerate(kept) if line.startswith(o)) for o in ASTANA_STORY]
    assert positions == sorted(positions)


def test_every_dropped_line_has_a_reason_and_no_line_is_lost_silently() -> None:
    raw = _article()
    kept, dropped = clean_lines(raw)
    assert all(isinstance(reason, str) and reason for _, reason in dropped)
    non_blank = [line.strip() for line in raw.splitlines() if line.strip()]
    assert len(kept) + len(dropped) == len(non_blank)


# --- the clutter fixtures: raw page and what a reader would keep ---------------------------


def test_there_are_clutter_fixture_pairs() -> None:
    assert len(PAIRS) >= 6
    assert all(_clean_of(raw).exists() for raw in PAIRS)


@pytest.mark.parametrize("raw", PAIRS, ids=lambda p: p.name.removesuffix(".raw.txt"))
def test_every_story_line_of_the_fixture_is_kept_in_order(raw: Path) -> None:
    expected = [
        line.strip() for line in _clean_of(raw).read_text("utf-8").splitlines() if line.strip()
    ]
    kept, _ = clean_lines(raw.read_text("utf-8"))
    # The story lines appear in the output, in the same order (headlines may also stay).
    cursor = 0
    for line in expected:
        assert line in kept[cursor:], f"{raw.name}: story line lost or out of order: {line[:60]!r}"
        cursor = kept.index(line, cursor) + 1


# Lines that match a clutter rule, per fixture: each must go.
FIXTURE_CLUTTER = {
    "arabic-outlet-english": [
        "This website uses cookies to improve your experience. By continuing to browse the site, "
        "you agree to our use of cookies. Learn more",
        "Follow us on Telegram",
        "Related: Opposition delegation arrives in Geneva for fifth round of talks",
        "Related: Qaboun residents describe life under bombardment",
        "Subscribe to our newsletter",
        "Subscribe",
        "Print",
    ],
    "blog-medium": [
        "5 min read",
        "Share",
        "Listen",
        "Members of a local council inspect a crater left by an air strike in Maarat al-Numan, "
        "Idlib province, in January 2017. "
        "Photograph: courtesy of the Maarat al-Numan local council",
        "Share on Facebook",
        "Share on Twitter",
        "Subscribe",
    ],
    "news-aggregator": [
        "Why you can trust NewsPulse",
        "Sign up for our daily briefing",
        "Share",
        "Tweet",
        "Sponsored",
        "Advertisement",
        "Related:",
        "Related: What the four Syrian safe zones mean for civilians",
        "Read more: Original article at Levant Wire",
        "Rastan, in the northern countryside of Homs province, seen from the Orontes bridge. "
        "Photo: AFP",
    ],
    "regional-daily": [
        "Advertisement",
        "ADVERTISEMENT",
        "Reading Time: 4 minutes",
        "Why you can trust The Gulf Courier",
        "Smoke rises over the Manshiyeh district of Daraa after an air strike on February 12, "
        "2017, in a picture taken from the opposition-held part of the city. Photo: AFP",
        "Select Voice",
        "Choose your listening speed",
        "Get through articles 2x faster",
        "1.5x",
        "200 WPM",
        "Slow",
        "Average",
        "Fast",
    ],
    "tv-channel": [
        "We use cookies to give you the best possible experience. Learn more about how we use "
        "cookies or edit your cookie preferences.",
        "Listen to this article",
        "Civil defence volunteers search for survivors at the site of an air strike in Saraqeb, "
        "Idlib province, Syria, April 27, 2017. (Reuters)",
        "Advertisement",
        "Read more: Russia proposes four safe zones for Syria ahead of Astana talks",
        "Share on Facebook",
        "Tweet",
    ],
    "wire-service": [
        "Share this article",
        "Tweet",
        "Email",
        "A repair crew from the Damascus water authority waits at an army checkpoint on the road "
        "to Ain al-Fijeh, northwest of Damascus, Syria, January 9, 2017. (Reuters)",
        "Advertisement",
        "Read more: Russia says Astana talks on Syria will open on January 23",
        "Read more: UN aid chief warns water cuts in Damascus could amount to a war crime",
    ],
}


@pytest.mark.parametrize(
    ("name", "line"),
    [(name, line) for name, lines in FIXTURE_CLUTTER.items() for line in lines],
    ids=lambda v: v[:40] if isinstance(v, str) else v,
)
def test_clutter_lines_of_each_fixture_are_dropped(name: str, line: str) -> None:
    raw = (CLUTTER / f"{name}.raw.txt").read_text("utf-8")
    assert line in [r.strip() for r in raw.splitlines()], "the fixture holds the line"
    kept, dropped = clean_lines(raw)
    assert line not in kept
    assert line in [d for d, _ in dropped]


def test_captions_printed_twice_lose_both_copies() -> None:
    for raw in PAIRS:
        lines = [line.strip() for line in raw.read_text("utf-8").splitlines() if line.strip()]
        twice = {line for line in lines if lines.count(line) == 2 and len(line.split()) > 12}
        kept, _ = clean_lines(raw.read_text("utf-8"))
        for caption in twice:
            assert caption not in kept, f"{raw.name}: {caption[:50]!r}"


@pytest.mark.parametrize(
    ("name", "sentence_start"),
    [
        ("blog-medium", "State television has been running what amounts to an advertisement"),
        ("news-aggregator", "The governor of Homs said in a statement"),  # "would not subscribe"
        ("wire-service", "A local negotiator said talks"),  # "refused to share control"
    ],
)
def test_story_sentences_with_clutter_words_are_kept(name: str, sentence_start: str) -> None:
    raw = (CLUTTER / f"{name}.raw.txt").read_text("utf-8")
    line = next(r.strip() for r in raw.splitlines() if r.startswith(sentence_start))
    assert any(word in line.lower() for word in ("advertisement", "subscribe", "share"))
    kept, _ = clean_lines(raw)
    assert line in kept


# --- clutter_reason -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Advertisement", "advertisement"),
        ("ADVERTISEMENT", "advertisement"),
        ("Reading Time:3 minutes", "reading time"),
        ("5 min read", "reading time"),
        ("Select Voice", "text-to-speech"),
        ("Choose your listening speed", "text-to-speech"),
        ("250 WPM", "text-to-speech"),
        ("1.25x", "text-to-speech"),
        ("Why you can trust SCMP", "trust badge"),
        ("Share this article", "share or subscribe"),
        ("Subscribe to our newsletter", "share or subscribe"),
        ("Related: Talks resume in Geneva next month", "link list"),
        ("Read more: Aid convoy reaches Madaya", "link list"),
        (
            "We use cookies to improve your visit. By continuing you accept our cookie settings.",
            "cookie notice",
        ),
        ("A boy walks past rubble in Douma after an air strike. Photo: AFP", "photo caption"),
    ],
)
def test_clutter_reason_names_the_rule(line: str, reason: str) -> None:
    assert clutter_reason(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "Residents said they would share what little bread they had "
        "with families displaced from Wadi Barada.",
        "The council said it would not subscribe to any deal that forced people from their homes.",
        "A government advertisement on state television urged fighters to lay down their arms.",
        "Government shelling killed at least nine people in Douma on Monday, "
        "the civil defence said.",
    ],
)
def test_story_sentences_have_no_clutter_reason(line: str) -> None:
    assert clutter_reason(line) is None


def test_blank_and_short_fragments_are_named_too() -> None:
    assert clutter_reason("   ") == "blank"
    reason = clutter_reason("Middle East")
    assert isinstance(reason, str) and reason


def test_a_repeated_story_line_is_kept_once() -> None:
    line = (
        "Shelling hit the market in Saraqeb on Thursday, residents said, and two people were hurt."
    )
    kept, dropped = clean_lines(f"{line}\n\n{line}\n")
    assert kept == [line]
    assert [reason for _, reason in dropped] == ["repeated line"]


def test_windows_and_old_mac_line_endings_are_read_as_lines() -> None:
    story = (
        "Shelling hit the market in Saraqeb on Thursday, residents said, and two people were hurt."
    )
    assert clean_text(f"Advertisement\r\n{story}\rSelect Voice\r\n") == story
