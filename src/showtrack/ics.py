"""iCalendar (RFC 5545) export of premieres and, optionally, dated milestones.

Only dates known to the day become events: a date-only premiere is an all-day
event (DTSTART;VALUE=DATE, DTEND the next day); a timed one is written at its
exact instant in UTC, with the show's local time in the description. Month, year and TBA
dates are skipped and counted. UIDs are derived from the record, so a calendar
app updates an event on re-import instead of duplicating it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from showtrack.dates import PartialDate, zone, zone_label
from showtrack.models import Show
from showtrack.text import safe

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
    """A date for an all-day event; for a timed one the instant in UTC.

    UTC (``DTSTART:...Z``) is the one form every reader takes the same way: the
    VTIMEZONE that icalendar generates lists DST changes as RDATE lists, and
    vobject (Radicale's parser) reads those an hour off. The show's own wall time
    goes into the description instead.
    """
    if event.date.at is None:
        return event.date.earliest()
    return event.date.at.astimezone(UTC)


def _local_note(event: CalendarEvent) -> str | None:
    if event.date.at is None:
        return None
    home: tzinfo | None = event.date.at.tzinfo
    if event.zone:
        try:
            home = zone(event.zone)
        except ValueError:
            pass
    local = event.date.at.astimezone(home)
    where = f" ({event.zone})" if event.zone else ""
    return f"Starts {local:%a} {local.day} {local:%b %Y %H:%M} {zone_label(local)}{where}."


def build(events: list[CalendarEvent], *, name: str, now: datetime, skipped: int) -> CalendarFile:
    """Render events to iCalendar bytes (CRLF line endings, folded lines)."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", safe(name))
    stamp = now.replace(microsecond=0)
    for item in sorted(events, key=lambda e: (e.date.sort_key(), e.uid)):
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("summary", safe(item.summary))  # RFC 5545 allows no control characters
        start = _start(item)
        event.add("dtstart", start)
        if item.date.at is None:
            event.add("dtend", start + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:
            event.add("duration", timedelta(minutes=30))
        description = "\n\n".join(text for text in (_local_note(item), item.description) if text)
        if description:
            event.add("description", safe(description))
        event.add("categories", [safe(item.category)])
        calendar.add_component(event)
    return CalendarFile(calendar.to_ical(), len(events), skipped)


def premiere_uid(show: Show, season: int) -> str:
    return f"{show.slug}-season-{season}-premiere@showtrack"


def milestone_uid(show: Show, announcement_id: str) -> str:
    return f"{show.slug}-news-{announcement_id}@showtrack"
