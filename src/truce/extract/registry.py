"""Every extraction stage, registered here and only here, in the order they run."""

from __future__ import annotations

from truce.extract.assemble import assemble
from truce.extract.events import events
from truce.extract.pipeline import Pipeline, Stage
from truce.extract.roles import roles
from truce.extract.stages_entities import actors, casualties, dates, places, quotes, weapons
from truce.extract.stages_text import clean, dateline, published, split_sentences

STAGES: tuple[Stage, ...] = (
    clean,
    split_sentences,
    dateline,
    published,
    actors,
    places,
    dates,
    weapons,
    casualties,
    quotes,
    events,
    roles,
    assemble,
)


def default_pipeline() -> Pipeline:
    return Pipeline(STAGES)
