"""What every command shares: error handling, the run context, options, output.

No ``from __future__ import annotations`` in the command modules: Typer reads each
command's annotations at run time (README, Performance).
"""

import functools
import importlib
import os
import sys
from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from showtrack import clock
from showtrack.errors import ShowtrackError, UsageError

if TYPE_CHECKING:
    from showtrack import core, dates, entry, render
    from showtrack.store import Snapshot, Store
else:

    class _Lazy(ModuleType):
        """A module imported on first use, so --help and light commands don't pay for it."""

        def __getattr__(self, attr: str) -> Any:
            return getattr(importlib.import_module(self.__name__), attr)

    core, dates, entry, render = (
        _Lazy(f"showtrack.{name}") for name in ("core", "dates", "entry", "render")
    )

__all__ = ["core", "dates", "entry", "render"]

P = ParamSpec("P")
R = TypeVar("R")


def sub_typer(**settings: Any) -> typer.Typer:
    """The Typer of one command (or one group): built on its own when it is used, so it
    carries its own settings, not the root's."""
    return typer.Typer(
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        **settings,
    )


def handled(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a ShowtrackError into one line on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from showtrack.launch import commits, interrupted_line

        before = commits()
        try:
            return command(*args, **kwargs)
        except ShowtrackError as err:
            render.error(err.message)
            raise typer.Exit(err.exit_code) from None
        except KeyboardInterrupt:
            render.error(interrupted_line(before))
            raise typer.Exit(130) from None
        except BrokenPipeError:  # e.g. `showtrack news | head`: the reader has gone
            raise typer.Exit(0) from None
        except OSError as err:
            render.error(f"{err.strerror or err}{f': {err.filename}' if err.filename else ''}.")
            raise typer.Exit(1) from None

    return wrapper


# --- the database path: --db before or after the command ---------------------------------

LATE = "showtrack.late."  # ctx.meta key of a global option given after the command


def database_path(ctx: typer.Context) -> Path:
    """--db given after the command, else before it (or SHOWTRACK_DB), else the default."""
    from showtrack.paths import default_db_path

    value = ctx.meta.get(LATE + "db")
    if value is None:
        value = ctx.find_root().params.get("db")
    return Path(value) if value else default_db_path()


def remember_late(ctx: typer.Context, param: Any, value: Any) -> None:
    if value is not None:
        ctx.meta[LATE + str(param.name)] = value


SPOILERS_ENV = "SHOWTRACK_SPOILERS"
_HIDE = ("off", "no", "false", "0", "hide")
_SHOW = ("on", "yes", "true", "1", "show")


def spoilers(ctx: typer.Context) -> bool:
    """Whether titles, episode summaries and synopses may be shown: not with
    --no-spoilers (before or after the command) or SHOWTRACK_SPOILERS=off."""
    if ctx.meta.get(LATE + "no_spoilers") or ctx.find_root().params.get("no_spoilers"):
        return False
    text = os.environ.get(SPOILERS_ENV, "").strip().lower()
    if not text or text in _SHOW:
        return True
    if text in _HIDE:
        return False
    raise UsageError(
        f"{SPOILERS_ENV}={text[:40]!r} is not on or off (off hides episode titles and synopses)."
    )


def remember_flag(ctx: typer.Context, param: Any, value: Any) -> None:
    if value:
        ctx.meta[LATE + str(param.name)] = True


def complete_show(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Show slugs (with their titles) for shell completion, from the database in use;
    nothing if it can't be read (completion never creates or changes a database)."""
    try:
        path = database_path(ctx)
        if not path.is_file():
            return []
        from showtrack.store import Store

        shows = Store.open(path).shows()
    except Exception:  # noqa: BLE001 - completion must never print a traceback
        return []
    return [(show.slug, show.title) for show in shows if show.slug.startswith(incomplete)]


# --- shared options -----------------------------------------------------------------

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
ShowArg = Annotated[
    str,
    typer.Argument(
        metavar="SHOW",
        help="Slug, title or alias, e.g. heartstopper.",
        show_default=False,
        autocompletion=complete_show,
    ),
]
OptionalShowArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[SHOW]",
        help="Only this show (slug, title or alias).",
        show_default=False,
        autocompletion=complete_show,
    ),
]
TzOpt = Annotated[
    str | None,
    typer.Option(
        "--tz",
        metavar="ZONE",
        help="Your time zone, e.g. Europe/London [default: the system's].",
        show_default=False,
    ),
]


def option(help_text: str, *names: str) -> Any:
    return typer.Option(*names, help=help_text, show_default=False)


Source = Annotated[str | None, option("Where this fact comes from.", "--source")]


# --- running a command ------------------------------------------------------------------


class Run:
    """What every command needs: the store, the instant, the viewer's zone.

    The host's zone is looked up on first use: commands that show no time
    (cast, news) then never load the zone database.
    """

    __slots__ = ("_tz", "now", "store")

    def __init__(self, store: "Store", now: datetime, tz: tzinfo | None) -> None:
        self.store = store
        self.now = now
        self._tz = tz

    @property
    def db(self) -> "Snapshot":
        """The database as this command read it."""
        return self.store.snapshot

    @property
    def tz(self) -> tzinfo:
        if self._tz is None:
            self._tz, warning = clock.viewer_zone()
            if warning:
                render.note(warning)
        return self._tz


LOCK_ENV = "SHOWTRACK_LOCK_TIMEOUT"
BUSY_EXIT = 75  # EX_TEMPFAIL: what `sync --quiet` exits with when another writer is busy


def lock_wait() -> float:
    """Seconds a writer waits for another (SHOWTRACK_LOCK_TIMEOUT, default 10)."""
    text = os.environ.get(LOCK_ENV, "").strip()
    if not text:
        return 10.0
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:
        raise UsageError(f"{LOCK_ENV}={text!r} is not a number of seconds from 0 to 3600.")
    return value


def run_for(
    ctx: typer.Context, tz_name: str | None = None, *, lock_timeout: float | None = None
) -> Run:
    """Open the database in use with the clock and the viewer's zone."""
    now = clock.now()
    tz = None
    if tz_name is not None:
        try:
            tz = dates.viewer_zone_named(tz_name)
        except ValueError as err:
            text = str(err)
            raise UsageError(f"--tz: {text}{'' if text.endswith('?') else '.'}") from None
    wait = lock_wait() if lock_timeout is None else lock_timeout
    return Run(open_store(ctx, lock_timeout=wait), now, tz)


def open_store(ctx: typer.Context, **options: Any) -> "Store":
    """The database in use, created and seeded on first use (one line on stderr says
    where and from what). Only the default data folder is made if it is missing."""
    from showtrack.paths import default_db_path
    from showtrack.store import Store

    path = database_path(ctx)
    store = Store.open(path, clock=clock.now, make_folder=path == default_db_path(), **options)
    if store.created and "seed" not in options:
        render.note(f"Created the database {path} from the bundled Heartstopper data.")
    return store


def output(
    as_json: bool,
    doc: dict[str, Any],
    view: Callable[[dict[str, Any]], list[Any]],
    *,
    unsaved: str = "",
) -> None:
    """Print the document or its view; a failure to deliver it is one line saying so
    (``unsaved``: what is therefore not recorded)."""
    from showtrack.errors import OutputError

    try:
        if as_json:
            render.emit_json(doc)
        else:
            render.emit(view(doc))
    except BrokenPipeError:
        raise
    except (OSError, UnicodeError) as err:
        reason = (
            f"the output encoding ({sys.stdout.encoding}) can't show some of it"
            if isinstance(err, UnicodeError)
            else str(err.strerror or err).lower()
        )
        raise OutputError(f"Can't write the output: {reason}.{unsaved}") from None


def last_check(run: Run, show: str | None, checks: Any = None) -> datetime | None:
    mark = (checks if checks is not None else run.store.checks()).mark(show)
    return None if mark is None else mark.at


def report_changes(report: Any, what: str, run: Run | None = None) -> None:
    """The changes a write recorded, worded in the viewer's zone, then ``what``."""
    titles = {show.slug: show.title for show in run.db.shows()} if run is not None else {}

    def words(change: Any) -> str:
        if run is None:
            return str(change.headline)
        return render.change_words(change, titles, run.tz)

    for change in report.withdrawn:
        render.note(f"Withdrawn, as you had not seen it yet: {words(change)}")
    for change in report.changes:
        render.note(f"Recorded: {words(change)}")
    render.note(what)
