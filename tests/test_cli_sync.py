"""`showtrack search`, `add show --tvmaze`, `feed`, `sync` end to end, against a local server.

The server runs on 127.0.0.1 in the test; SHOWTRACK_TVMAZE_URL points the CLI at it.
Each invocation freezes the clock, so steps that must come "later" pass a later
SHOWTRACK_NOW.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import Invoker, assert_clean
from sources_helpers import DATA, LocalServer, answer, drip, serve

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

    main = json.loads(linked("cast", "heartstopper", "--main", "--json").stdout)
    assert (main["main_cast"], main["source"], main["as_of"]) == (True, "TVmaze", "2023-05-24")
    listed = [(m["actor"], m["character"]) for m in main["cast"]]
    expected = [
        (item["person"]["name"], item["character"]["name"])
        for item in STREAMER["_embedded"]["cast"]
    ]
    assert listed == list(dict.fromkeys(expected))  # TVmaze's order, each role once
    assert all(member["status"] is None for member in main["cast"])

    season = json.loads(linked("cast", "heartstopper", "--season", "2", "--json").stdout)
    actors = {member["actor"]: member["character"] for member in season["cast"]}
    assert actors["Leila Khan"] == "Sahar Zahid"  # the season's own cast is kept
    assert not season["main_cast"]
    assert {member["source"] for member in season["cast"]}.isdisjoint({"TVmaze"})

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
    cast = json.loads(linked("cast", "heartstopper", "--main", "--json").stdout)
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


# --- time limits ---------------------------------------------------------------------------


def test_a_slow_source_has_its_own_time_limit_and_the_others_are_still_read(
    runner: Callable[..., Invoker], server: LocalServer
) -> None:
    slow = server.route("/slow.xml", lambda handler: drip(handler, every=0.2, limit=15.0))
    good = server.static("/feed.xml", (DATA / "heartstopper_rss.xml").read_bytes())
    invoke = runner()
    assert invoke("feed", "add", "heartstopper", slow).exit_code == 0
    assert invoke("feed", "add", "heartstopper", good).exit_code == 0
    started = time.monotonic()
    env = {**tvmaze_env(server, LATER), "SHOWTRACK_SOURCE_TIMEOUT": "1"}
    result = invoke("sync", "--json", env_extra=env)
    assert time.monotonic() - started < 10  # not the 15 s the server would drip for
    assert result.exit_code == 1, result.output
    assert_clean(result)
    report = json.loads(result.stdout)
    assert [failure for failure in report["failures"] if "slow.xml" in failure]
    assert "1 s" in result.stderr
    assert report["merge"]["counts"]["announcements"]["added"] > 0  # the good feed was read


def test_a_sync_out_of_time_does_not_start_more_sources(
    runner: Callable[..., Invoker], server: LocalServer
) -> None:
    first = server.route("/slow.xml", lambda handler: drip(handler, every=0.2, limit=15.0))
    second = server.static("/feed.xml", (DATA / "heartstopper_rss.xml").read_bytes())
    invoke = runner()
    assert invoke("feed", "add", "heartstopper", first).exit_code == 0
    assert invoke("feed", "add", "heartstopper", second).exit_code == 0
    before = invoke.db.read_bytes()
    result = invoke("sync", "--timeout", "1", env_extra=tvmaze_env(server, LATER))
    assert result.exit_code == 1, result.output
    assert_clean(result)
    assert "not tried, the sync ran out of time" in result.stderr
    assert server.hits("/feed.xml") == []
    assert invoke.db.read_bytes() == before  # nothing came back, nothing was written


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--timeout", "0"], {}),
        ([], {"SHOWTRACK_SYNC_TIMEOUT": "soon"}),
        ([], {"SHOWTRACK_SOURCE_TIMEOUT": "-5"}),
        ([], {"SHOWTRACK_SOURCE_TIMEOUT": "nan"}),
    ],
)
def test_a_time_limit_that_is_not_a_number_of_seconds_is_a_usage_error(
    linked: Invoker, server: LocalServer, args: list[str], env: dict[str, str]
) -> None:
    before = linked.db.read_bytes()
    result = linked("sync", *args, env_extra={**tvmaze_env(server), **env})
    assert result.exit_code == 2, result.output
    assert_clean(result)
    assert server.hits(SHOW_PATH) == []  # refused before anything was fetched
    assert linked.db.read_bytes() == before


# --- web pages and feed autodiscovery ------------------------------------------------------


def test_feed_add_find_follows_the_feed_a_web_page_names(
    runner: Callable[..., Invoker], server: LocalServer
) -> None:
    page = server.static(
        "/news.html",
        (DATA / "web_page.html").read_bytes(),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    server.static("/feeds/rss.xml", (DATA / "heartstopper_rss.xml").read_bytes())
    invoke = runner()
    result = invoke("feed", "add", "heartstopper", page, "--find")
    assert result.exit_code == 0, result.output
    assert "web page" in result.stderr
    listed = json.loads(invoke("feed", "list", "--json").stdout)["feeds"]
    assert [feed["url"] for feed in listed] == [server.url("/feeds/rss.xml")]


def test_feed_add_find_refuses_a_page_that_names_no_feed(
    runner: Callable[..., Invoker], server: LocalServer
) -> None:
    page = server.static("/plain.html", (DATA / "web_page_no_feed.html").read_bytes())
    invoke = runner()
    invoke("feed", "list")  # create the database
    before = invoke.db.read_bytes()
    result = invoke("feed", "add", "heartstopper", page, "--find")
    assert result.exit_code == 1, result.output
    assert_clean(result)
    assert "names no RSS or Atom feed" in result.stderr
    assert invoke.db.read_bytes() == before


def test_feed_add_find_keeps_a_feed_url_as_it_is(
    runner: Callable[..., Invoker], server: LocalServer
) -> None:
    url = server.static("/feed.xml", (DATA / "heartstopper_rss.xml").read_bytes())
    invoke = runner()
    result = invoke("feed", "add", "heartstopper", url, "--find")
    assert result.exit_code == 0, result.output
    assert "web page" not in result.stderr
    listed = json.loads(invoke("feed", "list", "--json").stdout)["feeds"]
    assert [feed["url"] for feed in listed] == [url]


def test_sync_says_which_feed_a_followed_web_page_names(
    runner: Callable[..., Invoker], server: LocalServer
) -> None:
    page = server.static("/news.html", (DATA / "web_page.html").read_bytes())
    invoke = runner()
    assert invoke("feed", "add", "heartstopper", page).exit_code == 0
    result = invoke("sync", env_extra=tvmaze_env(server, LATER))
    assert result.exit_code == 1, result.output
    assert_clean(result)
    assert f"showtrack feed add heartstopper {server.url('/feeds/rss.xml')}" in result.stderr


# --- the main cast over several syncs ------------------------------------------------------


def without_cast_member(payload: dict[str, Any], actor: str) -> bytes:
    changed = copy.deepcopy(payload)
    changed["_embedded"]["cast"] = [
        item for item in changed["_embedded"]["cast"] if item["person"]["name"] != actor
    ]
    return json.dumps(changed).encode()


def test_a_later_sync_replaces_the_sources_main_cast_and_keeps_one_given_by_hand(
    linked: Invoker, server: LocalServer, tmp_path: Path
) -> None:
    hand = {
        "format": "showtrack/1",
        "shows": [
            {
                "slug": "heartstopper",
                "title": "Heartstopper",
                "credits": [{"season": None, "actor": "Yasmin Finney", "character": "Elle"}],
            }
        ],
    }
    pack = tmp_path / "hand.json"
    pack.write_text(json.dumps(hand), encoding="utf-8")
    assert linked("import", str(pack)).exit_code == 0
    assert linked("sync", env_extra=tvmaze_env(server)).exit_code == 0

    same = linked("sync", "--json", env_extra=tvmaze_env(server, LATER))
    assert same.exit_code == 0, same.output
    credits = json.loads(same.stdout)["merge"]["counts"]["credits"]
    assert (credits["added"], credits["updated"], credits["removed"]) == (0, 0, 0)
    confirmed = json.loads(linked("cast", "heartstopper", "--main", "--json").stdout)
    assert confirmed["as_of"] == "2023-05-25"  # the same cast, as of the later sync

    server.static(SHOW_PATH, without_cast_member(STREAMER, "Olivia Colman"))
    gone = linked("sync", "--json", env_extra=tvmaze_env(server, LATER_STILL))
    assert gone.exit_code == 0, gone.output
    assert json.loads(gone.stdout)["merge"]["counts"]["credits"]["removed"] == 1
    shown = linked("sync", env_extra=tvmaze_env(server, LATER_STILL))
    assert shown.exit_code == 0
    actors = {
        m["actor"]
        for m in json.loads(linked("cast", "heartstopper", "--main", "--json").stdout)["cast"]
    }
    assert "Olivia Colman" not in actors  # TVmaze no longer lists her
    assert "Yasmin Finney" in actors  # a main cast entered by hand is not TVmaze's to remove


def test_cast_main_refuses_a_season_and_says_when_there_is_no_main_cast(invoke: Invoker) -> None:
    both = invoke("cast", "heartstopper", "--main", "--season", "2")
    assert both.exit_code == 2
    assert_clean(both)
    none = invoke("cast", "heartstopper", "--main")
    assert none.exit_code == 1
    assert_clean(none)
    assert "No main cast is recorded for Heartstopper" in none.stderr
