"""Cleaning: drop page clutter line by line, keep every sentence of the story.

Scraped pages carry the site's chrome into the text: advertisement markers,
photo captions (often printed twice), reading-time badges, text-to-speech
widgets, share and subscribe prompts, trust badges. Each rule below names one
kind of clutter; a line is dropped only when a rule says what it is, or when it
is a short fragment with no sentence in it.
"""

from __future__ import annotations

import re
from collections import Counter

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("advertisement", r"^(advertisement|advertising|sponsored( content)?|ad)$"),
        (
            "reading time",
            r"^(reading time\b.*|.{0,80}\b\d+\s*(min|mins|minutes?)\s*(read|listen)\b.*)$",
        ),
        (
            "text-to-speech",
            r"^(select voice|choose your listening speed|listen to this article.*|"
            r"get through articles \d+(\.\d+)?x faster|\d+(\.\d+)?x|\d+\s*wpm|"
            r"slow|average|fast|normal|play|pause|listen|audio)$",
        ),
        ("trust badge", r"^why you can trust\b.*$"),
        (
            "share or subscribe",
            r"^(share|tweet|email|e-mail|print|copy link|whatsapp|telegram|"
            r"share (this|on|via)\b.*|subscribe\b.*|sign up\b.*|follow us\b.*|"
            r"join (us|our)\b.*|get (our|the) .{0,40}newsletter.*|"
            r"download (our|the) app.*)$",
        ),
        (
            "link list",
            r"^(related( articles| stories| content)?|read more|more on this story|"
            r"recommended|see also|most read|trending)\s*:?.{0,120}$",
        ),
        (
            "cookie notice",
            r"^(we use cookies\b.*|.{0,80}\b(cookies?|privacy policy)\b.{0,120}"
            r"(accept|agree|consent|settings)\b.*)$",
        ),
        (
            "photo caption",
            r"^.{10,400}\b(photo|photograph|picture|image|credit|file photo)s?\s*(:|by)\s*"
            r"[^.]{1,60}\.?$",
        ),
        ("photo credit", r"^.{10,400}\((reuters|afp|ap|getty images|anadolu|sana|epa)\)\.?$"),
        ("navigation menu", r"^[^.!?|·]{1,30}(\s*[|·•]\s*[^.!?|·]{1,30}){2,}$"),
        ("copyright", r"^(©|copyright\b|\(c\) ?\d{4}).{0,150}$"),
        (
            "app or page widget",
            r"^(download on the app store|get it on google play|font size\b.*|report an? "
            r"(issue|error|typo)\b.*|video duration\b.*|watch live|live|more stories|"
            r"get an email whenever\b.*|our standards:.*|(source|sources|reporting|"
            r"additional reporting|editing|credit)s?:.{0,120})$",
        ),
        ("date line", r"^(\w+day,?\s+)?[^.!?]{0,60}\b(19|20)\d\d\b[^.!?]{0,40}$"),
        (
            "byline or timestamp",
            r"^((by|written by|reporting by|editing by)\s+[^.]{2,80}|"
            r"(published|updated|posted|last updated)\b.{0,80})$",
        ),
    )
)
_SENTENCE = re.compile(r"[.!?…:]\s*[\"'”’)]*$")
_MIN_WORDS = 5


def clutter_reason(line: str) -> str | None:
    """Why a line is clutter, or None if it may be part of the story."""
    text = line.strip()
    if not text:
        return "blank"
    for name, pattern in _RULES:
        if pattern.match(text):
            return name
    if len(text.split()) < _MIN_WORDS and not _SENTENCE.search(text):
        return "short fragment"  # section labels, agency names, widget buttons
    return None


def clean_lines(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The story's lines in order, and each dropped line with the reason."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    counts = Counter(line for line in lines if line)
    kept: list[str] = []
    dropped: list[tuple[str, str]] = []
    seen: set[str] = set()
    for line in lines:
        reason = clutter_reason(line)
        if reason is None and counts[line] > 1 and line in seen:
            reason = "repeated line"
        if reason is None:
            kept.append(line)
            seen.add(line)
        elif reason != "blank":
            dropped.append((line, reason))
    return kept, dropped


def clean_text(text: str) -> str:
    kept, _ = clean_lines(text)
    return "\n".join(kept)
