"""Requests that met a deadlock, a serialisation failure or a busy SQLite file run again.

The database undid such a transaction whole, so running the request again from the start, in
a fresh unit of work, is the same as running it once, provided nothing else of it was kept:
- no transaction of its unit of work committed (a use case that commits in steps, such as
  intake, which keeps the document before reading it, is not re-run past its first commit);
- no byte of the answer was sent (nothing was acknowledged);
- its body was small enough to keep for the replay.
Otherwise the error goes on to the server's error handler (500), as before. A request runs at
most `attempts` times, waiting a jittered, growing pause between tries.
"""

from __future__ import annotations

from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from truce.services.session import ATTEMPTS, backoff, retryable

REPLAY_LIMIT = 32 * 1024 * 1024  # bodies larger than this are not kept: not re-run


class RetryOnConflict:
    """ASGI middleware: re-run a request that failed with a retryable database error."""

    def __init__(self, app: ASGIApp, attempts: int = ATTEMPTS) -> None:
        self.app = app
        self.attempts = attempts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = _KeptBody(receive)
        for attempt in range(1, self.attempts + 1):
            answered = False

            async def sending(message: Message) -> None:
                nonlocal answered
                if message["type"] == "http.response.start":
                    answered = True
                await send(message)

            # Each try gets its own request state: the units of work it opened are listed there.
            units: list[Any] = []
            state = dict(scope.get("state") or {})
            state["truce_units"] = units
            try:
                await self.app({**scope, "state": state}, body.reader(), sending)
                return
            except Exception as exc:
                again = (
                    attempt < self.attempts
                    and retryable(exc)
                    and not answered
                    and body.complete_enough
                    and not any(unit.committed for unit in units)
                )
                if not again:
                    raise
            await anyio.sleep(backoff(attempt))


class _KeptBody:
    """The request's body messages as they arrive, kept so that another try can read them
    again; what a try did not read comes from the client as before."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._kept: list[Message] = []
        self._size = 0
        self.complete_enough = True  # false once the body outgrew REPLAY_LIMIT

    def reader(self) -> Receive:
        position = 0

        async def receive() -> Message:
            nonlocal position
            if position < len(self._kept):
                position += 1
                return self._kept[position - 1]
            message = await self._receive()
            if message["type"] == "http.request" and self.complete_enough:
                self._size += len(message.get("body", b""))
                if self._size > REPLAY_LIMIT:
                    self.complete_enough = False
                    self._kept.clear()
                else:
                    self._kept.append(message)
                    position += 1
            return message

        return receive
