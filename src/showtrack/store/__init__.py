"""The typed store: the only owner of the database files.

Reads give a :class:`Snapshot`: one consistent reading of the file, handing
out models (never TinyDB documents or doc ids). A write is a function from the
snapshot read *under the lock* to a :class:`ChangeSet`; :meth:`Store.write`
takes the lock, re-reads the file if another process changed it, calls the
function, and applies its changes atomically, giving every new announcement
the next ``seq`` from a counter that only grows and the commit's instant as
``recorded_at``. Nothing decides a write from what it read before the lock,
so writers can't undo each other, and order comes from the counter, never from
a clock.

Modules: ``layout`` (the bytes on disk), ``codec`` (records <-> models, checked),
``migrations`` (schema versions), ``durable`` (lock, atomic replace, paths),
``reading`` (the fan's reading state, in a small file of its own).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from showtrack.errors import DatabaseError
from showtrack.models import (
    Announcement,
    Check,
    Checks,
    Credit,
    Dataset,
    Episode,
    Feed,
    Record,
    Season,
    Show,
    episode_order,
)
from showtrack.store import codec, durable, layout, migrations, reading, targets
from showtrack.store.durable import LOCK_TIMEOUT, atomic_write
from showtrack.store.migrations import SCHEMA_VERSION
from showtrack.store.targets import Targets

__all__ = [
    "LOCK_TIMEOUT",
    "SCHEMA_VERSION",
    "ChangeSet",
    "Commit",
    "Snapshot",
    "Store",
    "atomic_write",
    "bundled_dataset",
]

T = TypeVar("T")
HEAD = ("shows", "seasons", "credits", "feeds", "episodes")
TABLE_OF: dict[type, str] = {
    Show: "shows",
    Season: "seasons",
    Credit: "credits",
    Feed: "feeds",
    Episode: "episodes",
}


# --- reading ------------------------------------------------------------------------------


class Snapshot:
    """The database as one read saw it. Every record handed out is a checked model."""

    __slots__ = ("_cache", "_loaded", "migrated_checks", "needs_save", "path")

    def __init__(
        self, path: Path, loaded: layout.Loaded, migrated_checks: Checks | None = None
    ) -> None:
        self.path = path
        self._loaded = loaded
        self._cache: dict[str, Any] = {}
        self.migrated_checks = migrated_checks  # an older file's own reading state
        self.needs_save = migrated_checks is not None

    @property
    def stamp(self) -> layout.Stamp:
        return self._loaded.stamp

    def _state(self) -> dict[str, Any]:
        return self._loaded.head["state"]["1"]  # type: ignore[no-any-return]

    @property
    def database(self) -> str:
        """This database's id (the reading state is tied to it)."""
        return str(self._state().get("database") or "")

    @property
    def last_seq(self) -> int:
        """The highest seq ever given to an announcement of this database."""
        value = self._state().get("last_seq") or 0
        return value if isinstance(value, int) else 0

    def _buckets(self) -> layout.PartedNews | None:
        """The news files, when the episodes are kept in buckets among them."""
        news = self._loaded.news
        return news if isinstance(news, layout.PartedNews) and news.episodes_bucketed else None

    def _docs(self, table: str) -> dict[str, Any]:
        buckets = self._buckets() if table == "episodes" else None
        if buckets is not None:
            if "episode docs" not in self._cache:
                self._cache["episode docs"] = {
                    f"{index}.{key}": doc
                    for index in range(layout.EPISODE_BUCKETS)
                    for key, doc in buckets.episode_table(index).items()
                }
            merged: dict[str, Any] = self._cache["episode docs"]
            return merged
        docs = self._loaded.table(table)
        if not isinstance(docs, dict) or not all(isinstance(doc, dict) for doc in docs.values()):
            raise DatabaseError(f"{self.path} is damaged: table {table!r} is not a set of records.")
        return docs

    def _build(self, table: str, items: Iterable[tuple[str, Any]]) -> list[Any]:
        build = codec.BUILDERS[table]
        out = []
        doc_id = ""
        try:
            for doc_id, doc in items:
                out.append(build(doc, f"{table} record {doc_id}"))
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as err:
            raise codec.damaged(self.path, _problem(err, f"{table} record {doc_id}")) from None
        return out

    def _all(self, table: str) -> list[Any]:
        if table not in self._cache:
            records = self._build(table, self._docs(table).items())
            if table != "shows" and table != "feeds":
                slugs = self._slugs()
                for record in records:
                    if record.show not in slugs:
                        raise codec.damaged(
                            self.path,
                            f"{table}: a record of {record.show!r}, a show that is not "
                            "in the database",
                        )
            keys = [record.key for record in records]
            if len(set(keys)) != len(keys):
                twice = next(key for key in keys if keys.count(key) > 1)
                raise codec.damaged(self.path, f"{table}: two records are the same one ({twice!r})")
            self._cache[table] = records
        return list(self._cache[table])

    def check_zones(self) -> None:
        """Look up every show's time zone (reads check only its spelling); writes and
        exports call this, so they never pass on a zone that import would refuse."""
        for doc_id, doc in self._docs("shows").items():
            where = f"shows record {doc_id}"
            try:
                codec.check_zone(codec.show_from(doc, where), where)
            except ValueError as err:
                raise codec.damaged(self.path, _problem(err, where)) from None

    @property
    def checks(self) -> Checks:
        """The fan's reading state for this database (read when first asked for; a write
        reads it afresh under the lock)."""
        if "checks" not in self._cache:
            if self.migrated_checks is not None and self.needs_save:
                self._cache["checks"] = self.migrated_checks
            else:
                self._cache["checks"] = reading.read(self.path, self.database)
        found: Checks = self._cache["checks"]
        return found

    def _slugs(self) -> set[str]:
        return {show.slug for show in self.shows()}

    def shows(self) -> list[Show]:
        return self._all("shows")

    def show(self, slug: str) -> Show | None:
        return next((show for show in self.shows() if show.slug == slug), None)

    def seasons(self, show: str | None = None) -> list[Season]:
        return [s for s in self._all("seasons") if show is None or s.show == show]

    def credits(self, show: str | None = None, season: int | None = None) -> list[Credit]:
        return [
            c
            for c in self._all("credits")
            if (show is None or c.show == show) and (season is None or c.season == season)
        ]

    def all_credits(self) -> list[Credit]:
        return self._all("credits")

    def feeds(self, show: str | None = None) -> list[Feed]:
        return [f for f in self._all("feeds") if show is None or f.show == show]

    def episodes(self, show: str | None = None, season: int | None = None) -> list[Episode]:
        """Episodes (of ``show``, of its ``season``), in season and air order. Only the
        records asked for are built and checked; the whole table when none is named."""
        if show is None or "episodes" in self._cache:
            found = [
                e
                for e in self._all("episodes")
                if (show is None or e.show == show) and (season is None or e.season == season)
            ]
        else:
            buckets = self._buckets()
            if buckets is not None:  # only the show's own bucket is read
                index = layout.episode_bucket_of(show)
                source = {f"{index}.{k}": d for k, d in buckets.episode_table(index).items()}
            else:
                source = self._docs("episodes")
            docs = [
                (doc_id, doc)
                for doc_id, doc in source.items()
                if doc.get("show") == show and (season is None or doc.get("season") == season)
            ]
            found = self._build("episodes", docs)
            if found and show not in self._slugs():
                raise codec.damaged(
                    self.path, f"episodes: a record of {show!r}, a show that is not in the database"
                )
            keys = [episode.key for episode in found]
            if len(set(keys)) != len(keys):
                twice = next(key for key in keys if keys.count(key) > 1)
                raise codec.damaged(
                    self.path, f"episodes: two records are the same one ({twice!r})"
                )
        return sorted(found, key=episode_order)

    def airing_episodes(
        self,
        from_day: str,
        show: str | None = None,
        counts: dict[tuple[str, int], int] | None = None,
    ) -> dict[tuple[str, int], list[Episode]]:
        """The episodes of every season (of ``show``) that has an episode airing on or
        after the ISO day ``from_day``, or one not dated yet, or (given its episode
        count in ``counts``) fewer episodes listed than it will have: the seasons that
        are still to come or still airing, by (show, season). The other seasons'
        records are only glanced at (their ``airs`` and ``number``), never built."""
        buckets = self._buckets()
        if buckets is not None:
            return self._airing_from_buckets(buckets, from_day, show, counts)
        wanted: set[tuple[Any, Any]] = set()
        listed: dict[tuple[Any, Any], int] = {}
        docs = self._docs("episodes")
        for doc in docs.values():
            if show is not None and doc.get("show") != show:
                continue
            key = (doc.get("show"), doc.get("season"))
            if _still_to_air(doc.get("airs"), from_day):
                wanted.add(key)
            elif counts is not None and key in counts:
                number = doc.get("number")
                if isinstance(number, int) and number > listed.get(key, 0):
                    listed[key] = number
        if counts:
            wanted.update(key for key, top in listed.items() if top < counts[key])
        if not wanted:
            return {}
        picked = [
            (doc_id, doc)
            for doc_id, doc in docs.items()
            if (doc.get("show"), doc.get("season")) in wanted
        ]
        return self._airing_built(picked)

    def _airing_from_buckets(
        self,
        buckets: layout.PartedNews,
        from_day: str,
        show: str | None,
        counts: dict[tuple[str, int], int] | None,
    ) -> dict[tuple[str, int], list[Episode]]:
        """``airing_episodes`` from the manifest's facts about each season (its last
        possible air day, an undated episode, its highest number): only the buckets
        holding a wanted season are read, one at a time, keeping only those seasons."""
        wanted: dict[int, set[tuple[str, int]]] = {}
        for key, (latest, undated, top, index) in buckets.seasons_listed().items():
            if show is not None and key[0] != show:
                continue
            still = undated or (latest is not None and latest >= from_day)
            fewer = counts is not None and key in counts and top < counts[key]
            if still or fewer:
                wanted.setdefault(index, set()).add(key)
        picked: list[tuple[str, Any]] = []
        for index in sorted(wanted):
            keys = wanted[index]
            picked.extend(
                (f"{index}.{doc_id}", doc)
                for doc_id, doc in buckets.episode_table(index).items()
                if (doc.get("show"), doc.get("season")) in keys
            )
        return self._airing_built(picked)

    def _airing_built(self, picked: list[tuple[str, Any]]) -> dict[tuple[str, int], list[Episode]]:
        slugs = self._slugs()
        found: dict[tuple[str, int], list[Episode]] = {}
        for episode in self._build("episodes", picked):
            if episode.show not in slugs:
                raise codec.damaged(
                    self.path,
                    f"episodes: a record of {episode.show!r}, a show that is not in the database",
                )
            found.setdefault((episode.show, episode.season), []).append(episode)
        for group in found.values():
            group.sort(key=episode_order)
        return found

    def linked_shows(self) -> list[Show]:
        """Shows with a TVmaze id, which sync keeps current."""
        return [show for show in self.shows() if show.tvmaze is not None]

    # -- the news --

    def announcements(
        self, show: str | None = None, *, after: int | None = None, dated_from: str | None = None
    ) -> list[Announcement]:
        """Announcements (of ``show``), in commit order: those with a seq above
        ``after``, or dated on or after the ISO day ``dated_from`` (a month- or
        year-dated one counts when any day of it is), or all of them."""
        news = self._loaded.news
        docs: Iterable[Any]
        if after is not None:
            docs = news.after(after)
        elif dated_from is not None:
            docs = news.dated_from(dated_from)
        else:
            return self._all_news(show)
        picked = [
            (str(doc.get("seq")), doc)
            for doc in docs
            if isinstance(doc, dict) and (show is None or doc.get("show") == show)
        ]
        items = self._news_models(picked)
        if dated_from is not None:
            items = [item for item in items if item.date is not None]
        return items

    def each_announcement(self, show: str | None = None) -> Iterator[Announcement]:
        """Every announcement (of ``show``) in commit order, built and checked a part at
        a time: a scan of the whole history holds one part of it, not all of it. (Each
        id is the id index's own there, which is what keeps ids unique.)"""
        news = self._loaded.news
        if not isinstance(news, layout.PartedNews) or "announcements" in self._cache:
            yield from self._all_news(show)
            return
        for table in news.tables():
            yield from self._news_models(_of_show(table, show), keyed=True)

    def _all_news(self, show: str | None) -> list[Announcement]:
        """Every announcement (of ``show``: only its records are built and checked)."""
        news = self._loaded.news
        if "announcements" not in self._cache and isinstance(news, layout.PartedNews):
            if show is not None:
                return list(self.each_announcement(show))
            docs = [pair for table in news.tables() for pair in _of_show(table, None)]
            built = self._news_models(docs, whole=True, keyed=True)
            self._cache["announcements"] = built
            return built
        if "announcements" not in self._cache:
            table = self._loaded.news.table()
            if show is not None:
                return self._news_models(_of_show(table, show), keyed=True)
            self._cache["announcements"] = self._news_models(list(table.items()), whole=True)
        items: list[Announcement] = self._cache["announcements"]
        return [item for item in items if show is None or item.show == show]

    def _news_models(
        self, docs: list[tuple[str, Any]], *, whole: bool = False, keyed: bool = False
    ) -> list[Any]:
        items = self._build("announcements", docs)
        slugs = self._slugs()
        for (key, _), item in zip(docs, items, strict=True):
            if item.show not in slugs:
                raise codec.damaged(
                    self.path,
                    f"announcements record {key}: it belongs to show {item.show!r}, "
                    "which is not in the database",
                )
            if (whole or keyed) and key != str(item.seq):
                raise codec.damaged(self.path, f"announcements record {key}: its seq is {item.seq}")
        if whole:
            ids = [item.id for item in items]
            if len(set(ids)) != len(ids):
                raise codec.damaged(self.path, "announcements: two records have the same id")
        items.sort(key=lambda item: item.seq)
        return items

    def news_count(self, show: str | None = None) -> int:
        news = self._loaded.news
        if show is None and isinstance(news, layout.PartedNews):
            return news.count()
        return len(self._all_news(show))

    def news_seqs(self, ids: Iterable[str]) -> dict[str, int]:
        """The seqs of the stored announcements with these ids (the others are absent)."""
        news = self._loaded.news
        if isinstance(news, layout.PartedNews):
            return news.seqs_of(ids)
        known = self.announcement_seqs()
        return {item: known[item] for item in ids if item in known}

    def announcement_seqs(self) -> dict[str, int]:
        """Every announcement's id, with its seq (parses the news, builds no models)."""
        news = self._loaded.news
        table = news.table()
        if not news.trusted() and "announcements" not in self._cache:
            self._all_news(None)  # an untrusted table is checked before it is relied on
        found: dict[str, int] = {}
        for key, doc in table.items():
            found[str(doc.get("id"))] = int(key) if key.isdigit() else 0
        return found

    def announcements_by_id(self, ids: Iterable[str]) -> dict[str, Announcement]:
        """The stored announcements with these ids (only those are built)."""
        wanted = set(ids)
        if not wanted:
            return {}
        news = self._loaded.news
        if isinstance(news, layout.PartedNews) and "announcements" not in self._cache:
            docs = []
            for seq in sorted(news.seqs_of(wanted).values()):
                doc = news.part_table(layout.part_of(seq)).get(str(seq))
                if doc is None:
                    raise codec.damaged(
                        self.path, f"announcements: seq {seq} is in the id index only"
                    )
                docs.append((str(seq), doc))
            return {item.id: item for item in self._news_models(docs, keyed=True)}
        if "announcements" in self._cache:
            return {item.id: item for item in self._cache["announcements"] if item.id in wanted}
        self.announcement_seqs()  # checks an untrusted table first
        docs = [
            (key, doc)
            for key, doc in self._loaded.news.table().items()
            if isinstance(doc, dict) and doc.get("id") in wanted
        ]
        return {item.id: item for item in self._news_models(docs)}


def _of_show(table: dict[str, Any], show: str | None) -> list[tuple[str, Any]]:
    """A news table's records (of ``show``; one that is no record is kept, to be refused)."""
    return [
        (key, doc)
        for key, doc in table.items()
        if show is None or not isinstance(doc, dict) or doc.get("show") == show
    ]


def _last_air_day(airs: Any) -> str | None:
    """The last ISO day a stored ``airs`` (ISO text at its precision) could fall on,
    in a form that compares with ISO days (a month ends on '-31'); None if undated."""
    if not isinstance(airs, str) or not airs:
        return None
    if len(airs) == 4:  # a year
        return airs + "-12-31"
    if len(airs) == 7:  # a month: any day of it
        return airs + "-31"
    return airs[:10]


def _still_to_air(airs: Any, from_day: str) -> bool:
    """Whether a stored ``airs`` may fall on or after the ISO day ``from_day``:
    undated, or its last possible day is not before it."""
    day = _last_air_day(airs)
    return day is None or day >= from_day


def _problem(err: BaseException, where: str) -> str:
    """The validator's sentence, placed at the record ('shows record 3.title: ...')."""
    if isinstance(err, ValueError) and str(err).startswith(where):
        return str(err)
    detail = str(err) if isinstance(err, ValueError) else f"{type(err).__name__}: {err!s:.80}"
    return f"{where}: {detail}"


# --- writing ---------------------------------------------------------------------------------


class ChangeSet:
    """What one write does: records to put (insert or replace, matched by their
    ``key``) or delete, and announcements to add (numbered at commit), update
    (keeping their seq) or delete."""

    __slots__ = ("added", "deleted", "news_deleted", "put", "updated")

    def __init__(self) -> None:
        self.put: list[Record] = []
        self.deleted: list[Record] = []
        self.added: list[Announcement] = []
        self.updated: list[Announcement] = []
        self.news_deleted: list[Announcement] = []

    def put_record(self, record: Record) -> None:
        self.put.append(record)

    def delete_record(self, record: Record) -> None:
        self.deleted.append(record)

    def add_news(self, item: Announcement) -> None:
        self.added.append(item)

    def update_news(self, item: Announcement) -> None:
        self.updated.append(item)

    def delete_news(self, item: Announcement) -> None:
        self.news_deleted.append(item)

    @property
    def touches_news(self) -> bool:
        return bool(self.added or self.updated or self.news_deleted)

    def __bool__(self) -> bool:
        return bool(self.put or self.deleted or self.touches_news)

    @classmethod
    def of(cls, data: Dataset) -> ChangeSet:
        changes = cls()
        records: list[Record] = [*data.shows, *data.seasons, *data.credits, *data.episodes]
        for record in records:
            changes.put_record(record)
        for item in data.announcements:
            changes.add_news(item)
        return changes


class Commit(NamedTuple):
    """What a write committed: the seq each added announcement got, and when."""

    seqs: dict[str, int]
    at: datetime


Decide = Callable[[Snapshot, datetime], tuple[ChangeSet, T]]


def _utc_now() -> datetime:
    from showtrack import clock

    return clock.now()


class Store:
    """An open database: a snapshot for reading, and locked writes."""

    __slots__ = ("clock", "created", "lock_timeout", "path", "snapshot")

    def __init__(
        self,
        path: Path,
        snapshot: Snapshot,
        *,
        clock: Callable[[], datetime] = _utc_now,
        lock_timeout: float | None = None,
    ) -> None:
        self.created = False  # this open created (and seeded) the file
        self.path = path
        self.snapshot = snapshot
        self.clock = clock
        self.lock_timeout = lock_timeout  # None: store.LOCK_TIMEOUT when a lock is taken

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        now: datetime | None = None,
        clock: Callable[[], datetime] | None = None,
        seed: Callable[[], Dataset] | None = None,
        lock_timeout: float | None = None,
        make_folder: bool = True,
    ) -> Store:
        """Open the database at ``path``; create and seed it only if no file is there.

        ``clock`` gives the instant of each commit (``now``: a fixed one). Writers
        wait ``lock_timeout`` seconds for another writer (0: not at all). Without
        ``make_folder`` a missing parent folder is an error, not created.
        """
        if clock is None:
            fixed = now
            clock = (lambda: fixed) if fixed is not None else _utc_now
        created = False
        if not durable.check_database_path(path):
            if not make_folder and not os.path.isdir(path.parent or "."):
                raise DatabaseError(
                    f"The folder {path.parent} does not exist, so {path.name} can't be created "
                    "there. Create the folder first, or give another --db."
                )
            created = _create(path, clock(), seed or bundled_dataset, lock_timeout)
        store = cls(path, _read(path), clock=clock, lock_timeout=lock_timeout)
        store.created = created
        if store.snapshot.needs_save:
            store._save_migration()
        return store

    # -- reads go to the snapshot --

    def shows(self) -> list[Show]:
        return self.snapshot.shows()

    def seasons(self, show: str | None = None) -> list[Season]:
        return self.snapshot.seasons(show)

    def credits(self, show: str | None = None, season: int | None = None) -> list[Credit]:
        return self.snapshot.credits(show, season)

    def all_credits(self) -> list[Credit]:
        return self.snapshot.all_credits()

    def feeds(self, show: str | None = None) -> list[Feed]:
        return self.snapshot.feeds(show)

    def episodes(self, show: str | None = None, season: int | None = None) -> list[Episode]:
        return self.snapshot.episodes(show, season)

    def airing_episodes(
        self,
        from_day: str,
        show: str | None = None,
        counts: dict[tuple[str, int], int] | None = None,
    ) -> dict[tuple[str, int], list[Episode]]:
        return self.snapshot.airing_episodes(from_day, show, counts)

    def linked_shows(self) -> list[Show]:
        return self.snapshot.linked_shows()

    def announcements(
        self, show: str | None = None, *, after: int | None = None, dated_from: str | None = None
    ) -> list[Announcement]:
        return self.snapshot.announcements(show, after=after, dated_from=dated_from)

    @property
    def last_seq(self) -> int:
        return self.snapshot.last_seq

    def news_count(self, show: str | None = None) -> int:
        return self.snapshot.news_count(show)

    def show(self, slug: str) -> Show | None:
        return self.snapshot.show(slug)

    def check_zones(self) -> None:
        self.snapshot.check_zones()

    def files(self) -> list[Path]:
        """The files of this database: itself, its lock, its reading state, its
        notification targets and the folder of its news."""
        return [
            self.path,
            durable.lock_path(self.path),
            reading.path_for(self.path),
            targets.path_for(self.path),
            durable.lock_path(targets.path_for(self.path)),
            layout.news_dir(self.path),
        ]

    # -- notification targets --

    def targets(self) -> Targets:
        """The notification targets (their cursors as of this database)."""
        return targets.read(self.path, self.snapshot.database)

    def change_targets(self, decide: Callable[[Snapshot, Targets], tuple[Targets, T]]) -> T:
        """Lock, read the database and the targets as they are now, let ``decide``
        give the new targets, and write them (only if they changed)."""
        with durable.locked(self.path, self.lock_timeout):
            self._fresh()
            if self.snapshot.needs_save:
                self._save_migration(locked=True)
            database = self.snapshot.database
            current = targets.read(self.path, database)
            new, result = decide(self.snapshot, current)
            if new != current:
                targets.write(self.path, database, new)
        return result

    # -- the reading state --

    def checks(self) -> Checks:
        """The fan's recorded news checks for this database."""
        return self.snapshot.checks

    def record_check(self, show: str | None, seq: int) -> Check:
        """Record that the fan was shown every announcement up to ``seq`` (of ``show``,
        or of all shows). A check never moves back; it rewrites only the small
        reading-state file."""
        with durable.locked(self.path, self.lock_timeout):
            self._fresh()
            if self.snapshot.needs_save:
                self._save_migration(locked=True)
            database = self.snapshot.database
            check = Check(seq, self.clock())
            current = reading.read(self.path, database)
            recorded = reading.recorded(current, show, check)
            if recorded == current and reading.path_for(self.path).exists():
                self.snapshot._cache["checks"] = recorded
                return check  # the very check is already recorded: nothing to write
            try:
                reading.write(self.path, database, recorded)
            except OSError as err:
                raise DatabaseError(
                    f"Can't write the reading state beside {self.path}: {err.strerror or err}."
                ) from None
            self.snapshot._cache["checks"] = recorded
        return check

    # -- writes --

    def write(self, decide: Decide[T]) -> tuple[T, Commit]:
        """Lock, read what is there now, let ``decide`` turn it into changes, and
        apply them in one atomic replace. Nothing is written if ``decide`` raises."""
        with durable.locked(self.path, self.lock_timeout):
            durable.remove_stale_temps(self.path)
            self._fresh()
            self.snapshot._cache.pop("checks", None)  # another process may have checked since
            now = self.clock()
            changes, result = decide(self.snapshot, now)
            commit = Commit({}, now)
            if changes or self.snapshot.needs_save:
                commit = self._commit(changes, now)
        return result, commit

    def refresh(self) -> None:
        """Read the database again if another process has replaced it since."""
        self._fresh()

    def _fresh(self) -> None:
        """Read the file again unless it is the very one already read (same inode,
        size and mtime: every write makes a new inode)."""
        if layout.stat_stamp(self.path) != self.snapshot.stamp:
            self.snapshot = _read(self.path)

    def _save_migration(self, *, locked: bool = False) -> None:
        """Save an older file migrated (once), when the lock can be had at once."""
        if not locked:
            try:
                with durable.locked(self.path, 0):
                    self._fresh()
                    if self.snapshot.needs_save:
                        self._commit(ChangeSet(), self.clock())
            except DatabaseError:
                pass  # busy or read-only: served migrated from memory, saved next time
            return
        self._commit(ChangeSet(), self.clock())

    def _commit(self, changes: ChangeSet, now: datetime) -> Commit:
        snapshot = self.snapshot
        guard = 0
        if changes.added:  # never number below a check or a notification (a restored copy)
            guard = self.checks().highest if not snapshot.needs_save else 0
            guard = max(guard, targets.read(self.path, snapshot.database).highest_cursor())
        if snapshot.needs_save and snapshot.migrated_checks is not None:
            reading.write(self.path, snapshot.database, snapshot.migrated_checks)
        head, files, seqs = _apply(snapshot, changes, now, guard)
        try:
            _write_parted(self.path, head, files)
        except OSError as err:
            self.snapshot = _read(self.path)
            raise DatabaseError(
                f"Can't write the database {self.path}: {err.strerror or err}. "
                "It is as it was before this command."
            ) from None
        stamp = layout.stat_stamp(self.path) or (0, 0, 0)
        if stamp == (0, 0, 0):
            self.snapshot = _read(self.path)
        else:
            self.snapshot = _written(self.path, head, stamp)
        return Commit(seqs, now)


def _written(path: Path, head: dict[str, Any], stamp: layout.Stamp) -> Snapshot:
    """The snapshot of what this process has just committed (its news files opened)."""
    try:
        news = layout.PartedNews.open(path, head["state"]["1"]["news"])
    except layout.Moved:  # another writer has already replaced it
        return _read(path)
    return Snapshot(path, layout.Loaded(head, news, stamp))


def _write_parted(path: Path, head: dict[str, Any], files: dict[str, bytes]) -> None:
    """The commit of the parted layout (call it holding the lock).

    1. Each new news file is written under its own new name, fsynced, and the news
       folder fsynced: nothing names these files yet.
    2. The database file, whose manifest names them, replaces the old one
       atomically: this is the commit. A crash before it leaves the old database
       whole (the new files unnamed); after it, the new one.
    3. Files no manifest names any more are removed. Readers opened the files of
       their own manifest when they read it, so they keep reading what they read.
    """
    folder = layout.news_dir(path)
    if not folder.is_dir():
        folder.mkdir(mode=0o700, exist_ok=True)
        durable.fsync_folder(folder.parent)
    for name, data in files.items():
        durable.write_new(folder / name, data)
    if files:
        durable.fsync_folder(folder)
    durable.atomic_write(durable.real(path), layout.encode_head(head))
    named = {
        entry["file"]
        for group in ("parts", "ids", "episodes")
        for entry in head["state"]["1"]["news"].get(group, {}).values()
    }
    for item in folder.iterdir():
        if item.name not in named:
            with contextlib.suppress(OSError):
                item.unlink()


def _read(path: Path) -> Snapshot:
    """Read and check the file; an older schema is migrated (in memory)."""
    seen = None
    for _ in range(50):
        try:
            loaded = layout.load(path)
            break
        except layout.Moved as gone:  # a writer committed between the file and its news?
            stamp = layout.stat_stamp(path)
            if stamp == seen:  # no: the same file names a news file that is not there
                raise DatabaseError(
                    f"{path} is damaged: its news file {layout.news_dir(path) / str(gone)} "
                    "is missing (a database is the file and the folder beside it, "
                    f"{layout.news_dir(path).name}). It was left untouched."
                ) from None
            seen = stamp
    else:
        raise DatabaseError(
            f"The database {path} kept changing while it was being read; try again."
        )
    version = migrations.version_of(path, loaded.head)
    for table in HEAD:
        docs = loaded.head.get(table, {})
        if not isinstance(docs, dict) or not all(isinstance(d, dict) for d in docs.values()):
            added = {"feeds": 2, "episodes": 6}  # tables an older file does not have yet
            if not (version < added.get(table, 0) and table not in loaded.head):
                raise DatabaseError(f"{path} is damaged: table {table!r} is not a set of records.")
    if version == SCHEMA_VERSION or version in migrations.LAYOUT_ONLY:
        return Snapshot(path, loaded)  # an older layout is rewritten by the first write
    raw = dict(loaded.full_head())
    raw["announcements"] = loaded.news.table()
    try:
        checks = migrations.migrate(raw, version)
    except (KeyError, TypeError, AttributeError, ValueError) as err:
        raise DatabaseError(
            f"{path} is damaged: it could not be brought up to date ({type(err).__name__}). "
            "It was left untouched."
        ) from None
    news = raw.pop("announcements")
    migrated = layout.Loaded(raw, layout.News(path, parsed=news), loaded.stamp)
    return Snapshot(path, migrated, migrated_checks=checks or Checks())


def _memory_storage() -> type[Any]:
    """A TinyDB storage over tables held in memory: TinyDB applies a change set to the
    tables, and the store then replaces the file atomically, once."""
    from tinydb.storages import Storage

    class MemoryStorage(Storage):
        def __init__(self, raw: dict[str, Any]) -> None:
            self.raw = raw

        def read(self) -> dict[str, Any]:
            return self.raw

        def write(self, data: dict[str, Any]) -> None:
            self.raw = data

        def close(self) -> None:
            pass

    return MemoryStorage


def _apply(
    snapshot: Snapshot, changes: ChangeSet, now: datetime, guard: int
) -> tuple[dict[str, Any], dict[str, bytes], dict[str, int]]:
    """The tables after ``changes``: (the database file's tables, the news and episode
    files to write, the seqs given).

    Every table that is rewritten is checked first, so damage is never copied into
    a new file; a news table that is exactly what showtrack wrote (its fingerprint
    matches) was checked when it was written and is copied as it is when unchanged.
    """
    from tinydb import TinyDB

    loaded = snapshot._loaded
    buckets = snapshot._buckets()
    head = dict(loaded.head if buckets is not None else loaded.full_head())
    for table in HEAD:
        if table != "episodes":
            snapshot._all(table)  # checked before it is rewritten
        head.setdefault(table, {})
    snapshot.check_zones()
    state = dict(head["state"]["1"])
    head["state"] = {**head["state"], "1": state}
    db: Any = TinyDB(head, storage=_memory_storage())
    by_table: dict[str, tuple[list[Record], list[Record]]] = {}
    for record in changes.put:
        by_table.setdefault(TABLE_OF[type(record)], ([], []))[0].append(record)
    for record in changes.deleted:
        by_table.setdefault(TABLE_OF[type(record)], ([], []))[1].append(record)
    episode_changes = by_table.pop("episodes", ([], []))
    for name, (puts, deletes) in by_table.items():
        docs = db.storage.raw[name]
        ids = {codec.raw_key(name, doc): int(doc_id) for doc_id, doc in docs.items()}
        table = db.table(name)
        gone = [ids[record.key] for record in deletes if record.key in ids]
        if gone:
            table.remove(doc_ids=gone)
            for record in deletes:
                ids.pop(record.key, None)
        replace: dict[int, dict[str, Any]] = {}
        insert: list[dict[str, Any]] = []
        for record in puts:
            doc = codec.to_doc(record)
            if record.key in ids:
                replace[ids[record.key]] = doc
            else:
                insert.append(doc)
        if replace:
            _replace(db, name, replace)
        if insert:
            table.insert_multiple(insert)
    head = db.storage.raw
    head["episodes"] = {}  # kept, empty, for TinyDB: the episodes live in their buckets
    old = loaded.news.manifest if isinstance(loaded.news, layout.PartedNews) else {}
    generation = int(old.get("generation") or 0) + 1
    files, manifest, seqs = _news_files(snapshot, changes, now, guard, state, generation)
    episode_files, episode_entries = _episode_files(snapshot, *episode_changes, generation)
    files.update(episode_files)
    manifest = {**manifest, "episodes": episode_entries}
    if files:
        manifest["generation"] = generation
    state["news"] = manifest
    state["schema_version"] = SCHEMA_VERSION
    head["state"] = {**head["state"], "1": state}
    return head, files, seqs


def _season_facts(table: dict[str, Any]) -> dict[str, list[Any]]:
    """Per season of a bucket: the last day an episode could air, whether one is
    undated, the highest number (what countdown decides from without reading it)."""
    facts: dict[str, list[Any]] = {}
    for doc in table.values():
        name = f"{doc['show']}\t{doc['season']}"
        fact = facts.setdefault(name, [None, False, 0])
        day = _last_air_day(doc.get("airs"))
        if day is None:
            fact[1] = True
        elif fact[0] is None or day > fact[0]:
            fact[0] = day
        number = doc.get("number")
        if isinstance(number, int) and number > fact[2]:
            fact[2] = number
    return dict(sorted(facts.items()))


def _episode_files(
    snapshot: Snapshot, puts: list[Record], deletes: list[Record], generation: int
) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The episode buckets a commit writes, and the manifest's entries for all of them.

    Only the buckets of the shows whose episodes change are read, checked and
    rewritten; a database that still keeps its episodes in its own file (schema 7 and
    before) has them all moved to buckets by its first write."""
    buckets = snapshot._buckets()
    tables: dict[int, dict[str, Any]] = {}
    if buckets is not None:
        entries: dict[str, Any] = dict(buckets.entries("episodes"))
        for index in sorted({layout.episode_bucket_of(r.show) for r in (*puts, *deletes)}):  # type: ignore[union-attr]
            table = buckets.episode_table(index)
            snapshot._build("episodes", [(f"{index}.{k}", d) for k, d in table.items()])
            tables[index] = table
    else:
        entries = {}
        snapshot._all("episodes")  # checked before it is moved
        for doc in snapshot._loaded.table("episodes").values():
            table = tables.setdefault(layout.episode_bucket_of(str(doc["show"])), {})
            table[str(len(table) + 1)] = doc
    for record in (*deletes, *puts):
        index = layout.episode_bucket_of(record.show)  # type: ignore[union-attr]
        tables.setdefault(index, {})
    for index, table in tables.items():
        ids = {codec.raw_key("episodes", doc): key for key, doc in table.items()}
        for record in deletes:
            if layout.episode_bucket_of(record.show) == index and record.key in ids:  # type: ignore[union-attr]
                del table[ids.pop(record.key)]
        for record in puts:
            if layout.episode_bucket_of(record.show) != index:  # type: ignore[union-attr]
                continue
            doc = codec.to_doc(record)
            if record.key in ids:
                table[ids[record.key]] = doc
            else:
                key = str(max(map(int, table), default=0) + 1)
                table[key] = doc
                ids[record.key] = key
    files: dict[str, bytes] = {}
    for index in sorted(tables):
        table = tables[index]
        if not table:
            entries.pop(str(index), None)
            continue
        data = layout.encode_episodes(table)
        name = f"episodes-{index:02d}.g{generation}.json"
        entries[str(index)] = {
            "file": name,
            **layout.fingerprint(data),
            "count": len(table),
            "seasons": _season_facts(table),
        }
        files[name] = data
    return files, dict(sorted(entries.items(), key=lambda pair: int(pair[0])))


def _news_files(
    snapshot: Snapshot,
    changes: ChangeSet,
    now: datetime,
    guard: int,
    state: dict[str, Any],
    generation: int,
) -> tuple[dict[str, bytes], dict[str, Any], dict[str, int]]:
    """The news files a commit writes (name -> bytes), the manifest naming every news
    file after it, and the seqs given to new announcements.

    Only the parts and id buckets that change are written; a single-file database
    (or a new one) is written whole, in parts. A table that is not byte for byte
    what showtrack wrote is checked record by record before it is rewritten.
    """
    news = snapshot._loaded.news
    parted = isinstance(news, layout.PartedNews)
    old: dict[str, Any] = news.manifest if isinstance(news, layout.PartedNews) else {}
    if parted and not changes.touches_news:
        return {}, dict(old), {}
    parts: dict[int, dict[str, Any]] = {}
    buckets: dict[int, dict[int, str]] = {}
    touched_parts: set[int] = set()
    touched_buckets: set[int] = set()
    by_id: dict[str, int] = {}
    if isinstance(news, layout.PartedNews):

        def part(index: int) -> dict[str, Any]:
            if index not in parts:
                parts[index] = dict(news.part_table(index))
            return parts[index]

        def bucket(index: int) -> dict[int, str]:
            if index not in buckets:
                buckets[index] = {seq: key for key, seq in news.bucket(index).items()}
            return buckets[index]

        def seq_of(announcement_id: str) -> int | None:
            if announcement_id not in by_id:
                found = news.seqs_of([announcement_id])
                by_id.update(found)
            return by_id.get(announcement_id)

        top = max((int(e.get("max_seq") or 0) for e in news.entries("parts").values()), default=0)
    else:
        if not news.trusted():
            snapshot._all_news(None)  # checked before it is rewritten
            models: list[Announcement] = snapshot._cache["announcements"]
            current = {str(item.seq): codec.announcement_doc(item) for item in models}
        else:
            current = news.table()
        for key, doc in current.items():
            number = int(key)
            parts.setdefault(layout.part_of(number), {})[key] = doc
            buckets.setdefault(layout.bucket_of(str(doc["id"])), {})[number] = str(doc["id"])
            by_id[str(doc["id"])] = number
        touched_parts, touched_buckets = set(parts), set(buckets)

        def part(index: int) -> dict[str, Any]:
            return parts.setdefault(index, {})

        def bucket(index: int) -> dict[int, str]:
            return buckets.setdefault(index, {})

        def seq_of(announcement_id: str) -> int | None:
            return by_id.get(announcement_id)

        top = max(map(int, current), default=0)
    for item in changes.news_deleted:
        seq = seq_of(item.id)
        if seq is None:
            continue
        part(layout.part_of(seq)).pop(str(seq), None)
        bucket(layout.bucket_of(item.id)).pop(seq, None)
        by_id.pop(item.id, None)
        touched_parts.add(layout.part_of(seq))
        touched_buckets.add(layout.bucket_of(item.id))
    for item in changes.updated:
        seq = seq_of(item.id)
        if seq is None:
            continue
        table = part(layout.part_of(seq))
        stored = table.get(str(seq))
        if stored is None:
            continue
        kept = item._replace(
            seq=stored["seq"], recorded_at=datetime.fromisoformat(stored["recorded_at"])
        )
        table[str(seq)] = codec.announcement_doc(kept)
        touched_parts.add(layout.part_of(seq))
    seqs: dict[str, int] = {}
    next_seq = max(snapshot.last_seq, guard, top) + 1
    for item in changes.added:
        if item.id in seqs or seq_of(item.id) is not None:
            continue
        seqs[item.id] = next_seq
        index = layout.part_of(next_seq)
        part(index)[str(next_seq)] = codec.announcement_doc(
            item._replace(seq=next_seq, recorded_at=now)
        )
        bucket(layout.bucket_of(item.id))[next_seq] = item.id
        touched_parts.add(index)
        touched_buckets.add(layout.bucket_of(item.id))
        next_seq += 1
    if seqs:
        state["last_seq"] = next_seq - 1
    entries = {
        "parts": dict(old.get("parts") or {}),
        "ids": dict(old.get("ids") or {}),
    }
    files: dict[str, bytes] = {}
    for index in sorted(touched_parts):
        table = dict(sorted(parts.get(index, {}).items(), key=lambda pair: int(pair[0])))
        if not table:
            entries["parts"].pop(str(index), None)
            continue
        data = layout.encode_part(table)
        name = f"part-{index:06d}.g{generation}.json"
        days = [day for day in map(layout.last_day, (d.get("date") for d in table.values())) if day]
        entries["parts"][str(index)] = {
            "file": name,
            **layout.fingerprint(data),
            "count": len(table),
            "max_seq": max(map(int, table)),
            "last_day": max(days, default=None),
        }
        files[name] = data
    for index in sorted(touched_buckets):
        ids = buckets.get(index, {})
        if not ids:
            entries["ids"].pop(str(index), None)
            continue
        data = layout.encode_bucket(ids)
        name = f"ids-{index:02d}.g{generation}.json"
        entries["ids"][str(index)] = {"file": name, **layout.fingerprint(data), "count": len(ids)}
        files[name] = data
    manifest = {
        "layout": layout.PARTED,
        "generation": generation,
        "parts": dict(sorted(entries["parts"].items(), key=lambda pair: int(pair[0]))),
        "ids": dict(sorted(entries["ids"].items(), key=lambda pair: int(pair[0]))),
    }
    return files, manifest, seqs


def _replace(db: Any, name: str, replace: dict[int, dict[str, Any]]) -> None:
    """Replace records in place (same doc id, same position), without touching the
    snapshot's own documents."""
    raw = db.storage.raw
    raw[name] = {key: dict(doc) if int(key) in replace else doc for key, doc in raw[name].items()}

    def put(doc: dict[str, Any]) -> None:
        new = pending.pop()
        doc.clear()
        doc.update(new)

    order = [doc_id for doc_id in map(int, raw[name]) if doc_id in replace]
    pending = [replace[doc_id] for doc_id in reversed(order)]
    db.table(name).update(put, doc_ids=order)


def _create(
    path: Path, now: datetime, seed: Callable[[], Dataset], lock_timeout: float | None
) -> bool:
    """Create and seed the file (False: another process created it meanwhile)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DatabaseError(f"Can't create the folder for {path}: {err.strerror or err}.") from None
    with durable.locked(path, lock_timeout):
        if os.path.lexists(path):  # another process created it while we waited
            return False
        raw: dict[str, Any] = {}
        migrations.migrate(raw, 0)
        news = raw.pop("announcements")
        empty = Snapshot(path, layout.Loaded(raw, layout.News(path, parsed=news), (0, 0, 0)))
        data = seed()
        head, files, _ = _apply(empty, ChangeSet.of(data), now, 0)
        try:
            _write_parted(path, head, files)
        except OSError as err:
            raise DatabaseError(
                f"Can't create the database {path}: {err.strerror or err}."
            ) from None
    return True


def bundled_dataset() -> Dataset:
    """The dataset shipped with showtrack (``data/*.json`` in the source tree)."""
    from importlib import resources

    from showtrack.sources.jsonfile import read_text

    folder = resources.files("showtrack") / "data"
    data = Dataset()
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".json"))
    for name in names:
        text = (folder / name).read_text(encoding="utf-8")
        data.extend(read_text(text, f"bundled data {name}"))
    return data


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
