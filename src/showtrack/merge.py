"""The one write path for facts: hand entry, import and sync all merge through here.

``merge`` compares incoming records with the database by their keys (show slug;
show + season number; show + season + actor; announcement id), inserts what is
new, updates what changed, and records a ``change`` announcement when a fact a
fan cares about moves (premiere date, episode count, status, a role). The
whole merge is one atomic write under the store's lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from showtrack.dates import PartialDate, format_partial
from showtrack.errors import DatabaseError, DataError, ShowtrackError
from showtrack.models import Announcement, Credit, Season, Show
from showtrack.sources.jsonfile import Dataset
from showtrack.store import (
    Store,
    announcement_doc,
    announcement_from,
    credit_from,
    model_doc,
    season_from,
    show_from,
)

TABLES = ("shows", "seasons", "credits", "announcements")


@dataclass(slots=True)
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged}


@dataclass(slots=True)
class MergeReport:
    counts: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in TABLES})
    changes: list[Announcement] = field(default_factory=list)
    by_show: dict[str, Counts] = field(default_factory=dict)  # every table, per show

    def count(self, table: str, show: str, outcome: str) -> None:
        for counts in (self.counts[table], self.by_show.setdefault(show, Counts())):
            setattr(counts, outcome, getattr(counts, outcome) + 1)

    @property
    def written(self) -> bool:
        return any(c.added or c.updated for c in self.counts.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": {table: counts.to_dict() for table, counts in self.counts.items()},
            "changes": [change.headline for change in self.changes],
            "by_show": {show: counts.to_dict() for show, counts in sorted(self.by_show.items())},
        }


def _credit_key(show: str, season: int, actor: str) -> tuple[str, int, str]:
    return (show, season, " ".join(actor.split()).casefold())


def _combine(old: Any, new: Any) -> Any:
    """Field-wise: the incoming value wins when it is stated."""
    if new is None or new == () or new == []:
        return old
    return new


def _merged(old: Any, new: Any, *, only: frozenset[str] | None) -> Any:
    """``old`` updated from ``new``: every stated field, or exactly the fields in ``only``
    (a hand edit, where an empty value clears the field)."""
    if only is not None:
        fields = {name: getattr(new if name in only else old, name) for name in old._fields}
    else:
        fields = {name: _combine(getattr(old, name), getattr(new, name)) for name in old._fields}
        if isinstance(new, Season) and new.runtime_min is not None:  # a runtime is one fact
            fields["runtime_max"] = new.runtime_max
    return old._replace(**fields)


def _date_text(value: PartialDate | None) -> str:
    return format_partial(value, weekday=False)


class _Merger:
    def __init__(
        self, now: datetime, origin: str, only: frozenset[str] | None, must_be_new: bool
    ) -> None:
        self.now = now
        self.origin = origin
        self.only = only
        self.must_be_new = must_be_new
        self.report = MergeReport()
        self.titles: dict[str, str] = {}

    def change(self, show: str, season: int | None, headline: str, body: str) -> None:
        today = self.now.astimezone(UTC).date()
        self.report.changes.append(
            Announcement(
                show=show,
                kind="change",
                headline=headline,
                date=PartialDate(today.year, today.month, today.day),
                season=season,
                body=body,
                source=self.origin,
            )
        )

    def season_changes(self, old: Season, new: Season) -> None:
        title = self.titles.get(new.show, new.show)
        label = f"{title} season {new.number}"
        if old.premiere != new.premiere:
            before, after = _date_text(old.premiere), _date_text(new.premiere)
            verb = "premiere set" if old.premiere is None else "premiere moved"
            self.change(new.show, new.number, f"{label} {verb}: {before} -> {after}", "")
        if old.episodes != new.episodes:
            self.change(
                new.show,
                new.number,
                f"{label} episode count: {old.episodes or 'unknown'} -> {new.episodes or 'unknown'}",
                "",
            )
        if old.status != new.status:
            self.change(
                new.show,
                new.number,
                f"{label} status: {old.status or 'unknown'} -> {new.status or 'unknown'}",
                "",
            )

    def credit_changes(self, old: Credit, new: Credit) -> None:
        if (old.character or None) != (new.character or None):
            title = self.titles.get(new.show, new.show)
            self.change(
                new.show,
                new.season,
                f"{title} season {new.season}: {new.actor}'s role changed: "
                f"{old.character or 'unknown'} -> {new.character or 'unknown'}",
                "",
            )

    def show_changes(self, old: Show, new: Show) -> None:
        if old.status != new.status:
            self.change(
                new.slug,
                None,
                f"{new.title} status: {old.status or 'unknown'} -> {new.status or 'unknown'}",
                "",
            )


def merge(
    store: Store,
    incoming: Dataset,
    *,
    now: datetime,
    origin: str,
    only: frozenset[str] | None = None,
    must_be_new: bool = False,
    also: Callable[[Any], None] | None = None,
) -> MergeReport:
    """Merge ``incoming`` into the database in one atomic, locked write.

    Records are compared with what is stored *under the lock*, so concurrent
    writers never undo each other. A field the incoming record leaves empty keeps
    its stored value; with ``only`` (hand edits) exactly those fields are taken,
    empty ones clearing. ``must_be_new`` refuses a show, season or credit that
    already exists (hand additions). ``also`` runs inside the same write with the
    tables (sync saves feed state).
    """
    merger = _Merger(now, origin, only, must_be_new)
    report = merger.report
    with store.writing() as tables:
        try:
            _merge_all(tables, incoming, merger, origin)
        except (KeyError, TypeError, AttributeError, ValueError) as err:
            raise DatabaseError(
                f"{store.path} is damaged: a stored record is malformed ({type(err).__name__}: "
                f"{err!s:.60}). It was left untouched."
            ) from None
        if also is not None:
            also(tables)
    return report


def _merge_all(tables: Any, incoming: Dataset, merger: _Merger, origin: str) -> None:
    report = merger.report
    shows = {doc["slug"]: (doc_id, doc) for doc_id, doc in tables.records("shows").items()}
    known = set(shows) | {show.slug for show in incoming.shows}
    owners = [
        (kind, item.show)
        for kind, items in (
            ("season", incoming.seasons),
            ("credit", incoming.credits),
            ("announcement", incoming.announcements),
        )
        for item in items
    ]
    for kind, owner in owners:
        if owner not in known:
            raise DataError(f"{origin}: a {kind} for unknown show {owner!r}; add the show first.")
    merger.titles = {slug: doc["title"] for slug, (_, doc) in shows.items()}
    merger.titles.update({show.slug: show.title for show in incoming.shows})

    _merge_table(
        tables,
        "shows",
        incoming.shows,
        key=lambda s: s.slug,
        existing={slug: (doc_id, doc) for slug, (doc_id, doc) in shows.items()},
        build=show_from,
        on_change=merger.show_changes,
        merger=merger,
    )
    _merge_table(
        tables,
        "seasons",
        incoming.seasons,
        key=lambda s: (s.show, s.number),
        existing={
            (doc["show"], doc["number"]): (doc_id, doc)
            for doc_id, doc in tables.records("seasons").items()
        },
        build=season_from,
        on_change=merger.season_changes,
        merger=merger,
    )
    _merge_table(
        tables,
        "credits",
        incoming.credits,
        key=lambda c: _credit_key(c.show, c.season, c.actor),
        existing={
            _credit_key(doc["show"], doc["season"], doc["actor"]): (doc_id, doc)
            for doc_id, doc in tables.records("credits").items()
        },
        build=credit_from,
        on_change=merger.credit_changes,
        merger=merger,
    )
    _merge_announcements(tables, [*incoming.announcements, *report.changes], merger)


def _merge_table(
    tables: Any,
    table: str,
    items: list[Any],
    *,
    key: Any,
    existing: dict[Any, tuple[str, dict[str, Any]]],
    build: Any,
    on_change: Any,
    merger: _Merger,
) -> None:
    report = merger.report
    inserts: list[dict[str, Any]] = []
    replacements: dict[str, dict[str, Any]] = {}
    pending: dict[Any, Any] = {}
    for item in items:
        item_key = key(item)
        if item_key in pending:  # the same record twice in one input: the later wins
            item = _merged(pending[item_key], item, only=None)
        pending[item_key] = item
    for item_key, item in pending.items():
        owner = item.slug if table == "shows" else item.show
        found = existing.get(item_key)
        if found is None:
            inserts.append(model_doc(item))
            report.count(table, owner, "added")
            continue
        if merger.must_be_new:
            raise ShowtrackError(f"{_describe(table, item)} already exists; use 'showtrack edit'.")
        doc_id, doc = found
        old = build(doc)
        new = _merged(old, item, only=merger.only)
        if new == old:
            report.count(table, owner, "unchanged")
            continue
        on_change(old, new)
        replacements[doc_id] = model_doc(new)
        report.count(table, owner, "updated")
    tables.apply(table, insert=inserts, replace=replacements)


def _describe(table: str, item: Any) -> str:
    if table == "shows":
        return f"A show with slug {item.slug!r}"
    if table == "seasons":
        return f"Season {item.number} of {item.show!r}"
    return f"{item.actor} in season {item.season} of {item.show!r}"


def _merge_announcements(tables: Any, items: list[Announcement], merger: _Merger) -> None:
    report = merger.report
    existing = {doc["id"]: (doc_id, doc) for doc_id, doc in tables.records("announcements").items()}
    inserts: list[dict[str, Any]] = []
    replacements: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            continue
        seen.add(item.id)
        found = existing.get(item.id)
        if found is None:
            inserts.append(announcement_doc(item, merger.now))
            report.count("announcements", item.show, "added")
            continue
        doc_id, doc = found
        old = announcement_from(doc)
        new = _merged(old, item._replace(recorded_at=old.recorded_at), only=None)
        if new == old:
            report.count("announcements", item.show, "unchanged")
            continue
        assert old.recorded_at is not None
        replacements[doc_id] = announcement_doc(new, old.recorded_at)
        report.count("announcements", item.show, "updated")
    tables.apply("announcements", insert=inserts, replace=replacements)
