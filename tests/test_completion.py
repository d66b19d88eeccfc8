"""Shell completion for bash, zsh and fish: command names, options and show names read
from the database in use (never creating one)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import Invoker, ok
from showtrack.cli import app


def complete(db: Path, shell: str, words: str, **extra: str) -> list[str]:
    env = {"SHOWTRACK_DB": str(db), "_SHOWTRACK_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        parts = words.split(" ")
        env.update(COMP_WORDS=words, COMP_CWORD=str(len(parts) - 1))
    else:
        env["_TYPER_COMPLETE_ARGS"] = words
    if shell == "fish":
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    env.update(extra)
    result = CliRunner().invoke(app, [], env=env, prog_name="showtrack")
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


@pytest.fixture
def two_shows(invoke: Invoker) -> Path:
    ok(invoke("add", "show", "Élite"))
    return invoke.db


def test_bash_completes_commands_and_show_names(two_shows: Path) -> None:
    assert complete(two_shows, "bash", "showtrack cou") == ["countdown"]
    assert complete(two_shows, "bash", "showtrack cast ") == ["heartstopper", "elite"]
    assert complete(two_shows, "bash", "showtrack cast e") == ["elite"]
    assert complete(two_shows, "bash", "showtrack add season h") == ["heartstopper"]
    assert "--since" in complete(two_shows, "bash", "showtrack news --si")


def test_zsh_and_fish_give_names_with_their_titles(two_shows: Path) -> None:
    zsh = "\n".join(complete(two_shows, "zsh", "showtrack show e"))
    assert '"elite":"Élite"' in zsh
    fish = complete(two_shows, "fish", "showtrack show ")
    assert "elite\tÉlite" in fish
    assert "heartstopper\tHeartstopper" in fish


def test_show_names_come_from_the_database_given_after_the_command(
    two_shows: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.json"
    ok(Invoker(other)("init", "--empty"))
    ok(Invoker(other)("add", "show", "Only Here"))
    words = f"showtrack cast --db {other} "
    assert complete(two_shows, "bash", words) == ["only-here"]


def test_completion_never_creates_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here.json"
    assert complete(missing, "bash", "showtrack cast ") in ([], [""])  # no candidates
    assert not missing.exists()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_a_script_for_each_shell(
    shell: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    result = CliRunner().invoke(app, ["--show-completion", shell], prog_name="showtrack")
    assert result.exit_code == 0, result.output
    assert f"complete_{shell}" in result.stdout
    assert "_SHOWTRACK_COMPLETE" in result.stdout


def _script(shell: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    result = CliRunner().invoke(app, ["--show-completion", shell], prog_name="showtrack")
    return result.stdout


def _shell_env(tmp_path: Path, db: Path) -> dict[str, str]:
    """A PATH whose `showtrack` runs this interpreter's showtrack (the scripts call it)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    launcher = bin_dir / "showtrack"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m showtrack "$@"\n', encoding="utf-8")
    launcher.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "SHOWTRACK_DB": str(db)}


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_a_real_bash_completes_show_names(
    two_shows: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "showtrack.bash"
    script.write_text(_script("bash", monkeypatch), encoding="utf-8")
    program = (
        f"source {script}; COMP_WORDS=(showtrack cast e); COMP_CWORD=2; "
        '_showtrack_completion showtrack; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(
        ["bash", "--norc", "-c", program],
        env=_shell_env(tmp_path, two_shows),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["elite"], done.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_a_real_fish_completes_show_names(
    two_shows: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "showtrack.fish"
    script.write_text(_script("fish", monkeypatch), encoding="utf-8")
    done = subprocess.run(
        ["fish", "--no-config", "-c", f"source {script}; complete -C 'showtrack cast e'"],
        env=_shell_env(tmp_path, two_shows),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.splitlines() == ["elite\tÉlite"], done.stderr
