"""Extraction on a real local Dask cluster gives exactly what extraction in-process gives.
Dask is the optional `cluster` extra; without it, asking for a cluster is a clear error."""

from __future__ import annotations

import re
import signal
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from truce import scenarios
from truce.domain.documents import TextMeta
from truce.domain.errors import ConfigurationError
from truce.formats.acled import read_acled
from truce.services.distributed import BATCH, extract_on_cluster
from truce.services.extraction import extract_each, resources_for

distributed = pytest.importorskip("distributed")

TIMEOUT_SECONDS = 120  # generous: the cluster starts in a few seconds and the work takes less


@pytest.fixture(autouse=True)
def _time_limit() -> Iterator[None]:
    """Fail a hung test instead of hanging the suite (pytest-timeout is not a dependency)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"the test took more than {TIMEOUT_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(TIMEOUT_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    local = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        yield local
    finally:
        local.close()


def _corpus() -> list[tuple[str, TextMeta]]:
    """The sample ACLED notes as texts, each published on its event's day."""
    parsed = read_acled(scenarios.load("astana-2016").sample_acled.decode("utf-8"))
    return [
        (r.notes, TextMeta(label=r.provenance.dataset_id or r.id, published=r.date_start))
        for r in parsed.reports
        if r.notes
    ]


@pytest.mark.slow  # starts a cluster of two worker processes
def test_the_cluster_gives_the_same_reports_in_the_same_order(cluster: Any) -> None:
    items = _corpus()
    assert len(items) > BATCH, "enough texts for more than one task"
    on_cluster = extract_on_cluster(items, cluster.scheduler_address)
    in_process = extract_each(items, resources_for())
    assert len(on_cluster) == len(items)
    assert [[r.id for r in each.reports] for each in on_cluster] == [
        [r.id for r in each.reports] for each in in_process
    ]
    assert on_cluster == in_process
    assert sum(len(each.reports) for each in on_cluster) >= len(items) * 0.8


@pytest.mark.slow
def test_a_small_batch_and_an_empty_one(cluster: Any) -> None:
    items = _corpus()[:3]
    assert extract_on_cluster(items, cluster.scheduler_address) == extract_each(
        items, resources_for()
    )
    assert extract_on_cluster([], cluster.scheduler_address) == []


@pytest.mark.slow  # waits out a connection timeout
def test_an_unreachable_scheduler_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = distributed.Client

    def impatient(address: str, timeout: Any = None, **kwargs: Any) -> Any:
        return real(address, timeout=2, **kwargs)  # the shipped 20 s wait, shortened

    monkeypatch.setattr(distributed, "Client", impatient)
    with pytest.raises(
        ConfigurationError, match=re.escape("cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    ):
        extract_on_cluster([("Shelling hit Douma.", TextMeta())], "tcp://127.0.0.1:9")


def test_a_malformed_scheduler_address_is_a_configuration_error() -> None:
    """Regression (fixed bug): a malformed scheduler address (unknown scheme)
    raises a bare ValueError from distributed, not ConfigurationError, so `truce extract
    --scheduler` shows a traceback"""
    with pytest.raises(ConfigurationError):
        extract_on_cluster([("Shelling hit Douma.", TextMeta())], "bogus://127.0.0.1:8786")


def test_without_the_cluster_extra_a_scheduler_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` now fails
    with pytest.raises(ConfigurationError, match=re.escape("pip install 'truce[cluster]'")):
        extract_on_cluster([("Shelling hit Douma.", TextMeta())], "tcp://127.0.0.1:8786")
