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


class NotFoundError(ShowtrackError):
    """A season, credit or announcement that does not exist."""


class DatabaseError(ShowtrackError):
    """The database file cannot be read, is damaged, or is not ours."""


class DatabaseBusyError(ShowtrackError):
    """Another process holds the write lock for too long."""


class DataError(ShowtrackError):
    """A dataset or import file breaks the format; the message names the place."""


def json_problem(err: ValueError) -> str:
    """Where a JSON text went wrong, from a ``json.JSONDecodeError``: 'Expecting value:
    line 1, column 5' (its message can end in 'at', so 'at line' would read twice)."""
    message = getattr(err, "msg", str(err))
    line, column = getattr(err, "lineno", None), getattr(err, "colno", None)
    return f"{message}: line {line}, column {column}" if line is not None else message
