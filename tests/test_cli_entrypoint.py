"""One command tree: the root builds each command on first use, through Click's hooks,
and users, tests and the help all see the same commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main

from conftest import Invoker, ok
from showtrack import cli
from showtrack.cli import app


def _root() -> tuple[Any, typer.Context]:
    root = typer.main.get_command(app)
    return root, typer.Context(root, info_name="showtrack", terminal_width=100)


def test_the_table_summaries_are_each_commands_own_help() -> None:
    root, ctx = _root()
    for name, spec in cli.COMMANDS.items():
        command = root.get_command(ctx, name)  # type: ignore[attr-defined]
        assert command is not None, name
        assert command.name == name
        own = (command.help or "").strip().splitlines()[0]
        assert spec.summary == own, name


def _probe(tmp_path: Path, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SHOWTRACK_DB": str(tmp_path / "db.json"),
        "SHOWTRACK_NOW": "2023-05-24T12:00:00+01:00",
        "TZ": "Europe/London",
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=60
    )


BUILT = """
import sys
from showtrack.cli import app
try:
    app(sys.argv[1:], prog_name="showtrack")
except SystemExit:
    pass
print(sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.startswith("showtrack.cli.")))
"""


@pytest.mark.parametrize(
    ("args", "modules"),
    [
        (["--help"], ["common"]),
        (["countdown"], ["common", "read"]),
        (["add", "--help"], ["common", "hand"]),
        (["feed", "list"], ["common", "sources"]),
    ],
)
def test_only_the_command_that_runs_is_imported(
    tmp_path: Path, args: list[str], modules: list[str]
) -> None:
    done = _probe(tmp_path, BUILT, *args)
    assert done.stdout.strip().splitlines()[-1] == repr(modules), done.stderr


def test_the_entry_point_runs_commands_and_keeps_exit_codes(tmp_path: Path) -> None:
    code = "from showtrack.cli import main; main()"
    done = _probe(tmp_path, code, "countdown")
    assert done.returncode == 0, done.stderr
    assert "in 71 days" in done.stdout
    missing = _probe(tmp_path, code, "cast", "hartstopper")
    assert missing.returncode == 1
    assert "Did you mean heartstopper?" in missing.stderr
    typo = _probe(tmp_path, code, "coutndown")
    assert typo.returncode == 2
    assert typo.stderr.splitlines() == [
        "Error: No such command 'coutndown'. Did you mean 'countdown'?",
        "Try 'showtrack --help'.",
    ]
    assert "Traceback" not in missing.stderr + typo.stderr


@pytest.mark.parametrize(
    ("args", "wrong"),
    [
        (["cast"], "Missing argument 'SHOW'."),
        (["news", "--since"], "Option '--since' requires an argument."),
        (["countdown", "--bogus"], "No such option: --bogus"),
        (["cast", "heartstopper", "--season", "x"], "Invalid value for '--season'"),
    ],
)
def test_a_usage_error_is_what_is_wrong_and_what_to_type(
    invoke: Invoker, args: list[str], wrong: str
) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("Error: ")
    assert wrong in lines[0]
    assert lines[1] == f"Try 'showtrack {args[0]} --help'."
    assert "Usage:" not in result.stderr


def test_the_database_option_works_before_or_after_the_command(
    invoke: Invoker, tmp_path: Path
) -> None:
    other = tmp_path / "other.json"
    for args in (
        ["--db", str(other), "init", "--empty"],
        ["shows", "--json", "--db", str(other)],
        ["add", "show", "Only Here", "--db", str(other)],
    ):
        ok(invoke(*args))
    after = json.loads(ok(invoke("shows", "--json", "--db", str(other))).stdout)
    before = json.loads(ok(invoke("--db", str(other), "shows", "--json")).stdout)
    assert (
        [s["slug"] for s in after["shows"]] == [s["slug"] for s in before["shows"]] == ["only-here"]
    )
    assert json.loads(ok(invoke("shows", "--json")).stdout)["shows"][0]["slug"] == "heartstopper"


def test_version_names_the_database_in_use(invoke: Invoker, tmp_path: Path) -> None:
    given = tmp_path / "given.json"
    assert f"database: {given}" in ok(invoke("--db", str(given), "--version")).stdout
    assert f"database: {invoke.db}" in ok(invoke("--version")).stdout


def test_a_group_without_a_command_shows_its_help(invoke: Invoker) -> None:
    result = invoke("add")
    assert result.exit_code == 2
    assert "Commands:" in result.stderr
    assert result.stdout == ""


def test_python_dash_m_runs_the_same_tree(tmp_path: Path) -> None:
    env = {**os.environ, "SHOWTRACK_DB": str(tmp_path / "db.json")}
    done = subprocess.run(
        [sys.executable, "-m", "showtrack", "--help"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0
    assert "countdown" in done.stdout
