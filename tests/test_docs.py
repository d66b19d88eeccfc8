"""Meta tests: every command is documented in the README and has help text."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
import typer.main

from conftest import Invoker
from showtrack import cli
from showtrack.cli import app

README = Path(__file__).parent.parent / "README.md"
_ROOT = typer.main.get_command(app)
_CONTEXT = typer.Context(_ROOT, info_name="showtrack")
COMMANDS = {name: _ROOT.get_command(_CONTEXT, name) for name in cli.COMMANDS}  # type: ignore[attr-defined]


def test_there_are_commands() -> None:
    assert {"shows", "show", "cast", "countdown", "news", "timeline"} <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_is_in_readme(name: str) -> None:
    assert README.exists(), "README.md is missing"
    text = README.read_text(encoding="utf-8")
    assert re.search(rf"showtrack {re.escape(name)}\b", text), f"`showtrack {name}` not in README"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_has_help(name: str) -> None:
    command = COMMANDS[name]
    assert command.help, f"{name} has no help text"
    assert len(command.help.strip()) > 20
    for param in command.params:
        if param.param_type_name == "option" and param.name not in ("help",):
            assert getattr(param, "help", None), f"{name} {param.opts} has no help"


def _console_blocks(text: str) -> list[str]:
    return re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL)


def test_the_quickstart_shows_what_the_program_prints(
    runner: Callable[..., Invoker], tmp_path: Path
) -> None:
    """Each ``$ showtrack ...`` line of the README's console blocks, run on a fresh
    database at 80 columns, prints exactly the lines under it."""
    blocks = _console_blocks(README.read_text(encoding="utf-8"))
    assert blocks, "the README has no console example"
    for number, block in enumerate(blocks):
        invoke = runner(tmp_path / f"readme-{number}.json")
        env: dict[str, str | None] = {"COLUMNS": "80"}
        steps = re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]
        assert steps, block
        for step in steps:
            command, _, expected = step.partition("\n")
            words = shlex.split(command)
            if words[0] == "export":
                env.update(word.split("=", 1) for word in words[1:])  # type: ignore[misc]
                continue
            assert words[0] == "showtrack", command
            result = invoke(*words[1:], env_extra=env)
            assert result.exit_code == 0, (command, result.output)
            shown = [line.rstrip() for line in result.stdout.rstrip("\n").splitlines()]
            assert shown == expected.rstrip("\n").splitlines(), command


#: README lines that need the network or a value only the reader has.
# the network, a TVmaze id, or a notification service (tests/test_notify.py runs `notify`
# against servers on 127.0.0.1)
NEEDS_MORE = (
    "showtrack search",
    "showtrack sync",
    "--tvmaze ID",
    "--find",
    "pip install",
    "showtrack notify",
)


def test_every_readme_example_runs_on_the_bundled_data(runner: Callable[..., Invoker]) -> None:
    """Each `showtrack ...` line of the README's sh and cron blocks, in order, on one
    database seeded from the bundled data, exits 0 (lines that need the network or a
    TVmaze id are left out)."""
    text = README.read_text(encoding="utf-8")
    lines = [
        line.split("showtrack", 1)[1]
        for block in re.findall(r"```(?:sh|cron)\n(.*?)```", text, flags=re.DOTALL)
        for line in block.splitlines()
        if "showtrack " in line and not any(skip in line for skip in NEEDS_MORE)
    ]
    assert len(lines) >= 12, lines
    invoke = runner()
    for line in lines:
        words = shlex.split(line, comments=True)
        result = invoke(*words)
        assert result.exit_code == 0, (line, result.stderr)
