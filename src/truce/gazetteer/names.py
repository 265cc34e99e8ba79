"""Finding place names in text: an Aho-Corasick automaton over spelling keys, then a bounded
fuzzy match for what it misses.

Every name of every place is reduced to its spelling key (`spelling.py`). A text's words are
reduced the same way and joined into one string, so one pass of the automaton finds every
name in it, however many names there are: a place list thirty times longer costs the same per
text. Names the key does not merge (Tamer against Tamr) are tried against near keys with a
ratio that must rise as names get shorter: a one-letter slip in a long name is a spelling, in a
short one it is another word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick
from rapidfuzz.fuzz import ratio

from truce.gazetteer.spelling import letters, name_key, word_key
from truce.text import Token

T = TypeVar("T")

# Fuzzy matching starts at this many letters (spaces aside); below it only exact keys count.
FUZZY_MIN_LETTERS = 5
# Longest name, in words, the fuzzy match tries (the automaton has no such limit).
FUZZY_MAX_WORDS = 4
# Words that may sit inside one name: spaces and hyphens ("Deir ez-Zor"), not commas or stops.
_JOINER = re.compile(r"[ \t\u00a0\-\u2010\u2011]*")
_VOWELS = str.maketrans("", "", "aeiouy ")


def fuzzy_threshold(size: int) -> float | None:
    """The ratio (0-100) a fuzzy match of a `size`-letter name needs; None: no fuzzy match.

    95 at 5 letters (one slip in five is too much), falling by 1.25 a letter to 82 at 15.
    """
    if size < FUZZY_MIN_LETTERS:
        return None
    return max(82.0, 95.0 - 1.25 * (size - FUZZY_MIN_LETTERS))


def signature(key: str) -> str:
    """What a fuzzy candidate must share (give or take one letter): first letter and consonants.

    "tal tamir" and "tal tamr" both give "tltmr".
    """
    if not key:
        return key
    rest = key[1:].translate(_VOWELS)
    out = key[0]
    for ch in rest:
        if ch != out[-1]:
            out += ch
    return out


def _deletions(sig: str) -> set[str]:
    return {sig[:k] + sig[k + 1 :] for k in range(len(sig))}


@dataclass(frozen=True)
class Hit(Generic[T]):
    """A name found in a text: tokens [first, end), what it names, and how it was matched."""

    first: int
    end: int
    key: str
    values: tuple[T, ...]
    similarity: float = 1.0  # 1.0 for an exact key, the fuzzy ratio (0-1) otherwise

    @property
    def fuzzy(self) -> bool:
        return self.similarity < 1.0


class NameIndex(Generic[T]):
    """Every name of every value, by spelling key, with an automaton and a fuzzy index over it."""

    def __init__(self, entries: Iterable[tuple[str, T]]) -> None:
        self._values: dict[str, list[T]] = {}
        for name, value in entries:
            key = name_key(name)
            if not key:
                continue
            listed = self._values.setdefault(key, [])
            if value not in listed:
                listed.append(value)
        self._automaton = ahocorasick.Automaton()
        for key in self._values:
            self._automaton.add_word(f" {key} ", key)
        self._automaton.make_automaton()
        # Fuzzy blocks: a key is a candidate for a text whose signature is the key's, or one
        # letter longer or shorter, or one letter different.
        self._fuzzy_cache: dict[str, tuple[float, list[str]]] = {}
        self._by_signature: dict[str, list[str]] = {}
        self._by_deletion: dict[str, list[str]] = {}
        for key in self._values:
            if not key.isascii() or letters(key) < FUZZY_MIN_LETTERS:
                continue
            sig = signature(key)
            self._by_signature.setdefault(sig, []).append(key)
            if len(sig) >= 4:
                for shorter in _deletions(sig):
                    self._by_deletion.setdefault(shorter, []).append(key)

    def __len__(self) -> int:
        return len(self._values)

    def lookup(self, name: str) -> list[T]:
        return list(self._values.get(name_key(name), ()))

    def values_of(self, key: str) -> tuple[T, ...]:
        return tuple(self._values.get(key, ()))

    def exact(self, toks: list[Token], body: str) -> list[Hit[T]]:
        """Every name whose key the text holds, overlaps included, as token spans."""
        text, starts, ends = _joined(toks, body)
        hits = []
        for last, key in self._automaton.iter(text):
            # The match is " key " ending at `last`: its words start one past its first space.
            begin = last - len(key) - 1
            first, end = starts.get(begin + 1), ends.get(last)
            if first is not None and end is not None:
                hits.append(Hit(first, end, key, tuple(self._values[key])))
        return hits

    def fuzzy(self, key: str) -> tuple[float, list[str]]:
        """The nearest keys to `key` within its threshold, and their ratio (0-1); else (0, [])."""
        known = self._fuzzy_cache.get(key)
        if known is None:
            known = self._fuzzy(key)
            if len(self._fuzzy_cache) > 50_000:
                self._fuzzy_cache.clear()  # bounded: texts repeat their capitalised words
            self._fuzzy_cache[key] = known
        return known

    def _fuzzy(self, key: str) -> tuple[float, list[str]]:
        size = letters(key)
        threshold = fuzzy_threshold(size)
        if threshold is None or not key.isascii():
            return 0.0, []
        sig = signature(key)
        near: set[str] = set(self._by_signature.get(sig, ()))
        near.update(self._by_deletion.get(sig, ()))
        if len(sig) >= 5:
            for shorter in _deletions(sig):
                near.update(self._by_signature.get(shorter, ()))
                near.update(self._by_deletion.get(shorter, ()))
        best, keys = 0.0, list[str]()
        for other in near:
            needed = fuzzy_threshold(min(size, letters(other)))
            score = ratio(key, other)
            if needed is None or score < needed or score < best:
                continue
            if score > best:
                best, keys = score, []
            keys.append(other)
        return best / 100, sorted(keys)


def _joined(toks: list[Token], body: str) -> tuple[str, dict[int, int], dict[int, int]]:
    """The text's word keys as one string (" w1 w2 | w3 "), articles left out, "|" where a
    name cannot continue (punctuation, a line break); and where each token's key starts and
    ends in it."""
    parts = [" "]
    size = 1
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    previous_end: int | None = None
    for i, tok in enumerate(toks):
        if (
            previous_end is not None
            and (tok.start - previous_end != 1 or body[previous_end] not in " -")
            and not _JOINER.fullmatch(body, previous_end, tok.start)
        ):
            parts.append("| ")
            size += 2
        previous_end = tok.end
        if tok.key == "al":
            continue  # the article is not part of any key
        key = word_key(tok.key)
        if not key:
            continue
        starts[size] = i
        parts.append(key)
        size += len(key)
        ends[size] = i + 1
        parts.append(" ")
        size += 1
    return "".join(parts), starts, ends


def text_key(toks: list[Token], first: int, end: int) -> str:
    """The spelling key of tokens [first, end), as `name_key` gives for a name."""
    words = [word_key(t.key) for t in toks[first:end] if t.key != "al"]
    return " ".join(w for w in words if w)
