"""Output: tables for people, JSON documents for programs. The only module that prints.

Each result has one ``*_doc`` function giving the JSON document; the table is
built from that same document, so the two never disagree. Every string from
the data passes through ``safe`` before it is laid out (layout.py), so no
control character reaches the terminal, and since nothing is parsed as markup,
text like ``[red]`` prints as itself. Styles (bold headings, dim sources) are
added only on a terminal without NO_COLOR. Rich draws the sync progress
spinner; tables are laid out by layout.py, which measured about 500 times
faster than Rich's Table on a 1,000-row list.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any, Protocol

from showtrack.dates import PartialDate, format_partial, parse_partial, zone, zone_label
from showtrack.layout import Line, Segment, Shown, Table, for_encoding, paragraph, same
from showtrack.models import Announcement, Episode, Season
from showtrack.text import JSON_UNSAFE, safe

__all__ = ["safe"]  # cli and tests use render.safe

if TYPE_CHECKING:
    from showtrack.core import (
        CastList,
        EpisodeList,
        Milestone,
        News,
        Premiere,
        ShowDetail,
        ShowSummary,
    )

# --- printing ------------------------------------------------------------------

_STYLES = {"bold": "\x1b[1m", "dim": "\x1b[2m"}


class Block(Protocol):
    def render(self, width: int, shown: Shown = ...) -> list[Line]: ...


def _width() -> int:
    """COLUMNS if set, else the terminal's width, else 80."""
    import os
    import shutil

    text = os.environ.get("COLUMNS", "")
    if text.isdigit() and 20 <= int(text) <= 10_000:
        return int(text)
    if sys.stdout.isatty():
        return max(shutil.get_terminal_size((80, 24)).columns, 20)
    return 80


def _colour() -> bool:
    import os

    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def emit(blocks: list[Block]) -> None:
    """Lay the blocks out at the terminal's width, a blank line between them."""
    width, colour = _width(), _colour()
    shown = for_encoding(getattr(sys.stdout, "encoding", None))
    out = []
    for index, block in enumerate(blocks):
        if index:
            out.append("\n")
        for line in block.render(width, shown):
            text = "".join(
                f"{_STYLES[style]}{piece}\x1b[0m" if colour and style and piece else piece
                for piece, style in line
            )
            out.append(text.rstrip() + "\n")
    sys.stdout.write("".join(out))
    sys.stdout.flush()


def json_text(doc: dict[str, Any]) -> str:
    """Indented JSON with the characters a terminal could act on (DEL, C1 controls,
    bidi and invisible characters, lone surrogates) written as \\u escapes: the same
    document to a parser, inert on a screen. json.dumps escapes only C0 itself."""
    import json

    return _inert(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def _inert(text: str) -> str:
    """JSON text with the characters a terminal could act on written as \\u escapes."""
    return re.sub(JSON_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", text)


class Streamed:
    """A JSON array whose items come from an iterator, encoded one at a time by
    ``json_pieces``; ``flat`` says the items hold no Streamed of their own."""

    __slots__ = ("flat", "items")

    def __init__(self, items: Iterable[Any], *, flat: bool = False) -> None:
        self.items = items
        self.flat = flat


def json_pieces(doc: dict[str, Any]) -> Iterator[str]:
    """What ``json_text(doc)`` gives, a piece at a time, a Streamed array read as it is
    written: json.dumps's indented layout (each nested value is its own dumps with the
    newlines indented; JSON text has no raw newline inside a string)."""
    import json

    def nested(value: Any, depth: int) -> str:
        text = json.dumps(value, indent=2, ensure_ascii=False)
        return _inert(text.replace("\n", "\n" + "  " * depth) if depth else text)

    def streams(value: Any) -> bool:
        if isinstance(value, Streamed):
            return True
        if isinstance(value, dict):
            return any(streams(item) for item in value.values())
        if isinstance(value, list):
            return any(streams(item) for item in value)
        return False

    def pieces(value: Any, depth: int, flat: bool = False) -> Iterator[str]:
        if flat or not streams(value):
            yield nested(value, depth)
            return
        inner = "\n" + "  " * (depth + 1)
        if isinstance(value, dict):
            opening, closing = "{", "}"
            items: Iterable[Any] = value.items()
        else:
            opening, closing = "[", "]"
            items = value.items if isinstance(value, Streamed) else value
        flat_items = isinstance(value, Streamed) and value.flat
        first = True
        for item in items:
            yield (opening if first else ",") + inner
            first = False
            if isinstance(value, dict):
                key, item = item
                yield _inert(json.dumps(key, ensure_ascii=False)) + ": "
            yield from pieces(item, depth + 1, flat_items)
        yield opening + closing if first else "\n" + "  " * depth + closing

    yield from pieces(doc, 0)
    yield "\n"


def emit_json(doc: dict[str, Any]) -> None:
    """One JSON document on stdout; all-ASCII (``\\u`` escapes) when the output's
    encoding can't hold the text."""
    text = json_text(doc)
    if for_encoding(getattr(sys.stdout, "encoding", None)) is not same and not text.isascii():
        import json

        text = json.dumps(doc, indent=2, ensure_ascii=True) + "\n"
    sys.stdout.write(text)
    sys.stdout.flush()


def error(message: str) -> None:
    sys.stderr.write(f"Error: {safe(message)}\n")
    sys.stderr.flush()


def note(message: str) -> None:
    sys.stderr.write(f"{safe(message)}\n")
    sys.stderr.flush()


# --- shared bits ---------------------------------------------------------------------


def _stamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _zone_name(tz: tzinfo) -> str:
    return str(getattr(tz, "key", None) or tz.tzname(None) or "UTC")


class _Section:
    """A bold heading line over a table (the heading wraps at the screen's width)."""

    def __init__(self, title: str | None, table: Table) -> None:
        self.title = title
        self.table = table

    def render(self, width: int, shown: Shown = same) -> list[Line]:
        heading = paragraph(safe(self.title), width, "bold", shown) if self.title else []
        return heading + self.table.render(width, shown)


class _Text:
    def __init__(self, text: str, style: str = "") -> None:
        self.text = text
        self.style = style

    def render(self, width: int, shown: Shown = same) -> list[Line]:
        return paragraph(self.text, width, self.style, shown)


def _table(title: str | None, *columns: str) -> _Section:
    return _Section(title, Table(columns))


def _row(section: _Section, *cells: object) -> None:
    section.table.add_row(
        *(
            cell if isinstance(cell, list) else None if cell is None else safe(cell)
            for cell in cells
        )
    )


def _text(value: str, style: str = "") -> _Text:
    return _Text(safe(value), style)


def when(date: PartialDate | None, tz: tzinfo, home_zone: str | None = None) -> dict[str, Any]:
    """One way to show a date everywhere: at its precision, a known time in the
    viewer's zone with its abbreviation ('Thu 3 Aug 2023 08:00 BST'), and beside it
    the show's own local time when that is another day or time ('Thu 3 Aug 00:00
    PDT', shown as "... show's time")."""
    local = format_partial(date, tz)
    short = format_partial(date, tz, weekday=False)
    show_time = None
    if date is not None and date.at is not None:
        home: tzinfo = date.at.tzinfo or UTC
        if home_zone:
            try:
                home = zone(home_zone)
            except ValueError:
                pass
        there = date.at.astimezone(home)
        here = date.at.astimezone(tz)
        if (there.date(), there.strftime("%H:%M"), zone_label(there)) != (
            here.date(),
            here.strftime("%H:%M"),
            zone_label(here),
        ):
            show_time = f"{there:%a} {there.day} {there:%b %H:%M} {zone_label(there)}"
    return {"display": local, "short": short, "show_time": show_time}


def with_show_time(text: str, show_time: str | None) -> str:
    """A date as tables show it: the viewer's, then the show's own time under it."""
    return f"{text}\n({show_time} show's time)" if show_time else text


def instant_text(moment: datetime, tz: tzinfo) -> str:
    """An instant (as of, a last check) in the viewer's zone: 'Wed 24 May 2023 12:00 BST'."""
    local = moment.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M} {zone_label(local)}"


def _premiere_times(
    premiere: PartialDate | None, show_zone: str | None, tz: tzinfo
) -> dict[str, Any]:
    return when(premiere, tz, show_zone)


def _premiere_doc(row: Premiere, tz: tzinfo, *, spoilers: bool = True) -> dict[str, Any]:
    """A countdown row. ``premiere`` is the season's premiere as stored; ``airs``,
    ``display`` and the countdown fields are what is counted to: the next airing
    while the season airs, else the premiere."""
    premiere = row.season.premiere
    counted = row.when
    times = when(counted, tz, row.show.timezone)
    count = row.countdown
    return {
        "show": row.show.slug,
        "title": row.show.title,
        "season": row.season.number,
        "status": row.season.status,
        "phase": row.phase,
        "premiere": None if premiere is None else premiere.iso(),
        "precision": None if premiere is None else premiere.precision,
        "airs": None if counted is None else counted.iso(),
        "next": None if row.next is None else _next_doc(row, spoilers=spoilers),
        "display": "date unknown"
        if counted is None and count.state == "released"
        else times["display"],
        "show_time": times["show_time"],
        "state": count.state,
        "countdown": count.label,
        "days": count.days,
        "days_max": count.days_max,
        "hours": count.hours,
        "minutes": count.minutes,
    }


def _next_doc(row: Premiere, *, spoilers: bool) -> dict[str, Any]:
    up = row.next
    assert up is not None
    return {
        "label": next_label(row.season.number, up.episodes),
        "count": len(up.episodes),
        "airs": None if up.airs is None else up.airs.iso(),
        "finale": up.finale,
        "all_at_once": up.whole_season,
        "episodes": [
            {
                "number": episode.number,
                "label": episode.label,
                "title": episode.title if spoilers else None,
            }
            for episode in up.episodes
        ],
    }


def next_label(season: int, episodes: tuple[Episode, ...] | list[Episode]) -> str:
    """'S2E3', 'S2E3–E5' for a run of numbers, 'S2E3, E7' otherwise ('S2' for none)."""
    numbers = [e.number for e in episodes if e.number is not None]
    if not numbers:
        return f"S{season}" + (" special" if episodes else "")
    if numbers == list(range(numbers[0], numbers[0] + len(numbers))) and len(numbers) > 1:
        return f"S{season}E{numbers[0]}–E{numbers[-1]}"
    return f"S{season}" + ", ".join(f"E{number}" for number in numbers)


def _next_cell(row: dict[str, Any]) -> str:
    """What a countdown row is about: 'S3', 'S2, all 8 episodes', 'S4E3', 'S4E10 finale'."""
    season = f"S{row['season']}"
    up = row.get("next")
    if up is None or (row["phase"] == "released" and not up["episodes"]):
        return season
    if up["all_at_once"]:
        return f"{season}, all {up['count']} episodes"
    if not up["episodes"]:
        return f"{season}, more episodes"
    if row["phase"] == "premiere" and up["count"] == 1:
        return season
    label = str(up["label"])
    return f"{label} finale" if up["finale"] else label


def _announcement_doc(
    item: Announcement,
    titles: dict[str, str] | None = None,
    tz: tzinfo = UTC,
    zones: dict[str, str | None] | None = None,
    *,
    spoilers: bool = True,
) -> dict[str, Any]:
    """An announcement: dates shown in the viewer's zone, and a change's words rendered
    from what it records (so its times are the viewer's too). Without spoilers, the
    text of a synopsis is left out (its headline says only that there is one)."""
    doc = item.to_dict()
    if not spoilers and item.kind == "synopsis":
        doc["body"] = None
    shown = when(item.date, tz, (zones or {}).get(item.show))
    doc["display_date"] = shown["display"] if item.date else None
    doc["short_date"] = shown["short"] if item.date else None
    doc["show_time"] = shown["show_time"]
    title = (titles or {}).get(item.show, item.show)
    if item.kind == "change" and item.about:
        from showtrack.changes import change_headline

        doc["headline"] = change_headline(title, item.season, item.about, item.was, item.became, tz)
    if titles is not None:
        doc["title"] = title
    return doc


def _season_doc(season: Season, tz: tzinfo, home_zone: str | None = None) -> dict[str, Any]:
    doc = season.to_dict()
    undated_past = season.premiere is None and season.status in ("released", "cancelled")
    shown = when(season.premiere, tz, home_zone)
    doc["display_premiere"] = "date unknown" if undated_past else shown["display"]
    doc["show_time"] = shown["show_time"]
    doc["display_runtime"] = season.runtime
    return doc


def _season_label(number: int | None) -> str:
    return "—" if number is None else f"S{number}"


# --- cast --------------------------------------------------------------------------


def cast_doc(result: CastList) -> dict[str, Any]:
    return {
        "show": result.show.slug,
        "title": result.show.title,
        "season": result.season,
        "main_cast": result.main,
        "as_of": None if result.as_of is None else result.as_of.iso(),
        "source": result.source,
        "cast": [
            {
                "actor": member.credit.actor,
                "character": member.credit.character,
                "note": member.credit.note,
                "status": member.status,
                "status_stated": member.credit.status is not None,
                "source": member.credit.source,
                "order": member.credit.order,
            }
            for member in result.members
        ],
    }


def cast_view(doc: dict[str, Any]) -> list[Block]:
    if doc["season"] is None and not doc["main_cast"]:
        return [_text(f"No cast is recorded for {doc['title']} yet.")]
    if doc["main_cast"]:
        when = (
            f" as of {format_partial(parse_partial(doc['as_of']), weekday=False)}"
            if doc["as_of"]
            else ""
        )
        source = f" ({doc['source']})" if doc["source"] else ""
        asked = (
            f"; no cast is recorded for season {doc['season']} itself"
            if doc["season"] is not None
            else ""
        )
        title = f"{doc['title']} — main cast{when}{source}{asked} ({len(doc['cast'])})"
    else:
        title = f"{doc['title']} — season {doc['season']} cast ({len(doc['cast'])})"
    if not doc["cast"]:
        where = "the main cast" if doc["main_cast"] else f"season {doc['season']}"
        return [_text(f"No one matches in {where} of {doc['title']}.")]
    # A main cast says nothing about seasons: no Status column unless a source stated one.
    statuses = not doc["main_cast"] or any(member["status"] for member in doc["cast"])
    table = _table(title, "Actor", "Character", "Note", *(["Status"] * statuses))
    for member in doc["cast"]:
        cells = [member["actor"], member["character"] or "unknown", member["note"] or ""]
        _row(table, *cells, *([member["status"] or "unknown"] * statuses))
    return [table]


# --- countdown --------------------------------------------------------------------


def countdown_doc(
    rows: list[Premiere], *, now: datetime, tz: tzinfo, spoilers: bool = True
) -> dict[str, Any]:
    local = now.astimezone(tz)
    return {
        "as_of": _stamp(now),
        "as_of_local": f"{local:%a} {local.day} {local:%b %Y %H:%M} {zone_label(local)}",
        "tz": _zone_name(tz),
        "premieres": [_premiere_doc(row, tz, spoilers=spoilers) for row in rows],
    }


def countdown_view(doc: dict[str, Any]) -> list[Block]:
    if not doc["premieres"]:
        return [_text("Nothing coming up. 'showtrack countdown --all' shows released seasons too.")]
    airing = any(
        row["phase"] == "airing" or (row["phase"] == "released" and row["next"])
        for row in doc["premieres"]
    )
    table = _table(
        f"{'Coming up' if airing else 'Premieres'} as of {doc['as_of_local']} ({doc['tz']})",
        "Show",
        "Next" if airing else "Season",
        "Airs" if airing else "Premiere",
        "Countdown",
    )
    for row in doc["premieres"]:
        shown = with_show_time(row["display"], row["show_time"])
        _row(table, row["title"], _next_cell(row), shown, row["countdown"])
    return [table]


# --- episodes ---------------------------------------------------------------------------


def episodes_doc(
    result: EpisodeList, *, now: datetime, tz: tzinfo, spoilers: bool = True
) -> dict[str, Any]:
    """A season's episodes. Without spoilers, titles and summaries are left out."""
    home = result.show.timezone
    rows = []
    for row in result.rows:
        episode = row.episode
        shown = when(episode.airs, tz, home)
        rows.append(
            {
                "season": episode.season,
                "number": episode.number,
                "label": episode.label,
                "kind": episode.kind,
                "title": episode.title if spoilers else None,
                "summary": episode.summary if spoilers else None,
                "airs": None if episode.airs is None else episode.airs.iso(),
                "precision": None if episode.airs is None else episode.airs.precision,
                "display": shown["display"],
                "show_time": shown["show_time"],
                "runtime": episode.runtime,
                "state": row.countdown.state,
                "countdown": row.countdown.label,
                "days": row.countdown.days,
                "premiere": row.premiere,
                "finale": row.finale,
                "source": episode.source,
            }
        )
    season = result.season
    return {
        "show": result.show.slug,
        "title": result.show.title,
        "season": None if season is None else season.number,
        "episode_count": None if season is None else season.episodes,
        "seasons_with_episodes": result.seasons,
        "as_of": _stamp(now),
        "tz": _zone_name(tz),
        "spoilers": spoilers,
        "episodes": rows,
    }


def episodes_view(doc: dict[str, Any]) -> list[Block]:
    if doc["season"] is None:
        return [_text(f"No episodes are recorded for {doc['title']} yet.")]
    rows = doc["episodes"]
    if not rows:
        others = ", ".join(str(n) for n in doc["seasons_with_episodes"])
        hint = f" (seasons with episodes: {others})" if others else ""
        return [_text(f"No episodes of {doc['title']} season {doc['season']} are recorded{hint}.")]
    count = doc["episode_count"]
    regular = sum(1 for row in rows if row["kind"] == "regular")
    specials = len(rows) - regular
    of = f" of {count}" if count is not None and count != regular else ""
    extra = f" and {specials} special{'s' if specials != 1 else ''}" if specials else ""
    years = {row["airs"][:4] for row in rows if row["airs"]}
    year = years.pop() if len(years) == 1 and all(row["airs"] for row in rows) else None
    runtimes = {row["runtime"] for row in rows}
    each = f" of {runtimes.pop()} min" if len(runtimes) == 1 and None not in runtimes else ""
    in_year = f" ({year})" if year else ""
    heading = (
        f"{doc['title']} — season {doc['season']}{in_year}, {regular}{of} "
        f"episode{'s' if regular != 1 else ''}{extra}{each} ({doc['tz']})"
    )
    titles = doc["spoilers"] and any(row["title"] for row in rows)
    runtime_column = not each and any(row["runtime"] for row in rows)
    columns = ["Episode", *(["Title"] * titles), "Airs", *(["Runtime"] * runtime_column)]
    table = _table(heading, *columns, "Status")
    for row in rows:
        marks = [word for word in ("premiere", "finale") if row[word]]
        label = row["label"] if row["number"] is not None else f"S{row['season']} special"
        cells: list[object] = [f"{label} ({', '.join(marks)})" if marks else label]
        if titles:
            cells.append(row["title"] or "—")
        shown, show_time = row["display"], row["show_time"]
        if year:  # the heading says the year
            shown = _without_year(shown, year)
            show_time = None if show_time is None else _without_year(show_time, year)
        cells.append(with_show_time(shown, show_time))
        if runtime_column:
            cells.append(f"{row['runtime']} min" if row["runtime"] else "")
        cells.append(_episode_status(row))
        _row(table, *cells)
    return [table]


def _without_year(text: str, year: str) -> str:
    """'Mon 8 May 2017 03:00 BST' -> 'Mon 8 May 03:00 BST' (the heading gives the year)."""
    return re.sub(rf" {re.escape(year)}\b", "", text, count=1)


def _episode_status(row: dict[str, Any]) -> str:
    """'aired', 'aired today', 'today, in 5 hours', 'tomorrow', 'in 6 days', 'TBA'."""
    label = str(row["countdown"])
    if row["state"] == "released":
        return "aired today" if label.startswith("today") else "aired"
    days = row.get("days")
    if (
        row["state"] == "upcoming"
        and isinstance(days, int)
        and days >= 2
        and row["precision"] == "time"
    ):
        return f"in {days} days"
    return label


# --- news -------------------------------------------------------------------------------


def news_doc(result: News, tz: tzinfo = UTC, *, spoilers: bool = True) -> dict[str, Any]:
    return {
        "mode": result.mode,
        "since": None if result.since is None else result.since.isoformat(),
        "last_check": _stamp(result.last_check),
        "last_check_local": None
        if result.last_check is None
        else instant_text(result.last_check, tz),
        "tz": _zone_name(tz),
        "recorded_check": result.recorded_check,
        "shows_tracked": len(result.titles),
        "announcements": [
            _announcement_doc(item, result.titles, tz, result.zones, spoilers=spoilers)
            for item in result.items
        ],
    }


def news_view(doc: dict[str, Any], *, long: bool = False) -> list[Block]:
    """The news table: a short id (what `edit news` and `remove news` take), the date,
    the show whenever the database tracks more than one, season, kind and the news;
    ``long`` adds each announcement's body and link under its headline."""
    items = doc["announcements"]
    if doc["mode"] == "since":
        heading = f"News dated on or after {doc['since']}"
    elif doc["mode"] == "all":
        heading = "All news"
    elif doc["last_check"]:
        heading = f"New since your last check ({doc.get('last_check_local') or doc['last_check']})"
    else:
        heading = "All news (first check)"
    if not items:
        return [_text(f"{heading}: nothing new." if doc["mode"] != "all" else f"{heading}: none.")]
    several = doc.get("shows_tracked", 1) > 1
    columns = ["Id", "Date", *(["Show"] if several else []), "S", "Kind", "News"]
    table = _table(f"{heading}: {len(items)}", *columns)
    for item in items:
        date_cell = (
            with_show_time(item["short_date"], item["show_time"])
            if item["short_date"]
            else "undated"
        )
        cells: list[object] = [item["id"][:SHORT_ID], date_cell]
        if several:
            cells.append(item["title"])
        cells += [_season_label(item["season"]), item["kind"]]
        news = _with_source(item["headline"], item["source"])
        if long:
            news += [(safe(part), "") for part in (item["body"], item["url"]) if part]
        _row(table, *cells, news)
    return [table]


SHORT_ID = 8  # the start of an id shown in tables; commands take any unique start


def _with_source(headline: str, source: str | None) -> list[Segment]:
    cell: list[Segment] = [(safe(headline), "")]
    if source:
        cell.append((safe(source), "dim"))
    return cell


# --- timeline ------------------------------------------------------------------------------


def timeline_doc(
    show_slug: str,
    title: str,
    events: list[Milestone],
    tz: tzinfo = UTC,
    home_zone: str | None = None,
) -> dict[str, Any]:
    def event_doc(event: Milestone) -> dict[str, Any]:
        shown = when(event.date, tz, home_zone)
        headline = event.headline
        if event.item is not None:
            headline = _announcement_doc(event.item, {show_slug: title}, tz)["headline"]
        return {
            "date": event.date.iso(),
            "display_date": shown["display"],
            "show_time": shown["show_time"],
            "precision": event.date.precision,
            "kind": event.kind,
            "season": event.season,
            "headline": headline,
            "source": event.source,
        }

    return {
        "show": show_slug,
        "title": title,
        "tz": _zone_name(tz),
        "events": [event_doc(e) for e in events],
    }


def timeline_view(doc: dict[str, Any]) -> list[Block]:
    if not doc["events"]:
        return [_text(f"No dated milestones for {doc['title']} yet.")]
    table = _table(f"{doc['title']} — timeline", "Date", "S", "What", "Kind")
    for event in doc["events"]:
        _row(
            table,
            with_show_time(event["display_date"], event["show_time"]),
            _season_label(event["season"]),
            event["headline"],
            event["kind"],
        )
    return [table]


# --- shows ----------------------------------------------------------------------------------


def shows_doc(
    summaries: list[ShowSummary], *, now: datetime, tz: tzinfo, spoilers: bool = True
) -> dict[str, Any]:
    return {
        "as_of": _stamp(now),
        "tz": _zone_name(tz),
        "shows": [
            {
                "slug": item.show.slug,
                "title": item.show.title,
                "network": item.show.network,
                "status": item.show.status,
                "seasons": len(item.seasons),
                "released": sum(1 for s in item.seasons if s.status == "released"),
                "next": None
                if item.next is None
                else _premiere_doc(item.next, tz, spoilers=spoilers),
            }
            for item in summaries
        ],
    }


def _next_label(next_doc: dict[str, Any] | None) -> str:
    if next_doc is None:
        return "nothing announced"
    what = _next_cell(next_doc)
    if next_doc["state"] == "tba":
        return (
            f"{what} TBA" if next_doc["countdown"] == "TBA" else f"{what}, {next_doc['countdown']}"
        )
    shown = next_doc["display"]
    if next_doc.get("show_time"):
        shown += f" ({next_doc['show_time']} show's time)"
    return f"{what}, {shown} ({next_doc['countdown']})"


def shows_view(doc: dict[str, Any]) -> list[Block]:
    if not doc["shows"]:
        return [_text("No shows tracked yet.")]
    table = _table(None, "Show", "Network", "Status", "Seasons", "Next")
    for item in doc["shows"]:
        seasons = f"{item['seasons']} ({item['released']} out)"
        _row(
            table,
            item["title"],
            item["network"],
            item["status"],
            seasons,
            _next_label(item["next"]),
        )
    return [table]


def show_doc(
    detail: ShowDetail, *, now: datetime, tz: tzinfo, spoilers: bool = True
) -> dict[str, Any]:
    """One show. Without spoilers, season synopses (and synopsis news) are left out."""
    seasons = [_season_doc(season, tz, detail.show.timezone) for season in detail.seasons]
    if not spoilers:
        for season in seasons:
            season["synopsis"] = None
    return {
        "as_of": _stamp(now),
        "show": detail.show.to_dict(),
        "seasons": seasons,
        "next": None if detail.next is None else _premiere_doc(detail.next, tz, spoilers=spoilers),
        "latest_news": [
            _announcement_doc(
                item,
                {detail.show.slug: detail.show.title},
                tz,
                {detail.show.slug: detail.show.timezone},
                spoilers=spoilers,
            )
            for item in detail.latest_news
        ],
        "news_count": detail.news_count,
    }


def show_view(doc: dict[str, Any]) -> list[Block]:
    show = doc["show"]
    facts = Table(["", ""], header=False, gap=2)
    rows = [
        ("Network", show["network"]),
        ("Country", show["country"]),
        ("Genre", ", ".join(show["genres"]) or None),
        ("Created by", show["creator"]),
        ("Based on", show["based_on"]),
        ("Status", show["status"]),
        ("Also known as", ", ".join(show["aliases"]) or None),
        ("Next", _next_label(doc["next"])),
    ]
    for label, value in rows:
        if value:
            facts.add_row([(label, "bold")], safe(value))
    out: list[Block] = [_Section(show["title"], facts)]
    if show["summary"]:
        out.append(_text(show["summary"]))
    if doc["seasons"]:
        table = _table(
            "Seasons", "Season", "Episodes", "Runtime", "Premiere", "Status", "Source material"
        )
        for season in doc["seasons"]:
            _row(
                table,
                f"S{season['number']}",
                season["episodes"],
                season["display_runtime"],
                with_show_time(season["display_premiere"], season["show_time"]),
                season["status"],
                season["source_material"],
            )
        out.append(table)
        for season in doc["seasons"]:
            if season["synopsis"]:
                out.append(_text(f"Season {season['number']}: {season['synopsis']}"))
    if doc["latest_news"]:
        heading = f"Latest news ({len(doc['latest_news'])} of {doc['news_count']})"
        table = _table(heading, "Date", "S", "Kind", "News")
        for item in doc["latest_news"]:
            date_text = item["short_date"] or "undated"
            headline = _with_source(item["headline"], item["source"])
            _row(table, date_text, _season_label(item["season"]), item["kind"], headline)
        out.append(table)
    return out


# --- import report -----------------------------------------------------------------------------


def merge_doc(report: Any, tz: tzinfo, titles: dict[str, str]) -> dict[str, Any]:
    """An import's report, its change lines worded in the viewer's zone."""
    doc = dict(report.to_dict())
    doc["changes"] = [change_words(c, titles, tz) for c in report.changes]
    doc["withdrawn"] = [change_words(c, titles, tz) for c in report.withdrawn]
    return doc


def merge_view(doc: dict[str, Any]) -> list[Block]:
    table = _table("Import", "Records", "Added", "Updated", "Unchanged")
    for name, counts in doc["counts"].items():
        _row(table, name, counts["added"], counts["updated"], counts["unchanged"])
    out: list[Block] = [table]
    for change in doc["changes"]:
        out.append(_text(f"Change: {change}"))
    return out


# --- sync, search, feeds ---------------------------------------------------------------------------


@contextlib.contextmanager
def progress(*, enabled: bool) -> Iterator[Callable[[str], None]]:
    """A spinner with the current step on stderr, only when stderr is a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield lambda _step: None
        return
    from rich.console import Console
    from rich.status import Status

    console = Console(stderr=True, markup=False, emoji=False, highlight=False)
    with Status("Syncing", console=console) as status:
        yield lambda step: status.update(safe(step))


def change_words(item: Announcement, titles: dict[str, str], tz: tzinfo) -> str:
    """A change's headline in the viewer's zone (others as they are stored)."""
    if item.kind != "change" or not item.about:
        return item.headline
    from showtrack.changes import change_headline

    title = titles.get(item.show, item.show)
    return change_headline(title, item.season, item.about, item.was, item.became, tz)


def sync_doc(report: Any, tz: tzinfo = UTC, titles: dict[str, str] | None = None) -> dict[str, Any]:
    doc = dict(report.to_dict())
    merged = report.merged
    if merged is not None and doc.get("merge"):
        doc["merge"] = {
            **doc["merge"],
            "changes": [change_words(c, titles or {}, tz) for c in merged.changes],
            "withdrawn": [change_words(c, titles or {}, tz) for c in merged.withdrawn],
        }
    return doc


def sync_view(doc: dict[str, Any]) -> list[Block]:
    merged = doc["merge"] or {"by_show": {}, "changes": []}
    failed = len(doc["failures"])
    total = doc["sources"]
    if total == 0:
        return [_text("Nothing to sync: no show is linked to TVmaze and no feed is followed.")]
    if failed and failed >= total:
        return [_text(f"No source could be read ({_count(failed, 'source')} failed).")]
    done = f"Synced {_count(total - failed, 'source')}" + (f", {failed} failed" if failed else "")
    if not merged["by_show"]:
        return [_text(f"{done}: nothing to update.")]
    removed = any(counts.get("removed") for counts in merged["by_show"].values())
    table = _table(done, "Show", "Added", "Updated", "Unchanged", *(["Removed"] * removed))
    for show, counts in merged["by_show"].items():
        cells = [counts["added"], counts["updated"], counts["unchanged"]]
        _row(table, show, *cells, *([counts["removed"]] * removed))
    out: list[Block] = [table]
    for change in merged["changes"]:
        out.append(_text(f"Change: {change}"))
    for warning in doc["warnings"][:20]:
        out.append(_text(f"Skipped: {warning}"))
    return out


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def search_doc(query: str, hits: list[Any]) -> dict[str, Any]:
    return {"query": query, "results": [hit.to_dict() for hit in hits]}


def search_view(doc: dict[str, Any]) -> list[Block]:
    if not doc["results"]:
        return [_text(f"TVmaze knows no show matching {doc['query']!r}.")]
    table = _table(f"TVmaze results for {doc['query']!r}", "TVmaze id", "Title", "Years", "Network")
    for hit in doc["results"]:
        _row(table, hit["id"], hit["name"], hit.get("years"), hit.get("network"))
    out: list[Block] = [table]
    out.append(_text("Follow one with: showtrack add show --tvmaze ID"))
    out.append(_text("Data from TVmaze (tvmaze.com), licensed CC BY-SA 4.0."))
    return out


def feeds_doc(feeds: list[Any]) -> dict[str, Any]:
    return {"feeds": [{k: v for k, v in feed.to_dict().items() if k != "seen"} for feed in feeds]}


def feeds_view(doc: dict[str, Any]) -> list[Block]:
    """Each feed as its show and its URL on a line of its own (never cut, so it can be
    copied into `feed remove`), with what it matches and its title under it."""
    if not doc["feeds"]:
        return [_text("No feeds followed. Add one with 'showtrack feed add SHOW URL'.")]
    table = _table(f"Feeds ({len(doc['feeds'])})", "Show", "Feed")
    for feed in doc["feeds"]:
        details: list[Segment] = [(safe(feed["url"]), "")]
        details.append(
            (safe(f"matching: {', '.join(feed['words']) or 'the title and aliases'}"), "dim")
        )
        if feed["title"]:
            details.append((safe(f"title: {feed['title']}"), "dim"))
        _row(table, feed["show"], details)
    return [table]


# --- notifications ------------------------------------------------------------------------


def targets_doc(items: list[Any], masks: dict[int, str], titles: dict[str, str]) -> dict[str, Any]:
    """The targets, their URLs masked: a secret never reaches a document."""
    from showtrack.notify import offset_words

    return {
        "targets": [
            {
                "id": item.id,
                "target": masks[item.id],
                "shows": list(item.shows),
                "show_titles": [titles.get(slug, slug) for slug in item.shows],
                "kinds": None if item.kinds is None else list(item.kinds),
                "remind": [offset_words(offset) for offset in item.remind],
                "cursor": item.cursor,
            }
            for item in items
        ]
    }


def targets_view(doc: dict[str, Any]) -> list[Block]:
    """Each target's masked URL on a line of its own, what it gets under it."""
    if not doc["targets"]:
        return [_text("No notification targets. Add one with 'showtrack notify add URL'.")]
    table = _table(f"Notification targets ({len(doc['targets'])})", "Id", "Target")
    for item in doc["targets"]:
        kinds = item["kinds"]
        news = "all news" if kinds is None else ", ".join(kinds) if kinds else "no news"
        details: list[Segment] = [(safe(item["target"]), "")]
        details.append((safe(f"shows: {', '.join(item['show_titles']) or 'all'}"), "dim"))
        details.append((safe(f"news: {news}"), "dim"))
        details.append(
            (safe(f"reminders: {', '.join(item['remind']) or 'none'} before an airing"), "dim")
            if item["remind"]
            else ("reminders: none", "dim")
        )
        _row(table, item["id"], details)
    return [table]


def notify_doc(results: list[Any]) -> dict[str, Any]:
    return {
        "targets": [
            {
                "id": item.id,
                "target": item.target,
                "messages": item.messages,
                "announcements": item.news,
                "reminders": item.reminders,
                "error": item.error,
            }
            for item in results
        ]
    }


def notify_view(doc: dict[str, Any]) -> list[Block]:
    if not doc["targets"]:
        return [_text("No notification targets. Add one with 'showtrack notify add URL'.")]
    out: list[Block] = []
    for item in doc["targets"]:
        if item["error"] is not None:
            continue  # said on stderr
        if not item["messages"]:
            out.append(_text(f"Target {item['id']}: nothing new to send."))
            continue
        parts = []
        if item["announcements"]:
            parts.append(_count(item["announcements"], "announcement"))
        if item["reminders"]:
            parts.append(_count(item["reminders"], "reminder"))
        sent = _count(item["messages"], "message")
        out.append(_text(f"Target {item['id']}: sent {sent} ({', '.join(parts)})."))
    return out
