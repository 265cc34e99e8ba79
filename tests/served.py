"""`truce serve` as a process, for tests that need the real server (its own event loop,
uvicorn's header handling, a second process beside the test's)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def truce_serve(settings: Mapping[str, str], *, tries: int = 300) -> Iterator[str]:
    """`truce serve` with these environment settings (and no other TRUCE_ ones), until the
    block ends: its base URL, once it answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")} | dict(settings)
    process = subprocess.Popen(
        [sys.executable, "-m", "truce", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(tries):
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
