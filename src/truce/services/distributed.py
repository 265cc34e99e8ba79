"""Running extraction on a Dask cluster: same pipeline, same results, more cores. Dask is the
optional `cluster` extra: it is imported only here, when a cluster is asked for."""

from __future__ import annotations

from functools import cache
from typing import Any

from truce.domain.documents import TextMeta
from truce.domain.errors import ConfigurationError
from truce.domain.reports import Report
from truce.extract.resources import Resources
from truce.services.extraction import Extracted

BATCH = 50  # texts per task: large enough to amortise scheduling, small enough to spread


@cache
def _worker_resources() -> Resources:
    # Built once per worker process: the gazetteer and registry are too big to ship per task.
    from truce.services.extraction import resources_for

    return resources_for()


def _run_batch(items: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    from truce.services.extraction import extract_one

    resources = _worker_resources()
    out = []
    for text, meta in items:  # a text a stage fails on comes back as its failure
        result = extract_one(text, TextMeta(**meta), resources)
        reports = [r.to_plain() for r in result.reports]
        out.append({"reports": reports, "stage": result.stage, "error": result.error})
    return out


def extract_on_cluster(items: list[tuple[str, TextMeta]], address: str) -> list[Extracted]:
    """Extract every text on the cluster at `address`; results come back in input order."""
    from dataclasses import asdict

    try:
        from distributed import Client
    except ImportError as exc:  # the optional `cluster` extra is not installed
        raise ConfigurationError(
            "--scheduler needs Dask's 'distributed' package, in the optional 'cluster' extra: "
            "pip install 'truce[cluster]'"
        ) from exc
    try:
        client = Client(address, timeout=20)
    except (OSError, ValueError, TimeoutError) as exc:
        raise ConfigurationError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        payload = [(text, asdict(meta)) for text, meta in items]
        batches = [payload[i : i + BATCH] for i in range(0, len(payload), BATCH)]
        futures = client.map(_run_batch, batches, pure=False)
        results = client.gather(futures)
    finally:
        client.close()
    return [
        Extracted(
            [Report.parse(body) for body in each["reports"]],
            stage=each["stage"],
            error=each["error"],
        )
        for batch in results
        for each in batch
    ]
