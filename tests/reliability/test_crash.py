"""Item 1: kill -9 at a random moment during a loop of mixed add/edit/remove/import commits
and `news` checks.

The database must always parse, hold every commit whose command exited 0, and hold
the in-flight one wholly or not at all. Stray temp files must be harmless.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reliability.support import (
    Corrupt,
    base_env,
    cli,
    headlines,
    kill,
    load_db,
    pack,
    record,
    scaled,
    show_doc,
    spawn,
    temp_files,
    write_pack,
)

SHOW = "heartstopper"
BALLAST_0 = "Ballast 000000 🎬 新闻 خبر"
CHECKS_FROM = datetime(2023, 5, 24, 12, 0, tzinfo=UTC)  # each `news` check a second later


def _grow(tmp: Path, env: dict[str, str], count: int) -> None:
    """Give the file some weight (~count announcements) so a write takes real time."""
    news = [
        {"kind": "other", "headline": f"Ballast {index:06d} 🎬 新闻 خبر", "date": "2023-01-02"}
        for index in range(count)
    ]
    path = write_pack(
        tmp / "ballast.json", pack({"slug": SHOW, "title": "Heartstopper", "announcements": news})
    )
    done = cli(env, "import", str(path))
    assert done.code == 0, str(done)


@dataclass
class Model:
    """What the database must hold: headlines present and absent, the show's network."""

    present: set[str] = field(default_factory=set)
    absent: set[str] = field(default_factory=set)
    network: set[str] = field(default_factory=lambda: {"Netflix"})
    ids: dict[str, str] = field(default_factory=dict)


def test_kill_minus_nine_never_loses_or_mangles_a_commit(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "db.json"
    env = base_env(tmp_path, db)
    assert cli(env, "init").code == 0
    # more news than one part holds (4096), so that a commit can span two parts
    _grow(tmp_path, env, scaled(4200, 9000))
    durations_seen: dict[str, float] = {}
    # calibrate: how long each kind of command takes here when left alone
    for kind, args in (
        ("add", ["add", "news", SHOW, "--headline", "Calibration", "--date", "2023-06-01"]),
        ("edit", ["edit", "show", SHOW, "--network", "Netflix"]),
        ("import", ["import", str(tmp_path / "ballast.json")]),
    ):
        done = cli(env, *args)
        assert done.code == 0, str(done)
        durations_seen[kind] = done.seconds
    durations_seen["remove"] = durations_seen["add"]
    model = Model(present=headlines(load_db(db)))
    rng = random.Random(scaled(1, int(time.perf_counter_ns() % 10_000)))
    kills_wanted = scaled(20, 220)
    max_runs = kills_wanted * 3
    figures = {
        "runs": 0, "kills": 0, "kills_applied": 0, "kills_not_applied": 0, "exit0": 0,
        "records_lost": 0, "corrupt_files": 0, "half_applied": 0, "failed_exits": 0,
    }  # fmt: skip
    problems: list[str] = []
    durations = durations_seen
    deadline = time.monotonic() + scaled(25, 420)
    step = 0
    while figures["kills"] < kills_wanted and figures["runs"] < max_runs:
        if time.monotonic() > deadline:
            break
        step += 1
        kind = rng.choice(["add", "add", "edit", "remove", "import", "check", "retouch"])
        if kind == "remove" and not model.ids:
            kind = "add"
        new_headlines: set[str] = set()
        gone: str | None = None
        value = None
        check: str | None = None  # the last_check stamp a `news` run records
        body: str | None = None  # retouch: the first ballast item's new body
        run_env = env
        if kind == "check":  # after the first, it copies the unparsed news into the new file
            moment = CHECKS_FROM + timedelta(seconds=step)
            check = moment.isoformat(timespec="microseconds")
            run_env = {**env, "SHOWTRACK_NOW": moment.isoformat()}
            args: list[str] = ["news", "--json"]
        elif kind == "add":
            headline = f"Kill test {step:05d} ✓ «ok»"
            new_headlines = {headline}
            args = ["add", "news", SHOW, "--headline", headline, "--date", "2023-06-02"]
        elif kind == "edit":
            value = f"Net-{step:05d}"
            args = ["edit", "show", SHOW, "--network", value]
        elif kind == "remove":
            gone = rng.choice(sorted(model.ids))
            args = ["remove", "news", SHOW, model.ids[gone], "--yes"]
        elif kind == "retouch":  # one commit across two parts: an old item changed, one added
            body = f"Body {step:05d}"
            new_headlines = {f"Retouch {step:05d}"}
            items = [
                {"kind": "other", "headline": BALLAST_0, "date": "2023-01-02", "body": body},
                {"kind": "other", "headline": f"Retouch {step:05d}", "date": "2023-06-04"},
            ]
            path = write_pack(
                folder.parent / f"pack-{step}.json",
                pack({"slug": SHOW, "title": "Heartstopper", "announcements": items}),
            )
            args = ["import", str(path)]
        else:
            new_headlines = {f"Import {step:05d} a", f"Import {step:05d} b"}
            items = [
                {"kind": "other", "headline": h, "date": "2023-06-03"}
                for h in sorted(new_headlines)
            ]
            path = write_pack(
                folder.parent / f"pack-{step}.json",
                pack({"slug": SHOW, "title": "Heartstopper", "announcements": items}),
            )
            args = ["import", str(path)]
        typical = durations.get(kind, durations.get("add", 0.6))
        proc = spawn(run_env, *args)
        started = time.perf_counter()
        delay = rng.uniform(0.6 * typical, 1.05 * typical)
        try:
            proc.wait(timeout=delay)
        except Exception:  # noqa: BLE001 - TimeoutExpired: still running, kill it
            pass
        killed = proc.poll() is None
        kill(proc)
        elapsed = time.perf_counter() - started
        figures["runs"] += 1
        exit0 = not killed and proc.returncode == 0
        if exit0:
            figures["exit0"] += 1
        if not killed:
            durations[kind] = 0.5 * durations.get(kind, elapsed) + 0.5 * elapsed
            if proc.returncode != 0:
                figures["failed_exits"] += 1
                err = proc.stderr.read().decode() if proc.stderr else ""
                problems.append(f"step {step} {kind} exited {proc.returncode}: {err[-300:]}")
        else:
            figures["kills"] += 1
        try:
            raw = load_db(db)
        except Corrupt as err:
            figures["corrupt_files"] += 1
            problems.append(f"step {step}: corrupt after {'kill' if killed else 'exit'}: {err}")
            break
        have = headlines(raw)
        network = show_doc(raw, SHOW).get("network")
        lost = model.present - have - ({gone} if gone else set())
        if lost:
            figures["records_lost"] += len(lost)
            problems.append(f"step {step} ({kind}): lost {sorted(lost)[:3]}")
        back = model.absent & have
        if back:
            problems.append(f"step {step} ({kind}): removed records came back: {sorted(back)[:3]}")
        if network not in model.network | ({value} if value else set()):
            problems.append(
                f"step {step} ({kind}): network {network!r}, expected {model.network} or {value!r}"
            )
        # the in-flight command: wholly or not at all
        applied: bool | None = None
        if new_headlines:
            landed = new_headlines & have
            if landed and landed != new_headlines:
                figures["half_applied"] += 1
                problems.append(f"step {step}: import half applied: {sorted(landed)}")
            applied = bool(landed)
            if body is not None:
                first = next(d for d in raw["announcements"].values() if d["headline"] == BALLAST_0)
                if (first.get("body") == body) != applied:
                    figures["half_applied"] += 1
                    problems.append(f"step {step}: a commit across two parts half applied")
        elif gone is not None:
            applied = gone not in have
        elif value is not None:
            applied = network == value
        elif check is not None:
            applied = raw["state"]["1"].get("last_check") == check
        if exit0 and applied is False:
            figures["records_lost"] += 1
            problems.append(f"step {step} ({kind}) exited 0 but is not in the file")
        if killed:
            figures["kills_applied" if applied else "kills_not_applied"] += 1
        if applied:
            model.present |= new_headlines
            if gone is not None:
                model.present.discard(gone)
                model.absent.add(gone)
                del model.ids[gone]
            if value is not None:
                model.network = {value}
            for doc in raw["announcements"].values():
                if doc["headline"] in new_headlines:
                    model.ids[doc["headline"]] = doc["id"]
    # the file is still usable by showtrack itself, with whatever temp files were left
    left = temp_files(folder)
    final = cli(env, "export")  # every record (news --peek lists only what is new)
    assert final.code == 0, str(final)
    exported = {
        item["headline"] for show in final.json()["shows"] for item in show.get("announcements", [])
    }
    assert exported >= model.present
    write = cli(env, "add", "news", SHOW, "--headline", "After the storm", "--date", "2023-07-01")
    assert write.code == 0, str(write)
    record("kill -9 loop", temp_files_left=len(left), **figures)
    print(f"kill -9 loop: {figures}, temp files left behind: {len(left)}")
    assert figures["kills"] >= min(kills_wanted, 5), figures
    assert not problems, "\n".join(problems[:20])
