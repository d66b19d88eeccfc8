"""Plain records: what a show, season, credit, episode, announcement and feed are, and what
makes two of them the same record. No I/O.

They are NamedTuples (immutable, ``_replace``, ``_fields``): defining them as
dataclasses costs start-up time on every command (see the README, Performance).

Identity is defined here once, as each record's ``key``: the store, the merge
and hand entry all match records by it, so an import and a hand edit can never
disagree about whether "Kit Connor." and "kit-connor" are the same actor.
"""

import re
from datetime import datetime
from typing import Any, NamedTuple

from showtrack.dates import PartialDate, iso_or_none

SEASON_STATUSES = (
    "announced",
    "casting",
    "filming",
    "post-production",
    "scheduled",
    "released",
    "cancelled",
)
SHOW_STATUSES = ("in development", "running", "to be determined", "ended", "cancelled")
CREDIT_STATUSES = ("returning", "new")
EPISODE_KINDS = ("regular", "special")
ANNOUNCEMENT_KINDS = (
    "filming-started",
    "filming-wrapped",
    "release-date",
    "renewal",
    "casting",
    "casting-call",
    "synopsis",
    "episode-count",
    "trailer",
    "photos",
    "rumor",
    "change",
    "other",
)


def name_key(text: str) -> str:
    """A name as identity: lowercase, letters and digits only ('Kit-Connor.' -> 'kitconnor');
    a name with no letter or digit at all ('🎬✨') is compared as it is written."""
    return re.sub(r"[\W_]+", "", text.casefold()) or " ".join(text.split()).casefold()


class Show(NamedTuple):
    slug: str
    title: str
    aliases: tuple[str, ...] = ()
    network: str | None = None
    country: str | None = None
    language: str | None = None
    genres: tuple[str, ...] = ()
    timezone: str | None = None
    creator: str | None = None
    based_on: str | None = None
    status: str | None = None
    summary: str | None = None
    source: str | None = None
    tvmaze: int | None = None  # TVmaze show id, when linked for sync

    @property
    def key(self) -> str:
        return self.slug

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "aliases": list(self.aliases),
            "network": self.network,
            "country": self.country,
            "language": self.language,
            "genres": list(self.genres),
            "timezone": self.timezone,
            "creator": self.creator,
            "based_on": self.based_on,
            "status": self.status,
            "summary": self.summary,
            "source": self.source,
            "tvmaze": self.tvmaze,
        }


class Season(NamedTuple):
    show: str
    number: int
    episodes: int | None = None
    runtime_min: int | None = None
    runtime_max: int | None = None
    premiere: PartialDate | None = None
    status: str | None = None
    source_material: str | None = None
    synopsis: str | None = None
    source: str | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.show, self.number)

    @property
    def runtime(self) -> str | None:
        if self.runtime_min is None:
            return None
        if self.runtime_max is None or self.runtime_max == self.runtime_min:
            return f"{self.runtime_min} min"
        return f"{self.runtime_min}–{self.runtime_max} min"

    def to_dict(self) -> dict[str, Any]:
        return {
            "show": self.show,
            "number": self.number,
            "episodes": self.episodes,
            "runtime": None
            if self.runtime_min is None
            else {"min": self.runtime_min, "max": self.runtime_max},
            "premiere": iso_or_none(self.premiere),
            "status": self.status,
            "source_material": self.source_material,
            "synopsis": self.synopsis,
            "source": self.source,
        }


class Credit(NamedTuple):
    """One person in one role: in a season, or (``season`` None) in the show's main
    cast as a source gives it "as of" a day (TVmaze lists the current main cast,
    not per season). ``order`` is the source's billing order, when it gives one."""

    show: str
    season: int | None
    actor: str
    character: str | None = None
    note: str | None = None
    status: str | None = None
    source: str | None = None
    order: int | None = None
    as_of: PartialDate | None = None

    @property
    def key(self) -> tuple[str, int | None, str, str]:
        """One person in one role in one season (or the main cast): names compared
        as ``name_key``, so an actor with two roles is two credits."""
        return (self.show, self.season, name_key(self.actor), name_key(self.character or ""))

    @property
    def person(self) -> tuple[str, int | None, str]:
        """The actor in that season, whatever the role."""
        return (self.show, self.season, name_key(self.actor))

    def to_dict(self) -> dict[str, Any]:
        return {
            "show": self.show,
            "season": self.season,
            "actor": self.actor,
            "character": self.character,
            "note": self.note,
            "status": self.status,
            "source": self.source,
            "order": self.order,
            "as_of": iso_or_none(self.as_of),
        }


class Episode(NamedTuple):
    """One episode of a season: a regular episode has a number, a special may not.
    ``airs`` is when it first airs, at the precision a source gives (an exact
    instant, a day, a month...)."""

    show: str
    season: int
    number: int | None
    title: str | None = None
    airs: PartialDate | None = None
    runtime: int | None = None
    kind: str = "regular"
    summary: str | None = None
    source: str | None = None

    @property
    def key(self) -> tuple[str, int, int | None, str]:
        """A numbered episode by its number; a special without one by its title (or,
        untitled, its air date)."""
        if self.number is not None:
            return (self.show, self.season, self.number, "")
        return (self.show, self.season, None, special_key(self.title, iso_or_none(self.airs)))

    @property
    def label(self) -> str:
        """'S2E3', or 'S2 special' for a special without a number."""
        if self.number is None:
            return f"S{self.season} special"
        return f"S{self.season}E{self.number}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "show": self.show,
            "season": self.season,
            "number": self.number,
            "title": self.title,
            "airs": iso_or_none(self.airs),
            "runtime": self.runtime,
            "kind": self.kind,
            "summary": self.summary,
            "source": self.source,
        }


def episode_order(episode: Episode) -> tuple[Any, ...]:
    """By season, then when it airs (undated last), then number: an episode aired out
    of order sits where it aired, and specials between the episodes they aired among."""
    airs = episode.airs
    return (
        episode.show,
        episode.season,
        airs is None,
        airs.sort_key() if airs is not None else (),
        episode.number is None,
        episode.number or 0,
        episode.title or "",
    )


def special_key(title: str | None, airs: str | None) -> str:
    return name_key(title) if title else (airs or "")


def announcement_id(
    show: str, date: PartialDate | None, kind: str, headline: str, salt: str = ""
) -> str:
    """Stable id from show, date, kind and headline, so re-imports dedupe.

    ``salt`` tells apart two announcements with the same words (a premiere moved
    A -> B twice on one day is two changes, not one).
    """
    import hashlib

    key = "\x1f".join((show, iso_or_none(date) or "", kind, " ".join(headline.split()).lower()))
    if salt:
        key += "\x1f" + salt
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class _AnnouncementFields(NamedTuple):
    show: str
    kind: str
    headline: str
    date: PartialDate | None = None
    season: int | None = None
    body: str | None = None
    source: str | None = None
    url: str | None = None
    via: str | None = None
    recorded_at: datetime | None = None
    id: str = ""
    seq: int | None = None
    about: str | None = None  # for a change: what changed ("premiere", "status", "role:kitconnor")
    was: str | None = None  # for a change: the value before, as stored ("2023-08-03")
    became: str | None = None  # for a change: the value after


class Announcement(_AnnouncementFields):
    """One piece of news; ``id`` is derived from show, date, kind and headline.

    ``seq`` is the number the store gave it when it was committed (it only grows,
    so "new since a check" is "a higher seq"); ``recorded_at`` is the instant of
    that commit, kept as information, never as an order.
    """

    __slots__ = ()

    def __new__(
        cls,
        show: str,
        kind: str,
        headline: str,
        date: PartialDate | None = None,
        season: int | None = None,
        body: str | None = None,
        source: str | None = None,
        url: str | None = None,
        via: str | None = None,
        recorded_at: datetime | None = None,
        id: str = "",  # noqa: A002 - the field's name in the data model
        seq: int | None = None,
        about: str | None = None,
        was: str | None = None,
        became: str | None = None,
    ) -> "Announcement":
        if not id:
            id = announcement_id(show, date, kind, headline)  # noqa: A001
        return super().__new__(
            cls,
            show,
            kind,
            headline,
            date,
            season,
            body,
            source,
            url,
            via,
            recorded_at,
            id,
            seq,
            about,
            was,
            became,
        )

    @property
    def key(self) -> str:
        return self.id

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seq": self.seq,
            "show": self.show,
            "season": self.season,
            "date": iso_or_none(self.date),
            "kind": self.kind,
            "headline": self.headline,
            "body": self.body,
            "source": self.source,
            "url": self.url,
            "via": self.via,
            "recorded_at": None
            if self.recorded_at is None
            else self.recorded_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "about": self.about,
            "was": self.was,
            "became": self.became,
        }


class Target(NamedTuple):
    """Where notifications go: an Apprise URL, what it wants, and what it was sent.

    ``cursor`` is the highest announcement seq this target has been notified of
    (None: not started for this database yet); ``reminded`` holds the keys of the
    reminders already sent, one per (event, its time, offset). Targets live in a
    file of their own beside the database, never in the database or an export.
    """

    id: int
    url: str
    shows: tuple[str, ...] = ()  # only these shows; () every show
    kinds: tuple[str, ...] | None = None  # only these kinds of news; None every kind
    remind: tuple[int, ...] = ()  # seconds before an airing, largest first; () none
    cursor: int | None = None
    reminded: frozenset[str] = frozenset()


class Feed(NamedTuple):
    """A news feed followed for a show, with what sync needs to fetch it politely."""

    show: str
    url: str
    words: tuple[str, ...] = ()
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    seen: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.show, self.url)

    def to_dict(self) -> dict[str, Any]:
        return {
            "show": self.show,
            "url": self.url,
            "words": list(self.words),
            "title": self.title,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "seen": list(self.seen),
        }


Record = Show | Season | Credit | Episode | Feed


class Dataset:
    """Records to merge: what one import, sync or hand entry brings, already validated."""

    __slots__ = (
        "announcements",
        "credits",
        "episodes",
        "episodes_of",
        "feeds",
        "main_cast_of",
        "seasons",
        "shows",
    )

    def __init__(
        self,
        shows: list[Show] | None = None,
        seasons: list[Season] | None = None,
        credits: list[Credit] | None = None,
        announcements: list[Announcement] | None = None,
        feeds: list["Feed"] | None = None,
        episodes: list[Episode] | None = None,
    ) -> None:
        self.shows: list[Show] = shows if shows is not None else []
        self.seasons: list[Season] = seasons if seasons is not None else []
        self.credits: list[Credit] = credits if credits is not None else []
        self.announcements: list[Announcement] = announcements if announcements is not None else []
        self.feeds: list[Feed] = feeds if feeds is not None else []
        self.episodes: list[Episode] = episodes if episodes is not None else []
        #: show slug -> source, when this brings that source's whole main cast of the
        #: show (a sync): that source's main-cast credits it leaves out are removed
        self.main_cast_of: dict[str, str] = {}
        #: the same for episodes: that source's episodes of the show it leaves out go
        self.episodes_of: dict[str, str] = {}

    def extend(self, other: "Dataset") -> None:
        self.shows.extend(other.shows)
        self.seasons.extend(other.seasons)
        self.credits.extend(other.credits)
        self.announcements.extend(other.announcements)
        self.feeds.extend(other.feeds)
        self.episodes.extend(other.episodes)
        self.main_cast_of.update(other.main_cast_of)
        self.episodes_of.update(other.episodes_of)

    def __repr__(self) -> str:
        return (
            f"Dataset({len(self.shows)} shows, {len(self.seasons)} seasons, "
            f"{len(self.credits)} credits, {len(self.episodes)} episodes, "
            f"{len(self.announcements)} announcements)"
        )


class Check(NamedTuple):
    """One recorded ``news`` check: everything up to ``seq`` was shown to the fan."""

    seq: int
    at: datetime  # when the check was recorded (information only)


class Checks(NamedTuple):
    """The fan's reading state: the last plain check and the per-show ones."""

    everything: Check | None = None
    shows: dict[str, Check] = {}  # noqa: RUF012 - never mutated; replaced whole

    def mark(self, show: str | None = None) -> Check | None:
        """The check that covers ``show`` (or all news): the higher of the two."""
        marks = [self.everything, self.shows.get(show) if show is not None else None]
        known = [mark for mark in marks if mark is not None]
        return max(known, key=lambda mark: mark.seq) if known else None

    def seen(self, item: Announcement) -> bool:
        """Whether the fan was already shown ``item`` (by a plain or a per-show check)."""
        mark = self.mark(item.show)
        return mark is not None and item.seq is not None and item.seq <= mark.seq

    @property
    def highest(self) -> int:
        """The highest seq any check has covered (0 when there is none)."""
        return max([0, *(mark.seq for mark in self.all())])

    def all(self) -> list[Check]:
        return [*([self.everything] if self.everything else []), *self.shows.values()]
