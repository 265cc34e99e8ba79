"""Running the pipeline over one text."""

from __future__ import annotations

from functools import cache

from truce.domain.documents import TextMeta
from truce.extract.doc import Doc
from truce.extract.pipeline import Pipeline
from truce.extract.registry import default_pipeline
from truce.extract.resources import Resources


@cache
def _pipeline() -> Pipeline:
    # Built and order-checked once per process, not once per text.
    return default_pipeline()


def extract(text: str, meta: TextMeta, resources: Resources) -> Doc:
    """Run every stage over one text; the returned document carries the reports and reasons."""
    return _pipeline().run(Doc(raw=text, meta=meta), resources)
