"""The comparison levels of fusion's match weight, each defined once: its name, its weight, and
the test a pair of reports must pass to fall into it.

Fellegi-Sunter: each field comparison falls into a level, and each level carries a weight:
log2 of how much likelier that level is between two reports of one event than between two
reports of different events that blocking still put side by side. The weights were estimated
on simulated reports (bench/fuse_sim.py, seed 1, not the benchmark's seed) and then bounded
by judgement: no single field may veto or force a match on its own beyond ±6 bits, except a
word-for-word copy; and levels the simulator never produces for one event (casualty figures
far apart, a different kind of event) keep a moderate penalty, because real sources disagree
more than simulated ones.

A field's levels are tried in order and the first whose test holds is the pair's level. The
tests are written over arrays of facts about many pairs at once (`prune.py` works the facts
out), and a single pair is scored as a batch of one, so that the batch and a pair can never
disagree. Days apart or far apart is never one event, whatever else agrees: a pair that fits
no time or place level scores `NEVER` and is not looked at further.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

Mask = NDArray[np.bool_]
F = TypeVar("F")

NEVER = -100.0
THRESHOLD = 4.0  # bits: above it, two reports are taken for one event (chosen on seed 1)

WEEK = 7  # a report dated more vaguely than this says little about which event it was
SAME_POINT_KM = 0.5
CLOSE_KM = 5.0  # beyond both reports' reach: gazetteers place one town a few km apart
NEARBY_KM = 10.0  # and beyond this, two places
WIDE_KM = 25.0  # a reach wider than this is a district, a governorate or more
MIN_REACH_KM = 2.0
COPY_OVERLAP = 0.8  # word overlap (Jaccard) from which one text is a copy of the other
CIVILIANS = "civilians"


@dataclass(frozen=True, slots=True)
class Level(Generic[F]):
    name: str
    weight: float  # bits
    when: Callable[[F], Mask] | None  # None: every pair that reaches this level


@dataclass(frozen=True, slots=True)
class Field(Generic[F]):
    name: str
    levels: tuple[Level[F], ...]
    never: str | None = None  # the name for a pair no level fits: then it is never one event

    def __post_init__(self) -> None:
        open_ended = [k for k, level in enumerate(self.levels) if level.when is None]
        if open_ended not in ([], [len(self.levels) - 1]) or bool(open_ended) == bool(self.never):
            raise ValueError(f"{self.name}: end with a level for every pair, or name `never`")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(level.name for level in self.levels)


# --- the facts the tests read, one array entry per pair ------------------------------------------


@dataclass(frozen=True, slots=True)
class TimeFacts:
    gap: NDArray[np.int64]  # days between the two date ranges, 0 when they overlap
    span: NDArray[np.int64]  # the longer of the two ranges, in days
    same_day: Mask  # both dated to one and the same day


@dataclass(frozen=True, slots=True)
class PlaceFacts:
    km: NDArray[np.float64]  # NaN when either report has no coordinates
    reach: NDArray[np.float64]  # the larger of the two location radii, at least MIN_REACH_KM
    same_name: Mask  # one place name, as a spelling-tolerant key


@dataclass(frozen=True, slots=True)
class KindFacts:
    same_sub: Mask
    same_family: Mask


@dataclass(frozen=True, slots=True)
class CasualtyFacts:
    known: Mask  # both give a figure
    equal: Mask
    spread: NDArray[np.float64]  # the difference over the larger figure


@dataclass(frozen=True, slots=True)
class ActorFacts:
    """For one role (perpetrator or target)."""

    known: Mask  # both reports name someone in the role
    same_actor: Mask  # they name one actor in common
    civilians: Mask  # both put civilians in the role
    same_side: Mask  # both name someone and put a side in common
    side_unknown: Mask  # one of them names someone of no known side
    counter_claim: Mask  # see `counter_claim` in prune.py


@dataclass(frozen=True, slots=True)
class TextFacts:
    tenths: NDArray[np.int8]  # word overlap in whole tenths
    copy: Mask  # word overlap of COPY_OVERLAP or more
    same_source: Mask  # one outlet (a coded data set counts as one)


# --- the levels -----------------------------------------------------------------------------------

TIME: Field[TimeFacts] = Field(
    "time",
    (
        Level("same day", 2.8, lambda t: t.same_day),
        Level("within a week", 0.9, lambda t: (t.gap == 0) & (t.span < WEEK)),
        Level("within a month", -1.6, lambda t: t.gap == 0),
        # Sources often date one event a day apart (night-time events, late reports).
        Level("a day apart", -0.7, lambda t: t.gap == 1),
        Level("two days apart", -3.0, lambda t: t.gap == 2),
    ),
    never="days apart",
)

PLACE: Field[PlaceFacts] = Field(
    "place",
    (
        Level("unlocated", -0.6, lambda p: np.isnan(p.km)),
        Level("same point", 3.2, lambda p: (p.km <= SAME_POINT_KM) & (p.reach <= CLOSE_KM)),
        # One town, placed a little apart by two gazetteers.
        Level(
            "same town",
            3.2,
            lambda p: p.same_name & (p.reach <= CLOSE_KM) & (p.km <= p.reach + CLOSE_KM),
        ),
        Level("within reach", 0.7, lambda p: (p.km <= p.reach) & (p.reach <= WIDE_KM)),
        Level("within a wide reach", -0.6, lambda p: p.km <= p.reach),
        Level("close by", -1.5, lambda p: p.km <= p.reach + CLOSE_KM),
        Level("nearby", -4.0, lambda p: p.km <= p.reach + NEARBY_KM),
    ),
    never="far apart",
)

KIND: Field[KindFacts] = Field(
    "kind",
    (
        Level("same sub-type", 0.4, lambda k: k.same_sub),
        Level("same type", -0.9, lambda k: k.same_family),
        Level("other type", -6.0, None),
    ),
)


def _actor_field(name: str, weights: dict[str, float]) -> Field[ActorFacts]:
    """Perpetrators and targets fall into the same levels, weighed differently. Sides blame
    each other for the same shelling: a disagreement on who did it weakens the match but does
    not rule it out."""
    return Field(
        name,
        (
            Level(
                "same civilians", weights["same civilians"], lambda a: a.same_actor & a.civilians
            ),
            Level("same actor", weights["same actor"], lambda a: a.same_actor),
            Level("same side", weights["same side"], lambda a: a.same_side),
            Level("unknown", 0.0, lambda a: ~a.known | a.side_unknown),
            Level("counter-claim", weights["counter-claim"], lambda a: a.counter_claim),
            Level("other side", weights["other side"], None),
        ),
    )


# A counter-claim: one side's own source blames the other side for what the other report lays
# at its door (and names other victims). Parties do this to each other all the time.
PERPETRATOR = _actor_field(
    "perpetrator",
    {
        "same civilians": 3.5,
        "same actor": 3.5,
        "same side": -2.0,
        "counter-claim": -0.5,
        "other side": -1.7,
    },
)
# Civilians are the commonest target: naming them in both says less than naming one armed group.
TARGET = _actor_field(
    "target",
    {
        "same civilians": 3.2,
        "same actor": 4.5,
        "same side": -2.0,
        "counter-claim": -2.0,
        "other side": -4.0,
    },
)

CASUALTIES: Field[CasualtyFacts] = Field(
    "casualties",
    (
        Level("unknown", 0.0, lambda c: ~c.known),
        Level("equal", 2.1, lambda c: c.equal),
        Level("close", 1.6, lambda c: c.spread <= 0.34),
        Level("apart", 0.1, lambda c: c.spread <= 0.67),
        Level("far apart", -2.0, None),
    ),
)

TEXT: Field[TextFacts] = Field(
    "text",
    (
        Level("a word-for-word copy", 8.0, lambda t: t.copy),
        Level("word overlap 0.6 or more", 6.0, lambda t: t.tenths >= 6),
        Level("word overlap 0.5 to 0.6", 4.4, lambda t: t.tenths == 5),
        Level("word overlap 0.4 to 0.5", 3.3, lambda t: t.tenths == 4),
        Level("word overlap 0.3 to 0.4", 2.5, lambda t: t.tenths == 3),
        Level("word overlap 0.2 to 0.3", 1.4, lambda t: t.tenths == 2),
        Level("word overlap 0.1 to 0.2", 0.4, lambda t: t.tenths == 1),
        Level("word overlap under 0.1", -1.4, None),
    ),
)

SOURCE: Field[TextFacts] = Field(
    "source",
    (
        # One outlet does not tell one event twice, unless syndicating it word for word.
        Level("same outlet", -6.0, lambda t: t.same_source & ~t.copy),
        Level("other outlets, or a copy", 0.0, None),
    ),
)

FIELDS = (TIME, PLACE, KIND, PERPETRATOR, TARGET, CASUALTIES, TEXT, SOURCE)
