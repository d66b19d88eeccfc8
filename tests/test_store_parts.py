"""The parted layout (schema 7): the news in files of their own, committed as one.

What is checked here: a write touches only the news files it changes; every file is
a TinyDB database; the manifest names exactly the files in the news folder after a
commit; a reader keeps reading what it read while writers commit; a damaged or
missing news file is refused and left alone; a single-file database reads as it is
and is parted by its first write.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tinydb import TinyDB

from conftest import Invoker, assert_clean, legacy_bytes, ok, raw_database
from showtrack import store
from showtrack.errors import DatabaseError
from showtrack.models import Announcement, Dataset, Show
from showtrack.store import layout

NOW = datetime(2023, 5, 24, 11, 0, tzinfo=UTC)


def news_dir(path: Path) -> Path:
    return path.with_name(path.name + ".news")


def manifest(path: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(path.read_bytes())["state"]["1"]["news"]
    return found


def named(path: Path) -> set[str]:
    doc = manifest(path)
    return {
        entry["file"]
        for group in ("parts", "ids", "episodes")
        for entry in doc.get(group, {}).values()
    }


def big(tmp: Path, count: int) -> Path:
    """A database with ``count`` announcements of one show (more than a part holds)."""
    path = tmp / "big" / "showtrack.json"
    path.parent.mkdir(parents=True)
    news = [Announcement("one", "other", f"Item {n:05d}") for n in range(count)]
    data = Dataset(shows=[Show("one", "One")], announcements=news)
    store.Store.open(path, now=NOW, seed=lambda: data)
    return path


def add(path: Path, *headlines: str) -> store.Commit:
    opened = store.Store.open(path, now=NOW)
    items = [Announcement("one", "other", text) for text in headlines]
    _, commit = opened.write(
        lambda snap, now: (store.ChangeSet.of(Dataset(announcements=items)), None)
    )
    return commit


def test_news_beyond_one_part_is_split_by_seq_and_every_file_is_a_tinydb_database(
    tmp_path: Path,
) -> None:
    path = big(tmp_path, layout.PART + 10)
    doc = manifest(path)
    assert sorted(doc["parts"], key=int) == ["0", "1"]
    assert (doc["parts"]["0"]["count"], doc["parts"]["1"]["count"]) == (layout.PART, 10)
    assert doc["parts"]["1"]["max_seq"] == layout.PART + 10
    assert named(path) == {item.name for item in news_dir(path).iterdir()}
    with TinyDB(path) as head:
        assert [row["slug"] for row in head.table("shows").all()] == ["one"]
    for name in named(path):
        with TinyDB(news_dir(path) / name) as part:
            table = "announcements" if name.startswith("part-") else "ids"
            assert len(part.table(table)) > 0, name
    seqs = sorted(int(key) for key in raw_database(path)["announcements"])
    assert seqs == list(range(1, layout.PART + 11))


def test_a_write_touches_only_the_part_and_id_files_it_changes(tmp_path: Path) -> None:
    path = big(tmp_path, layout.PART + 10)
    before = manifest(path)
    first_part = (news_dir(path) / before["parts"]["0"]["file"]).read_bytes()
    commit = add(path, "Fresh news")
    after = manifest(path)
    assert after["parts"]["0"] == before["parts"]["0"]  # the full part is not rewritten
    assert after["parts"]["1"]["file"] != before["parts"]["1"]["file"]
    changed_ids = [key for key in after["ids"] if after["ids"][key] != before["ids"].get(key)]
    assert len(changed_ids) == 1
    assert (news_dir(path) / after["parts"]["0"]["file"]).read_bytes() == first_part
    assert named(path) == {item.name for item in news_dir(path).iterdir()}  # old files removed
    assert list(commit.seqs.values()) == [layout.PART + 11]


def test_an_import_that_updates_old_news_and_adds_new_commits_both_parts(tmp_path: Path) -> None:
    path = big(tmp_path, layout.PART + 10)
    before = manifest(path)
    opened = store.Store.open(path, now=NOW)
    old = opened.announcements(after=0)[0]
    changed = old._replace(body="A body added later")
    fresh = Announcement("one", "other", "Brand new")
    opened.write(
        lambda snap, now: (
            _changes(updated=[changed], added=[fresh]),
            None,
        )
    )
    after = manifest(path)
    assert after["parts"]["0"]["file"] != before["parts"]["0"]["file"]
    assert after["parts"]["1"]["file"] != before["parts"]["1"]["file"]
    again = store.Store.open(path, now=NOW)
    assert again.announcements(after=0)[0].body == "A body added later"
    assert [item.headline for item in again.announcements(after=layout.PART + 10)] == ["Brand new"]


def _changes(*, updated: list[Announcement], added: list[Announcement]) -> store.ChangeSet:
    changes = store.ChangeSet()
    for item in updated:
        changes.update_news(item)
    for item in added:
        changes.add_news(item)
    return changes


def test_a_reader_keeps_reading_what_it_read_while_writers_commit(tmp_path: Path) -> None:
    path = big(tmp_path, 20)
    reader = store.Store.open(path, now=NOW)
    add(path, "Second")
    add(path, "Third")  # the files the reader's manifest names are gone from the folder now
    gone = {name for name in _files_of(reader) if name.startswith("part-")}
    assert gone
    assert not gone & {item.name for item in news_dir(path).iterdir()}
    assert len(reader.announcements()) == 20  # what it read, whole
    assert len(store.Store.open(path, now=NOW).announcements()) == 22


def _files_of(opened: store.Store) -> set[str]:
    doc = opened.snapshot._loaded.news.manifest
    return {
        entry["file"]
        for group in ("parts", "ids", "episodes")
        for entry in doc.get(group, {}).values()
    }


def test_a_crash_before_the_commit_leaves_the_old_database_and_garbage_the_next_write_removes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = big(tmp_path, 20)
    before = raw_database(path)
    real = store.durable.atomic_write

    def crash(target: Path, *args: Any, **kwargs: Any) -> None:
        if Path(target) == path.resolve():
            raise OSError(5, "Input/output error")
        real(target, *args, **kwargs)

    monkeypatch.setattr(store.durable, "atomic_write", crash)
    with pytest.raises(DatabaseError, match="as it was before"):
        add(path, "Never committed")
    monkeypatch.undo()
    assert raw_database(path) == before
    leftovers = {item.name for item in news_dir(path).iterdir()} - named(path)
    assert leftovers  # the news files written for the commit that did not happen
    add(path, "Committed")
    assert named(path) == {item.name for item in news_dir(path).iterdir()}
    headlines = [doc["headline"] for doc in raw_database(path)["announcements"].values()]
    assert "Never committed" not in headlines
    assert headlines[-1] == "Committed"


def test_a_damaged_news_file_is_refused_and_left_as_it_was(invoke: Invoker) -> None:
    part = news_dir(invoke.db) / manifest(invoke.db)["parts"]["0"]["file"]
    part.write_bytes(part.read_bytes().replace(b"Season 2", b"Season 9"))
    damaged = part.read_bytes()
    head = invoke.db.read_bytes()
    for args in (["news", "--peek"], ["news", "--all"], ["export"],
                 ["add", "news", "heartstopper", "--headline", "Over damage"],
                 ["timeline", "heartstopper"]):  # fmt: skip
        result = invoke(*args)
        assert result.exit_code == 1, (args, result.stderr)
        assert_clean(result)
        assert "is damaged" in result.stderr
        assert str(part) in result.stderr
    assert part.read_bytes() == damaged
    assert invoke.db.read_bytes() == head
    assert ok(invoke("cast", "heartstopper")).stdout  # what does not read the news still works


def test_a_missing_news_file_is_named(invoke: Invoker) -> None:
    part = news_dir(invoke.db) / manifest(invoke.db)["parts"]["0"]["file"]
    part.unlink()
    result = invoke("news", "--peek")
    assert result.exit_code == 1
    assert_clean(result)
    assert "is missing" in result.stderr
    assert part.name in result.stderr


def test_a_single_file_database_reads_as_it_is_and_is_parted_by_its_first_write(
    invoke: Invoker,
) -> None:
    single = legacy_bytes(invoke.db)
    shutil.rmtree(news_dir(invoke.db))
    invoke.db.write_bytes(single)
    shown = ok(invoke("news", "--peek", "--json")).stdout
    ok(invoke("countdown"))
    assert invoke.db.read_bytes() == single  # reading changes nothing
    assert not news_dir(invoke.db).exists()
    ok(invoke("add", "news", "heartstopper", "--headline", "First write"))
    assert json.loads(invoke.db.read_bytes())["state"]["1"]["schema_version"] == 8
    assert b'"announcements"' not in invoke.db.read_bytes()
    items = json.loads(ok(invoke("news", "--peek", "--json")).stdout)["announcements"]
    before = json.loads(shown)["announcements"]
    assert [a["id"] for a in items] == [a["id"] for a in before] + [items[-1]["id"]]
    assert items[-1]["seq"] == max(a["seq"] for a in before) + 1


def test_an_export_is_refused_into_the_news_folder(invoke: Invoker) -> None:
    target = news_dir(invoke.db) / "export.json"
    result = invoke("export", "-o", str(target))
    assert result.exit_code == 1
    assert "part of the database" in result.stderr
    assert not target.exists()


def test_a_reader_of_many_parts_raises_its_open_file_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import resource

    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(resource, "getrlimit", lambda which: (1024, 65536))
    monkeypatch.setattr(resource, "setrlimit", lambda which, limits: calls.append(limits))
    layout._allow_open_files(100)
    assert calls == []  # a few files: nothing to do
    layout._allow_open_files(800)  # ~3M announcements: more than half the soft limit
    assert calls == [(800 * 2 + 64, 65536)]
