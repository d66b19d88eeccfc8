"""The raw floor: what a command can't avoid doing, with no framework at all.

Each mode reads the database file, parses it with the JSON library showtrack's
store uses, does the same filtering the command does on plain dicts, and prints
the count. The runner times these next to the real commands, so "at most 2x the
floor" means "showtrack's parsing, models, CLI and output cost no more than the
unavoidable work again".

    python benchmarks/floor.py countdown DB NOW          # upcoming + TBA seasons
    python benchmarks/floor.py news-since DB NOW DAYS    # dated on/after NOW - DAYS
    python benchmarks/floor.py news-new DB               # recorded after last_check
    python benchmarks/floor.py news-check DB NOW         # the same, then record the check
    python benchmarks/floor.py write DB NOW              # read, add one record, atomic write
    python benchmarks/floor.py import DB FILE NOW        # read both, add all, atomic write

The honest floors (issue 15) do the least an ideal program in Python must do for
the same answer: the interpreter, then reading and parsing only the records the
command needs (prepared beforehand, untimed, into a file of their own), and for a
write one small file written and fsynced:

    python benchmarks/floor.py prepare DB NOW DIR        # untimed: DIR/countdown.json, ...
    python benchmarks/floor.py honest-read FILE          # parse it, count its records
    python benchmarks/floor.py honest-check FILE DIR NOW # ... and write a small check file
    python benchmarks/floor.py honest-write DIR NOW      # one new record, written and fsynced

``--json stdlib|orjson|msgspec`` picks the parser; the default, ``auto``, uses
the one ``showtrack.store`` imports (found by reading its source, not by
importing it). Standard library only, apart from that optional parser.
"""

from __future__ import annotations

import calendar
import gc
import hashlib
import importlib.util
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any


def json_library(choice: str) -> tuple[str, Callable[[bytes], Any], Callable[[Any], bytes]]:
    if choice == "auto":
        choice = "stdlib"
        spec = importlib.util.find_spec("showtrack")
        if spec is not None and spec.submodule_search_locations:
            package = Path(next(iter(spec.submodule_search_locations)))
            source = ""
            for store in (package / "store" / "layout.py", package / "store.py"):
                try:
                    source += store.read_text(encoding="utf-8")
                except OSError:
                    pass
            for name in ("orjson", "msgspec"):
                if re.search(rf"^\s*(import|from) {name}\b", source, re.MULTILINE):
                    choice = name
                    break
    if choice == "orjson":
        import orjson

        return "orjson", orjson.loads, orjson.dumps
    if choice == "msgspec":
        import msgspec

        return "msgspec", msgspec.json.decode, msgspec.json.encode
    import json

    def dumps(doc: Any) -> bytes:
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    return "stdlib", json.loads, dumps


def load(path: str, loads: Callable[[bytes], Any]) -> Any:
    """The whole database: its file and, in the parted layout (schema 7), every news
    file its manifest names, gathered into one announcements table."""
    with open(path, "rb") as handle:
        data = handle.read()
    gc.disable()  # what a careful reader does; showtrack's store does the same
    try:
        db = loads(data)
        manifest = db.get("state", {}).get("1", {}).get("news") if isinstance(db, dict) else None
        if isinstance(manifest, dict) and manifest.get("layout") == "parts":
            news: dict[str, Any] = {}
            for entry in manifest["parts"].values():
                with open(os.path.join(f"{path}.news", entry["file"]), "rb") as handle:
                    news.update(loads(handle.read())["announcements"])
            db["announcements"] = news
            episodes: dict[str, Any] = {}
            for entry in manifest.get("episodes", {}).values():
                with open(os.path.join(f"{path}.news", entry["file"]), "rb") as handle:
                    for doc in loads(handle.read())["episodes"].values():
                        episodes[str(len(episodes) + 1)] = doc
            if "episodes" in manifest:
                db["episodes"] = episodes
        return db
    finally:
        gc.enable()


def atomic_write(path: str, data: bytes) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=".floor.", suffix=".tmp", dir=folder)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def last_day(value: str | None) -> str:
    """The last possible ISO day of a stored partial date ('' when undated)."""
    if not value:
        return ""
    if len(value) >= 10:
        return value[:10]
    year = int(value[:4])
    month = int(value[5:7]) if len(value) >= 7 else 12
    return date(year, month, calendar.monthrange(year, month)[1]).isoformat()


def count_countdown(db: Any, now: datetime) -> int:
    """Seasons still to come or TBA, joined to their show (UTC viewer)."""
    today = now.date().isoformat()
    titles = {doc["slug"]: doc["title"] for doc in db["shows"].values()}
    count = 0
    for season in db["seasons"].values():
        if season["show"] not in titles:
            continue
        premiere = season.get("premiere")
        if premiere is None:
            if season.get("status") not in ("released", "cancelled"):
                count += 1
        elif len(premiere) > 10:  # timed: compare instants
            if instant(premiere) > now:
                count += 1
        elif last_day(premiere) >= today:
            count += 1
    return count


def count_news_since(db: Any, now: datetime, days: int) -> int:
    since = (now - timedelta(days=days)).date().isoformat()
    return sum(1 for doc in db["announcements"].values() if last_day(doc.get("date")) >= since)


def checked_seq(path: str) -> int:
    """The last check's seq, from the reading state beside a schema-3 database."""
    try:
        with open(f"{path}.reading", "rb") as handle:
            checks = json.loads(handle.read())["checks"].values()
    except OSError:
        return 0
    return max((c["seq"] for c in checks if c.get("show") is None), default=0)


def count_news_new(db: Any, path: str) -> int:
    if "last_seq" in db["state"]["1"]:  # schema 3: a seq above the check's
        mark = checked_seq(path)
        return sum(1 for doc in db["announcements"].values() if doc.get("seq", 0) > mark)
    stamp_mark = db["state"]["1"].get("last_check") or ""
    return sum(
        1 for doc in db["announcements"].values() if (doc.get("recorded_at") or "") > stamp_mark
    )


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def news_doc(show: str, item: dict[str, Any], recorded: str) -> dict[str, Any]:
    key = "\x1f".join((show, item.get("date") or "", item["kind"], item["headline"].lower()))
    return {
        "id": hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16],
        "show": show,
        "season": item.get("season"),
        "date": item.get("date"),
        "kind": item["kind"],
        "headline": item["headline"],
        "body": item.get("body"),
        "source": item.get("source"),
        "url": item.get("url"),
        "via": item.get("via"),
        "recorded_at": recorded,
    }


def add(db: Any, docs: list[dict[str, Any]]) -> int:
    """Insert new docs (dedupe by id) the way TinyDB numbers them."""
    table = db["announcements"]
    known = {doc.get("id") for doc in table.values()}
    next_id = max((int(key) for key in table), default=0) + 1
    added = 0
    for doc in docs:
        if doc["id"] in known:
            continue
        known.add(doc["id"])
        if "last_seq" in db["state"]["1"]:  # schema 3: keyed by the commit counter
            doc = {"id": doc["id"], "seq": next_id, **doc}
            db["state"]["1"]["last_seq"] = next_id
        table[str(next_id)] = doc
        next_id += 1
        added += 1
    return added


def prepare(path: str, now: datetime, out: str, loads: Callable[[bytes], Any],
            dumps: Callable[[Any], bytes]) -> None:  # fmt: skip
    """The records each command needs, each set in a file of its own (a migrated
    showtrack database: news keyed by seq, the check in the reading state)."""
    db = load(path, loads)
    os.makedirs(out, exist_ok=True)
    shows = db["shows"]
    titles = {doc["slug"]: doc["title"] for doc in shows.values()}
    seasons = db["seasons"]
    soon = (now.date() - timedelta(days=2)).isoformat()
    airing = {
        (e["show"], e["season"])
        for e in db.get("episodes", {}).values()
        if last_day(e.get("airs")) >= soon or not e.get("airs")
    }
    episodes = [e for e in db.get("episodes", {}).values() if (e["show"], e["season"]) in airing]
    upcoming = {"shows": shows, "seasons": seasons, "episodes": episodes}
    first = next(iter(shows.values()))["slug"]
    cast = {"shows": {"1": next(iter(shows.values()))},
            "credits": [c for c in db["credits"].values() if c["show"] == first]}  # fmt: skip
    since = (now - timedelta(days=14)).date().isoformat()
    news = db["announcements"].values()
    dated = [doc for doc in news if last_day(doc.get("date")) >= since]
    mark = checked_seq(path)
    new = [doc for doc in news if doc.get("seq", 0) > mark]
    files = {
        "countdown.json": upcoming,
        "cast.json": cast,
        "news-since.json": {"shows": titles, "announcements": dated},
        "news-new.json": {"shows": titles, "announcements": new},
    }
    for name, doc in files.items():
        with open(os.path.join(out, name), "wb") as handle:
            handle.write(dumps(doc))


def count_records(doc: Any) -> int:
    for table in ("announcements", "credits", "seasons"):
        if table in doc:
            return len(doc[table]) + len(doc.get("episodes", ()))
    return 0


def main(argv: list[str]) -> int:
    choice = "auto"
    if argv[:1] == ["--json"]:
        choice, argv = argv[1], argv[2:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    name, loads, dumps = json_library(choice)
    mode, path, *rest = argv
    if mode == "prepare":
        prepare(path, instant(rest[0]), rest[1], loads, dumps)
    elif mode == "honest-read":
        print(count_records(load(path, loads)))
    elif mode == "honest-check":
        doc = load(path, loads)
        print(count_records(doc))
        news = doc["announcements"]
        check = {"show": None, "seq": max((d["seq"] for d in news), default=0),
                 "at": stamp(instant(rest[1]))}  # fmt: skip
        atomic_write(os.path.join(rest[0], "check.json"), dumps({"checks": {"1": check}}))
    elif mode == "honest-write":
        now = instant(rest[0])
        item = {"date": now.date().isoformat(), "kind": "trailer",
                "headline": f"Floor teaser {os.getpid()} {now.isoformat()}", "source": "floor"}  # fmt: skip
        atomic_write(os.path.join(path, "new.json"),
                     dumps({"announcements": {"1": news_doc("floor", item, stamp(now))}}))  # fmt: skip
        print(1)
    elif mode == "countdown":
        print(count_countdown(load(path, loads), instant(rest[0])))
    elif mode == "news-since":
        print(count_news_since(load(path, loads), instant(rest[0]), int(rest[1])))
    elif mode == "news-new":
        print(count_news_new(load(path, loads), path))
    elif mode == "news-check":
        db = load(path, loads)
        print(count_news_new(db, path))
        if "last_seq" in db["state"]["1"]:  # schema 3: only the small reading state is written
            check = {"database": db["state"]["1"]["database"], "show": None,
                     "seq": db["state"]["1"]["last_seq"], "at": stamp(instant(rest[0]))}  # fmt: skip
            atomic_write(f"{path}.reading", dumps({"checks": {"1": check}}))
        else:
            db["state"]["1"]["last_check"] = stamp(instant(rest[0]))
            db["state"]["1"]["checks"] = {}
            atomic_write(path, dumps(db))
    elif mode == "write":
        now = instant(rest[0])
        db = load(path, loads)
        item = {"date": now.date().isoformat(), "kind": "trailer",
                "headline": f"Floor teaser {os.getpid()} {now.isoformat()}", "source": "floor"}  # fmt: skip
        slug = next(iter(db["shows"].values()))["slug"]
        print(add(db, [news_doc(slug, item, stamp(now))]))
        atomic_write(path, dumps(db))
    elif mode == "import":
        now = instant(rest[1])
        db = load(path, loads)
        incoming = load(rest[0], loads)
        recorded = stamp(now)
        docs = [
            news_doc(show["slug"], item, recorded)
            for show in incoming["shows"]
            for item in show.get("announcements", ())
        ]
        print(add(db, docs))
        atomic_write(path, dumps(db))
    else:
        print(f"unknown mode {mode!r}", file=sys.stderr)
        return 2
    if os.environ.get("FLOOR_VERBOSE"):
        print(f"json library: {name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
