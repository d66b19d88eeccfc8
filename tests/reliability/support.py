"""Shared helpers for the reliability suite: running the CLI, reading the file, figures.

Every test here runs real subprocesses (``python -m showtrack``) against a database
in ``tmp_path`` with a fixed clock and a redirected home, or, where a subprocess is
too slow for the fault loops, drives ``showtrack.store`` in-process.

``SHOWTRACK_TORTURE=long`` (set by ``scripts/torture --long``) selects the long form:
bigger counts, and figures appended as JSON lines to ``SHOWTRACK_TORTURE_REPORT``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LONG = os.environ.get("SHOWTRACK_TORTURE", "").strip().lower() == "long"
REPORT = os.environ.get("SHOWTRACK_TORTURE_REPORT", "")
NOW = "2023-05-24T12:00:00+01:00"
HERE = Path(__file__).resolve().parent
WORKER = HERE / "worker.py"

#: Bytes no data may put on a terminal: C0 except TAB and LF, DEL, and (decoded) C1.
FORBIDDEN_C0 = {*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F}
FORBIDDEN_C1 = set(range(0x80, 0xA0))


def scaled(fast: int, long: int) -> int:
    """A count for the fast form or the long form."""
    return long if LONG else fast


def record(name: str, **figures: Any) -> None:
    """Append figures for scripts/torture to collect (only when it asked for them)."""
    if not REPORT:
        return
    with open(REPORT, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"test": name, **figures}) + "\n")


def base_env(tmp: Path, db: Path | None = None, **extra: str | None) -> dict[str, str]:
    """A clean environment: home in tmp, frozen clock, plain output, no bytecode writes."""
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "SHOWTRACK_NOW": NOW,
        "TZ": "Europe/London",
        "COLUMNS": "200",
        "NO_COLOR": "1",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
    }
    if db is not None:
        env["SHOWTRACK_DB"] = str(db)
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@dataclass
class Done:
    """A finished CLI run."""

    args: Sequence[str]
    code: int
    out: bytes
    err: bytes
    seconds: float

    @property
    def stdout(self) -> str:
        return self.out.decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        return self.err.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.out)

    def __str__(self) -> str:
        return f"showtrack {' '.join(self.args)!r} -> {self.code}\n{self.stderr[-2000:]}"


def cli(
    env: dict[str, str],
    *args: str,
    stdin: bytes | None = None,
    timeout: float = 60,
    cwd: Path | None = None,
) -> Done:
    """Run ``python -m showtrack ARGS`` to completion (bounded by ``timeout``)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "showtrack", *args],
        env=env,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
        cwd=cwd,
        check=False,
    )
    return Done(args, proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start)


def cli_many(jobs: Iterable[tuple[dict[str, str], Sequence[str]]], workers: int = 2) -> list[Done]:
    """Run several independent CLI calls two at a time (this is a 2-core machine)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda job: cli(job[0], *job[1]), jobs))


def spawn(env: dict[str, str], *args: str, **kwargs: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "showtrack", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )


def worker(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    """Start tests/reliability/worker.py (a loop of CLI invocations in one process)."""
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


# --- reading the database file directly (no showtrack code) ----------------------------


class Corrupt(Exception):
    """The database file does not parse as a showtrack database."""


def load_db(path: Path) -> dict[str, Any]:
    """Read the database the way any reader would, every file of it: the database file,
    and in the parted layout each news file its manifest names, checked against the
    length and CRC-32 the manifest gives; Corrupt when any of it is not whole. A file
    gone because a writer committed meanwhile is read again from the new manifest."""
    for _ in range(20):
        data = path.read_bytes()
        try:
            return _load(path, data)
        except FileNotFoundError:
            if path.read_bytes() == data:
                raise Corrupt(f"{path}: a news file its manifest names is missing") from None
    raise Corrupt(f"{path}: kept changing while it was read")


def _load(path: Path, data: bytes) -> dict[str, Any]:
    import zlib

    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise Corrupt(f"{path}: {err} ({len(data)} bytes)") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("state", {}).get("1"), dict):
        raise Corrupt(f"{path}: no state record")
    manifest = raw["state"]["1"].get("news")
    if isinstance(manifest, dict) and manifest.get("layout") == "parts":
        folder = path.with_name(path.name + ".news")
        news: dict[str, Any] = {}
        episodes: dict[str, Any] = {}
        for group in ("parts", "ids", "episodes"):
            for entry in manifest.get(group, {}).values():
                blob = (folder / entry["file"]).read_bytes()
                if (len(blob), zlib.crc32(blob)) != (entry["bytes"], entry["crc32"]):
                    raise Corrupt(f"{path}: news file {entry['file']} is not the one named")
                try:
                    table = json.loads(blob.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as err:
                    raise Corrupt(f"{path}: news file {entry['file']}: {err}") from None
                if group == "parts":
                    news.update(table["announcements"])
                elif group == "episodes":
                    for doc in table["episodes"].values():
                        episodes[str(len(episodes) + 1)] = doc
        raw["announcements"] = dict(sorted(news.items(), key=lambda pair: int(pair[0])))
        if "episodes" in manifest:
            raw["episodes"] = episodes
    for table in ("shows", "seasons", "credits", "announcements"):
        if not isinstance(raw.get(table), dict):
            raise Corrupt(f"{path}: no {table} table")
    return raw


def single_file_bytes(path: Path) -> bytes:
    """The database as the single-file layout (schema 6) would hold it: every table, the
    news last, in one file (for tests of hand-edited and older files)."""
    from showtrack.store import layout

    raw = load_db(path)
    news = raw.pop("announcements", {})
    state = dict(raw["state"]["1"])
    state.pop("news", None)
    state["schema_version"] = 6
    raw["state"] = {**raw["state"], "1": state}
    return b"".join(bytes(piece) for piece in layout.encode(raw, layout.encode_news(news)))


def copy_database(source: Path, target: Path) -> None:
    """A database is its file and the folder of its news beside it (``<db>.news``)."""
    import shutil

    shutil.copyfile(source, target)
    news, copy = (p.with_name(p.name + ".news") for p in (source, target))
    if copy.exists():
        shutil.rmtree(copy)
    if news.is_dir():
        shutil.copytree(news, copy)


def headlines(raw: dict[str, Any]) -> set[str]:
    return {doc["headline"] for doc in raw["announcements"].values()}


def ids(raw: dict[str, Any]) -> list[str]:
    return [doc["id"] for doc in raw["announcements"].values()]


def show_doc(raw: dict[str, Any], slug: str) -> dict[str, Any]:
    found = [doc for doc in raw["shows"].values() if doc["slug"] == slug]
    assert len(found) == 1, f"{len(found)} shows with slug {slug!r}"
    return found[0]


def temp_files(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


# --- import documents -------------------------------------------------------------


def pack(*shows: dict[str, Any]) -> dict[str, Any]:
    return {"format": "showtrack/1", "shows": list(shows)}


def write_pack(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def empty_db(tmp: Path, name: str = "db.json") -> tuple[Path, dict[str, str]]:
    """A fresh empty database (``init --empty``) and an env pointing at it."""
    folder = tmp / "data"
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / name
    env = base_env(tmp, db)
    done = cli(env, "init", "--empty")
    assert done.code == 0, str(done)
    return db, env


def seeded_db(tmp: Path, name: str = "db.json") -> tuple[Path, dict[str, str]]:
    """A database created from the bundled data on first use."""
    folder = tmp / "data"
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / name
    env = base_env(tmp, db)
    done = cli(env, "init")
    assert done.code == 0, str(done)
    return db, env


# --- terminal output ------------------------------------------------------------------


@dataclass
class Leak:
    where: str
    char: str
    context: str


@dataclass
class Scan:
    leaks: list[Leak] = field(default_factory=list)

    def check(self, where: str, text: str, *, allow_esc_sgr: bool = False) -> None:
        """Record every forbidden character in ``text`` (already decoded)."""
        if allow_esc_sgr:
            text = strip_rich_sgr(text)
        text = text.replace("\r\n", "\n")  # the pty's own ONLCR
        for index, char in enumerate(text):
            code = ord(char)
            if code in FORBIDDEN_C0 or code in FORBIDDEN_C1 or 0xD800 <= code < 0xE000:
                self.leaks.append(
                    Leak(where, f"U+{code:04X}", text[max(0, index - 30) : index + 30])
                )


#: SGR sequences Rich itself emits for styles (bold, dim, italic, reset), never from data.
_RICH_SGR = {"\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[3m", "\x1b[4m", "\x1b[1;2m", "\x1b[2;3m"}


def strip_rich_sgr(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", lambda m: "" if m.group() in _RICH_SGR else m.group(), text)


def run_on_pty(
    env: dict[str, str], *args: str, columns: int = 200, timeout: float = 30
) -> tuple[int, bytes, bytes]:
    """Run the CLI with stdout and stderr each on its own real pty; read both masters."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    masters: list[int] = []
    slaves: list[int] = []
    for _ in range(2):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
        masters.append(master)
        slaves.append(slave)
    proc = subprocess.Popen(
        [sys.executable, "-m", "showtrack", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=slaves[0],
        stderr=slaves[1],
    )
    for slave in slaves:
        os.close(slave)
    chunks: dict[int, list[bytes]] = {fd: [] for fd in masters}
    open_fds = set(masters)
    deadline = time.monotonic() + timeout
    try:
        while open_fds and time.monotonic() < deadline:
            ready, _, _ = select.select(list(open_fds), [], [], 0.2)
            for fd in ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:  # EIO: the slave side is closed
                    data = b""
                if data:
                    chunks[fd].append(data)
                else:
                    open_fds.discard(fd)
            if not ready and proc.poll() is not None:
                # drain what is left, then stop
                for fd in list(open_fds):
                    try:
                        while data := os.read(fd, 65536):
                            chunks[fd].append(data)
                    except OSError:
                        pass
                    open_fds.discard(fd)
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for fd in masters:
            os.close(fd)
    return code, b"".join(chunks[masters[0]]), b"".join(chunks[masters[1]])
