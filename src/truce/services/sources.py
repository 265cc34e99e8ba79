"""The sources Truce knows: their affiliation, kind and reliability, from the scenario."""

from __future__ import annotations

import functools

from truce import scenarios
from truce.assess.grading import SourceBook
from truce.domain.actors import normalise_name

SCENARIO = "astana-2016"  # the one scenario with a source list so far


@functools.cache
def source_book() -> SourceBook:
    scenario = scenarios.load(SCENARIO)
    return SourceBook(scenario.sources, scenario.source_aliases)


@functools.cache
def affiliations() -> dict[str, str]:
    """Each partisan source's side, under every name it goes by (normalised), for fusion."""
    scenario = scenarios.load(SCENARIO)
    aliases = scenario.source_aliases or {}
    return {
        normalise_name(name): source.affiliation
        for source in scenario.sources
        if source.affiliation
        for name in (source.name, *aliases.get(source.id, ()))
    }
