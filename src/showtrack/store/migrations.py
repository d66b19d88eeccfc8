"""Schema versions: ordered migrations, each run once on an older file.

A file with an older ``schema_version`` is migrated when it is read, and saved
migrated by the first command that can take the lock (a read-only file is
served migrated in memory, and migrated again next time). A newer or unknown
version is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from showtrack.errors import DatabaseError
from showtrack.models import Check, Checks, name_key

SCHEMA_VERSION = 8
#: The last schema of the single-file layout: it is read as it is, and written in the
#: parted layout (schema 7) by its first write.
SINGLE_FILE = 6
#: Older layouts of the same records, read as they are and rewritten by the first
#: write: 6 (one file), 7 (the news parted, the episodes in the database file).
LAYOUT_ONLY = (6, 7)

Raw = dict[str, Any]


def m001_initial(raw: Raw) -> Checks | None:
    """Create the tables and the state record."""
    for table in ("shows", "seasons", "credits", "announcements"):
        raw.setdefault(table, {})
    raw.setdefault("state", {}).setdefault("1", {})
    raw["state"]["1"].setdefault("last_check", None)
    raw["state"]["1"].setdefault("checks", {})
    return None


def m002_feeds(raw: Raw) -> Checks | None:
    """Add the feeds table: one record per news feed followed for a show."""
    raw.setdefault("feeds", {})
    return None


def m003_sequence(raw: Raw) -> Checks | None:
    """Number the news in commit order, give the database an id, and move the reading
    state out of the file.

    Announcements get ``seq`` 1, 2, ... in the order they were recorded (the old
    ``recorded_at`` stamps, fixed-width UTC text, then the old document order) and
    are keyed by it. The last check and the per-show checks become the highest seq
    recorded at or before them, returned for the reading-state file. Credits that
    the old rules kept apart but that name one actor ("Kit Connor." and "Kit
    Connor") are merged into the first of them.
    """
    import uuid

    news = raw.get("announcements", {})
    order = sorted(
        news.items(),
        key=lambda item: (str(item[1].get("recorded_at") or ""), _doc_order(item[0])),
    )
    table: dict[str, Any] = {}
    stamps: list[str] = []
    for seq, (_, doc) in enumerate(order, start=1):
        record = {"id": doc.get("id"), "seq": seq}
        record.update((key, value) for key, value in doc.items() if key not in ("id", "seq"))
        table[str(seq)] = record
        stamps.append(str(doc.get("recorded_at") or ""))
    raw["announcements"] = table
    state = raw["state"]["1"]
    state.setdefault("database", uuid.uuid4().hex)
    state["last_seq"] = len(table)
    last = state.pop("last_check", None)
    per_show = state.pop("checks", None) or {}
    raw["credits"] = _merged_credits(raw.get("credits", {}))

    def check(mark: Any) -> Check | None:
        if not isinstance(mark, str) or not mark:
            return None
        seen = [seq for seq, stamp in enumerate(stamps, start=1) if stamp and stamp <= mark]
        try:
            at = datetime.fromisoformat(mark)
        except ValueError:
            return None
        return Check(max(seen, default=0), at)

    everything = check(last)
    shows = {
        slug: found
        for slug, mark in (per_show.items() if isinstance(per_show, dict) else [])
        if (found := check(mark)) is not None
    }
    return Checks(everything, shows)


def _doc_order(doc_id: str) -> int:
    return int(doc_id) if doc_id.isdigit() else 0


def _merged_credits(credits: dict[str, Any]) -> dict[str, Any]:
    kept: dict[Any, dict[str, Any]] = {}
    merged: dict[str, Any] = {}
    for doc_id, doc in credits.items():
        if not isinstance(doc, dict) or not isinstance(doc.get("actor"), str):
            merged[doc_id] = doc  # damage is reported when the record is read
            continue
        key = (doc.get("show"), doc.get("season"), name_key(doc["actor"]))
        first = kept.get(key)
        if first is None:
            kept[key] = doc
            merged[doc_id] = doc
            continue
        for name, value in doc.items():
            if first.get(name) in (None, "") and value not in (None, ""):
                first[name] = value
    return merged


def m004_checked_values(raw: Raw) -> Checks | None:
    """Show status became a choice and news URLs http(s) only: a stored status is
    written the way TVmaze's are (lowercase, single spaces) and kept when it is one
    of SHOW_STATUSES, else dropped; a URL that is not http(s) is dropped."""
    import re

    from showtrack.models import SHOW_STATUSES

    for doc in raw.get("shows", {}).values():
        status = doc.get("status") if isinstance(doc, dict) else None
        if isinstance(status, str):
            cleaned = " ".join(status.split()).lower()
            doc["status"] = cleaned if cleaned in SHOW_STATUSES else None
    web = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)
    for doc in raw.get("announcements", {}).values():
        url = doc.get("url") if isinstance(doc, dict) else None
        if isinstance(url, str) and not web.fullmatch(url):
            doc["url"] = None
    return None


def m005_main_cast(raw: Raw) -> Checks | None:
    """Cast from TVmaze becomes the show's main cast. TVmaze lists a show's current
    main cast, which older versions copied into every aired season as if the source
    had said so: those copies become one credit per actor and role with no season
    (in the order first seen); credits from other sources stay in their seasons."""
    credits = raw.get("credits", {})
    kept: dict[str, Any] = {}
    main: dict[tuple[Any, ...], dict[str, Any]] = {}
    for doc_id, doc in credits.items():
        if not isinstance(doc, dict) or doc.get("source") != "TVmaze":
            kept[doc_id] = doc
            continue
        actor, character = doc.get("actor"), doc.get("character")
        key = (doc.get("show"), name_key(str(actor)), name_key(str(character or "")))
        if key not in main:
            record = {name: value for name, value in doc.items() if name != "status"}
            record["season"] = None
            record["order"] = sum(1 for other in main if other[0] == doc.get("show"))
            main[key] = record
            kept[doc_id] = record
    raw["credits"] = kept
    return None


def m006_episodes(raw: Raw) -> Checks | None:
    """Add the episodes table: one record per episode of a season."""
    raw.setdefault("episodes", {})
    return None


def m007_parted(raw: Raw) -> Checks | None:
    """The news moves to files of their own (``layout.PartedNews``). The records do not
    change, so this step changes nothing in memory: the store writes the new layout."""
    return None


def m008_episode_buckets(raw: Raw) -> Checks | None:
    """The episodes move to buckets by show beside the news. The records do not change:
    the store writes the new layout."""
    return None


MIGRATIONS: list[Callable[[Raw], Checks | None]] = [
    m001_initial,
    m002_feeds,
    m003_sequence,
    m004_checked_values,
    m005_main_cast,
    m006_episodes,
    m007_parted,
    m008_episode_buckets,
]
assert len(MIGRATIONS) == SCHEMA_VERSION


def version_of(path: Path, raw: Any) -> int:
    """The file's schema version; refuses what is not a showtrack database we can read."""
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
    return version


def migrate(raw: Raw, version: int) -> Checks | None:
    """Bring ``raw`` (every table, news included) from ``version`` to the current one.
    Returns the reading state that an older file kept inside it, if any."""
    checks = None
    for step in MIGRATIONS[version:]:
        found = step(raw)
        if found is not None:
            checks = found
    raw["state"]["1"]["schema_version"] = SCHEMA_VERSION
    return checks
