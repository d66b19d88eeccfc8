"""The database: one TinyDB JSON file, read once per command, written atomically.

This is the only module that imports TinyDB. The file is TinyDB's own layout
(``{"table": {"doc_id": {...}}}``); stock ``JSONStorage`` is not used because it
rewrites the file in place. Writes go through TinyDB over an in-memory storage,
then ``Store.writing`` writes a temp file in the same folder, fsyncs it,
``os.replace``\\ s it over the old one and fsyncs the folder, all while holding a
cross-process lock over the whole read-modify-write, and reading the file once.

The announcements table is written last, so a reader that does not need the news
(countdown, cast, shows) reads and parses only what comes before it: on a
100k-announcement file that is 3 MB of 82 MB.

Reads take no lock: a reader always sees a whole old file or a whole new one.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from showtrack.dates import PartialDate, iso_or_none, parse_partial
from showtrack.errors import DatabaseBusyError, DatabaseError, json_problem
from showtrack.models import Announcement, Credit, Season, Show

if TYPE_CHECKING:
    from showtrack.sources.jsonfile import Dataset

SCHEMA_VERSION = 2
TABLES = ("shows", "seasons", "credits", "announcements", "feeds")
LOCK_TIMEOUT = 10.0

Raw = dict[str, dict[str, dict[str, Any]]]


# --- migrations ---------------------------------------------------------------


def m001_initial(raw: Raw) -> None:
    """Create the tables and the state record."""
    for table in ("shows", "seasons", "credits", "announcements"):
        raw.setdefault(table, {})
    raw.setdefault("state", {}).setdefault("1", {})
    raw["state"]["1"].setdefault("last_check", None)
    raw["state"]["1"].setdefault("checks", {})


def m002_feeds(raw: Raw) -> None:
    """Add the feeds table: one record per news feed followed for a show."""
    raw.setdefault("feeds", {})


MIGRATIONS: list[Callable[[Raw], None]] = [m001_initial, m002_feeds]
assert len(MIGRATIONS) == SCHEMA_VERSION


def _migrate(raw: Raw, version: int) -> None:
    for step in MIGRATIONS[version:]:
        step(raw)
    raw["state"]["1"]["schema_version"] = SCHEMA_VERSION


# --- the file ------------------------------------------------------------------


NEWS_KEY = b',"announcements":'
HEAD_TABLES = ("state", "shows", "seasons", "credits", "feeds")


SMALL_JSON = 256 * 1024  # below this the stdlib parses as fast as orjson can be imported


def _loads(data: bytes | memoryview) -> Any:
    """orjson on a large file (about twice as fast); the stdlib on a small one, and
    where orjson refuses something JSON allows (integers past 64 bits, lone
    surrogate escapes). Importing orjson (it imports json and dataclasses) costs
    more than the stdlib takes to parse the bundled data."""
    import json

    gc_was_enabled = gc.isenabled()
    gc.disable()  # loading many small dicts triggers hundreds of useless collections
    try:
        if len(data) < SMALL_JSON:
            return json.loads(bytes(data).decode("utf-8"))
        import orjson

        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            return json.loads(bytes(data).decode("utf-8"))
    finally:
        if gc_was_enabled:
            gc.enable()


def _parse(path: Path, data: bytes | memoryview) -> Any:
    """Parse a database file's bytes; DatabaseError names the file."""
    if isinstance(data, bytes) and not data.strip():
        raise DatabaseError(
            f"{path} is empty (0 bytes of data), so it is not a showtrack database. "
            "It was left untouched; move it away to start afresh."
        )
    import json

    try:
        return _loads(data)
    except UnicodeDecodeError:
        raise DatabaseError(
            f"{path} is not UTF-8 text, so it cannot be a showtrack database."
        ) from None
    except (json.JSONDecodeError, RecursionError) as err:
        where = f" ({json_problem(err)})" if isinstance(err, json.JSONDecodeError) else ""
        raise DatabaseError(
            f"{path} is damaged: it is not valid JSON{where}. It was left untouched."
        ) from None


def _check_table(path: Path, table: str, docs: Any) -> None:
    if not isinstance(docs, dict) or not all(isinstance(doc, dict) for doc in docs.values()):
        raise DatabaseError(f"{path} is damaged: table {table!r} is not a set of records.")


def _check(path: Path, raw: Any, *, tables: tuple[str, ...] = TABLES) -> Raw:
    """Refuse what is not a showtrack database we can read; migrate an older one."""
    state = raw.get("state") if isinstance(raw, dict) else None
    record = state.get("1") if isinstance(state, dict) else None
    version = record.get("schema_version") if isinstance(record, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise DatabaseError(
            f"{path} is not a showtrack database (it has no schema version). It was left untouched."
        )
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"{path} was written by a newer showtrack (schema {version}; this one knows up to "
            f"{SCHEMA_VERSION}). Upgrade showtrack; the file was left untouched."
        )
    if version < 1:
        raise DatabaseError(
            f"{path} has an unknown schema version {version}. It was left untouched."
        )
    for table in tables:
        _check_table(path, table, raw.get(table, {}))
    if version < SCHEMA_VERSION:
        _migrate(raw, version)
    return raw  # type: ignore[no-any-return]


Stamp = tuple[int, int, int]


class _Loaded:
    """A parsed file: its tables, the still-unparsed news, and which file it was."""

    __slots__ = ("news", "raw", "stamp")

    def __init__(
        self, raw: Raw, news: Callable[[], memoryview] | None, stamp: Stamp | None
    ) -> None:
        self.raw = raw
        self.news = news  # reads the announcements table, parsed when needed
        self.stamp = stamp  # inode, size and mtime of the file that was read


CHUNK = 1 << 20


def _open(path: Path) -> Any:
    try:
        return open(path, "rb")  # noqa: SIM115 - kept open while the news may be needed
    except IsADirectoryError:
        raise DatabaseError(f"{path} is a folder, not a showtrack database file.") from None
    except OSError as err:
        raise DatabaseError(f"Can't read the database {path}: {err.strerror or err}.") from None


def _stat_stamp(path: Path) -> Stamp | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _read_head(handle: Any) -> tuple[bytes, int]:
    """Read until the announcements table starts; returns what was read and where
    the key is (-1 when the whole file was read without finding it)."""
    data = bytearray()
    while chunk := handle.read(CHUNK):
        start = max(len(data) - len(NEWS_KEY), 0)
        data += chunk
        at = data.find(NEWS_KEY, start)
        if at >= 0:
            return bytes(data), at
    return bytes(data), -1


def _news_reader(path: Path, handle: Any, start: int) -> Callable[[], memoryview]:
    """The announcements table from the same open file (the same snapshot even if
    another process has replaced the file since), as a view: 80 MB are not copied."""

    def read() -> memoryview:
        try:
            handle.seek(start)
            rest = handle.read()
        except OSError as err:
            raise DatabaseError(f"Can't read the database {path}: {err.strerror or err}.") from None
        finally:
            handle.close()
        stop = len(rest)
        while stop and rest[stop - 1] in b" \t\r\n":
            stop -= 1
        if not _closes(bytes(rest[max(stop - 3, 0) : stop])):
            raise DatabaseError(
                f"{path} is damaged: it ends in the middle of the news. It was left untouched."
            )
        return memoryview(rest)[: stop - 1]

    return read


def _load(path: Path, *, lazy_news: bool = True) -> _Loaded:
    """Parse the file. Written by showtrack, it ends with the announcements table,
    which is then neither read nor parsed until a command needs it."""
    handle = _open(path)
    info = os.fstat(handle.fileno())
    stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
    try:
        if lazy_news:
            data, at = _read_head(handle)
            head = _head_tables(data[:at] + b"}") if at > 0 and _ends_whole(handle) else None
            if head is not None:
                tables = tuple(table for table in TABLES if table != "announcements")
                news = functools.cache(_news_reader(path, handle, at + len(NEWS_KEY)))
                return _Loaded(_check(path, head, tables=tables), news, stamp)
            handle.seek(len(data))
            data += handle.read()
        else:
            data = handle.read()
    except OSError as err:
        handle.close()
        raise DatabaseError(f"Can't read the database {path}: {err.strerror or err}.") from None
    handle.close()
    return _Loaded(_check(path, _parse(path, data)), None, stamp)


def _closes(tail: bytes) -> bool:
    """The file ends as showtrack writes it: the last record, the announcements table
    and the whole document all closed (``}}}``), or an empty table (``{}}``). Records
    are flat, so no other place in the file has three closing braces in a row."""
    return tail.endswith((b"}}}", b"{}}"))


def _ends_whole(handle: Any) -> bool:
    """A cheap check that the file is not cut short or followed by garbage."""
    size = os.fstat(handle.fileno()).st_size
    position = handle.tell()
    handle.seek(max(size - 64, 0))
    whole = _closes(handle.read().rstrip())
    handle.seek(position)
    return whole


def _head_tables(data: bytes) -> Any:
    try:
        head = _loads(data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(head, dict) or not all(table in head for table in HEAD_TABLES):
        return None
    return head


def _head_first(raw: Raw) -> dict[str, Any]:
    ordered = {key: raw[key] for key in HEAD_TABLES if key in raw}
    ordered.update((key, value) for key, value in raw.items() if key not in ordered)
    return ordered


def _encode(raw: Raw) -> bytes:
    """Compact JSON with the announcements table last, so readers can skip it."""
    ordered = _head_first(raw)
    ordered["announcements"] = ordered.pop("announcements", {})
    return _dumps(ordered)


def _encode_around(head: Raw, news: memoryview) -> list[bytes | memoryview]:
    """The file for tables ``head`` and an announcements table kept as the bytes it
    was read as (the same layout ``_encode`` writes, without parsing the news)."""
    if "announcements" in head:
        raise AssertionError("the announcements were changed in a write that keeps them")
    text = _dumps(_head_first(head))
    return [text[:-1], NEWS_KEY, news, b"}"]


def _dumps(ordered: dict[str, Any]) -> bytes:
    import orjson

    try:
        return orjson.dumps(ordered)
    except TypeError:  # a lone surrogate: orjson refuses to write it
        import json

        # A lone surrogate (from a broken "\\ud800" escape in some input) can only sit
        # inside a JSON string, where backslashreplace writes it as that same escape.
        text = json.dumps(ordered, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8", "backslashreplace")


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems cannot fsync a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_stale_temps(path: Path) -> None:
    """Temp files left by a writer killed mid-write. Writers make them only while
    holding the lock, so under the lock every one of them is stale."""
    target = Path(os.path.realpath(path))
    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def atomic_write(path: Path, data: bytes | list[bytes | memoryview]) -> None:
    """Replace ``path`` with ``data`` (or these pieces, one after the other): all or
    nothing, durable, mode 0600 for new files."""
    folder = path.parent
    import tempfile

    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in [data] if isinstance(data, bytes) else data:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temp, os.stat(path).st_mode & 0o777 if path.exists() else 0o600)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_folder(folder)


@functools.cache
def memory_storage() -> type[Any]:
    """A TinyDB storage over tables held in memory (TinyDB is imported only to write).

    TinyDB's own JSONStorage rewrites the file in place; here TinyDB only edits the
    tables in memory, and Store.writing replaces the file atomically, once.
    """
    from tinydb.storages import Storage

    class MemoryStorage(Storage):
        def __init__(self, raw: Raw) -> None:
            self.raw = raw
            self.dirty = False

        def read(self) -> Raw:
            return self.raw

        def write(self, data: Raw) -> None:
            self.raw = data
            self.dirty = True

        def close(self) -> None:
            pass

    return MemoryStorage


# --- records <-> models ----------------------------------------------------------


def _date(value: Any) -> PartialDate | None:
    return parse_partial(value) if value else None


def _instant(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _stamp(moment: datetime) -> str:
    """A UTC instant as fixed-width text, so stored stamps compare as strings."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def show_from(doc: dict[str, Any]) -> Show:
    return Show(
        slug=doc["slug"],
        title=doc["title"],
        aliases=tuple(doc.get("aliases") or ()),
        network=doc.get("network"),
        country=doc.get("country"),
        language=doc.get("language"),
        genres=tuple(doc.get("genres") or ()),
        timezone=doc.get("timezone"),
        creator=doc.get("creator"),
        based_on=doc.get("based_on"),
        status=doc.get("status"),
        summary=doc.get("summary"),
        source=doc.get("source"),
        tvmaze=doc.get("tvmaze"),
    )


def season_from(doc: dict[str, Any]) -> Season:
    runtime = doc.get("runtime") or {}
    return Season(
        show=doc["show"],
        number=doc["number"],
        episodes=doc.get("episodes"),
        runtime_min=runtime.get("min"),
        runtime_max=runtime.get("max"),
        premiere=_date(doc.get("premiere")),
        status=doc.get("status"),
        source_material=doc.get("source_material"),
        synopsis=doc.get("synopsis"),
        source=doc.get("source"),
    )


def credit_from(doc: dict[str, Any]) -> Credit:
    return Credit(
        show=doc["show"],
        season=doc["season"],
        actor=doc["actor"],
        character=doc.get("character"),
        note=doc.get("note"),
        status=doc.get("status"),
        source=doc.get("source"),
    )


def announcement_from(doc: dict[str, Any]) -> Announcement:
    return Announcement(
        id=doc["id"],
        show=doc["show"],
        kind=doc["kind"],
        headline=doc["headline"],
        date=_date(doc.get("date")),
        season=doc.get("season"),
        body=doc.get("body"),
        source=doc.get("source"),
        url=doc.get("url"),
        via=doc.get("via"),
        recorded_at=_instant(doc.get("recorded_at")),
    )


class Feed(NamedTuple):
    """A news feed followed for a show, with what sync needs to fetch it politely."""

    show: str
    url: str
    words: tuple[str, ...] = ()
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    seen: tuple[str, ...] = ()

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


def feed_from(doc: dict[str, Any]) -> Feed:
    return Feed(
        show=doc["show"],
        url=doc["url"],
        words=tuple(doc.get("words") or ()),
        title=doc.get("title"),
        etag=doc.get("etag"),
        last_modified=doc.get("last_modified"),
        seen=tuple(doc.get("seen") or ()),
    )


def announcement_doc(item: Announcement, recorded_at: datetime) -> dict[str, Any]:
    doc = item.to_dict()
    doc["date"] = iso_or_none(item.date)
    doc["recorded_at"] = _stamp(recorded_at)
    return doc


def model_doc(model: Show | Season | Credit) -> dict[str, Any]:
    """The stored form of a show, season or credit."""
    return model.to_dict()


# --- the store ---------------------------------------------------------------------


class Store:
    """An open database. Reads come from one parse of the file."""

    __slots__ = ("path", "loaded", "lock_timeout")

    def __init__(self, path: Path, loaded: _Loaded, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.path = path
        self.loaded = loaded
        self.lock_timeout = lock_timeout

    @property
    def raw(self) -> Raw:
        """Every table; the announcements are parsed on first use."""
        loaded = self.loaded
        if loaded.news is not None:
            news = _parse(self.path, loaded.news())
            _check_table(self.path, "announcements", news)
            loaded.raw["announcements"] = news
            loaded.news = None
        return loaded.raw

    def _head(self) -> Raw:
        """The tables other than announcements, which may still be unparsed."""
        return self.loaded.raw

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        now: datetime,
        seed: Callable[[], Dataset] | None = None,
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> Store:
        """Open the database at ``path``; create and seed it only if no file is there.

        Writers wait up to ``lock_timeout`` seconds for another writer (0: not at all).
        """
        if not os.path.lexists(path):
            cls._create(path, now=now, seed=seed or bundled_dataset, lock_timeout=lock_timeout)
        return cls(path, _load(path), lock_timeout)

    @classmethod
    def _create(
        cls, path: Path, *, now: datetime, seed: Callable[[], Dataset], lock_timeout: float
    ) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise DatabaseError(
                f"Can't create the folder for {path}: {err.strerror or err}."
            ) from None
        with _lock(path, lock_timeout):
            if os.path.lexists(path):  # another process created it while we waited
                return
            raw: Raw = {}
            _migrate(raw, 0)
            tables = _Tables(raw)
            tables.insert_dataset(seed(), now=now)
            try:
                atomic_write(path, _encode(tables.storage.raw))
            except OSError as err:
                raise DatabaseError(
                    f"Can't create the database {path}: {err.strerror or err}."
                ) from None

    # -- reads --

    def _docs(self, table: str) -> Iterable[dict[str, Any]]:
        tables = self.raw if table == "announcements" else self._head()
        return tables.get(table, {}).values()

    def _convert(
        self, table: str, build: Callable[[dict[str, Any]], Any], docs: Iterable[dict[str, Any]]
    ) -> list[Any]:
        try:
            return [build(doc) for doc in docs]
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise DatabaseError(
                f"{self.path} is damaged: a record in {table!r} is malformed ({err!s:.80}). "
                "It was left untouched."
            ) from None

    def shows(self) -> list[Show]:
        return self._convert("shows", show_from, self._docs("shows"))

    def seasons(self, show: str | None = None) -> list[Season]:
        docs = [d for d in self._docs("seasons") if show is None or d.get("show") == show]
        return self._convert("seasons", season_from, docs)

    def all_credits(self) -> list[Credit]:
        return self._convert("credits", credit_from, self._docs("credits"))

    def credits(self, show: str, season: int | None = None) -> list[Credit]:
        docs = [
            d
            for d in self._docs("credits")
            if d.get("show") == show and (season is None or d.get("season") == season)
        ]
        return self._convert("credits", credit_from, docs)

    def announcements(
        self,
        show: str | None = None,
        *,
        recorded_after: datetime | None = None,
        dated_from: str | None = None,
    ) -> list[Announcement]:
        """Announcements, filtered on the raw records before any are built.

        ``dated_from`` is an ISO day: keeps dated ones whose last possible day is
        on or after it. ``recorded_after`` keeps those recorded after an instant.
        """
        scannable = recorded_after is not None or dated_from is not None
        if scannable and self.loaded.news is not None:
            # the news table is not parsed yet: parse only the records that can match
            found = (
                _recorded_records(self.loaded.news(), _stamp(recorded_after))
                if recorded_after is not None
                else _dated_records(self.loaded.news(), dated_from or "")
            )
            if found is not None:
                picked = [
                    d
                    for d in found
                    if (show is None or d.get("show") == show)
                    and (dated_from is None or _on_or_after(d.get("date"), dated_from))
                ]
                return self._convert("announcements", announcement_from, picked)
        docs: Iterable[dict[str, Any]] = self._docs("announcements")
        if show is not None:
            docs = (d for d in docs if d.get("show") == show)
        if recorded_after is not None:
            mark = _stamp(recorded_after)
            docs = (d for d in docs if (d.get("recorded_at") or "") > mark)
        if dated_from is not None:
            docs = (d for d in docs if _on_or_after(d.get("date"), dated_from))
        return self._convert("announcements", announcement_from, docs)

    def feeds(self, show: str | None = None) -> list[Feed]:
        docs = [d for d in self._docs("feeds") if show is None or d.get("show") == show]
        return self._convert("feeds", feed_from, docs)

    def linked_shows(self) -> list[Show]:
        """Shows with a TVmaze id, which sync keeps current."""
        return [show for show in self.shows() if show.tvmaze is not None]

    def state(self) -> dict[str, Any]:
        return self._head()["state"]["1"]

    def show_checks(self) -> dict[str, datetime]:
        """When each show was last checked on its own (after the last plain check)."""
        checks = self.state().get("checks") or {}
        return {slug: datetime.fromisoformat(mark) for slug, mark in checks.items() if mark}

    def last_check(self, show: str | None = None) -> datetime | None:
        state = self.state()
        marks = [state.get("last_check")]
        if show is not None:
            marks.append((state.get("checks") or {}).get(show))
        known = [mark for mark in marks if mark]
        return _instant(max(known)) if known else None

    # -- writes --

    @contextlib.contextmanager
    def writing(self, *, news: bool = True) -> Iterator[_Tables]:
        """Lock, re-read the file, yield its tables, then replace the file atomically.

        Nothing is written if the block raises; ``self.raw`` is then unchanged.
        ``news=False`` promises that the block leaves the announcements alone (it
        records a check): if they were not parsed, their bytes are copied into the
        new file as they were read, which on 100k announcements saves parsing and
        encoding 80 MB. They are not checked then either (see ``_scanned_records``).
        """
        with _lock(self.path, self.lock_timeout):
            # Read again under the lock unless the file is the very one already read
            # (same inode, size and mtime: every write makes a new inode).
            _remove_stale_temps(self.path)
            if _stat_stamp(self.path) != self.loaded.stamp:
                self.loaded = _load(self.path)
            kept = self.loaded.news if not news else None
            if kept is not None:
                tables = _Tables(self._head(), news_kept=True)
            else:
                tables = _Tables(self.raw)
            try:
                yield tables
            except BaseException:
                self.loaded = _load(self.path)  # the file is intact; drop what the block changed
                raise
            if tables.storage.dirty or tables.changed:
                raw = tables.storage.raw
                data = _encode(raw) if kept is None else _encode_around(raw, kept())
                try:
                    atomic_write(Path(os.path.realpath(self.path)), data)
                except OSError as err:
                    self.loaded = _load(self.path)
                    raise DatabaseError(
                        f"Can't write the database {self.path}: {err.strerror or err}. "
                        "It is as it was before this command."
                    ) from None
                self.loaded = _Loaded(tables.storage.raw, kept, _stat_stamp(self.path))


def _on_or_after(value: Any, day: str) -> bool:
    """Whether a stored date ('2023', '2023-05', '2023-05-12', or with a time) could
    be on or after an ISO day: compared at the stored precision."""
    if not isinstance(value, str) or not value:
        return False
    own = value[:10]
    return own >= day[: len(own)]


_RECORD_START = b'{"id":'
SCAN_FROM = SMALL_JSON  # a smaller news table is parsed whole, by the stdlib's json


@functools.cache
def _scan_patterns() -> dict[str, re.Pattern[bytes]]:
    """A record's ``date`` or ``recorded_at`` field, and the start of the next record
    (compiled on first use)."""
    return {
        "date": re.compile(rb'"date":"([0-9][0-9T:+\-]{3,24})"'),
        "recorded_at": re.compile(rb'"recorded_at":"([0-9][0-9TZ:+\-.]{3,40})"'),
        "next": re.compile(rb'\},"[0-9]{1,12}":\{"id":'),
    }


def _scanned_records(
    news: memoryview, field: str, keep: Callable[[bytes], bool]
) -> list[dict[str, Any]] | None:
    """The records of the unparsed news table whose ``field`` (``date`` or
    ``recorded_at``) passes ``keep``, found by scanning the bytes for that field and
    parsing only those records.

    This is safe because JSON escapes every quote inside a string, so a bare
    ``"date":"`` or ``{"id":`` can only be the record's own field. It relies on
    the layout showtrack writes (flat records, ``id`` first); on anything else it
    returns None and the caller parses the whole table. Measured on 100k
    announcements: about a third of the time of parsing everything. A small table
    is simply parsed whole (None here), which also checks all of it.

    Records that are not read are not checked either: damage inside one of them
    (only possible from outside, as every write is atomic) is found by the next
    command that parses the whole table.
    """
    if len(news) < SCAN_FROM:
        return None
    import orjson

    data = news.obj  # the bytes behind the view: the table is data[:len(news)]
    assert isinstance(data, bytes)
    stop = len(news)
    found: list[dict[str, Any]] = []
    patterns = _scan_patterns()
    wanted, next_record = patterns[field], patterns["next"]
    after = 0  # records must come in order, each after the last one taken
    for match in wanted.finditer(data, 0, stop):
        value = match[1]
        if not keep(value):
            continue
        start = data.rfind(_RECORD_START, after, match.start())
        if start < 0:
            return None
        following = next_record.search(data, match.end(), stop)
        end = following.start() + 1 if following is not None else stop - 1
        try:
            record = orjson.loads(news[start:end])
        except orjson.JSONDecodeError:
            return None
        if not isinstance(record, dict) or record.get(field) != value.decode("ascii"):
            return None
        found.append(record)
        after = end
    return found


def _dated_records(news: memoryview, day: str) -> list[dict[str, Any]] | None:
    """Records dated on or after an ISO day, compared at the stored precision."""
    limit = day.encode("ascii")
    return _scanned_records(news, "date", lambda value: value[:10] >= limit[: len(value[:10])])


def _recorded_records(news: memoryview, mark: str) -> list[dict[str, Any]] | None:
    """Records recorded after an instant (stamps compare as text, as stored)."""
    limit = mark.encode("ascii")
    return _scanned_records(news, "recorded_at", lambda value: value > limit)


@contextlib.contextmanager
def _lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold the cross-process lock ``<db>.lock`` (flock: released if the holder dies)."""
    from filelock import FileLock, Timeout

    target = Path(os.path.realpath(path))
    lock_path = Path(f"{target}.lock")
    if lock_path.is_symlink():
        raise DatabaseError(
            f"The lock file {lock_path} is a symbolic link; showtrack refuses to use it. "
            "Remove it and try again."
        )
    lock = FileLock(str(lock_path), timeout=timeout, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        waited = f"for {timeout:.0f} seconds" if timeout >= 1 else "right now"
        raise DatabaseBusyError(
            f"The database {path} is busy: another showtrack is writing to it ({waited}). "
            "Try again in a moment."
        ) from None
    except OSError as err:
        raise DatabaseError(f"Can't lock the database {path}: {err.strerror or err}.") from None
    try:
        yield
    finally:
        lock.release()


class _Tables:
    """The write side, through TinyDB over an in-memory storage."""

    def __init__(self, raw: Raw, *, news_kept: bool = False) -> None:
        from tinydb import TinyDB

        self.db = TinyDB(raw, storage=memory_storage())
        self.storage: Any = self.db.storage
        self.changed = False
        self.news_kept = news_kept  # the news is copied as bytes: not to be read or changed

    def set_check(self, show: str | None, moment: datetime) -> None:
        state = self.storage.raw["state"]["1"]
        if show is None:
            state["last_check"] = _stamp(moment)
            state["checks"] = {}
        else:
            state.setdefault("checks", {})[show] = _stamp(moment)
        self.changed = True

    def records(self, table: str) -> dict[str, dict[str, Any]]:
        """The raw records of a table by document id (read-only use)."""
        if table == "announcements" and self.news_kept:
            raise AssertionError("the announcements are not loaded in a write that keeps them")
        records: dict[str, dict[str, Any]] = self.storage.raw.get(table, {})
        return records

    def apply(
        self,
        table: str,
        *,
        insert: list[dict[str, Any]] | None = None,
        replace: dict[str, dict[str, Any]] | None = None,
        delete: list[str] | None = None,
    ) -> None:
        """Batch changes to one table: each TinyDB call rewrites the whole table, so
        replacements and deletions go in one ``remove`` and insertions in one
        ``insert_multiple``, never one call per record."""
        handle = self.db.table(table)
        gone = [int(doc_id) for doc_id in [*(delete or []), *(replace or {})]]
        if gone:
            handle.remove(doc_ids=gone)
        fresh = [*(replace or {}).values(), *(insert or [])]
        if fresh:
            handle.insert_multiple(fresh)

    def put_feed(self, feed: Feed) -> None:
        """Add a feed, or replace the stored one with the same show and URL."""
        same = [
            doc_id
            for doc_id, doc in self.records("feeds").items()
            if doc.get("show") == feed.show and doc.get("url") == feed.url
        ]
        self.apply("feeds", insert=[feed.to_dict()], delete=same)

    def insert_dataset(self, data: Dataset, *, now: datetime) -> None:
        self.db.table("shows").insert_multiple(model_doc(show) for show in data.shows)
        self.db.table("seasons").insert_multiple(model_doc(season) for season in data.seasons)
        self.db.table("credits").insert_multiple(model_doc(credit) for credit in data.credits)
        self.db.table("announcements").insert_multiple(
            announcement_doc(item, now) for item in data.announcements
        )


def bundled_dataset() -> Dataset:
    """The dataset shipped with showtrack (``data/*.json`` in the source tree)."""
    from importlib import resources

    from showtrack.sources.jsonfile import Dataset, read_text

    folder = resources.files("showtrack") / "data"
    data = Dataset()
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".json"))
    for name in names:
        text = (folder / name).read_text(encoding="utf-8")
        data.extend(read_text(text, f"bundled data {name}"))
    return data
