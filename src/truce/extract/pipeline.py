"""Stages and the pipeline that runs them, with its order checked before it runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from truce.domain.errors import TruceError
from truce.extract.doc import Doc

StageFunction = Callable[[Doc, Any], None]


class PipelineError(TruceError):
    """The pipeline is badly put together: a stage needs what nothing before it assigns."""


class StageFailed(TruceError):
    """A stage raised while reading a document. Names the stage so the failure can be found."""

    def __init__(self, stage: str, version: int, error: BaseException) -> None:
        super().__init__(f"stage {stage} v{version} failed: {type(error).__name__}: {error}")
        self.stage = stage
        self.version = version


@dataclass(frozen=True)
class Stage:
    """A named, versioned step over the carrier document, declaring what it needs and fills."""

    name: str
    version: int
    requires: frozenset[str]
    assigns: frozenset[str]
    run: StageFunction


def stage(
    name: str, version: int, *, requires: Sequence[str], assigns: Sequence[str]
) -> Callable[[StageFunction], Stage]:
    def wrap(function: StageFunction) -> Stage:
        return Stage(name, version, frozenset(requires), frozenset(assigns), function)

    return wrap


class Pipeline:
    def __init__(self, stages: Sequence[Stage]) -> None:
        self.stages = tuple(stages)
        check_order(self.stages)

    @property
    def version(self) -> str:
        """One string naming every stage and its version, kept with each report."""
        return ",".join(f"{s.name}@{s.version}" for s in self.stages)

    def run(self, doc: Doc, resources: Any) -> Doc:
        doc.cache["pipeline"] = self.version  # kept with every report, so re-runs can be told apart
        for step in self.stages:
            try:
                step.run(doc, resources)
            except TruceError:
                raise
            except Exception as exc:  # a bug or bad input inside one stage: name the stage
                raise StageFailed(step.name, step.version, exc) from exc
            doc.assigned |= step.assigns
        return doc


def check_order(stages: Sequence[Stage]) -> None:
    available = {"raw", "meta"}
    names: set[str] = set()
    for step in stages:
        if step.name in names:
            raise PipelineError(f"stage {step.name!r} appears twice")
        names.add(step.name)
        missing = step.requires - available
        if missing:
            raise PipelineError(
                f"stage {step.name!r} requires {', '.join(sorted(missing))}, "
                "which no earlier stage assigns"
            )
        clash = step.assigns & (available - {"raw", "meta"})
        if clash:
            raise PipelineError(f"stage {step.name!r} assigns {', '.join(sorted(clash))} again")
        available |= step.assigns
