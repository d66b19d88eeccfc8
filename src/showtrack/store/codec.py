"""Stored records <-> models, checked by the same rules as an import file.

A record is checked when it is turned into a model, by the validators of the
import format, so whatever the store hands out (and ``export`` writes) is
something ``import`` accepts. A record that breaks a rule (edited by hand, or
by another program) is reported as damage naming the file, the table and the
record, and the file is left as it is.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from showtrack.errors import DatabaseError
from showtrack.models import (
    Announcement,
    Credit,
    Episode,
    Feed,
    Season,
    Show,
    name_key,
    special_key,
)

SHORT = 500
ID_LENGTH = 16


def damaged(path: Path, problem: str) -> DatabaseError:
    return DatabaseError(
        f"{path} is damaged: {problem.rstrip('.')}. It was left untouched; "
        "fix or remove that record by hand, or restore a backup."
    )


def _owner(doc: dict[str, Any], where: str) -> str:
    from showtrack.sources.jsonfile import SLUG

    show = doc.get("show")
    if not isinstance(show, str) or not SLUG.fullmatch(show):
        raise ValueError(f"{where}.show: {show!r} is not a show's slug")
    return show


def _without(doc: dict[str, Any], *names: str) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if key not in names}


def show_from(doc: Any, where: str) -> Show:
    from showtrack.sources.jsonfile import read_show

    return read_show(doc, where, look_up_zone=False)


def check_zone(show: Show, where: str) -> None:
    """What ``show_from`` leaves out: that the zone database knows the show's zone."""
    from showtrack.dates import zone

    if show.timezone is not None:
        try:
            zone(show.timezone)
        except ValueError as err:
            raise ValueError(f"{where}.timezone: {err}") from None


def season_from(doc: Any, where: str) -> Season:
    from showtrack.sources.jsonfile import parse_season

    if not isinstance(doc, dict):
        raise ValueError(f"{where}: expected an object")
    return parse_season(_without(doc, "show"), where, _owner(doc, where), None)


def credit_from(doc: Any, where: str) -> Credit:
    from showtrack.sources.jsonfile import parse_credit

    if not isinstance(doc, dict):
        raise ValueError(f"{where}: expected an object")
    return parse_credit(_without(doc, "show"), where, _owner(doc, where))


_EPISODE_KEYS = frozenset(
    ("show", "season", "number", "title", "airs", "runtime", "kind", "summary", "source")
)
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def episode_from(doc: Any, where: str) -> Episode:
    """A stored episode. A store holds tens of thousands, so a record in the form
    showtrack writes is checked by a short path with the same rules; anything else
    (or anything that fails) goes through the import validator, for its message."""
    fast = _episode_fast(doc)
    if fast is not None:
        return fast
    from showtrack.sources.jsonfile import parse_episode

    if not isinstance(doc, dict):
        raise ValueError(f"{where}: expected an object")
    return parse_episode(_without(doc, "show"), where, _owner(doc, where), None)


def _text_or_none(value: Any, limit: int) -> bool:
    return value is None or (type(value) is str and len(value) <= limit)


def _count_or_none(value: Any, low: int, high: int) -> bool:
    return value is None or (type(value) is int and low <= value <= high)


def _episode_fast(doc: Any) -> Episode | None:
    from showtrack.dates import parse_stored

    if type(doc) is not dict or not doc.keys() <= _EPISODE_KEYS:
        return None
    show, season, number, kind = (
        doc.get("show"),
        doc.get("season"),
        doc.get("number"),
        doc.get("kind"),
    )
    title, airs, summary = doc.get("title"), doc.get("airs"), doc.get("summary")
    source, runtime = doc.get("source"), doc.get("runtime")
    if not (
        type(show) is str
        and _SLUG.fullmatch(show)
        and type(season) is int
        and 0 <= season <= 100_000
        and _count_or_none(number, 0, 100_000)
        and kind in ("regular", "special")
        and (number is not None or kind == "special")
        and _text_or_none(title, SHORT)
        and _text_or_none(source, SHORT)
        and _text_or_none(summary, 20_000)
        and _count_or_none(runtime, 1, 10_000)
        and _text_or_none(airs, 100)
    ):
        return None
    try:
        when = None if airs is None else parse_stored(airs)
    except ValueError:
        return None
    return Episode(show, season, number, title, when, runtime, kind, summary, source)


def announcement_from(doc: Any, where: str) -> Announcement:
    from showtrack.sources.jsonfile import ID, parse_announcement

    if not isinstance(doc, dict):
        raise ValueError(f"{where}: expected an object")
    item = parse_announcement(
        _without(doc, "show", "seq", "recorded_at"), where, _owner(doc, where)
    )
    if not isinstance(doc.get("id"), str) or not ID.fullmatch(doc["id"]):
        raise ValueError(f"{where}.id: {doc.get('id')!r} is not an announcement id")
    seq = doc.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq < 2**53:
        raise ValueError(f"{where}.seq: {seq!r} is not a sequence number")
    return item._replace(seq=seq, recorded_at=_instant(doc.get("recorded_at"), where))


def _instant(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    try:
        if not isinstance(value, str) or len(value) > 40:
            raise ValueError
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError
        return moment
    except (ValueError, OverflowError):
        raise ValueError(f"{where}.recorded_at: {value!r} is not an instant") from None


def feed_from(doc: Any, where: str) -> Feed:
    if not isinstance(doc, dict):
        raise ValueError(f"{where}: expected an object")
    known = {"show", "url", "words", "title", "etag", "last_modified", "seen"}
    unknown = sorted(set(doc) - known)
    if unknown:
        raise ValueError(f"{where}: unknown field {unknown[0]!r}")
    url = doc.get("url")
    if not isinstance(url, str) or not url or len(url) > 2000:
        raise ValueError(f"{where}.url: {url!r} is not a web address")

    def texts(name: str, limit: int) -> tuple[str, ...]:
        value = doc.get(name) or []
        if not isinstance(value, list) or not all(
            isinstance(item, str) and len(item) <= limit for item in value
        ):
            raise ValueError(f"{where}.{name}: expected a list of text")
        return tuple(value)

    def text(name: str) -> str | None:
        value = doc.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > 2000):
            raise ValueError(f"{where}.{name}: expected text")
        return value

    return Feed(
        show=_owner(doc, where),
        url=url,
        words=texts("words", SHORT),
        title=text("title"),
        etag=text("etag"),
        last_modified=text("last_modified"),
        seen=texts("seen", 4000),
    )


BUILDERS = {
    "shows": show_from,
    "seasons": season_from,
    "credits": credit_from,
    "feeds": feed_from,
    "episodes": episode_from,
    "announcements": announcement_from,
}


def stamp(moment: datetime) -> str:
    """A UTC instant as fixed-width text, so stored stamps compare as strings."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def to_doc(record: Show | Season | Credit | Episode | Feed) -> dict[str, Any]:
    return record.to_dict()


def announcement_doc(item: Announcement) -> dict[str, Any]:
    """The stored form: ``id`` first (the store's scans rely on it), then ``seq``."""
    assert item.seq is not None
    assert item.recorded_at is not None
    doc = item.to_dict()
    doc["recorded_at"] = stamp(item.recorded_at)
    return doc


def raw_key(table: str, doc: dict[str, Any]) -> Any:
    """A stored record's identity, as its model's ``key`` gives it."""
    if table == "shows":
        return doc["slug"]
    if table == "seasons":
        return (doc["show"], doc["number"])
    if table == "credits":
        character = doc.get("character")
        return (
            doc["show"],
            doc.get("season"),
            name_key(str(doc["actor"])),
            name_key(character if isinstance(character, str) else ""),
        )
    if table == "feeds":
        return (doc["show"], doc["url"])
    if table == "episodes":
        if doc.get("number") is not None:
            return (doc["show"], doc["season"], doc["number"], "")
        title = doc.get("title")
        airs = doc.get("airs")
        return (
            doc["show"],
            doc["season"],
            None,
            special_key(
                title if isinstance(title, str) else None, airs if isinstance(airs, str) else None
            ),
        )
    return doc["id"]
