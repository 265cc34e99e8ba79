"""The README's commands and the CLI's help are real."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from truce.cli import cli
from truce.domain.access import OPERATIONS_CENTRE
from truce.services.principals import LOCAL_ADMINISTRATOR

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
    """The command group or command `words` name, past the options given before it
    (`truce --as ru-officer cases list` names `cases list`)."""
    path: list[str] = []
    command: click.Command = cli
    takes_value = False
    for word in words:
        if takes_value:
            takes_value = False
        elif isinstance(command, click.Group) and word in command.commands:
            command = command.commands[word]
            path.append(word)
        elif word.startswith("-"):
            option = next((p for p in command.params if word.split("=")[0] in p.opts), None)
            takes_value = (
                "=" not in word and isinstance(option, click.Option) and not option.is_flag
            )
        else:
            break
    return path


def _commands(command: click.Command = cli, path: tuple[str, ...] = ()) -> dict[str, click.Command]:
    """Every command and group, by its path (`cases reply`)."""
    found = {" ".join(path): command}
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found |= _commands(sub, (*path, name))
    return found


def _options(command: click.Command) -> set[str]:
    return {opt for p in command.params for opt in p.opts}


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


def test_the_readme_skips_options_given_before_the_command() -> None:
    assert _command_path(["--as", "ru-officer", "cases", "list", "--inbox"]) == ["cases", "list"]
    assert _command_path(["--database=sqlite://", "init"]) == ["init"]
    assert _command_path(["no-such-command"]) == []


def test_the_help_names_the_account_commands_act_as_without_as() -> None:
    help_text = " ".join(CliRunner().invoke(cli, ["--help"]).output.split())
    centre = (
        f"without --as, commands act as the local operations-centre account "
        f"'{OPERATIONS_CENTRE.user}' ({OPERATIONS_CENTRE.member.upper()}), "
        "recorded as such in the ledger"
    )
    assert centre.lower() in help_text.lower()
    assert f"'{LOCAL_ADMINISTRATOR.user}' ({LOCAL_ADMINISTRATOR.member.upper()})" in help_text


def test_one_identity_option_everywhere() -> None:
    commands = _commands()
    for path, command in commands.items():
        assert not _options(command) & {"--reviewer", "--actor", "--submitter"}, path
    # Every command that acts in the store takes --as after it too.
    acting = {
        "import",
        "export",
        "ingest",
        "documents",
        "documents rerun",
        "fuse",
        "assess",
        "tally",
        "counts",
        "summary",
        "scenario load",
        "ledger checkpoint",
        "ledger export",
        "ledger prove",
    }
    groups = {"incidents", "cases", "members", "review"}
    acting |= {p for p in commands if p.split(" ")[0] in groups} - groups
    for path in sorted(acting):
        assert "--as" in _options(commands[path]), path


def test_every_command_that_lists_or_shows_takes_json() -> None:
    commands = _commands()
    showing = [
        "incidents list",
        "incidents show",
        "cases list",
        "cases show",
        "documents",
        "review queue",
        "review show",
        "tally",
        "summary",
        "counts",
        "members list",
        "scenario list",
        "extract",
        "eval extract",
    ]
    for path in showing:
        assert "--json" in _options(commands[path]), path


def test_makefile_targets_named_in_the_readme_exist() -> None:
    makefile = (ROOT / "Makefile").read_text()
    for line in _shell_lines(README):
        if line.startswith("make "):
            target = line.split()[1]
            assert re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE), target
