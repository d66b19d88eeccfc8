"""showtrack calendar: RFC 5545 output, read back by two independent readers (icalendar, vobject)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
import vobject
from typer.testing import Result

from conftest import Invoker, ok

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
    assert event["duration"] == timedelta(minutes=30)
    assert event["end"] is None


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


def test_an_empty_calendar_is_still_a_calendar(make_db: Callable[..., Path]) -> None:
    invoke = crafted(make_db, {"number": 1, "status": "announced"})
    result = calendar(invoke)
    name, events = read_both(result.stdout_bytes)
    assert (name, events) == ("showtrack premieres", {})
    assert "Left out 1 premiere " in result.stderr


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
