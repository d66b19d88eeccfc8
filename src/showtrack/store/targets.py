"""Notification targets, in a file of their own: ``<db>.notify`` beside the database.

It holds Apprise URLs, which carry tokens and passwords, so it is always written
with mode 0600 (whatever mode it had), and it is never part of the database or
of an export. Each target keeps its own cursor on the announcement seq and the
keys of the reminders it was sent; both belong to the database whose id they
carry, so a database replaced by another one starts its targets afresh.

The file is TinyDB-shaped JSON (tables ``targets`` and ``state``), written like
every file of a database: under the database's lock, atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple, cast

from showtrack.errors import DatabaseError
from showtrack.models import Target
from showtrack.store import durable

SUFFIX = ".notify"
LIMIT = 8 << 20  # a targets file is small; reminder keys are pruned as events pass


class Targets(NamedTuple):
    """The targets of one database, and the id the next one added gets."""

    targets: tuple[Target, ...] = ()
    next_id: int = 1

    def get(self, target_id: int) -> Target | None:
        return next((item for item in self.targets if item.id == target_id), None)

    def highest_cursor(self) -> int:
        return max([0, *(item.cursor or 0 for item in self.targets)])


def path_for(database: Path) -> Path:
    target = durable.real(database)
    return target.with_name(target.name + SUFFIX)


def _damaged(path: Path, problem: str) -> DatabaseError:
    return DatabaseError(
        f"The notification targets file {path} is damaged ({problem}); it was left "
        "untouched. Fix it or remove it (then no target is set)."
    )


def read(database: Path, database_id: str) -> Targets:
    """The targets (none if the file is missing), with the cursors and reminders
    that belong to the database with ``database_id``."""
    path = path_for(database)
    doc = durable.read_small_json(path, "a notification targets", LIMIT, _damaged)
    if doc is None:
        return Targets()
    return _targets(path, doc, database_id)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _targets(path: Path, doc: Any, database_id: str) -> Targets:
    table = doc.get("targets") if isinstance(doc, dict) else None
    state = doc.get("state") if isinstance(doc, dict) else None
    if not isinstance(table, dict) or not isinstance(state, dict):
        raise _damaged(path, "it has no targets table")
    found: list[Target] = []
    for key, record in table.items():
        where = f"target {key}"
        if not isinstance(record, dict) or not key.isdigit():
            raise _damaged(path, f"{where} is not a record")
        url, shows, kinds = record.get("url"), record.get("shows"), record.get("kinds")
        remind, cursor, reminded = (
            record.get("remind"),
            record.get("cursor"),
            record.get("reminded"),
        )
        if not isinstance(url, str) or not url:
            raise _damaged(path, f"{where} has no URL")
        if not _strings(shows) or not (kinds is None or _strings(kinds)):
            raise _damaged(path, f"{where} has no list of shows or kinds")
        if not isinstance(remind, list) or not all(_number(item) for item in remind):
            raise _damaged(path, f"{where} has no list of reminder offsets")
        if not (cursor is None or _number(cursor)) or not _strings(reminded):
            raise _damaged(path, f"{where} has no cursor")
        ours = record.get("database") == database_id
        found.append(
            Target(
                id=int(key),
                url=url,
                shows=tuple(cast("list[str]", shows)),
                kinds=None if kinds is None else tuple(kinds),
                remind=tuple(remind),
                cursor=cursor if ours else None,
                reminded=frozenset(cast("list[str]", reminded)) if ours else frozenset(),
            )
        )
    first = state.get("1")
    next_id = first.get("next_id") if isinstance(first, dict) else None
    if not isinstance(next_id, int) or not _number(next_id):
        raise _damaged(path, "it has no next id")
    found.sort(key=lambda item: item.id)
    return Targets(tuple(found), max(next_id, *(item.id + 1 for item in found), 1))


def write(database: Path, database_id: str, targets: Targets) -> None:
    """Replace the targets file, mode 0600 (call it holding the database's lock)."""
    import json

    records = {
        str(item.id): {
            "url": item.url,
            "shows": list(item.shows),
            "kinds": None if item.kinds is None else list(item.kinds),
            "remind": list(item.remind),
            "cursor": item.cursor,
            "reminded": sorted(item.reminded),
            "database": database_id,
        }
        for item in targets.targets
    }
    doc = {"targets": records, "state": {"1": {"next_id": targets.next_id}}}
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    try:
        durable.atomic_write(
            path_for(database), [text.encode("utf-8", "backslashreplace")], mode=0o600, keep=False
        )
    except OSError as err:
        raise DatabaseError(
            f"Can't write the notification targets beside {database}: {err.strerror or err}."
        ) from None
