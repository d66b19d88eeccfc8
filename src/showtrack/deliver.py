"""Sending through Apprise, and keeping the secrets of its URLs out of every output.

Only ``showtrack notify`` imports this module, and Apprise only when a URL is
checked, masked or used (about 90 ms of start-up that no other command pays).

A URL's secrets are what Apprise itself hides when it prints the URL in privacy
mode (each service knows which of its parts are tokens), plus a password in the
URL's user part and the value of a query parameter named like a secret. Masking
replaces each of them by ``****`` in the URL as the fan typed it, so the rest
stays recognisable; every error that could quote the URL is scrubbed the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from showtrack.errors import UsageError, one_line
from showtrack.models import Announcement, Target

if TYPE_CHECKING:
    from showtrack.ics import CalendarEvent
    from showtrack.store import Snapshot, Store

MASK = "****"
_SECRET_KEYS = re.compile(r"(?i)(pass|secret|token|key|auth|apikey|sig|pw|pwd)")
_PARTS = re.compile(r"[/:@?&=#,+;]")


def _apprise() -> Any:
    import logging

    import apprise

    logging.getLogger("apprise").propagate = False  # its own NullHandler keeps it quiet
    return apprise


def _plugin(url: str) -> Any:
    try:
        return _apprise().Apprise.instantiate(url, suppress_exceptions=True)
    except Exception:  # noqa: BLE001 - a URL Apprise can't read is simply not one
        return None


def _tokens(text: str) -> set[str]:
    return {unquote(part) for part in _PARTS.split(text) if part}


def secrets(url: str, plugin: Any = None) -> list[str]:
    """The parts of ``url`` that must never be shown, longest first."""
    found: set[str] = set()
    try:
        parts = urlsplit(url)
        if parts.password:
            found.add(unquote(parts.password))
        for key, value in parse_qsl(parts.query, keep_blank_values=False):
            if _SECRET_KEYS.search(key) and value:
                found.add(value)
    except ValueError:
        pass
    plugin = plugin if plugin is not None else _plugin(url)
    if plugin is not None:
        try:
            plain, private = plugin.url(privacy=False), plugin.url(privacy=True)
        except Exception:  # noqa: BLE001 - a plugin that can't print itself hides nothing
            plain = private = ""
        found |= {token for token in _tokens(plain) - _tokens(private) if len(token) >= 2}
    return sorted(found, key=len, reverse=True)


def scrub(text: str, hidden: list[str]) -> str:
    """``text`` with every secret (as typed, or percent-encoded) replaced by ****."""
    for secret in hidden:
        for form in {secret, quote(secret, safe=""), quote(secret)}:
            if form:
                text = text.replace(form, MASK)
    return text


def masked(url: str) -> str:
    """The URL as typed, its secrets masked."""
    if _plugin(url) is None:
        return unreadable(url)
    return scrub(url, secrets(url))


def unreadable(url: str) -> str:
    """How to name a URL Apprise can't read without risking a secret: its scheme."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    return f"{scheme}://{MASK}" if re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]{0,31}", scheme) else MASK


def check(url: str) -> str:
    """The masked form of an Apprise URL; UsageError if Apprise can't use it."""
    if _plugin(url) is None:
        raise UsageError(
            f"Apprise can't use the URL {unreadable(url)}: check its scheme and parts "
            "(https://github.com/caronc/apprise/wiki lists every service)."
        )
    return masked(url)


def send(url: str, title: str, body: str) -> str | None:
    """Send one message; None when Apprise reports success, else why not (one line,
    secrets masked)."""
    import logging

    plugin = _plugin(url)
    if plugin is None:
        return "Apprise can't use this URL"
    hidden = secrets(url, plugin)
    apprise = _apprise()
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as logs:
        try:
            ok = plugin.notify(body=body, title=title)
        except Exception as err:  # noqa: BLE001 - a plugin's bug is this target's failure
            ok, reason = False, f"{type(err).__name__}: {err}"
        else:
            reason = ""
        captured = [line for line in logs.getvalue().splitlines() if line.strip()]
    if ok:
        return None
    reason = reason or (captured[-1] if captured else "Apprise reported a failure")
    return one_line(scrub(reason, hidden), 300).rstrip(".")


# --- a run: what is due, sent, and recorded once sent -------------------------------------


class Sent(NamedTuple):
    """What one target got in a run (``error``: why the rest was not sent)."""

    id: int
    target: str  # masked
    news: int = 0  # announcements sent
    messages: int = 0
    reminders: int = 0
    error: str | None = None


Sender = Callable[[str, str, str], "str | None"]


def run(
    store: Store,
    *,
    now: datetime,
    tz: tzinfo,
    spoilers: bool = True,
    wait: float = 10.0,
    only: int | None = None,
    sender: Sender | None = None,
) -> list[Sent]:
    """Send every target (or target ``only``) what is due, and record each message
    once Apprise reports it sent: the news cursor, or the reminder's keys.

    One run at a time per database (``<db>.notify.lock``), so two overlapping runs
    can't both send the same thing; the database itself is locked only for the
    moments a record is written, never while a message is on its way.
    """
    from showtrack.store import durable, targets

    send = sender or globals()["send"]
    with durable.locked(targets.path_for(store.path), wait):
        store.refresh()
        state = store.targets()
        chosen = [item for item in state.targets if only is None or item.id == only]
        if not chosen:
            return []
        snapshot = store.snapshot
        titles = {show.slug: show.title for show in snapshot.shows()}
        from_day = (now.astimezone(tz).date() - timedelta(days=2)).isoformat()
        events = _Events(snapshot, spoilers, from_day)
        return [
            _one(store, snapshot, target, titles, events, now=now, tz=tz, send=send)
            for target in chosen
        ]


class _Events:
    """Every show's airings (premieres and episodes), built once per run when asked."""

    def __init__(self, snapshot: Snapshot, spoilers: bool, from_day: str) -> None:
        self.snapshot = snapshot
        self.spoilers = spoilers
        self.from_day = from_day  # a reminder is never due after its airing's day
        self.by_show: dict[str, list[CalendarEvent]] | None = None

    def of(self, slugs: tuple[str, ...]) -> list[CalendarEvent]:
        if self.by_show is None:
            from showtrack import core

            self.by_show = {}
            events, _ = core.calendar_events(
                self.snapshot, episodes=True, spoilers=self.spoilers, from_day=self.from_day
            )
            for event in events:
                self.by_show.setdefault(event.show or "", []).append(event)
        if not slugs:
            return [event for group in self.by_show.values() for event in group]
        return [event for slug in slugs for event in self.by_show.get(slug, [])]


def _one(
    store: Store,
    snapshot: Snapshot,
    target: Target,
    titles: dict[str, str],
    events: _Events,
    *,
    now: datetime,
    tz: tzinfo,
    send: Sender,
) -> Sent:
    from showtrack import notify

    shown = masked(target.url)
    result = Sent(target.id, shown)
    last = snapshot.last_seq  # what this run read; a commit since is the next run's
    if target.cursor is None:  # new for this database: its news starts here
        _record(store, target.id, cursor=last)
    elif last > target.cursor:
        items = [
            item for item in snapshot.announcements(after=target.cursor) if (item.seq or 0) <= last
        ]
        words = {item.id: _headline(item, titles, tz) for item in items}
        message = notify.news_message(target, items, last, words=words, titles=titles, tz=tz)
        if message is not None:
            error = send(target.url, message.title, message.body)
            if error is not None:
                return result._replace(error=error)
            result = result._replace(news=message.items, messages=1)
        _record(store, target.id, cursor=last)
    if not target.remind:
        return result
    airings = events.of(target.shows)
    sent: set[str] = set()
    error = None
    for message in notify.due_reminders(target, airings, now, tz):
        error = send(target.url, message.title, message.body)
        if error is not None:
            break
        sent |= message.reminders
        _record(store, target.id, reminded=frozenset(sent))
        result = result._replace(messages=result.messages + 1, reminders=result.reminders + 1)
    live = notify.live_keys(target, airings, now, tz)
    if target.reminded - live:
        _record(store, target.id, keep=frozenset(live))
    return result._replace(error=error)


def _headline(item: Announcement, titles: dict[str, str], tz: tzinfo) -> str:
    if item.kind != "change" or not item.about:
        return item.headline
    from showtrack.changes import change_headline

    title = titles.get(item.show, item.show)
    return change_headline(title, item.season, item.about, item.was, item.became, tz)


def _record(
    store: Store,
    target_id: int,
    *,
    cursor: int | None = None,
    reminded: frozenset[str] = frozenset(),
    keep: frozenset[str] | None = None,
) -> None:
    """Record, under the database's lock, what a target was sent: its cursor never
    moves back; reminder keys are added (``keep``: only those kept, plus what is new)."""
    from showtrack.store.targets import Targets

    def decide(snapshot: Snapshot, current: Targets) -> tuple[Targets, None]:
        del snapshot
        updated = []
        for item in current.targets:
            if item.id == target_id:
                new_cursor = item.cursor
                if cursor is not None:
                    new_cursor = cursor if item.cursor is None else max(item.cursor, cursor)
                old = item.reminded if keep is None else item.reminded & keep
                item = item._replace(cursor=new_cursor, reminded=old | reminded)
            updated.append(item)
        return current._replace(targets=tuple(updated)), None

    store.change_targets(decide)
