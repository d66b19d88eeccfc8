"""News you can trust: each case of the "new since my last check" issue, as a test.

New means committed after the check (a higher seq), never a clock comparison; a
check is recorded only after its output was written; writes are decided under
the lock, so a sync or a queued writer never undoes another's change; removals
take what refers to what they remove; bad paths and damaged records are
refused with the files left as they were.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import Invoker, assert_clean, copy_database, ok, raw_database
from showtrack import core, entry, render, store
from showtrack.errors import NotFoundError
from showtrack.models import Announcement, Dataset, Show
from sources_helpers import DATA, LocalServer, serve

Runner = Callable[..., Invoker]
NOON = "2023-05-24T12:00:00+01:00"


def news(invoke: Invoker, *args: str, now: str | None = None, **env: str | None) -> Any:
    extra = dict(env)
    if now is not None:
        extra["SHOWTRACK_NOW"] = now
    result = ok(invoke("news", "--json", *args, env_extra=extra))
    return json.loads(result.stdout)


def headlines(doc: dict[str, Any]) -> list[str]:
    return [item["headline"] for item in doc["announcements"]]


def add(invoke: Invoker, headline: str, now: str | None = None, *more: str) -> None:
    extra = {"SHOWTRACK_NOW": now} if now else None
    ok(invoke("add", "news", "heartstopper", "--headline", headline, *more, env_extra=extra))


def reading_file(invoke: Invoker) -> Path:
    return invoke.db.with_name(invoke.db.name + ".reading")


# --- order by a counter, not a clock -----------------------------------------------------


def test_a_frozen_clock_hides_nothing(invoke: Invoker) -> None:
    """The quickstart freezes SHOWTRACK_NOW: an item added after a check at that very
    instant is new."""
    assert len(headlines(news(invoke))) == 12
    add(invoke, "Added at the frozen instant")
    assert headlines(news(invoke)) == ["Added at the frozen instant"]
    assert headlines(news(invoke)) == []


def test_a_clock_that_goes_backwards_hides_nothing(invoke: Invoker) -> None:
    news(invoke, now="2023-05-24T12:00:00Z")
    add(invoke, "Added an hour before the check", "2023-05-24T11:00:00Z")
    assert headlines(news(invoke, now="2023-05-24T10:00:00Z")) == ["Added an hour before the check"]


def test_a_check_made_with_a_far_future_clock_hides_nothing(invoke: Invoker) -> None:
    news(invoke, now="2999-01-01T00:00:00Z")
    add(invoke, "Added after the far-future check", "2023-05-25T00:00:00Z")
    assert headlines(news(invoke, now="2023-05-25T00:01:00Z")) == [
        "Added after the far-future check"
    ]


def test_a_write_that_lands_after_the_read_stays_new(invoke: Invoker) -> None:
    """The order of a `news` run with a writer queued behind it: news reads, the writer
    commits, news records its check. The check covers only what news read."""
    reader = store.Store.open(invoke.db)
    result = core.news(reader.snapshot, reader.checks())
    assert len(result.items) == 12
    add(invoke, "Committed while news was printing")
    reader.record_check(result.show, result.mark)
    assert headlines(news(invoke)) == ["Committed while news was printing"]


def test_per_show_checks_are_seqs_too(runner: Runner) -> None:
    invoke = runner()
    ok(invoke("add", "show", "Other Show"))
    news(invoke)
    add(invoke, "Heartstopper item")
    ok(invoke("add", "news", "other-show", "--headline", "Other item"))
    assert headlines(news(invoke, "heartstopper")) == ["Heartstopper item"]
    assert headlines(news(invoke)) == ["Other item"]  # the per-show check hid only its own
    add(invoke, "Later Heartstopper item")
    assert headlines(news(invoke)) == ["Later Heartstopper item"]


def test_json_gives_each_announcement_its_seq(invoke: Invoker) -> None:
    doc = news(invoke)
    assert sorted(item["seq"] for item in doc["announcements"]) == list(range(1, 13))
    add(invoke, "Thirteenth")
    assert [item["seq"] for item in news(invoke)["announcements"]] == [13]


# --- a check is recorded only once its output is out --------------------------------------


@pytest.mark.parametrize(
    "failure", [OSError(28, "No space left on device"), UnicodeEncodeError("ascii", "é", 0, 1, "x")]
)
def test_output_that_fails_records_no_check(
    invoke: Invoker, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    def broken(*_: Any) -> None:
        raise failure

    with monkeypatch.context() as patched:
        patched.setattr(render, "emit", broken)
        result = invoke("news")
    assert result.exit_code == 1
    assert_clean(result)
    assert "Can't write the output" in result.stderr
    assert "This check was not recorded." in result.stderr
    assert not reading_file(invoke).exists()
    assert len(headlines(news(invoke))) == 12  # everything is still new


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, BrokenPipeError])
def test_ctrl_c_or_a_closed_pipe_during_output_records_no_check(
    invoke: Invoker, monkeypatch: pytest.MonkeyPatch, interrupt: type[BaseException]
) -> None:
    def stopped(*_: Any) -> None:
        raise interrupt()

    with monkeypatch.context() as patched:
        patched.setattr(render, "emit", stopped)
        result = invoke("news")
    assert_clean(result)
    if interrupt is KeyboardInterrupt:
        assert result.exit_code == 130
        assert (
            result.stderr == "Error: Interrupted; the database is as it was before this command.\n"
        )
    assert not reading_file(invoke).exists()
    assert len(headlines(news(invoke))) == 12


def test_recording_a_check_leaves_the_database_file_alone(invoke: Invoker) -> None:
    before, inode = invoke.db.read_bytes(), invoke.db.stat().st_ino
    news(invoke)
    assert invoke.db.read_bytes() == before
    assert invoke.db.stat().st_ino == inode
    assert reading_file(invoke).stat().st_size < 1000


def test_news_on_a_busy_database_still_shows_the_news(invoke: Invoker) -> None:
    from filelock import FileLock

    with FileLock(f"{invoke.db}.lock"):
        result = invoke("news", env_extra={"SHOWTRACK_LOCK_TIMEOUT": "0.1"})
    assert result.exit_code == 0, result.stderr
    assert "All news (first check): 12" in result.stdout
    assert result.stderr.startswith("This check was not recorded: ")
    assert "busy" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert len(headlines(news(invoke))) == 12


def test_a_reading_state_of_another_database_is_not_used(invoke: Invoker, tmp_path: Path) -> None:
    news(invoke)
    other = tmp_path / "other.json"
    ok(Invoker(other)("init"))
    shutil.copyfile(reading_file(invoke), other.with_name("other.json.reading"))
    assert len(headlines(news(Invoker(other)))) == 12  # another id: its own news is all new


def test_a_restored_older_copy_hides_nothing_behind_a_later_check(invoke: Invoker) -> None:
    backup = invoke.db.with_name("backup.json")
    copy_database(invoke.db, backup)
    add(invoke, "Added before the backup was restored")
    news(invoke)  # checks up to seq 13
    copy_database(backup, invoke.db)  # the database goes back to seq 12; the reading state stays
    add(invoke, "Added after the restore")
    assert headlines(news(invoke)) == ["Added after the restore"]


def test_a_damaged_reading_state_is_refused_and_left_alone(invoke: Invoker) -> None:
    news(invoke)
    reading_file(invoke).write_bytes(b'{"checks": [')
    result = invoke("news")
    assert result.exit_code == 1
    assert str(reading_file(invoke)) in result.stderr
    assert "Remove it to start afresh" in result.stderr
    assert reading_file(invoke).read_bytes() == b'{"checks": ['


def test_an_older_database_keeps_its_checks_when_migrated(runner: Runner, tmp_path: Path) -> None:
    """A schema-2 file (checks kept as instants inside it) becomes schema 3 with the
    checks as seqs in the reading state, once."""
    path = tmp_path / "v2.json"
    stamp = "2023-05-01T00:00:00.000000+00:00"
    later = "2023-05-03T00:00:00.000000+00:00"
    item = {"show": "s", "kind": "other", "season": None, "date": None, "body": None,
            "source": None, "url": None, "via": None}  # fmt: skip
    old = {
        "state": {"1": {"schema_version": 2, "last_check": "2023-05-02T00:00:00.000000+00:00",
                        "checks": {}}},
        "shows": {"1": {"slug": "s", "title": "S"}},
        "seasons": {}, "credits": {}, "feeds": {},
        "announcements": {
            "1": {**item, "id": "0" * 16, "headline": "Seen before", "recorded_at": stamp},
            "2": {**item, "id": "1" * 16, "headline": "Not seen yet", "recorded_at": later},
        },
    }  # fmt: skip
    path.write_text(json.dumps(old), encoding="utf-8")
    invoke = runner(path)
    assert headlines(news(invoke, "--peek")) == ["Not seen yet"]
    saved = raw_database(path)
    assert saved["state"]["1"]["schema_version"] == store.SCHEMA_VERSION
    assert "last_check" not in saved["state"]["1"]
    assert [doc["seq"] for doc in saved["announcements"].values()] == [1, 2]
    assert headlines(news(invoke)) == ["Not seen yet"]
    assert headlines(news(invoke)) == []


# --- references and identity ------------------------------------------------------------


def test_remove_show_takes_its_feeds_and_says_so(runner: Runner) -> None:
    invoke = runner()
    ok(invoke("feed", "add", "heartstopper", "https://example.org/feed.xml"))
    result = ok(invoke("remove", "show", "heartstopper", "--yes"))
    assert "1 followed feed" in result.stderr
    assert json.loads(ok(invoke("feed", "list", "--json")).stdout)["feeds"] == []


def _with_dangling_feed(invoke: Invoker, url: str) -> None:
    """A database as the old `remove show` left it: a feed of a show that is gone."""
    ok(invoke("add", "show", "Gone Show"))
    ok(invoke("feed", "add", "gone-show", url))
    raw = json.loads(invoke.db.read_bytes())
    raw["shows"] = {k: v for k, v in raw["shows"].items() if v["slug"] != "gone-show"}
    raw["state"]["1"].pop("news")
    invoke.db.write_text(json.dumps(raw), encoding="utf-8")


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    yield from serve(monkeypatch)


def test_a_dangling_feed_fails_only_its_own_source(runner: Runner, server: LocalServer) -> None:
    invoke = runner()
    good = server.static("/good.xml", (DATA / "heartstopper_rss.xml").read_bytes())
    ok(invoke("feed", "add", "heartstopper", good))
    dangling = server.static("/dangling.xml", (DATA / "heartstopper_rss.xml").read_bytes())
    _with_dangling_feed(invoke, dangling)
    result = invoke("sync")
    assert result.exit_code == 1
    assert_clean(result)
    assert "gone-show" in result.stderr
    assert "showtrack feed remove gone-show" in result.stderr
    assert server.hits("/dangling.xml") == []
    assert "Heartstopper renewed for a third season" in headlines(news(invoke))
    ok(invoke("feed", "remove", "gone-show", dangling))
    assert ok(invoke("sync")).exit_code == 0


def test_a_feed_followed_again_keeps_what_it_has_seen(runner: Runner, server: LocalServer) -> None:
    invoke = runner()
    url = server.static("/feed.xml", (DATA / "heartstopper_rss.xml").read_bytes())
    ok(invoke("feed", "add", "heartstopper", url))
    ok(invoke("sync"))
    renewed = next(
        item for item in news(invoke)["announcements"] if "third season" in item["headline"]
    )
    ok(invoke("remove", "news", "heartstopper", renewed["id"][:10], "--yes"))
    result = ok(invoke("feed", "add", "heartstopper", url, "--match", "Heartstopper, Nick"))
    assert "Already following" in result.stderr
    ok(invoke("sync"))
    assert headlines(news(invoke)) == []  # what the feed had seen stays seen
    listed = json.loads(ok(invoke("feed", "list", "--json")).stdout)["feeds"]
    assert [feed["words"] for feed in listed] == [["Heartstopper", "Nick"]]


def test_the_same_move_made_twice_is_two_changes(runner: Runner, tmp_path: Path) -> None:
    """Each move seen by the fan before the next one is history of its own (moves made
    unseen are folded into one: see test_cli_names)."""
    invoke = runner()
    news(invoke)
    seen = []
    for day in ("2023-08-10", "2023-08-03", "2023-08-10"):
        ok(invoke("edit", "season", "heartstopper", "2", "--premiere", day))
        seen += headlines(news(invoke))
    assert sorted(seen) == [
        "Heartstopper season 2 premiere moved: 10 Aug 2023 -> 3 Aug 2023",
        "Heartstopper season 2 premiere moved: 3 Aug 2023 -> 10 Aug 2023",
        "Heartstopper season 2 premiere moved: 3 Aug 2023 -> 10 Aug 2023",
    ]
    exported = ok(invoke("export")).stdout
    moves = [a for a in json.loads(exported)["shows"][0]["announcements"] if a["kind"] == "change"]
    assert len(moves) == 3
    pack = tmp_path / "pack.json"
    pack.write_text(exported, encoding="utf-8")
    empty = Invoker(tmp_path / "copy.json")
    ok(empty("init", "--empty"))
    ok(empty("import", str(pack)))
    assert ok(empty("export")).stdout == exported
    again = json.loads(ok(empty("import", str(pack), "--json")).stdout)
    assert again["counts"]["announcements"]["added"] == 0


def test_changes_seen_one_by_one_are_listed_latest_first(runner: Runner) -> None:
    invoke = runner()
    news(invoke)
    for day in ("2023-08-10", "2023-08-03", "2023-08-10"):
        ok(invoke("edit", "season", "heartstopper", "2", "--premiere", day))
        news(invoke, "heartstopper")  # a per-show check makes them history too
    items = news(invoke, "--all")["announcements"]
    changes = [item["seq"] for item in items if item["kind"] == "change"]
    assert changes == [15, 14, 13]


def test_an_actor_is_one_credit_however_the_name_is_punctuated(
    runner: Runner, tmp_path: Path
) -> None:
    invoke = runner()
    pack = tmp_path / "kit.json"
    pack.write_text(
        json.dumps(
            {"shows": [{"slug": "heartstopper", "title": "Heartstopper",
                        "credits": [{"season": 2, "actor": "Kit Connor.", "note": "star"}]}]}
        ),
        encoding="utf-8",
    )  # fmt: skip
    ok(invoke("import", str(pack)))
    cast = json.loads(ok(invoke("cast", "heartstopper", "--season", "2", "--json")).stdout)
    kits = [member for member in cast["cast"] if "Kit" in member["actor"]]
    assert [(m["actor"], m["note"]) for m in kits] == [("Kit Connor", "star")]
    again = invoke("add", "cast", "heartstopper", "--season", "2", "--actor", "Kit-Connor")
    assert again.exit_code == 1
    assert "already in season 2" in again.stderr
    ok(
        invoke(
            "edit", "cast", "heartstopper", "--season", "2", "--actor", "KIT CONNOR", "--note", "x"
        )
    )


# --- writes decided under the lock: a sync undoes nothing ------------------------------------


def _during_fetch(server: LocalServer, path: str, body: bytes, act: Callable[[], None]) -> str:
    """A route that does ``act`` (another writer) while the sync waits for its answer."""

    def respond(handler: Any) -> None:
        act()
        handler.reply(200, body, {})

    return server.route(path, respond)


def test_a_feed_change_made_during_a_sync_is_kept(runner: Runner, server: LocalServer) -> None:
    invoke = runner()
    body = (DATA / "heartstopper_rss.xml").read_bytes()
    first = _during_fetch(
        server,
        "/a.xml",
        body,
        lambda: (
            ok(invoke("feed", "remove", "heartstopper", server.url("/b.xml"))),
            ok(invoke("feed", "add", "heartstopper", server.url("/a.xml"), "--match", "Bailey")),
        ),
    )
    server.static("/b.xml", body)
    ok(invoke("feed", "add", "heartstopper", first))
    ok(invoke("feed", "add", "heartstopper", server.url("/b.xml")))
    ok(invoke("sync"))
    feeds = json.loads(ok(invoke("feed", "list", "--json")).stdout)["feeds"]
    assert [(feed["url"], feed["words"]) for feed in feeds] == [(first, ["Bailey"])]


def test_a_show_removed_during_its_sync_does_not_come_back(
    runner: Runner, server: LocalServer
) -> None:
    invoke = runner()
    streamer = (DATA / "tvmaze_streamer.json").read_bytes()
    _during_fetch(
        server,
        "/shows/53366",
        streamer,
        lambda: ok(invoke("remove", "show", "heartstopper", "--yes")),
    )
    ok(invoke("edit", "show", "heartstopper", "--tvmaze", "53366"))
    result = invoke("sync", "--json", env_extra={"SHOWTRACK_TVMAZE_URL": server.base})
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["dropped"] == ["TVmaze Heartstopper"]
    assert json.loads(ok(invoke("shows", "--json")).stdout)["shows"] == []


def test_an_edit_made_during_a_sync_is_kept(runner: Runner, server: LocalServer) -> None:
    invoke = runner()
    streamer = (DATA / "tvmaze_streamer.json").read_bytes()
    _during_fetch(
        server,
        "/shows/53366",
        streamer,
        lambda: ok(invoke("edit", "show", "heartstopper", "--creator", "Edited meanwhile")),
    )
    ok(invoke("edit", "show", "heartstopper", "--tvmaze", "53366"))
    ok(invoke("sync", env_extra={"SHOWTRACK_TVMAZE_URL": server.base}))
    show = json.loads(ok(invoke("show", "heartstopper", "--json")).stdout)["show"]
    assert show["creator"] == "Edited meanwhile"


# --- files: outputs and inputs that are not ordinary files ------------------------------------


@pytest.mark.parametrize("command", ["export", "calendar"])
@pytest.mark.parametrize("target", ["db", "lock", "reading", "temp"])
def test_output_onto_the_database_files_is_refused(
    invoke: Invoker, command: str, target: str
) -> None:
    news(invoke)
    paths = {
        "db": invoke.db,
        "lock": Path(f"{invoke.db}.lock"),
        "reading": reading_file(invoke),
        "temp": invoke.db.with_name(f".{invoke.db.name}.abc123.tmp"),
    }
    before = {path: path.read_bytes() for path in paths.values() if path.exists()}
    result = invoke(command, "-o", str(paths[target]))
    assert result.exit_code == 1
    assert "part of the database" in result.stderr
    assert {path: path.read_bytes() for path in paths.values() if path.exists()} == before
    ok(invoke("countdown"))


@pytest.mark.parametrize("kind", ["fifo", "symlink", "device", "folder"])
def test_output_onto_what_is_not_a_regular_file_is_refused(
    invoke: Invoker, tmp_path: Path, kind: str
) -> None:
    target = tmp_path / f"out-{kind}"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "symlink":
        target.symlink_to(victim)
    elif kind == "device":
        target = Path("/dev/null")
    else:
        target.mkdir()
    result = invoke("export", "-o", str(target))
    assert result.exit_code in (1, 2), result.stderr
    assert_clean(result)
    assert victim.read_text(encoding="utf-8") == "keep me"
    if kind == "fifo":
        assert target.is_fifo()
    if kind == "symlink":
        assert target.is_symlink()


def test_output_dash_is_stdout(invoke: Invoker) -> None:
    result = ok(invoke("export", "-o", "-"))
    assert json.loads(result.stdout)["format"] == "showtrack/1"


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_a_database_path_that_is_not_a_file_is_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "db.json"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path = Path("/dev/zero")
    else:
        path.mkdir()
    result = Invoker(path)("countdown")
    assert result.exit_code == 1
    assert_clean(result)
    assert str(path) in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_an_import_path_that_is_not_a_file_is_refused(
    invoke: Invoker, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "in.json"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    before = invoke.db.read_bytes()
    result = invoke("import", str(path))
    assert result.exit_code == 1
    assert "not a file" in result.stderr
    assert invoke.db.read_bytes() == before


def test_a_folder_import_skips_what_is_not_a_file(invoke: Invoker, tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    os.mkfifo(folder / "pipe.json")
    (folder / "ok.json").write_text(
        json.dumps({"shows": [{"slug": "heartstopper", "title": "Heartstopper"}]}),
        encoding="utf-8",
    )
    ok(invoke("import", str(folder)))


# --- damaged records, refused the same way everywhere ------------------------------------------


def _damage(invoke: Invoker, table: str, field: str, value: Any) -> bytes:
    """The database as one file edited by hand (the single-file layout, schema 6)."""
    raw = raw_database(invoke.db)
    doc = next(iter(raw[table].values()))
    doc[field] = value
    raw["state"]["1"].pop("news", None)
    raw["state"]["1"]["schema_version"] = 6
    data = json.dumps(raw).encode()
    invoke.db.write_bytes(data)
    return data


DAMAGE = [
    ("seasons", "premiere", "2023-13-01"),
    ("seasons", "number", "two"),
    ("shows", "title", 42),
    ("shows", "timezone", "Mars/Olympus"),
    ("credits", "actor", None),
    ("credits", "status", "maybe"),
    ("announcements", "kind", "gossip"),
    ("announcements", "date", ["2023"]),
    ("announcements", "show", "nobody"),
    ("announcements", "headline", "x" * 600),
]


@pytest.mark.parametrize(("table", "field", "value"), DAMAGE)
def test_a_damaged_record_is_refused_by_every_command_that_reads_it(
    invoke: Invoker, table: str, field: str, value: Any
) -> None:
    data = _damage(invoke, table, field, value)
    commands: list[list[str]] = [
        ["export"],
        ["add", "news", "heartstopper", "--headline", "Through damage"],
        ["edit", "show", "heartstopper", "--network", "BBC"],
        ["import", str(Path(__file__).parent / "data" / "import" / "the-bear.json")],
    ]
    if table in ("seasons", "shows") and field != "timezone":
        commands += [["countdown"], ["show", "heartstopper"]]
    if table == "credits":
        commands.append(["cast", "heartstopper"])
    if table == "announcements":
        commands.append(["news", "--peek"])
        if field != "show":  # a record moved to another show is no longer Heartstopper's
            commands.append(["timeline", "heartstopper"])
    for args in commands:
        result = invoke(*args)
        assert result.exit_code == 1, (args, result.stdout, result.stderr)
        assert_clean(result)
        assert "is damaged" in result.stderr, (args, result.stderr)
        assert f"{table} record" in result.stderr or table in result.stderr, result.stderr
        assert "Internal error" not in result.stderr
        assert invoke.db.read_bytes() == data, args


def test_export_never_drops_an_orphan_silently(invoke: Invoker) -> None:
    _damage(invoke, "announcements", "show", "no-such-show")
    result = invoke("export")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no-such-show" in result.stderr


# --- the clock ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment",
    ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59-05:00", "0001-01-01T00:30:00+01:00"],
)
def test_showtrack_now_at_the_edges_of_time_is_a_clear_error(invoke: Invoker, moment: str) -> None:
    for args in (["countdown"], ["news"], ["add", "news", "heartstopper", "--headline", "x"]):
        result = invoke(*args, env_extra={"SHOWTRACK_NOW": moment})
        assert result.exit_code == 2, result.stderr
        assert_clean(result)
        assert "outside the years" in result.stderr


def test_the_commit_instant_is_recorded_as_information(tmp_path: Path) -> None:
    """recorded_at is the commit's instant from the store's clock; order is the seq."""
    ticks = iter(
        [datetime(2023, 5, 24, 11, tzinfo=UTC)]
        + [datetime(2023, 5, 24, 12, tzinfo=UTC), datetime(2020, 1, 1, tzinfo=UTC)]  # backwards
    )
    path = tmp_path / "db.json"
    opened = store.Store.open(path, now=datetime(2023, 5, 24, tzinfo=UTC), seed=Dataset)
    opened.clock = lambda: next(ticks)
    opened.write(
        lambda snap, now: (
            store.ChangeSet.of(Dataset(shows=[Show("s", "S")])),
            None,
        )
    )
    for headline in ("first", "second"):
        item = Announcement(show="s", kind="other", headline=headline)
        opened.write(
            lambda snap, now, item=item: (store.ChangeSet.of(Dataset(announcements=[item])), None)
        )
    items = store.Store.open(path, now=datetime(2023, 5, 24, tzinfo=UTC)).announcements()
    assert [(i.headline, i.seq) for i in items] == [("first", 1), ("second", 2)]
    assert items[0].recorded_at is not None
    assert items[1].recorded_at is not None
    assert items[1].recorded_at < items[0].recorded_at  # the clock went back; the order did not


def test_entry_edit_of_a_show_removed_meanwhile_is_refused(runner: Runner) -> None:
    invoke = runner()
    ok(invoke("add", "show", "Brief"))
    opened = store.Store.open(invoke.db)
    brief = core.find_show(opened.snapshot, "brief")
    ok(invoke("remove", "show", "brief", "--yes"))
    with pytest.raises(NotFoundError, match="no longer in the database"):
        entry.edit_show(opened, brief, fields={"network": "BBC"})
    assert json.loads(ok(invoke("shows", "--json")).stdout)["shows"][0]["slug"] == "heartstopper"
