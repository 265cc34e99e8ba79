"""Files Truce writes for its users (exports, ledger bundles): readable by their owner only.

An export holds what its user may see, which for an analyst includes protected sources; a
file created with the usual umask (0644) would hand that to every account on the machine.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO, TextIO

PRIVATE = 0o600


def _private_fd(path: Path) -> int:
    """A descriptor for writing, the file created (or truncated) with mode 0600 whatever the
    umask; an existing file's mode is narrowed to 0600 too."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_private(path: Path, encoding: str = "utf-8", newline: str | None = "") -> TextIO:
    """A text file for writing, readable by its owner only."""
    return open(_private_fd(path), "w", encoding=encoding, newline=newline)


def open_private_binary(path: Path) -> BinaryIO:
    return open(_private_fd(path), "wb")


def write_private(path: Path, text: str) -> None:
    with open_private(path) as out:
        out.write(text)
