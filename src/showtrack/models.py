"""Plain records: what a show, season, credit and announcement are. No I/O.

They are NamedTuples (immutable, ``_replace``, ``_fields``): defining four
dataclasses was measured at about 8 ms of every command's start-up.
"""

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
CREDIT_STATUSES = ("returning", "new")
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
    show: str
    season: int
    actor: str
    character: str | None = None
    note: str | None = None
    status: str | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "show": self.show,
            "season": self.season,
            "actor": self.actor,
            "character": self.character,
            "note": self.note,
            "status": self.status,
            "source": self.source,
        }


def announcement_id(show: str, date: PartialDate | None, kind: str, headline: str) -> str:
    """Stable id from show, date, kind and headline, so re-imports dedupe."""
    import hashlib

    key = "\x1f".join((show, iso_or_none(date) or "", kind, " ".join(headline.split()).lower()))
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


class Announcement(_AnnouncementFields):
    """One dated piece of news; ``id`` is derived from show, date, kind and headline."""

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
    ) -> "Announcement":
        if not id:
            id = announcement_id(show, date, kind, headline)  # noqa: A001
        return super().__new__(
            cls, show, kind, headline, date, season, body, source, url, via, recorded_at, id
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
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
        }
