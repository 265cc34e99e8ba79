"""The README's commands and the CLI's help are real."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from truce.cli import cli

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text()


def _shell_lines(text: str) -> list[str]:
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", text, re.DOTALL)
    return [
        line.strip().removeprefix("$ ")
        for block in blocks
        for line in block.splitlines()
        if line.strip()
    ]


def _command_path(words: list[str]) -> list[str]:
    """The longest prefix of `words` that names a command group or command."""
    path: list[str] = []
    command: click.Command = cli
    for word in words:
        if isinstance(command, click.Group) and word in command.commands:
            command = command.commands[word]
            path.append(word)
        elif not word.startswith("-"):
            break
    return path


def test_readme_shows_the_two_commands() -> None:
    lines = _shell_lines(README)
    assert "make demo" in lines
    assert "make test" in lines


@pytest.mark.parametrize("line", [ln for ln in _shell_lines(README) if ln.startswith("truce ")])
def test_every_truce_command_in_the_readme_exists(line: str) -> None:
    words = [w for w in shlex.split(line, comments=True)[1:] if not w.startswith("--database")]
    path = _command_path(words)
    assert path, f"README line names no truce command: {line}"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output


def test_every_command_has_help_text() -> None:
    def walk(command: click.Command, path: list[str]) -> None:
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        assert (command.help or "").strip(), f"no help for {' '.join(path) or 'truce'}"
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])

    walk(cli, [])


def test_makefile_targets_named_in_the_readme_exist() -> None:
    makefile = (ROOT / "Makefile").read_text()
    for line in _shell_lines(README):
        if line.startswith("make "):
            target = line.split()[1]
            assert re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE), target
