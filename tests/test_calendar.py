"""showtrack calendar: RFC 5545 output, read back by two independent readers (icalendar,
vobject) and, where it is installed, by a calendar program (khal)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from typer.testing import Result

from conftest import Invoker, assert_clean, ok
from showtrack import ics
from showtrack.errors import ShowtrackError

Invoke = Callable[..., Result]
Runner = Callable[..., Invoke]

REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" / "ical"


# --- two readers -----------------------------------------------------------------------------


def _moment(value: Any) -> Any:
    """A date stays a date; an aware time becomes UTC; a floating (naive) time stays naive."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value


def read_icalendar(data: bytes) -> tuple[str | None, list[dict[str, Any]]]:
    calendar = icalendar.Calendar.from_ical(data)
    name = calendar.get("X-WR-CALNAME")
    events = []
    for event in calendar.walk("VEVENT"):
        end = event.decoded("DTEND") if "DTEND" in event else None
        duration = event.decoded("DURATION") if "DURATION" in event else None
        events.append(
            {
                "uid": str(event["UID"]),
                "summary": str(event["SUMMARY"]),
                "description": str(event["DESCRIPTION"]) if "DESCRIPTION" in event else None,
                "start": _moment(event.decoded("DTSTART")),
                "end": _moment(end),
                "duration": duration,
                "url": str(event["URL"]) if "URL" in event else None,
            }
        )
    return (None if name is None else str(name)), events


def read_vobject(data: bytes) -> tuple[str | None, list[dict[str, Any]]]:
    calendar = vobject.readOne(data.decode("utf-8"))
    name = calendar.x_wr_calname.value if hasattr(calendar, "x_wr_calname") else None
    events = []
    for event in getattr(calendar, "vevent_list", []):
        events.append(
            {
                "uid": event.uid.value,
                "summary": event.summary.value,
                "description": event.description.value if hasattr(event, "description") else None,
                "start": _moment(event.dtstart.value),
                "end": _moment(event.dtend.value) if hasattr(event, "dtend") else None,
                "duration": event.duration.value if hasattr(event, "duration") else None,
                "url": event.url.value if hasattr(event, "url") else None,
            }
        )
    return name, events


def read_both(data: bytes) -> tuple[str | None, dict[str, dict[str, Any]]]:
    """Read with both readers, check they agree, and give the events by UID."""
    name, events = read_icalendar(data)
    other_name, other_events = read_vobject(data)
    assert name == other_name
    assert events == other_events
    by_uid = {event["uid"]: event for event in events}
    assert len(by_uid) == len(events), "UIDs must be unique"
    return name, by_uid


# --- databases --------------------------------------------------------------------------------


def crafted(make_db: Callable[..., Path], *seasons: dict[str, Any], **show: Any) -> Invoke:
    record = {"slug": "the-bear", "title": "The Bear", "network": "FX", **show}
    record["seasons"] = list(seasons)
    return Invoker(make_db({"format": "showtrack/1", "shows": [record]}))


def calendar(invoke: Invoke, *args: str, **kw: Any) -> Result:
    result = ok(invoke("calendar", *args, **kw))
    assert result.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")
    return result


# --- the bundled data -------------------------------------------------------------------------


def test_date_only_premiere_is_an_all_day_event(invoke: Invoke) -> None:
    result = calendar(invoke)
    data = result.stdout_bytes
    assert b"\r\nDTSTART;VALUE=DATE:20230803\r\n" in data
    assert b"\r\nDTEND;VALUE=DATE:20230804\r\n" in data
    name, events = read_both(data)
    assert name == "showtrack premieres"
    assert list(events) == ["heartstopper-season-2-premiere@showtrack"]
    event = events["heartstopper-season-2-premiere@showtrack"]
    assert event["start"] == date(2023, 8, 3)
    assert not isinstance(event["start"], datetime)
    assert event["end"] == date(2023, 8, 4)
    assert event["summary"] == "Heartstopper season 2 premieres on Netflix"
    assert event["description"].startswith("Nick and Charlie find their feet as a couple")
    # season 3 is TBA: left out and counted; season 1 is released with no date
    assert result.stderr == "Left out 1 premiere not yet known to the day.\n"


def test_crlf_line_endings_and_required_properties(invoke: Invoke) -> None:
    data = calendar(invoke).stdout_bytes
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")
    assert b"\r\r" not in data
    lines = data.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines), "lines are folded at 75 octets"
    for needed in (b"VERSION:2.0", b"PRODID:", b"X-WR-CALNAME:showtrack premieres"):
        assert any(line.startswith(needed) for line in lines), needed
    assert b"DTSTAMP:20230524T110000Z" in data
    event = data.split(b"BEGIN:VEVENT")[1]
    assert b"\r\nUID:" in event


def test_calendar_of_one_show_is_named_after_it(invoke: Invoke) -> None:
    data = calendar(invoke, "HEART-stopper!").stdout_bytes
    name, events = read_both(data)
    assert name == "Heartstopper premieres"
    assert len(events) == 1
    assert invoke("calendar", "nosuch").exit_code == 1


def test_output_file(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "premieres.ics"
    result = ok(invoke("calendar", "-o", str(target)))
    assert result.stdout == ""
    assert "Left out 1 premiere" in result.stderr
    assert target.read_bytes() == calendar(invoke).stdout_bytes
    read_both(target.read_bytes())


def test_uids_are_stable_across_exports_and_a_moved_premiere(invoke: Invoke) -> None:
    first = calendar(invoke).stdout_bytes
    assert calendar(invoke).stdout_bytes == first  # the same clock: the very same bytes
    later = {"SHOWTRACK_NOW": "2023-06-01T12:00:00+01:00"}
    ok(invoke("edit", "season", "heartstopper", "2", "--premiere", "2023-08-10", env_extra=later))
    _, before = read_both(first)
    _, after = read_both(calendar(invoke, env_extra=later).stdout_bytes)
    assert list(after) == list(before) == ["heartstopper-season-2-premiere@showtrack"]
    (event,) = after.values()
    assert (event["start"], event["end"]) == (date(2023, 8, 10), date(2023, 8, 11))


def test_milestones_add_dated_news(invoke: Invoke) -> None:
    news = json.loads(ok(invoke("news", "--peek", "--json")).stdout)["announcements"]
    by_id = {item["id"]: item for item in news}
    day_dated = {i for i, item in by_id.items() if item["date"] and len(item["date"]) == 10}
    assert len(day_dated) == 4  # 2022-12 (a month) and the undated ones stay out

    _, events = read_both(calendar(invoke, "--milestones").stdout_bytes)
    assert "heartstopper-season-2-premiere@showtrack" in events
    milestone_uids = set(events) - {"heartstopper-season-2-premiere@showtrack"}
    assert milestone_uids == {f"heartstopper-news-{i}@showtrack" for i in day_dated}
    for news_id in day_dated:
        event = events[f"heartstopper-news-{news_id}@showtrack"]
        item = by_id[news_id]
        assert event["summary"] == f"Heartstopper: {item['headline']}"
        assert event["start"] == date.fromisoformat(item["date"])
        assert event["end"] == event["start"] + timedelta(days=1)

    _, plain = read_both(calendar(invoke).stdout_bytes)
    assert len(plain) == 1


# --- crafted data -----------------------------------------------------------------------------


TIMED = [
    # (stored premiere, show zone, DTSTART line, the instant)
    (
        "2024-06-26T22:00",  # read in the show's zone: EDT
        "America/New_York",
        b"DTSTART:20240627T020000Z",
        datetime(2024, 6, 27, 2, 0, tzinfo=UTC),
    ),
    (
        "2023-06-22T00:00-07:00",  # midnight Pacific, shown in the show's zone
        "America/New_York",
        b"DTSTART:20230622T070000Z",
        datetime(2023, 6, 22, 7, 0, tzinfo=UTC),
    ),
    (
        "2024-01-10T21:00",  # winter: GMT
        "Europe/London",
        b"DTSTART:20240110T210000Z",
        datetime(2024, 1, 10, 21, 0, tzinfo=UTC),
    ),
]
TIMED_IDS = ["new-york-summer", "pacific-offset", "london-winter"]


@pytest.mark.parametrize(("premiere", "zone", "line", "instant"), TIMED, ids=TIMED_IDS)
def test_timed_premiere_keeps_its_zone_and_instant(
    make_db: Callable[..., Path], premiere: str, zone: str, line: bytes, instant: datetime
) -> None:
    invoke = crafted(make_db, {"number": 3, "premiere": premiere}, timezone=zone)
    data = calendar(invoke).stdout_bytes
    assert b"\r\n" + line + b"\r\n" in data
    assert b"TZID" not in data  # UTC: no VTIMEZONE for a reader to misread
    local = premiere[11:16] if len(premiere) == 16 else None
    if local is not None:  # the show's wall time is kept in the description
        assert f"{local} ".encode() in data.replace(b"\r\n ", b"")
    _, events = read_icalendar(data)
    (event,) = events
    assert event["start"] == instant
    assert event["end"] == instant + timedelta(minutes=30)  # no runtime known
    assert event["duration"] is None  # DTEND, which every app reads, not DURATION


@pytest.mark.parametrize(("premiere", "zone", "line", "instant"), TIMED, ids=TIMED_IDS)
def test_the_second_reader_agrees_on_a_timed_premiere(
    make_db: Callable[..., Path], premiere: str, zone: str, line: bytes, instant: datetime
) -> None:
    """vobject is a second, independent reader: it must see the same instant."""
    invoke = crafted(make_db, {"number": 3, "premiere": premiere}, timezone=zone)
    _, events = read_vobject(calendar(invoke).stdout_bytes)
    (event,) = events
    assert event["start"] == instant


def test_timed_premiere_of_a_show_without_a_zone_keeps_its_instant(
    make_db: Callable[..., Path],
) -> None:
    """A show with no IANA zone still has an exact instant (the premiere's offset).
    A TZID needs a matching VTIMEZONE (RFC 5545 3.2.19); without one, readers take the
    time as floating local time and the instant is lost. UTC (or a VTIMEZONE) keeps it."""
    invoke = crafted(make_db, {"number": 1, "premiere": "2023-08-03T00:00-07:00"})
    data = calendar(invoke).stdout_bytes
    _, events = read_both(data)
    (event,) = events.values()
    assert event["start"] == datetime(2023, 8, 3, 7, 0, tzinfo=UTC)


def test_month_year_and_tba_premieres_are_left_out_and_counted(
    make_db: Callable[..., Path],
) -> None:
    invoke = crafted(
        make_db,
        {"number": 1, "premiere": "2022-06-23"},
        {"number": 2, "premiere": "2023-06"},
        {"number": 3, "premiere": "2024"},
        {"number": 4, "status": "announced"},
        {"number": 5, "premiere": "2026-01-02T20:00+00:00"},
    )
    result = calendar(invoke)
    assert result.stderr == "Left out 3 premieres not yet known to the day.\n"
    _, events = read_both(result.stdout_bytes)
    assert set(events) == {
        "the-bear-season-1-premiere@showtrack",
        "the-bear-season-5-premiere@showtrack",
    }


def test_nothing_to_left_out_prints_no_note(make_db: Callable[..., Path]) -> None:
    invoke = crafted(make_db, {"number": 1, "premiere": "2022-06-23"})
    assert calendar(invoke).stderr == ""


EMPTY = [
    # (arguments, the error) for a database whose only date is a month
    ((), "no premiere of any tracked show is known to the day yet."),
    (("the-bear",), "no premiere of The Bear is known to the day yet."),
    (("--milestones",), "no premiere or dated news of any tracked show is known to the day yet."),
    (("--changes",), "no premiere or dated change of any tracked show is known to the day yet."),
]


@pytest.mark.parametrize(("args", "why"), EMPTY, ids=["all", "one-show", "milestones", "changes"])
def test_an_empty_calendar_is_refused(
    make_db: Callable[..., Path], tmp_path: Path, args: tuple[str, ...], why: str
) -> None:
    """RFC 5545 wants at least one component in a VCALENDAR: nothing to put in it is
    an error (exit 1, one line), and neither stdout nor an -o file gets a calendar."""
    invoke = crafted(
        make_db,
        {"number": 1, "premiere": "2024-06"},
        {"number": 2, "status": "announced"},
        announcements=[
            {"date": "2024-05", "kind": "trailer", "headline": "A teaser"},
            {
                "kind": "change",
                "headline": "Premiere set",
                "about": "premiere",
                "became": "2024-06",
            },
        ],
    )
    result = invoke("calendar", *args)
    assert result.exit_code == 1
    assert_clean(result)
    assert result.stdout == ""
    assert result.stderr == f"Error: Nothing to put in a calendar: {why}\n"

    kept = tmp_path / "kept.ics"
    kept.write_bytes(b"an older calendar\r\n")
    assert invoke("calendar", *args, "-o", str(kept)).exit_code == 1
    assert kept.read_bytes() == b"an older calendar\r\n"
    absent = tmp_path / "absent.ics"
    assert invoke("calendar", *args, "-o", str(absent)).exit_code == 1
    assert not absent.exists()


def test_build_refuses_no_events() -> None:
    """The writer itself never emits an empty VCALENDAR, whoever calls it."""
    with pytest.raises(ShowtrackError, match="Nothing to put in a calendar"):
        ics.build([], name="x", now=datetime(2024, 1, 1, tzinfo=UTC), skipped=0)


def test_text_with_special_characters_survives_both_readers(
    make_db: Callable[..., Path],
) -> None:
    title = 'Café; "Ünïcode", 🎬 \\ 三体 — שעת נעילה'
    synopsis = "Line one; with, commas\nline two: ✨ " + "long " * 40
    invoke = crafted(
        make_db,
        {"number": 1, "premiere": "2024-03-21", "synopsis": synopsis},
        title=title,
        network=None,
    )
    data = calendar(invoke).stdout_bytes
    data.decode("utf-8")  # folding must not split a character
    _, events = read_both(data)
    (event,) = events.values()
    assert event["summary"] == f"{title} season 1 premieres"
    assert event["description"] == synopsis


# --- events that calendar apps show well ----------------------------------------------------


RUNTIMES = [
    # (the season's runtime, how long the event lasts)
    ({"min": 20, "max": 30}, 30),  # the longest episode: the premiere is not cut short
    ({"min": 45}, 45),
    ({"min": 50, "max": 62}, 62),
    (None, 30),  # unknown: half an hour
]


@pytest.mark.parametrize(("runtime", "minutes"), RUNTIMES, ids=["range", "one", "long", "unknown"])
def test_a_timed_premiere_lasts_the_season_runtime(
    make_db: Callable[..., Path], runtime: dict[str, int] | None, minutes: int
) -> None:
    season: dict[str, Any] = {"number": 3, "premiere": "2024-06-26T22:00"}
    if runtime is not None:
        season["runtime"] = runtime
    invoke = crafted(make_db, season, timezone="America/New_York")
    data = calendar(invoke).stdout_bytes
    start = datetime(2024, 6, 27, 2, 0, tzinfo=UTC)
    end = start + timedelta(minutes=minutes)
    assert f"\r\nDTEND:{end:%Y%m%dT%H%M%SZ}\r\n".encode() in data
    assert b"\r\nDURATION" not in data
    _, events = read_both(data)
    (event,) = events.values()
    assert (event["start"], event["end"], event["duration"]) == (start, end, None)


def test_a_date_only_premiere_stays_all_day_whatever_its_runtime(
    make_db: Callable[..., Path],
) -> None:
    invoke = crafted(make_db, {"number": 1, "premiere": "2024-03-21", "runtime": {"min": 58}})
    data = calendar(invoke).stdout_bytes
    assert b"\r\nDTSTART;VALUE=DATE:20240321\r\nDTEND;VALUE=DATE:20240322\r\n" in data
    _, events = read_both(data)
    (event,) = events.values()
    assert (event["start"], event["end"]) == (date(2024, 3, 21), date(2024, 3, 22))


NEWS = [
    {
        "date": "2024-02-01",
        "kind": "trailer",
        "headline": "The first trailer is out",
        "body": "Carmy is back in the kitchen.",
        "url": "https://example.org/the-bear/trailer?season=3&lang=en",
    },
    {"date": "2024-01-15", "kind": "filming-wrapped", "headline": "Filming has wrapped"},
    {
        "date": "2024-03-01",
        "kind": "change",
        "season": 3,
        "headline": "The Bear season 3 premiere moved: 26 Jun 2024 -> 27 Jun 2024",
        "about": "premiere",
        "was": "2024-06-26",
        "became": "2024-06-27",
        "url": "https://example.org/the-bear/moved",
    },
]


def news_db(make_db: Callable[..., Path]) -> Invoke:
    return crafted(make_db, {"number": 3, "premiere": "2024-06-27"}, announcements=NEWS)


def news_uids(events: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The milestones' summaries by UID (the premiere left out)."""
    return {uid: e["summary"] for uid, e in events.items() if "-news-" in uid}


def test_milestones_carry_their_url(make_db: Callable[..., Path]) -> None:
    data = calendar(news_db(make_db), "--milestones").stdout_bytes
    assert b"\r\nURL:https://example.org/the-bear/trailer?season=3&lang=en\r\n" in data
    _, events = read_both(data)
    urls = {e["summary"]: e["url"] for e in events.values()}
    assert urls == {
        "The Bear season 3 premieres on FX": None,
        "The Bear: The first trailer is out": NEWS[0]["url"],
        "The Bear: Filming has wrapped": None,  # no page: no URL property
    }


def test_changes_stay_out_of_milestones_unless_asked(make_db: Callable[..., Path]) -> None:
    invoke = news_db(make_db)
    _, events = read_both(calendar(invoke, "--milestones").stdout_bytes)
    assert set(news_uids(events).values()) == {
        "The Bear: The first trailer is out",
        "The Bear: Filming has wrapped",
    }
    _, events = read_both(calendar(invoke, "--milestones", "--changes").stdout_bytes)
    moved = "The Bear season 3 premiere moved: 26 Jun 2024 -> 27 Jun 2024"  # named once
    assert set(news_uids(events).values()) == {
        "The Bear: The first trailer is out",
        "The Bear: Filming has wrapped",
        moved,
    }
    (change,) = (e for e in events.values() if e["summary"] == moved)
    assert change["url"] == "https://example.org/the-bear/moved"
    _, events = read_both(calendar(invoke, "--changes").stdout_bytes)
    assert set(news_uids(events).values()) == {moved}  # --changes alone: premieres and changes
    assert len(events) == 2


def test_a_moved_premiere_is_a_change_not_a_milestone(invoke: Invoke) -> None:
    """`edit season --premiere` records a change: news of our records, not of the show."""
    ok(invoke("edit", "season", "heartstopper", "2", "--premiere", "2023-08-10"))
    _, events = read_both(calendar(invoke, "--milestones").stdout_bytes)
    assert not any("moved" in e["summary"] for e in events.values())
    assert len(events) == 5  # the premiere and the four day-dated milestones
    _, events = read_both(calendar(invoke, "--milestones", "--changes").stdout_bytes)
    (moved,) = (e for e in events.values() if "moved" in e["summary"])
    assert moved["summary"] == "Heartstopper season 2 premiere moved: 3 Aug 2023 -> 10 Aug 2023"
    assert moved["start"] == date(2023, 5, 24)  # the day it was recorded


LONG = " ".join(f"word{n:03d}" for n in range(150))  # 1,199 characters, no line break


def test_a_long_synopsis_is_cut_at_a_word(make_db: Callable[..., Path]) -> None:
    invoke = crafted(
        make_db, {"number": 3, "premiere": "2024-06-26T22:00", "synopsis": LONG}, timezone="UTC"
    )
    _, events = read_both(calendar(invoke).stdout_bytes)
    (event,) = events.values()
    note, text = event["description"].split("\n\n")
    assert note == "Starts Wed 26 Jun 2024 22:00 UTC (UTC)."  # the local start line stays
    assert text.endswith("…")
    assert len(text) <= 400
    kept = text.removesuffix("…")
    assert LONG.startswith(kept + " ")  # whole words only
    assert len(kept) > 350  # and not much less than the limit


def test_a_description_has_at_most_five_lines(make_db: Callable[..., Path]) -> None:
    body = "\n".join(f"Line {n}." for n in range(1, 9))
    invoke = crafted(
        make_db,
        {"number": 1, "premiere": "2024-03-21", "synopsis": body},
        announcements=[
            {"date": "2024-02-01", "kind": "photos", "headline": "Stills", "body": LONG}
        ],
    )
    _, events = read_both(calendar(invoke, "--milestones").stdout_bytes)
    by_kind = {uid.split("-")[2]: event for uid, event in events.items()}
    assert by_kind["season"]["description"] == "Line 1.\nLine 2.\nLine 3.\nLine 4.\nLine 5.…"
    news = by_kind["news"]["description"]  # an announcement's body is cut the same way
    assert news.endswith("…")
    assert len(news) <= 400


EXCERPTS = [
    ("short and sweet", "short and sweet"),
    ("kept  as\tit is \n", "kept  as\tit is \n"),
    ("a" * 500, "a" * 399 + "…"),  # one long word: cut hard
    ("x" * 390 + " tail, and more words after the limit", "x" * 390 + " tail…"),
    ("y" * 395 + ", end of the clause", "y" * 395 + "…"),  # no dangling comma
    ("one\ntwo\nthree\nfour\nfive", "one\ntwo\nthree\nfour\nfive"),
    ("one\ntwo\nthree\nfour\nfive\n\nsix", "one\ntwo\nthree\nfour\nfive…"),
]


@pytest.mark.parametrize(("text", "expected"), EXCERPTS)
def test_excerpt(text: str, expected: str) -> None:
    assert ics.excerpt(text) == expected


def test_subscribed_calendars_refresh_twice_a_day(invoke: Invoke) -> None:
    data = calendar(invoke).stdout_bytes
    head = data.split(b"BEGIN:VEVENT")[0]
    assert b"\r\nX-WR-CALNAME:showtrack premieres\r\n" in head
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in head  # RFC 7986
    assert b"\r\nX-PUBLISHED-TTL:PT12H\r\n" in head  # Apple, Google, Outlook
    parsed = icalendar.Calendar.from_ical(data)
    assert parsed.decoded("REFRESH-INTERVAL") == timedelta(hours=12)
    assert parsed["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    other = vobject.readOne(data.decode("utf-8"))
    assert other.refresh_interval.value == other.x_published_ttl.value == "PT12H"


def test_uids_stay_stable_when_runtime_or_news_change(make_db: Callable[..., Path]) -> None:
    invoke = news_db(make_db)
    _, before = read_both(calendar(invoke, "--milestones", "--changes").stdout_bytes)
    later = {"SHOWTRACK_NOW": "2024-03-02T12:00:00+00:00"}
    ok(invoke("news", env_extra=later))  # seen: the next move is news of its own, not folded in
    ok(invoke("edit", "season", "the-bear", "3", "--runtime", "28-40", env_extra=later))
    moved = ["--premiere", "2024-06-27T21:00", "--tz", "America/New_York"]
    ok(invoke("edit", "season", "the-bear", "3", *moved, env_extra=later))
    _, after = read_both(
        calendar(invoke, "--milestones", "--changes", env_extra=later).stdout_bytes
    )
    assert set(before) < set(after)  # every event keeps its UID; the new change is added
    premiere = after["the-bear-season-3-premiere@showtrack"]
    assert premiere["start"] == datetime(2024, 6, 28, 1, 0, tzinfo=UTC)
    assert premiere["end"] - premiere["start"] == timedelta(minutes=40)
    every = ok(invoke("news", "--since", "2000-01-01", "--peek", "--json", env_extra=later))
    news = json.loads(every.stdout)["announcements"]
    dated = {f"the-bear-news-{item['id']}@showtrack" for item in news if len(item["date"]) == 10}
    assert set(after) - {"the-bear-season-3-premiere@showtrack"} == dated  # the news' own ids


# --- a calendar program: khal -------------------------------------------------------------------

KHAL_ZONE = "Europe/London"  # the zone the CLI runs in (conftest's TZ)
#: On PATH, or beside this Python when the venv is used without being activated.
KHAL = shutil.which("khal") or shutil.which("khal", path=str(Path(sys.executable).parent))


def khal(config: Path, *args: str) -> str:
    done = subprocess.run(
        [str(KHAL), "-c", str(config), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, (done.stdout, done.stderr)
    return done.stdout


@pytest.mark.slow
@pytest.mark.skipif(KHAL is None, reason="khal is not installed (pip install khal)")
def test_khal_imports_and_lists_every_event(make_db: Callable[..., Path], tmp_path: Path) -> None:
    """khal is a real calendar program: what it imports and lists is what a fan sees."""
    invoke = crafted(
        make_db,
        {"number": 2, "premiere": "2023-06-22T00:00-07:00", "runtime": {"min": 28, "max": 37}},
        {"number": 3, "premiere": "2024-06-26T22:00"},
        {"number": 4, "premiere": "2025-06-25"},
        timezone="America/New_York",
        announcements=NEWS,
    )
    target = tmp_path / "the-bear.ics"
    ok(invoke("calendar", "--milestones", "--changes", "-o", str(target)))
    _, events = read_both(target.read_bytes())

    folder = tmp_path / "khal" / "the-bear"
    folder.mkdir(parents=True)
    config = tmp_path / "khal" / "config"
    config.write_text(
        f"""[calendars]
[[the-bear]]
path = {folder}
[locale]
local_timezone = {KHAL_ZONE}
default_timezone = {KHAL_ZONE}
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
[sqlite]
path = {tmp_path / "khal" / "khal.db"}
""",
        encoding="utf-8",
    )
    khal(config, "import", "--batch", "-a", "the-bear", str(target))

    local = ZoneInfo(KHAL_ZONE)
    expected = {}
    for uid, event in events.items():
        start, end = event["start"], event["end"]
        if isinstance(start, datetime):
            shown = (
                "False",
                f"{start.astimezone(local):%Y-%m-%d %H:%M}",
                f"{end.astimezone(local):%Y-%m-%d %H:%M}",
            )
        else:  # khal shows an all-day event's last day, not the exclusive DTEND
            shown = ("True", f"{start:%Y-%m-%d}", f"{end - timedelta(days=1):%Y-%m-%d}")
        expected[uid] = (*shown, event["summary"], event["url"] or "")
    days = [
        e["start"].astimezone(local).date() if isinstance(e["start"], datetime) else e["start"]
        for e in events.values()
    ]
    listed = khal(
        config,
        "list",
        "--once",
        "--day-format",
        "",
        "--format",
        "{uid}\t{all-day}\t{start}\t{end}\t{title}\t{url}",
        f"{min(days):%Y-%m-%d}",
        f"{max(days) + timedelta(days=1):%Y-%m-%d}",
    )
    rows = [line.split("\t") for line in listed.splitlines() if line.strip()]
    seen = {row[0]: tuple(row[1:]) for row in rows}
    assert len(rows) == len(seen) == len(events) == 6
    assert seen == expected
    # the instants themselves, spelled out once: midnight Pacific is 08:00 in London
    assert seen["the-bear-season-2-premiere@showtrack"][1:3] == (
        "2023-06-22 08:00",
        "2023-06-22 08:37",
    )
    assert seen["the-bear-season-3-premiere@showtrack"][1:3] == (
        "2024-06-27 03:00",
        "2024-06-27 03:30",
    )
    assert seen["the-bear-season-4-premiere@showtrack"] == (
        "True",
        "2025-06-25",
        "2025-06-25",
        "The Bear season 4 premieres on FX",
        "",
    )
    (trailer,) = (row for row in seen.values() if row[3] == "The Bear: The first trailer is out")
    assert trailer == ("True", "2024-02-01", "2024-02-01", trailer[3], NEWS[0]["url"])


# --- the reader helper on real calendars -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "count"),
    [("sonarr_allday_2023-12-16.ics", 24), ("sonarr_timed_2024-08-06.ics", 15)],
)
def test_the_readers_accept_real_sonarr_feeds(name: str, count: int) -> None:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} is not here")
    calendar_name, events = read_both(path.read_bytes())
    assert calendar_name == "Sonarr TV Schedule"
    assert len(events) == count
    assert all(event["uid"].startswith("NzbDrone_episode_") for event in events.values())
