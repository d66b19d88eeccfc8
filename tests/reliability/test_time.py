"""Items 20-24: the host zone, date-only premieres, timed premieres, DST and leap days."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from reliability.support import (
    HERE,
    base_env,
    cli,
    cli_many,
    copy_database,
    empty_db,
    load_db,
    pack,
    record,
    write_pack,
)

HOST_ZONES = ["UTC", "America/Los_Angeles", "Europe/London", "Pacific/Auckland"]
VIEWER_ZONES = [*HOST_ZONES, "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata"]

SHOWS = pack(
    {
        "slug": "bear",
        "title": "The Bear",
        "timezone": "America/New_York",
        "seasons": [{"number": 1, "premiere": "2011-06-23T22:00-04:00", "status": "scheduled"}],
        "announcements": [
            {"kind": "trailer", "date": "2011-06-20", "headline": "Trailer"},
            {"kind": "other", "date": "2011-06", "headline": "Month news"},
        ],
    },
    {
        "slug": "leap",
        "title": "Leap",
        "timezone": "Europe/London",
        "seasons": [
            {"number": 1, "premiere": "2024-02-29", "status": "scheduled"},
            {"number": 2, "premiere": "2024-03-01", "status": "scheduled"},
            {"number": 3, "premiere": "2024-03", "status": "announced"},
            {"number": 4, "premiere": "2024", "status": "announced"},
        ],
        "announcements": [{"kind": "other", "date": "2024-02-29", "headline": "Leap news"}],
    },
    {
        "slug": "dst",
        "title": "Fall Back",
        "timezone": "Europe/London",
        "seasons": [{"number": 1, "premiere": "2024-10-27T12:00+00:00", "status": "scheduled"}],
    },
)


@pytest.fixture(scope="module")
def timedb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("time")
    db, env = empty_db(tmp)
    done = cli(env, "import", str(write_pack(tmp / "shows.json", SHOWS)))
    assert done.code == 0, str(done)
    return db


def _env(db: Path, now: str, tz: str) -> dict[str, str]:
    return base_env(db.parent.parent, db, SHOWTRACK_NOW=now, TZ=tz)


def _premieres(doc: dict[str, Any], slug: str) -> list[dict[str, Any]]:
    return [p for p in doc["premieres"] if p["show"] == slug]


def test_the_host_zone_does_not_change_instants_or_order(timedb: Path) -> None:
    """Item 20: same db, same SHOWTRACK_NOW, four host zones."""
    now = "2011-06-20T12:00:00Z"
    jobs = []
    for tz in HOST_ZONES:
        env = _env(timedb, now, tz)
        jobs.append((env, ["countdown", "--all", "--json", "--tz", "Europe/London"]))
        jobs.append((env, ["countdown", "--all", "--json"]))
        jobs.append((env, ["news", "--peek", "--json"]))
    results = cli_many(jobs)
    assert all(r.code == 0 for r in results), [str(r) for r in results if r.code]
    fixed_viewer = [results[i].out for i in range(0, len(results), 3)]
    assert all(out == fixed_viewer[0] for out in fixed_viewer), "host TZ changed --tz output"
    host_viewer = [results[i].json() for i in range(1, len(results), 3)]
    instants = [
        (doc["as_of"], [(p["show"], p["season"], p["premiere"]) for p in doc["premieres"]])
        for doc in host_viewer
    ]
    assert all(item == instants[0] for item in instants), instants
    news = [results[i].json() for i in range(2, len(results), 3)]
    assert all(doc["announcements"] == news[0]["announcements"] for doc in news)


def test_writes_under_any_host_zone_store_the_same_bytes(tmp_path: Path, timedb: Path) -> None:
    """Item 20: the same commands at the same SHOWTRACK_NOW under four host zones give
    byte-identical files, and no stored instant is naive."""
    now = "2024-03-10T09:30:00Z"

    def writes(tz: str) -> bytes:
        copy = tmp_path / tz.replace("/", "_") / "db.json"
        copy.parent.mkdir(parents=True)
        copy_database(timedb, copy)
        env = _env(copy, now, tz)
        for args in (
            ["add", "season", "bear", "2", "--premiere", "2024-06-26T22:00"],
            ["add", "news", "bear", "--headline", "Hand news", "--date", "2024-06-01"],
            ["edit", "season", "leap", "2", "--premiere", "2024-03-02"],
            ["news"],
        ):
            done = cli(env, *args)
            assert done.code == 0, f"{tz}: {done}"
        return copy.read_bytes()

    with ThreadPoolExecutor(max_workers=2) as pool:
        files = list(pool.map(writes, HOST_ZONES))
    assert all(data == files[0] for data in files), "the host zone leaked into the file"
    raw = load_db(tmp_path / "UTC" / "db.json")
    season = next(d for d in raw["seasons"].values() if d["show"] == "bear" and d["number"] == 2)
    assert season["premiere"] == "2024-06-26T22:00-04:00", "read in the show's zone, not the host's"
    stamps = re.findall(r'"(\d{4}-\d{2}-\d{2}T[0-9:.]+[^"]*)"', json.dumps(raw))
    naive = [s for s in stamps if not re.search(r"(Z|[+-]\d{2}:?\d{2})$", s)]
    assert stamps
    assert not naive, f"naive datetimes stored: {naive[:5]}"


def test_a_date_only_premiere_is_that_date_in_every_zone(timedb: Path) -> None:
    """Item 21: 1 Mar 2024 is 1 Mar 2024 for everyone, never the day before."""
    env = _env(timedb, "2024-02-20T12:00:00Z", "UTC")
    results = cli_many(
        (env, ["countdown", "leap", "--all", "--json", "--tz", viewer]) for viewer in VIEWER_ZONES
    )
    for viewer, done in zip(VIEWER_ZONES, results, strict=True):
        assert done.code == 0, str(done)
        rows = {p["season"]: p for p in done.json()["premieres"]}
        assert rows[1]["display"] == "Thu 29 Feb 2024", viewer
        assert rows[2]["display"] == "Fri 1 Mar 2024", viewer
        assert rows[2]["premiere"] == "2024-03-01", viewer


@pytest.mark.parametrize(
    ("viewer", "display", "show_time"),
    [
        ("America/New_York", "Thu 23 Jun 2011 22:00 EDT", None),
        ("Europe/London", "Fri 24 Jun 2011 03:00 BST", "Thu 23 Jun 22:00 EDT"),
    ],
)
def test_a_timed_premiere_converts_to_the_viewer(
    timedb: Path, viewer: str, display: str, show_time: str | None
) -> None:
    """Item 22: 22:00 New York on 23 June 2011 is 02:00Z on the 24th."""
    env = _env(timedb, "2011-06-20T12:00:00Z", "UTC")
    done = cli(env, "countdown", "bear", "--json", "--tz", viewer)
    assert done.code == 0, str(done)
    (row,) = _premieres(done.json(), "bear")
    assert row["premiere"] == "2011-06-23T22:00-04:00"
    assert row["display"] == display
    assert row["show_time"] == show_time


def test_today_and_tomorrow_follow_the_viewers_date(timedb: Path) -> None:
    """Item 22: at 20:00Z on 23 June (16:00 in New York, 21:00 in London) the 22:00 New
    York premiere is 'today' in New York and 'tomorrow' (03:00) in London."""
    env = _env(timedb, "2011-06-23T20:00:00Z", "UTC")
    ny, london = cli_many(
        [
            (env, ["countdown", "bear", "--json", "--tz", "America/New_York"]),
            (env, ["countdown", "bear", "--json", "--tz", "Europe/London"]),
        ]
    )
    (row_ny,) = _premieres(ny.json(), "bear")
    (row_ldn,) = _premieres(london.json(), "bear")
    assert (row_ny["state"], row_ny["countdown"]) == ("today", "today, in 6 hours")
    assert (row_ldn["state"], row_ldn["countdown"]) == ("upcoming", "tomorrow, in 6 hours")
    assert (row_ny["hours"], row_ldn["hours"]) == (6, 6)


def test_a_countdown_across_the_autumn_fall_back_counts_25_hours(timedb: Path) -> None:
    """Item 23: from 12:00 BST on 26 Oct 2024 to 12:00 GMT on the 27th is 25 hours."""
    env = _env(timedb, "2024-10-26T11:00:00Z", "Europe/London")
    done = cli(env, "countdown", "dst", "--json")
    assert done.code == 0, str(done)
    (row,) = _premieres(done.json(), "dst")
    assert (row["days"], row["hours"], row["minutes"]) == (1, 1, 0), row
    assert row["countdown"] == "tomorrow, in 1 day 1 hour"


def test_nonexistent_and_ambiguous_local_times_are_handled_one_way(tmp_path: Path) -> None:
    """Item 23: 01:30 on 31 Mar 2024 does not exist in London; 01:30 on 27 Oct 2024
    happens twice. Each gives the same stored instant under every host zone (RFC 5545's
    rule: a skipped time takes the offset before the gap; a repeated one its first
    occurrence), or is refused."""
    stored: dict[str, set[str]] = {"gap": set(), "fold": set()}
    for tz in ("UTC", "Pacific/Auckland"):
        db, env = empty_db(tmp_path / tz.replace("/", "_"))
        env["TZ"] = tz
        assert cli(env, "add", "show", "Zoned", "--timezone", "Europe/London").code == 0
        for name, number, when in (("gap", 1, "2024-03-31T01:30"), ("fold", 2, "2024-10-27T01:30")):
            done = cli(env, "add", "season", "zoned", str(number), "--premiere", when)
            assert done.code in (0, 2), str(done)
            assert "Traceback" not in done.stderr
            if done.code == 0:
                raw = load_db(db)
                season = next(d for d in raw["seasons"].values() if d["number"] == number)
                stored[name].add(season["premiere"])
            else:
                stored[name].add("refused")
    assert len(stored["gap"]) == 1, stored
    assert len(stored["fold"]) == 1, stored
    assert stored["gap"] <= {"refused", "2024-03-31T01:30+00:00"}, stored
    assert stored["fold"] <= {"refused", "2024-10-27T01:30+01:00"}, stored


def test_the_handling_of_skipped_and_repeated_times_is_documented() -> None:
    """Item 23 says 'handled one documented way': the README must say which."""
    readme = (HERE.parent.parent / "README.md").read_text(encoding="utf-8")
    assert re.search(
        r"non-?existent|does not exist|skipped (local )?(hour|time)|spring forward|gap",
        readme,
        re.IGNORECASE,
    ), "README does not say how a local time skipped by DST is read"
    assert re.search(
        r"ambiguous (local )?time|happens twice|repeated (hour|time)|fall-back hour",
        readme,
        re.IGNORECASE,
    ), "README does not say how a local time repeated by DST is read"


def test_leap_day_arithmetic(timedb: Path) -> None:
    """Item 24: 28 Feb to 1 Mar 2024 is 2 days."""
    env = _env(timedb, "2024-02-28T12:00:00Z", "UTC")
    done = cli(env, "countdown", "leap", "--all", "--json")
    rows = {p["season"]: p for p in done.json()["premieres"]}
    assert (rows[1]["days"], rows[1]["countdown"]) == (1, "tomorrow")
    assert (rows[2]["days"], rows[2]["countdown"]) == (2, "in 2 days")
    assert rows[3]["days"] == 2, rows[3]  # March 2024 starts in 2 days


@pytest.mark.parametrize("tz", ["UTC", "Pacific/Auckland"])
def test_a_clock_frozen_at_the_last_second_of_a_leap_day(timedb: Path, tz: str) -> None:
    """Item 24: every read command works at 2024-02-29T23:59:59Z."""
    env = _env(timedb, "2024-02-29T23:59:59Z", tz)
    commands = [
        ["show", "leap"],
        ["news", "--since", "1y"],
        ["countdown", "--all", "--json"],
        ["timeline", "leap"],
        ["calendar"],
        ["news", "--since", "2024-02-29", "--json"],
        ["countdown", "--as-of", "yesterday"],
    ]
    results = cli_many((env, args) for args in commands)
    for args, done in zip(commands, results, strict=True):
        assert done.code == 0, f"{args}: {done}"
        assert "Traceback" not in done.stderr
    rows = {p["season"]: p for p in results[2].json()["premieres"] if p["show"] == "leap"}
    local_day = {"UTC": "29", "Pacific/Auckland": "1"}[tz]
    if local_day == "29":
        assert (rows[1]["state"], rows[2]["countdown"]) == ("today", "tomorrow")
    else:  # already 1 March in Auckland
        assert (rows[1]["countdown"], rows[2]["state"]) == ("yesterday", "today")
    since = results[5].json()
    assert "Leap news" in [a["headline"] for a in since["announcements"]]
    record("leap day", runs=len(commands))
