"""The reading state: which news the fan has been shown, in a small file of its own.

``<db>.reading`` beside the database file (a TinyDB file with one table,
``checks``) holds, per check, the highest ``seq`` that a ``news`` run showed,
the show it was for (or none), when it was recorded, and the id of the
database it belongs to. Recording a check rewrites only this file, so its cost
does not grow with the news; a database replaced by another one (another id)
is not confused with it, and writers number new announcements above every
seq recorded here, so a database restored from an older copy can't hide news
behind a check made before the restore.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from showtrack.errors import DatabaseError
from showtrack.models import Check, Checks
from showtrack.store import durable

SUFFIX = ".reading"
LIMIT = 1 << 20  # a reading-state file is a few hundred bytes; more is not ours


def path_for(database: Path) -> Path:
    target = durable.real(database)
    return target.with_name(target.name + SUFFIX)


def _damaged(path: Path, problem: str) -> DatabaseError:
    return DatabaseError(
        f"The reading state {path} is damaged ({problem}); it was left untouched. "
        "Remove it to start afresh: all news will then count as new."
    )


def read(database: Path, database_id: str) -> Checks:
    """The checks recorded for the database with ``database_id`` (none if the file
    is missing or belongs to another database)."""
    path = path_for(database)
    doc = durable.read_small_json(path, "a reading-state", LIMIT, _damaged)
    if doc is None:
        return Checks()
    return _checks(path, doc, database_id)


def _checks(path: Path, doc: Any, database_id: str) -> Checks:
    table = doc.get("checks") if isinstance(doc, dict) else None
    if not isinstance(table, dict):
        raise _damaged(path, "it has no checks table")
    everything: Check | None = None
    shows: dict[str, Check] = {}
    for key, record in table.items():
        if not isinstance(record, dict):
            raise _damaged(path, f"check {key} is not a record")
        if record.get("database") != database_id:
            continue  # another database's state: a file that was replaced
        seq, show, at = record.get("seq"), record.get("show"), record.get("at")
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            raise _damaged(path, f"check {key} has no sequence number")
        if show is not None and not isinstance(show, str):
            raise _damaged(path, f"check {key} names no show")
        try:
            moment = datetime.fromisoformat(at) if isinstance(at, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise _damaged(path, f"check {key} has no time")
        check = Check(seq, moment)
        if show is None:
            everything = check if everything is None or seq > everything.seq else everything
        elif show not in shows or seq > shows[show].seq:
            shows[show] = check
    return Checks(everything, shows)


def recorded(checks: Checks, show: str | None, check: Check) -> Checks:
    """``checks`` with ``check`` recorded for ``show`` (None: all news). A check never
    moves a mark back; a plain check makes the per-show marks at or below it moot."""
    if show is None:
        best = (
            check
            if checks.everything is None or check.seq >= checks.everything.seq
            else checks.everything
        )
        shows = {slug: mark for slug, mark in checks.shows.items() if mark.seq > best.seq}
        return Checks(best, shows)
    shows = dict(checks.shows)
    old = shows.get(show)
    if old is None or check.seq >= old.seq:
        shows[show] = check
    return Checks(checks.everything, shows)


def without_show(checks: Checks, show: str) -> Checks:
    return Checks(checks.everything, {k: v for k, v in checks.shows.items() if k != show})


def write(database: Path, database_id: str, checks: Checks) -> None:
    """Replace the reading-state file (call it holding the database's lock)."""
    import json

    from showtrack.store.codec import stamp

    records: dict[str, Any] = {}
    marks: list[tuple[str | None, Check]] = []
    if checks.everything is not None:
        marks.append((None, checks.everything))
    marks.extend(sorted(checks.shows.items()))
    for number, (show, check) in enumerate(marks, start=1):
        records[str(number)] = {
            "database": database_id,
            "show": show,
            "seq": check.seq,
            "at": stamp(check.at),
        }
    text = json.dumps({"checks": records}, ensure_ascii=False, separators=(",", ":"))
    durable.atomic_write(path_for(database), [text.encode("utf-8", "backslashreplace")])
