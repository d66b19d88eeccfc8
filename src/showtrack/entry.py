"""Hand entry: add, edit and remove records from the command line.

Values typed by the user are checked by the same validators as an import file
(so an option gets the same message a file field would), before anything is
locked. What a command then changes is decided from the database as it is
under the lock: an edit applies its fields to the record stored *now*, an
addition is refused if the record appeared meanwhile, and a removal deletes
what refers to the record at that moment.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, NamedTuple

from showtrack.dates import zone
from showtrack.errors import DataError, NotFoundError, ShowtrackError, UsageError
from showtrack.merge import MergeReport, merge
from showtrack.models import (
    Announcement,
    Credit,
    Dataset,
    Episode,
    Feed,
    Record,
    Season,
    Show,
    name_key,
)
from showtrack.sources.jsonfile import (
    parse_announcement,
    parse_credit,
    parse_episode,
    parse_season,
    parse_show,
)
from showtrack.store import ChangeSet, Snapshot, Store

HAND = "hand entry"


def slugify(title: str) -> str:
    """'The Bear (2022)!' -> 'the-bear-2022'; letters of any script are transliterated
    ('Élite' -> 'elite', 'Pokémon' -> 'pokemon', '진격의 거인' -> 'jingyeogui-geoin')."""
    from anyascii import anyascii

    slug = re.sub(r"[^a-z0-9]+", "-", anyascii(title).casefold()).strip("-")
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


def _only(fields: dict[str, Any]) -> frozenset[str]:
    only = {name for name, value in fields.items() if value is not None}
    if "runtime" in only:
        only |= {"runtime_min", "runtime_max"}
    return frozenset(only)


def _current_show(snapshot: Snapshot, show: Show) -> Show:
    """The show as stored now (it may have been removed since it was looked up)."""
    current = snapshot.show(show.slug)
    if current is None:
        raise NotFoundError(f"{show.title} is no longer in the database; nothing was changed.")
    return current


# --- shows ---------------------------------------------------------------------------


def add_show(store: Store, *, title: str, slug: str | None, fields: dict[str, Any]) -> Show:
    slug = slug or slugify(title)
    if not slug:
        raise UsageError(
            "--slug: the title gives no usable slug; pass --slug, e.g. --slug my-show."
        )
    data = Dataset()
    _valid(parse_show, {"slug": slug, "title": title, **_stated(fields)}, "", data)
    merge(store, data, origin=HAND, must_be_new=True)
    return data.shows[0]


def _show_with(show: Show, fields: dict[str, Any]) -> Show:
    """``show`` with the fields given replaced (an empty one clears), checked."""
    record = {key: value for key, value in show.to_dict().items() if value not in (None, [])}
    record.update(_stated(fields))
    record = {key: value for key, value in record.items() if value not in ("", [])}
    data = Dataset()
    _valid(parse_show, record, "", data)
    return data.shows[0]


def edit_show(store: Store, show: Show, *, fields: dict[str, Any]) -> MergeReport:
    store.snapshot.check_zones()  # a stored zone is damage, not the user's mistake
    _show_with(show, fields)  # checked before the lock is taken

    def incoming(snapshot: Snapshot) -> Dataset:
        return Dataset(shows=[_show_with(_current_show(snapshot, show), fields)])

    return merge(store, incoming, origin=HAND, only=_only(fields))


def add_show_from_tvmaze(
    store: Store,
    tvmaze_id: int,
    *,
    title: str | None,
    slug: str | None,
    now: datetime,
    fields: dict[str, Any] | None = None,
) -> Show:
    """Create a show from TVmaze (one request, made before the lock) and link it.

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
    mapped = tvmaze.map_show(payload, slug=slug, now=now)
    if not mapped.dataset.shows:
        raise DataError(f"TVmaze show {tvmaze_id} could not be read: {'; '.join(mapped.warnings)}.")
    if title or stated:
        mapped.dataset.shows[0] = _show_with(mapped.dataset.shows[0], {**stated, "title": title})

    def incoming(snapshot: Snapshot) -> Dataset:
        if snapshot.show(slug) is not None:
            raise ShowtrackError(
                f"A show with slug {slug!r} already exists; link it with "
                f"'showtrack edit show {slug} --tvmaze {tvmaze_id}'."
            )
        return mapped.dataset

    merge(store, incoming, origin="TVmaze")
    return mapped.dataset.shows[0]


# --- feeds ---------------------------------------------------------------------------


class FeedResult(NamedTuple):
    feed: Feed
    updated: bool  # the URL was already followed: its match words were updated


def add_feed(store: Store, show: Show, url: str, match: str | None) -> FeedResult:
    """Follow a feed; a URL already followed for the show keeps what it has seen and
    takes the new match words."""
    if not re.match(r"https?://[^\s/]+", url) or len(url) > 2000:
        raise UsageError(f"{url[:80]!r} is not an http(s) URL.")
    words = tuple(word.strip() for word in (match or "").split(",") if word.strip())

    def decide(snapshot: Snapshot, _now: datetime) -> tuple[ChangeSet, FeedResult]:
        _current_show(snapshot, show)
        old = next((feed for feed in snapshot.feeds(show.slug) if feed.url == url), None)
        feed = (
            Feed(show=show.slug, url=url, words=words) if old is None else old._replace(words=words)
        )
        changes = ChangeSet()
        if feed != old:
            changes.put_record(feed)
        return changes, FeedResult(feed, old is not None)

    result, _ = store.write(decide)
    return result


def find_feed(url: str, *, fetcher: Any = None) -> tuple[str, str | None]:
    """The feed to follow for ``url`` (fetched once, before any lock): the URL itself
    when it is a feed, or the first feed a web page names in its
    ``<link rel="alternate">`` (feed autodiscovery). The second value says what was
    done, for the user. SourceError when neither."""
    from showtrack.sources import feeds as feed_source
    from showtrack.sources import http

    fetch = fetcher or http.fetch
    got = fetch(url, total=30.0)
    try:
        feed_source.parse_feed(got.body, show="check", words=[], url=url, base=got.url)
    except feed_source.WebPageError as err:
        if not err.feeds:
            raise
        found = err.feeds[0]
        again = fetch(found, total=30.0)
        feed_source.parse_feed(again.body, show="check", words=[], url=found, base=again.url)
        more = f" (it names {len(err.feeds) - 1} more)" if len(err.feeds) > 1 else ""
        return found, f"{url} is a web page; following the feed it names: {found}{more}."
    return url, None


def remove_feed(store: Store, show: str, url: str) -> None:
    """Stop following a feed of ``show`` (a slug: the show itself may be gone)."""

    def decide(snapshot: Snapshot, _now: datetime) -> tuple[ChangeSet, None]:
        found = [feed for feed in snapshot.feeds(show) if feed.url == url]
        if not found:
            raise NotFoundError(f"{show} has no feed {url!r} ('showtrack feed list' shows them).")
        changes = ChangeSet()
        for feed in found:
            changes.delete_record(feed)
        return changes, None

    store.write(decide)


# --- seasons ---------------------------------------------------------------------------


def _find_season(snapshot: Snapshot, show: Show, number: int) -> Season | None:
    return next((s for s in snapshot.seasons(show.slug) if s.number == number), None)


def _season_record(season: Season) -> dict[str, Any]:
    record = season.to_dict()
    record.pop("show")
    return record


def add_season(
    store: Store, show: Show, number: int, *, fields: dict[str, Any], tz: str | None
) -> Season:
    _checked_zone(tz)
    season = _valid(
        parse_season, {"number": number, **_stated(fields)}, "", show.slug, tz or show.timezone
    )
    assert isinstance(season, Season)

    def incoming(snapshot: Snapshot) -> Dataset:
        _current_show(snapshot, show)
        if _find_season(snapshot, show, number) is not None:
            raise ShowtrackError(
                f"{show.title} already has season {number}; use "
                f"'showtrack edit season {show.slug} {number}'."
            )
        return Dataset(seasons=[season])

    merge(store, incoming, origin=HAND)
    return season


def edit_season(
    store: Store, show: Show, number: int, *, fields: dict[str, Any], tz: str | None
) -> MergeReport:
    _checked_zone(tz)

    def edited(snapshot: Snapshot) -> Dataset:
        old = _find_season(snapshot, show, number)
        if old is None:
            raise NotFoundError(
                f"{show.title} has no season {number}; add it with 'showtrack add season'."
            )
        record = _season_record(old)
        record.update(_stated(fields))
        record = {key: value for key, value in record.items() if value not in ("", None)}
        season = _valid(parse_season, record, "", show.slug, tz or show.timezone)
        return Dataset(seasons=[season])

    edited(store.snapshot)  # checked before the lock is taken
    return merge(store, edited, origin=HAND, only=_only(fields))


# --- cast ------------------------------------------------------------------------------------


def _find_credit(
    snapshot: Snapshot, show: Show, season: int | None, actor: str, role: str | None = None
) -> Credit | None:
    """The actor's credit in a season; with several roles there, ``role`` picks one."""
    wanted = (show.slug, season, name_key(actor))
    found = [c for c in snapshot.credits(show.slug) if c.person == wanted]
    if role is not None:
        found = [c for c in found if name_key(c.character or "") == name_key(role)]
    if len(found) > 1:
        roles = ", ".join(repr(c.character or "unknown") for c in found)
        raise UsageError(
            f"{found[0].actor} has {len(found)} roles in season {season} of {show.title} "
            f"({roles}); say which with --role."
        )
    return found[0] if found else None


def add_credit(store: Store, show: Show, *, fields: dict[str, Any]) -> Credit:
    credit = _valid(parse_credit, _stated(fields), "", show.slug)
    assert isinstance(credit, Credit)

    def incoming(snapshot: Snapshot) -> Dataset:
        _current_show(snapshot, show)
        if credit.season is not None:
            _season_exists(snapshot, show, credit.season, "cast")
        # the same role, or the actor again with no role said: the credit that is there
        already = [
            c
            for c in snapshot.credits(show.slug)
            if c.person == credit.person and (credit.character is None or c.key == credit.key)
        ]
        if already:
            raise ShowtrackError(
                f"{credit.actor} is already in season {credit.season} of {show.title}"
                f"{' as ' + repr(credit.character) if credit.character else ''}; "
                "use 'showtrack edit cast'."
            )
        return Dataset(credits=[credit])

    merge(store, incoming, origin=HAND)
    return credit


def edit_credit(
    store: Store,
    show: Show,
    season: int,
    actor: str,
    *,
    fields: dict[str, Any],
    role: str | None = None,
) -> MergeReport:
    def target(snapshot: Snapshot) -> tuple[Credit, Credit]:
        old = _find_credit(snapshot, show, season, actor, role)
        if old is None:
            raise NotFoundError(f"No {actor!r} in season {season} of {show.title}.")
        record = old.to_dict()
        record.pop("show")
        record.update(_stated(fields))
        record = {key: value for key, value in record.items() if value not in ("", None)}
        new = _valid(parse_credit, record, "", show.slug)
        assert isinstance(new, Credit)
        return old, new

    target(store.snapshot)  # checked before the lock is taken
    return merge(
        store,
        lambda snapshot: Dataset(credits=[target(snapshot)[1]]),
        origin=HAND,
        only=_only(fields),
        recast=lambda snapshot: (lambda pair: {pair[1].key: pair[0]})(target(snapshot)),
    )


# --- episodes ------------------------------------------------------------------------------


def parse_numbers(text: str | None) -> list[int | None]:
    """--number: '3', or a run '1-8' (episodes that air together); none: a special."""
    if text is None:
        return [None]
    match = re.fullmatch(r"\s*(\d{1,5})\s*(?:[-–]\s*(\d{1,5})\s*)?", text)
    if match is None:
        raise UsageError(f"--number: {text[:40]!r} is not an episode number or a run like 1-8.")
    first = int(match[1])
    last = int(match[2]) if match[2] else first
    if last < first or last - first >= 1000:
        raise UsageError(f"--number: {text!r} is not a run from a lower number to a higher one.")
    return list(range(first, last + 1))


def _find_episode(
    snapshot: Snapshot, show: Show, season: int, number: int | None, special: str | None
) -> Episode | None:
    for episode in snapshot.episodes(show.slug, season):
        if number is not None and episode.number == number:
            return episode
        if number is None and episode.number is None and special is not None:
            if name_key(episode.title or "") == name_key(special):
                return episode
    return None


def _episode_name(show: Show, season: int, number: int | None, special: str | None) -> str:
    if number is not None:
        return f"S{season}E{number} of {show.title}"
    return f"the season {season} special {special!r} of {show.title}"


def add_episodes(
    store: Store,
    show: Show,
    season: int,
    numbers: list[int | None],
    *,
    fields: dict[str, Any],
    tz: str | None,
) -> list[Episode]:
    """Add episodes by hand: one, or a run of numbers that air together (a drop).
    A special has no number and needs a title."""
    _checked_zone(tz)
    if numbers == [None] and not fields.get("title"):
        raise UsageError("A special (no --number) needs a --title to tell it apart.")
    record = _stated(fields)
    episodes = [
        _valid(
            parse_episode,
            {**record, "season": season, "number": number},
            "",
            show.slug,
            tz or show.timezone,
        )
        for number in numbers
    ]

    def incoming(snapshot: Snapshot) -> Dataset:
        _current_show(snapshot, show)
        _season_exists(snapshot, show, season, "episodes")
        for episode in episodes:
            title = episode.title if episode.number is None else None
            if _find_episode(snapshot, show, season, episode.number, title) is not None:
                raise ShowtrackError(
                    f"{_episode_name(show, season, episode.number, title)} is already there; "
                    "use 'showtrack edit episode'."
                )
        return Dataset(episodes=list(episodes))

    merge(store, incoming, origin=HAND)
    return list(episodes)


def edit_episode(
    store: Store,
    show: Show,
    season: int,
    number: int | None,
    special: str | None,
    *,
    fields: dict[str, Any],
    tz: str | None,
) -> MergeReport:
    """Change an episode; a moved air date is recorded as news."""
    _checked_zone(tz)

    def edited(snapshot: Snapshot) -> tuple[Episode, Episode]:
        old = _find_episode(snapshot, show, season, number, special)
        if old is None:
            raise NotFoundError(f"No {_episode_name(show, season, number, special)}.")
        record = old.to_dict()
        record.pop("show")
        record.update(_stated(fields))
        record = {key: value for key, value in record.items() if value not in ("", None)}
        new = _valid(parse_episode, record, "", show.slug, tz or show.timezone)
        assert isinstance(new, Episode)
        return old, new

    def incoming(snapshot: Snapshot) -> Dataset:
        old, new = edited(snapshot)
        data = Dataset(episodes=[new])
        if new.key != old.key:  # a special renamed: the record moves
            raise UsageError("A special's title is what names it; remove it and add it again.")
        return data

    edited(store.snapshot)  # checked before the lock is taken
    return merge(store, incoming, origin=HAND, only=_only(fields))


# --- news ---------------------------------------------------------------------------------------


def add_news(store: Store, show: Show, *, fields: dict[str, Any]) -> tuple[Announcement, str]:
    """Add an announcement. The outcome is "added", "updated" (the same news was
    there, and what was given differs: it goes through the merge as an update) or
    "unchanged" (nothing was written)."""
    item = _valid(parse_announcement, _stated(fields), "", show.slug)
    assert isinstance(item, Announcement)

    def incoming(snapshot: Snapshot) -> Dataset:
        _current_show(snapshot, show)
        if item.season is not None:
            _season_exists(snapshot, show, item.season, "news")
        return Dataset(announcements=[item])

    counts = merge(store, incoming, origin=HAND).counts["announcements"]
    outcome = "added" if counts.added else "updated" if counts.updated else "unchanged"
    return item, outcome


NEWS_FIELDS = ("headline", "kind", "date", "season", "body", "source", "url", "via")


def edit_news(store: Store, show: Show, start: str, *, fields: dict[str, Any]) -> Announcement:
    """Change an announcement's words, date, kind, season, text, source or link. It
    keeps its id and seq: an edit is not news, and what was seen stays seen."""

    def decide(snapshot: Snapshot, _now: datetime) -> tuple[ChangeSet, Announcement]:
        old = _find_news(snapshot, show, start)
        record = {key: value for key, value in old.to_dict().items() if key in NEWS_FIELDS}
        for key in ("about", "was", "became"):
            if getattr(old, key) is not None:
                record[key] = getattr(old, key)
        record.update(_stated(fields))
        record = {key: value for key, value in record.items() if value not in ("", None)}
        new = _valid(parse_announcement, record, "", show.slug)
        assert isinstance(new, Announcement)
        if new.season is not None and new.season != old.season:
            _season_exists(snapshot, show, new.season, "news")
        new = new._replace(id=old.id, seq=old.seq, recorded_at=old.recorded_at)
        changes = ChangeSet()
        if new != old:
            changes.update_news(new)
        return changes, new

    edited, _ = store.write(decide)
    return edited


def _season_exists(snapshot: Snapshot, show: Show, number: int, what: str) -> None:
    if _find_season(snapshot, show, number) is None:
        raise NotFoundError(
            f"{show.title} has no season {number}, so it can't have {what} for it; add the "
            f"season first: showtrack add season {show.slug} {number}"
        )


# --- removal ---------------------------------------------------------------------------------------


class Removal(NamedTuple):
    """What a removal will delete, described before it happens."""

    table: str
    description: str
    show: str
    season: int | None = None
    actor: str | None = None
    announcement: str | None = None
    credit_key: Any = None  # the credit's (or episode's) key


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _show_contents(snapshot: Snapshot, show: Show) -> str:
    episodes = len(snapshot.episodes(show.slug))
    parts = [
        _plural(len(snapshot.seasons(show.slug)), "season"),
        *([_plural(episodes, "episode")] if episodes else []),
        _plural(len(snapshot.credits(show.slug)), "credit"),
        _plural(snapshot.news_count(show.slug), "announcement"),
        _plural(len(snapshot.feeds(show.slug)), "followed feed"),
    ]
    return f"{show.title} with its {', '.join(parts[:-1])} and {parts[-1]}"


def _season_contents(snapshot: Snapshot, show: Show, number: int) -> str:
    credits = len(snapshot.credits(show.slug, number))
    episodes = len(snapshot.episodes(show.slug, number))
    parts = [_plural(n, word) for n, word in ((episodes, "episode"), (credits, "credit")) if n]
    return f"season {number} of {show.title}" + (
        f" with its {' and '.join(parts)}" if parts else ""
    )


def plan_removal(
    snapshot: Snapshot,
    what: str,
    show: Show,
    *,
    season: int | None = None,
    actor: str | None = None,
    announcement: str | None = None,
    role: str | None = None,
    number: int | None = None,
    special: str | None = None,
) -> Removal:
    """Check that the target exists and describe it, so the user can confirm."""
    if what == "show":
        return Removal("shows", _show_contents(snapshot, show), show.slug)
    if what == "season":
        assert season is not None
        if _find_season(snapshot, show, season) is None:
            raise NotFoundError(f"{show.title} has no season {season}.")
        return Removal(
            "seasons", _season_contents(snapshot, show, season), show.slug, season=season
        )
    if what == "episode":
        assert season is not None
        found_episode = _find_episode(snapshot, show, season, number, special)
        if found_episode is None:
            raise NotFoundError(f"No {_episode_name(show, season, number, special)}.")
        return Removal(
            "episodes",
            _episode_name(show, season, number, found_episode.title),
            show.slug,
            season,
            credit_key=found_episode.key,
        )
    if what == "cast":
        assert season is not None
        assert actor is not None
        credit = _find_credit(snapshot, show, season, actor, role)
        if credit is None:
            raise NotFoundError(f"No {actor!r} in season {season} of {show.title}.")
        return Removal(
            "credits",
            f"{credit.actor} from season {season} of {show.title}",
            show.slug,
            season,
            credit.actor,
            credit_key=credit.key,
        )
    assert announcement is not None
    found = _find_news(snapshot, show, announcement)
    return Removal(
        "announcements", f"the announcement {found.headline!r}", show.slug, announcement=found.id
    )


def _find_news(snapshot: Snapshot, show: Show, start: str) -> Announcement:
    wanted = start.strip().lower()
    if not wanted:
        raise UsageError("Give the announcement's id (or its start), as 'showtrack news' shows it.")
    matches = [a for a in snapshot.announcements(show.slug) if wanted and a.id.startswith(wanted)]
    if not matches:
        raise NotFoundError(f"No announcement of {show.title} has an id starting {start!r}.")
    if len(matches) > 1:
        raise UsageError(
            f"{len(matches)} announcements have ids starting {start!r}; give more of the id."
        )
    return matches[0]


def remove(store: Store, plan: Removal) -> str:
    """Delete what ``plan`` describes, and whatever refers to it, in one atomic write.
    Returns what was removed, as it was under the lock."""

    def decide(snapshot: Snapshot, _now: datetime) -> tuple[ChangeSet, str]:
        changes = ChangeSet()
        show = snapshot.show(plan.show)
        description = plan.description
        if plan.table == "shows":
            if show is None:
                raise DataError(f"Nothing to remove: {plan.description} is already gone.")
            description = _show_contents(snapshot, show)
            changes.delete_record(show)
            dependents: list[Record] = [
                *snapshot.seasons(show.slug),
                *snapshot.credits(show.slug),
                *snapshot.episodes(show.slug),
                *snapshot.feeds(show.slug),
            ]
            for record in dependents:
                changes.delete_record(record)
            for item in snapshot.announcements(show.slug):
                changes.delete_news(item)
        elif plan.table == "seasons":
            season = next((s for s in snapshot.seasons(plan.show) if s.number == plan.season), None)
            if season is not None and show is not None:
                description = _season_contents(snapshot, show, season.number)
                changes.delete_record(season)
                for credit in snapshot.credits(plan.show, plan.season):
                    changes.delete_record(credit)
                for episode in snapshot.episodes(plan.show, plan.season):
                    changes.delete_record(episode)
        elif plan.table == "credits":
            for credit in snapshot.credits(plan.show):
                if credit.key == plan.credit_key:
                    changes.delete_record(credit)
        elif plan.table == "episodes":
            for episode in snapshot.episodes(plan.show, plan.season):
                if episode.key == plan.credit_key:
                    changes.delete_record(episode)
        else:
            for item in snapshot.announcements(plan.show):
                if item.id == plan.announcement:
                    changes.delete_news(item)
        if not changes:
            raise DataError(f"Nothing to remove: {plan.description} is already gone.")
        return changes, description

    description, _ = store.write(decide)
    return description
