"""The proof of "new since my last check": concurrent writers, and `news` all along.

N worker processes make mixed writes for a while (add news, import packs, edit
their own show, follow and unfollow their own feeds, sync from a loopback TVmaze
and feed server whose answers change on every request) while another process
runs `news --json` again and again, each run recording its check. Then:

* every announcement in the database was shown by some `news` run (0 never shown);
* every worker's last edit, and its feed changes, are what the file holds (none undone).

The fast form runs in CI; ``scripts/torture --long`` runs it longer with more workers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reliability.support import LONG, cli, load_db, record, scaled, worker
from sources_helpers import DATA, LocalServer, serve

STREAMER = json.loads((DATA / "tvmaze_streamer.json").read_text(encoding="utf-8"))


class Source:
    """The loopback server's changing answers: new feed items on every request, and a
    season 2 premiere that moves back and forth (a change on every other sync)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0

    def next(self) -> int:
        with self.lock:
            self.count += 1
            return self.count

    def feed(self, handler: Any) -> None:
        who = handler.path.split("?")[0].split("/")[2]
        first = self.next()
        items = "".join(
            f"<item><title>W{who} feed item {first}-{k}</title>"
            f"<guid>item-{first}-{k}</guid><link>https://example.org/{first}/{k}</link>"
            "<pubDate>Thu, 01 Jun 2023 09:00:00 GMT</pubDate></item>"
            for k in range(2)
        )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {who}</title>{items}</channel></rss>'
        handler.reply(200, body.encode(), {"Content-Type": "application/rss+xml"})

    def tvmaze(self, handler: Any) -> None:
        day = ("2023-08-03", "2023-08-10")[self.next() % 2]
        payload = json.loads(json.dumps(STREAMER))
        for season in payload["_embedded"]["seasons"]:
            if season["number"] == 2:
                season["premiereDate"] = day
        for episode in payload["_embedded"]["episodes"]:
            if episode["season"] == 2 and episode["number"] == 1:
                episode["airdate"] = day
                episode["airstamp"] = f"{day}T07:00:00+00:00"
        handler.reply(200, json.dumps(payload).encode(), {"Content-Type": "application/json"})


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    yield from serve(monkeypatch)


def _lines(proc: Any, timeout: float) -> list[dict[str, Any]]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err.decode()[-2000:]
    return [json.loads(line) for line in out.decode().splitlines() if line.strip()]


def test_no_announcement_is_ever_hidden_and_no_change_undone(
    seeded: tuple[Path, dict[str, str]], server: LocalServer
) -> None:
    db, env = seeded
    source = Source()
    for who in range(16):
        for k in range(3):
            server.route(f"/feed/{who}/{k}", source.feed)
    server.route("/shows/53366", source.tvmaze)
    env = {**env, "SHOWTRACK_TVMAZE_URL": server.base, "SHOWTRACK_LOCK_TIMEOUT": "60"}
    workers, seconds = scaled(3, 10), scaled(12.0, 60.0)
    assert cli(env, "edit", "show", "heartstopper", "--tvmaze", "53366").code == 0
    for who in range(workers):
        assert cli(env, "add", "show", f"W{who}").code == 0
    first = cli(env, "news", "--json")
    assert first.code == 0, str(first)
    shown = {item["id"] for item in first.json()["announcements"]}

    reader = worker(env, "news-loop", str(seconds))
    procs = [
        worker(env, "mixed", str(who), str(seconds), str(100 + who), server.base)
        for who in range(workers)
    ]
    results = {who: _lines(proc, seconds + 600) for who, proc in enumerate(procs)}
    reads = _lines(reader, seconds + 600)
    last = cli(env, "news", "--json")
    assert last.code == 0, str(last)

    problems: list[str] = []
    for read in reads:
        if read["code"] != 0:
            problems.append(f"news exited {read['code']}: {read['err']}")
        shown |= {item_id for item_id, _ in read["seen"]}
    during = len(shown)
    shown |= {item["id"] for item in last.json()["announcements"]}

    raw = load_db(db)
    stored = {doc["id"]: doc["seq"] for doc in raw["announcements"].values()}
    never_shown = sorted(set(stored) - shown)
    seqs = sorted(stored.values())
    if len(set(seqs)) != len(seqs):
        problems.append("two announcements share a seq")

    undone = 0
    for who, lines in results.items():
        slug = f"w{who}"
        edits = [line["detail"] for line in lines if line["op"] == "edit" and line["code"] == 0]
        followed: set[str] = set()
        for line in lines:
            if line["code"] != 0 and not (line["op"] == "feed-remove" and line["code"] == 1):
                problems.append(f"{slug} {line['op']} exited {line['code']}: {line['err']}")
            if line["code"] == 0 and line["op"] == "feed-add":
                followed.add(line["detail"])
            if line["code"] == 0 and line["op"] == "feed-remove":
                followed.discard(line["detail"])
        show = next(doc for doc in raw["shows"].values() if doc["slug"] == slug)
        if edits and show["network"] != edits[-1]:
            undone += 1
            problems.append(f"{slug}: network {show['network']!r}, last edit {edits[-1]!r}")
        feeds = {doc["url"] for doc in raw["feeds"].values() if doc["show"] == slug}
        if feeds != followed:
            undone += 1
            problems.append(f"{slug}: feeds {sorted(feeds)}, expected {sorted(followed)}")
        added = {line["detail"] for line in lines if line["op"] == "add" and line["code"] == 0}
        imported = {
            text for line in lines if line["op"] == "import" and line["code"] == 0
            for text in line["detail"]
        }  # fmt: skip
        headlines = {doc["headline"] for doc in raw["announcements"].values()}
        lost = (added | imported) - headlines
        if lost:
            problems.append(f"{slug}: {len(lost)} committed announcements are not in the file")

    commands = sum(len(lines) for lines in results.values())
    record(
        "never hidden",
        runs=commands + len(reads) + 2,
        announcements=len(stored),
        news_runs=len(reads),
        shown_during_the_run=during,
        never_shown=len(never_shown),
        changes_undone=undone,
        workers=workers,
        seconds=seconds,
    )
    print(
        f"never hidden: {workers} workers, {commands} writes, {len(reads)} news runs, "
        f"{len(stored)} announcements, {len(never_shown)} never shown, {undone} undone"
    )
    assert not never_shown, f"{len(never_shown)} never shown, e.g. {never_shown[:5]}"
    assert not problems, "\n".join(problems[:20])
    assert len(stored) > 12 + workers * 3, "the workers wrote too little to prove anything"
    assert during > 12, "news showed nothing while the writers ran"
    assert any(line["op"] == "sync" for lines in results.values() for line in lines)
    if LONG:
        assert len(reads) > 50
