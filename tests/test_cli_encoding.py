"""Output never crashes on an encoding: tables fall back to ASCII rules and \\u
placeholders, JSON to ASCII escapes, when stdout can't hold the text (issue 14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Invoker, ok


@pytest.fixture
def named(invoke: Invoker) -> Path:
    ok(invoke("add", "show", "Élite", "--network", "Netflix España"))
    ok(invoke("add", "news", "elite", "--headline", "Temporada 8 — ¡confirmada! 日本でも"))
    return invoke.db


def run(db: Path, encoding: str, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    environment = {
        **os.environ,
        "SHOWTRACK_DB": str(db),
        "SHOWTRACK_NOW": "2023-05-24T12:00:00+01:00",
        "TZ": "UTC",
        "COLUMNS": "100",
        "NO_COLOR": "1",
        "PYTHONIOENCODING": encoding,
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "showtrack", *args], env=environment, capture_output=True, timeout=60
    )


COMMANDS = [
    ["shows"],
    ["show", "elite"],
    ["news", "--peek"],
    ["countdown", "--all"],
    ["cast", "heartstopper"],
]


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("args", COMMANDS)
def test_tables_print_in_any_encoding(named: Path, encoding: str, args: list[str]) -> None:
    done = run(named, encoding, *args)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    text = done.stdout.decode(encoding)  # it is valid in that encoding
    assert "─" not in text
    if args[0] in ("shows", "news"):
        assert "lite" in text
    if encoding == "ascii" and args[0] == "shows":
        assert "\\u00c9lite" in text
        assert "-----" in text
    if encoding == "latin-1" and args[0] == "shows":
        assert "Élite" in text  # latin-1 has it: only what it lacks is replaced


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_json_is_ascii_escaped_and_the_same_document(named: Path, encoding: str) -> None:
    done = run(named, encoding, "news", "--peek", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stdout.isascii()
    doc = json.loads(done.stdout)
    assert "Temporada 8 — ¡confirmada! 日本でも" in [a["headline"] for a in doc["announcements"]]


def test_the_c_locale_without_utf8_mode_prints_too(named: Path) -> None:
    done = run(named, "", "shows", LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONIOENCODING="")
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
