"""Errors that reach the user: each carries a finished sentence and an exit code.

Nothing here imports Typer; cli.py converts these into an exit in one place.
"""

from __future__ import annotations

RUNTIME = 1
USAGE = 2


class ShowtrackError(Exception):
    """A problem the user can act on. ``str(err)`` is the message shown."""

    exit_code = RUNTIME

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(ShowtrackError):
    """Bad usage: an option value that cannot be understood (exit 2)."""

    exit_code = USAGE


class BadDateError(UsageError):
    """A WHEN or a date the user typed cannot be parsed."""


class ShowNotFoundError(ShowtrackError):
    """No show matches what the user typed."""


class AmbiguousShowError(ShowNotFoundError):
    """What the user typed names more than one show."""


class NotFoundError(ShowtrackError):
    """A season, credit or announcement that does not exist."""


class DatabaseError(ShowtrackError):
    """The database file cannot be read, is damaged, or is not ours."""


class DatabaseBusyError(ShowtrackError):
    """Another process holds the write lock for too long."""


class DataError(ShowtrackError):
    """A dataset or import file breaks the format; the message names the place."""


class OutputError(ShowtrackError):
    """The output could not be written (a full disk, a closed pipe, an encoding)."""


class SourceError(ShowtrackError):
    """A source (web address, feed, API) failed; the message is one line naming it."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(one_line(message))
        self.url = url


def one_line(text: str, limit: int = 400) -> str:
    """A message safe for a terminal: control characters shown as '?', one line, bounded."""
    import re

    cleaned = re.sub(r"[\x00-\x1f\x7f-\x9f]", "?", " ".join(text.split()))
    cleaned = cleaned.encode("utf-8", "replace").decode("utf-8")
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def json_problem(err: ValueError) -> str:
    """Where a JSON text went wrong, from a ``json.JSONDecodeError``: 'Expecting value:
    line 1, column 5' (its message can end in 'at', so 'at line' would read twice)."""
    message = getattr(err, "msg", str(err))
    line, column = getattr(err, "lineno", None), getattr(err, "colno", None)
    return f"{message}: line {line}, column {column}" if line is not None else message
