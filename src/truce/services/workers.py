"""The parser pool: worker processes that read documents and run the pipeline, each document
bounded in time and memory.

Processes, not threads: parsing a large HTML page is CPU-bound Python, and in a thread it
would hold the interpreter's lock the server's event loop needs. A process can also be bounded
(its address space, by RLIMIT_AS) and, if it hangs, killed. The workers fork from a fork
server that has imported the pipeline and loaded the gazetteer once (`truce.services.preload`),
so a new worker is ready in milliseconds; they never touch the store.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from types import FrameType

from truce.domain.actors import Actor, ActorRegistry
from truce.extract.resources import Resources
from truce.services.extraction import Parsed, parse_document, resources_for

# How long past its own alarm a worker may take before the parent kills it: room for the
# alarm to land between two Python instructions after a long call into C.
GRACE_SECONDS = 5.0
# A worker is replaced after this many documents, so no leak or fragmentation builds up.
TASKS_PER_WORKER = 200
# Workers yield the CPU to the server: parsing is background work, answering is not.
NICENESS = 10
PRELOAD = "truce.services.preload"


@dataclass(frozen=True)
class Limits:
    """What one document may use: wall-clock seconds and bytes of address space (0: no
    limit), and how many documents are parsed at once."""

    seconds: float = 60.0
    memory: int = 2 * 1024**3
    workers: int = 2


@dataclass(frozen=True)
class ParseJob:
    """A stored document to read; `actors` from the store (None: the shipped scenario's)."""

    content: bytes
    kind: str
    label: str
    document_id: str
    published: date | None
    actors: tuple[Actor, ...] | None
    received: date | None = None  # the first arrival's day: dates relative dates if unpublished


class TimeUp(BaseException):
    """Raised in a worker by its alarm. A BaseException, so that no `except Exception` on
    the way (the pipeline's, a library's) takes it for the document's own error."""


class PoolClosed(Exception):
    """The pool was closed (the server or command is stopping) while a document waited or was
    being parsed: it stays `received`, to be processed at the next start."""


def _start_worker(memory: int) -> None:
    """In each worker: cap its address space, so that a document that needs more fails with
    MemoryError (or, in C code, kills this worker alone) instead of swapping the server."""
    if memory > 0:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    os.nice(NICENESS)


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise TimeUp


_resources: dict[tuple[str, ...] | None, Resources] = {}


def _resources_for(actors: tuple[Actor, ...] | None) -> Resources:
    """The look-ups for these actors, built once per worker (the store's actors rarely
    change; building the phrase matcher takes longer than most documents)."""
    key = None if actors is None else tuple(a.model_dump_json() for a in actors)
    if key not in _resources:
        _resources.clear()
        _resources[key] = resources_for(ActorRegistry(actors) if actors else None)
    return _resources[key]


def parse_in_worker(job: ParseJob, seconds: float) -> Parsed:
    """Runs in a worker: parse the document, stopped by an alarm after `seconds`."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return parse_document(
            job.content,
            kind=job.kind,
            label=job.label,
            document_id=job.document_id,
            published=job.published,
            resources=_resources_for(job.actors),
            received=job.received,
        )
    except TimeUp:
        return timed_out(job.label, seconds)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def timed_out(label: str, seconds: float) -> Parsed:
    return Parsed(
        error=f"{label}: reading it took over {seconds:g} s (TRUCE_PROCESS_TIMEOUT_SECONDS)",
        stage="time",
    )


def warm() -> None:
    """Load what every document needs: the default look-ups and the readers' libraries."""
    import feedparser  # noqa: F401
    import trafilatura  # noqa: F401

    _resources_for(None)


def _ready() -> int:
    warm()
    return os.getpid()


class ParserPool:
    """A bounded pool of parser processes. `parse` blocks its calling thread (never the event
    loop) until the document is read, failed, or killed for overrunning its time."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._closed = False

    def start(self) -> None:
        """Start the workers and wait until each is ready, so the first document is not
        slowed by a worker's start."""
        with self._lock:
            executor = self._executor = self._executor or self._new_executor()
        for future in [executor.submit(_ready) for _ in range(self.limits.workers)]:
            future.result(timeout=120)

    def _new_executor(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([PRELOAD])
        return ProcessPoolExecutor(
            max_workers=self.limits.workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.limits.memory,),
            max_tasks_per_child=TASKS_PER_WORKER,
        )

    def parse(self, job: ParseJob) -> Parsed:
        """Parse in a worker. A worker that dies (memory exhausted in C code, a crash) is
        replaced and the document tried once more, since the death may have been another
        document's; a worker that overruns its time is killed and the document failed."""
        for attempt in (1, 2):
            executor, future = self._submit(job)
            try:
                return future.result(timeout=self.limits.seconds + GRACE_SECONDS)
            except FutureTimeout:
                self._restart(executor)
                return timed_out(job.label, self.limits.seconds)
            except BrokenProcessPool:
                if self._closed:
                    raise PoolClosed from None
                self._restart(executor)
                if attempt == 2:
                    return Parsed(
                        error=f"{job.label}: the parser process died reading it (out of "
                        "memory? TRUCE_PROCESS_MEMORY_MB)",
                        stage="memory",
                    )
        raise AssertionError("unreachable")

    def _submit(self, job: ParseJob) -> tuple[ProcessPoolExecutor, Future[Parsed]]:
        with self._lock:
            if self._closed:
                raise PoolClosed
            if self._executor is None:
                self._executor = self._new_executor()
            executor = self._executor
            return executor, executor.submit(parse_in_worker, job, self.limits.seconds)

    def _restart(self, executor: ProcessPoolExecutor) -> None:
        """Replace the pool a failed document ran on (once, however many threads saw it
        fail): kill its workers, so that a hung one frees its CPU."""
        with self._lock:
            if self._executor is not executor:
                return  # already replaced
            self._executor = None
        _kill(list(getattr(executor, "_processes", {}).values()))
        executor.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop at once: a document being parsed is abandoned (it stays `received`), not
        waited for, so that a server stops when asked even in the middle of a large page."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            _kill(list(getattr(executor, "_processes", {}).values()))
            executor.shutdown(wait=True, cancel_futures=True)


def _kill(processes: Sequence[multiprocessing.process.BaseProcess]) -> None:
    # ProcessPoolExecutor cannot stop one task; its workers are reached through its private
    # table of processes, the only handle on them.
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
