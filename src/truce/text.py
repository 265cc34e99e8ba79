"""Tokens, sentences and a phrase matcher: the text primitives every stage shares."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

T = TypeVar("T")

# A word: letters or digits (any script), with inner apostrophes ("Dar'a", "Ma'arrat").
# Combining marks (decomposed accents, Arabic short vowels) belong to their word.
_LETTERS = r"(?:[^\W_]|[\u0300-\u036f\u064b-\u065f\u0670])+"
_WORD = re.compile(_LETTERS + r"(?:['’‘ʿʾ`]" + _LETTERS + r")*")
_MARKS = re.compile(r"['’‘ʿʾ`]")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    key: str  # folded form used for matching
    upper: bool  # starts with a capital (Latin) or is in a script without case


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Case, accents and apostrophes folded; Arabic letter variants unified."""
    decomposed = unicodedata.normalize("NFKD", word)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _MARKS.sub("", plain.casefold())
    # Alef forms and taa marbuta vary between Arabic sources.
    return plain.translate(_ARABIC_FOLD)


_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})


# Transliterations of the Arabic article: "ash-Sham", "ez-Zor", "Ar Raqqah" are all "al".
_ARTICLES = {
    "al",
    "el",
    "ad",
    "ed",
    "adh",
    "ar",
    "er",
    "as",
    "es",
    "ash",
    "esh",
    "at",
    "et",
    "az",
    "ez",
    "an",
    "en",
    "ul",
}


def tokens(text: str) -> list[Token]:
    out = []
    for m in _WORD.finditer(text):
        word = m.group()
        end = m.end()
        if (word.lower() in _ARTICLES and text[end : end + 1] in ("-", "‑")) or (
            word in ("Al", "El", "Ar", "As", "Ash", "Ad", "Az", "At", "An")
            and text[end : end + 1] == " "
        ):
            out.append(Token(m.start(), end, "al", True))
            continue
        if len(word) > 2 and word[-2] in "'’" and word[-1] in "sS":
            word, end = word[:-2], end - 2  # possessive: "regime's" -> "regime"
        first = word[0]
        upper = first.isupper() or (first.isalpha() and not first.islower() and not first.isupper())
        out.append(Token(m.start(), end, fold(word), upper))
    return out


def phrase_key(phrase: str) -> tuple[str, ...]:
    """The token keys of a phrase, split and folded exactly as a text's are."""
    return tuple(t.key for t in tokens(phrase))


class PhraseMatcher(Generic[T]):
    """Longest-match lookup of many multi-word phrases over a token list.

    Built once from (phrase, value) pairs; matching is one dictionary probe per
    token, so thousands of aliases cost little per document. A `transform` maps
    every token key first (e.g. to a consonant skeleton for spelling variants).
    """

    def __init__(
        self, entries: Iterable[tuple[str, T]], transform: Callable[[str], str] | None = None
    ) -> None:
        self._transform = transform
        self._index: dict[str, list[tuple[tuple[str, ...], list[T]]]] = {}
        table: dict[tuple[str, ...], list[T]] = {}
        for phrase, value in entries:
            key = phrase_key(phrase)
            if transform is not None:
                key = tuple(transform(k) for k in key)
            if key and all(key):
                values = table.setdefault(key, [])
                if value not in values:
                    values.append(value)
        for key, values in table.items():
            self._index.setdefault(key[0], []).append((key, values))
        for candidates in self._index.values():
            candidates.sort(key=lambda kv: -len(kv[0]))

    def __len__(self) -> int:
        return sum(len(v) for v in self._index.values())

    def find(self, toks: list[Token]) -> Iterator[tuple[int, int, list[T]]]:
        """Yield (first token, end token, values) for the longest match at each position."""
        keys = (
            [t.key for t in toks]
            if self._transform is None
            else [self._transform(t.key) for t in toks]
        )
        i, n = 0, len(toks)
        while i < n:
            found = None
            for key, values in self._index.get(keys[i], ()):
                size = len(key)
                if i + size <= n and all(keys[i + k] == key[k] for k in range(1, size)):
                    found = (i, i + size, values)
                    break
            if found is None:
                i += 1
                continue
            yield found
            i = found[1]


_VOWELISH = str.maketrans("", "", "aeiouyw")


@lru_cache(maxsize=200_000)
def skeleton(key: str) -> str:
    """A spelling-tolerant key: first letter, then consonants without repeats.

    "shaykhun" and "sheikhun" both give "shkhn"; "douma" and "duma" give "dm".
    """
    if not key or not key.isascii():
        return key
    rest = key[1:].translate(_VOWELISH)
    out = key[0]
    for ch in rest:
        if ch != out[-1]:
            out += ch
    return out


_ABBREVIATIONS = {
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "mr",
    "mrs",
    "ms",
    "dr",
    "gen",
    "lt",
    "col",
    "maj",
    "sgt",
    "capt",
    "st",
    "no",
    "vs",
    "approx",
    "est",
    "u.s",
    "u.n",
    "e.g",
    "i.e",
    "a.m",
    "p.m",
    "inc",
    "co",
    "brig",
}
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*\s+|\n+")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans. Splits at end punctuation before a capital or digit, and at newlines."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if "\n" not in m.group():
            before = text[start : m.start()].rsplit(None, 1)
            word = before[-1].lower().rstrip(".") if before else ""
            following = text[end : end + 1]
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            if following and not (
                following.isupper() or following.isdigit() or following in "\"'“‘("
            ):
                continue
        stripped_end = m.start() + len(m.group().rstrip())
        if text[start:stripped_end].strip():
            spans.append(_trim(text, start, stripped_end))
        start = end
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraphs(text: str) -> list[tuple[int, int]]:
    spans, offset = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append(_trim(text, offset, offset + len(line)))
        offset += len(line) + 1
    return spans
