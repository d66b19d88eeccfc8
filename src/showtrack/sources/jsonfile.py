"""The import format: human-editable JSON, validated into models.

The bundled dataset in ``data/`` and every ``import``/``export`` use it::

    {"format": "showtrack/1",
     "shows": [{"slug": "heartstopper", "title": "Heartstopper", ...,
                "seasons": [...], "credits": [...], "episodes": [...],
                "announcements": [...], "feeds": [...]}]}

Every problem is reported with the file, the record and the field, e.g.
``heartstopper.json: shows[0].seasons[1].premiere: '2023-13-01' is not a real date``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from showtrack.dates import PartialDate, iso_or_none, parse_partial, zone
from showtrack.errors import DataError, json_problem
from showtrack.models import (
    ANNOUNCEMENT_KINDS,
    CREDIT_STATUSES,
    EPISODE_KINDS,
    SEASON_STATUSES,
    SHOW_STATUSES,
    Announcement,
    Credit,
    Dataset,
    Episode,
    Feed,
    Season,
    Show,
    announcement_id,
    episode_order,
)

FORMAT = "showtrack/1"
SHORT = 500
LONG = 20_000
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
WEB = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)

T = TypeVar("T")


class _Record:
    """One JSON object being read, which knows where it is for error messages."""

    def __init__(self, value: Any, where: str, allowed: set[str]) -> None:
        if not isinstance(value, dict):
            raise ValueError(f"{where}: expected an object, got {_kind(value)}")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise ValueError(f"{where}: unknown field {unknown[0]!r}")
        self.value: dict[str, Any] = value
        self.where = where

    def fail(self, name: str, problem: str) -> ValueError:
        if not self.where:  # typed on the command line: name the option
            return ValueError(f"--{name.replace('_', '-')}: {problem}")
        return ValueError(f"{self.where}.{name}: {problem}")

    def text(self, name: str, *, required: bool = False, limit: int = SHORT) -> str | None:
        value = self.value.get(name)
        if value is None:
            if required:
                raise self.fail(name, "is required")
            return None
        if not isinstance(value, str):
            raise self.fail(name, f"expected text, got {_kind(value)}")
        if required and not value.strip():
            raise self.fail(name, "must not be empty")
        if len(value) > limit:
            raise self.fail(name, f"is {len(value)} characters long; the limit is {limit}")
        return value

    def required_text(self, name: str, *, limit: int = SHORT) -> str:
        value = self.text(name, required=True, limit=limit)
        assert value is not None
        return value

    def integer(
        self, name: str, *, required: bool = False, low: int = 0, high: int = 100_000
    ) -> int | None:
        value = self.value.get(name)
        if value is None:
            if required:
                raise self.fail(name, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(name, f"expected a whole number, got {_kind(value)}")
        if not low <= value <= high:
            raise self.fail(name, f"{value} is out of range ({low} to {high})")
        return value

    def choice(self, name: str, options: tuple[str, ...]) -> str | None:
        value = self.text(name)
        if value is not None and value not in options:
            raise self.fail(name, f"{value!r} is not one of: {', '.join(options)}")
        return value

    def web_address(self, name: str) -> str | None:
        value = self.text(name, limit=2_000)
        if value is not None and not WEB.fullmatch(value):
            raise self.fail(name, f"{value[:80]!r} is not an http(s) web address")
        return value

    def texts(self, name: str) -> tuple[str, ...]:
        value = self.value.get(name)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(name, "expected a list of text")
        if any(len(item) > SHORT for item in value):
            raise self.fail(name, f"an item is longer than {SHORT} characters")
        return tuple(value)

    def items(self, name: str) -> list[Any]:
        value = self.value.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(name, f"expected a list, got {_kind(value)}")
        return value

    def date(self, name: str, *, tz: str | None = None) -> PartialDate | None:
        value = self.text(name, limit=100)
        try:
            return parse_partial(value, tz=tz)
        except ValueError as err:
            raise self.fail(name, str(err)) from None


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false", int: "a number"}
    if value is None:
        return "null"
    return names.get(type(value), type(value).__name__)


SHOW_FIELDS = {
    "slug", "title", "aliases", "network", "country", "language", "genres", "timezone",
    "creator", "based_on", "status", "summary", "source", "tvmaze",
    "seasons", "credits", "episodes", "announcements", "feeds",
}  # fmt: skip
SEASON_FIELDS = {
    "number", "episodes", "runtime", "premiere", "status", "source_material", "synopsis",
    "source",
}  # fmt: skip
CREDIT_FIELDS = {"season", "actor", "character", "note", "status", "source", "order", "as_of"}
EPISODE_FIELDS = {"season", "number", "title", "airs", "runtime", "kind", "summary", "source"}
ANNOUNCEMENT_FIELDS = {
    "date", "kind", "season", "headline", "body", "source", "url", "via", "recorded_at", "id",
    "about", "was", "became",
}  # fmt: skip


STORED_SHOW_FIELDS = SHOW_FIELDS - {"seasons", "credits", "episodes", "announcements", "feeds"}
ID = re.compile(r"[0-9a-f]{16}")


ZONE_NAME = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*")


def read_show(
    value: Any, where: str, allowed: set[str] = STORED_SHOW_FIELDS, *, look_up_zone: bool = True
) -> Show:
    """A show's own fields (a stored show record, or the top of an imported one).

    ``look_up_zone=False`` checks a time zone's spelling only, not that the zone
    database has it (loading zone data costs every command start-up time; writes
    and exports look it up).
    """
    rec = _Record(value, where, allowed)
    slug = rec.required_text("slug", limit=100)
    if not SLUG.fullmatch(slug):
        raise rec.fail("slug", f"{slug!r} must be lowercase letters, digits and dashes")
    timezone = rec.text("timezone", limit=64)
    if timezone is not None:
        try:
            if not look_up_zone and ZONE_NAME.fullmatch(timezone):
                pass
            else:
                zone(timezone)
        except ValueError as err:
            raise rec.fail("timezone", str(err)) from None
    return Show(
        slug=slug,
        title=rec.required_text("title"),
        aliases=rec.texts("aliases"),
        network=rec.text("network"),
        country=rec.text("country"),
        language=rec.text("language"),
        genres=rec.texts("genres"),
        timezone=timezone,
        creator=rec.text("creator"),
        based_on=rec.text("based_on"),
        status=rec.choice("status", SHOW_STATUSES),
        summary=rec.text("summary", limit=LONG),
        source=rec.text("source"),
        tvmaze=rec.integer("tvmaze", low=1, high=10**9),
    )


def parse_show(value: Any, where: str, data: Dataset) -> None:
    show = read_show(value, where, SHOW_FIELDS)
    rec = _Record(value, where, SHOW_FIELDS)
    slug, timezone = show.slug, show.timezone
    data.shows.append(show)
    numbers: set[int] = set()
    for index, item in enumerate(rec.items("seasons")):
        season = parse_season(item, f"{where}.seasons[{index}]", slug, timezone)
        if season.number in numbers:
            raise ValueError(f"{where}.seasons[{index}].number: season {season.number} twice")
        numbers.add(season.number)
        data.seasons.append(season)
    for index, item in enumerate(rec.items("credits")):
        data.credits.append(parse_credit(item, f"{where}.credits[{index}]", slug))
    episodes: set[Any] = set()
    for index, item in enumerate(rec.items("episodes")):
        episode = parse_episode(item, f"{where}.episodes[{index}]", slug, timezone)
        if episode.key in episodes:
            raise ValueError(f"{where}.episodes[{index}]: {episode.label} appears twice")
        episodes.add(episode.key)
        data.episodes.append(episode)
    for index, item in enumerate(rec.items("announcements")):
        data.announcements.append(parse_announcement(item, f"{where}.announcements[{index}]", slug))
    urls: set[str] = set()
    for index, item in enumerate(rec.items("feeds")):
        feed = parse_feed_record(item, f"{where}.feeds[{index}]", slug)
        if feed.url in urls:
            raise ValueError(f"{where}.feeds[{index}].url: {feed.url!r} twice")
        urls.add(feed.url)
        data.feeds.append(feed)


def parse_feed_record(value: Any, where: str, show: str) -> Feed:
    """A followed feed in a pack: its URL and the words an entry must mention."""
    rec = _Record(value, where, {"url", "match"})
    url = rec.web_address("url")
    if url is None:
        raise rec.fail("url", "is required")
    return Feed(show=show, url=url, words=rec.texts("match"))


def parse_season(value: Any, where: str, show: str, timezone: str | None) -> Season:
    rec = _Record(value, where, SEASON_FIELDS)
    number = rec.integer("number", required=True)
    assert number is not None
    runtime_min = runtime_max = None
    runtime = rec.value.get("runtime")
    if runtime is not None:
        span = _Record(runtime, f"{where}.runtime", {"min", "max"})
        runtime_min = span.integer("min", required=True, low=1)
        runtime_max = span.integer("max", low=1)
        if runtime_max is not None and runtime_min is not None and runtime_max < runtime_min:
            raise span.fail("max", "is smaller than min")
    return Season(
        show=show,
        number=number,
        episodes=rec.integer("episodes"),
        runtime_min=runtime_min,
        runtime_max=runtime_max,
        premiere=rec.date("premiere", tz=timezone),
        status=rec.choice("status", SEASON_STATUSES),
        source_material=rec.text("source_material"),
        synopsis=rec.text("synopsis", limit=LONG),
        source=rec.text("source"),
    )


def parse_credit(value: Any, where: str, show: str) -> Credit:
    """A credit of a season, or with no season of the show's main cast."""
    rec = _Record(value, where, CREDIT_FIELDS)
    season = rec.integer("season")
    as_of = rec.date("as_of")
    if as_of is not None and (as_of.precision != "day" or season is not None):
        raise rec.fail("as_of", "is a day, and only for the show's main cast (no season)")
    return Credit(
        show=show,
        season=season,
        actor=rec.required_text("actor"),
        character=rec.text("character"),
        note=rec.text("note"),
        status=rec.choice("status", CREDIT_STATUSES),
        source=rec.text("source"),
        order=rec.integer("order", high=1_000_000),
        as_of=as_of,
    )


def parse_episode(value: Any, where: str, show: str, timezone: str | None) -> Episode:
    """An episode: a regular one has a number; one without a number is a special."""
    rec = _Record(value, where, EPISODE_FIELDS)
    season = rec.integer("season", required=True)
    assert season is not None
    number = rec.integer("number", low=0, high=100_000)
    kind = rec.choice("kind", EPISODE_KINDS) or ("regular" if number is not None else "special")
    if number is None and kind == "regular":
        raise rec.fail("number", "is required for a regular episode (one without is a special)")
    return Episode(
        show=show,
        season=season,
        number=number,
        title=rec.text("title"),
        airs=rec.date("airs", tz=timezone),
        runtime=rec.integer("runtime", low=1, high=10_000),
        kind=kind,
        summary=rec.text("summary", limit=LONG),
        source=rec.text("source"),
    )


def parse_announcement(value: Any, where: str, show: str) -> Announcement:
    rec = _Record(value, where, ANNOUNCEMENT_FIELDS)
    kind = rec.choice("kind", ANNOUNCEMENT_KINDS)
    if kind is None:
        raise rec.fail("kind", "is required")
    given = rec.text("id", limit=16)
    if given is not None and not ID.fullmatch(given):
        raise rec.fail("id", f"{given!r} is not an announcement id (16 hex digits)")
    return Announcement(
        id=given or "",
        show=show,
        kind=kind,
        headline=rec.required_text("headline"),
        date=rec.date("date"),
        season=rec.integer("season"),
        body=rec.text("body", limit=LONG),
        source=rec.text("source"),
        url=rec.web_address("url"),
        via=rec.text("via"),
        about=rec.text("about", limit=200),
        was=rec.text("was", limit=SHORT),
        became=rec.text("became", limit=SHORT),
    )


def read_document(doc: Any, origin: str) -> Dataset:
    """Validate a parsed document; DataError names the origin, record and field."""
    data = Dataset()
    try:
        top = _Record(doc, "top level", {"format", "shows"})
        declared = top.text("format")
        if declared is not None and declared != FORMAT:
            raise top.fail("format", f"{declared!r} is not {FORMAT!r}")
        slugs: set[str] = set()
        for index, item in enumerate(top.items("shows")):
            parse_show(item, f"shows[{index}]", data)
            if data.shows[-1].slug in slugs:
                raise ValueError(f"shows[{index}].slug: {data.shows[-1].slug!r} appears twice")
            slugs.add(data.shows[-1].slug)
    except ValueError as err:
        raise DataError(f"{origin}: {err}.") from None
    return data


def read_text(text: str, origin: str) -> Dataset:
    """Parse and validate JSON text in the import format."""
    if not text.strip():
        raise DataError(f"{origin}: the file is empty; expected a JSON object.")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError(f"{origin}: not valid JSON ({json_problem(err)}).") from None
    except RecursionError:
        raise DataError(f"{origin}: the JSON is nested too deeply.") from None
    return read_document(doc, origin)


MAX_IMPORT_BYTES = 64 * 1024 * 1024


def _read_bytes(handle: Any, origin: str) -> str:
    data = handle.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise DataError(
            f"{origin}: larger than {MAX_IMPORT_BYTES // 2**20} MiB; split it into several files."
        )
    try:
        return str(data.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise DataError(f"{origin}: not UTF-8 text (bad byte at offset {err.start}).") from None


def read_path(target: str, stdin: Any = None) -> Dataset:
    """Read and validate a file, every ``*.json`` in a folder, or ``-`` (stdin).

    Everything is parsed and checked before anything is returned, so a bad
    record anywhere rejects the whole input.
    """
    from pathlib import Path

    if target == "-":
        import sys

        return read_text(_read_bytes(stdin or sys.stdin.buffer, "<stdin>"), "<stdin>")
    path = Path(target)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == ".json" and p.is_file())
        if not files:
            raise DataError(f"{path}: the folder has no .json files to import.")
    else:
        files = [path]
    data = Dataset()
    for file in files:
        data.extend(read_text(_read_file(file), str(file)))
    return data


def _read_file(file: Any) -> str:
    """A regular file's text; a FIFO, a device or a socket is refused at once (a FIFO
    would wait for a writer, /dev/zero would never end)."""
    import os
    import stat

    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except IsADirectoryError:
        raise DataError(
            f"{file} is a folder; give the folder itself to import its .json files."
        ) from None
    except OSError as err:
        raise DataError(f"Can't read {file}: {err.strerror or err}.") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device or socket"
        raise DataError(
            f"{file} is {kind}, not a file; give a JSON file, a folder, or - for stdin."
        )
    try:
        with os.fdopen(fd, "rb") as handle:
            return _read_bytes(handle, str(file))
    except OSError as err:
        raise DataError(f"Can't read {file}: {err.strerror or err}.") from None


def _drop_none(
    record: dict[str, Any], keep: Callable[[str], bool] = lambda _: False
) -> dict[str, Any]:
    return {key: value for key, value in record.items() if value not in (None, [], ()) or keep(key)}


def to_document(data: Dataset) -> dict[str, Any]:
    """The import-format document for a dataset, sorted and stable. Credits keep the
    source's billing: the main cast first, then by season, each in its ``order`` and
    else as they were stored (which is the order of the pack they came from)."""
    news: dict[str, list[Announcement]] = {}
    for item in data.announcements:
        news.setdefault(item.show, []).append(item)
    records = _show_records(
        data,
        lambda slug: [_exported_news(a) for a in sorted(news.get(slug, []), key=_news_order)],
    )
    return {"format": FORMAT, "shows": list(records)}


def streamed_document(data: Dataset, news: Iterable[Announcement]) -> dict[str, Any]:
    """``to_document`` of ``data`` with the announcements ``news`` (data's own are
    ignored), for ``render.json_pieces`` to write as it reads: the news is sorted
    by show with ``spill``, so memory holds a run of it, never all of it. Every
    announcement is read (and checked) here, before the first piece is written."""
    from showtrack.render import Streamed
    from showtrack.spill import sorted_spilling

    ordered = sorted_spilling(
        ((item.show, _news_order(item)), (item.show, _exported_news(item))) for item in news
    )
    first = next(ordered, None)  # reads (and checks) all the news now, before any output
    ahead: list[tuple[str, dict[str, Any]]] = [] if first is None else [first]

    def own(slug: str) -> Iterator[dict[str, Any]]:
        while True:
            if not ahead:
                following = next(ordered, None)
                if following is None:
                    return
                ahead.append(following)
            owner, record = ahead[0]
            if owner > slug:  # a later show's (shows and news share the slug order)
                return
            ahead.pop()
            if owner == slug:  # (news of a show not in data is left out, as to_document does)
                yield record

    records = _show_records(data, lambda slug: Streamed(own(slug), flat=True))
    return {"format": FORMAT, "shows": Streamed(records)}


def _news_order(item: Announcement) -> tuple[bool, Any, str]:
    return (item.date is None, item.date.sort_key() if item.date else (), item.id)


def _show_records(data: Dataset, news: Callable[[str], Any]) -> Iterator[dict[str, Any]]:
    """Each show's record, by slug, its announcements what ``news(slug)`` gives."""
    owned: dict[str, tuple[list[Any], list[Any], list[Any], list[Any]]] = {
        show.slug: ([], [], [], []) for show in data.shows
    }  # one pass over each table, not one per show
    tables: tuple[list[Any], ...] = (data.seasons, data.credits, data.feeds, data.episodes)
    for index, table in enumerate(tables):
        for item in table:
            owned.setdefault(item.show, ([], [], [], []))[index].append(item)
    for show in sorted(data.shows, key=lambda item: item.slug):
        record = _drop_none(show.to_dict())
        own_seasons, own_credits, own_feeds, own_episodes = owned[show.slug]
        seasons = sorted(own_seasons, key=lambda s: s.number)
        credits = sorted(own_credits, key=_billing)
        record["seasons"] = [_without(_drop_none(s.to_dict()), "show") for s in seasons]
        record["credits"] = [_without(_drop_none(c.to_dict()), "show") for c in credits]
        if own_episodes:
            record["episodes"] = [
                _without(_drop_none(e.to_dict()), "show")
                for e in sorted(own_episodes, key=episode_order)
            ]
        record["announcements"] = news(show.slug)
        if own_feeds:
            record["feeds"] = [
                {"url": feed.url, **({"match": list(feed.words)} if feed.words else {})}
                for feed in own_feeds
            ]
        yield record


def _billing(credit: Credit) -> tuple[bool, int, bool, int]:
    season = -1 if credit.season is None else credit.season
    order = credit.order if credit.order is not None else 0
    return (credit.season is not None, season, credit.order is None, order)


def _exported_news(item: Announcement) -> dict[str, Any]:
    """An announcement as a pack holds it: without what is this database's own (seq,
    recorded_at), and without its id unless the id is not the one its words give (a
    change made twice, each kept)."""
    drop = ["show", "seq", "recorded_at"]
    if item.id == announcement_id(item.show, item.date, item.kind, item.headline):
        drop.append("id")
    return _without(_drop_none(item.to_dict()), *drop)


def _without(record: dict[str, Any], *names: str) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key not in names}


__all__ = ["FORMAT", "Dataset", "iso_or_none", "read_document", "read_text", "to_document"]
