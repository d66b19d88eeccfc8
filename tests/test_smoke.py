"""The installed program, run as a user would: a real process, a real file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SHOWTRACK_", "XDG_")) and key not in ("HOME", "COLUMNS")
    }
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "xdg"), NO_COLOR="1")
    env.update(extra)
    return env


def entry_point() -> str:
    beside = Path(sys.executable).parent / "showtrack"
    if beside.exists():
        return str(beside)
    found = shutil.which("showtrack")
    if found is None:
        pytest.fail("the showtrack entry point is not installed")
    return found


def test_python_dash_m_help(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "showtrack", "--help"],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout
    for command in ("shows", "show", "cast", "countdown", "news", "timeline"):
        assert command in result.stdout
    assert result.stderr == ""
    assert not (tmp_path / "xdg").exists()  # --help creates no database


def test_entry_point_cast_json(tmp_path: Path) -> None:
    db = tmp_path / "smoke" / "showtrack.json"
    db.parent.mkdir()
    result = subprocess.run(
        [entry_point(), "cast", "heartstopper", "--json"],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path, SHOWTRACK_DB=str(db), SHOWTRACK_NOW=NOW),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"Created the database {db} from the bundled Heartstopper data.\n"
    doc = json.loads(result.stdout)
    assert doc["season"] == 2
    assert len(doc["cast"]) == 17
    assert db.is_file()
    assert not (tmp_path / "xdg").exists()


def test_entry_point_countdown_71_days(tmp_path: Path) -> None:
    result = subprocess.run(
        [entry_point(), "countdown"],
        capture_output=True,
        text=True,
        env=clean_env(
            tmp_path, SHOWTRACK_DB=str(tmp_path / "db.json"), SHOWTRACK_NOW=NOW, COLUMNS="100"
        ),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "in 71 days" in result.stdout


def test_entry_point_error_is_one_line_without_traceback(tmp_path: Path) -> None:
    db = tmp_path / "empty.json"
    db.write_bytes(b"")
    result = subprocess.run(
        [entry_point(), "countdown"],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path, SHOWTRACK_DB=str(db), SHOWTRACK_NOW=NOW),
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert str(db) in result.stderr
    assert result.stderr.count("\n") == 1
    assert db.read_bytes() == b""
