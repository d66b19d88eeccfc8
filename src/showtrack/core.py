"""Use cases. Each takes a snapshot of the database and, where time matters, ``now``
and the viewer's zone, and returns plain records.

Nothing here prints, reads the clock, writes, or knows how the store keeps its files.
"""

from collections.abc import Iterator
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from showtrack.dates import Countdown, PartialDate, countdown
from showtrack.errors import AmbiguousShowError, NotFoundError, ShowNotFoundError
from showtrack.models import (
    ANNOUNCEMENT_KINDS,
    Announcement,
    Checks,
    Credit,
    Dataset,
    Episode,
    Season,
    Show,
    name_key,
)
from showtrack.store import Snapshot

if TYPE_CHECKING:
    from showtrack.ics import CalendarEvent

# --- finding a show ------------------------------------------------------------


def normalise(text: str) -> str:
    """Lowercase, letters and digits only: 'Heart-Stopper!' -> 'heartstopper'."""
    return name_key(text)


def show_names(show: Show) -> list[str]:
    """Every name a show answers to: its slug, title and aliases."""
    return [show.slug, show.title, *show.aliases]


def find_show(store: Snapshot, query: str) -> Show:
    """The one show whose slug, title or alias matches ``query`` (compared on letters
    and digits, so 'HEART-stopper!' finds heartstopper); a slug typed exactly wins.
    A name that several shows answer to is an error that lists them."""
    shows = store.shows()
    exact = [show for show in shows if show.slug == query.strip()]
    if exact:
        return exact[0]
    wanted = normalise(query)
    matches = [show for show in shows if wanted in {normalise(n) for n in show_names(show)}]
    shown = query if len(query) <= 60 else query[:57] + "..."
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = ", ".join(f"{show.slug} ({show.title})" for show in matches[:6])
        raise AmbiguousShowError(
            f"{shown!r} names {len(matches)} shows: {listed}. Give the slug of the one you mean."
        )
    import difflib

    names = {normalise(name): show for show in shows for name in show_names(show)}
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
    season: int | None  # the season asked for or found (None: no cast at all)
    members: list[CastMember]
    main: bool = False  # the show's main cast is shown, the season having no cast of its own
    as_of: PartialDate | None = None  # the day a source gave that main cast
    source: str | None = None


def cast_of(
    store: Snapshot,
    show: Show,
    *,
    season: int | None = None,
    new_only: bool = False,
    main_cast: bool = False,
) -> CastList:
    """Who is in it, as the sources give it: the cast of a season where it is known
    (the season asked for, else the latest season with cast and a record of its
    own), otherwise the show's main cast as of the sync that brought it;
    ``main_cast`` asks for that main cast whatever the seasons hold.

    ``returning``/``new`` come from what a source states, or from the actor's being
    credited in an earlier season by a source that credits seasons: never from a
    main cast, which says nothing about seasons.
    """
    credits = store.credits(show.slug)
    per_season = [c for c in credits if c.season is not None]
    main = [c for c in credits if c.season is None]
    if main_cast:  # asked for: the show's main cast, whatever the seasons say
        if not main:
            raise NotFoundError(
                f"No main cast is recorded for {show.title} (a sync of a show linked to "
                f"TVmaze brings one); 'showtrack cast {show.slug}' shows its season cast."
            )
        members = [CastMember(c, _stated(c.status)) for c in _billed(main)]
        label = _label(main)
        return CastList(show, None, members, True, label.as_of, label.source)
    recorded = {s.number for s in store.seasons(show.slug)}
    seasons_with_cast = sorted({c.season for c in per_season if c.season is not None})
    if season is None:
        with_record = [number for number in seasons_with_cast if number in recorded]
        if with_record:
            season = with_record[-1]
        elif not main:
            return CastList(show, None, [])
    elif season not in seasons_with_cast and season not in recorded:
        listed = ", ".join(str(n) for n in sorted(recorded)) or "none"
        raise NotFoundError(f"{show.title} has no season {season} (known seasons: {listed}).")
    chosen = [c for c in per_season if c.season == season] if season is not None else []
    if not chosen and main:
        members = [
            CastMember(c, _stated(c.status))
            for c in _billed(main)
            if not new_only or c.status == "new"
        ]
        label = _label(main)
        return CastList(show, season, members, True, label.as_of, label.source)
    earlier = {
        normalise(c.actor) for c in per_season if season is not None and (c.season or 0) < season
    }
    members = []
    for credit in _billed(chosen):
        status = _stated(credit.status)
        if status is None and normalise(credit.actor) in earlier:
            status = "returning"
        if new_only and status != "new":
            continue
        members.append(CastMember(credit, status))
    rank = {"returning": 0, "new": 1, None: 2}
    members.sort(key=lambda m: rank[m.status])  # stable: keeps the billing order within
    return CastList(show, season, members)


def _label(main: list[Credit]) -> Credit:
    """The credit whose source and day label a main cast: the first billed one that
    says when a source gave it (a sync), else the first billed."""
    billed = _billed(main)
    return next((c for c in billed if c.as_of is not None), billed[0])


def _stated(status: str | None) -> CastStatus | None:
    return "new" if status == "new" else "returning" if status == "returning" else None


def _billed(credits: list[Credit]) -> list[Credit]:
    """In the source's billing order where it gives one, else as stored."""
    return sorted(credits, key=lambda c: (c.order is None, c.order or 0))


# --- countdown ---------------------------------------------------------------------


Phase = Literal["premiere", "airing", "released"]


class NextUp(NamedTuple):
    """The next airing of a season: one episode, or several at one instant (none:
    more episodes are to come but none is listed yet)."""

    episodes: tuple[Episode, ...]
    airs: PartialDate | None
    finale: bool  # the season's last episode is among them (its episode count is known)
    whole_season: bool  # every episode of the season at once (an all-at-once drop)


class Progress(NamedTuple):
    phase: Phase
    next: NextUp | None  # the next airing, before the premiere or while airing
    first: PartialDate | None  # when its first episode airs or aired, if dated


class Premiere(NamedTuple):
    """A countdown row: a season before its premiere, while it airs (counted to its
    next episode), or released. ``when`` is what the countdown counts to."""

    show: Show
    season: Season
    countdown: Countdown
    phase: Phase = "premiere"
    next: NextUp | None = None
    when: PartialDate | None = None


def _premiere_order(row: Premiere, tz: tzinfo) -> tuple[int, date, float, str, int]:
    """TBA-released first, then dated by day in the viewer's zone and exact time, TBA last."""
    counted = row.when
    title = row.show.title.casefold()
    if counted is None:
        group = -1 if row.countdown.state == "released" else 1
        return (group, date.min, 0.0, title, row.season.number)
    if counted.at is not None:
        day = counted.at.astimezone(tz).date()
        return (0, day, counted.at.timestamp(), title, row.season.number)
    return (0, counted.earliest(), 0.0, title, row.season.number)


def _aired(episode: Episode, now: datetime, today: date) -> bool:
    """Out by ``now``: its instant has come, or (known to the day, month or year) its
    last possible day is before the viewer's ``today``, as countdown() counts it."""
    airs = episode.airs
    if airs is None:
        return False
    return airs.at <= now if airs.at is not None else airs.latest() < today


def _airing_key(episode: Episode) -> tuple[Any, ...]:
    return episode.airs.sort_key() if episode.airs is not None else ()


def season_progress(
    season: Season, episodes: list[Episode], *, now: datetime, tz: tzinfo
) -> Progress:
    """Where a season is, from its regular episodes: before its first airing,
    airing, or released. The finale is marked only when the season's episode count
    is known. Without dated episodes the phase is "premiere" with nothing next: the
    premiere alone says where the season is."""
    regular = [e for e in episodes if e.kind == "regular"]
    dated = sorted((e for e in regular if e.airs is not None), key=_airing_key)
    if not dated:
        return Progress("premiere", None, None)
    first = dated[0].airs
    total = season.episodes
    today = now.astimezone(tz).date()
    pending = [e for e in regular if not _aired(e, now, today)]
    if len(pending) == len(regular):
        return Progress("premiere", _together(regular, dated[0], total), first)
    if not pending:
        listed = max((e.number or 0 for e in regular), default=0)
        if total is not None and listed < total:  # more to come, none listed yet
            return Progress("airing", NextUp((), None, False, False), first)
        last = dated[-1]
        aired = countdown(last.airs, now=now, tz=tz) if last.airs is not None else None
        if aired is not None and aired.days == 0 and last.airs is not None and last.airs.at:
            return Progress("released", _together(regular, last, total, regular), first)
        return Progress("released", None, first)  # the last airing is not today
    coming = sorted((e for e in pending if e.airs is not None), key=_airing_key)
    if not coming:  # the next one is listed but not dated
        return Progress(
            "airing", NextUp((pending[0],), None, _finale(pending[0], total), False), first
        )
    return Progress("airing", _together(pending, coming[0], total, regular), first)


def _together(
    pending: list[Episode],
    first: Episode,
    total: int | None,
    season: list[Episode] | None = None,
) -> NextUp:
    """``first`` and the pending episodes that air at the same moment."""
    group = tuple(e for e in pending if e.airs == first.airs)
    everything = season if season is not None else pending
    whole = len(group) > 1 and len(group) == len(everything) and total in (None, len(group))
    return NextUp(group, first.airs, any(_finale(e, total) for e in group), whole)


def _finale(episode: Episode, total: int | None) -> bool:
    return total is not None and episode.number == total


_RANK = {"time": 0, "day": 1, "month": 2, "year": 3}


def _finer(one: PartialDate | None, other: PartialDate | None) -> PartialDate | None:
    """The more exact of two dates (``one`` on a tie or when the other is unknown)."""
    if one is None or other is None:
        return one or other
    return other if _RANK[other.precision] < _RANK[one.precision] else one


def as_of_now(season: Season, *, now: datetime, tz: tzinfo) -> Season:
    """A season's status as its dates give it now: a `scheduled` season whose premiere
    has passed (at its precision: the day, the month or the year is over, or the
    instant has come) is `released`. Any other status is what a source said."""
    if season.status == "scheduled" and season.premiere is not None:
        if countdown(season.premiere, now=now, tz=tz).state == "released":
            return season._replace(status="released")
    return season


def countdowns(
    store: Snapshot,
    *,
    now: datetime,
    tz: tzinfo,
    show: Show | None = None,
    include_all: bool = False,
) -> list[Premiere]:
    """What is coming up, soonest first, undated (TBA) seasons last.

    By default each show contributes its seasons that are airing (counted to their
    next episode), its next dated premiere (kept on the day it airs, once started),
    and its renewed seasons that have no date. ``include_all`` adds every season,
    released ones too. Episodes are read only for seasons that are still to air.
    """
    shows = [show] if show is not None else store.shows()
    by_slug = {item.slug: item for item in shows}
    seasons = store.seasons(show.slug if show is not None else None)
    today = now.astimezone(tz).date()
    counts = {season.key: season.episodes for season in seasons if season.episodes}
    episodes = store.airing_episodes(
        (today - timedelta(days=2)).isoformat(), show.slug if show is not None else None, counts
    )
    rows: list[Premiere] = []
    next_dated: dict[str, Premiere] = {}
    for stored in seasons:
        owner = by_slug.get(stored.show)
        if owner is None:
            continue
        season = as_of_now(stored, now=now, tz=tz)
        progress = season_progress(season, episodes.get(season.key, []), now=now, tz=tz)
        up = progress.next
        if progress.phase == "airing":
            assert up is not None
            counted = up.airs
            state = (
                countdown(counted, now=now, tz=tz)
                if counted is not None
                else Countdown("tba", "next episode TBA")
            )
        elif progress.phase == "released" and up is not None:  # its last airing was today
            counted = up.airs
            state = countdown(counted, now=now, tz=tz)
        else:
            premiere = up.airs if up is not None else progress.first
            counted = _finer(season.premiere, premiere)
            state = countdown(counted, now=now, tz=tz)
            if counted is None and (
                progress.phase == "released" or season.status in ("released", "cancelled")
            ):
                state = Countdown("released", season.status or "released")
        row = Premiere(owner, season, state, progress.phase, up, counted)
        if include_all or progress.phase == "airing" or state.state == "tba":
            rows.append(row)
        elif state.state in ("upcoming", "today") or _started_today(state, counted):
            best = next_dated.get(owner.slug)
            if best is None or _premiere_order(row, tz) < _premiere_order(best, tz):
                next_dated[owner.slug] = row
    rows.extend(next_dated.values())
    rows.sort(key=lambda row: _premiere_order(row, tz))
    return rows


def _started_today(state: Countdown, counted: PartialDate | None) -> bool:
    """A timed premiere that has begun today stays in the default view for the day."""
    return (
        state.state == "released"
        and state.days == 0
        and counted is not None
        and counted.at is not None
    )


# --- episodes -------------------------------------------------------------------------


class EpisodeRow(NamedTuple):
    episode: Episode
    countdown: Countdown  # released: aired; today / upcoming; tba: not dated
    premiere: bool  # among the season's first airing
    finale: bool  # the season's last episode (its episode count is known)


class EpisodeList(NamedTuple):
    show: Show
    season: Season | None  # the season listed (None: the show has no episodes)
    rows: list[EpisodeRow]
    seasons: list[int]  # the seasons that have episodes


def episodes_of(
    store: Snapshot, show: Show, *, season: int | None = None, now: datetime, tz: tzinfo
) -> EpisodeList:
    """A season's episodes in air order, each aired or to come, with the premiere and
    the finale marked. Without ``season``: the season airing now, else the next one
    to air, else the latest with episodes."""
    seasons = {s.number: as_of_now(s, now=now, tz=tz) for s in store.seasons(show.slug)}
    everything = store.episodes(show.slug)
    with_episodes = sorted({e.season for e in everything})
    if season is not None and season not in seasons:
        listed = ", ".join(str(n) for n in sorted(seasons)) or "none"
        raise NotFoundError(f"{show.title} has no season {season} (known seasons: {listed}).")
    if season is None:
        season = _current_season(seasons, everything, now=now, tz=tz)
        if season is None:
            return EpisodeList(show, None, [], with_episodes)
    chosen = seasons[season]
    episodes = [e for e in everything if e.season == season]
    regular = [e for e in episodes if e.kind == "regular" and e.airs is not None]
    first = min((e.airs for e in regular if e.airs), key=lambda d: d.sort_key(), default=None)
    rows = [
        EpisodeRow(
            e,
            countdown(e.airs, now=now, tz=tz),
            e.kind == "regular" and first is not None and e.airs == first,
            e.kind == "regular" and _finale(e, chosen.episodes),
        )
        for e in episodes
    ]
    return EpisodeList(show, chosen, rows, with_episodes)


def _current_season(
    seasons: dict[int, Season], episodes: list[Episode], *, now: datetime, tz: tzinfo
) -> int | None:
    by_season: dict[int, list[Episode]] = {}
    for episode in episodes:
        if episode.season in seasons:
            by_season.setdefault(episode.season, []).append(episode)
    if not by_season:
        return None
    phases = {
        number: season_progress(seasons[number], group, now=now, tz=tz)
        for number, group in by_season.items()
    }
    airing = [number for number, p in phases.items() if p.phase == "airing"]
    if airing:
        return min(airing)
    coming = [number for number, p in phases.items() if p.phase == "premiere"]
    if coming:
        return min(coming)
    return max(by_season)


def next_premiere(store: Snapshot, show: Show, *, now: datetime, tz: tzinfo) -> Premiere | None:
    """The show's soonest dated premiere still to come, else its first TBA season."""
    rows = countdowns(store, now=now, tz=tz, show=show)
    return rows[0] if rows else None


# --- news ------------------------------------------------------------------------------


class News(NamedTuple):
    mode: Literal["new", "since", "all"]
    since: date | None
    last_check: datetime | None  # when the check that this run goes on from was recorded
    recorded_check: bool  # whether this run records a check once its output is out
    items: list[Announcement]
    titles: dict[str, str]
    show: str | None  # the show a check is for (None: all shows)
    mark: int  # the seq a check records: everything committed when this was read
    zones: dict[str, str | None] = {}  # noqa: RUF012 - each show's own time zone


def local_last_day(value: PartialDate, tz: tzinfo | None) -> date:
    """The last day a date could be, for the viewer: an instant's day in ``tz``."""
    if value.at is not None and tz is not None:
        return value.at.astimezone(tz).date()
    return value.latest()


def sort_news(items: list[Announcement]) -> list[Announcement]:
    """Newest first by date, then latest committed first; undated ones last, by season
    and kind (as the model lists kinds)."""
    dated = sorted((i for i in items if i.date is not None), key=_dated_key, reverse=True)
    undated = sorted((i for i in items if i.date is None), key=_undated_key)
    return dated + undated


def _dated_key(item: Announcement) -> tuple[tuple[date, int, datetime], int]:
    assert item.date is not None
    return (item.date.sort_key(), item.seq or 0)


def _undated_key(item: Announcement) -> tuple[int, int, str]:
    kind = ANNOUNCEMENT_KINDS.index(item.kind) if item.kind in ANNOUNCEMENT_KINDS else 99
    return (item.season if item.season is not None else 999, kind, item.headline.casefold())


def news(
    store: Snapshot,
    checks: Checks,
    *,
    show: Show | None = None,
    since: date | None = None,
    record_check: bool = True,
    everything: bool = False,
    tz: tzinfo | None = None,
) -> News:
    """New since the last check, or dated on/after ``since``, or ``everything`` (undated
    ones too; it records no check).

    "New" means committed after the check: a higher seq than it recorded, never a
    clock comparison. The check to record (``mark``) is the highest seq committed
    when this snapshot was read, so whatever commits later stays new. With
    ``since``, undated announcements are left out and no check is recorded.
    """
    slug = show.slug if show is not None else None
    titles = {s.slug: s.title for s in store.shows()}
    zones = {s.slug: s.timezone for s in store.shows()}
    mark = checks.mark(slug)
    mode: Literal["new", "since", "all"]
    if everything:
        items = store.announcements(slug)
        mode, recorded = "all", False
    elif since is not None:
        # an instant's day is the viewer's: ask the store with two days to spare (no
        # zone is further from another), then keep what is on or after `since` here
        early = since - timedelta(days=2)
        items = [
            item
            for item in store.announcements(slug, dated_from=early.isoformat())
            if item.date is not None and local_last_day(item.date, tz) >= since
        ]
        mode = "since"
        recorded = False
    else:
        floor = checks.everything.seq if slug is None and checks.everything else 0
        if slug is not None and mark is not None:
            floor = mark.seq
        items = [item for item in store.announcements(slug, after=floor) if not checks.seen(item)]
        mode = "new"
        recorded = record_check
    return News(
        mode,
        since,
        None if mark is None else mark.at,
        recorded,
        sort_news(items),
        titles,
        slug,
        store.last_seq,
        zones,
    )


# --- timeline -------------------------------------------------------------------------


class Milestone(NamedTuple):
    date: PartialDate
    kind: str
    season: int | None
    headline: str
    source: str | None
    item: Announcement | None = None  # the announcement it is, if it is one


def timeline(store: Snapshot, show: Show) -> list[Milestone]:
    """Every dated milestone of a show, oldest first: news and premieres."""
    events = [
        Milestone(item.date, item.kind, item.season, item.headline, item.source, item)
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


def shows_overview(store: Snapshot, *, now: datetime, tz: tzinfo) -> list[ShowSummary]:
    """Every tracked show with its seasons and next premiere, by title."""
    by_show: dict[str, list[Season]] = {}
    for season in store.seasons():
        by_show.setdefault(season.show, []).append(as_of_now(season, now=now, tz=tz))
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
    store: Snapshot, show: Show, *, now: datetime, tz: tzinfo, news_limit: int = 5
) -> ShowDetail:
    seasons = sorted(
        (as_of_now(season, now=now, tz=tz) for season in store.seasons(show.slug)),
        key=lambda s: s.number,
    )
    items = sort_news(store.announcements(show.slug))
    return ShowDetail(
        show, seasons, next_premiere(store, show, now=now, tz=tz), items[:news_limit], len(items)
    )


# --- export and calendar -------------------------------------------------------------------


def export_dataset(
    store: Snapshot, show: Show | None = None
) -> tuple[Dataset, Iterator[Announcement]]:
    """Everything stored (or one show's records) in the import format's terms, all of
    it checked as an import would check it: the dataset without its news, and the
    news as the store gives it, a part of the history at a time."""
    store.check_zones()
    slug = show.slug if show is not None else None
    shows = [show] if show is not None else store.shows()
    data = Dataset(
        shows=shows,
        seasons=store.seasons(slug),
        credits=store.credits(slug) if slug is not None else store.all_credits(),
        announcements=[],
        feeds=[feed for feed in store.feeds(slug) if feed.show in {s.slug for s in shows}],
        episodes=store.episodes(slug),
    )
    return data, store.each_announcement(slug)


def calendar_events(
    store: Snapshot,
    show: Show | None = None,
    *,
    milestones: bool = False,
    changes: bool = False,
    episodes: bool = False,
    spoilers: bool = True,
    from_day: str | None = None,
) -> tuple[list["CalendarEvent"], int]:
    """Premieres known to the day, dated milestones, dated changes and episodes if
    asked; the count of premieres skipped.

    With ``episodes`` every airing known to the day is an event: one per episode,
    and one for episodes that air together (an all-at-once drop), the first airing
    being the premiere's own event. Without ``spoilers`` no event carries an
    episode title, an episode summary or a season synopsis.

    ``from_day`` (an ISO day) keeps only what is on or after it, reading only the
    seasons still to come or still airing, and an empty answer is no error.

    A change (a moved premiere, a new status) is news about our own records rather
    than something that happens to the show, so it stays out of the milestones
    unless asked for. Nothing to put in the calendar is an error: RFC 5545 has no
    empty VCALENDAR, and a file with no event would only confuse a calendar app.
    """
    from showtrack.errors import ShowtrackError

    shows = {s.slug: s for s in ([show] if show is not None else store.shows())}
    events: list[CalendarEvent] = []
    skipped = 0
    slug = show.slug if show is not None else None
    grouped: dict[tuple[str, int], list[Episode]] = {}
    if episodes and from_day is not None:
        grouped = store.airing_episodes(from_day, slug)
    elif episodes:
        for episode in store.episodes(slug):
            grouped.setdefault((episode.show, episode.season), []).append(episode)  # one pass
    for season in store.seasons(slug):
        owner = shows.get(season.show)
        if owner is None:
            continue
        if from_day is not None and (season.show, season.number) not in grouped:
            if season.premiere is None or season.premiere.latest().isoformat() < from_day:
                continue  # over before from_day (or not dated): not wanted
        airings = _airings(grouped.get((season.show, season.number), []))
        premiere = season.premiere
        first: tuple[Episode, ...] = ()
        opening = next(  # the first airing of a regular episode (a special is not it)
            (i for i, (_, group) in enumerate(airings) if any(e.kind == "regular" for e in group)),
            None,
        )
        if opening is not None:
            day, group = airings[opening]
            if premiere is None or premiere.earliest() == day.earliest():
                premiere = _finer(premiere, day)  # the first airing is the premiere's event
                first, airings = group, airings[:opening] + airings[opening + 1 :]
        if premiere is None or premiere.precision in ("month", "year"):
            if season.status not in ("released", "cancelled") or premiere is not None:
                skipped += 1
        else:
            events.append(_premiere_event(owner, season, premiere, first, spoilers=spoilers))
        for day, group in airings:
            if day.precision in ("day", "time"):
                events.append(_episode_event(owner, season, day, group, spoilers=spoilers))
    if milestones or changes:
        events.extend(_news_events(store, shows, slug, milestones=milestones, changes=changes))
    if from_day is not None:
        return [e for e in events if e.date.latest().isoformat() >= from_day], skipped
    if not events:
        raise ShowtrackError(_nothing_to_put(show, milestones=milestones, changes=changes))
    return events, skipped


def _airings(episodes: list[Episode]) -> list[tuple[PartialDate, tuple[Episode, ...]]]:
    """A season's dated episodes grouped by the moment they air, in air order."""
    groups: dict[PartialDate, list[Episode]] = {}
    for episode in episodes:
        if episode.airs is not None:
            groups.setdefault(episode.airs, []).append(episode)
    return sorted(
        ((day, tuple(group)) for day, group in groups.items()), key=lambda pair: pair[0].sort_key()
    )


def _premiere_event(
    owner: Show,
    season: Season,
    premiere: PartialDate,
    first: tuple[Episode, ...] = (),
    *,
    spoilers: bool = True,
) -> "CalendarEvent":
    """A premiere lasts an episode: its first episode's runtime, else the season's
    longest, which a calendar shows better than a guess (the shortest would end it
    early). With the episodes it names what airs: 'all 8 episodes', 'S4E1'."""
    from showtrack.ics import CalendarEvent, premiere_uid

    where = f" on {owner.network}" if owner.network else ""
    what = f": {_airing_words(season, first)}" if first else ""
    runtime = next((e.runtime for e in first if e.runtime), None)
    return CalendarEvent(
        uid=premiere_uid(owner, season.number),
        summary=f"{owner.title} season {season.number} premieres{where}{what}",
        date=premiere,
        description=season.synopsis if spoilers else None,
        zone=owner.timezone,
        category="premiere",
        minutes=runtime or season.runtime_max or season.runtime_min,
        show=owner.slug,
    )


def _airing_words(season: Season, group: tuple[Episode, ...]) -> str:
    """'all 8 episodes', 'S4E1', 'S4E3–E4', 'S4E10, the finale'."""
    from showtrack.render import next_label

    whole = len(group) > 1 and season.episodes in (None, len(group))
    if whole:
        return f"all {len(group)} episodes"
    label = next_label(season.number, group)
    finale = any(_finale(e, season.episodes) for e in group)
    return f"{label}, the finale" if finale else label


def _episode_event(
    owner: Show,
    season: Season,
    day: PartialDate,
    group: tuple[Episode, ...],
    *,
    spoilers: bool = True,
) -> "CalendarEvent":
    """One airing: an episode, or the episodes that air together. Its UID comes from
    its first episode, so a moved episode moves its event."""
    from showtrack.ics import CalendarEvent, episode_uid

    first = group[0]
    title = f" {first.title}" if spoilers and len(group) == 1 and first.title else ""
    runtime = next((e.runtime for e in group if e.runtime), None)
    return CalendarEvent(
        uid=episode_uid(owner, first),
        summary=f"{owner.title} {_airing_words(season, group)}{':' if title else ''}{title}",
        date=day,
        description=first.summary if spoilers and len(group) == 1 else None,
        zone=owner.timezone,
        category="episode",
        minutes=runtime or season.runtime_max or season.runtime_min,
        show=owner.slug,
    )


def _news_events(
    store: Snapshot, shows: dict[str, Show], slug: str | None, *, milestones: bool, changes: bool
) -> list["CalendarEvent"]:
    """Announcements dated to the day: milestones, changes, or both, as asked (one
    pass over the news, whatever the number of shows)."""
    events = []
    for item in store.each_announcement(slug):
        owner = shows.get(item.show)
        wanted = changes if item.kind == "change" else milestones
        if owner is None or not wanted or item.date is None:
            continue
        if item.date.precision not in ("month", "year"):
            events.append(_news_event(owner, item, item.date))
    return events


def _news_event(owner: Show, item: Announcement, day: PartialDate) -> "CalendarEvent":
    """A milestone links to the announcement's page, so the app can open the story.
    Its title names the show once: a change's headline already starts with it."""
    from showtrack.ics import CalendarEvent, milestone_uid

    named = item.headline.casefold().startswith(owner.title.casefold())
    return CalendarEvent(
        uid=milestone_uid(owner, item.id),
        summary=item.headline if named else f"{owner.title}: {item.headline}",
        date=day,
        description=item.body,
        zone=owner.timezone,
        category=item.kind,
        url=item.url,
    )


def _nothing_to_put(show: Show | None, *, milestones: bool, changes: bool) -> str:
    """Why the calendar would be empty, naming what was looked for."""
    what = "premiere"
    if milestones or changes:
        what += " or dated news" if milestones else " or dated change"
    of = show.title if show is not None else "any tracked show"
    return f"Nothing to put in a calendar: no {what} of {of} is known to the day yet."
