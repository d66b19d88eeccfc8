"""The console entry point builds each subcommand lazily; it must be the same CLI as `app`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import typer
import typer.main

from showtrack.cli import app, lazy_command


def _help(command: Any, path: list[str]) -> str:
    """The help text of ``showtrack PATH...`` at a fixed width (typer.Context is click's)."""
    ctx = typer.Context(command, info_name="showtrack", terminal_width=100)
    for name in path:
        sub = ctx.command.get_command(ctx, name)  # type: ignore[attr-defined]
        assert sub is not None, name
        ctx = typer.Context(sub, info_name=name, parent=ctx, terminal_width=100)
    return str(ctx.command.get_help(ctx))


def test_lazy_cli_has_the_same_commands_and_help_as_app() -> None:
    full = typer.main.get_command(app)
    lazy = lazy_command()
    assert list(lazy.commands) == list(full.commands)  # type: ignore[attr-defined]
    assert _help(lazy, []) == _help(full, [])
    for name, command in full.commands.items():  # type: ignore[attr-defined]
        assert _help(lazy, [name]) == _help(full, [name]), name
        for sub in getattr(command, "commands", {}):
            assert _help(lazy, [name, sub]) == _help(full, [name, sub]), (name, sub)


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SHOWTRACK_DB": str(tmp_path / "db.json"),
        "SHOWTRACK_NOW": "2023-05-24T12:00:00+01:00",
        "TZ": "Europe/London",
        "NO_COLOR": "1",
    }
    code = "from showtrack.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_entry_point_runs_commands_and_keeps_exit_codes(tmp_path: Path) -> None:
    done = _run(tmp_path, "countdown")
    assert done.returncode == 0, done.stderr
    assert "in 71 days" in done.stdout
    missing = _run(tmp_path, "cast", "hartstopper")
    assert missing.returncode == 1
    assert "Did you mean heartstopper?" in missing.stderr
    typo = _run(tmp_path, "coutndown")
    assert typo.returncode == 2
    assert "Did you mean 'countdown'?" in typo.stderr
    assert "Traceback" not in missing.stderr + typo.stderr
