"""The SQLite reference: the same data in an indexed sqlite3 file, the same answers.

Context for the scaling figures, not a budget: it shows how far a TinyDB-layout
store is from an indexed one. Standard library only (sqlite3).

    python benchmarks/sqlite_ref.py build DB.json OUT.sqlite NOW   # untimed preparation
    python benchmarks/sqlite_ref.py countdown OUT.sqlite NOW        # seasons still to come
    python benchmarks/sqlite_ref.py cast OUT.sqlite SLUG
    python benchmarks/sqlite_ref.py shows OUT.sqlite
    python benchmarks/sqlite_ref.py news-since OUT.sqlite NOW DAYS
    python benchmarks/sqlite_ref.py news-new OUT.sqlite
    python benchmarks/sqlite_ref.py news-check OUT.sqlite NOW       # ... and record the check
    python benchmarks/sqlite_ref.py add OUT.sqlite NOW              # one announcement, committed
    python benchmarks/sqlite_ref.py edit OUT.sqlite SLUG            # one show's network, committed

``build`` reads a generated database (``generate.py``'s layout, schema 2) and numbers
the news as showtrack's migration does (by ``recorded_at``); the last check becomes
the highest seq recorded at or before it. Each query prints the number of rows it
found, and fetches every column a command would show.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from datetime import UTC, datetime, timedelta

from floor import last_day as floor_last_day  # benchmarks/floor.py, beside this script

SCHEMA = """
CREATE TABLE shows (slug TEXT PRIMARY KEY, title TEXT, network TEXT, status TEXT,
                    timezone TEXT);
CREATE TABLE seasons (show TEXT, number INTEGER, premiere TEXT, last_day TEXT, status TEXT,
                      episodes INTEGER, synopsis TEXT, PRIMARY KEY (show, number));
CREATE INDEX seasons_last_day ON seasons (last_day);
CREATE TABLE credits (show TEXT, season INTEGER, actor TEXT, character TEXT, note TEXT,
                      status TEXT);
CREATE INDEX credits_show ON credits (show, season);
CREATE TABLE episodes (show TEXT, season INTEGER, number INTEGER, title TEXT, airs TEXT,
                       last_day TEXT, runtime INTEGER);
CREATE INDEX episodes_show ON episodes (show, season);
CREATE INDEX episodes_last_day ON episodes (last_day);
CREATE TABLE announcements (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, show TEXT,
                            season INTEGER, date TEXT, last_day TEXT, kind TEXT,
                            headline TEXT, body TEXT, source TEXT, url TEXT, via TEXT,
                            recorded_at TEXT);
CREATE INDEX announcements_last_day ON announcements (last_day);
CREATE INDEX announcements_show ON announcements (show, seq);
CREATE TABLE state (key TEXT PRIMARY KEY, value);
"""


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def last_day(value: str | None) -> str | None:
    """floor.py's last possible day of a stored date, None when undated."""
    return floor_last_day(value) or None


def build(source: str, target: str) -> None:
    with open(source, "rb") as handle:
        db = json.loads(handle.read())
    if os.path.exists(target):
        os.unlink(target)
    con = sqlite3.connect(target)
    con.executescript(SCHEMA)
    con.executemany(
        "INSERT INTO shows VALUES (?, ?, ?, ?, ?)",
        [
            (s["slug"], s["title"], s.get("network"), s.get("status"), s.get("timezone"))
            for s in db["shows"].values()
        ],
    )
    con.executemany(
        "INSERT INTO seasons VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                s["show"],
                s["number"],
                s.get("premiere"),
                last_day(s.get("premiere")),
                s.get("status"),
                s.get("episodes"),
                s.get("synopsis"),
            )
            for s in db["seasons"].values()
        ],
    )
    con.executemany(
        "INSERT INTO credits VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                c["show"],
                c.get("season"),
                c["actor"],
                c.get("character"),
                c.get("note"),
                c.get("status"),
            )  # fmt: skip
            for c in db["credits"].values()
        ],
    )
    con.executemany(
        "INSERT INTO episodes VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                e["show"],
                e["season"],
                e.get("number"),
                e.get("title"),
                e.get("airs"),
                last_day(e.get("airs")),
                e.get("runtime"),
            )  # fmt: skip
            for e in db.get("episodes", {}).values()
        ],
    )
    news = sorted(db["announcements"].values(), key=lambda d: str(d.get("recorded_at") or ""))
    con.executemany(
        "INSERT INTO announcements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                seq,
                d["id"],
                d["show"],
                d.get("season"),
                d.get("date"),
                last_day(d.get("date")),
                d["kind"],
                d["headline"],
                d.get("body"),
                d.get("source"),
                d.get("url"),
                d.get("via"),
                d.get("recorded_at"),
            )  # fmt: skip
            for seq, d in enumerate(news, start=1)
        ],
    )
    mark = db["state"]["1"].get("last_check") or ""
    check = sum(1 for d in news if str(d.get("recorded_at") or "") <= mark) if mark else 0
    con.execute("INSERT INTO state VALUES ('check', ?)", (check,))
    con.commit()
    con.execute("VACUUM")
    con.close()


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    mode, path, *rest = argv
    if mode == "build":
        build(path, rest[0])
        return 0
    con = sqlite3.connect(path)
    if mode == "countdown":
        today = instant(rest[0]).date()
        rows = con.execute(
            "SELECT s.title, se.number, se.premiere, se.status FROM seasons se "
            "JOIN shows s ON s.slug = se.show WHERE se.last_day >= ? "
            "OR (se.premiere IS NULL AND se.status NOT IN ('released', 'cancelled'))",
            (today.isoformat(),),
        ).fetchall()
        rows += con.execute(
            "SELECT show, season, number, title, airs FROM episodes WHERE last_day >= ?",
            ((today - timedelta(days=2)).isoformat(),),
        ).fetchall()
    elif mode == "cast":
        rows = con.execute(
            "SELECT actor, character, note, status FROM credits WHERE show = ?", (rest[0],)
        ).fetchall()
    elif mode == "shows":
        rows = con.execute(
            "SELECT s.slug, s.title, s.network, s.status, count(se.number) FROM shows s "
            "LEFT JOIN seasons se ON se.show = s.slug GROUP BY s.slug"
        ).fetchall()
    elif mode == "news-since":
        since = (instant(rest[0]) - timedelta(days=int(rest[1]))).date().isoformat()
        rows = con.execute(
            "SELECT a.*, s.title FROM announcements a JOIN shows s ON s.slug = a.show "
            "WHERE a.last_day >= ? ORDER BY a.last_day",
            (since,),
        ).fetchall()
    elif mode in ("news-new", "news-check"):
        (mark,) = con.execute("SELECT value FROM state WHERE key = 'check'").fetchone()
        rows = con.execute(
            "SELECT a.*, s.title FROM announcements a JOIN shows s ON s.slug = a.show "
            "WHERE a.seq > ? ORDER BY a.seq",
            (mark,),
        ).fetchall()
        if mode == "news-check" and rows:
            with con:
                con.execute("UPDATE state SET value = ? WHERE key = 'check'", (rows[-1][0],))
    elif mode == "add":
        now = instant(rest[0])
        (slug,) = con.execute("SELECT slug FROM shows LIMIT 1").fetchone()
        headline = f"Reference teaser {os.getpid()} {now.isoformat()}"
        with con:
            con.execute(
                "INSERT INTO announcements (id, show, date, last_day, kind, headline, source, "
                "recorded_at) VALUES (?, ?, ?, ?, 'trailer', ?, 'reference', ?)",
                (
                    f"ref-{os.getpid()}-{now.timestamp()}",
                    slug,
                    now.date().isoformat(),
                    now.date().isoformat(),
                    headline,
                    now.isoformat(),
                ),  # fmt: skip
            )
        rows = [(1,)]
    elif mode == "edit":
        with con:
            con.execute(
                "UPDATE shows SET network = ? WHERE slug = ?", (f"Net {os.getpid()}", rest[0])
            )
        rows = [(1,)]
    else:
        print(f"unknown mode {mode!r}", file=sys.stderr)
        return 2
    print(len(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
