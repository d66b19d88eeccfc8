"""Hand entry: add, edit and remove records from the command line.

Values typed by the user are checked by the same validators as an import file
(so an option gets the same message a file field would), then go through the
one merge path. Removal is the only write that does not merge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from showtrack.core import normalise
from showtrack.dates import zone
from showtrack.errors import DataError, NotFoundError, ShowtrackError, UsageError
from showtrack.merge import MergeReport, merge
from showtrack.models import Announcement, Credit, Season, Show
from showtrack.sources.jsonfile import (
    Dataset,
    parse_announcement,
    parse_credit,
    parse_season,
    parse_show,
)
from showtrack.store import Feed, Store

HAND = "hand entry"


def slugify(title: str) -> str:
    """'The Bear (2022)!' -> 'the-bear-2022'."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")
    return slug[:100].strip("-")


def parse_runtime(text: str | None) -> dict[str, int] | None:
    """'25' or '20-30' (minutes) -> {'min': 20, 'max': 30}."""
    if text is None:
        return None
    match = re.fullmatch(r"\s*(\d{1,4})\s*(?:[-–]\s*(\d{1,4}))?\s*(?:min(?:utes)?)?\s*", text)
    if not match:
        raise UsageError(f"--runtime: {text!r} is not minutes; use e.g. 25 or 20-30.")
    low = int(match[1])
    high = int(match[2]) if match[2] else low
    if low < 1 or high < low:
        raise UsageError(f"--runtime: {text!r} is not a range of minutes; use e.g. 20-30.")
    return {"min": low, "max": high}


def _valid(build: Any, *args: Any) -> Any:
    try:
        return build(*args)
    except ValueError as err:
        raise UsageError(f"{err}.") from None


def _stated(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def _checked_zone(tz: str | None) -> None:
    if tz is not None:
        try:
            zone(tz)
        except ValueError as err:
            raise UsageError(f"--tz: {err}.") from None


def _add(store: Store, data: Dataset, now: datetime) -> MergeReport:
    """Add records that must not exist yet (checked again under the lock)."""
    return merge(store, data, now=now, origin=HAND, must_be_new=True)


def _edit(store: Store, data: Dataset, fields: dict[str, Any], now: datetime) -> MergeReport:
    """Apply exactly the fields the user gave to the record as stored under the lock,
    so two edits queued behind each other both take effect."""
    only = {name for name, value in fields.items() if value is not None}
    if "runtime" in only:
        only |= {"runtime_min", "runtime_max"}
    return merge(store, data, now=now, origin=HAND, only=frozenset(only))


# --- shows ---------------------------------------------------------------------------


def add_show(
    store: Store, *, title: str, slug: str | None, fields: dict[str, Any], now: datetime
) -> Show:
    slug = slug or slugify(title)
    if not slug:
        raise UsageError(
            "--slug: the title gives no usable slug; pass --slug, e.g. --slug my-show."
        )
    existing = {show.slug for show in store.shows()}
    if slug in existing:
        raise ShowtrackError(
            f"A show with slug {slug!r} already exists; use 'showtrack edit show {slug}'."
        )
    data = Dataset()
    _valid(parse_show, {"slug": slug, "title": title, **_stated(fields)}, "", data)
    _add(store, data, now)
    return data.shows[0]


def _show_with(show: Show, fields: dict[str, Any]) -> Show:
    """``show`` with the fields given replaced (an empty one clears), checked."""
    record = {key: value for key, value in show.to_dict().items() if value not in (None, [])}
    record.update(_stated(fields))
    record = {key: value for key, value in record.items() if value not in ("", [])}
    data = Dataset()
    _valid(parse_show, record, "", data)
    return data.shows[0]


def edit_show(store: Store, show: Show, *, fields: dict[str, Any], now: datetime) -> MergeReport:
    return _edit(store, Dataset(shows=[_show_with(show, fields)]), fields, now)


def add_show_from_tvmaze(
    store: Store,
    tvmaze_id: int,
    *,
    title: str | None,
    slug: str | None,
    now: datetime,
    fields: dict[str, Any] | None = None,
) -> Show:
    """Create a show from TVmaze (one request) and link it for sync.

    Hand-given ``fields`` (and ``title``) replace what TVmaze says; they are
    checked before anything is fetched.
    """
    from showtrack.sources import tvmaze

    stated = _stated(fields or {})
    _valid(
        parse_show, {"slug": slug or "check", "title": title or "check", **stated}, "", Dataset()
    )
    payload = tvmaze.fetch_show(tvmaze_id)
    name = payload.get("name") if isinstance(payload, dict) else None
    slug = slug or slugify(
        title or (name if isinstance(name, str) else "") or f"tvmaze-{tvmaze_id}"
    )
    if slug in {show.slug for show in store.shows()}:
        raise ShowtrackError(
            f"A show with slug {slug!r} already exists; link it with "
            f"'showtrack edit show {slug} --tvmaze {tvmaze_id}'."
        )
    mapped = tvmaze.map_show(payload, slug=slug, now=now)
    if not mapped.dataset.shows:
        raise DataError(f"TVmaze show {tvmaze_id} could not be read: {'; '.join(mapped.warnings)}.")
    if title or stated:
        mapped.dataset.shows[0] = _show_with(mapped.dataset.shows[0], {**stated, "title": title})
    merge(store, mapped.dataset, now=now, origin="TVmaze")
    return mapped.dataset.shows[0]


# --- feeds ---------------------------------------------------------------------------


def add_feed(store: Store, show: Show, url: str, match: str | None) -> Feed:
    if not re.match(r"https?://[^\s/]+", url) or len(url) > 2000:
        raise UsageError(f"{url[:80]!r} is not an http(s) URL.")
    words = tuple(word.strip() for word in (match or "").split(",") if word.strip())
    feed = Feed(show=show.slug, url=url, words=words)
    with store.writing(news=False) as tables:
        tables.put_feed(feed)
    return feed


def remove_feed(store: Store, show: Show, url: str) -> None:
    with store.writing(news=False) as tables:
        ids = [
            doc_id
            for doc_id, doc in tables.records("feeds").items()
            if doc.get("show") == show.slug and doc.get("url") == url
        ]
        if not ids:
            raise NotFoundError(
                f"{show.title} has no feed {url!r} ('showtrack feed list' shows them)."
            )
        tables.apply("feeds", delete=ids)


# --- seasons ---------------------------------------------------------------------------


def _find_season(store: Store, show: Show, number: int) -> Season | None:
    return next((s for s in store.seasons(show.slug) if s.number == number), None)


def _season_record(season: Season) -> dict[str, Any]:
    record = season.to_dict()
    record.pop("show")
    return record


def add_season(
    store: Store, show: Show, number: int, *, fields: dict[str, Any], tz: str | None, now: datetime
) -> Season:
    _checked_zone(tz)
    if _find_season(store, show, number) is not None:
        raise ShowtrackError(
            f"{show.title} already has season {number}; use 'showtrack edit season {show.slug} {number}'."
        )
    season = _valid(
        parse_season, {"number": number, **_stated(fields)}, "", show.slug, tz or show.timezone
    )
    _add(store, Dataset(seasons=[season]), now)
    assert isinstance(season, Season)
    return season


def edit_season(
    store: Store, show: Show, number: int, *, fields: dict[str, Any], tz: str | None, now: datetime
) -> MergeReport:
    _checked_zone(tz)
    old = _find_season(store, show, number)
    if old is None:
        raise NotFoundError(
            f"{show.title} has no season {number}; add it with 'showtrack add season'."
        )
    record = _season_record(old)
    record.update(_stated(fields))
    record = {key: value for key, value in record.items() if value not in ("", None)}
    season = _valid(parse_season, record, "", show.slug, tz or show.timezone)
    return _edit(store, Dataset(seasons=[season]), fields, now)


# --- cast ------------------------------------------------------------------------------------


def _find_credit(store: Store, show: Show, season: int, actor: str) -> Credit | None:
    wanted = normalise(actor)
    return next((c for c in store.credits(show.slug, season) if normalise(c.actor) == wanted), None)


def add_credit(store: Store, show: Show, *, fields: dict[str, Any], now: datetime) -> Credit:
    credit = _valid(parse_credit, _stated(fields), "", show.slug)
    assert isinstance(credit, Credit)
    if _find_credit(store, show, credit.season, credit.actor) is not None:
        raise ShowtrackError(
            f"{credit.actor} is already in season {credit.season} of {show.title}; use 'showtrack edit cast'."
        )
    _add(store, Dataset(credits=[credit]), now)
    return credit


def edit_credit(
    store: Store, show: Show, season: int, actor: str, *, fields: dict[str, Any], now: datetime
) -> MergeReport:
    old = _find_credit(store, show, season, actor)
    if old is None:
        raise NotFoundError(f"No {actor!r} in season {season} of {show.title}.")
    record = old.to_dict()
    record.pop("show")
    record.update(_stated(fields))
    record = {key: value for key, value in record.items() if value not in ("", None)}
    credit = _valid(parse_credit, record, "", show.slug)
    return _edit(store, Dataset(credits=[credit]), fields, now)


# --- news ---------------------------------------------------------------------------------------


def add_news(
    store: Store, show: Show, *, fields: dict[str, Any], now: datetime
) -> tuple[Announcement, bool]:
    """Add an announcement; the flag is False when the same one was already there."""
    item = _valid(parse_announcement, _stated(fields), "", show.slug)
    assert isinstance(item, Announcement)
    report = merge(store, Dataset(announcements=[item]), now=now, origin=HAND)
    return item, report.counts["announcements"].added > 0


# --- removal ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Removal:
    """What a removal will delete, described before it happens."""

    table: str
    description: str
    show: str
    season: int | None = None
    actor: str | None = None
    announcement: str | None = None


def plan_removal(
    store: Store,
    what: str,
    show: Show,
    *,
    season: int | None = None,
    actor: str | None = None,
    announcement: str | None = None,
) -> Removal:
    """Check that the target exists and describe it, so the user can confirm."""
    if what == "show":
        seasons = len(store.seasons(show.slug))
        news = len(store.announcements(show.slug))
        credits = len(store.credits(show.slug))
        return Removal(
            "shows",
            f"{show.title} with its {seasons} seasons, {credits} credits and {news} announcements",
            show.slug,
        )
    if what == "season":
        assert season is not None
        if _find_season(store, show, season) is None:
            raise NotFoundError(f"{show.title} has no season {season}.")
        return Removal("seasons", f"season {season} of {show.title}", show.slug, season=season)
    if what == "cast":
        assert season is not None
        assert actor is not None
        credit = _find_credit(store, show, season, actor)
        if credit is None:
            raise NotFoundError(f"No {actor!r} in season {season} of {show.title}.")
        return Removal(
            "credits",
            f"{credit.actor} from season {season} of {show.title}",
            show.slug,
            season,
            credit.actor,
        )
    assert announcement is not None
    matches = [a for a in store.announcements(show.slug) if a.id.startswith(announcement.lower())]
    if not matches:
        raise NotFoundError(f"No announcement of {show.title} has an id starting {announcement!r}.")
    if len(matches) > 1:
        raise UsageError(
            f"{len(matches)} announcements have ids starting {announcement!r}; give more of the id."
        )
    return Removal(
        "announcements",
        f"the announcement {matches[0].headline!r}",
        show.slug,
        announcement=matches[0].id,
    )


def remove(store: Store, plan: Removal) -> None:
    """Delete what ``plan`` describes, in one atomic write."""
    with store.writing() as tables:
        doomed: dict[str, list[str]] = {}
        for table, docs in (
            (name, tables.records(name))
            for name in ("shows", "seasons", "credits", "announcements")
        ):
            ids = [doc_id for doc_id, doc in docs.items() if _doomed(plan, table, doc)]
            if ids:
                doomed[table] = ids
        if not doomed:
            raise DataError(f"Nothing to remove: {plan.description} is already gone.")
        for table, ids in doomed.items():
            tables.apply(table, delete=ids)


def _doomed(plan: Removal, table: str, doc: dict[str, Any]) -> bool:
    owner = doc.get("slug") if table == "shows" else doc.get("show")
    if owner != plan.show:
        return False
    if plan.table == "shows":
        return True
    if plan.table == "seasons":
        return table == "seasons" and doc.get("number") == plan.season
    if plan.table == "credits":
        return (
            table == "credits"
            and doc.get("season") == plan.season
            and normalise(str(doc.get("actor"))) == normalise(plan.actor or "")
        )
    return table == "announcements" and doc.get("id") == plan.announcement
