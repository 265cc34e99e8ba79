"""Turning received bytes into texts: plain text, HTML, RSS/Atom, e-mail, JSON submissions.

Each adapter takes the bytes exactly as stored and returns one or more texts
with what is known about them (title, publication date, site). A feed gives
one text per entry, an e-mail one for its body and one per attachment.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from itertools import accumulate
from pathlib import PurePath
from typing import Any

from charset_normalizer import from_bytes

from truce.domain.documents import TextMeta
from truce.domain.errors import InputRejected

KINDS = ("text", "html", "feed", "email", "json")
# A submission is an object of strings, two levels deep. The JSON decoder recurses once per
# level, so 100,000 nested arrays would exhaust Python's stack: refuse beyond this, by name.
MAX_JSON_DEPTH = 64


@dataclass(frozen=True)
class Text:
    """One text found in a document, and where in the document it was."""

    text: str
    meta: TextMeta
    part: str = ""  # "", "entry-2", "attachment:notes.txt"


def detect_kind(content: bytes, filename: str | None = None) -> str:
    """Guess the adapter from the name first, then from the bytes."""
    suffix = PurePath(filename or "").suffix.lower()
    by_suffix = {
        ".html": "html",
        ".htm": "html",
        ".xhtml": "html",
        ".rss": "feed",
        ".atom": "feed",
        ".xml": "feed",
        ".eml": "email",
        ".json": "json",
        ".txt": "text",
        ".md": "text",
    }
    if suffix in by_suffix:
        return by_suffix[suffix]
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    if head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head:
        return "feed"
    if re.match(rb"^(from|return-path|received|mime-version|date|subject|to|message-id):", head):
        return "email"
    if head.startswith(b"{"):
        return "json"
    return "text"


def decode(content: bytes, label: str) -> tuple[str, str]:
    """Text and its encoding: UTF-8 (with or without BOM) first, else detected (e.g.
    windows-1256)."""
    if not content:
        raise InputRejected(f"{label} is empty")
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputRejected(f"{label} looks binary (it contains NUL bytes), not text")
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(content).best()
    if best is None or best.encoding is None:
        raise InputRejected(f"{label}: cannot tell the text encoding; save it as UTF-8")
    return str(best), best.encoding


def read(content: bytes, *, kind: str, label: str, meta: TextMeta) -> list[Text]:
    """All texts in a document. Raises InputRejected with the file and reason on bad input."""
    adapters = {"text": _plain, "html": _html, "feed": _feed, "email": _email, "json": _json}
    if kind not in adapters:
        raise InputRejected(f"unknown document kind {kind!r}; use one of {', '.join(KINDS)}")
    try:
        texts = adapters[kind](content, label, meta)
    except RecursionError:
        # The readers of e-mail (nested multiparts) and others recurse per level of nesting;
        # no legitimate report nests that deep.
        raise InputRejected(f"{label}: this {kind} document is nested too deeply to read") from None
    if not texts:
        raise InputRejected(f"{label}: no text found in this {kind} document")
    return texts


def _plain(content: bytes, label: str, meta: TextMeta) -> list[Text]:
    text, _ = decode(content, label)
    if not text.strip():
        raise InputRejected(f"{label} holds only white space")
    return [Text(text, meta)]


def _html(content: bytes, label: str, meta: TextMeta) -> list[Text]:
    import trafilatura

    html, _ = decode(content, label)
    body = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=True
    )
    if not body or len(body.split()) < 5:
        raise InputRejected(f"{label}: no article text found in the HTML page")
    info = trafilatura.extract_metadata(html)
    published = _date(info.date) if info is not None else None
    return [
        Text(
            body,
            replace(
                meta,
                title=meta.title or (info.title if info else None),
                published=meta.published or published,
                publisher=meta.publisher or (info.sitename if info else None),
                url=meta.url or (info.url if info else None),
            ),
        )
    ]


def _feed(content: bytes, label: str, meta: TextMeta) -> list[Text]:
    import feedparser

    parsed = feedparser.parse(content)
    if parsed.bozo and not parsed.entries:
        raise InputRejected(f"{label}: not a readable RSS or Atom feed ({parsed.bozo_exception})")
    site = parsed.feed.get("title")
    texts = []
    for number, entry in enumerate(parsed.entries, start=1):
        html = ""
        if entry.get("content"):
            html = entry.content[0].get("value", "")
        html = html or entry.get("summary", "")
        body = _strip_tags(html)
        title = entry.get("title")
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = date(*stamp[:3]) if stamp else None
        text = "\n".join(part for part in (title, body) if part)
        if text.strip():
            texts.append(
                Text(
                    text,
                    replace(
                        meta,
                        title=title,
                        published=meta.published or published,
                        publisher=meta.publisher or site,
                        url=entry.get("link"),
                    ),
                    part=f"entry-{number}",
                )
            )
    return texts


def _email(content: bytes, label: str, meta: TextMeta) -> list[Text]:
    message = email.message_from_bytes(content, policy=email.policy.default)
    if not isinstance(message, EmailMessage) or not (message.get("From") or message.get("Subject")):
        raise InputRejected(f"{label}: not an e-mail message (no From or Subject header)")
    sent = None
    if message.get("Date"):
        try:
            sent = parsedate_to_datetime(str(message["Date"])).date()
        except (TypeError, ValueError):
            sent = None
    subject = str(message.get("Subject") or "") or None
    base = replace(
        meta,
        title=subject,
        published=meta.published or sent,
        publisher=meta.publisher or str(message.get("From") or "") or None,
    )
    texts = []
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        texts.append(Text(_part_text(body), base, part="body"))
    for attachment in message.iter_attachments():
        name = attachment.get_filename() or "attachment"
        kind = attachment.get_content_type()
        if kind.startswith("text/") or name.endswith((".txt", ".html", ".htm")):
            texts.append(
                Text(_part_text(attachment), replace(base, title=name), part=f"attachment:{name}")
            )
    return [t for t in texts if t.text.strip()]


def _part_text(part: Any) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        text = payload.decode(charset)
    except (LookupError, UnicodeDecodeError):
        text = payload.decode("utf-8", errors="replace")
    return _strip_tags(text) if part.get_content_type() == "text/html" else text


def _json(content: bytes, label: str, meta: TextMeta) -> list[Text]:
    text, _ = decode(content, label)
    opened = text.count("[") + text.count("{")
    depth = json_depth(text) if opened > MAX_JSON_DEPTH else opened
    if depth > MAX_JSON_DEPTH:
        raise InputRejected(
            f"{label}: JSON nested {depth} levels deep; the limit is {MAX_JSON_DEPTH}"
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputRejected(f"{label}: not JSON ({exc.msg} at line {exc.lineno})") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("text"), str)
        or not data["text"].strip()
    ):
        raise InputRejected(f"{label}: a JSON submission needs a non-empty 'text' string")
    published = _date(str(data["published"])) if data.get("published") else None
    if data.get("published") and published is None:
        raise InputRejected(f"{label}: 'published' is not a date: {data['published']!r}")
    return [
        Text(
            data["text"],
            replace(
                meta,
                title=data.get("title") or meta.title,
                published=meta.published or published,
                publisher=data.get("source") or meta.publisher,
                url=data.get("url") or meta.url,
                language=data.get("language") or meta.language,
            ),
        )
    ]


# A JSON string (unrolled, so that one long string is matched in linear time), and a bracket.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text, counted without recursing (brackets
    inside strings do not count; a malformed text gets some count and fails to parse later)."""
    brackets = _BRACKET.findall(_JSON_STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None


_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"</?(p|div|br|li|h[1-6]|tr|blockquote)[^>]*>", re.IGNORECASE)


def _strip_tags(html: str) -> str:
    import html as html_lib

    text = _BLOCK.sub("\n", html)
    text = _TAG.sub("", text)
    text = html_lib.unescape(text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
