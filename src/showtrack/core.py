"""Use cases. Each takes a Store and, where time matters, ``now`` and the viewer's zone.

Nothing here prints, reads the clock or touches TinyDB.
"""

import re
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Literal, NamedTuple

from showtrack.dates import Countdown, PartialDate, countdown
from showtrack.errors import NotFoundError, ShowNotFoundError
from showtrack.models import ANNOUNCEMENT_KINDS, Announcement, Credit, Season, Show
from showtrack.store import Store

if TYPE_CHECKING:
    from showtrack.ics import CalendarEvent
    from showtrack.sources.jsonfile import Dataset

# --- finding a show ------------------------------------------------------------


def normalise(text: str) -> str:
    """Lowercase, letters and digits only: 'Heart-Stopper!' -> 'heartstopper'."""
    return re.sub(r"[\W_]+", "", text.casefold())


def find_show(store: Store, query: str) -> Show:
    """The show whose slug, title or alias matches ``query``; else a helpful error."""
    wanted = normalise(query)
    shows = store.shows()
    names: dict[str, Show] = {}
    for show in shows:
        for name in (show.slug, show.title, *show.aliases):
            names.setdefault(normalise(name), show)
    if wanted and wanted in names:
        return names[wanted]
    import difflib

    shown = query if len(query) <= 60 else query[:57] + "..."
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.6) if wanted else []
    if close:
        raise ShowNotFoundError(f"No show matches {shown!r}. Did you mean {names[close[0]].slug}?")
    if not shows:
        raise ShowNotFoundError(f"No show matches {shown!r}: the database has no shows yet.")
    slugs = ", ".join(sorted(show.slug for show in shows)[:5])
    raise ShowNotFoundError(
        f"No show matches {shown!r}. Tracked shows include: {slugs} ('showtrack shows' lists all)."
    )


# --- cast ------------------------------------------------------------------------

CastStatus = Literal["returning", "new"]


class CastMember(NamedTuple):
    credit: Credit
    status: CastStatus | None  # stated, or 'returning' when the actor was in an earlier season


class CastList(NamedTuple):
    show: Show
    season: int | None
    members: list[CastMember]


def cast_of(
    store: Store, show: Show, *, season: int | None = None, new_only: bool = False
) -> CastList:
    """The cast of one season: the given one, else the latest season with known cast."""
    credits = store.credits(show.slug)
    seasons_with_cast = sorted({credit.season for credit in credits})
    if season is None:
        if not seasons_with_cast:
            return CastList(show, None, [])
        season = seasons_with_cast[-1]
    elif season not in seasons_with_cast:
        known = {s.number for s in store.seasons(show.slug)}
        if season not in known:
            listed = ", ".join(str(n) for n in sorted(known)) or "none"
            raise NotFoundError(f"{show.title} has no season {season} (known seasons: {listed}).")
    earlier = {normalise(c.actor) for c in credits if c.season < season}
    members = []
    for credit in credits:
        if credit.season != season:
            continue
        status: CastStatus | None
        if credit.status == "new":
            status = "new"
        elif credit.status == "returning":
            status = "returning"
        else:
            status = "returning" if normalise(credit.actor) in earlier else None
        if new_only and status != "new":
            continue
        members.append(CastMember(credit, status))
    order = {"returning": 0, "new": 1, None: 2}
    members.sort(key=lambda m: order[m.status])  # stable: keeps the recorded billing order
    return CastList(show, season, members)


# --- countdown ---------------------------------------------------------------------


class Premiere(NamedTuple):
    show: Show
    season: Season
    countdown: Countdown


def _premiere_order(row: Premiere, tz: tzinfo) -> tuple[int, date, float, str, int]:
    """TBA-released first, then dated by day in the viewer's zone and exact time, TBA last."""
    premiere = row.season.premiere
    title = row.show.title.casefold()
    if premiere is None:
        group = -1 if row.countdown.state == "released" else 1
        return (group, date.min, 0.0, title, row.season.number)
    if premiere.at is not None:
        day = premiere.at.astimezone(tz).date()
        return (0, day, premiere.at.timestamp(), title, row.season.number)
    return (0, premiere.earliest(), 0.0, title, row.season.number)


def countdowns(
    store: Store,
    *,
    now: datetime,
    tz: tzinfo,
    show: Show | None = None,
    include_all: bool = False,
) -> list[Premiere]:
    """Upcoming premieres, soonest first, undated (TBA) seasons last.

    By default each show contributes its next dated premiere and its renewed
    seasons that have no date. ``include_all`` adds every season, released ones too.
    """
    shows = [show] if show is not None else store.shows()
    by_slug = {item.slug: item for item in shows}
    seasons = store.seasons(show.slug if show is not None else None)
    rows: list[Premiere] = []
    next_dated: dict[str, Premiere] = {}
    for season in seasons:
        owner = by_slug.get(season.show)
        if owner is None:
            continue
        state = countdown(season.premiere, now=now, tz=tz)
        if season.premiere is None and season.status in ("released", "cancelled"):
            state = Countdown("released", season.status)
        row = Premiere(owner, season, state)
        if include_all:
            rows.append(row)
        elif state.state == "tba":
            rows.append(row)
        elif state.state in ("upcoming", "today"):
            best = next_dated.get(owner.slug)
            if best is None or _premiere_order(row, tz) < _premiere_order(best, tz):
                next_dated[owner.slug] = row
    rows.extend(next_dated.values())
    rows.sort(key=lambda row: _premiere_order(row, tz))
    return rows


def next_premiere(store: Store, show: Show, *, now: datetime, tz: tzinfo) -> Premiere | None:
    """The show's soonest dated premiere still to come, else its first TBA season."""
    rows = countdowns(store, now=now, tz=tz, show=show)
    return rows[0] if rows else None


# --- news ------------------------------------------------------------------------------


class News(NamedTuple):
    mode: Literal["new", "since"]
    since: date | None
    last_check: datetime | None
    recorded_check: bool
    items: list[Announcement]
    titles: dict[str, str]


def sort_news(items: list[Announcement]) -> list[Announcement]:
    """Newest first by date; undated ones last, by season and kind (as the model lists kinds)."""
    dated = sorted((i for i in items if i.date is not None), key=_dated_key, reverse=True)
    undated = sorted((i for i in items if i.date is None), key=_undated_key)
    return dated + undated


def _dated_key(item: Announcement) -> tuple[tuple[date, int, datetime], str]:
    assert item.date is not None
    return (item.date.sort_key(), item.id)


def _undated_key(item: Announcement) -> tuple[int, int, str]:
    kind = ANNOUNCEMENT_KINDS.index(item.kind) if item.kind in ANNOUNCEMENT_KINDS else 99
    return (item.season if item.season is not None else 999, kind, item.headline.casefold())


def news(
    store: Store,
    *,
    now: datetime,
    show: Show | None = None,
    since: date | None = None,
    record_check: bool = True,
) -> News:
    """New since the last check (then records this check), or dated on/after ``since``.

    With ``since``, undated announcements are left out and no check is recorded.
    """
    slug = show.slug if show is not None else None
    titles = {s.slug: s.title for s in store.shows()}  # read everything before writing the check
    last = store.last_check(slug)
    if since is not None:
        items = store.announcements(slug, dated_from=since.isoformat())
        items = [item for item in items if item.date is not None]
        mode: Literal["new", "since"] = "since"
        recorded = False
    else:
        items = store.announcements(slug, recorded_after=last)
        if slug is None:  # a show checked on its own since: only what came after that
            marks = store.show_checks()
            items = [
                item
                for item in items
                if item.show not in marks
                or (item.recorded_at is not None and item.recorded_at > marks[item.show])
            ]
        mode = "new"
        recorded = record_check
    items = sort_news(items)
    if recorded:
        with store.writing(news=False) as tables:  # the news is copied, not rewritten
            tables.set_check(slug, now)
    return News(mode, since, last, recorded, items, titles)


# --- timeline -------------------------------------------------------------------------


class Milestone(NamedTuple):
    date: PartialDate
    kind: str
    season: int | None
    headline: str
    source: str | None


def timeline(store: Store, show: Show) -> list[Milestone]:
    """Every dated milestone of a show, oldest first: news and premieres."""
    events = [
        Milestone(item.date, item.kind, item.season, item.headline, item.source)
        for item in store.announcements(show.slug)
        if item.date is not None
    ]
    for season in store.seasons(show.slug):
        if season.premiere is not None:
            events.append(
                Milestone(
                    season.premiere,
                    "premiere",
                    season.number,
                    f"Season {season.number} premieres",
                    season.source,
                )
            )
    events.sort(key=lambda event: (event.date.sort_key(), event.kind != "premiere"))
    return events


# --- shows --------------------------------------------------------------------------------


class ShowSummary(NamedTuple):
    show: Show
    seasons: list[Season]
    next: Premiere | None


def shows_overview(store: Store, *, now: datetime, tz: tzinfo) -> list[ShowSummary]:
    """Every tracked show with its seasons and next premiere, by title."""
    by_show: dict[str, list[Season]] = {}
    for season in store.seasons():
        by_show.setdefault(season.show, []).append(season)
    upcoming: dict[str, Premiere] = {}
    for row in countdowns(store, now=now, tz=tz):  # one pass over all shows, soonest first
        upcoming.setdefault(row.show.slug, row)
    result = []
    for show in sorted(store.shows(), key=lambda item: item.title.casefold()):
        own = sorted(by_show.get(show.slug, []), key=lambda s: s.number)
        result.append(ShowSummary(show, own, upcoming.get(show.slug)))
    return result


class ShowDetail(NamedTuple):
    show: Show
    seasons: list[Season]
    next: Premiere | None
    latest_news: list[Announcement]
    news_count: int


def show_detail(
    store: Store, show: Show, *, now: datetime, tz: tzinfo, news_limit: int = 5
) -> ShowDetail:
    seasons = sorted(store.seasons(show.slug), key=lambda s: s.number)
    items = sort_news(store.announcements(show.slug))
    return ShowDetail(
        show, seasons, next_premiere(store, show, now=now, tz=tz), items[:news_limit], len(items)
    )


# --- export and calendar -------------------------------------------------------------------


def export_dataset(store: Store, show: Show | None = None) -> "Dataset":
    """Everything stored (or one show's records), in the import format's terms."""
    from showtrack.sources.jsonfile import Dataset

    slug = show.slug if show is not None else None
    shows = [show] if show is not None else store.shows()
    return Dataset(
        shows=shows,
        seasons=store.seasons(slug),
        credits=store.credits(slug) if slug is not None else store.all_credits(),
        announcements=store.announcements(slug),
    )


def calendar_events(
    store: Store, show: Show | None = None, *, milestones: bool = False
) -> tuple[list["CalendarEvent"], int]:
    """Premieres known to the day (and dated milestones, if asked); the count skipped."""
    from showtrack.ics import CalendarEvent, milestone_uid, premiere_uid

    shows = {s.slug: s for s in ([show] if show is not None else store.shows())}
    events: list[CalendarEvent] = []
    skipped = 0
    for season in store.seasons(show.slug if show is not None else None):
        owner = shows.get(season.show)
        if owner is None:
            continue
        if season.premiere is None or season.premiere.precision in ("month", "year"):
            if season.status not in ("released", "cancelled") or season.premiere is not None:
                skipped += 1
            continue
        where = f" on {owner.network}" if owner.network else ""
        events.append(
            CalendarEvent(
                uid=premiere_uid(owner, season.number),
                summary=f"{owner.title} season {season.number} premieres{where}",
                date=season.premiere,
                description=season.synopsis,
                zone=owner.timezone,
                category="premiere",
            )
        )
    if milestones:
        for slug, owner in shows.items():
            for item in store.announcements(slug):
                if item.date is None or item.date.precision in ("month", "year"):
                    continue
                events.append(
                    CalendarEvent(
                        uid=milestone_uid(owner, item.id),
                        summary=f"{owner.title}: {item.headline}",
                        date=item.date,
                        description=item.body,
                        zone=owner.timezone,
                        category=item.kind,
                    )
                )
    return events, skipped
