"""The stage registry and the pipeline: declared order, checked before it runs, failures named."""

from __future__ import annotations

from typing import Any

import pytest

from truce.domain.documents import TextMeta
from truce.domain.errors import TruceError
from truce.extract.doc import Doc
from truce.extract.pipeline import Pipeline, PipelineError, Stage, StageFailed, stage
from truce.extract.registry import STAGES, default_pipeline


def _noop(doc: Doc, resources: Any) -> None:
    return None


def test_every_registered_stage_is_named_versioned_and_declared() -> None:
    assert len(STAGES) >= 5
    for step in STAGES:
        assert isinstance(step, Stage)
        assert step.name and step.name.strip() == step.name
        assert isinstance(step.version, int) and step.version >= 1
        assert isinstance(step.requires, frozenset) and step.requires
        assert isinstance(step.assigns, frozenset) and step.assigns
        assert callable(step.run)


def test_stage_names_and_assigned_fields_are_unique() -> None:
    names = [s.name for s in STAGES]
    assert len(names) == len(set(names))
    assigned = [field for s in STAGES for field in s.assigns]
    assert len(assigned) == len(set(assigned))


def test_the_registered_order_is_valid_and_ends_with_reports() -> None:
    pipeline = Pipeline(STAGES)
    assert pipeline.stages == STAGES
    assert "reports" in STAGES[-1].assigns
    assert "body" in STAGES[0].assigns and STAGES[0].requires == {"raw"}


def test_every_requirement_is_assigned_by_an_earlier_stage() -> None:
    available = {"raw", "meta"}
    for step in STAGES:
        assert step.requires <= available, step.name
        available |= step.assigns


def test_the_registered_stages_in_reverse_order_are_refused() -> None:
    with pytest.raises(PipelineError):
        Pipeline(tuple(reversed(STAGES)))


def test_a_stage_needing_an_unassigned_field_is_refused_naming_both() -> None:
    needy = Stage("needy", 1, frozenset({"body", "gossip"}), frozenset({"rumours"}), _noop)
    with pytest.raises(PipelineError, match="needy") as caught:
        Pipeline([STAGES[0], needy])
    assert "gossip" in str(caught.value)
    assert "body" not in str(caught.value).split("requires", 1)[1]


def test_a_stage_placed_before_what_it_needs_is_refused() -> None:
    clean, split = STAGES[0], STAGES[1]
    with pytest.raises(PipelineError, match=split.name):
        Pipeline([split, clean])


def test_a_duplicate_stage_name_is_refused() -> None:
    first = Stage("twice", 1, frozenset({"raw"}), frozenset({"a"}), _noop)
    second = Stage("twice", 2, frozenset({"raw"}), frozenset({"b"}), _noop)
    with pytest.raises(PipelineError, match="twice"):
        Pipeline([first, second])


def test_two_stages_assigning_one_field_are_refused() -> None:
    first = Stage("first", 1, frozenset({"raw"}), frozenset({"body"}), _noop)
    second = Stage("second", 1, frozenset({"raw"}), frozenset({"body"}), _noop)
    with pytest.raises(PipelineError, match="second"):
        Pipeline([first, second])


def test_pipeline_errors_are_truce_errors() -> None:
    assert issubclass(PipelineError, TruceError)
    assert issubclass(StageFailed, TruceError)


def test_a_stage_that_raises_is_named_in_the_failure() -> None:
    @stage("explodes", 3, requires=["raw"], assigns=["nothing"])
    def explodes(doc: Doc, resources: Any) -> None:
        raise ZeroDivisionError("bad arithmetic")

    pipeline = Pipeline([explodes])
    with pytest.raises(StageFailed) as caught:
        pipeline.run(Doc(raw="text", meta=TextMeta()), None)
    assert caught.value.stage == "explodes"
    assert caught.value.version == 3
    message = str(caught.value)
    assert "explodes" in message and "ZeroDivisionError" in message and "bad arithmetic" in message
    assert isinstance(caught.value.__cause__, ZeroDivisionError)


def test_a_truce_error_inside_a_stage_passes_through_unchanged() -> None:
    class Refused(TruceError):
        pass

    @stage("refuses", 1, requires=["raw"], assigns=["nothing"])
    def refuses(doc: Doc, resources: Any) -> None:
        raise Refused("not this one")

    with pytest.raises(Refused, match="not this one"):
        Pipeline([refuses]).run(Doc(raw="text", meta=TextMeta()), None)


def test_running_records_what_each_stage_assigned() -> None:
    calls: list[str] = []

    @stage("one", 1, requires=["raw"], assigns=["body"])
    def one(doc: Doc, resources: Any) -> None:
        calls.append("one")
        doc.body = doc.raw.upper()

    @stage("two", 1, requires=["body"], assigns=["sentences"])
    def two(doc: Doc, resources: Any) -> None:
        calls.append("two")

    doc = Pipeline([one, two]).run(Doc(raw="abc", meta=TextMeta()), None)
    assert calls == ["one", "two"]
    assert doc.body == "ABC"
    assert {"raw", "meta", "body", "sentences"} <= doc.assigned


def test_the_version_string_names_every_stage_and_its_version() -> None:
    version = default_pipeline().version
    parts = version.split(",")
    assert parts == [f"{s.name}@{s.version}" for s in STAGES]


def test_the_stage_decorator_builds_a_stage() -> None:
    @stage("made", 2, requires=["raw", "meta"], assigns=["x", "y"])
    def made(doc: Doc, resources: Any) -> None:
        return None

    assert isinstance(made, Stage)
    assert (made.name, made.version) == ("made", 2)
    assert made.requires == {"raw", "meta"} and made.assigns == {"x", "y"}
    assert Pipeline([made]).version == "made@2"
