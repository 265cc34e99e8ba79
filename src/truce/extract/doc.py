"""The carrier document that stages read and fill in, and the records they put on it."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from truce.domain.documents import TextMeta
from truce.domain.vocab import DatePrecision


@dataclass(frozen=True)
class Match:
    """A resolved piece of text: what it means, how sure we are, and where it is."""

    start: int
    end: int
    value: Any
    score: float
    kind: str = ""


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    date_start: date
    date_end: date
    precision: DatePrecision
    score: float
    relative: bool = False


@dataclass
class Casualty:
    start: int
    end: int
    count: int
    outcome: str  # "killed" | "injured"
    group: str  # "civilians" | "fighters" | "unknown"
    vague: bool = False
    none_reported: bool = False


@dataclass
class Event:
    """One event found in the text, before it becomes a report."""

    sentences: list[int]
    trigger: Match
    event_type: str
    sub_event_type: str
    score: float
    territory: bool = False  # a change of control: the sub-type depends on who took it
    # 1, 2, ... for the second and later places of "shelled A and B": casualties go to the first.
    part: int = 0
    place: Match | None = None
    date: DateMatch | None = None
    perpetrators: list[Match] = field(default_factory=list)
    targets: list[Match] = field(default_factory=list)
    casualties: list[Casualty] = field(default_factory=list)
    weapons: list[Match] = field(default_factory=list)
    attribution: Match | None = None


@dataclass
class Doc:
    """The carrier: raw text and metadata in, every stage's findings added as it runs."""

    raw: str
    meta: TextMeta
    body: str = ""
    sentences: list[tuple[int, int]] = field(default_factory=list)
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    tokens: list[Any] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)  # work a stage does once per document
    dateline: Match | None = None
    published: date | None = None
    actors: list[Match] = field(default_factory=list)
    places: list[Match] = field(default_factory=list)
    dates: list[DateMatch] = field(default_factory=list)
    weapons: list[Match] = field(default_factory=list)
    casualties: list[Casualty] = field(default_factory=list)
    quotes: list[Match] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    dropped: list[tuple[Match, str]] = field(default_factory=list)  # non-events and why
    reports: list[Any] = field(default_factory=list)
    assigned: set[str] = field(default_factory=lambda: {"raw", "meta"})

    def sentence_of(self, offset: int) -> int:
        """The sentence holding `offset` (or the last one before it)."""
        index = bisect_right(self._starts(), offset) - 1
        return max(index, 0)

    def _starts(self) -> list[int]:
        starts = self.cache.get("sentence starts")
        if starts is None or len(starts) != len(self.sentences):
            starts = [start for start, _ in self.sentences]
            self.cache["sentence starts"] = starts
        return starts

    def in_sentence(self, items: list[Any], index: int) -> list[Any]:
        start, end = self.sentences[index]
        return [m for m in items if start <= m.start < end]
