"""Intake adapters: the kind of a document, its text encoding, and the texts inside it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from truce.domain.documents import TextMeta
from truce.domain.errors import InputRejected
from truce.intake.adapters import KINDS, Text, decode, detect_kind, read

INTAKE = Path(__file__).resolve().parents[2] / "fixtures" / "intake"
ARABIC = set("ابتثجحخدذرزسشصضطظعغفقكلمنهوي")


def _bytes(name: str) -> bytes:
    return (INTAKE / name).read_bytes()


def _read(name: str, kind: str | None = None, meta: TextMeta | None = None) -> list[Text]:
    content = _bytes(name)
    return read(
        content,
        kind=kind or detect_kind(content, name),
        label=name,
        meta=meta or TextMeta(label=name),
    )


# --- detect_kind ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "kind"),
    [
        ("page.html", "html"),
        ("page.HTM", "html"),
        ("feed.rss", "feed"),
        ("feed.atom", "feed"),
        ("feed.xml", "feed"),
        ("mail.eml", "email"),
        ("form.json", "json"),
        ("notes.txt", "text"),
        ("notes.md", "text"),
    ],
)
def test_kind_from_the_file_name(filename: str, kind: str) -> None:
    assert detect_kind(b"anything", filename) == kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("article.html", "html"),
        ("feed.rss", "feed"),
        ("feed.atom", "feed"),
        ("report.eml", "email"),
        ("submission.json", "json"),
        ("english-utf8.txt", "text"),
        ("arabic-utf8-bom.txt", "text"),
    ],
)
def test_kind_from_the_content_when_the_name_says_nothing(name: str, kind: str) -> None:
    assert detect_kind(_bytes(name)) == kind
    assert detect_kind(_bytes(name), "upload.bin") == kind


def test_the_name_wins_over_the_content() -> None:
    assert detect_kind(_bytes("article.html"), "page.txt") == "text"


def test_content_sniffing_skips_a_byte_order_mark() -> None:
    assert detect_kind(b"\xef\xbb\xbf<!DOCTYPE html><html><body>x</body></html>") == "html"
    assert detect_kind(b'\xef\xbb\xbf{"text": "x"}') == "json"


def test_every_detected_kind_has_an_adapter() -> None:
    for name in INTAKE.iterdir():
        if name.is_file():
            assert detect_kind(name.read_bytes(), name.name) in KINDS


# --- decode ---------------------------------------------------------------------------------------


def test_utf8_without_a_bom() -> None:
    text, encoding = decode(_bytes("english-utf8.txt"), "english-utf8.txt")
    assert encoding == "utf-8"
    assert text.startswith("Monitor report")
    assert "couldn’t" in text


def test_utf8_with_a_bom_loses_the_bom() -> None:
    text, encoding = decode(_bytes("arabic-utf8-bom.txt"), "arabic-utf8-bom.txt")
    assert encoding == "utf-8"
    assert not text.startswith("\ufeff")
    assert "درعا" in text


def test_windows_1256_arabic_is_detected() -> None:
    content = _bytes("arabic-cp1256.txt")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    text, encoding = decode(content, "arabic-cp1256.txt")
    assert encoding.replace("-", "").replace("_", "").lower() in {"cp1256", "windows1256"}
    assert "دوما" in text
    assert len(ARABIC & set(text)) > 10
    assert text == content.decode("cp1256")


@pytest.mark.parametrize(("name", "message"), [("empty.txt", "is empty"), ("binary.bin", "binary")])
def test_empty_and_binary_input_is_rejected_naming_the_file(name: str, message: str) -> None:
    with pytest.raises(InputRejected, match=message) as caught:
        decode(_bytes(name), name)
    assert name in str(caught.value)
    with pytest.raises(InputRejected, match=name):
        _read(name, kind="text")


def test_white_space_only_text_is_rejected() -> None:
    with pytest.raises(InputRejected, match=r"blank\.txt"):
        read(b" \n\t\n", kind="text", label="blank.txt", meta=TextMeta())


# --- read: plain text -----------------------------------------------------------------------------


def test_plain_text_is_one_text_with_the_given_meta() -> None:
    meta = TextMeta(label="english-utf8.txt", published=date(2017, 2, 2), publisher="UN team")
    (text,) = _read("english-utf8.txt", meta=meta)
    assert text.meta == meta
    assert text.part == ""
    assert "Harasta bridge" in text.text


def test_cp1256_text_is_read_as_arabic() -> None:
    (text,) = _read("arabic-cp1256.txt")
    assert "دوما" in text.text


# --- read: HTML -----------------------------------------------------------------------------------


def test_html_gives_the_article_without_page_chrome() -> None:
    (text,) = _read("article.html")
    body = text.text
    assert body.startswith("Mortar fire and air strikes hit the villages of Ain al-Fijeh")
    assert "Talks between the government and the opposition are due to resume" in body
    for chrome in (
        "We use cookies",
        "cookie policy",
        "Accept all",
        "Manage preferences",
        "Sign up for our daily briefing",
        "Share on Facebook",
        "All rights reserved",
        "Privacy policy",
        "Advertisement",
        "Related stories",
        "Photo: AFP",
    ):
        assert chrome not in body, chrome
    assert "&amp;" not in body and "&rsquo;" not in body and "<p>" not in body


def test_html_metadata_title_date_and_site() -> None:
    (text,) = _read("article.html")
    assert text.meta.title == "Monitors log shelling in Wadi Barada as Astana talks close"
    assert text.meta.published == date(2017, 1, 24)
    assert text.meta.publisher == "The Levant Courier"
    assert text.meta.url and text.meta.url.endswith("wadi-barada-shelling-astana")


def test_html_meta_given_by_the_user_wins() -> None:
    meta = TextMeta(label="a", published=date(2017, 1, 25), publisher="Monitor desk")
    (text,) = _read("article.html", meta=meta)
    assert (text.meta.published, text.meta.publisher) == (date(2017, 1, 25), "Monitor desk")
    assert text.meta.title == "Monitors log shelling in Wadi Barada as Astana talks close"


def test_html_without_an_article_is_rejected() -> None:
    with pytest.raises(InputRejected, match=r"empty\.html"):
        read(
            b"<html><head><title>T</title></head><body><script>x()</script></body></html>",
            kind="html",
            label="empty.html",
            meta=TextMeta(),
        )


# --- read: feeds ----------------------------------------------------------------------------------


def test_rss_gives_one_text_per_entry_with_its_own_date_and_title() -> None:
    texts = _read("feed.rss")
    assert len(texts) == 4
    assert [t.part for t in texts] == ["entry-1", "entry-2", "entry-3", "entry-4"]
    assert [t.meta.published for t in texts] == [
        date(2017, 1, 24),
        date(2017, 1, 24),
        date(2017, 1, 23),
        date(2017, 1, 23),
    ]
    assert texts[0].meta.title == "Monitors log shelling in Wadi Barada as Astana talks close"
    assert texts[3].meta.title == "Rebel factions clash near Idlib town of Saraqeb"
    assert all(t.meta.publisher == "The Levant Courier - Syria" for t in texts)
    assert len({t.meta.url for t in texts}) == 4
    assert texts[0].text.startswith(texts[0].meta.title + "\n")
    assert "Two fighters and one civilian were reported killed." in texts[0].text
    assert all("<p>" not in t.text and "&amp;" not in t.text for t in texts)
    assert "Russia, Iran & Turkey" in texts[0].text


def test_atom_gives_one_text_per_entry() -> None:
    texts = _read("feed.atom")
    assert len(texts) == 3
    assert [t.meta.published for t in texts] == [
        date(2017, 2, 14),
        date(2017, 2, 12),
        date(2017, 2, 10),
    ]
    assert [t.meta.title for t in texts] == [
        "Second day of fighting in Daraa al-Balad",
        "Rebels open offensive on Manshiyeh",
        "Quiet night on the Quneitra line",
    ]
    assert all(t.meta.publisher == "Southern Syria Monitor" for t in texts)
    # The second entry has full content, not just a summary: both paragraphs come through.
    assert "closure of the road to Tafas" in texts[1].text


def test_a_feed_that_cannot_be_read_is_rejected() -> None:
    with pytest.raises(InputRejected, match=r"broken\.rss"):
        read(b"<rss><channel><item><title>x", kind="feed", label="broken.rss", meta=TextMeta())


# --- read: e-mail ---------------------------------------------------------------------------------


def test_email_gives_the_body_and_each_text_attachment() -> None:
    texts = _read("report.eml")
    assert [t.part for t in texts] == [
        "body",
        "attachment:incident-notes.txt",
        "attachment:statement.html",
    ]
    body, notes, statement = texts
    assert "Incident report MON-2017-0117 from the Idlib field team" in body.text
    assert body.meta.title and body.meta.title.startswith("Incident report MON-2017-0117")
    assert body.meta.published == date(2017, 1, 25)
    assert body.meta.publisher and "Samir Darwish" in body.meta.publisher
    assert notes.text.startswith("INCIDENT NOTES - MON-2017-0117")  # base64 decoded
    assert notes.meta.title == "incident-notes.txt"
    assert "farmer was wounded — thankfully" in statement.text  # quoted-printable, UTF-8
    assert "<p>" not in statement.text
    assert all(t.meta.published == date(2017, 1, 25) for t in texts)


def test_a_file_that_is_not_an_email_is_rejected() -> None:
    with pytest.raises(InputRejected, match=r"note\.eml"):
        read(b"just some words\n", kind="email", label="note.eml", meta=TextMeta())


# --- read: JSON submissions -----------------------------------------------------------------------


def test_json_submission_gives_text_date_and_source() -> None:
    (text,) = _read("submission.json")
    data = json.loads(_bytes("submission.json"))
    assert text.text == data["text"]
    assert text.meta.published == date(2017, 2, 3)
    assert text.meta.publisher == "Jaish al-Islam media office"
    assert text.meta.title == data["title"]
    assert text.meta.language == "en"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"title": "no text here"}', "non-empty 'text'"),
        (b'{"text": "   "}', "non-empty 'text'"),
        (b'{"text": 42}', "non-empty 'text'"),
        (b'["a list"]', "non-empty 'text'"),
        (b'{"text": "Shelling hit Douma.", "published": "last Tuesday"}', "not a date"),
        (b'{"text": ', "not JSON"),
    ],
)
def test_bad_json_submissions_are_rejected_naming_the_file(content: bytes, message: str) -> None:
    with pytest.raises(InputRejected, match=message) as caught:
        read(content, kind="json", label="form.json", meta=TextMeta())
    assert "form.json" in str(caught.value)


def test_an_unknown_kind_is_rejected() -> None:
    with pytest.raises(InputRejected, match="unknown document kind 'pdf'"):
        read(b"%PDF-1.4", kind="pdf", label="x.pdf", meta=TextMeta())
