"""The one write path for facts: hand entry, import and sync all merge through here.

:func:`plan` is pure: a snapshot of the database and the incoming records in,
a change set and a report out. It matches records by their identity (each
model's ``key``), inserts what is new, updates what changed, and records a
``change`` announcement when a fact a fan cares about moves (premiere date,
episode count, status, a role). :func:`merge` runs the plan inside the store's
locked write, on the database as it is *then*, so a slow sync or a queued
writer never undoes what another wrote in the meantime.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from showtrack.changes import change_headline
from showtrack.dates import PartialDate, format_partial, iso_or_none
from showtrack.errors import DataError, ShowtrackError
from showtrack.models import (
    Announcement,
    Credit,
    Dataset,
    Episode,
    Feed,
    Season,
    Show,
    announcement_id,
    episode_order,
    name_key,
)
from showtrack.store import ChangeSet, Snapshot, Store

TABLES = ("shows", "seasons", "credits", "episodes", "announcements")  # and "feeds" from a pack


class Counts:
    __slots__ = ("added", "removed", "unchanged", "updated")

    def __init__(self) -> None:
        self.added = 0
        self.updated = 0
        self.unchanged = 0
        self.removed = 0  # main cast a source no longer lists

    def to_dict(self) -> dict[str, int]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
        }


class MergeReport:
    """What a merge did, per table and per show, and the changes it announced."""

    __slots__ = ("by_show", "changes", "counts", "withdrawn")

    def __init__(self) -> None:
        self.counts: dict[str, Counts] = {table: Counts() for table in TABLES}
        self.changes: list[Announcement] = []
        self.withdrawn: list[Announcement] = []  # unseen changes this one corrects
        self.by_show: dict[str, Counts] = {}

    def count(self, table: str, show: str, outcome: str) -> None:
        for counts in (
            self.counts.setdefault(table, Counts()),
            self.by_show.setdefault(show, Counts()),
        ):
            setattr(counts, outcome, getattr(counts, outcome) + 1)

    @property
    def written(self) -> bool:
        return any(c.added or c.updated or c.removed for c in self.counts.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": {table: counts.to_dict() for table, counts in self.counts.items()},
            "changes": [change.headline for change in self.changes],
            "withdrawn": [change.headline for change in self.withdrawn],
            "by_show": {show: counts.to_dict() for show, counts in sorted(self.by_show.items())},
        }


def _combine(old: Any, new: Any) -> Any:
    """Field-wise: the incoming value wins when it is stated."""
    if new is None or new == () or new == []:
        return old
    return new


def _merged(old: Any, new: Any, *, only: frozenset[str] | None) -> Any:
    """``old`` updated from ``new``: every stated field, or exactly the fields in ``only``
    (a hand edit, where an empty value clears the field). Identity fields keep the
    stored spelling ("Kit Connor" stays so when "kit connor." is merged into it)."""
    if only is not None:
        fields = {name: getattr(new if name in only else old, name) for name in old._fields}
    else:
        fields = {name: _combine(getattr(old, name), getattr(new, name)) for name in old._fields}
        if isinstance(new, Season) and new.runtime_min is not None:  # a runtime is one fact
            fields["runtime_max"] = new.runtime_max
    if isinstance(old, Credit):
        fields["actor"] = old.actor
    return old._replace(**fields)


def iso(value: PartialDate | None) -> str | None:
    return iso_or_none(value)


def _date_text(value: PartialDate | None) -> str:
    return format_partial(value, weekday=False)


class _Planner:
    def __init__(
        self,
        snapshot: Snapshot,
        now: datetime,
        origin: str,
        only: frozenset[str] | None,
        must_be_new: bool,
    ) -> None:
        self.snapshot = snapshot
        self.now = now
        self.origin = origin
        self.only = only
        self.must_be_new = must_be_new
        self.report = MergeReport()
        self.changes = ChangeSet()
        self.titles: dict[str, str] = {}
        self.recast: dict[Any, Credit] = {}  # new key -> the credit it replaces (an edit)

    def change(
        self, show: str, season: int | None, about: str, was: str | None, became: str | None
    ) -> None:
        today = self.now.astimezone(UTC).date()
        self.report.changes.append(
            Announcement(
                show=show,
                kind="change",
                headline=change_headline(self.titles.get(show, show), season, about, was, became),
                date=PartialDate(today.year, today.month, today.day),
                season=season,
                source=self.origin,
                about=about,
                was=was,
                became=became,
            )
        )

    def season_changes(self, old: Season, new: Season) -> None:
        if old.premiere != new.premiere:
            self.change(new.show, new.number, "premiere", iso(old.premiere), iso(new.premiere))
        if old.episodes != new.episodes:
            self.change(new.show, new.number, "episodes", _text(old.episodes), _text(new.episodes))
        if old.status != new.status:
            self.change(new.show, new.number, "status", old.status, new.status)

    def episode_changes(self, old: Episode, new: Episode) -> None:
        if old.airs != new.airs and new.airs is not None:
            about = "airs:" + episode_subject(new)
            self.change(new.show, new.season, about, iso(old.airs), iso(new.airs))

    def credit_changes(self, old: Credit, new: Credit) -> None:
        if (old.character or None) != (new.character or None):
            self.change(
                new.show,
                new.season,
                f"role:{new.actor}",
                old.character or None,
                new.character or None,
            )

    def show_changes(self, old: Show, new: Show) -> None:
        if old.status != new.status:
            self.change(new.slug, None, "status", old.status, new.status)

    def records(
        self, table: str, items: list[Any], existing: list[Any], on_change: Callable[..., None]
    ) -> list[Any]:
        """Put what is new or changed; returns the records added."""
        stored = {record.key: record for record in existing}
        pending: dict[Any, Any] = {}
        for item in items:
            if item.key in pending:  # the same record twice in one input: the later wins
                item = _merged(pending[item.key], item, only=None)
            pending[item.key] = item
        recast = _recast(stored, pending) if table == "credits" else {}
        if table == "credits":
            recast.update(self.recast)
        added = []
        for key, item in pending.items():
            owner = item.slug if table == "shows" else item.show
            old = stored.get(key) or recast.get(key)
            if old is None:
                self.changes.put_record(item)
                self.report.count(table, owner, "added")
                added.append(item)
                continue
            if self.must_be_new:
                raise ShowtrackError(
                    f"{_describe(table, old)} already exists; use 'showtrack edit'."
                )
            new = _merged(old, item, only=self.only)
            if new == old:
                self.report.count(table, owner, "unchanged")
                continue
            if isinstance(new, Credit) and new._replace(as_of=old.as_of) == old:
                self.changes.put_record(new)  # the same main cast, confirmed as of today
                self.report.count(table, owner, "unchanged")
                continue
            on_change(old, new)
            if new.key != old.key:  # the same person in another role: the record moves
                self.changes.delete_record(old)
            self.changes.put_record(new)
            self.report.count(table, owner, "updated")
        return added

    def episodes(self, incoming: Dataset) -> None:
        """Episodes by their key. A season that had episodes and gains more is news
        (one change per season); an episode whose air date moves is news, unless it
        moved with its season's premiere (an all-at-once drop, or the first episode),
        which the premiere's own change says. A source that brings a show's whole
        list of episodes removes its own episodes of that show that it no longer lists."""
        stored = self.snapshot.episodes()
        had = {(e.show, e.season) for e in stored}
        before = len(self.report.changes)
        added = self.records("episodes", incoming.episodes, stored, self.episode_changes)
        premieres = {
            (c.show, c.season, c.was, c.became)
            for c in self.report.changes
            if c.kind == "change" and c.about == "premiere"
        }
        self.report.changes[before:] = [
            c
            for c in self.report.changes[before:]
            if (c.show, c.season, c.was, c.became) not in premieres
        ]
        grown: dict[tuple[str, int], list[Episode]] = {}
        for episode in added:
            if (episode.show, episode.season) in had:
                grown.setdefault((episode.show, episode.season), []).append(episode)
        for (show, season), new in grown.items():
            labels = ", ".join(e.label for e in sorted(new, key=episode_order))
            self.change(show, season, "episodes added", None, labels)
        whole = incoming.episodes_of
        if whole:
            kept = {episode.key for episode in incoming.episodes}
            for episode in stored:
                if episode.show in whole and episode.source == whole[episode.show]:
                    if episode.key not in kept:
                        self.changes.delete_record(episode)
                        self.report.count("episodes", episode.show, "removed")

    def feeds(self, items: list[Feed], existing: list[Feed]) -> None:
        """Followed feeds from a pack: a URL already followed for the show takes the
        pack's match words and keeps what it has seen."""
        stored = {feed.key: feed for feed in existing}
        for feed in items:
            old = stored.get(feed.key)
            new = feed if old is None else old._replace(words=feed.words)
            if new == old:
                self.report.count("feeds", feed.show, "unchanged")
                continue
            self.changes.put_record(new)
            self.report.count("feeds", feed.show, "added" if old is None else "updated")

    def announcements(self, items: list[Announcement]) -> None:
        known = self.snapshot.news_seqs({item.id for item in items})
        stored = self.snapshot.announcements_by_id(known)
        taken = _Taken(self.snapshot, set(known))
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                continue
            seen.add(item.id)
            old = stored.get(item.id)
            if old is None:
                self.changes.add_news(item)
                taken.add(item.id)
                self.report.count("announcements", item.show, "added")
                continue
            new = _merged(old, item._replace(recorded_at=old.recorded_at, seq=old.seq), only=None)
            if new == old:
                self.report.count("announcements", item.show, "unchanged")
                continue
            self.changes.update_news(new)
            self.report.count("announcements", item.show, "updated")
        kept: list[Announcement] = []
        for proposed in self.report.changes:
            change = self._after_unseen(proposed)
            if change is None:
                continue
            unique = _unique(change, taken)
            taken.add(unique.id)
            kept.append(unique)
            self.changes.add_news(unique)
            self.report.count("announcements", unique.show, "added")
        self.report.changes = kept

    def _after_unseen(self, change: Announcement) -> Announcement | None:
        """A correction the fan has not seen yet replaces the change it corrects: two
        moves in a row, unseen, are one change from the oldest value to the newest,
        and a change undone before anyone looked leaves no news at all."""
        mark = self.snapshot.checks.mark(change.show)
        unseen = [
            item
            for item in (
                self.snapshot.announcements(change.show)
                if mark is None
                else self.snapshot.announcements(change.show, after=mark.seq)
            )
            if item.kind == "change"
            and item.season == change.season
            and _same_subject(item.about, change.about)
            and (mark is None or (item.seq or 0) > mark.seq)
        ]
        if not unseen:
            return change
        for item in unseen:
            self.changes.delete_news(item)
            self.report.withdrawn.append(item)
        was = min(unseen, key=lambda item: item.seq or 0).was
        if was == change.became:
            return None
        headline = change_headline(
            self.titles.get(change.show, change.show),
            change.season,
            change.about or "",
            was,
            change.became,
        )
        return Announcement(**{**change._asdict(), "headline": headline, "was": was, "id": ""})


def _recast(stored: dict[Any, Credit], pending: dict[Any, Credit]) -> dict[Any, Credit]:
    """Incoming credits that are a stored credit in another role: where an actor has,
    in a season, exactly one stored role that nothing incoming names and exactly one
    incoming role that matches nothing stored, that is a changed role (news), not a
    second one. An actor with two roles listed is two credits."""
    left: dict[Any, list[Credit]] = {}
    for key, credit in stored.items():
        if key not in pending:
            left.setdefault(credit.person, []).append(credit)
    new: dict[Any, list[Credit]] = {}
    for key, credit in pending.items():
        if key not in stored:
            new.setdefault(credit.person, []).append(credit)
    found: dict[Any, Credit] = {}
    for person, credits in new.items():  # grouped once: a big import stays linear
        olds = left.get(person, [])
        if len(olds) == 1 and len(credits) == 1:
            found[credits[0].key] = olds[0]
    return found


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)


def episode_subject(episode: Episode) -> str:
    """What an episode's change is about: 'E3', or a special by its key."""
    if episode.number is not None:
        return f"E{episode.number}"
    return "special:" + episode.key[3]


def _check_episode_seasons(snapshot: Snapshot, incoming: Dataset, origin: str) -> None:
    seasons = {s.key for s in snapshot.seasons()} | {s.key for s in incoming.seasons}
    for episode in incoming.episodes:
        if (episode.show, episode.season) not in seasons:
            raise DataError(
                f"{origin}: an episode of season {episode.season} of {episode.show!r}, a season "
                "that is not in the database; add the season first."
            )


def _same_subject(one: str | None, other: str | None) -> bool:
    """Two changes are of the same thing (a role compares the actor as identity).
    Episodes added are never folded: each addition is news of its own."""
    if one is None or other is None or one == "episodes added":
        return False
    if one.startswith("role:") and other.startswith("role:"):
        return name_key(one[5:]) == name_key(other[5:])
    return one == other


def _name_keys(show: Show) -> set[str]:
    return {name_key(name) for name in (show.slug, show.title, *show.aliases)}


def _check_names(stored: list[Show], changed: list[Show]) -> None:
    """A slug, title or alias may name one show only: refuse a change that would make
    a name another show's too (clashes already in the database are left alone)."""
    if not changed:
        return
    before = {show.slug: show for show in stored}
    after = dict(before)
    after.update((show.slug, show) for show in changed)
    owners: dict[str, list[str]] = {}  # each name key, the shows it names (computed once)
    for other in after.values():
        for key in _name_keys(other):
            owners.setdefault(key, []).append(other.slug)
    for show in changed:
        old = before.get(show.slug)
        for name in (show.slug, show.title, *show.aliases):
            key = name_key(name)
            for slug in owners.get(key, ()):
                other = after[slug]
                if other.slug == show.slug:
                    continue
                was = before.get(other.slug)
                if old is not None and was is not None and key in _name_keys(old) & _name_keys(was):
                    continue  # the two already shared it
                raise ShowtrackError(
                    f"The name {name!r} would also name {other.title} ({other.slug}): a slug, "
                    "title or alias must name one show. Choose another, e.g. with --slug or --alias."
                )


class _Taken:
    """The announcement ids in use: those stored (asked of the store one by one, so a
    large history is never listed) and those this merge adds."""

    def __init__(self, snapshot: Snapshot, known: set[str]) -> None:
        self.snapshot = snapshot
        self.ids = known

    def __contains__(self, announcement_id: object) -> bool:
        if not isinstance(announcement_id, str):
            return False
        return announcement_id in self.ids or bool(self.snapshot.news_seqs([announcement_id]))

    def add(self, announcement_id: str) -> None:
        self.ids.add(announcement_id)


def _unique(change: Announcement, taken: _Taken) -> Announcement:
    """A change with an id no stored announcement has: the same move made twice (A -> B,
    back, then A -> B again) is two changes, each recorded."""
    salt = 1
    item = change
    while item.id in taken:
        salt += 1
        item = change._replace(
            id=announcement_id(change.show, change.date, change.kind, change.headline, str(salt))
        )
    return item


def _describe(table: str, item: Any) -> str:
    if table == "shows":
        return f"A show with slug {item.slug!r}"
    if table == "seasons":
        return f"Season {item.number} of {item.show!r}"
    if table == "episodes":
        return f"{item.label} of {item.show!r}"
    return f"{item.actor} in season {item.season} of {item.show!r}"


def plan(
    snapshot: Snapshot,
    incoming: Dataset,
    *,
    now: datetime,
    origin: str,
    only: frozenset[str] | None = None,
    must_be_new: bool = False,
    recast: dict[Any, Credit] | None = None,
) -> tuple[ChangeSet, MergeReport]:
    """The changes that merge ``incoming`` into ``snapshot``, and what they do.

    A field the incoming record leaves empty keeps its stored value; with ``only``
    (hand edits) exactly those fields are taken, empty ones clearing.
    ``must_be_new`` refuses a show, season or credit that already exists.
    """
    planner = _Planner(snapshot, now, origin, only, must_be_new)
    planner.recast = dict(recast or {})
    shows = snapshot.shows()
    known = {show.slug for show in shows} | {show.slug for show in incoming.shows}
    for kind, items in (
        ("season", incoming.seasons),
        ("credit", incoming.credits),
        ("episode", incoming.episodes),
        ("announcement", incoming.announcements),
    ):
        for item in items:
            if item.show not in known:
                raise DataError(
                    f"{origin}: a {kind} for unknown show {item.show!r}; add the show first."
                )
    planner.titles = {show.slug: show.title for show in shows}
    planner.titles.update({show.slug: show.title for show in incoming.shows})
    planner.records("shows", incoming.shows, shows, planner.show_changes)
    _check_names(shows, [record for record in planner.changes.put if isinstance(record, Show)])
    if incoming.seasons:
        planner.records("seasons", incoming.seasons, snapshot.seasons(), planner.season_changes)
    if incoming.credits or incoming.main_cast_of:
        stored = snapshot.all_credits()
        planner.records("credits", incoming.credits, stored, planner.credit_changes)
        kept = {credit.key for credit in incoming.credits}
        whole = incoming.main_cast_of
        for credit in stored:  # a source's main cast is its whole main cast, as of now
            if credit.season is None and credit.key not in kept:
                if credit.show in whole and credit.source == whole[credit.show]:
                    planner.changes.delete_record(credit)  # hand-entered main cast stays
                    planner.report.count("credits", credit.show, "removed")
    if incoming.episodes or incoming.episodes_of:
        _check_episode_seasons(snapshot, incoming, origin)
        planner.episodes(incoming)
    if incoming.feeds:
        planner.feeds(incoming.feeds, snapshot.feeds())
    if incoming.announcements or planner.report.changes:
        planner.announcements(incoming.announcements)
    return planner.changes, planner.report


def merge(
    store: Store,
    incoming: Dataset | Callable[[Snapshot], Dataset],
    *,
    origin: str,
    only: frozenset[str] | None = None,
    must_be_new: bool = False,
    also: Callable[[Snapshot, ChangeSet], None] | None = None,
    recast: Callable[[Snapshot], dict[Any, Credit]] | None = None,
) -> MergeReport:
    """Merge ``incoming`` into the database in one atomic, locked write.

    ``incoming`` may be a function of the snapshot read under the lock (sync drops
    what belongs to a show or feed removed while it was fetching). ``also`` adds
    more changes to the same write (sync saves feed state).
    """

    def decide(snapshot: Snapshot, now: datetime) -> tuple[ChangeSet, MergeReport]:
        data = incoming(snapshot) if callable(incoming) else incoming
        changes, report = plan(
            snapshot,
            data,
            now=now,
            origin=origin,
            only=only,
            must_be_new=must_be_new,
            recast=recast(snapshot) if recast is not None else None,
        )
        if also is not None:
            also(snapshot, changes)
        return changes, report

    report, _ = store.write(decide)
    return report
