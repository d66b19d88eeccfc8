"""Items 2 and 3: I/O faults at every step of a write, and a full disk.

Item 2 runs the CLI in-process (a subprocess per fault would take minutes) with
``os.open``, the database ``open``, file writes, ``os.fsync``, ``os.replace`` and
``os.chmod`` counted; the k-th operation raises EIO or ENOSPC, once or from then
on, for k = 1, 2, ... until a run no longer reaches k. SQLite's I/O-error loop,
at CLI scale.

Item 3 runs a real subprocess under RLIMIT_FSIZE (SIGXFSZ ignored, so a write
past the limit raises EFBIG as on a full disk).
"""

from __future__ import annotations

import builtins
import errno
import json
import os
import resource
import shutil
import signal
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reliability.support import (
    LONG,
    base_env,
    cli,
    empty_db,
    headlines,
    load_db,
    pack,
    record,
    temp_files,
    write_pack,
)
from showtrack import cli as cli_module
from showtrack import store
from showtrack.sources import jsonfile

SHOW = "heartstopper"


class Injected(OSError):
    pass


class Faults:
    """Counts I/O operations; the k-th (and, if persistent, every later one) fails."""

    def __init__(self, k: int, code: int, persistent: bool) -> None:
        self.k = k
        self.code = code
        self.persistent = persistent
        self.count = 0
        self.fired = 0
        self.ops: list[str] = []
        self.armed = False

    def tick(self, op: str) -> None:
        if not self.armed:
            return
        self.count += 1
        self.ops.append(op)
        if self.count == self.k or (self.persistent and self.count > self.k):
            self.fired += 1
            raise Injected(self.code, os.strerror(self.code))


class _File:
    """A file object whose write/flush go through the fault counter."""

    def __init__(self, handle: Any, faults: Faults) -> None:
        self._handle = handle
        self._faults = faults

    def write(self, data: Any) -> int:
        self._faults.tick("write")
        return int(self._handle.write(data))

    def flush(self) -> None:
        self._faults.tick("flush")
        self._handle.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def __enter__(self) -> _File:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()


def _install(monkeypatch: pytest.MonkeyPatch, faults: Faults) -> None:
    real_open, real_fdopen = os.open, os.fdopen
    real_fsync, real_replace, real_chmod = os.fsync, os.replace, os.chmod
    real_builtin_open = builtins.open

    def fake_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        faults.tick("os.open")
        return real_open(path, flags, *args, **kwargs)

    def fake_fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        faults.tick("fdopen")
        return _File(real_fdopen(fd, *args, **kwargs), faults)

    def fake_fsync(fd: Any) -> None:
        faults.tick("fsync")
        real_fsync(fd)

    def fake_replace(src: Any, dst: Any, **kwargs: Any) -> None:
        faults.tick("replace")
        real_replace(src, dst, **kwargs)

    def fake_chmod(path: Any, mode: int, **kwargs: Any) -> None:
        faults.tick("chmod")
        real_chmod(path, mode, **kwargs)

    def fake_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        faults.tick("open")
        return real_builtin_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_os_open)
    monkeypatch.setattr(os, "fdopen", fake_fdopen)
    monkeypatch.setattr(os, "fsync", fake_fsync)
    monkeypatch.setattr(os, "replace", fake_replace)
    monkeypatch.setattr(os, "chmod", fake_chmod)
    monkeypatch.setattr(store, "open", fake_open, raising=False)
    monkeypatch.setattr(jsonfile, "open", fake_open, raising=False)


def _env(db: Path) -> dict[str, str | None]:
    return {
        "SHOWTRACK_DB": str(db),
        "SHOWTRACK_NOW": "2023-05-24T12:00:00+01:00",
        "TZ": "Europe/London",
        "COLUMNS": "120",
        "NO_COLOR": "1",
        "SHOWTRACK_LOCK_TIMEOUT": "2",
    }


def _commands(tmp: Path, victim_id: str) -> dict[str, list[str]]:
    path = write_pack(
        tmp / "fault-pack.json",
        pack(
            {
                "slug": SHOW,
                "title": "Heartstopper",
                "seasons": [{"number": 2, "episodes": 9}],
                "announcements": [
                    {"kind": "trailer", "headline": "Fault pack A", "date": "2023-06-01"},
                    {"kind": "photos", "headline": "Fault pack B", "date": "2023-06-02"},
                ],
            }
        ),
    )
    return {
        "add": ["add", "news", SHOW, "--headline", "Fault news", "--date", "2023-06-01"],
        "edit": ["edit", "show", SHOW, "--network", "Channel 4", "--status", "ended"],
        "remove": ["remove", "news", SHOW, victim_id, "--yes"],
        "import": ["import", str(path)],
        "news": ["news", "--json"],  # records the check: a write too
    }


Files = tuple[bytes, bytes, tuple[tuple[str, bytes], ...]]


def _files(db: Path) -> Files:
    """What the database holds: its file, its reading state (the check's file) and the
    news files its manifest names (a file it does not name is garbage, whatever it
    holds; one it names but is missing reads as b"MISSING")."""
    reading = db.with_name(db.name + ".reading")
    head = db.read_bytes()
    named: dict[str, bytes] = {}
    try:
        manifest = json.loads(head)["state"]["1"].get("news") or {}
    except (ValueError, KeyError, TypeError):
        manifest = {}
    folder = db.with_name(db.name + ".news")
    if manifest.get("layout") == "parts":
        for group in ("parts", "ids", "episodes"):
            for entry in manifest.get(group, {}).values():
                path = folder / entry["file"]
                named[entry["file"]] = path.read_bytes() if path.exists() else b"MISSING"
    return head, reading.read_bytes() if reading.exists() else b"", tuple(sorted(named.items()))


def _reset(db: Path, before: Files) -> None:
    db.write_bytes(before[0])
    reading = db.with_name(db.name + ".reading")
    reading.write_bytes(before[1])
    folder = db.with_name(db.name + ".news")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for name, data in before[2]:
        (folder / name).write_bytes(data)


def _clean_result(db: Path, args: list[str]) -> Files:
    """What the files hold after the command succeeds (run on a copy)."""
    runner = CliRunner()
    result = runner.invoke(cli_module.app, args, env=_env(db), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return _files(db)


def test_io_fault_at_every_step_leaves_before_or_after(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    seeded = store.Store.open(baseline, now=datetime(2023, 5, 24, 11, 0, tzinfo=UTC))
    seeded.record_check(None, 4)  # an earlier check: `news` then reads only what came after
    raw = load_db(baseline)
    victim_id = next(doc["id"] for doc in raw["announcements"].values())
    commands = _commands(tmp_path, victim_id)
    work = tmp_path / "work"
    work.mkdir()
    db = work / "db.json"
    before = _files(baseline)
    expected_after: dict[str, Files] = {}
    for name, args in commands.items():
        _reset(db, before)
        expected_after[name] = _clean_result(db, args)
        assert expected_after[name] != before, name
    combos = [
        (code, persistent) for code in (errno.EIO, errno.ENOSPC) for persistent in (False, True)
    ]
    if not LONG:
        combos = [(errno.EIO, False), (errno.ENOSPC, True)]
    names = list(commands) if LONG else ["add", "edit", "import", "news"]
    runner = CliRunner()
    problems: list[str] = []
    faults_injected = 0
    runs = 0
    max_k = 0
    for code, persistent in combos:
        for name in names:
            args = commands[name]
            for k in range(1, 200):
                _reset(db, before)
                for stray in temp_files(work):
                    os.unlink(work / stray)
                faults = Faults(k, code, persistent)
                with pytest.MonkeyPatch.context() as mp:
                    _install(mp, faults)
                    faults.armed = True
                    try:
                        result = runner.invoke(cli_module.app, args, env=_env(db))
                    finally:
                        faults.armed = False
                runs += 1
                label = f"{os.strerror(code)} {'from' if persistent else 'at'} op {k} ({faults.ops[k - 1] if len(faults.ops) >= k else '-'}) in {name}"
                if faults.fired == 0:
                    max_k = max(max_k, k - 1)
                    if result.exit_code != 0:
                        problems.append(f"{label}: no fault but exit {result.exit_code}")
                    break
                faults_injected += faults.fired
                now = _files(db)
                if isinstance(result.exception, BaseException) and not isinstance(
                    result.exception, SystemExit
                ):
                    problems.append(f"{label}: crashed with {result.exception!r}")
                    continue
                if now not in (before, expected_after[name]):
                    problems.append(f"{label}: the file is neither before nor after")
                unrecorded = name == "news" and "This check was not recorded" in result.stderr
                if result.exit_code == 0 and now != expected_after[name] and not unrecorded:
                    problems.append(f"{label}: exit 0 but the change is not in the file")
                if unrecorded and (result.exit_code != 0 or now != before):
                    problems.append(f"{label}: 'not recorded', but exit {result.exit_code}")
                if result.exit_code != 0:
                    lines = [line for line in result.stderr.splitlines() if line.strip()]
                    if len(lines) != 1 or not lines[0].startswith("Error: "):
                        problems.append(f"{label}: stderr is not one error line: {lines!r}")
                    if "Traceback" in result.stderr + result.stdout:
                        problems.append(f"{label}: traceback")
                left = temp_files(work)
                if left:
                    problems.append(f"{label}: temp files left: {left}")
    record("io fault loop", runs=runs, faults_injected=faults_injected, ops_per_write=max_k)
    print(
        f"I/O fault loop: {runs} runs, {faults_injected} faults injected, longest run {max_k} ops"
    )
    assert runs > 40
    assert not problems, "\n".join(problems[:30])


# --- item 3: a full disk ----------------------------------------------------------------


def _limit(max_bytes: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return apply


def _run_limited(env: dict[str, str], max_bytes: int, *args: str) -> tuple[int, str]:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "showtrack", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
        preexec_fn=_limit(max_bytes),  # noqa: PLW1509 - single-threaded at this point
        check=False,
    )
    return proc.returncode, proc.stderr.decode("utf-8", "replace")


def test_full_disk_fails_cleanly_and_leaves_the_file(tmp_path: Path) -> None:
    db, env = empty_db(tmp_path)
    news = [
        {"kind": "other", "headline": f"Filler {index} — ünïcödé ✓", "date": "2023-01-01"}
        for index in range(300)
    ]
    filler = write_pack(
        tmp_path / "filler.json", pack({"slug": "big", "title": "Big", "announcements": news})
    )
    assert cli(env, "import", str(filler)).code == 0
    before = db.read_bytes()
    size = len(before)
    runs = 0
    for limit in (size // 2, size, size + 10):
        for args in (
            ["add", "news", "big", "--headline", "One more that does not fit " + "x" * 400],
            ["import", str(filler.with_name("more.json"))],
        ):
            more = [{"kind": "other", "headline": f"More {i} {'y' * 300}"} for i in range(100)]
            write_pack(
                filler.with_name("more.json"),
                pack({"slug": "big", "title": "Big", "announcements": more}),
            )
            code, err = _run_limited(env, limit, *args)
            runs += 1
            assert code == 1, (limit, args[0], code, err)
            lines = [line for line in err.splitlines() if line.strip()]
            assert len(lines) == 1, lines
            assert "Traceback" not in err
            assert str(db) in err or "database" in err.lower(), err
            assert db.read_bytes() == before, f"the file changed under a {limit}-byte limit"
            assert temp_files(db.parent) == []
    # and a database that cannot even be created leaves nothing behind
    fresh = tmp_path / "fresh" / "db.json"
    fresh.parent.mkdir()
    code, err = _run_limited(base_env(tmp_path, fresh), 100, "init")
    runs += 1
    assert code == 1, err
    assert "Traceback" not in err
    assert not fresh.exists()
    assert temp_files(fresh.parent) == []
    record("full disk", runs=runs, faults_injected=runs)
    # the database is still whole and writable once there is room again
    assert headlines(load_db(db)) >= {n["headline"] for n in news}
    assert cli(env, "add", "news", "big", "--headline", "Room again").code == 0
    shutil.rmtree(tmp_path / "fresh")
