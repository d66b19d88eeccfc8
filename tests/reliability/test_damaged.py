"""Item 8: damaged files are refused, naming the file, and stay byte-identical."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from reliability.support import (
    base_env,
    cli,
    cli_many,
    pack,
    record,
    single_file_bytes,
    temp_files,
    write_pack,
)

SHOW = "heartstopper"


_SEED: list[bytes] = []


def _seed_bytes(tmp: Path) -> bytes:
    """The bundled database's bytes (the clock is frozen, so the same every time)."""
    if not _SEED:
        db = tmp / "seed" / "db.json"
        db.parent.mkdir(parents=True, exist_ok=True)
        done = cli(base_env(tmp, db), "init")
        assert done.code == 0, str(done)
        _SEED.append(single_file_bytes(db))  # one file, as a hand edit would leave it
    return _SEED[0]


def _edit(change: Callable[[dict], None]) -> Callable[[bytes], bytes]:  # type: ignore[type-arg]
    def make(good: bytes) -> bytes:
        raw = json.loads(good)
        change(raw)
        return json.dumps(raw).encode()

    return make


def _set_version(value: object) -> Callable[[dict], None]:  # type: ignore[type-arg]
    def change(raw: dict) -> None:  # type: ignore[type-arg]
        raw["state"]["1"]["schema_version"] = value

    return change


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "zero-bytes": lambda good: b"",
    "nul-bytes": lambda good: b"\x00" * 64,
    "truncated-half": lambda good: good[: len(good) // 2],
    "truncated-last-byte": lambda good: good[:-1],
    "trailing-garbage": lambda good: good + b"garbage",
    "trailing-second-object": lambda good: good + b"{}",
    "top-level-list": lambda good: b"[]",
    "invalid-utf8": lambda good: good.replace(b"Heartstopper", b"Heart\xff\xfestopper", 1),
    "utf8-bom": lambda good: b"\xef\xbb\xbf" + good,
    "future-schema": _edit(_set_version(99)),
    "schema-as-text": _edit(_set_version("2")),
    "schema-zero": _edit(_set_version(0)),
    "no-state": _edit(lambda raw: raw.pop("state")),
    "table-is-a-list": _edit(lambda raw: raw.__setitem__("shows", [])),
    "deep-nesting": lambda good: b"[" * 100_000 + b"]" * 100_000,
    "foreign-json": lambda good: b'{"_default": {"1": {"name": "a TinyDB of someone else"}}}',
}


def _check(label: str, done: object, db: Path, before: bytes, problems: list[str]) -> None:
    from reliability.support import Done

    assert isinstance(done, Done)
    if done.code != 1:
        problems.append(f"{label}: exit {done.code}, expected 1: {done.stderr[-200:]}")
    if "Traceback" in done.stderr or "Traceback" in done.stdout:
        problems.append(f"{label}: traceback: {done.stderr[-400:]}")
    elif str(db) not in done.stderr:
        problems.append(f"{label}: the message does not name {db}: {done.stderr.strip()!r}")
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    if len(lines) != 1:
        problems.append(f"{label}: {len(lines)} lines on stderr")
    if db.read_bytes() != before:
        problems.append(f"{label}: THE FILE CHANGED")
    if temp_files(db.parent):
        problems.append(f"{label}: temp files left: {temp_files(db.parent)}")


def test_damaged_files_are_refused_and_left_byte_identical(tmp_path: Path) -> None:
    good = _seed_bytes(tmp_path)
    addition = write_pack(tmp_path / "pack.json", pack({"slug": "other", "title": "Other"}))
    jobs = []
    cases = []
    for name, damage in DAMAGE.items():
        folder = tmp_path / name
        folder.mkdir()
        db = folder / "showtrack.json"
        db.write_bytes(damage(good))
        env = base_env(tmp_path, db)
        commands = [["shows"], ["add", "news", SHOW, "--headline", "Must not land"]]
        if name in ("zero-bytes", "truncated-half", "future-schema", "top-level-list"):
            commands.append(["import", str(addition)])
        for args in commands:
            jobs.append((env, args))
            cases.append((name, db, db.read_bytes(), args[0]))
        if name == "zero-bytes":
            jobs.append((env, ["init"]))
            cases.append((name, db, db.read_bytes(), "init"))
    results = cli_many(jobs)
    problems: list[str] = []
    for (name, db, before, command), done in zip(cases, results, strict=True):
        _check(f"{name} / {command}", done, db, before, problems)
    record("damaged files", runs=len(jobs), corrupt_files=0)
    assert not problems, "\n".join(problems)


MALFORMED_RECORDS = {
    "show-without-slug": lambda raw: raw["shows"]["1"].pop("slug"),
    "season-without-number": lambda raw: raw["seasons"]["1"].pop("number"),
    "credit-without-actor": lambda raw: raw["credits"]["1"].pop("actor"),
    "announcement-without-id": lambda raw: raw["announcements"]["1"].pop("id"),
    "premiere-not-a-date": lambda raw: raw["seasons"]["2"].__setitem__("premiere", "soonish"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED_RECORDS))
def test_a_malformed_record_is_refused_by_every_command(tmp_path: Path, name: str) -> None:
    """A file that parses but holds a broken record: each command says so (exit 1, naming
    the file), with no traceback, and writes nothing."""
    good = _seed_bytes(tmp_path)
    raw = json.loads(good)
    MALFORMED_RECORDS[name](raw)
    broken = json.dumps(raw).encode()
    addition = write_pack(tmp_path / "pack.json", pack({"slug": "other", "title": "Other"}))
    commands = [
        ["import", str(addition)],
        ["news", "--json"],
        ["add", "news", SHOW, "--headline", "Must not land"],
    ]
    jobs = []
    dbs = []
    for index, args in enumerate(commands):
        db = tmp_path / f"data{index}" / "showtrack.json"
        db.parent.mkdir()
        db.write_bytes(broken)
        dbs.append(db)
        jobs.append((base_env(tmp_path, db), args))
    results = cli_many(jobs)
    problems: list[str] = []
    for db, args, done in zip(dbs, commands, results, strict=True):
        label = f"{name} / {' '.join(args[:2])}"
        if done.code == 0:
            # a command that never needs the broken record may succeed, but must not
            # drop or "repair" it
            after = json.loads(db.read_bytes())
            for table in ("shows", "seasons", "credits", "announcements"):
                for key, doc in raw[table].items():
                    if after[table].get(key) != doc:
                        problems.append(f"{label}: exit 0 and {table}[{key}] changed")
            continue
        _check(label, done, db, broken, problems)
    assert not problems, "\n".join(problems)
