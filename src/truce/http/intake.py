"""Intake at the HTTP edge, for the API and the submit page alike: the app's processor, and
waiting a short while for a submission's outcome without blocking the event loop.

The request stores the document (in a worker thread) and then waits at most
TRUCE_PROCESS_WAIT_SECONDS for processing, which runs in the processor's own threads and
worker processes. The wait is abandoned, never the processing: a slow document is answered
202 and carries on."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from truce.services.extraction import IngestSummary
from truce.services.processing import Processor, Ticket


def processor(request: Request) -> Processor:
    found: Processor = request.app.state.processor
    return found


Processing = Annotated[Processor, Depends(processor)]


async def take_in(submit: Callable[[], Ticket], wait: float) -> IngestSummary | Ticket:
    """Store by `submit` (in a thread: it writes to the store), then the summary if processing
    ends within `wait` seconds, else the ticket. A processing failure within the wait is
    raised (ProcessingFailed: the document is stored as failed)."""
    ticket = await run_in_threadpool(submit)
    outcome = asyncio.wrap_future(ticket.outcome)
    try:
        # Shielded: giving up the wait must not cancel the processing.
        return await asyncio.wait_for(asyncio.shield(outcome), timeout=wait)
    except TimeoutError:
        outcome.add_done_callback(_observe)
        return ticket


def _observe(outcome: asyncio.Future[IngestSummary]) -> None:
    """A failure after the wait is stored with the document; take it, so that asyncio does not
    report it as never retrieved."""
    if not outcome.cancelled():
        outcome.exception()
