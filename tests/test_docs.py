"""Meta tests: every command is documented in the README and has help text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from showtrack.cli import app

README = Path(__file__).parent.parent / "README.md"
COMMANDS = typer.main.get_command(app).commands  # type: ignore[attr-defined]


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
