"""The console entry point (``showtrack`` and ``python -m showtrack``).

Its first act is to take Ctrl-C over, before the command line (Typer, Click)
is even imported: from then on an interrupt at any moment ends the process with
one line on stderr and exit status 130, never a traceback. The line is true:
a write that landed is reported as kept. Stopping mid-write is safe, as a kill
is: writes replace files atomically, and a temp file left behind is removed by
the next writer. (Tests call the Typer app in-process, where Ctrl-C stays a
KeyboardInterrupt that each command turns into the same line.)
"""

import _signal  # type: ignore[import-not-found]  # the C module: `signal` imports enum first
import os
import sys


def commits() -> int:
    """How many writes this process has landed (0 before the store is even imported)."""
    return int(getattr(sys.modules.get("showtrack.store.durable"), "COMMITS", [0])[0])


def interrupted_line(since: int = 0) -> str:
    """The line for an interrupt; ``since``: the count of writes when the command began."""
    if commits() > since:
        return "Interrupted; what this command had already saved is kept."
    return "Interrupted; the database is as it was before this command."


def _on_interrupt(signum: int, frame: object) -> None:
    try:
        os.write(2, (interrupted_line() + "\n").encode())
    finally:
        os._exit(130)


def main() -> None:
    _signal.signal(_signal.SIGINT, _on_interrupt)
    from showtrack.cli import main as run

    run()
