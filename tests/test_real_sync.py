"""Syncing the real recorded payloads gives exactly what the payload says.

The payloads in ../shared/fixtures/real/ are served as they were recorded by a
server on 127.0.0.1; the CLI adds each show from it, syncs it, and its JSON is
compared field by field with the payload: cast in TVmaze's order, seasons and
their premieres at the precision TVmaze gives, feed items at their instants. Each
test is skipped when the recorded payload is absent (a clean clone).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conftest import Invoker
from sources_helpers import LocalServer, real, serve

NOW = "2020-02-01T12:00:00+00:00"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    yield from serve(monkeypatch)


@pytest.fixture
def empty(runner: Callable[..., Invoker], tmp_path: Path) -> Invoker:
    invoke = runner(tmp_path / "real.json")
    assert invoke("init", "--empty").exit_code == 0
    return invoke


def synced(invoke: Invoker, server: LocalServer, name: str, slug: str) -> dict[str, Any]:
    """Serve ``tvmaze/<name>`` as its show, add it, sync it; the payload as recorded."""
    body = real(f"tvmaze/{name}").read_bytes()
    payload = json.loads(body)
    server.static(f"/shows/{payload['id']}", body)
    env = {"SHOWTRACK_NOW": NOW}
    added = invoke("add", "show", "--tvmaze", str(payload["id"]), "--slug", slug, env_extra=env)
    assert added.exit_code == 0, added.output
    again = invoke("sync", "--json", env_extra=env)
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["warnings"] == []
    return dict(payload)


def seasons_of(invoke: Invoker, slug: str) -> dict[int, dict[str, Any]]:
    doc = json.loads(invoke("show", slug, "--json", env_extra={"SHOWTRACK_NOW": NOW}).stdout)
    return {season["number"]: season for season in doc["seasons"]}


def test_the_a_team_cast_is_the_main_cast_in_tvmaze_order(
    empty: Invoker, server: LocalServer
) -> None:
    payload = synced(empty, server, "shows_1058_embed_cast.json", "the-a-team")
    doc = json.loads(empty("cast", "the-a-team", "--json").stdout)
    assert doc["main_cast"] is True
    assert (doc["source"], doc["as_of"]) == ("TVmaze", "2020-02-01")
    expected = [
        (item["person"]["name"], item["character"]["name"]) for item in payload["_embedded"]["cast"]
    ]
    assert [(m["actor"], m["character"]) for m in doc["cast"]] == expected
    assert all(m["status"] is None for m in doc["cast"])  # nothing says who is new
    assert seasons_of(empty, "the-a-team") == {}  # the payload has no season: none invented
    table = empty("cast", "the-a-team", env_extra={"COLUMNS": "80"})
    assert "main cast as of 1 Feb 2020 (TVmaze)" in table.stdout
    assert 'Capt. H.M. "Howling Mad" Murdock' in table.stdout


def test_the_flash_seasons_are_premiere_dates_at_day_precision(
    empty: Invoker, server: LocalServer
) -> None:
    payload = synced(empty, server, "shows_13_embed_seasons.json", "the-flash")
    seasons = seasons_of(empty, "the-flash")
    recorded = payload["_embedded"]["seasons"]
    assert sorted(seasons) == [item["number"] for item in recorded]
    for item in recorded:
        season = seasons[item["number"]]
        assert season["premiere"] == item["premiereDate"]  # a day, as TVmaze gives it
        assert season["episodes"] == item["episodeOrder"]
    assert seasons[7]["status"] == "announced"  # no date, no episode count: TBA
    assert seasons[6]["status"] == "released"
    countdown = json.loads(empty("countdown", "--json", env_extra={"SHOWTRACK_NOW": NOW}).stdout)
    assert [(row["show"], row["season"], row["premiere"]) for row in countdown["premieres"]] == [
        ("the-flash", 7, None)
    ]


def test_silicon_valley_premieres_are_the_first_airings_in_new_york_time(
    empty: Invoker, server: LocalServer
) -> None:
    payload = synced(empty, server, "singlesearch_143_embed_episodes.json", "silicon-valley")
    zone = ZoneInfo(payload["network"]["country"]["timezone"])
    episodes = payload["_embedded"]["episodes"]
    seasons = seasons_of(empty, "silicon-valley")
    assert sorted(seasons) == sorted({item["season"] for item in episodes})
    for number, season in seasons.items():
        own = [item for item in episodes if item["season"] == number]
        first = min(own, key=lambda item: item["airstamp"])
        expected = datetime.fromisoformat(first["airstamp"]).astimezone(zone)
        assert season["premiere"] == expected.isoformat(timespec="minutes")
        assert season["premiere"][:10] == first["airdate"]  # the network's own day
        assert season["episodes"] == len(own)
        assert season["status"] == "released"


def test_google_alerts_items_keep_their_instants_and_are_ordered_by_them(
    empty: Invoker, server: LocalServer
) -> None:
    body = real("feeds/google_alerts_atom.xml").read_bytes()
    url = server.static("/alerts.xml", body)
    env = {"SHOWTRACK_NOW": "2019-07-11T12:00:00+00:00"}
    assert empty("add", "show", "Slack", env_extra=env).exit_code == 0
    assert empty("feed", "add", "slack", url, "--match", "Slack", env_extra=env).exit_code == 0
    result = empty("sync", env_extra=env)
    assert result.exit_code == 0, result.output

    import re

    published = [
        datetime.fromisoformat(stamp.replace("Z", "+00:00")).isoformat(timespec="minutes")
        for stamp in re.findall(r"<published>([^<]+)</published>", body.decode())
    ]
    news = json.loads(empty("news", "--all", "--json", env_extra=env).stdout)["announcements"]
    dates = [item["date"] for item in news]
    assert sorted(dates) == sorted(published)  # every item, at its minute, with its offset
    assert dates == sorted(dates, reverse=True)  # newest first, by their instants

    def since(tz: str) -> set[str]:
        args = ("news", "--since", "2019-07-10", "--tz", tz, "--json")
        doc = json.loads(empty(*args, env_extra=env).stdout)
        return {item["date"] for item in doc["announcements"]}

    late = "2019-07-09T23:59+00:00"  # 00:59 on 10 July in London, 19:59 on 9 July in New York
    assert late in since("Europe/London")
    assert late not in since("America/New_York")
    assert "2019-07-10T03:36+00:00" not in since("America/New_York")  # 23:36 on 9 July there
    assert "2019-07-10T05:03+00:00" in since("America/New_York")
