"""Start-up hygiene, checked deterministically: which heavy modules a command imports.

Every run pays for what it imports, so network, XML, calendar and Rich modules
must stay inside the commands that use them (issue 6; timings are in benchmarks/).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = [
    "pydantic",
    "httpx",
    "httpcore",
    "feedparser",
    "defusedxml",
    "icalendar",
    "dateutil",
    "dateutil.parser",
    "rich",
    "tinydb",
    "orjson",
    "dataclasses",
    "zoneinfo",
    "filelock",
    "showtrack.merge",
    "showtrack.sync",
    "showtrack.entry",
    "apprise",
    "showtrack.deliver",
    "showtrack.notify",
]

PROBE = """
import json, sys
from showtrack import cli
try:
    cli.app(sys.argv[2:], prog_name="showtrack")
except SystemExit:
    pass
heavy = json.loads(sys.argv[1])
sys.stderr.write("MODULES=" + json.dumps(sorted(m for m in heavy if m in sys.modules)) + "\\n")
"""


def imported(tmp_path: Path, *args: str, tz: str = "Europe/London") -> list[str]:
    env = {
        **os.environ,
        "SHOWTRACK_DB": str(tmp_path / "db.json"),
        "SHOWTRACK_NOW": "2023-05-24T12:00:00+01:00",
        "TZ": tz,
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(HEAVY), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    line = next(text for text in done.stderr.splitlines() if text.startswith("MODULES="))
    return list(json.loads(line.removeprefix("MODULES=")))


def absent(found: list[str], *allowed: str) -> set[str]:
    """The heavy modules imported beyond ``allowed``: each command names what it may load,
    and everything else in HEAVY must stay out (a new dependency of a library we use
    does not break this, only one of ours reaching further)."""
    return set(found) - set(allowed)


def test_help_imports_nothing_heavy(tmp_path: Path) -> None:
    assert absent(imported(tmp_path, "--help")) == set()


@pytest.mark.parametrize(
    ("command", "allowed"),
    [
        (["countdown"], ["zoneinfo"]),  # a named zone needs the zone database
        (["shows"], ["zoneinfo"]),
        (["cast", "heartstopper"], []),  # cast shows no time, so no zone is looked up
        (["episodes", "heartstopper"], ["zoneinfo"]),
        (["news", "--peek"], ["zoneinfo"]),  # a day of news is the viewer's local day
    ],
)
def test_read_commands_on_small_data_import_nothing_heavy(
    tmp_path: Path, command: list[str], allowed: list[str]
) -> None:
    # the first run creates the database (a write: filelock, tinydb, orjson); the second
    # only reads, and a small file is parsed by the stdlib's json
    imported(tmp_path, *command)
    assert absent(imported(tmp_path, *command), *allowed) == set()


def test_news_after_a_check_on_small_data_imports_nothing_heavy(tmp_path: Path) -> None:
    imported(tmp_path, "news")
    assert absent(imported(tmp_path, "news", "--peek"), "zoneinfo") == set()
    assert absent(imported(tmp_path, "news", "--peek", tz="UTC")) == set()  # no zone file


def test_utc_needs_no_zone_database(tmp_path: Path) -> None:
    imported(tmp_path, "countdown")
    assert "zoneinfo" not in imported(tmp_path, "countdown", tz="UTC")
    assert "zoneinfo" in imported(tmp_path, "countdown", "--tz", "Asia/Tokyo", tz="UTC")


def test_news_since_reads_without_dateutil_for_iso_and_spans(tmp_path: Path) -> None:
    imported(tmp_path, "countdown")
    assert "dateutil.parser" not in imported(tmp_path, "news", "--since", "2023-04-01", "--peek")
    assert "dateutil.parser" not in imported(tmp_path, "news", "--since", "2w", "--peek")


def test_recording_a_news_check_does_not_rewrite_the_news(tmp_path: Path) -> None:
    """The check is a small write of the reading state: no TinyDB or orjson, which
    rewriting the database file would need (and the lock is the stdlib's flock)."""
    imported(tmp_path, "countdown")
    found = imported(tmp_path, "news")
    assert absent(found, "zoneinfo") == set()  # the viewer's day needs only the zone
    reading = tmp_path / "db.json.reading"
    assert reading.is_file()


def test_apprise_is_imported_by_notify_only(tmp_path: Path) -> None:
    """Apprise (about 90 ms) loads for `notify` with a target, never for reading or
    for a sync, even with a target set."""
    imported(tmp_path, "countdown")
    assert "apprise" not in imported(tmp_path, "notify", "list")  # no target: nothing to mask
    assert "apprise" in imported(tmp_path, "notify", "add", "json://127.0.0.1:9/hook")
    assert "apprise" in imported(tmp_path, "notify", "list")
    assert "apprise" not in imported(tmp_path, "notify", "--help")
    for command in (
        ["sync"],
        ["news"],
        ["calendar"],
        ["add", "news", "heartstopper", "--headline", "x"],
    ):
        assert {"apprise", "showtrack.deliver"}.isdisjoint(imported(tmp_path, *command)), command
