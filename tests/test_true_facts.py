"""True facts, shown one way (issue 11): one instant worded the same in every command,
a season's status that follows its dates, exports that keep everything, and cast
as the source gives it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Invoker, ok

Runner = Callable[..., Invoker]

BEAR = {
    "shows": [
        {
            "slug": "the-bear",
            "title": "The Bear",
            "network": "FX",
            "timezone": "America/New_York",
            "seasons": [
                {"number": 3, "premiere": "2024-06-26T22:00-04:00", "status": "scheduled"},
                {"number": 2, "premiere": "2023-06-22", "status": "scheduled"},
            ],
        }
    ]
}


@pytest.fixture
def bear(runner: Runner, tmp_path: Path) -> Invoker:
    invoke = runner(tmp_path / "bear.json")
    ok(invoke("init", "--empty"))
    pack = tmp_path / "bear-pack.json"
    pack.write_text(json.dumps(BEAR), encoding="utf-8")
    ok(invoke("import", str(pack)))
    return invoke


TOKYO = {"TZ": "Asia/Tokyo", "SHOWTRACK_NOW": "2024-06-01T00:00:00Z"}
LOCAL = "Thu 27 Jun 2024 11:00 JST"
HOME = "(Wed 26 Jun 22:00 EDT show's time)"


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    "args", [["countdown"], ["show", "the-bear"], ["shows"], ["timeline", "the-bear"]]
)
def test_one_instant_is_worded_the_same_in_every_command(bear: Invoker, args: list[str]) -> None:
    text = flat(ok(bear(*args, env_extra={**TOKYO, "COLUMNS": "200"})).stdout)
    assert LOCAL in text
    assert HOME in text
    assert "UTC-04:00" not in text


@pytest.mark.parametrize("command", ["countdown", "show", "shows", "timeline", "news"])
def test_every_command_that_shows_a_time_takes_tz(bear: Invoker, command: str) -> None:
    args = [command] if command in ("countdown", "shows", "news") else [command, "the-bear"]
    text = ok(bear(*args, "--tz", "Asia/Tokyo", "--json", env_extra={"TZ": "UTC"})).stdout
    assert "Asia/Tokyo" in text or "JST" in text


def test_json_keeps_iso_instants_with_offsets(bear: Invoker) -> None:
    doc = json.loads(ok(bear("countdown", "--json", env_extra=TOKYO)).stdout)
    row = next(r for r in doc["premieres"] if r["season"] == 3)
    assert row["premiere"] == "2024-06-26T22:00-04:00"
    assert row["display"] == LOCAL
    assert row["show_time"] == "Wed 26 Jun 22:00 EDT"


def test_a_change_headline_is_rendered_in_the_viewers_zone(bear: Invoker) -> None:
    ok(bear("news"))
    ok(bear("edit", "season", "the-bear", "3", "--premiere", "2024-06-27T22:00"))
    tokyo = json.loads(ok(bear("news", "--peek", "--json", env_extra={"TZ": "Asia/Tokyo"})).stdout)
    london = json.loads(
        ok(bear("news", "--peek", "--json", env_extra={"TZ": "Europe/London"})).stdout
    )
    assert [a["headline"] for a in tokyo["announcements"]] == [
        "The Bear season 3 premiere moved: 27 Jun 2024 11:00 JST -> 28 Jun 2024 11:00 JST"
    ]
    assert [a["headline"] for a in london["announcements"]] == [
        "The Bear season 3 premiere moved: 27 Jun 2024 03:00 BST -> 28 Jun 2024 03:00 BST"
    ]
    stored = tokyo["announcements"][0]
    assert (stored["was"], stored["became"]) == ("2024-06-26T22:00-04:00", "2024-06-27T22:00-04:00")


def test_the_last_check_is_shown_in_the_viewers_zone(bear: Invoker) -> None:
    ok(bear("news", env_extra={"SHOWTRACK_NOW": "2024-06-01T00:00:00Z"}))
    text = ok(bear("news", env_extra={"TZ": "Asia/Tokyo"})).stdout
    assert text.startswith("New since your last check (Sat 1 Jun 2024 09:00 JST)")


def test_a_scheduled_season_is_released_once_its_premiere_has_passed(bear: Invoker) -> None:
    after = {"SHOWTRACK_NOW": "2023-07-01T12:00:00Z", "TZ": "UTC"}
    shows = json.loads(ok(bear("show", "the-bear", "--json", env_extra=after)).stdout)
    statuses = {s["number"]: s["status"] for s in shows["seasons"]}
    assert statuses == {2: "released", 3: "scheduled"}
    listing = json.loads(ok(bear("shows", "--json", env_extra=after)).stdout)
    assert listing["shows"][0]["released"] == 1
    before = {"SHOWTRACK_NOW": "2023-06-22T12:00:00Z", "TZ": "UTC"}  # the day itself
    shows = json.loads(ok(bear("show", "the-bear", "--json", env_extra=before)).stdout)
    assert {s["number"]: s["status"] for s in shows["seasons"]}[2] == "scheduled"


def test_a_status_a_source_states_is_kept(bear: Invoker) -> None:
    ok(bear("edit", "season", "the-bear", "2", "--status", "cancelled"))
    after = {"SHOWTRACK_NOW": "2023-07-01T12:00:00Z"}
    shows = json.loads(ok(bear("show", "the-bear", "--json", env_extra=after)).stdout)
    assert {s["number"]: s["status"] for s in shows["seasons"]}[2] == "cancelled"


def export(invoke: Invoker) -> str:
    return str(ok(invoke("export")).stdout)


def test_export_keeps_feeds_with_their_match_words_and_round_trips(
    bear: Invoker, tmp_path: Path, runner: Runner
) -> None:
    ok(bear("feed", "add", "the-bear", "https://example.org/bear.rss", "--match", "Bear, Carmy"))
    ok(bear("feed", "add", "the-bear", "https://example.org/fx.rss"))
    first = export(bear)
    feeds = json.loads(first)["shows"][0]["feeds"]
    assert feeds == [
        {"url": "https://example.org/bear.rss", "match": ["Bear", "Carmy"]},
        {"url": "https://example.org/fx.rss"},
    ]
    assert "etag" not in first
    assert "seen" not in first
    pack = tmp_path / "pack.json"
    pack.write_text(first, encoding="utf-8")
    copy = runner(tmp_path / "copy.json")
    ok(copy("init", "--empty"))
    ok(copy("import", str(pack)))
    assert export(copy) == first
    listed = json.loads(ok(copy("feed", "list", "--json")).stdout)["feeds"]
    assert [f["words"] for f in listed] == [["Bear", "Carmy"], []]


def test_importing_a_followed_feed_keeps_what_it_has_seen(bear: Invoker, tmp_path: Path) -> None:
    ok(bear("feed", "add", "the-bear", "https://example.org/bear.rss"))
    raw = json.loads(bear.db.read_bytes())
    doc = next(iter(raw["feeds"].values()))
    doc["seen"] = ["guid-1"]
    raw["state"]["1"].pop("news")
    bear.db.write_text(json.dumps(raw), encoding="utf-8")
    pack = {"shows": [{"slug": "the-bear", "title": "The Bear", "feeds": [
        {"url": "https://example.org/bear.rss", "match": ["Carmy"]}]}]}  # fmt: skip
    path = tmp_path / "feeds.json"
    path.write_text(json.dumps(pack), encoding="utf-8")
    ok(bear("import", str(path)))
    stored = next(iter(json.loads(bear.db.read_bytes())["feeds"].values()))
    assert (stored["words"], stored["seen"]) == (["Carmy"], ["guid-1"])


def main_cast(invoke: Invoker, *args: str) -> dict[str, Any]:
    return dict(json.loads(ok(invoke("cast", *args, "--json")).stdout))


def test_cast_falls_back_to_the_main_cast_labelled_with_its_source_and_day(
    bear: Invoker, tmp_path: Path
) -> None:
    pack = {"shows": [{"slug": "the-bear", "title": "The Bear", "credits": [
        {"actor": "Jeremy Allen White", "character": "Carmen Berzatto", "order": 0,
         "as_of": "2024-05-01", "source": "TVmaze"},
        {"actor": "Ayo Edebiri", "character": "Sydney Adamu", "order": 1,
         "as_of": "2024-05-01", "source": "TVmaze"},
        {"season": 2, "actor": "Molly Gordon", "character": "Claire", "status": "new"},
    ]}]}  # fmt: skip
    path = tmp_path / "cast.json"
    path.write_text(json.dumps(pack), encoding="utf-8")
    ok(bear("import", str(path)))
    own = main_cast(bear, "the-bear", "--season", "2")
    assert (own["main_cast"], [m["actor"] for m in own["cast"]]) == (False, ["Molly Gordon"])
    main = main_cast(bear, "the-bear", "--season", "3")
    assert main["main_cast"] is True
    assert (main["as_of"], main["source"]) == ("2024-05-01", "TVmaze")
    assert [m["actor"] for m in main["cast"]] == ["Jeremy Allen White", "Ayo Edebiri"]
    assert {m["status"] for m in main["cast"]} == {None}  # never derived from a main cast
    table = ok(bear("cast", "the-bear", "--season", "3")).stdout
    assert "main cast as of 1 May 2024 (TVmaze)" in table
