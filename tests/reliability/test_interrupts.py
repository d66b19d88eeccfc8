"""Ctrl-C at any moment, and output that can't be delivered, with real processes.

A check is recorded only after the output was written and flushed; Ctrl-C ends
every command with exit 130 and one true line ("as it was" only when nothing
landed), never a traceback from showtrack's code.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from reliability.support import LONG, cli, pack, record, scaled, write_pack


def _files(db: Path) -> tuple[bytes, bytes]:
    reading = db.with_name(db.name + ".reading")
    return db.read_bytes(), reading.read_bytes() if reading.exists() else b""


def test_news_to_a_full_disk_records_no_check(seeded: tuple[Path, dict[str, str]]) -> None:
    db, env = seeded
    before = _files(db)
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "showtrack", "news"],
            env=env,
            stdout=full,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )
    err = done.stderr.decode()
    assert done.returncode == 1, err
    assert err.strip().splitlines() == [
        "Error: Can't write the output: no space left on device. This check was not recorded."
    ]
    assert _files(db) == before
    assert "All news (first check): 12" in cli(env, "news").stdout


def test_news_in_an_encoding_that_cannot_show_it_records_no_check(
    seeded: tuple[Path, dict[str, str]],
) -> None:
    db, env = seeded
    before = _files(db)
    done = cli({**env, "PYTHONIOENCODING": "ascii"}, "news")
    if done.code == 0:  # the output fell back to ASCII and was delivered: then it counts
        assert "All news" in done.stdout
        return
    assert done.code == 1, done.stderr
    assert "This check was not recorded." in done.stderr
    assert "Traceback" not in done.stderr
    assert _files(db) == before


def test_news_into_a_pipe_closed_early_records_no_check(
    seeded: tuple[Path, dict[str, str]],
) -> None:
    """A reader that goes away before the output is written (a big output, `| head`)."""
    db, env = seeded
    filler = [  # enough news that the output outgrows the pipe's buffer
        {"kind": "other", "headline": f"Filler announcement number {index} " + "x" * 150}
        for index in range(400)
    ]
    path = write_pack(
        db.with_name("filler.json"),
        pack({"slug": "heartstopper", "title": "Heartstopper", "announcements": filler}),
    )
    assert cli(env, "import", str(path)).code == 0
    before = _files(db)
    proc = subprocess.Popen(
        [sys.executable, "-m", "showtrack", "news"],
        env={**env, "COLUMNS": "400"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    proc.stdout.read(100)
    proc.stdout.close()  # like `head -c 100`
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err
    assert _files(db) == before, err.decode()


COMMANDS = [
    ["countdown"],
    ["news"],
    ["add", "news", "heartstopper", "--headline", "Interrupted or not"],
    ["edit", "show", "heartstopper", "--network", "Interrupted TV"],
    ["cast", "heartstopper"],
]


def test_ctrl_c_at_any_moment_ends_with_one_true_line(
    seeded: tuple[Path, dict[str, str]],
) -> None:
    db, env = seeded
    env = {**env, "PYTHONDONTWRITEBYTECODE": ""}  # cached bytecode, as an installed program has
    env.pop("PYTHONDONTWRITEBYTECODE")
    assert cli(env, "countdown").code == 0  # warm the bytecode cache
    span = max(cli(env, "countdown").seconds, cli(env, "news", "--peek").seconds)
    runs = scaled(40, 400)
    rng = random.Random(10)
    problems: list[str] = []
    outcomes = {"finished": 0, "interrupted": 0, "before-python": 0, "python-start-up": 0}
    for index in range(runs):
        args = COMMANDS[index % len(COMMANDS)]
        before = _files(db)
        proc = subprocess.Popen(
            [sys.executable, "-m", "showtrack", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.0, span))  # from the first instruction to the end
        proc.send_signal(signal.SIGINT)
        _, raw_err = proc.communicate(timeout=60)
        err = raw_err.decode("utf-8", "replace")
        after = _files(db)
        label = f"{' '.join(args)} (run {index})"
        if proc.returncode == 0:
            outcomes["finished"] += 1
            continue
        if proc.returncode == -signal.SIGINT and not err:
            outcomes["before-python"] += 1  # killed before the interpreter took signals
            continue
        if "Traceback" in err:
            if "showtrack" in err:
                problems.append(f"{label}: a traceback from showtrack's code: {err[-500:]}")
            else:
                outcomes["python-start-up"] += 1  # inside the interpreter's own start-up
            continue
        outcomes["interrupted"] += 1
        lines = err.strip().splitlines()
        if proc.returncode != 130 or len(lines) != 1:
            problems.append(f"{label}: exit {proc.returncode}, stderr {lines!r}")
            continue
        if "as it was" in lines[0] and after != before:
            problems.append(f"{label}: said 'as it was' after a write landed")
        if "is kept" in lines[0] and after == before:
            problems.append(f"{label}: said something was kept, but nothing changed")
    record("ctrl-c", runs=runs, **outcomes)
    print(f"Ctrl-C: {runs} runs: {outcomes}")
    assert not problems, "\n".join(problems[:10])
    assert outcomes["interrupted"] > runs // 4
    if LONG:
        assert outcomes["python-start-up"] <= runs // 10
