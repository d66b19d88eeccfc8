"""iCalendar (RFC 5545) export of premieres and, optionally, dated milestones.

Only dates known to the day become events: a date-only premiere is an all-day
event (DTSTART;VALUE=DATE, DTEND the next day); a timed one keeps its zone
(the show's IANA zone when it has one, with a VTIMEZONE). Month, year and TBA
dates are skipped and counted. UIDs are derived from the record, so a calendar
app updates an event on re-import instead of duplicating it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from showtrack.dates import PartialDate, zone
from showtrack.models import Show

PRODID = "-//showtrack//showtrack//EN"


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    uid: str
    summary: str
    date: PartialDate
    description: str | None
    zone: str | None
    category: str


@dataclass(frozen=True, slots=True)
class CalendarFile:
    data: bytes
    events: int
    skipped: int


def _start(event: CalendarEvent) -> Any:
    if event.date.at is None:
        return event.date.earliest()
    moment: datetime = event.date.at
    if event.zone:
        try:
            return moment.astimezone(zone(event.zone))
        except ValueError:
            pass
    return moment


def build(events: list[CalendarEvent], *, name: str, now: datetime, skipped: int) -> CalendarFile:
    """Render events to iCalendar bytes (CRLF line endings, folded lines)."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = now.replace(microsecond=0)
    for item in sorted(events, key=lambda e: (e.date.sort_key(), e.uid)):
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("summary", item.summary)
        start = _start(item)
        event.add("dtstart", start)
        if item.date.at is None:
            event.add("dtend", start + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:
            event.add("duration", timedelta(minutes=30))
        if item.description:
            event.add("description", item.description)
        event.add("categories", [item.category])
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return CalendarFile(calendar.to_ical(), len(events), skipped)


def premiere_uid(show: Show, season: int) -> str:
    return f"{show.slug}-season-{season}-premiere@showtrack"


def milestone_uid(show: Show, announcement_id: str) -> str:
    return f"{show.slug}-news-{announcement_id}@showtrack"
