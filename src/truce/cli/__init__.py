"""The `truce` command."""

from truce.cli.main import cli, main

__all__ = ["cli", "main"]
