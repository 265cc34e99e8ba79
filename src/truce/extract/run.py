"""Running the pipeline over texts: one, many in-process, or many on a Dask cluster."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from truce.domain.documents import TextMeta
from truce.domain.reports import Report
from truce.extract.doc import Doc
from truce.extract.registry import default_pipeline
from truce.extract.resources import Resources


def extract(text: str, meta: TextMeta, resources: Resources) -> Doc:
    """Run every stage over one text; the returned document carries the reports and reasons."""
    return default_pipeline().run(Doc(raw=text, meta=meta), resources)


def extract_reports(text: str, meta: TextMeta, resources: Resources) -> list[Report]:
    return list(extract(text, meta, resources).reports)


@cache
def _pipeline_version() -> str:
    return default_pipeline().version


def extract_many(items: Sequence[tuple[str, TextMeta]], resources: Resources) -> list[list[Report]]:
    return [extract_reports(text, meta, resources) for text, meta in items]
