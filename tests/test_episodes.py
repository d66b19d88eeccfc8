"""Episodes end to end (issue 12): following a season while it airs.

Every test runs the CLI (CliRunner, in process) against its own database in a tmp
folder, with the clock frozen by SHOWTRACK_NOW and the viewer's zone given by
``--tz`` or ``TZ``. Expected answers are worked out here from the input facts (the
air times in the packs and payloads), never copied from the program's output.
TVmaze is a server on 127.0.0.1; the recorded payload in ../shared/fixtures/real
is read where it is present and the test is skipped where it is not.
"""

from __future__ import annotations

import copy
import json
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from typer.testing import Result

from conftest import Invoker, assert_clean, legacy_bytes, ok, raw_database
from sources_helpers import LocalServer, real, serve

Runner = Callable[..., Invoker]

SV_PACK = Path(__file__).resolve().parent / "data" / "silicon-valley-season-4.json"
SV_DOC: dict[str, Any] = json.loads(SV_PACK.read_text(encoding="utf-8"))
SV_EPISODES: dict[int, dict[str, Any]] = {e["number"]: e for e in SV_DOC["shows"][0]["episodes"]}
SV_SEASON: dict[str, Any] = SV_DOC["shows"][0]["seasons"][0]
SV_COUNT = SV_SEASON["episodes"]  # 10: the finale is E10

LONDON = ZoneInfo("Europe/London")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")

#: A Monday noon in London during season 4: E2 aired at 03:00 that morning.
MID_SEASON = "2017-05-01T12:00:00+01:00"
#: Heartstopper season 2: the bundled pack dates its eight episodes to this day.
DROP_DAY = date(2023, 8, 3)


# --- helpers --------------------------------------------------------------------------------


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def airs(number: int) -> datetime:
    """When Silicon Valley S4E<number> airs, as the pack gives it."""
    return instant(SV_EPISODES[number]["airs"])


def env(now: str | None = None, tz: str | None = None, **more: str | None) -> dict[str, str | None]:
    extra: dict[str, str | None] = {}
    if now is not None:
        extra["SHOWTRACK_NOW"] = now
    if tz is not None:
        extra["TZ"] = tz
    extra.update(more)
    return extra


def as_json(result: Result) -> Any:
    ok(result)
    return json.loads(result.stdout)


def one_line_error(result: Result, code: int, *phrases: str) -> str:
    """An error run: the exit code, nothing on stdout, one line on stderr."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert_clean(result)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


def plural(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def span(later: datetime, now: datetime) -> str:
    """The README's elapsed wording for a known time: 'in 6 days 15 hours', 'in 45
    minutes' (minutes only when under a day). The NOW values used here are chosen so
    that every span is a whole number of minutes."""
    seconds = int((later - now).total_seconds())
    assert seconds > 0
    assert seconds % 60 == 0
    days, rest = divmod(seconds // 60, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [plural(days, "day")] if days else []
    if hours:
        parts.append(plural(hours, "hour"))
    if minutes and not days:
        parts.append(plural(minutes, "minute"))
    return "in " + " ".join(parts)


def timed_countdown(later: datetime, now: datetime, zone: ZoneInfo) -> str:
    """The countdown label of a known time for a viewer in ``zone``: 'today, ...' and
    'tomorrow, ...' are the viewer's calendar days, the span is real elapsed time."""
    apart = (later.astimezone(zone).date() - now.astimezone(zone).date()).days
    if later <= now:
        assert apart == 0, "only the day itself is asked about here"
        return "today, out now"
    prefix = {0: "today, ", 1: "tomorrow, "}.get(apart, "")
    return prefix + span(later, now)


def local_text(moment: datetime, zone: ZoneInfo, *, year: bool = True) -> str:
    """How the README shows an instant in the viewer's zone: 'Mon 8 May 2017 03:00 BST'."""
    local = moment.astimezone(zone)
    shown = f"{local:%a} {local.day} {local:%b}"
    if year:
        shown += f" {local:%Y}"
    return f"{shown} {local:%H:%M} {local.tzname()}"


def cells(text: str) -> int:
    """Terminal cells a line takes (wide and full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pack(listed: list[dict[str, Any]] | None = None, **season: Any) -> dict[str, Any]:
    """The Silicon Valley pack, with its episodes and season fields replaced as given."""
    doc = copy.deepcopy(SV_DOC)
    show = doc["shows"][0]
    if listed is not None:
        show["episodes"] = listed
    for name, value in season.items():
        if value is None:
            show["seasons"][0].pop(name, None)
        else:
            show["seasons"][0][name] = value
    return doc


def write(tmp_path: Path, name: str, doc: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def premieres(invoke: Invoker, now: str, *args: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = as_json(invoke("countdown", *args, "--json", env_extra=env(now)))[
        "premieres"
    ]
    return rows


def table_rows(text: str) -> list[str]:
    """The body of a one-table view: the lines under its rule."""
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if set(line) <= {"─", "-"} and line)
    return lines[rule + 1 :]


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def empty(runner: Runner, tmp_path: Path) -> Invoker:
    invoke = runner(tmp_path / "episodes" / "showtrack.json")
    ok(invoke("init", "--empty"))
    return invoke


class Clocked(Invoker):
    """An invoker whose clock defaults to ``now`` (a run may still pass its own)."""

    def __init__(self, db: Path, now: str) -> None:
        super().__init__(db)
        self.now = now

    def __call__(
        self,
        *args: str,
        env_extra: dict[str, str | None] | None = None,
        catch_exceptions: bool = False,
    ) -> Result:
        merged = {"SHOWTRACK_NOW": self.now, **(env_extra or {})}
        return super().__call__(*args, env_extra=merged, catch_exceptions=catch_exceptions)


@pytest.fixture
def sv(empty: Invoker) -> Invoker:
    """An empty database with the Silicon Valley season 4 pack imported; its clock is
    MID_SEASON unless a run says otherwise."""
    clocked = Clocked(empty.db, MID_SEASON)
    ok(clocked("import", str(SV_PACK)))
    return clocked


@pytest.fixture
def both(invoke: Invoker) -> Invoker:
    """The bundled Heartstopper data with the Silicon Valley pack imported too; the
    clock is MID_SEASON (Heartstopper season 2 is still to come)."""
    clocked = Clocked(invoke.db, MID_SEASON)
    ok(clocked("import", str(SV_PACK)))
    return clocked


# --- 1. countdown while a season airs --------------------------------------------------------


@pytest.mark.parametrize("zone", [LONDON, LOS_ANGELES], ids=str)
def test_before_the_premiere_the_row_counts_to_the_season(sv: Invoker, zone: ZoneInfo) -> None:
    now = instant("2017-04-20T12:00:00+01:00")
    result = ok(sv("countdown", "--tz", str(zone), env_extra=env(now.isoformat())))
    (row,) = premieres(sv, now.isoformat(), "--tz", str(zone))
    assert (row["phase"], row["season"], row["state"]) == ("premiere", 4, "upcoming")
    assert row["next"]["label"] == "S4E1"
    assert row["countdown"] == timed_countdown(airs(1), now, zone) == "in 3 days 15 hours"
    assert row["display"] == local_text(airs(1), zone)
    heading, *_ = result.stdout.splitlines()
    assert heading.startswith("Premieres as of")  # nothing airs yet
    (first, *_rest) = table_rows(result.stdout)
    assert first.split()[:3] == ["Silicon", "Valley", "S4"]  # the season, not "S4E1"


# NOW values (London wall time) and the episode that is next at each, from the pack.
MID_SEASON_CASES = [
    ("2017-04-24T03:10:00+01:00", 2),  # ten minutes after the premiere began
    (MID_SEASON, 3),  # E2 aired this morning
    ("2017-06-04T12:00:00+01:00", 7),  # E7 is a quarter of an hour late (22:15 EDT)
    ("2017-06-25T12:00:00+01:00", 10),  # the finale tonight in New York
]


@pytest.mark.parametrize("zone", [LONDON, LOS_ANGELES], ids=str)
@pytest.mark.parametrize(("now", "number"), MID_SEASON_CASES)
def test_while_airing_the_row_counts_to_the_next_episode(
    sv: Invoker, now: str, number: int, zone: ZoneInfo
) -> None:
    moment = instant(now)
    coming = min((n for n in SV_EPISODES if airs(n) > moment), key=airs)
    assert coming == number  # the case table agrees with the pack
    (row,) = premieres(sv, now, "--tz", str(zone))
    assert row["phase"] == "airing"
    assert row["premiere"] == SV_SEASON["premiere"]  # the season's own premiere, as stored
    assert row["next"]["label"] == f"S4E{number}"
    assert row["next"]["finale"] is (number == SV_COUNT)
    assert row["next"]["all_at_once"] is False
    assert [e["title"] for e in row["next"]["episodes"]] == [SV_EPISODES[number]["title"]]
    assert instant(row["airs"]) == airs(number)
    assert row["countdown"] == timed_countdown(airs(number), moment, zone)
    assert row["display"] == local_text(airs(number), zone)

    table = ok(sv("countdown", "--tz", str(zone), env_extra=env(now))).stdout
    assert table.splitlines()[0].startswith("Coming up as of")
    body = "\n".join(table_rows(table))
    label = f"S4E{number} finale" if number == SV_COUNT else f"S4E{number}"
    assert f"Silicon Valley   {label} " in body
    assert row["countdown"] in body


def test_the_two_zones_answer_the_same_instant_differently(sv: Invoker) -> None:
    """The finale case: at noon in London on Sunday 25 June the finale (02:00 UTC on
    the 26th) is tomorrow morning for a London viewer but this evening for one in Los
    Angeles; the hours to go are the same real hours."""
    now = instant("2017-06-25T12:00:00+01:00")
    finale = airs(SV_COUNT)
    hours = (finale - now) // timedelta(hours=1)
    assert finale.astimezone(LONDON).date() > now.astimezone(LONDON).date()
    assert finale.astimezone(LOS_ANGELES).date() == now.astimezone(LOS_ANGELES).date()
    answers = {}
    for zone in (LONDON, LOS_ANGELES):
        (row,) = premieres(sv, now.isoformat(), "--tz", str(zone))
        answers[str(zone)] = (row["countdown"], row["days"], row["hours"], row["state"])
    assert answers == {
        "Europe/London": (f"tomorrow, in {hours} hours", 0, hours, "upcoming"),
        "America/Los_Angeles": (f"today, in {hours} hours", 0, hours, "today"),
    }
    # TZ in the environment is the same viewer as --tz
    for zone in (LONDON, LOS_ANGELES):
        by_env = as_json(sv("countdown", "--json", env_extra=env(now.isoformat(), tz=str(zone))))
        (row,) = by_env["premieres"]
        assert by_env["tz"] == str(zone)
        assert row["countdown"] == answers[str(zone)][0]


@pytest.mark.parametrize(
    ("zone", "listed"),
    [(LONDON, True), (LOS_ANGELES, False)],
    ids=["london-same-day", "los-angeles-next-day"],
)
def test_the_finale_stays_out_now_on_its_day_then_the_season_leaves(
    sv: Invoker, zone: ZoneInfo, listed: bool
) -> None:
    now = instant("2017-06-26T23:00:00+01:00")  # 15:00 in Los Angeles
    finale = airs(SV_COUNT)
    same_day = finale.astimezone(zone).date() == now.astimezone(zone).date()
    assert same_day is listed
    rows = premieres(sv, now.isoformat(), "--tz", str(zone))
    if listed:
        (row,) = rows
        assert (row["phase"], row["state"], row["countdown"]) == (
            "released",
            "released",
            "today, out now",
        )
        assert row["next"]["finale"] is True
        text = ok(sv("countdown", "--tz", str(zone), env_extra=env(now.isoformat()))).stdout
        assert "S4E10 finale" in text
        assert "today, out now" in text
    else:
        assert rows == []
        text = ok(sv("countdown", "--tz", str(zone), env_extra=env(now.isoformat()))).stdout
        assert text.startswith("Nothing coming up.")
    next_day = (finale.astimezone(zone) + timedelta(days=1)).replace(hour=0, minute=10)
    assert premieres(sv, next_day.isoformat(), "--tz", str(zone)) == []
    (kept,) = premieres(sv, next_day.isoformat(), "--tz", str(zone), "--all")
    assert (kept["season"], kept["phase"], kept["state"]) == (4, "released", "released")


@pytest.mark.parametrize("count", [SV_COUNT, None], ids=["count-known", "count-unknown"])
def test_two_episodes_airing_together_are_one_row(
    empty: Invoker, tmp_path: Path, count: int | None
) -> None:
    ok(empty("import", str(write(tmp_path, "pack.json", pack(episodes=count)))))
    together = SV_EPISODES[3]["airs"]
    ok(empty("edit", "episode", "silicon-valley", "--season", "4", "--number", "4",
             "--airs", together))  # fmt: skip
    (row,) = premieres(empty, MID_SEASON)
    assert row["next"]["label"] == "S4E3–E4"
    assert row["next"]["count"] == 2
    assert [e["number"] for e in row["next"]["episodes"]] == [3, 4]
    assert row["next"]["all_at_once"] is False  # two of ten, not the whole season
    text = ok(empty("countdown", env_extra=env(MID_SEASON))).stdout
    assert "S4E3–E4" in text
    assert "all 2 episodes" not in text


def test_without_an_episode_count_no_episode_is_called_the_finale(
    empty: Invoker, tmp_path: Path
) -> None:
    path = write(tmp_path, "no-count.json", pack(episodes=None))
    ok(empty("import", str(path), env_extra=env(MID_SEASON)))
    (row,) = premieres(empty, "2017-06-25T12:00:00+01:00")
    assert row["next"]["label"] == "S4E10"
    assert row["next"]["finale"] is False
    listed = as_json(empty("episodes", "silicon-valley", "--json", env_extra=env(MID_SEASON)))
    assert listed["episode_count"] is None
    assert not any(e["finale"] for e in listed["episodes"])


# --- 2. the next episode not dated yet ---------------------------------------------------------


def _first_three(empty: Invoker, tmp_path: Path) -> None:
    """Season 4 with its count of 10 but only E1-E3 listed (TVmaze before the rest)."""
    three = [SV_EPISODES[n] for n in (1, 2, 3)]
    ok(empty("import", str(write(tmp_path, "three.json", pack(three)))))


def test_next_episode_tba_when_every_listed_episode_has_aired(
    empty: Invoker, tmp_path: Path
) -> None:
    _first_three(empty, tmp_path)
    now = "2017-05-08T12:00:00+01:00"  # E3 aired at 03:00 this morning
    assert airs(3) < instant(now)
    (row,) = premieres(empty, now)
    assert (row["phase"], row["state"], row["countdown"]) == ("airing", "tba", "next episode TBA")
    assert row["next"]["episodes"] == []
    assert row["next"]["airs"] is None
    text = ok(empty("countdown", env_extra=env(now))).stdout
    assert "S4, more episodes" in text
    assert "next episode TBA" in text


def test_next_episode_tba_when_the_next_listed_episode_has_no_date(
    empty: Invoker, tmp_path: Path
) -> None:
    listed = [copy.deepcopy(SV_EPISODES[n]) for n in range(1, 5)]
    del listed[3]["airs"]  # E4 is listed, not dated
    ok(empty("import", str(write(tmp_path, "undated.json", pack(listed)))))
    (row,) = premieres(empty, "2017-05-08T12:00:00+01:00")
    assert (row["phase"], row["state"], row["countdown"]) == ("airing", "tba", "next episode TBA")
    assert row["next"]["label"] == "S4E4"
    episodes = as_json(empty("episodes", "silicon-valley", "--json"))["episodes"]
    assert [(e["number"], e["state"], e["countdown"]) for e in episodes][-1] == (4, "tba", "TBA")


def test_next_episode_tba_is_still_listed_a_week_after_the_last_listed_episode(
    empty: Invoker, tmp_path: Path
) -> None:
    _first_three(empty, tmp_path)
    now = "2017-05-20T12:00:00+01:00"  # 12 days after E3; E4-E10 not listed yet
    rows = premieres(empty, now)
    assert [(r["season"], r["countdown"]) for r in rows] == [(4, "next episode TBA")]


# --- 3. all at once -----------------------------------------------------------------------------


def test_the_bundled_drop_is_one_row_of_all_eight_episodes(invoke: Invoker) -> None:
    now = "2023-05-24T12:00:00+01:00"
    rows = premieres(invoke, now)
    season_two = [row for row in rows if row["season"] == 2]
    assert len(season_two) == 1
    (row,) = season_two
    days = (DROP_DAY - date(2023, 5, 24)).days
    assert (row["days"], row["countdown"]) == (days, f"in {days} days")
    assert row["next"]["count"] == 8
    assert row["next"]["all_at_once"] is True
    assert row["next"]["finale"] is True  # the eighth of eight is among them
    text = ok(invoke("countdown", env_extra=env(now))).stdout
    s2_lines = [line for line in table_rows(text) if " S2" in line]
    assert len(s2_lines) == 1
    assert "S2, all 8 episodes" in s2_lines[0]


@pytest.mark.parametrize(
    ("zone", "label"), [(LONDON, "tomorrow"), (TOKYO, "today")], ids=["london", "tokyo"]
)
def test_a_dated_drop_is_counted_from_the_viewers_own_day(
    invoke: Invoker, zone: ZoneInfo, label: str
) -> None:
    now = instant("2023-08-02T23:30:00+01:00")  # already 3 August in Tokyo
    apart = (DROP_DAY - now.astimezone(zone).date()).days
    assert {0: "today", 1: "tomorrow"}[apart] == label
    rows = premieres(invoke, now.isoformat(), "--tz", str(zone))
    (row,) = [r for r in rows if r["season"] == 2]
    assert (row["countdown"], row["days"]) == (label, apart)


def test_a_dated_drop_is_released_the_day_after(invoke: Invoker) -> None:
    now = "2023-08-04T00:30:00+01:00"
    assert [r["season"] for r in premieres(invoke, now)] == [3]  # only the TBA season
    released = [r for r in premieres(invoke, now, "--all") if r["season"] == 2]
    assert released[0]["state"] == "released"
    listed = as_json(invoke("episodes", "heartstopper", "--json", env_extra=env(now)))
    assert listed["season"] == 2
    assert {e["state"] for e in listed["episodes"]} == {"released"}
    assert all(e["premiere"] for e in listed["episodes"])  # every episode of a drop


@pytest.fixture
def timed_drop(invoke: Invoker) -> Invoker:
    """Heartstopper season 3 as a drop at 08:00 London time (read in the show's zone)."""
    ok(invoke("add", "episode", "heartstopper", "--season", "3", "--number", "1-8",
              "--airs", "2024-10-03T08:00"))  # fmt: skip
    return invoke


DROP_AT = datetime(2024, 10, 3, 8, 0, tzinfo=LONDON)


def test_a_timed_drop_counts_down_in_hours(timed_drop: Invoker) -> None:
    now = DROP_AT - timedelta(hours=1)
    (row,) = [r for r in premieres(timed_drop, now.isoformat()) if r["season"] == 3]
    assert instant(row["airs"]) == DROP_AT
    assert row["airs"] == "2024-10-03T08:00+01:00"  # the time was read in Europe/London
    assert row["countdown"] == "today, in 1 hour"
    assert row["next"]["all_at_once"] is True
    assert row["next"]["count"] == 8


@pytest.mark.parametrize(
    ("now", "zone", "shown"),
    [
        (DROP_AT + timedelta(hours=1), LONDON, True),
        (datetime(2024, 10, 3, 23, 59, tzinfo=LONDON), LONDON, True),
        (datetime(2024, 10, 4, 0, 1, tzinfo=LONDON), LONDON, False),
        # the same instant is still 3 October (16:01) in Los Angeles
        (datetime(2024, 10, 4, 0, 1, tzinfo=LONDON), LOS_ANGELES, True),
    ],
    ids=["an-hour-after", "last-minute", "next-day", "next-day-in-london-is-today-in-la"],
)
def test_a_timed_drop_is_out_now_for_the_rest_of_its_day(
    timed_drop: Invoker, now: datetime, zone: ZoneInfo, shown: bool
) -> None:
    assert (DROP_AT.astimezone(zone).date() == now.astimezone(zone).date()) is shown
    rows = [
        r for r in premieres(timed_drop, now.isoformat(), "--tz", str(zone)) if r["season"] == 3
    ]
    if not shown:
        assert rows == []
        return
    (row,) = rows
    assert (row["state"], row["countdown"]) == ("released", "today, out now")
    text = ok(timed_drop("countdown", "--tz", str(zone), env_extra=env(now.isoformat()))).stdout
    line = next(line for line in table_rows(text) if "all 8 episodes" in line)
    assert "S3, all 8 episodes" in line
    assert "today, out now" in line


# --- 4. showtrack episodes ---------------------------------------------------------------------

EPISODES_DOC_KEYS = {
    "show", "title", "season", "episode_count", "seasons_with_episodes", "as_of", "tz",
    "spoilers", "episodes",
}  # fmt: skip
EPISODE_KEYS = {
    "season", "number", "label", "kind", "title", "summary", "airs", "precision", "display",
    "show_time", "runtime", "state", "countdown", "days", "premiere", "finale", "source",
}  # fmt: skip


def status_cells(text: str) -> dict[str, str]:
    """The Status column of an episodes table, by the episode's first cell."""
    found = {}
    for line in table_rows(text):
        if line.startswith("S"):
            parts = [part for part in line.rstrip().split("  ") if part.strip()]
            found[parts[0].split()[0]] = parts[-1].strip()
    return found


@pytest.mark.parametrize("zone", [LONDON, NEW_YORK], ids=str)
def test_episodes_lists_the_season_with_marks_and_status(sv: Invoker, zone: ZoneInfo) -> None:
    now = instant(MID_SEASON)
    doc = as_json(sv("episodes", "silicon-valley", "--tz", str(zone), "--json"))
    assert set(doc) >= EPISODES_DOC_KEYS
    assert (doc["show"], doc["season"], doc["episode_count"]) == ("silicon-valley", 4, SV_COUNT)
    assert (doc["tz"], doc["spoilers"], doc["seasons_with_episodes"]) == (str(zone), True, [4])
    rows = doc["episodes"]
    assert all(set(row) >= EPISODE_KEYS for row in rows)
    assert [row["number"] for row in rows] == sorted(SV_EPISODES)
    assert [row["label"] for row in rows] == [f"S4E{n}" for n in sorted(SV_EPISODES)]
    for row in rows:
        fact = SV_EPISODES[row["number"]]
        assert (row["title"], row["runtime"], row["kind"]) == (fact["title"], 30, "regular")
        assert instant(row["airs"]) == airs(row["number"])
        assert row["precision"] == "time"
        assert row["display"] == local_text(airs(row["number"]), zone)
        assert row["premiere"] is (row["number"] == 1)
        assert row["finale"] is (row["number"] == SV_COUNT)
        assert row["state"] == ("released" if airs(row["number"]) <= now else "upcoming")

    table = ok(sv("episodes", "silicon-valley", "--tz", str(zone))).stdout
    assert table.splitlines()[0] == (
        f"Silicon Valley — season 4 (2017), {SV_COUNT} episodes of 30 min ({zone})"
    )
    status = status_cells(table)
    aired_today = airs(2).astimezone(zone).date() == now.astimezone(zone).date()
    assert status["S4E1"] == "aired"
    assert status["S4E2"] == ("aired today" if aired_today else "aired")
    for number in range(3, SV_COUNT + 1):
        whole_days = (airs(number) - now) // timedelta(days=1)  # README: 6 days 15 h is "in 6 days"
        assert status[f"S4E{number}"] == f"in {whole_days} days"
    assert "S4E1 (premiere)" in table
    assert "S4E10 (finale)" in table


def test_the_status_says_aired_today_only_in_the_zone_where_it_is_today(sv: Invoker) -> None:
    """At noon in London E2 (03:00 BST, 22:00 EDT the evening before) aired today for
    a London viewer and yesterday for a New York one."""
    assert airs(2).astimezone(LONDON).date() == instant(MID_SEASON).astimezone(LONDON).date()
    assert airs(2).astimezone(NEW_YORK).date() < instant(MID_SEASON).astimezone(NEW_YORK).date()
    london = status_cells(ok(sv("episodes", "silicon-valley", "--tz", "Europe/London")).stdout)
    new_york = status_cells(ok(sv("episodes", "silicon-valley", "--tz", "America/New_York")).stdout)
    assert (london["S4E2"], new_york["S4E2"]) == ("aired today", "aired")


@pytest.mark.parametrize(
    "zone", ["Europe/London", "America/New_York", "Asia/Kolkata", "Asia/Tokyo"]
)
@pytest.mark.parametrize("spoilers", ["on", "off"])
def test_episodes_fit_80_columns(both: Invoker, zone: str, spoilers: str) -> None:
    extra = env(MID_SEASON, COLUMNS="80", SHOWTRACK_SPOILERS=spoilers)
    for show in ("silicon-valley", "heartstopper"):
        text = ok(both("episodes", show, "--tz", zone, env_extra=extra)).stdout
        widest = max(text.splitlines(), key=cells)
        assert cells(widest) <= 80, widest
    text = ok(both("episodes", "silicon-valley", "--tz", zone, env_extra=extra)).stdout
    assert "S4E10 (finale)" in text  # the table is there, not a message
    assert ("Intellectual" in text) is (spoilers == "on")


@pytest.fixture
def two_seasons(sv: Invoker) -> Invoker:
    """Silicon Valley with a season 5 of two episodes in spring 2018."""
    ok(sv("add", "season", "silicon-valley", "5", "--episodes", "2"))
    for number, day in ((1, "2018-03-25"), (2, "2018-04-01")):
        ok(sv("add", "episode", "silicon-valley", "--season", "5", "--number", str(number),
              "--airs", f"{day}T22:00"))  # fmt: skip
    return sv


@pytest.mark.parametrize(
    ("now", "season"),
    [
        (MID_SEASON, 4),  # the season airing now
        ("2017-12-01T12:00:00+00:00", 5),  # between seasons: the next one to air
        ("2019-01-01T12:00:00+00:00", 5),  # after both: the latest with episodes
    ],
)
def test_without_season_the_listed_season_follows_the_clock(
    two_seasons: Invoker, now: str, season: int
) -> None:
    doc = as_json(two_seasons("episodes", "silicon-valley", "--json", env_extra=env(now)))
    assert doc["season"] == season
    assert doc["seasons_with_episodes"] == [4, 5]
    assert {row["season"] for row in doc["episodes"]} == {season}
    asked = as_json(
        two_seasons("episodes", "silicon-valley", "-s", "4", "--json", env_extra=env(now))
    )
    assert [row["number"] for row in asked["episodes"]] == sorted(SV_EPISODES)


def test_season_five_times_are_read_in_the_shows_zone(two_seasons: Invoker) -> None:
    doc = as_json(two_seasons("episodes", "silicon-valley", "--season", "5", "--json"))
    # 25 March 2018 is after the US clock change (11 March): 22:00 EDT
    assert [row["airs"] for row in doc["episodes"]] == [
        "2018-03-25T22:00-04:00",
        "2018-04-01T22:00-04:00",
    ]
    assert [row["finale"] for row in doc["episodes"]] == [False, True]


def test_episodes_of_a_season_that_is_not_there_is_an_error(sv: Invoker) -> None:
    one_line_error(sv("episodes", "silicon-valley", "--season", "3"), 1, "no season 3")


def test_episodes_of_a_season_or_show_without_any_says_so(invoke: Invoker) -> None:
    text = ok(invoke("episodes", "heartstopper", "--season", "1")).stdout
    assert text.strip() == (
        "No episodes of Heartstopper season 1 are recorded (seasons with episodes: 2)."
    )
    ok(invoke("add", "show", "Quiet Show"))
    assert ok(invoke("episodes", "quiet-show")).stdout.strip() == (
        "No episodes are recorded for Quiet Show yet."
    )
    doc = as_json(invoke("episodes", "quiet-show", "--json"))
    assert (doc["season"], doc["episodes"], doc["seasons_with_episodes"]) == (None, [], [])


def test_a_special_is_listed_where_it_airs(sv: Invoker) -> None:
    ok(sv("add", "episode", "silicon-valley", "--season", "4", "--title", "Inside the Episode",
          "--airs", "2017-05-03"))  # fmt: skip
    doc = as_json(sv("episodes", "silicon-valley", "--json"))
    labels = [row["label"] if row["number"] else row["title"] for row in doc["episodes"]]
    # 3 May falls between E2 (1 May, London) and E3 (8 May)
    assert labels[:4] == ["S4E1", "S4E2", "Inside the Episode", "S4E3"]
    special = doc["episodes"][2]
    assert (special["kind"], special["number"], special["premiere"], special["finale"]) == (
        "special",
        None,
        False,
        False,
    )
    assert (special["precision"], special["days"]) == (
        "day",
        (date(2017, 5, 3) - date(2017, 5, 1)).days,
    )
    text = ok(sv("episodes", "silicon-valley")).stdout
    assert text.splitlines()[0].startswith(
        f"Silicon Valley — season 4 (2017), {SV_COUNT} episodes and 1 special"
    )
    assert "S4 special" in text


# --- 5. spoiler-free ---------------------------------------------------------------------------

NO_SPOILERS = [
    pytest.param(("--no-spoilers",), (), {}, id="flag-before-the-command"),
    pytest.param((), ("--no-spoilers",), {}, id="flag-after-the-command"),
    pytest.param((), (), {"SHOWTRACK_SPOILERS": "off"}, id="SHOWTRACK_SPOILERS=off"),
]
TITLES = [fact["title"] for fact in SV_EPISODES.values()]
E3_SUMMARY = "Richard weighs an offer that would make the platform somebody else's."


@pytest.fixture
def spoilable(both: Invoker) -> dict[str, Any]:
    """Both shows, E3 with a summary; and the texts a spoiler-free view must hide."""
    ok(both("edit", "episode", "silicon-valley", "--season", "4", "--number", "3",
            "--summary", E3_SUMMARY))  # fmt: skip
    exported = json.loads(ok(both("export", "heartstopper")).stdout)
    synopses = [s["synopsis"] for s in exported["shows"][0]["seasons"] if s.get("synopsis")]
    news = as_json(both("news", "--all", "--json"))["announcements"]
    (synopsis_news,) = [item for item in news if item["kind"] == "synopsis"]
    return {"invoke": both, "synopses": synopses, "news": synopsis_news}


def opening(text: str, words: int = 4) -> str:
    return " ".join(text.split()[:words])


def flat(text: str) -> str:
    return " ".join(text.split())


def views(invoke: Invoker, before: tuple[str, ...], after: tuple[str, ...], extra: dict[str, Any]):
    def run(*args: str) -> Result:
        return ok(invoke(*before, *args, *after, env_extra=env(MID_SEASON, **extra)))

    return run


def calendar_events(data: bytes) -> list[Any]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


@pytest.mark.parametrize(("before", "after", "extra"), NO_SPOILERS)
def test_spoiler_free_hides_titles_summaries_and_synopses_everywhere(
    spoilable: dict[str, Any],
    before: tuple[str, ...],
    after: tuple[str, ...],
    extra: dict[str, Any],
) -> None:
    run = views(spoilable["invoke"], before, after, extra)

    table = run("episodes", "silicon-valley").stdout
    assert not any(title in table for title in TITLES)
    assert "Title" not in table.splitlines()[1]  # no Title column at all
    doc = json.loads(run("episodes", "silicon-valley", "--json").stdout)
    assert doc["spoilers"] is False
    assert {(row["title"], row["summary"]) for row in doc["episodes"]} == {(None, None)}
    assert [row["label"] for row in doc["episodes"]] == [f"S4E{n}" for n in sorted(SV_EPISODES)]

    countdown = json.loads(run("countdown", "--json").stdout)
    shown = [e for row in countdown["premieres"] if row["next"] for e in row["next"]["episodes"]]
    assert shown  # S4E3 and the Heartstopper drop are next
    assert {e["title"] for e in shown} == {None}

    for text in (run("show", "heartstopper").stdout, run("show", "heartstopper", "--json").stdout):
        for synopsis in spoilable["synopses"]:
            assert opening(synopsis) not in flat(text)
    show_doc = json.loads(run("show", "heartstopper", "--json").stdout)
    assert {season["synopsis"] for season in show_doc["seasons"]} == {None}

    item = spoilable["news"]
    listed = json.loads(run("news", "--all", "--json").stdout)["announcements"]
    (hidden,) = [i for i in listed if i["id"] == item["id"]]
    assert (hidden["headline"], hidden["body"]) == (item["headline"], None)
    long = run("news", "--all", "--long").stdout
    assert item["headline"] in long
    assert opening(item["body"], 3) not in long

    events = calendar_events(run("calendar", "--episodes").stdout_bytes)
    texts = [str(e.get("SUMMARY")) + "\n" + str(e.get("DESCRIPTION", "")) for e in events]
    assert not any(title in text for title in TITLES for text in texts)
    assert not any(E3_SUMMARY in text for text in texts)
    assert not any(opening(s) in flat(text) for s in spoilable["synopses"] for text in texts)
    assert "Silicon Valley S4E3" in {str(e["SUMMARY"]) for e in events}


def test_spoilers_on_shows_what_spoiler_free_hides(spoilable: dict[str, Any]) -> None:
    """The same views with SHOWTRACK_SPOILERS=on: so the test above can tell hidden
    text from text that was never there."""
    run = views(spoilable["invoke"], (), (), {"SHOWTRACK_SPOILERS": "on"})
    table = flat(run("episodes", "silicon-valley").stdout)
    assert "Intellectual" in table
    doc = json.loads(run("episodes", "silicon-valley", "--json").stdout)
    assert [row["title"] for row in doc["episodes"]] == [
        SV_EPISODES[n]["title"] for n in sorted(SV_EPISODES)
    ]
    assert doc["episodes"][2]["summary"] == E3_SUMMARY
    countdown = json.loads(run("countdown", "--json").stdout)
    (sv_row,) = [row for row in countdown["premieres"] if row["show"] == "silicon-valley"]
    assert sv_row["next"]["episodes"][0]["title"] == SV_EPISODES[3]["title"]
    show_text = flat(run("show", "heartstopper").stdout)
    assert all(opening(synopsis) in show_text for synopsis in spoilable["synopses"])
    long = run("news", "--all", "--long").stdout
    assert opening(spoilable["news"]["body"], 3) in long
    events = {str(e["UID"]): e for e in calendar_events(run("calendar", "--episodes").stdout_bytes)}
    e3 = events["silicon-valley-season-4-episode-3@showtrack"]
    assert str(e3["SUMMARY"]) == f"Silicon Valley S4E3: {SV_EPISODES[3]['title']}"
    assert E3_SUMMARY in str(e3["DESCRIPTION"])
    s2 = events["heartstopper-season-2-premiere@showtrack"]
    assert any(opening(s) in flat(str(s2["DESCRIPTION"])) for s in spoilable["synopses"])


@pytest.mark.parametrize(
    "args",
    [
        ("countdown",),
        ("episodes", "silicon-valley"),
        ("show", "heartstopper"),
        ("news",),
        ("calendar", "--episodes"),
    ],
    ids=lambda args: args[0],
)
def test_a_bad_spoilers_value_is_a_usage_error_and_changes_nothing(
    both: Invoker, args: tuple[str, ...]
) -> None:
    def files() -> dict[Path, bytes]:
        return {p: p.read_bytes() for p in sorted(both.db.parent.rglob("*")) if p.is_file()}

    before = files()
    result = both(*args, env_extra={"SHOWTRACK_SPOILERS": "maybe"})
    line = one_line_error(result, 2, "SHOWTRACK_SPOILERS", "'maybe'")
    assert "on or off" in line
    assert files() == before


@pytest.mark.parametrize(("before", "after", "extra"), NO_SPOILERS)
def test_shows_json_hides_the_next_episodes_title(
    sv: Invoker, before: tuple[str, ...], after: tuple[str, ...], extra: dict[str, Any]
) -> None:
    doc = as_json(sv(*before, "shows", "--json", *after, env_extra=env(MID_SEASON, **extra)))
    (show,) = doc["shows"]
    assert show["next"]["next"]["label"] == "S4E3"
    assert [e["title"] for e in show["next"]["next"]["episodes"]] == [None]


def test_shows_refuses_a_bad_spoilers_value(sv: Invoker) -> None:
    result = sv("shows", env_extra=env(MID_SEASON, SHOWTRACK_SPOILERS="maybe"))
    one_line_error(result, 2, "SHOWTRACK_SPOILERS")


# --- 6. calendar --episodes ---------------------------------------------------------------------


def calendar_of(invoke: Invoker, *args: str, now: str = MID_SEASON) -> dict[str, Any]:
    """The calendar's events by UID, each as (summary, start, end, categories)."""
    data = ok(invoke("calendar", *args, env_extra=env(now))).stdout_bytes
    events = {}
    for event in calendar_events(data):
        uid = str(event["UID"])
        assert uid not in events, f"two events share {uid}"
        category = event["CATEGORIES"]
        events[uid] = {
            "summary": str(event["SUMMARY"]),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "category": [str(c) for c in category.cats],
        }
    return events


SV_PREMIERE_UID = "silicon-valley-season-4-premiere@showtrack"
HS_PREMIERE_UID = "heartstopper-season-2-premiere@showtrack"


def sv_uid(number: int) -> str:
    return f"silicon-valley-season-4-episode-{number}@showtrack"


def test_calendar_episodes_is_one_event_per_airing(both: Invoker) -> None:
    events = calendar_of(both, "--episodes")
    sv_events = {uid: e for uid, e in events.items() if uid.startswith("silicon-valley")}
    # the first airing is the premiere's own event; every other episode has its own
    assert set(sv_events) == {SV_PREMIERE_UID} | {sv_uid(n) for n in range(2, SV_COUNT + 1)}
    assert sv_events[SV_PREMIERE_UID]["start"] == airs(1).astimezone(UTC)
    for number in range(2, SV_COUNT + 1):
        event = sv_events[sv_uid(number)]
        assert event["start"] == airs(number).astimezone(UTC)
        assert event["end"] - event["start"] == timedelta(minutes=SV_EPISODES[number]["runtime"])
        assert event["summary"].startswith(f"Silicon Valley S4E{number}")
        assert event["category"] == ["episode"]
    assert sv_events[sv_uid(SV_COUNT)]["summary"] == (
        f"Silicon Valley S4E{SV_COUNT}, the finale: {SV_EPISODES[SV_COUNT]['title']}"
    )
    hs_events = {uid: e for uid, e in events.items() if uid.startswith("heartstopper")}
    assert list(hs_events) == [HS_PREMIERE_UID]  # eight episodes at one moment: one event
    drop = hs_events[HS_PREMIERE_UID]
    assert (drop["start"], drop["end"]) == (DROP_DAY, DROP_DAY + timedelta(days=1))
    assert drop["summary"] == "Heartstopper season 2 premieres on Netflix: all 8 episodes"


def test_calendar_uids_are_stable_across_runs_and_follow_a_moved_episode(both: Invoker) -> None:
    first = calendar_of(both, "--episodes", now=MID_SEASON)
    again = calendar_of(both, "--episodes", now="2017-05-02T09:30:00+01:00")  # a later run
    assert first == again  # same UIDs, same events (only DTSTAMP differs)
    moved = airs(3) + timedelta(days=1)
    ok(both("edit", "episode", "silicon-valley", "--season", "4", "--number", "3",
            "--airs", moved.isoformat(timespec="minutes")))  # fmt: skip
    after = calendar_of(both, "--episodes")
    assert set(after) == set(first)  # the moved episode's event moved, none was added
    assert after[sv_uid(3)]["start"] == moved.astimezone(UTC)
    assert {uid: e for uid, e in after.items() if uid != sv_uid(3)} == {
        uid: e for uid, e in first.items() if uid != sv_uid(3)
    }


def test_calendar_event_durations_come_from_episode_runtimes(sv: Invoker) -> None:
    ok(sv("edit", "episode", "silicon-valley", "--season", "4", "--number", "10",
          "--runtime", "45"))  # fmt: skip
    events = calendar_of(sv, "--episodes")
    finale = events[sv_uid(10)]
    assert finale["end"] - finale["start"] == timedelta(minutes=45)
    premiere = events[SV_PREMIERE_UID]
    assert premiere["end"] - premiere["start"] == timedelta(minutes=SV_EPISODES[1]["runtime"])


def test_calendar_without_the_flag_keeps_to_premieres(both: Invoker) -> None:
    events = calendar_of(both)
    assert set(events) == {SV_PREMIERE_UID, HS_PREMIERE_UID}
    assert {c for e in events.values() for c in e["category"]} == {"premiere"}
    assert events[SV_PREMIERE_UID]["start"] == airs(1).astimezone(UTC)


def test_a_timed_drop_is_one_calendar_event(timed_drop: Invoker) -> None:
    events = calendar_of(timed_drop, "--episodes")
    season_three = {uid: e for uid, e in events.items() if "season-3" in uid}
    (drop,) = season_three.values()
    assert drop["start"] == DROP_AT.astimezone(UTC)
    assert drop["summary"].endswith("all 8 episodes")


def test_a_special_before_the_premiere_does_not_double_the_premiere_event(sv: Invoker) -> None:
    ok(sv("add", "episode", "silicon-valley", "--season", "4", "--title", "Preview",
          "--airs", "2017-04-16T22:00"))  # fmt: skip
    events = calendar_of(sv, "--episodes")
    at_premiere = [uid for uid, e in events.items() if e["start"] == airs(1).astimezone(UTC)]
    assert at_premiere == [SV_PREMIERE_UID]


# --- 7. hand entry -----------------------------------------------------------------------------


def change_text(moment: datetime, zone: ZoneInfo) -> str:
    """How a change line words an instant for the viewer: '8 May 2017 03:00 BST'."""
    local = moment.astimezone(zone)
    return f"{local.day} {local:%b %Y %H:%M} {local.tzname()}"


def episode_rows(invoke: Invoker, show: str, season: int) -> dict[Any, dict[str, Any]]:
    doc = as_json(invoke("episodes", show, "--season", str(season), "--json"))
    return {
        row["number"] if row["number"] is not None else row["title"]: row for row in doc["episodes"]
    }


def test_add_one_episode_reads_its_time_in_the_shows_zone(sv: Invoker) -> None:
    result = ok(sv("add", "episode", "silicon-valley", "--season", "4", "--number", "11",
                   "--title", "Bonus", "--airs", "2017-07-02T22:00", "--runtime", "31"))  # fmt: skip
    assert result.stderr.strip() == "Added S4E11 to season 4 of Silicon Valley."
    rows = episode_rows(sv, "silicon-valley", 4)
    added = rows[11]
    expected = datetime(2017, 7, 2, 22, 0, tzinfo=NEW_YORK)  # the show's zone
    assert instant(added["airs"]) == expected
    assert added["airs"] == "2017-07-02T22:00-04:00"
    assert (added["title"], added["runtime"], added["kind"]) == ("Bonus", 31, "regular")
    assert rows[SV_COUNT]["finale"] is True  # the count is still 10: E10 stays the finale
    assert added["finale"] is False


def test_add_episode_with_tz_reads_the_time_in_that_zone(sv: Invoker) -> None:
    ok(sv("add", "episode", "silicon-valley", "--season", "4", "--number", "11",
          "--airs", "2017-07-02T22:00", "--tz", "Europe/London"))  # fmt: skip
    assert episode_rows(sv, "silicon-valley", 4)[11]["airs"] == "2017-07-02T22:00+01:00"


def test_add_a_run_of_episodes_is_a_drop(invoke: Invoker) -> None:
    result = ok(invoke("add", "episode", "heartstopper", "--season", "3", "--number", "1-8",
                       "--airs", "2024-10-03", "--runtime", "28"))  # fmt: skip
    assert result.stderr.strip() == "Added S3E1–E8 to season 3 of Heartstopper."
    rows = episode_rows(invoke, "heartstopper", 3)
    assert sorted(rows) == list(range(1, 9))
    assert {(row["airs"], row["runtime"], row["premiere"]) for row in rows.values()} == {
        ("2024-10-03", 28, True)
    }
    (row,) = [r for r in premieres(invoke, "2024-09-01T12:00:00+01:00") if r["season"] == 3]
    assert row["next"]["all_at_once"] is True
    assert row["days"] == (date(2024, 10, 3) - date(2024, 9, 1)).days
    text = ok(invoke("countdown", env_extra=env("2024-09-01T12:00:00+01:00"))).stdout
    assert "S3, all 8 episodes" in text


def test_a_run_cannot_share_one_title(invoke: Invoker) -> None:
    before = invoke.db.read_bytes()
    result = invoke("add", "episode", "heartstopper", "--season", "3", "--number", "1-8",
                    "--title", "Same")  # fmt: skip
    one_line_error(result, 2, "--title")
    assert invoke.db.read_bytes() == before


def test_edit_episode_by_number_changes_it_and_a_move_is_news(sv: Invoker) -> None:
    ok(sv("news"))  # what came before is seen
    ok(sv("edit", "episode", "silicon-valley", "--season", "4", "--number", "3",
          "--title", "Renamed"))  # fmt: skip
    assert episode_rows(sv, "silicon-valley", 4)[3]["title"] == "Renamed"
    moved = airs(3) + timedelta(days=1, hours=1)
    result = ok(sv("edit", "episode", "silicon-valley", "--season", "4", "--number", "3",
                   "--airs", moved.isoformat(timespec="minutes")))  # fmt: skip
    words = (
        f"Silicon Valley S4E3 air date moved: {change_text(airs(3), LONDON)} -> "
        f"{change_text(moved, LONDON)}"
    )
    assert f"Recorded: {words}" in result.stderr
    row = episode_rows(sv, "silicon-valley", 4)[3]
    assert instant(row["airs"]) == moved
    assert row["title"] == "Renamed"  # an edit keeps what it was not given
    news = as_json(sv("news", "--json"))["announcements"]
    assert [item["headline"] for item in news] == [words]
    ok(sv("edit", "episode", "silicon-valley", "--season", "4", "--number", "3", "--title", ""))
    assert episode_rows(sv, "silicon-valley", 4)[3]["title"] is None  # "" clears it


def test_a_special_is_edited_and_removed_by_its_title(sv: Invoker) -> None:
    ok(sv("add", "episode", "silicon-valley", "--season", "4", "--title", "Inside the Episode",
          "--airs", "2017-05-03"))  # fmt: skip
    ok(sv("edit", "episode", "silicon-valley", "--season", "4", "--special", "inside the EPISODE!",
          "--summary", "Behind the scenes", "--runtime", "5"))  # fmt: skip
    special = episode_rows(sv, "silicon-valley", 4)["Inside the Episode"]
    assert (special["summary"], special["runtime"], special["kind"]) == (
        "Behind the scenes",
        5,
        "special",
    )
    renamed = sv("edit", "episode", "silicon-valley", "--season", "4", "--special",
                 "Inside the Episode", "--title", "Another")  # fmt: skip
    one_line_error(renamed, 2, "title")
    ok(sv("remove", "episode", "silicon-valley", "--season", "4", "--special",
          "Inside the Episode", "--yes"))  # fmt: skip
    assert "Inside the Episode" not in episode_rows(sv, "silicon-valley", 4)


def test_remove_episode_by_number(sv: Invoker) -> None:
    ok(sv("remove", "episode", "silicon-valley", "--season", "4", "--number", "10", "--yes"))
    rows = episode_rows(sv, "silicon-valley", 4)
    assert sorted(rows) == list(range(1, SV_COUNT))
    assert not any(row["finale"] for row in rows.values())  # E10 was the finale
    (row,) = premieres(sv, "2017-06-19T12:00:00+01:00")  # E9 aired this morning
    assert (row["state"], row["countdown"]) == ("tba", "next episode TBA")  # 10 are expected


HAND_ERRORS = [
    (("add", "episode", "nosuch", "--season", "4", "--number", "11"), 1, "No show matches"),
    (("add", "episode", "silicon-valley", "--season", "9", "--number", "1"), 1, "no season 9"),
    (
        (
            "add",
            "episode",
            "silicon-valley",
            "--season",
            "4",
            "--number",
            "11",
            "--airs",
            "2017-13-01",
        ),
        2,
        "not a real date",
    ),  # fmt: skip
    (
        (
            "add",
            "episode",
            "silicon-valley",
            "--season",
            "4",
            "--number",
            "11",
            "--airs",
            "next tuesday",
        ),
        2,
        "--airs",
    ),  # fmt: skip
    (("add", "episode", "silicon-valley", "--season", "4", "--number", "8-3"), 2, "--number"),
    (("add", "episode", "silicon-valley", "--season", "4", "--number", "x"), 2, "--number"),
    (("add", "episode", "silicon-valley", "--season", "4", "--number", "1"), 1, "already there"),
    (("add", "episode", "silicon-valley", "--season", "4"), 2, "--title"),
    (
        (
            "add",
            "episode",
            "silicon-valley",
            "--season",
            "4",
            "--number",
            "11",
            "--airs",
            "2017-07-02T22:00",
            "--tz",
            "Mars/Base",
        ),
        2,
        "Mars/Base",
    ),  # fmt: skip
    (
        ("edit", "episode", "nosuch", "--season", "4", "--number", "1", "--title", "x"),
        1,
        "No show matches",
    ),  # fmt: skip
    (
        ("edit", "episode", "silicon-valley", "--season", "4", "--number", "42", "--title", "x"),
        1,
        "No S4E42",
    ),  # fmt: skip
    (
        (
            "edit",
            "episode",
            "silicon-valley",
            "--season",
            "4",
            "--number",
            "3",
            "--airs",
            "2017-02-30",
        ),
        2,
        "--airs",
    ),  # fmt: skip
    (
        ("edit", "episode", "silicon-valley", "--season", "4", "--number", "3", "--special", "x"),
        2,
        "--special",
    ),  # fmt: skip
    (
        ("remove", "episode", "silicon-valley", "--season", "4", "--number", "42", "--yes"),
        1,
        "No S4E42",
    ),  # fmt: skip
    (
        ("remove", "episode", "silicon-valley", "--season", "4", "--special", "Nope", "--yes"),
        1,
        "Nope",
    ),  # fmt: skip
    (("remove", "episode", "silicon-valley", "--season", "9", "--number", "1", "--yes"), 1, "S9E1"),
]


@pytest.mark.parametrize(("args", "code", "phrase"), HAND_ERRORS, ids=lambda v: None)
def test_bad_hand_entry_is_refused_and_the_database_is_untouched(
    sv: Invoker, args: tuple[str, ...], code: int, phrase: str
) -> None:
    folder = sv.db.parent
    before = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}
    one_line_error(sv(*args), code, phrase)
    after = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}
    after.pop(sv.db.name + ".lock", None)  # a writer may leave its (empty) lock file
    before.pop(sv.db.name + ".lock", None)
    assert after == before


def test_removing_a_season_or_a_show_takes_its_episodes(two_seasons: Invoker) -> None:
    result = ok(two_seasons("remove", "season", "silicon-valley", "5", "--yes"))
    assert "2 episodes" in result.stderr
    doc = as_json(two_seasons("episodes", "silicon-valley", "--json"))
    assert doc["seasons_with_episodes"] == [4]
    result = ok(two_seasons("remove", "show", "silicon-valley", "--yes"))
    assert f"{SV_COUNT} episodes" in result.stderr
    assert json.loads(ok(two_seasons("export")).stdout)["shows"] == []


def test_hand_entered_times_at_the_clock_changes_follow_the_readme(sv: Invoker) -> None:
    """A time that happens twice (1:30 on 5 Nov 2017 in New York) is the first of
    the two (EDT); one that does not exist (2:30 on 11 Mar 2018) takes the offset
    from before the gap (EST)."""
    ok(sv("add", "season", "silicon-valley", "5"))
    for number, when in ((1, "2017-11-05T01:30"), (2, "2018-03-11T02:30")):
        ok(sv("add", "episode", "silicon-valley", "--season", "5", "--number", str(number),
              "--airs", when))  # fmt: skip
    rows = episode_rows(sv, "silicon-valley", 5)
    assert rows[1]["airs"] == "2017-11-05T01:30-04:00"
    assert rows[2]["airs"] == "2018-03-11T02:30-05:00"


def test_a_countdown_across_the_autumn_clock_change_counts_real_hours(sv: Invoker) -> None:
    ok(sv("add", "season", "silicon-valley", "5", "--episodes", "1"))
    ok(sv("add", "episode", "silicon-valley", "--season", "5", "--number", "1",
          "--airs", "2017-11-05T22:00"))  # fmt: skip
    now = datetime(2017, 11, 4, 22, 0, tzinfo=NEW_YORK)  # EDT; the episode is at 22:00 EST
    episode = datetime(2017, 11, 5, 22, 0, tzinfo=NEW_YORK)
    assert (episode - now) // timedelta(hours=1) == 24  # wall-clock arithmetic says 24...
    hours = (episode.astimezone(UTC) - now.astimezone(UTC)) // timedelta(hours=1)
    assert hours == 25  # ...the clock goes back an hour in between
    (row,) = premieres(sv, now.isoformat(), "--tz", "America/New_York")
    assert (row["season"], row["countdown"]) == (5, "tomorrow, in 1 day 1 hour")
    assert (row["days"], row["hours"]) == (1, 1)


# --- 8. what the merge says ------------------------------------------------------------------


def news_items(invoke: Invoker, *args: str, **extra: str | None) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = as_json(invoke("news", *args, "--json", env_extra=env(**extra)))[
        "announcements"
    ]
    return items


def test_a_first_import_of_episodes_is_not_news(empty: Invoker) -> None:
    report = as_json(empty("import", str(SV_PACK), "--json", env_extra=env(MID_SEASON)))
    assert report["counts"]["episodes"]["added"] == len(SV_EPISODES)
    assert report["changes"] == []
    assert news_items(empty) == []
    again = as_json(empty("import", str(SV_PACK), "--json", env_extra=env(MID_SEASON)))
    assert again["counts"]["episodes"] == {"added": 0, "updated": 0, "unchanged": 10, "removed": 0}
    assert news_items(empty) == []


def test_a_first_list_of_episodes_for_a_season_is_not_news(invoke: Invoker, tmp_path: Path) -> None:
    ok(invoke("news"))
    doc = {"format": "showtrack/1", "shows": [{"slug": "heartstopper", "title": "Heartstopper",
           "episodes": [{"season": 3, "number": n, "airs": "2024-10-03"} for n in (1, 2)]}]}  # fmt: skip
    ok(invoke("import", str(write(tmp_path, "s3.json", doc))))
    assert news_items(invoke) == []


@pytest.fixture
def moved_pack(tmp_path: Path) -> tuple[Path, datetime]:
    doc = pack()
    moved = airs(3) + timedelta(days=1)
    doc["shows"][0]["episodes"][2]["airs"] = moved.isoformat(timespec="minutes")
    return write(tmp_path, "moved.json", doc), moved


@pytest.mark.parametrize("zone", [LONDON, NEW_YORK], ids=str)
def test_a_moved_air_date_in_a_pack_is_news_in_the_viewers_zone(
    sv: Invoker, moved_pack: tuple[Path, datetime], zone: ZoneInfo
) -> None:
    path, moved = moved_pack
    ok(sv("news"))
    report = as_json(sv("import", str(path), "--json"))
    assert report["counts"]["episodes"] == {"added": 0, "updated": 1, "unchanged": 9, "removed": 0}
    (item,) = news_items(sv, tz=str(zone))
    assert (item["kind"], item["about"], item["season"]) == ("change", "airs:E3", 4)
    assert instant(item["was"]) == airs(3)
    assert instant(item["became"]) == moved
    assert item["date"] == instant(MID_SEASON).astimezone(UTC).date().isoformat()
    assert item["headline"] == (
        f"Silicon Valley S4E3 air date moved: {change_text(airs(3), zone)} -> "
        f"{change_text(moved, zone)}"
    )


def test_the_import_report_words_a_change_in_the_viewers_zone(
    sv: Invoker, moved_pack: tuple[Path, datetime]
) -> None:
    path, moved = moved_pack
    text = ok(sv("import", str(path))).stdout
    words = f"{change_text(airs(3), LONDON)} -> {change_text(moved, LONDON)}"
    assert f"Change: Silicon Valley S4E3 air date moved: {words}" in text


def test_a_drop_moved_with_its_premiere_is_only_the_premiere_change(
    invoke: Invoker, tmp_path: Path
) -> None:
    ok(invoke("news"))
    later = DROP_DAY + timedelta(days=7)
    doc = {"format": "showtrack/1", "shows": [{"slug": "heartstopper", "title": "Heartstopper",
           "seasons": [{"number": 2, "premiere": later.isoformat()}],
           "episodes": [{"season": 2, "number": n, "airs": later.isoformat()} for n in range(1, 9)]}]}  # fmt: skip
    report = as_json(invoke("import", str(write(tmp_path, "later.json", doc)), "--json"))
    assert report["counts"]["episodes"]["updated"] == 8
    (item,) = news_items(invoke)
    assert (item["about"], item["was"], item["became"]) == (
        "premiere",
        DROP_DAY.isoformat(),
        later.isoformat(),
    )
    assert item["headline"] == "Heartstopper season 2 premiere moved: 3 Aug 2023 -> 10 Aug 2023"
    (row,) = [r for r in premieres(invoke, "2023-05-24T12:00:00+01:00") if r["season"] == 2]
    assert row["days"] == (later - date(2023, 5, 24)).days  # every episode moved with it
    assert row["next"]["all_at_once"] is True


def test_a_first_episode_moved_with_the_weekly_premiere_is_only_the_premiere_change(
    sv: Invoker, tmp_path: Path
) -> None:
    ok(sv("news"))
    later = (airs(1) + timedelta(days=7)).isoformat(timespec="minutes")
    doc = pack(premiere=later)
    doc["shows"][0]["episodes"][0]["airs"] = later
    ok(sv("import", str(write(tmp_path, "premiere.json", doc))))
    assert [item["about"] for item in news_items(sv)] == ["premiere"]


def test_episodes_added_to_a_season_that_had_some_is_news(sv: Invoker, tmp_path: Path) -> None:
    ok(sv("news"))
    doc = pack(episodes=12)
    extra = [
        dict(SV_EPISODES[10], number=n, title=f"Extra {n}",
             airs=(airs(10) + timedelta(weeks=n - 10)).isoformat(timespec="minutes"))
        for n in (11, 12)
    ]  # fmt: skip
    doc["shows"][0]["episodes"] += extra
    report = as_json(sv("import", str(write(tmp_path, "grown.json", doc)), "--json"))
    assert report["counts"]["episodes"]["added"] == 2
    items = {item["about"]: item for item in news_items(sv)}
    assert set(items) == {"episodes added", "episodes"}
    assert items["episodes added"]["became"] == "S4E11, S4E12"
    assert items["episodes added"]["headline"] == (
        "Silicon Valley season 4: episodes added: S4E11, S4E12"
    )
    assert (items["episodes"]["was"], items["episodes"]["became"]) == ("10", "12")
    (row,) = premieres(sv, "2017-06-26T12:00:00+01:00")  # the old finale aired this morning
    assert (row["next"]["label"], row["next"]["finale"]) == ("S4E11", False)


# --- 9. TVmaze sync of episodes ------------------------------------------------------------------

TVMAZE_ID = 4242
LOOPBACK_SHOW = "loopback-drama"


def tvmaze_episode(number: int) -> dict[str, Any]:
    """A weekly episode on Sundays at 21:00 New York time (02:00 UTC on the Monday)."""
    day = date(2030, 1, 6) + timedelta(weeks=number - 1)
    return {
        "id": 1000 + number,
        "name": f"Part {number}",
        "season": 1,
        "number": number,
        "type": "regular",
        "airdate": day.isoformat(),
        "airtime": "21:00",
        "airstamp": f"{day + timedelta(days=1)}T02:00:00+00:00",
        "runtime": 60,
        "summary": f"<p>What happens in <b>part {number}</b>.</p>",
    }


def tvmaze_show(episodes: list[Any] | None) -> dict[str, Any]:
    embedded: dict[str, Any] = {
        "seasons": [{"id": 77, "number": 1, "episodeOrder": 4, "premiereDate": "2030-01-06",
                     "endDate": None, "network": None, "webChannel": None, "summary": None}],
        "cast": [],
    }  # fmt: skip
    if episodes is not None:
        embedded["episodes"] = episodes
    return {
        "id": TVMAZE_ID,
        "name": "Loopback Drama",
        "language": "English",
        "genres": ["Drama"],
        "status": "Running",
        "network": {
            "id": 8,
            "name": "HBO",
            "country": {"name": "United States", "code": "US", "timezone": "America/New_York"},
        },  # fmt: skip
        "webChannel": None,
        "summary": None,
        "_embedded": embedded,
    }


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    yield from serve(monkeypatch)


SYNC_NOW = "2030-01-01T12:00:00+00:00"


def serve_show(server: LocalServer, payload: dict[str, Any]) -> None:
    server.static(f"/shows/{payload['id']}", json.dumps(payload).encode())


def sync(invoke: Invoker, now: str = SYNC_NOW) -> dict[str, Any]:
    doc: dict[str, Any] = as_json(invoke("sync", "--json", env_extra=env(now)))
    return doc


@pytest.fixture
def synced(empty: Invoker, server: LocalServer) -> Invoker:
    serve_show(server, tvmaze_show([tvmaze_episode(n) for n in range(1, 5)]))
    ok(empty("add", "show", "--tvmaze", str(TVMAZE_ID), "--slug", LOOPBACK_SHOW,
             env_extra=env(SYNC_NOW)))  # fmt: skip
    assert sync(empty)["warnings"] == []
    return empty


def test_sync_stores_tvmaze_episodes(synced: Invoker) -> None:
    rows = episode_rows(synced, LOOPBACK_SHOW, 1)
    assert sorted(rows) == [1, 2, 3, 4]
    for number, row in rows.items():
        sent = tvmaze_episode(number)
        assert row["title"] == sent["name"]
        assert instant(row["airs"]) == instant(sent["airstamp"])
        # shown in the network's zone: 21:00 EST on the airdate
        assert row["airs"] == f"{sent['airdate']}T21:00-05:00"
        assert (row["runtime"], row["source"], row["kind"]) == (60, "TVmaze", "regular")
        assert row["summary"] == f"What happens in part {number}."  # HTML cleaned
    assert rows[4]["finale"] is True  # episodeOrder 4
    (row,) = premieres(synced, "2030-01-10T12:00:00+00:00")
    assert (row["next"]["label"], row["airs"]) == ("S1E2", rows[2]["airs"])


def test_a_whole_list_without_an_episode_removes_it_but_not_hand_entries(
    synced: Invoker, server: LocalServer
) -> None:
    ok(synced("add", "episode", LOOPBACK_SHOW, "--season", "1", "--title", "Fan special",
              "--airs", "2030-02-10"))  # fmt: skip
    serve_show(server, tvmaze_show([tvmaze_episode(n) for n in range(1, 4)]))
    report = sync(synced, "2030-01-02T12:00:00+00:00")
    assert report["warnings"] == []
    assert report["merge"]["by_show"][LOOPBACK_SHOW]["removed"] == 1
    rows = episode_rows(synced, LOOPBACK_SHOW, 1)
    assert sorted(rows, key=str) == [1, 2, 3, "Fan special"]  # E4 gone, the hand special kept
    assert rows["Fan special"]["source"] != "TVmaze"


@pytest.mark.parametrize(
    "payload",
    [
        # an item that can't be read: the list is not known to be whole
        pytest.param(
            [tvmaze_episode(1), tvmaze_episode(2), {"id": 9, "name": "?", "season": "one"}],
            id="an-unreadable-item",
        ),
        pytest.param([tvmaze_episode(1), tvmaze_episode(2), "not an episode"], id="not-an-object"),
        pytest.param(None, id="no-episodes-embedded"),
    ],
)
def test_a_partial_read_removes_nothing(
    synced: Invoker, server: LocalServer, payload: list[Any] | None
) -> None:
    serve_show(server, tvmaze_show(payload))
    result = synced("sync", "--json", env_extra=env("2030-01-02T12:00:00+00:00"))
    assert_clean(result)
    report = json.loads(result.stdout)
    assert report["merge"]["by_show"].get(LOOPBACK_SHOW, {}).get("removed", 0) == 0
    assert sorted(episode_rows(synced, LOOPBACK_SHOW, 1)) == [1, 2, 3, 4]
    if payload is not None:
        assert any("episodes[2]" in warning for warning in report["warnings"])


def test_a_moved_tvmaze_episode_is_news(synced: Invoker, server: LocalServer) -> None:
    ok(synced("news", env_extra=env(SYNC_NOW)))
    episodes = [tvmaze_episode(n) for n in range(1, 5)]
    episodes[2] = dict(episodes[2], airdate="2030-01-21", airstamp="2030-01-22T02:00:00+00:00")
    serve_show(server, tvmaze_show(episodes))
    sync(synced, "2030-01-02T12:00:00+00:00")
    (item,) = news_items(synced, now="2030-01-02T12:00:00+00:00")
    assert item["about"] == "airs:E3"
    assert instant(item["was"]) == instant(tvmaze_episode(3)["airstamp"])
    assert instant(item["became"]) == instant("2030-01-22T02:00:00+00:00")


# --- 10. the recorded TVmaze payload (Silicon Valley, 38 episodes) ---------------------------------

REAL_PAYLOAD = "tvmaze/singlesearch_143_embed_episodes.json"


def expected_rows(payload: dict[str, Any], now: datetime, zone: ZoneInfo) -> list[tuple[Any, ...]]:
    """Countdown rows worked out from the payload's airstamps: each season with some
    episodes aired and some to come counts to its next episode (the last of the
    season's episodes is the finale); a season whose last episode aired today stays
    as 'today, out now'; the soonest season not begun is the show's next premiere."""
    by_season: dict[int, list[dict[str, Any]]] = {}
    for item in payload["_embedded"]["episodes"]:
        by_season.setdefault(item["season"], []).append(item)
    rows = []
    not_begun = []
    for season, items in by_season.items():
        stamp = {item["number"]: instant(item["airstamp"]) for item in items}
        count = len(items)
        aired = [n for n in stamp if stamp[n] <= now]
        coming = sorted((n for n in stamp if stamp[n] > now), key=stamp.__getitem__)
        if aired and coming:
            n = coming[0]
            rows.append((season, "airing", f"S{season}E{n}", n == count,
                         timed_countdown(stamp[n], now, zone)))  # fmt: skip
        elif coming:
            not_begun.append((stamp[coming[0]], season, coming[0]))
        else:
            last = max(stamp, key=stamp.__getitem__)
            if stamp[last].astimezone(zone).date() == now.astimezone(zone).date():
                rows.append((season, "released", f"S{season}E{last}", True, "today, out now"))
    if not_begun:
        first, season, number = min(not_begun)
        rows.append((season, "premiere", f"S{season}E{number}", False,
                     timed_countdown(first, now, zone)))  # fmt: skip
    return sorted(rows)


REAL_NOWS = [
    "2014-05-25T12:00:00+00:00",  # season 1 between E7 and E8 (two weeks apart), E8 the finale
    "2016-06-20T12:00:00+00:00",  # season 3: E9 aired hours ago, the finale next week
    "2017-04-20T11:00:00+00:00",  # before season 4
    "2017-05-01T11:00:00+00:00",  # season 4, E3 next
    "2017-06-25T11:00:00+00:00",  # the season 4 finale: tomorrow in London, today in New York
    "2017-06-26T22:00:00+00:00",  # the finale's day is over in New York, not in London
]


@pytest.mark.parametrize("zone", [LONDON, NEW_YORK], ids=str)
@pytest.mark.parametrize("now", REAL_NOWS)
def test_real_payload_next_episode_and_finale(
    empty: Invoker, server: LocalServer, now: str, zone: ZoneInfo
) -> None:
    body = real(REAL_PAYLOAD).read_bytes()
    payload = json.loads(body)
    server.static(f"/shows/{payload['id']}", body)
    ok(empty("add", "show", "--tvmaze", str(payload["id"]), "--slug", "silicon-valley",
             env_extra=env(now)))  # fmt: skip
    assert sync(empty, now)["warnings"] == []
    moment = instant(now)
    rows = premieres(empty, now, "--tz", str(zone))
    got = sorted(
        (r["season"], r["phase"], r["next"]["label"], r["next"]["finale"], r["countdown"])
        for r in rows
    )
    assert got == expected_rows(payload, moment, zone)
    text = ok(empty("countdown", "--tz", str(zone), env_extra=env(now))).stdout
    for _season, phase, label, finale, countdown in got:
        if phase != "premiere":
            assert (f"{label} finale" if finale else label) in text
        assert countdown in text


def test_real_payload_the_zones_disagree_on_the_finale(empty: Invoker, server: LocalServer) -> None:
    """Two of the instants above answer differently in London and New York: the
    program's answers differ there as the airstamps say they must."""
    body = real(REAL_PAYLOAD).read_bytes()
    payload = json.loads(body)
    server.static(f"/shows/{payload['id']}", body)
    first = "2017-06-25T11:00:00+00:00"
    ok(empty("add", "show", "--tvmaze", "143", "--slug", "silicon-valley", env_extra=env(first)))
    sync(empty, first)
    for now in (first, "2017-06-26T22:00:00+00:00"):
        answers = {}
        for zone in (LONDON, NEW_YORK):
            rows = premieres(empty, now, "--tz", str(zone))
            answers[str(zone)] = [(r["season"], r["countdown"]) for r in rows]
            expected = expected_rows(payload, instant(now), zone)
            assert answers[str(zone)] == [(row[0], row[4]) for row in expected]
        assert answers["Europe/London"] != answers["America/New_York"]


def test_real_payload_episodes_view(empty: Invoker, server: LocalServer) -> None:
    body = real(REAL_PAYLOAD).read_bytes()
    payload = json.loads(body)
    server.static(f"/shows/{payload['id']}", body)
    now = "2017-05-01T11:00:00+00:00"
    ok(empty("add", "show", "--tvmaze", "143", "--slug", "silicon-valley", env_extra=env(now)))
    sync(empty, now)
    doc = as_json(empty("episodes", "silicon-valley", "--json", env_extra=env(now)))
    sent = [item for item in payload["_embedded"]["episodes"] if item["season"] == 4]
    assert doc["season"] == 4
    assert doc["seasons_with_episodes"] == sorted(
        {i["season"] for i in payload["_embedded"]["episodes"]}
    )
    assert [(r["number"], r["title"]) for r in doc["episodes"]] == [
        (item["number"], item["name"]) for item in sorted(sent, key=lambda i: i["airstamp"])
    ]
    for row, item in zip(doc["episodes"], sorted(sent, key=lambda i: i["airstamp"]), strict=True):
        assert instant(row["airs"]) == instant(item["airstamp"])
        assert row["airs"][:10] == item["airdate"]  # the network's own day
        assert row["state"] == (
            "released" if instant(item["airstamp"]) <= instant(now) else "upcoming"
        )
    assert [r["number"] for r in doc["episodes"] if r["finale"]] == [len(sent)]


# --- 11. export and import round trip ---------------------------------------------------------------


def test_export_import_export_is_identical_with_episodes_and_a_special(
    both: Invoker, runner: Runner, tmp_path: Path
) -> None:
    ok(both("add", "episode", "silicon-valley", "--season", "4", "--title", "Inside the Episode",
            "--airs", "2017-05-03", "--runtime", "5", "--summary", "Behind the scenes"))  # fmt: skip
    ok(both("edit", "episode", "silicon-valley", "--season", "4", "--number", "3",
            "--summary", E3_SUMMARY))  # fmt: skip
    first = tmp_path / "first.json"
    ok(both("export", "-o", str(first)))
    exported = json.loads(first.read_bytes())
    sv_show = next(show for show in exported["shows"] if show["slug"] == "silicon-valley")
    specials = [e for e in sv_show["episodes"] if "number" not in e]
    assert specials == [
        {"season": 4, "title": "Inside the Episode", "airs": "2017-05-03", "runtime": 5,
         "kind": "special", "summary": "Behind the scenes"}
    ]  # fmt: skip
    assert len(sv_show["episodes"]) == len(SV_EPISODES) + 1
    hs_show = next(show for show in exported["shows"] if show["slug"] == "heartstopper")
    assert len(hs_show["episodes"]) == 8

    fresh = runner(tmp_path / "fresh" / "showtrack.json")
    ok(fresh("init", "--empty"))
    ok(fresh("import", str(first)))
    second = tmp_path / "second.json"
    ok(fresh("export", "-o", str(second)))
    assert second.read_bytes() == first.read_bytes()
    report = as_json(fresh("import", str(first), "--json"))
    assert report["counts"]["episodes"] == {"added": 0, "updated": 0, "unchanged": 19, "removed": 0}
    assert report["changes"] == []


# --- 12. a schema-5 database ------------------------------------------------------------------------


def test_a_schema_5_file_migrates_and_keeps_working(invoke: Invoker, tmp_path: Path) -> None:
    """A file as schema 5 wrote it: the same layout without the episodes table."""
    current = legacy_bytes(invoke.db)
    start = current.index(b',"episodes":{')
    end = current.index(b',"announcements":')
    old = current[:start] + current[end:]
    assert old.count(b'"schema_version":6') == 1
    old = old.replace(b'"schema_version":6', b'"schema_version":5')
    path = tmp_path / "v5" / "showtrack.json"
    path.parent.mkdir()
    path.write_bytes(old)
    before = json.loads(old)
    assert "episodes" not in before

    v5 = Clocked(path, "2023-05-24T12:00:00+01:00")
    assert ok(v5("episodes", "heartstopper")).stdout.strip() == (
        "No episodes are recorded for Heartstopper yet."
    )
    saved = path.read_bytes()
    migrated = raw_database(path)
    assert migrated["state"]["1"]["schema_version"] == 8
    assert migrated["episodes"] == {}
    for table in ("shows", "seasons", "credits", "feeds", "announcements"):
        assert migrated[table] == before[table], table
    assert migrated["state"]["1"]["database"] == before["state"]["1"]["database"]
    ok(v5("countdown"))
    assert path.read_bytes() == saved  # migrated once

    assert len(news_items(v5, "--all")) == len(before["announcements"])
    ok(v5("add", "episode", "heartstopper", "--season", "2", "--number", "1-8",
          "--airs", DROP_DAY.isoformat()))  # fmt: skip
    (row,) = [r for r in premieres(v5, "2023-05-24T12:00:00+01:00") if r["season"] == 2]
    assert (row["next"]["all_at_once"], row["next"]["count"]) == (True, 8)
    ok(v5("import", str(SV_PACK)))
    doc = as_json(v5("episodes", "silicon-valley", "--json", env_extra=env(MID_SEASON)))
    assert [r["number"] for r in doc["episodes"]] == sorted(SV_EPISODES)
    assert as_json(v5("export"))["shows"][0]["slug"] in {"heartstopper", "silicon-valley"}
