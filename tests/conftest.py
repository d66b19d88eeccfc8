"""Shared fixtures: an isolated data dir for every test, a seeded store, a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from showtrack import cli, store
from showtrack.sources import jsonfile

#: The instant every CLI test runs at: the day the seed article was last updated.
NOW = "2023-05-24T12:00:00+01:00"
NOW_DT = datetime(2023, 5, 24, 11, 0, tzinfo=UTC)


SLOW_FILES = {
    "test_import_hygiene.py",
    "test_completion.py",
    "test_cli_entrypoint.py",
    "test_cli_encoding.py",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The reliability suite, and tests that start subprocesses, are `slow`: CI runs
    everything, `pytest -m "not slow"` is the quick loop while editing."""
    for item in items:
        path = item.path
        if "reliability" in path.parts or path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test may read or write the real user data folder or inherit a db/clock override."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv("SHOWTRACK_DB", raising=False)
    monkeypatch.delenv("SHOWTRACK_NOW", raising=False)
    return home


_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk to servers on 127.0.0.1 only: looking up any other host name fails
    at once, as it would offline (the code under test must say so in one line)."""
    import socket

    real = socket.getaddrinfo

    def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and str(name).lower() not in _LOOPBACK:
            raise socket.gaierror(socket.EAI_NONAME, f"tests never use the network ({name})")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "db" / "showtrack.json"


@pytest.fixture
def seeded(db_path: Path) -> store.Store:
    """A store seeded from the bundled Heartstopper data at NOW."""
    return store.Store.open(db_path, now=NOW_DT)


@pytest.fixture
def make_db(tmp_path: Path) -> Callable[..., Path]:
    """Build a database from an import-format document; returns its path."""
    counter = iter(range(1_000_000))

    def make(doc: dict[str, Any], *, now: datetime = NOW_DT, name: str | None = None) -> Path:
        path = tmp_path / (name or f"crafted-{next(counter)}.json")
        store.Store.open(path, now=now, seed=lambda: jsonfile.read_document(doc, "test"))
        return path

    return make


def copy_database(source: Path, target: Path) -> None:
    """A database is its file and the folder of its news beside it (``<db>.news``)."""
    shutil.copyfile(source, target)
    news = source.with_name(source.name + ".news")
    copy = target.with_name(target.name + ".news")
    if copy.exists():
        shutil.rmtree(copy)
    if news.is_dir():
        shutil.copytree(news, copy)


def raw_database(path: Path) -> dict[str, Any]:
    """A database's tables as TinyDB sees them, the news gathered from its parts (for
    tests that look at what is stored)."""
    import json

    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    manifest = raw.get("state", {}).get("1", {}).get("news", {})
    if isinstance(manifest, dict) and manifest.get("layout") == "parts":
        folder = path.with_name(path.name + ".news")
        news: dict[str, Any] = {}
        for key in sorted(manifest["parts"], key=int):
            name = manifest["parts"][key]["file"]
            news.update(json.loads((folder / name).read_text(encoding="utf-8"))["announcements"])
        raw["announcements"] = news
        if "episodes" in manifest:  # schema 8: the episodes in buckets by show
            episodes: dict[str, Any] = {}
            for key in sorted(manifest["episodes"], key=int):
                name = manifest["episodes"][key]["file"]
                table = json.loads((folder / name).read_text(encoding="utf-8"))["episodes"]
                for doc in table.values():
                    episodes[str(len(episodes) + 1)] = doc
            raw["episodes"] = episodes
    return raw


def legacy_bytes(path: Path, schema: int = 6) -> bytes:
    """A database as the single-file layout (schema 6 and before) wrote it: every table,
    the news last, in one file."""
    from showtrack.store import layout

    raw = raw_database(path)
    news = raw.pop("announcements", {})
    state = dict(raw["state"]["1"])
    state.pop("news", None)
    state["schema_version"] = schema
    raw["state"] = {**raw["state"], "1": state}
    return b"".join(bytes(piece) for piece in layout.encode(raw, layout.encode_news(news)))


class Invoker:
    """``invoke(*args)`` runs the app against one database with a frozen clock."""

    def __init__(self, db: Path) -> None:
        self.db = db

    def __call__(
        self,
        *args: str,
        env_extra: dict[str, str | None] | None = None,
        catch_exceptions: bool = False,
    ) -> Result:
        env: dict[str, str | None] = {
            "SHOWTRACK_DB": str(self.db),
            "SHOWTRACK_NOW": NOW,
            "TZ": "Europe/London",
            "COLUMNS": "100",
            "NO_COLOR": "1",
        }
        env.update(env_extra or {})
        return CliRunner().invoke(cli.app, list(args), env=env, catch_exceptions=catch_exceptions)


@pytest.fixture
def runner(tmp_path: Path, seeded_file: Path) -> Callable[..., Invoker]:
    """A factory like khal's: ``invoke = runner()`` then ``invoke("cast", "heartstopper")``.

    With no ``db`` the database is a fresh copy of one seeded from the bundled data
    (so no "Created the database" line); a ``db`` path given is created on first use.
    """

    def make(db: Path | None = None) -> Invoker:
        path = db if db is not None else tmp_path / "cli" / "showtrack.json"
        path.parent.mkdir(parents=True, exist_ok=True)  # only the default folder is made
        if db is None and not path.exists():
            copy_database(seeded_file, path)
        return Invoker(path)

    return make


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database seeded from the bundled data by ``init``, made once per module."""
    path = tmp_path_factory.mktemp("template") / "showtrack.json"
    ok(Invoker(path)("init"))
    return path


@pytest.fixture
def invoke(runner: Callable[..., Invoker]) -> Invoker:
    """The CLI on a fresh copy of a database seeded from the bundled data."""
    return runner()


def ok(result: Result) -> Result:
    """A successful run: exit 0, no traceback."""
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert_clean(result)
    return result


def assert_clean(result: Result) -> None:
    """An error run: ended by an exit, not an exception, and no traceback anywhere."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.stdout
    assert "Traceback" not in result.stderr
