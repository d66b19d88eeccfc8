"""The database file: seeding, refusal of damaged files, atomic writes, the lock."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import NOW_DT, raw_database
from showtrack import store
from showtrack.errors import DatabaseBusyError, DatabaseError
from showtrack.sources import jsonfile

TINY = {
    "format": "showtrack/1",
    "shows": [
        {
            "slug": "tiny",
            "title": "Tiny",
            "seasons": [{"number": 1, "premiere": "2024"}],
            "announcements": [{"kind": "other", "headline": "Tiny news", "date": "2023-01-02"}],
        }
    ],
}


def tiny() -> jsonfile.Dataset:
    return jsonfile.read_document(TINY, "test")


def temp_files(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


# --- creating ------------------------------------------------------------------------


def test_first_open_creates_and_seeds_from_bundled_data(db_path: Path) -> None:
    assert not db_path.parent.exists()
    opened = store.Store.open(db_path, now=NOW_DT)
    assert db_path.is_file()
    assert [show.slug for show in opened.shows()] == ["heartstopper"]
    assert len(opened.credits("heartstopper")) == 19
    raw = raw_database(db_path)
    assert raw["state"]["1"]["schema_version"] == store.SCHEMA_VERSION
    assert "last_check" not in raw["state"]["1"]  # the reading state has a file of its own
    assert raw["state"]["1"]["last_seq"] == 12
    assert all(doc["recorded_at"].startswith("2023-05-24T11:00:00") for doc in opened_docs(raw))
    assert sorted(int(key) for key in raw["announcements"]) == list(range(1, 13))
    assert all(int(key) == doc["seq"] for key, doc in raw["announcements"].items())


def opened_docs(raw: dict[str, Any]) -> list[dict[str, Any]]:
    return list(raw["announcements"].values())


def test_new_file_is_private(db_path: Path) -> None:
    store.Store.open(db_path, now=NOW_DT)
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_existing_file_is_not_reseeded(db_path: Path) -> None:
    store.Store.open(db_path, now=NOW_DT, seed=tiny)
    before = db_path.read_bytes()
    calls: list[int] = []

    def seed() -> jsonfile.Dataset:
        calls.append(1)
        return tiny()

    again = store.Store.open(db_path, now=NOW_DT + timedelta(days=1), seed=seed)
    assert calls == []
    assert [show.slug for show in again.shows()] == ["tiny"]
    assert db_path.read_bytes() == before


def test_seed_failure_creates_nothing(db_path: Path) -> None:
    def broken() -> jsonfile.Dataset:
        return jsonfile.read_document({"shows": [{"slug": "Bad Slug", "title": "x"}]}, "test")

    with pytest.raises(jsonfile.DataError):
        store.Store.open(db_path, now=NOW_DT, seed=broken)
    assert not db_path.exists()
    assert temp_files(db_path.parent) == []


# --- refusing what is not ours -----------------------------------------------------------

BAD_FILES: dict[str, bytes] = {
    "empty": b"",
    "whitespace": b"  \n\t\n",
    "truncated": b'{"shows": {"1": {"slug": "heartst',
    "trailing-garbage": b'{"state": {"1": {"schema_version": 1}}} garbage',
    "list": b"[1, 2, 3]",
    "string": b'"hello"',
    "invalid-utf8": b'{"state": {"1": {"schema_version": 1}}, "x": "\xff\xfe"}',
    "foreign-object": b'{"name": "someone else\'s settings", "volume": 11}',
    "tinydb-default": b'{"_default": {"1": {"a": 1}}}',
    "future-schema": b'{"state": {"1": {"schema_version": 99}}, "shows": {}}',
    "schema-as-text": b'{"state": {"1": {"schema_version": "1"}}}',
    "schema-bool": b'{"state": {"1": {"schema_version": true}}}',
    "schema-zero": b'{"state": {"1": {"schema_version": 0}}}',
    "table-not-records": b'{"state": {"1": {"schema_version": 1}}, "shows": [1, 2]}',
    "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_refused_and_left_untouched(db_path: Path, name: str) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(BAD_FILES[name])
    os.chmod(db_path, 0o644)
    with pytest.raises(DatabaseError) as caught:
        store.Store.open(db_path, now=NOW_DT)
    message = caught.value.message
    assert str(db_path) in message
    assert "Traceback" not in message
    assert len(message) < 400
    assert db_path.read_bytes() == BAD_FILES[name]
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o644
    assert temp_files(db_path.parent) == []


def test_future_schema_message_says_upgrade(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(BAD_FILES["future-schema"])
    with pytest.raises(DatabaseError, match="newer showtrack"):
        store.Store.open(db_path, now=NOW_DT)


def test_a_folder_at_the_path_is_refused(db_path: Path) -> None:
    db_path.mkdir(parents=True)
    with pytest.raises(DatabaseError, match="folder"):
        store.Store.open(db_path, now=NOW_DT)


def test_dangling_symlink_is_not_created_through(tmp_path: Path) -> None:
    link = tmp_path / "db.json"
    link.symlink_to(tmp_path / "elsewhere" / "missing.json")
    with pytest.raises(DatabaseError, match=str(link)):
        store.Store.open(link, now=NOW_DT)
    assert link.is_symlink()
    assert not (tmp_path / "elsewhere").exists()


def test_malformed_record_is_reported_on_read(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    data = b'{"state": {"1": {"schema_version": 1}}, "shows": {"1": {"title": "no slug"}}}'
    db_path.write_bytes(data)
    opened = store.Store.open(db_path, now=NOW_DT)
    with pytest.raises(
        DatabaseError, match=r"damaged: shows record 1\.slug: is required"
    ) as caught:
        opened.shows()
    assert str(db_path) in caught.value.message
    assert db_path.read_bytes() == data  # the migration was not saved over damage


def test_older_schema_is_migrated_once_and_saved(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    version_one = {
        "shows": {"1": {"slug": "old", "title": "Old"}},
        "seasons": {},
        "credits": {},
        "announcements": {},
        "state": {"1": {"schema_version": 1, "last_check": None, "checks": {}}},
    }
    db_path.write_bytes(json.dumps(version_one).encode())
    opened = store.Store.open(db_path, now=NOW_DT)
    assert [show.slug for show in opened.shows()] == ["old"]
    raw = json.loads(db_path.read_bytes())
    assert raw["state"]["1"]["schema_version"] == store.SCHEMA_VERSION
    assert raw["shows"]["1"]["slug"] == "old"
    saved = db_path.read_bytes()
    store.Store.open(db_path, now=NOW_DT).shows()
    assert db_path.read_bytes() == saved  # not migrated again


def _set_network(opened: store.Store, value: str) -> store.Commit:
    def decide(snapshot: store.Snapshot, now: object) -> tuple[store.ChangeSet, None]:
        changes = store.ChangeSet()
        show = snapshot.show("heartstopper")
        assert show is not None
        changes.put_record(show._replace(network=value))
        return changes, None

    return opened.write(decide)[1]


def _network(path: Path) -> str | None:
    return store.Store.open(path, now=NOW_DT).shows()[0].network


# --- writing ------------------------------------------------------------------------------


def test_writing_replaces_the_file(seeded: store.Store) -> None:
    inode = seeded.path.stat().st_ino
    _set_network(seeded, "BBC")
    assert seeded.shows()[0].network == "BBC"
    assert _network(seeded.path) == "BBC"
    assert seeded.path.stat().st_ino != inode  # replaced, not rewritten in place
    assert temp_files(seeded.path.parent) == []
    assert stat.S_IMODE(seeded.path.stat().st_mode) == 0o600


def test_writing_nothing_leaves_the_file_alone(seeded: store.Store) -> None:
    before = seeded.path.read_bytes()
    inode = seeded.path.stat().st_ino
    seeded.write(lambda snapshot, now: (store.ChangeSet(), None))
    assert seeded.path.read_bytes() == before
    assert seeded.path.stat().st_ino == inode


def test_failure_inside_writing_changes_nothing(seeded: store.Store) -> None:
    before = seeded.path.read_bytes()
    shows_before = seeded.shows()

    def fail_halfway(snapshot: store.Snapshot, now: object) -> tuple[store.ChangeSet, None]:
        changes = store.ChangeSet()
        changes.delete_record(snapshot.shows()[0])
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        seeded.write(fail_halfway)
    assert seeded.path.read_bytes() == before
    assert seeded.shows() == shows_before
    assert temp_files(seeded.path.parent) == []


def test_failed_replace_keeps_the_old_file(
    seeded: store.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = seeded.path.read_bytes()

    def refuse(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(DatabaseError, match="as it was") as caught:
        _set_network(seeded, "BBC")
    assert str(seeded.path) in caught.value.message
    assert seeded.path.read_bytes() == before
    assert temp_files(seeded.path.parent) == []


def test_writing_preserves_an_existing_files_mode(seeded: store.Store) -> None:
    os.chmod(seeded.path, 0o640)
    _set_network(seeded, "BBC")
    assert stat.S_IMODE(seeded.path.stat().st_mode) == 0o640


def test_symlinked_db_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real" / "showtrack.json"
    store.Store.open(real, now=NOW_DT)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    opened = store.Store.open(link, now=NOW_DT)
    _set_network(opened, "BBC")
    opened.record_check(None, 3)
    assert link.is_symlink()
    assert os.readlink(link) == str(real)
    assert _network(real) == "BBC"
    assert (real.parent / "showtrack.json.reading").is_file()  # beside the real file
    assert temp_files(tmp_path) == []
    assert temp_files(real.parent) == []


def test_writing_rereads_the_file(db_path: Path) -> None:
    first = store.Store.open(db_path, now=NOW_DT)
    second = store.Store.open(db_path, now=NOW_DT)
    _set_network(first, "BBC")

    def creator(snapshot: store.Snapshot, now: object) -> tuple[store.ChangeSet, None]:
        changes = store.ChangeSet()
        changes.put_record(snapshot.shows()[0]._replace(creator="Someone"))
        return changes, None

    second.write(creator)  # decided from the file as it is under the lock
    shows = store.Store.open(db_path, now=NOW_DT).shows()
    assert (shows[0].network, shows[0].creator) == ("BBC", "Someone")


def test_lone_surrogate_in_data_round_trips(tmp_path: Path) -> None:
    """Whatever the store writes, it must be able to read back."""
    doc = {"shows": [{"slug": "odd", "title": "Odd \ud800 title"}]}
    path = tmp_path / "odd.json"
    opened = store.Store.open(path, now=NOW_DT, seed=lambda: jsonfile.read_document(doc, "t"))
    assert [show.slug for show in opened.shows()] == ["odd"]
    assert store.Store.open(path, now=NOW_DT).shows()[0].title.startswith("Odd ")


# --- the lock ---------------------------------------------------------------------------

HOLDER = """
import sys
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("locked", flush=True)
sys.stdin.read()
lock.release()
"""


@pytest.fixture
def hold_lock() -> Iterator[Callable[[Path], None]]:
    holders: list[subprocess.Popen[str]] = []

    def hold(path: Path) -> None:
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, f"{os.path.realpath(path)}.lock"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        holders.append(proc)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"

    yield hold
    for proc in holders:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


def test_write_while_another_process_holds_the_lock_is_busy(
    seeded: store.Store, hold_lock: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store.durable, "LOCK_TIMEOUT", 0.2)  # read when the lock is taken
    before = seeded.path.read_bytes()
    hold_lock(seeded.path)
    start = time.monotonic()
    with pytest.raises(DatabaseBusyError, match="right now") as caught:
        _set_network(seeded, "BBC")
    assert time.monotonic() - start < 5  # the patched timeout, not the default 10 s
    assert str(seeded.path) in caught.value.message
    assert caught.value.exit_code == 1
    assert seeded.path.read_bytes() == before


def test_reads_need_no_lock(
    seeded: store.Store, hold_lock: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store.durable, "LOCK_TIMEOUT", 0.2)
    hold_lock(seeded.path)
    assert [s.slug for s in store.Store.open(seeded.path, now=NOW_DT).shows()] == ["heartstopper"]


def test_lock_through_a_symlink_uses_the_real_files_lock(
    tmp_path: Path, hold_lock: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store.durable, "LOCK_TIMEOUT", 0.2)
    real = tmp_path / "real.json"
    store.Store.open(real, now=NOW_DT)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    hold_lock(real)
    opened = store.Store.open(link, now=NOW_DT)
    with pytest.raises(DatabaseBusyError):
        _set_network(opened, "BBC")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            b'{"state": {"1": {"last_check": "2023',
            "Unterminated string starting at: line 1, column",
        ),
        (b'{"state": [1,,]}', "Expecting value: line 1, column 14"),
    ],
)
def test_invalid_json_is_placed_by_line_and_column(tmp_path: Path, text: bytes, where: str) -> None:
    path = tmp_path / "db.json"
    path.write_bytes(text)
    with pytest.raises(DatabaseError) as caught:
        store.Store.open(path, now=NOW_DT)
    assert f"not valid JSON ({where}" in caught.value.message
    assert "at at" not in caught.value.message
    assert path.read_bytes() == text
