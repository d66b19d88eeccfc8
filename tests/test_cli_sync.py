"""`showtrack search`, `add show --tvmaze`, `feed`, `sync` end to end, against a local server.

The server runs on 127.0.0.1 in the test; SHOWTRACK_TVMAZE_URL points the CLI at it.
Each invocation freezes the clock, so steps that must come "later" pass a later
SHOWTRACK_NOW.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import Invoker, assert_clean
from sources_helpers import DATA, LocalServer, answer, serve

STREAMER = json.loads((DATA / "tvmaze_streamer.json").read_text(encoding="utf-8"))
SHOW_PATH = "/shows/53366"
LATER = "2023-05-25T12:00:00+01:00"
LATER_STILL = "2023-05-26T12:00:00+01:00"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    yield from serve(monkeypatch)


def tvmaze_env(server: LocalServer, now: str | None = None) -> dict[str, str | None]:
    env: dict[str, str | None] = {"SHOWTRACK_TVMAZE_URL": server.base}
    if now is not None:
        env["SHOWTRACK_NOW"] = now
    return env


def moved(payload: dict[str, Any], day: str) -> bytes:
    """The same show with season 2 (and its first episode) moved to ``day``."""
    changed = copy.deepcopy(payload)
    for season in changed["_embedded"]["seasons"]:
        if season["number"] == 2:
            season["premiereDate"] = day
    for episode in changed["_embedded"]["episodes"]:
        if episode["season"] == 2 and episode["number"] == 1:
            episode["airdate"] = day
            episode["airstamp"] = f"{day}T07:00:00+00:00"
    return json.dumps(changed).encode()


@pytest.fixture
def linked(runner: Callable[..., Invoker], server: LocalServer) -> Invoker:
    """The bundled database with Heartstopper linked to the local 'TVmaze' show."""
    server.static(SHOW_PATH, json.dumps(STREAMER).encode())
    invoke = runner()
    result = invoke("edit", "show", "heartstopper", "--tvmaze", "53366")
    assert result.exit_code == 0, result.output
    return invoke


def test_sync_brings_cast_seasons_and_the_premiere_instant(
    linked: Invoker, server: LocalServer
) -> None:
    result = linked("sync", env_extra=tvmaze_env(server))
    assert result.exit_code == 0, result.output
    requests = [seen.path for seen in server.seen if seen.path.startswith(SHOW_PATH)]
    assert len(requests) == 1  # one request per show, everything embedded
    assert "embed" in requests[0]

    cast = json.loads(linked("cast", "heartstopper", "--season", "2", "--json").stdout)
    actors = {member["actor"]: member["character"] for member in cast["cast"]}
    assert actors["Olivia Colman"] == "Sarah Nelson"  # new from TVmaze
    assert actors["Leila Khan"] == "Sahar Zahid"  # hand data kept

    doc = json.loads(linked("countdown", "--all", "--json").stdout)
    seasons = {row["season"]: row for row in doc["premieres"]}
    assert seasons[2]["premiere"] == "2023-08-03T07:00+00:00"
    assert seasons[2]["precision"] == "time"
    assert seasons[2]["hours"] is not None
    assert seasons[3]["premiere"] == "2024-10-03"  # no airstamp: the day only


def test_a_moved_premiere_surfaces_in_news_as_a_change(
    linked: Invoker, server: LocalServer
) -> None:
    assert linked("sync", env_extra=tvmaze_env(server)).exit_code == 0
    assert linked("news").exit_code == 0  # everything so far is now seen
    server.static(SHOW_PATH, moved(STREAMER, "2023-08-10"))
    result = linked("sync", env_extra=tvmaze_env(server, LATER))
    assert result.exit_code == 0, result.output
    assert "premiere moved" in result.stdout

    news = linked("news", "--json", env_extra={"SHOWTRACK_NOW": LATER_STILL})
    changes = [a for a in json.loads(news.stdout)["announcements"] if a["kind"] == "change"]
    assert [c["headline"] for c in changes] == [
        # the times in the viewer's zone (TZ=Europe/London), not as the source stored them
        "Heartstopper season 2 premiere moved: 3 Aug 2023 08:00 BST -> 10 Aug 2023 08:00 BST"
    ]
    assert all(c["source"] == "sync" for c in changes)


def test_feeds_add_news_dedupe_and_use_conditional_get(
    runner: Callable[..., Invoker], server: LocalServer
) -> None:
    body = (DATA / "heartstopper_rss.xml").read_bytes()
    url = server.static("/feed.xml", body, headers={"ETag": '"v1"'})
    invoke = runner()
    assert invoke("feed", "add", "heartstopper", url).exit_code == 0
    assert invoke("news").exit_code == 0  # the bundled news is now seen

    first = invoke("sync", "--quiet", env_extra=tvmaze_env(server, LATER))
    assert first.exit_code == 0, first.output
    assert first.stdout == ""  # --quiet: nothing but errors
    news = json.loads(invoke("news", "--json", env_extra={"SHOWTRACK_NOW": LATER_STILL}).stdout)
    headlines = [item["headline"] for item in news["announcements"]]
    assert "Heartstopper renewed for a third season" in headlines
    assert all(item["source"] == "TV Fan News & Views" for item in news["announcements"])

    server.route("/feed.xml", answer(304, headers={"ETag": '"v1"'}))
    again = invoke("sync", "--json", env_extra=tvmaze_env(server, LATER_STILL))
    assert again.exit_code == 0, again.output
    assert server.hits("/feed.xml")[-1].headers.get("if-none-match") == '"v1"'
    report = json.loads(again.stdout)
    assert report["unchanged_feeds"] == 1
    assert report["merge"]["counts"]["announcements"]["added"] == 0

    listed = json.loads(invoke("feed", "list", "--json").stdout)
    assert listed["feeds"][0]["title"] == "TV Fan News & Views"


def test_one_failing_source_does_not_stop_the_others(linked: Invoker, server: LocalServer) -> None:
    bad = server.static("/gone.xml", b"not here", status=404)
    assert linked("feed", "add", "heartstopper", bad).exit_code == 0
    result = linked("sync", env_extra=tvmaze_env(server))
    assert_clean(result)
    assert result.exit_code == 1
    assert "gone.xml" in result.stderr
    assert "Traceback" not in result.stderr
    cast = json.loads(linked("cast", "heartstopper", "--json").stdout)
    assert "Olivia Colman" in {member["actor"] for member in cast["cast"]}


def test_a_hostile_feed_is_refused_and_the_database_kept(
    runner: Callable[..., Invoker], server: LocalServer, tmp_path: Path
) -> None:
    bomb = (DATA / "billion_laughs.xml").read_bytes()
    url = server.static("/bomb.xml", bomb)
    invoke = runner()
    assert invoke("feed", "add", "heartstopper", url).exit_code == 0
    before = invoke.db.read_bytes()
    result = invoke("sync", env_extra=tvmaze_env(server, LATER))
    assert result.exit_code == 1
    assert_clean(result)
    assert invoke.db.read_bytes() == before


def test_add_show_from_tvmaze_and_search(
    runner: Callable[..., Invoker], server: LocalServer, tmp_path: Path
) -> None:
    server.static(SHOW_PATH, json.dumps(STREAMER).encode())
    server.static("/search/shows", (DATA / "tvmaze_search.json").read_bytes())
    invoke = runner(tmp_path / "empty.json")
    assert invoke("init", "--empty").exit_code == 0  # the bundled Heartstopper would clash
    found = invoke("search", "heartstopper", "--json", env_extra=tvmaze_env(server))
    assert found.exit_code == 0, found.output
    hits = json.loads(found.stdout)["results"]
    assert hits
    assert all({"id", "name", "years", "network"} <= set(hit) for hit in hits)

    table = invoke("search", "heartstopper", env_extra=tvmaze_env(server))
    assert "CC BY-SA" in table.stdout

    added = invoke(
        "add", "show", "--tvmaze", "53366", "--slug", "hs-tv", env_extra=tvmaze_env(server)
    )
    assert added.exit_code == 0, added.output
    show = json.loads(invoke("show", "hs-tv", "--json").stdout)
    assert show["show"]["tvmaze"] == 53366
    assert show["show"]["source"] == "TVmaze"
    assert {season["number"] for season in show["seasons"]} >= {1, 2, 3}


def test_add_show_from_tvmaze_keeps_the_fields_given_by_hand(
    runner: Callable[..., Invoker], server: LocalServer, tmp_path: Path
) -> None:
    server.static(SHOW_PATH, json.dumps(STREAMER).encode())
    invoke = runner(tmp_path / "empty.json")
    assert invoke("init", "--empty").exit_code == 0  # the bundled Heartstopper would clash
    added = invoke(
        "add", "show", "--tvmaze", "53366", "--slug", "hs-tv", "--network", "Netflix UK",
        "--timezone", "America/New_York", "--alias", "HS", "--summary", "In my words.",
        env_extra=tvmaze_env(server),
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    show = json.loads(invoke("show", "hs-tv", "--json").stdout)["show"]
    assert show["network"] == "Netflix UK"
    assert show["timezone"] == "America/New_York"
    assert show["aliases"] == ["HS"]
    assert show["summary"] == "In my words."
    assert show["title"] == STREAMER["name"]  # what was not given comes from TVmaze
    assert show["tvmaze"] == 53366


def test_add_show_from_tvmaze_checks_hand_fields_before_fetching(
    runner: Callable[..., Invoker], server: LocalServer
) -> None:
    server.static(SHOW_PATH, json.dumps(STREAMER).encode())
    invoke = runner()
    invoke("countdown")  # create the database
    before = invoke.db.read_bytes()
    bad = invoke(
        "add", "show", "--tvmaze", "53366", "--timezone", "Mars/Olympus",
        env_extra=tvmaze_env(server),
    )  # fmt: skip
    assert bad.exit_code == 2, bad.output
    assert "timezone" in bad.stderr
    assert_clean(bad)
    assert server.hits(SHOW_PATH) == []
    assert invoke.db.read_bytes() == before


def test_sync_quiet_gives_up_at_once_when_another_writer_holds_the_lock(
    linked: Invoker, server: LocalServer
) -> None:
    from filelock import FileLock

    with FileLock(f"{linked.db}.lock"):
        result = linked("sync", "--quiet", env_extra=tvmaze_env(server))
    assert result.exit_code == 75
    assert result.stderr == ""  # cron mail only for real problems
