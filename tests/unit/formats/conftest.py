"""Make the shared helpers module importable: the suite runs with --import-mode=importlib,
which leaves sys.path alone, and this folder is deliberately not a package."""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
