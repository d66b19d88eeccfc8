"""The bytes on disk. The only module that knows how a database file is laid out.

The file is TinyDB's JSON layout, ``{"table": {"doc_id": {...}}}``, which
``TinyDB(path)`` opens and queries. showtrack writes it compact, with the
tables in a fixed order and the announcements table last::

    {"state":{"1":{...}},"shows":{...},"seasons":{...},"credits":{...},
     "feeds":{...},"episodes":{...},"announcements":{"1":{"id":...,"seq":1,...},...}}

Announcements are keyed by their ``seq``, in increasing order. Two speed-ups
rest on that layout, and both fall back to parsing everything when the file is
laid out in any other way:

* **Readers skip the news.** A command that does not need announcements
  (countdown, cast, shows) reads and parses only what comes before them.
* **Scans of the news.** The state record holds the byte length and CRC-32 of
  the announcements table as showtrack wrote it. When the table still has
  exactly those bytes, "records after seq N" is found by a binary search on the
  record keys and "records dated on or after a day" by a scan for their
  ``date`` fields, parsing only those records; such a table was checked when it
  was written, so it need not be checked again. Any other table (pretty-printed,
  other separators or key order, extra tables after it, edited by hand) is
  parsed and checked whole: a speed-up may be slower, never wrong.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from showtrack.errors import DatabaseError, json_problem
from showtrack.store import durable

NEWS = "announcements"
EPISODES = "episodes"
HEAD_TABLES = ("state", "shows", "seasons", "credits", "feeds", "episodes")
NEWS_KEY = b',"announcements":'
#: Only the episodes table's own key is followed by an object: a season's
#: "episodes" field is a number or null, and a string can hold no bare quote.
EPISODES_KEY = b',"episodes":{'
SMALL_JSON = 256 * 1024  # below this the stdlib parses as fast as orjson can be imported
CHUNK = 1 << 20

Raw = dict[str, Any]
Stamp = tuple[int, int, int]


# --- parsing --------------------------------------------------------------------------


def loads(data: bytes | memoryview) -> Any:
    """orjson on a large text (about twice as fast); the stdlib on a small one, and
    where orjson refuses something JSON allows (integers past 64 bits, lone
    surrogate escapes)."""
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


def parse(path: Path, data: bytes | memoryview) -> Any:
    """Parse a file's bytes; DatabaseError names the file."""
    if not bytes(data[:4096]).strip() and not bytes(data).strip():
        raise DatabaseError(
            f"{path} is empty (0 bytes of data), so it is not a showtrack database. "
            "It was left untouched; move it away to start afresh."
        )
    import json

    try:
        return loads(data)
    except UnicodeDecodeError:
        raise DatabaseError(
            f"{path} is not UTF-8 text, so it cannot be a showtrack database."
        ) from None
    except (json.JSONDecodeError, RecursionError) as err:
        where = f" ({json_problem(err)})" if isinstance(err, json.JSONDecodeError) else ""
        raise DatabaseError(
            f"{path} is damaged: it is not valid JSON{where}. It was left untouched."
        ) from None


def dumps(value: Any) -> bytes:
    import orjson

    try:
        return orjson.dumps(value)
    except TypeError:  # a lone surrogate: orjson refuses to write it
        import json

        # A lone surrogate (from a broken "\\ud800" escape in some input) can only sit
        # inside a JSON string, where backslashreplace writes it as that same escape.
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8", "backslashreplace")


# --- the news table, possibly still unparsed --------------------------------------------


def fingerprint(table: bytes | memoryview) -> dict[str, int]:
    return {"bytes": len(table), "crc32": zlib.crc32(table)}


class News:
    """The announcements table of one file: parsed, or bytes parsed on demand.

    ``trusted`` means the bytes are exactly those showtrack wrote (length and
    CRC-32 as the state record gives them), so they are laid out as this module
    writes them and their records were checked when they were written.
    """

    __slots__ = ("_bytes", "_parsed", "_trusted", "_whole", "expected", "path")

    def __init__(
        self,
        path: Path,
        *,
        parsed: dict[str, Any] | None = None,
        read: Callable[[], memoryview] | None = None,
        whole: Callable[[], Any] | None = None,
        expected: Any = None,
    ) -> None:
        self.path = path
        self._parsed = parsed
        self._bytes = read
        self._whole = whole  # parses the whole file, for a table not laid out as ours
        self._trusted: bool | None = None if parsed is None else False
        self.expected = expected  # the fingerprint the state record gives

    @property
    def parsed(self) -> bool:
        return self._parsed is not None

    def raw(self) -> memoryview:
        assert self._bytes is not None
        return self._bytes()

    def trusted(self) -> bool:
        """Whether the unparsed bytes are showtrack's own (checked once, lazily)."""
        if self._trusted is None:
            expected = self.expected
            self._trusted = False
            if isinstance(expected, dict) and self._bytes is not None:
                data = self._bytes()
                self._trusted = fingerprint(data) == {
                    "bytes": expected.get("bytes"),
                    "crc32": expected.get("crc32"),
                }
        return self._trusted

    def table(self) -> dict[str, Any]:
        """Every record by key (parsing the bytes the first time)."""
        if self._parsed is None:
            if self._whole is not None and not self.trusted():
                table = self._whole()  # other tables may follow it: read the file as a whole
            else:
                table = parse(self.path, self.raw())
            if not isinstance(table, dict):
                raise DatabaseError(
                    f"{self.path} is damaged: table 'announcements' is not a set of records."
                )
            self._parsed = table
        return self._parsed

    def after(self, seq: int) -> list[dict[str, Any]]:
        """Records with a key (seq) above ``seq``, in order."""
        if self._parsed is None and self.trusted():
            found = _records_after(self.raw(), seq)
            if found is not None:
                return found
        return [doc for key, doc in self.table().items() if _key_above(key, seq)]

    def dated_from(self, day: str) -> list[dict[str, Any]]:
        """Records whose date could be on or after an ISO day (at its precision)."""
        if self._parsed is None and self.trusted():
            found = _dated_records(self.raw(), day)
            if found is not None:
                return found
        return [doc for doc in self.table().values() if on_or_after(doc, day)]


def _key_above(key: str, seq: int) -> bool:
    return key.isdigit() and int(key) > seq


def on_or_after(doc: Any, day: str) -> bool:
    """Whether a record's date ('2023', '2023-05', '2023-05-12', or with a time) could
    be on or after an ISO day: compared at the stored precision."""
    value = doc.get("date") if isinstance(doc, dict) else None
    if not isinstance(value, str) or not value:
        return False
    own = value[:10]
    return own >= day[: len(own)]


@functools.cache
def _patterns() -> dict[str, re.Pattern[bytes]]:
    """Record boundaries and date fields in showtrack's own layout (compiled on first use).

    JSON escapes every quote inside a string, and stored records are flat, so
    ``,"123":{"id":`` can only be the start of a record and ``"date":"`` only a
    record's own date field.
    """
    return {
        "record": re.compile(rb'[{,]"([0-9]{1,16})":\{"id":'),
        "date": re.compile(rb'"date":"([0-9][0-9T:+\-]{3,24})"'),
    }


def _records_after(news: memoryview, seq: int) -> list[dict[str, Any]] | None:
    """Binary search on the record keys (increasing through the table) for the first
    one above ``seq``; the rest of the table is then parsed as one object."""
    data = news.obj
    assert isinstance(data, bytes)
    end = len(news)
    record = _patterns()["record"]
    low, high = 0, end
    while low < high:
        middle = (low + high) // 2
        found = record.search(data, middle, end)
        if found is None or int(found[1]) > seq:
            high = middle
        else:
            low = found.end()
    first = record.search(data, low, end)
    if first is None:
        return []
    rest = b"{" + bytes(news[first.start() + 1 :])
    try:
        table = loads(rest)
    except ValueError:
        return None
    if not isinstance(table, dict):
        return None
    return [doc for key, doc in table.items() if _key_above(key, seq)]


def _dated_records(news: memoryview, day: str) -> list[dict[str, Any]] | None:
    """The records dated on or after ``day`` (at their precision), found by scanning
    the bytes for date fields and parsing only those records."""
    data = news.obj
    assert isinstance(data, bytes)
    end = len(news)
    patterns = _patterns()
    record, date = patterns["record"], patterns["date"]
    limit = day.encode("ascii")
    found: list[dict[str, Any]] = []
    after = 0  # records come in order, each after the last one taken
    for match in date.finditer(data, 0, end):
        value = match[1][:10]
        if value < limit[: len(value)]:
            continue
        begin = _record_start(data, after, match.start())
        if begin is None:
            return None
        following = record.search(data, match.end(), end)
        stop = following.start() if following is not None else end - 1
        try:
            doc = loads(news[begin.end() - len(b'{"id":') : stop])
        except ValueError:
            return None
        if not isinstance(doc, dict) or str(doc.get("date", ""))[:10] != value.decode("ascii"):
            return None
        found.append(doc)
        after = stop
    return found


def _record_start(data: bytes, low: int, high: int) -> re.Match[bytes] | None:
    """The last record boundary that starts in [low, high)."""
    record = _patterns()["record"]
    position = high
    while position > low:
        position = max(low, position - 4096)
        matches = list(record.finditer(data, position, high))
        if matches:
            return matches[-1]
    return None


# --- reading a file ----------------------------------------------------------------


class Loaded:
    """A file as read: its head tables parsed (the episodes table maybe only when
    first asked for), its news parsed or not, its stamp."""

    __slots__ = ("_episodes", "head", "news", "stamp")

    def __init__(
        self,
        head: Raw,
        news: News | PartedNews,
        stamp: Stamp,
        episodes: Callable[[], Any] | None = None,
    ) -> None:
        self.head = head
        self.news = news
        self.stamp = stamp
        self._episodes = episodes  # parses the episodes table, when it was skipped

    def table(self, name: str) -> Any:
        """A head table; the episodes table is parsed on first use."""
        if name == EPISODES and name not in self.head and self._episodes is not None:
            self.head[name] = self._episodes()
        return self.head.get(name, {})

    def full_head(self) -> Raw:
        """Every head table, the episodes table parsed."""
        self.table(EPISODES)
        return self.head


def stat_stamp(path: Path) -> Stamp | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _closes(tail: bytes) -> bool:
    """The file ends as showtrack writes it: the last record, the announcements table
    and the document closed (``}}}``), or an empty table (``{}}``)."""
    return tail.endswith((b"}}}", b"{}}"))


def load(path: Path) -> Loaded:
    """Read the file at ``path``. When it is laid out as showtrack writes it, the
    announcements are neither read nor parsed until a command needs them."""
    fd = durable.open_regular(path)
    handle = os.fdopen(fd, "rb")
    info = os.fstat(fd)
    stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
    try:
        data, at = _read_head(handle)
        if at > 0 and _ends_whole(handle, info.st_size):
            head, episodes = _split_head(path, data[:at])
            if head is not None:
                read = functools.cache(_news_reader(path, handle, at + len(NEWS_KEY)))
                state = head.get("state", {}).get("1", {})
                expected = state.get("news") if isinstance(state, dict) else None

                def whole() -> Any:
                    """The file parsed as a whole; tables after the news join the head."""
                    document = parse(path, data[:at] + NEWS_KEY + bytes(read()) + b"}")
                    if not isinstance(document, dict):
                        raise DatabaseError(f"{path} is not a showtrack database.")
                    for name, table in document.items():
                        if name != NEWS and name not in head:
                            head[name] = table
                    return document.get(NEWS, {})

                news = News(path, read=read, whole=whole, expected=expected)
                return Loaded(head, news, stamp, episodes)
        handle.seek(len(data))
        data += handle.read()
    except OSError as err:
        handle.close()
        raise DatabaseError(f"Can't read the database {path}: {err.strerror or err}.") from None
    handle.close()
    stripped = data.rstrip()
    if at < 0 and stripped.endswith(b"}"):  # the parted layout: no news in this file
        head, episodes = _split_head(path, stripped[:-1])
        if head is not None and is_parted(head):
            parted = PartedNews.open(path, head["state"]["1"]["news"])
            return Loaded(head, parted, stamp, episodes)
    whole = parse(path, data)
    if not isinstance(whole, dict):
        raise DatabaseError(
            f"{path} is not a showtrack database (it has no schema version). It was left untouched."
        )
    news = whole.pop(NEWS, {})
    if not isinstance(news, dict):
        raise DatabaseError(f"{path} is damaged: table 'announcements' is not a set of records.")
    return Loaded(whole, News(path, parsed=news), stamp)


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


def _ends_whole(handle: Any, size: int) -> bool:
    """A cheap check that the file is not cut short or followed by garbage."""
    position = handle.tell()
    handle.seek(max(size - 64, 0))
    whole = _closes(handle.read().rstrip())
    handle.seek(position)
    return whole


def _head_tables(data: bytes, without: str = "") -> Any:
    try:
        head = loads(data)
    except (ValueError, RecursionError):
        return None
    wanted = [table for table in HEAD_TABLES if table != without]
    if not isinstance(head, dict) or not all(table in head for table in wanted):
        return None
    return head


def _split_head(path: Path, data: bytes) -> tuple[Any, Callable[[], Any] | None]:
    """The head tables, with the episodes table (written last in the head, before the
    news) left unparsed until a command asks for it: commands that show no episode
    never parse it. Any other layout is parsed whole."""
    at = data.rfind(EPISODES_KEY)
    if at > 0:
        head = _head_tables(data[:at] + b"}", without=EPISODES)
        if head is not None and EPISODES not in head:
            raw = data[at + len(EPISODES_KEY) - 1 :]

            def episodes() -> Any:
                table = parse(path, raw)
                if not isinstance(table, dict):
                    raise DatabaseError(
                        f"{path} is damaged: table 'episodes' is not a set of records."
                    )
                return table

            return head, episodes
    return _head_tables(data + b"}"), None


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


# --- writing a file ---------------------------------------------------------------------


def _ordered_head(head: Raw) -> dict[str, Any]:
    ordered = {key: head[key] for key in HEAD_TABLES if key in head}
    ordered.update((key, value) for key, value in head.items() if key not in ordered)
    return ordered


def encode_news(table: dict[str, Any]) -> bytes:
    """The announcements table as given (the store keeps it keyed and ordered by seq)."""
    return dumps(table)


def encode(head: Raw, news: bytes | memoryview) -> list[bytes | memoryview]:
    """The pieces of a file: the head tables (with the news fingerprint in the
    state record), then the announcements table ``news`` as given."""
    state = dict(head["state"]["1"])
    state["news"] = fingerprint(news)
    tables = dict(head)
    tables["state"] = {**head["state"], "1": state}
    text = dumps(_ordered_head(tables))
    return [text[:-1], NEWS_KEY, news, b"}"]


# --- the parted layout (schema 7): the news in files of their own -------------------------
#
# The database file keeps every table but the news. The announcements live in
# ``<db>.news/``: part k holds the seqs k*PART+1 .. (k+1)*PART, keyed and ordered by
# seq exactly as the single-file table was; an id index, in ID_BUCKETS small files,
# says which seq an announcement id has. Every file there is written once, under a
# name carrying the generation of the commit that wrote it, and never changed; the
# state record of the database file (the manifest) names the files of its
# generation with their length and CRC-32. Replacing the database file is the
# commit: until then a reader sees the old manifest, whose files are all still
# there, and a crash leaves only files no manifest names, which the next writer
# removes. A reader opens the files its manifest names when it reads the database
# file, so a writer removing them afterwards can't take them from under it.

PART = 4096
ID_BUCKETS = 64
NEWS_DIR = ".news"
PARTED = "parts"


def news_dir(path: Path) -> Path:
    target = durable.real(path)
    return target.with_name(target.name + NEWS_DIR)


def part_of(seq: int) -> int:
    return (seq - 1) // PART


def bucket_of(announcement_id: str) -> int:
    return zlib.crc32(announcement_id.encode("utf-8", "surrogatepass")) % ID_BUCKETS


def last_day(value: Any) -> str | None:
    """The last ISO day a stored date could be ('2023' -> '2023-12-31'); None undated."""
    if not isinstance(value, str) or len(value) < 4:
        return None
    if len(value) >= 10:
        return value[:10]
    import calendar

    try:
        year = int(value[:4])
        month = int(value[5:7]) if len(value) >= 7 else 12
        return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    except ValueError:
        return None


def is_parted(head: Raw) -> bool:
    state = head.get("state", {}).get("1", {}) if isinstance(head.get("state"), dict) else {}
    manifest = state.get("news") if isinstance(state, dict) else None
    return isinstance(manifest, dict) and manifest.get("layout") == PARTED


_PREFIX = {"parts": b'{"announcements":', "ids": b'{"ids":', "episodes": b'{"episodes":'}


class Moved(Exception):
    """A file the manifest names is gone: a writer committed since; read again."""


EPISODE_BUCKETS = 64


def episode_bucket_of(show: str) -> int:
    return zlib.crc32(show.encode("utf-8", "surrogatepass")) % EPISODE_BUCKETS


def _entry_files(manifest: Raw) -> list[tuple[str, str, Raw]]:
    found = []
    for group in ("parts", "ids", "episodes"):
        entries = manifest.get(group, {} if group == "episodes" else None)
        if not isinstance(entries, dict):
            raise ValueError(group)
        for key, entry in entries.items():
            if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
                raise ValueError(key)
            found.append((group, key, entry))
    return found


class PartedNews:
    """The announcements of a parted database: its parts and id index, opened when the
    database file was read, each read (and its CRC-32 checked) only when needed."""

    __slots__ = ("_cache", "_handles", "manifest", "path")

    expected = None

    def __init__(
        self, path: Path, manifest: Raw, handles: dict[tuple[str, str], Any] | None = None
    ) -> None:
        self.path = path
        self.manifest = manifest
        self._handles: dict[tuple[str, str], Any] = handles or {}
        self._cache: dict[tuple[str, str], Any] = {}

    @classmethod
    def open(cls, path: Path, manifest: Raw) -> PartedNews:
        folder = news_dir(path)
        handles: dict[tuple[str, str], Any] = {}
        try:
            entries = _entry_files(manifest)
        except ValueError:
            raise DatabaseError(
                f"{path} is damaged: its list of news files is not readable. It was left untouched."
            ) from None
        _allow_open_files(len(entries))
        for group, key, entry in entries:
            name = entry["file"]
            if "/" in name or name.startswith("."):
                raise DatabaseError(f"{path} is damaged: it names a news file {name!r}.")
            try:
                flags = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
                fd = os.open(folder / name, os.O_RDONLY | flags)
            except FileNotFoundError:
                for handle in handles.values():
                    handle.close()
                raise Moved(name) from None
            except OSError as err:
                raise DatabaseError(
                    f"Can't read the news file {folder / name}: {err.strerror or err}."
                ) from None
            handles[(group, key)] = os.fdopen(fd, "rb")
        return cls(path, manifest, handles)

    @property
    def parsed(self) -> bool:
        return False

    def trusted(self) -> bool:
        return True

    def entries(self, group: str) -> dict[str, Raw]:
        found: dict[str, Raw] = self.manifest.get(group, {})
        return found

    def parts(self) -> list[int]:
        return sorted(int(key) for key in self.entries("parts"))

    def _bytes(self, group: str, key: str) -> memoryview:
        """A file's table (the bytes inside its one top-level key), its length and
        CRC-32 checked against the manifest."""
        name = (group, key)
        if name in self._cache:
            cached: memoryview = self._cache[name]
            return cached
        entry = self.entries(group)[key]
        handle = self._handles.get(name)
        where = news_dir(self.path) / entry["file"]
        if handle is None:
            raise DatabaseError(f"{where} is not open; read the database again.")
        try:
            handle.seek(0)
            data = handle.read()
        except OSError as err:
            raise DatabaseError(
                f"Can't read the news file {where}: {err.strerror or err}."
            ) from None
        if fingerprint(data) != {"bytes": entry.get("bytes"), "crc32": entry.get("crc32")}:
            raise DatabaseError(
                f"{where} is damaged: it is not the file the database {self.path.name} "
                "names (its length or checksum differ). It was left untouched."
            )
        prefix = _PREFIX[group]
        if not data.startswith(prefix) or not data.endswith(b"}"):
            raise DatabaseError(f"{where} is damaged: it is not a showtrack news file.")
        view = memoryview(data)[len(prefix) : len(data) - 1]
        self._cache[name] = view
        return view

    def part_table(self, index: int) -> dict[str, Any]:
        key = str(index)
        if key not in self.entries("parts"):
            return {}
        cached = self._cache.get(("table", key))
        if cached is None:
            cached = parse(news_dir(self.path) / self.entries("parts")[key]["file"],
                           self._bytes("parts", key))  # fmt: skip
            if not isinstance(cached, dict):
                raise DatabaseError(f"{self.path} is damaged: a news part is not a set of records.")
            self._cache[("table", key)] = cached
        return cached

    def table(self) -> dict[str, Any]:
        """Every record by key, in seq order (reads every part)."""
        everything: dict[str, Any] = {}
        for index in self.parts():
            everything.update(self.part_table(index))
        return everything

    def tables(self) -> Any:
        """Each part's records in turn, without keeping them (for scans of everything)."""
        for index in self.parts():
            table = self.part_table(index)
            self._cache.pop(("table", str(index)), None)
            self._cache.pop(("parts", str(index)), None)
            yield table

    def after(self, seq: int) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for index in self.parts():
            entry = self.entries("parts")[str(index)]
            if int(entry.get("max_seq") or 0) <= seq:
                continue
            records = _records_after(self._bytes("parts", str(index)), seq)
            if records is None:
                records = [d for k, d in self.part_table(index).items() if _key_above(k, seq)]
            found.extend(records)
        return found

    def dated_from(self, day: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for index in self.parts():
            entry = self.entries("parts")[str(index)]
            latest = entry.get("last_day")
            if not isinstance(latest, str) or latest < day:
                continue
            records = _dated_records(self._bytes("parts", str(index)), day)
            if records is None:
                records = [d for d in self.part_table(index).values() if on_or_after(d, day)]
            found.extend(records)
        return found

    def bucket(self, index: int) -> dict[str, int]:
        """The id index of one bucket: id -> seq."""
        key = str(index)
        cached = self._cache.get(("bucket", key))
        if cached is None:
            cached = {}
            if key in self.entries("ids"):
                where = news_dir(self.path) / self.entries("ids")[key]["file"]
                table = parse(where, self._bytes("ids", key))
                if not isinstance(table, dict):
                    raise DatabaseError(f"{where} is damaged: it is not a set of records.")
                for seq, doc in table.items():
                    if not isinstance(doc, dict) or not seq.isdigit():
                        raise DatabaseError(f"{where} is damaged: record {seq} is not an id.")
                    cached[str(doc.get("id"))] = int(seq)
            self._cache[("bucket", key)] = cached
        return cached

    @property
    def episodes_bucketed(self) -> bool:
        """The episodes live in buckets of their own (by show), not in the database file."""
        return "episodes" in self.manifest

    def episode_table(self, index: int) -> dict[str, Any]:
        """One bucket of episodes (parsed afresh: callers keep only what they need)."""
        key = str(index)
        if key not in self.entries("episodes"):
            return {}
        where = news_dir(self.path) / self.entries("episodes")[key]["file"]
        table = parse(where, self._bytes("episodes", key))
        self._cache.pop(("episodes", key), None)
        if not isinstance(table, dict) or not all(isinstance(d, dict) for d in table.values()):
            raise DatabaseError(f"{where} is damaged: table 'episodes' is not a set of records.")
        return table

    def seasons_listed(self) -> dict[tuple[str, int], tuple[str | None, bool, int, int]]:
        """Per season, from the manifest: the last day any episode could air (None:
        none dated), whether one is undated, the highest number, and its bucket."""
        found: dict[tuple[str, int], tuple[str | None, bool, int, int]] = {}
        for key, entry in self.entries("episodes").items():
            for name, (latest, undated, top) in (entry.get("seasons") or {}).items():
                show, _, season = name.rpartition("\t")
                found[(show, int(season))] = (latest, bool(undated), int(top or 0), int(key))
        return found

    def seqs_of(self, ids: Any) -> dict[str, int]:
        """The seqs of the announcements with these ids (those that exist)."""
        found: dict[str, int] = {}
        for announcement_id in ids:
            seq = self.bucket(bucket_of(announcement_id)).get(announcement_id)
            if seq is not None:
                found[announcement_id] = seq
        return found

    def count(self) -> int:
        return sum(int(entry.get("count") or 0) for entry in self.entries("parts").values())

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles = {}


def _allow_open_files(count: int) -> None:
    """Raise the soft limit on open files when a reader needs more than half of it
    (a part holds 4,096 announcements: 1,024 files is about 4M announcements)."""
    if count < 256:
        return
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count * 2 + 64
    if soft != resource.RLIM_INFINITY and soft < wanted:
        limit = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))


def encode_part(table: dict[str, Any]) -> bytes:
    return b'{"announcements":' + dumps(table) + b"}"


def encode_episodes(table: dict[str, Any]) -> bytes:
    return b'{"episodes":' + dumps(table) + b"}"


def encode_bucket(ids: dict[int, str]) -> bytes:
    return b'{"ids":' + dumps({str(seq): {"id": ids[seq]} for seq in sorted(ids)}) + b"}"


def encode_head(head: Raw) -> list[bytes | memoryview]:
    """The database file of the parted layout: every table but the news (and, since
    schema 8, an empty episodes table: the episodes live in their buckets)."""
    return [dumps(_ordered_head(head))]
