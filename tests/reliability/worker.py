"""A worker process for the concurrency tests: runs many CLI commands in one process.

Starting Python costs ~0.3 s on this machine, so a worker invokes the Typer app
in-process in a loop: every invocation opens the store afresh, takes the
cross-process lock and writes atomically, exactly as a separate ``showtrack``
process would, but many times a second (more contention per second of test).

Each result is one JSON line on stdout. Usage::

    worker.py add-news SHOW PREFIX COUNT
    worker.py edit-show SHOW FIELD PREFIX COUNT      # then reads the file back each time
    worker.py read SECONDS                           # news --peek --json and the raw file
    worker.py hold-lock LOCKPATH SECONDS             # hold the flock, print "locked"
    worker.py mixed WHO SECONDS SEED BASE             # mixed writes (see ``mixed``)
    worker.py news-loop SECONDS                       # `news --json` again and again
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Any


def invoke(*args: str) -> tuple[int, str, str]:
    from showtrack.cli import app

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            app(list(args), prog_name="showtrack")
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        except BaseException as crash:  # noqa: BLE001 - reported, not hidden
            code = 99
            err.write(f"CRASH {type(crash).__name__}: {crash}")
    return code, out.getvalue(), err.getvalue()


def emit(**fields: Any) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def raw_file() -> dict[str, Any]:
    """The database as any reader sees it: its file and the news files it names."""
    tests = str(Path(__file__).resolve().parent.parent)
    if tests not in sys.path:
        sys.path.insert(0, tests)
    from reliability.support import Corrupt, load_db

    try:
        return load_db(Path(os.environ["SHOWTRACK_DB"]))
    except Corrupt as err:
        raise ValueError(str(err)) from None


def add_news(show: str, prefix: str, count: int) -> None:
    for index in range(count):
        headline = f"{prefix}-{index:05d}"
        code, _, err = invoke("add", "news", show, "--headline", headline, "--date", "2023-06-01")
        emit(op="add", headline=headline, code=code, err=err.strip()[-300:])


def edit_show(show: str, name: str, prefix: str, count: int) -> None:
    for index in range(count):
        value = f"{prefix}-{index:05d}"
        code, _, err = invoke("edit", "show", show, f"--{name}", value)
        doc = next(d for d in raw_file()["shows"].values() if d["slug"] == show)
        emit(
            op="edit",
            value=value,
            code=code,
            err=err.strip()[-300:],
            network=doc.get("network"),
            creator=doc.get("creator"),
        )


def read(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        code, out, err = invoke("news", "--peek", "--json")
        try:
            seen = sorted(item["id"] for item in json.loads(out)["announcements"])
            parsed = True
        except (ValueError, KeyError, TypeError):
            seen, parsed = [], False
        try:
            raw_ids = sorted(d["id"] for d in raw_file()["announcements"].values())
            raw_ok = True
        except (ValueError, KeyError, TypeError, OSError):
            raw_ids, raw_ok = [], False
        emit(op="read", code=code, parsed=parsed, ids=seen, raw_ok=raw_ok, raw_ids=raw_ids, err=err)


def hold_lock(path: str, seconds: float) -> None:
    from filelock import FileLock

    with FileLock(path, timeout=5):
        print("locked", flush=True)
        time.sleep(seconds)


def mixed(who: str, seconds: float, seed: int, base: str) -> None:
    """Mixed writes of one worker, each a whole CLI command: add news, import a pack,
    edit its own show's network, follow and unfollow its own feeds, sync everything.

    Worker WHO owns show ``w<WHO>``; only it edits that show or its feeds, so its last
    successful edit and feed changes must be what the file holds at the end.
    """
    import random
    import tempfile

    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    slug = f"w{who}"
    step = 0
    folder = tempfile.mkdtemp(prefix=f"worker-{who}-")
    while time.monotonic() < deadline:
        step += 1
        op = rng.choice(["add", "add", "import", "edit", "feed-add", "feed-remove", "sync"])
        args: list[str]
        detail: Any = None
        if op == "add":
            detail = f"{slug} added {step:05d}"
            args = ["add", "news", slug, "--headline", detail, "--date", "2023-06-01"]
        elif op == "import":
            detail = [f"{slug} imported {step:05d}-{k}" for k in range(3)]
            path = os.path.join(folder, f"pack-{step}.json")
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(
                    {"shows": [{"slug": slug, "title": slug.upper(), "announcements": [
                        {"kind": "other", "headline": text} for text in detail]}]},
                    handle,
                )  # fmt: skip
            args = ["import", path]
        elif op == "edit":
            detail = f"{slug}-net-{step:05d}"
            args = ["edit", "show", slug, "--network", detail]
        elif op == "feed-add":
            detail = f"{base}/feed/{who}/{rng.randrange(3)}"
            args = ["feed", "add", slug, detail]
        elif op == "feed-remove":
            detail = f"{base}/feed/{who}/{rng.randrange(3)}"
            args = ["feed", "remove", slug, detail]
        else:
            args = ["sync"]
        code, _, err = invoke(*args)
        emit(op=op, step=step, detail=detail, code=code, err=err.strip()[-300:])


def news_loop(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        code, out, err = invoke("news", "--json")
        try:
            items = json.loads(out)["announcements"]
            seen = [[item["id"], item["seq"]] for item in items]
        except (ValueError, KeyError, TypeError):
            seen = []
        emit(op="news", code=code, seen=seen, err=err.strip()[-300:])
        time.sleep(0.05)


def main() -> None:
    command, *rest = sys.argv[1:]
    if command == "add-news":
        add_news(rest[0], rest[1], int(rest[2]))
    elif command == "edit-show":
        edit_show(rest[0], rest[1], rest[2], int(rest[3]))
    elif command == "read":
        read(float(rest[0]))
    elif command == "hold-lock":
        hold_lock(rest[0], float(rest[1]))
    elif command == "mixed":
        mixed(rest[0], float(rest[1]), int(rest[2]), rest[3])
    elif command == "news-loop":
        news_loop(float(rest[0]))
    else:
        raise SystemExit(f"unknown worker command {command!r}")


if __name__ == "__main__":
    main()
