"""What to tell each notification target, decided from the database; no I/O, no clock.

Two kinds of message:

- **news**: the announcements with a seq above the target's cursor that pass its
  filters, as one message (a digest when there are several). The cursor then
  moves to the highest seq the run read, covering what the filters skipped.
- **reminders**: before an airing (a premiere, an episode, an all-at-once drop),
  at each offset the target asked for. A timed airing is reminded from ``offset``
  before its instant until it starts. A date-only one is reminded on the viewer's
  local days: an offset of a day or more from the local midnight that many whole
  days before, a shorter one on the day itself, until that day ends. When several
  offsets of one airing are due together, one message is sent, for the nearest.

A reminder's key is (event, its date as stored, offset): it is sent once however
often the run is repeated, and again only if the airing moves.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from showtrack.dates import countdown, format_partial
from showtrack.models import ANNOUNCEMENT_KINDS, Announcement, Target

if TYPE_CHECKING:
    from showtrack.ics import CalendarEvent

DAY = 86400
DIGEST_LIMIT = 25  # announcements listed in one message; the rest are counted
_UNITS = {"w": 7 * DAY, "d": DAY, "h": 3600, "m": 60}
_OFFSET = re.compile(r"(\d{1,4})\s*([wdhm])")


# --- what a target asks for ---------------------------------------------------------------


def parse_offsets(text: str) -> tuple[int, ...]:
    """'1d,1h' -> (86400, 3600): reminder offsets, largest first; 'none' -> ()."""
    words = [word.strip().lower() for word in text.split(",") if word.strip()]
    if words == ["none"]:
        return ()
    found: set[int] = set()
    for word in words:
        match = _OFFSET.fullmatch(word)
        seconds = int(match.group(1)) * _UNITS[match.group(2)] if match else 0
        if not 0 < seconds <= 60 * DAY:
            raise ValueError(
                f"{word[:20]!r} is not a reminder offset: give a number and a unit "
                "(w, d, h or m) up to 60 days, e.g. 1d,1h"
            )
        found.add(seconds)
    if not found:
        raise ValueError("no reminder offset given: e.g. 1d,1h, or none")
    return tuple(sorted(found, reverse=True))


def offset_words(seconds: int) -> str:
    """86400 -> '1d', 5400 -> '90m': the shortest exact form."""
    for unit, size in _UNITS.items():
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"  # not made by parse_offsets


def parse_kinds(text: str) -> tuple[str, ...] | None:
    """'release-date,renewal,change' -> those kinds; 'all' -> None (every kind);
    'none' -> () (reminders only)."""
    words = [word.strip().lower() for word in text.split(",") if word.strip()]
    if words == ["all"]:
        return None
    if words == ["none"]:
        return ()
    unknown = [word for word in words if word not in ANNOUNCEMENT_KINDS]
    if unknown or not words:
        raise ValueError(
            f"{(unknown or [text])[0][:30]!r} is not a kind of news; "
            f"use all, none, or some of: {', '.join(ANNOUNCEMENT_KINDS)}"
        )
    return tuple(dict.fromkeys(words))


# --- news ---------------------------------------------------------------------------------


class Message(NamedTuple):
    """One message for one target, and what to record once Apprise has sent it."""

    title: str
    body: str
    cursor: int | None = None  # news: the target's cursor after it
    reminders: frozenset[str] = frozenset()  # reminders: the keys it settles
    items: int = 0  # news: how many announcements it carries


def wanted(target: Target, item: Announcement) -> bool:
    return (not target.shows or item.show in target.shows) and (
        target.kinds is None or item.kind in target.kinds
    )


def news_message(
    target: Target,
    items: list[Announcement],
    last_seq: int,
    *,
    words: dict[str, str],
    titles: dict[str, str],
    tz: tzinfo,
) -> Message | None:
    """The news for ``target`` among ``items`` (those above its cursor), or None.

    ``words`` gives each item's headline as the fan reads it (a change in the
    viewer's zone), by id.
    """
    picked = [item for item in items if wanted(target, item)]
    if not picked:
        return None
    picked.sort(key=lambda item: item.seq or 0)

    def line(item: Announcement) -> str:
        headline = words.get(item.id, item.headline)
        title = titles.get(item.show, item.show)
        named = headline.casefold().startswith(title.casefold())
        parts = [headline if named else f"{title}: {headline}"]
        if item.date is not None:
            parts.append(format_partial(item.date, tz))
        source = item.url or item.source
        if source:
            parts.append(f"source: {source}")
        return " — ".join(parts)

    if len(picked) == 1:
        item = picked[0]
        title = titles.get(item.show, item.show)
        headline = words.get(item.id, item.headline)
        subject = headline if headline.casefold().startswith(title.casefold()) else title
        return Message(f"showtrack: {subject}", line(item), cursor=last_seq, items=1)
    shown = [line(item) for item in picked[:DIGEST_LIMIT]]
    more = len(picked) - len(shown)
    if more:
        shown.append(f"… and {more} more: run 'showtrack news' to read them all.")
    shows = sorted({titles.get(item.show, item.show) for item in picked})
    about = shows[0] if len(shows) == 1 else f"{len(shows)} shows"
    return Message(
        f"showtrack: {len(picked)} new announcements ({about})",
        "\n".join(shown),
        cursor=last_seq,
        items=len(picked),
    )


# --- reminders ----------------------------------------------------------------------------


def _midnight(on: date, tz: tzinfo) -> datetime:
    return datetime.combine(on, time(0), tzinfo=tz)


def reminder_key(event: CalendarEvent, offset: int) -> str:
    return f"{event.uid}|{event.date.iso()}|{offset_words(offset)}"


def window(event: CalendarEvent, offset: int, tz: tzinfo) -> tuple[datetime, datetime] | None:
    """When a reminder ``offset`` before ``event`` may be sent: [start, end)."""
    when = event.date
    if when.at is not None:
        return when.at - timedelta(seconds=offset), when.at
    if when.precision != "day":
        return None  # a month or a year: not known to the day, never reminded
    day = when.earliest()
    before = math.floor(offset / DAY)  # under a day: on the day itself
    start = _midnight(day - timedelta(days=before), tz)
    return start, _midnight(day + timedelta(days=1), tz)


def live_keys(target: Target, events: list[CalendarEvent], now: datetime, tz: tzinfo) -> set[str]:
    """The keys of this target's reminders whose airing has not passed (the rest are
    forgotten, so the file does not grow)."""
    keys = set()
    for event in events:
        for offset in target.remind:
            span = window(event, offset, tz)
            if span is not None and now < span[1]:
                keys.add(reminder_key(event, offset))
    return keys


def due_reminders(
    target: Target, events: list[CalendarEvent], now: datetime, tz: tzinfo
) -> list[Message]:
    """One message for each airing with a reminder due now and not yet sent."""
    messages = []
    for event in sorted(events, key=lambda item: item.date.sort_key()):
        due = []
        for offset in target.remind:
            span = window(event, offset, tz)
            key = reminder_key(event, offset)
            if span is not None and span[0] <= now < span[1] and key not in target.reminded:
                due.append(key)
        if not due:
            continue
        label = countdown(event.date, now=now, tz=tz).label
        when = format_partial(event.date, tz)
        if event.date.at is not None:
            when += f" ({getattr(tz, 'key', None) or tz})"
        messages.append(
            Message(
                f"{label[:1].upper()}{label[1:]}: {event.summary}",
                f"{event.summary}, {when}.",
                reminders=frozenset(due),
            )
        )
    return messages
