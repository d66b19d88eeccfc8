"""iCalendar (RFC 5545) export of premieres and, optionally, dated milestones.

Only dates known to the day become events: a date-only premiere is an all-day
event (DTSTART;VALUE=DATE, DTEND the next day); a timed one is written at its
exact instant in UTC and lasts the season's runtime (30 minutes when that is
unknown), with the show's local time in the description. Month, year and TBA
dates are skipped and counted. UIDs are derived from the record, so a calendar
app updates an event on re-import instead of duplicating it. A calendar with no
event is refused: RFC 5545 requires at least one component.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from showtrack.dates import PartialDate, zone, zone_label
from showtrack.errors import ShowtrackError
from showtrack.models import Episode, Show
from showtrack.text import safe

PRODID = "-//showtrack//showtrack//EN"
#: How long a timed event lasts when its season's runtime is unknown.
DEFAULT_MINUTES = 30
#: How often a subscribed calendar should be fetched again: premieres move rarely,
#: but a new date should reach the fan the same day.
REFRESH = timedelta(hours=12)
#: A description is a glance in a calendar app's pop-over, not the full text.
DESCRIPTION_LINES = 5
DESCRIPTION_CHARS = 400


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    uid: str
    summary: str
    date: PartialDate
    description: str | None
    zone: str | None
    category: str
    minutes: int | None = None  # how long a timed event lasts; None: DEFAULT_MINUTES
    url: str | None = None  # the announcement's own page, when it has one
    show: str | None = None  # the show's slug (not written to the file)


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


def _end(event: CalendarEvent, start: Any) -> Any:
    """DTEND rather than DURATION: it is what real feeds (Sonarr, ical.net) write and
    what every reader takes, while some sync adapters ignore DURATION and show a
    zero-length event. An all-day event ends the next day (DTEND is exclusive)."""
    if event.date.at is None:
        return start + timedelta(days=1)
    return start + timedelta(minutes=event.minutes or DEFAULT_MINUTES)


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


def excerpt(text: str, *, lines: int = DESCRIPTION_LINES, chars: int = DESCRIPTION_CHARS) -> str:
    """The start of a long text, cut at a word with '…'.

    Calendar apps show the description in a small pop-over or a notification, and
    a whole synopsis or article body buries the one line that matters (the local
    start time). A text within the limits is kept exactly as it is.
    """
    kept = text.splitlines()
    cut = len(kept) > lines
    whole = "\n".join(kept[:lines]) if cut else text
    short = whole
    if len(whole) > chars:
        cut = True
        short = whole[: chars - 1]  # room for the '…'
        if not whole[len(short)].isspace():  # mid-word: drop the partial word
            head = re.match(r"(?s)(.*\S)\s", short)
            short = head.group(1) if head else short  # one long word: cut it hard
    if not cut:
        return text
    return short.rstrip(" \t\n,;:-–—") + "…"


def _description(event: CalendarEvent) -> str | None:
    text = excerpt(event.description) if event.description else None
    return "\n\n".join(part for part in (_local_note(event), text) if part) or None


def build(events: list[CalendarEvent], *, name: str, now: datetime, skipped: int) -> CalendarFile:
    """Render events to iCalendar bytes (CRLF line endings, folded lines).

    ``REFRESH-INTERVAL`` (RFC 7986) and ``X-PUBLISHED-TTL`` (what Apple and Google
    read) ask a subscribed calendar to fetch again twice a day; without them each
    app picks its own interval, and a moved premiere can be missed for days.
    """
    from icalendar import Calendar, Event, vDuration

    if not events:
        raise ShowtrackError("Nothing to put in a calendar: no event is known to the day yet.")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", safe(name))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    stamp = now.replace(microsecond=0)
    for item in sorted(events, key=lambda e: (e.date.sort_key(), e.uid)):
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("summary", safe(item.summary))  # RFC 5545 allows no control characters
        start = _start(item)
        event.add("dtstart", start)
        event.add("dtend", _end(item, start))
        if item.date.at is None:
            event.add("transp", "TRANSPARENT")
        description = _description(item)
        if description:
            event.add("description", safe(description))
        if item.url:
            event.add("url", safe(item.url))
        event.add("categories", [safe(item.category)])
        calendar.add_component(event)
    return CalendarFile(calendar.to_ical(), len(events), skipped)


def premiere_uid(show: Show, season: int) -> str:
    return f"{show.slug}-season-{season}-premiere@showtrack"


def milestone_uid(show: Show, announcement_id: str) -> str:
    return f"{show.slug}-news-{announcement_id}@showtrack"


def episode_uid(show: Show, episode: Episode) -> str:
    """An episode's event: by its number, or a special by its key."""
    if episode.number is not None:
        return f"{show.slug}-season-{episode.season}-episode-{episode.number}@showtrack"
    key = re.sub(r"[^a-z0-9-]+", "-", episode.key[3].lower()).strip("-") or "special"
    return f"{show.slug}-season-{episode.season}-special-{key}@showtrack"
