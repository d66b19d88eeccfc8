"""The command line: options -> core -> render. The only module that exits."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from showtrack import __version__, clock, core, render
from showtrack.dates import parse_when, zone
from showtrack.errors import ShowtrackError, UsageError
from showtrack.store import DB_ENV, Store, default_db_path

app = typer.Typer(
    name="showtrack",
    help="A fan tracker for TV shows: who is in it, how long until it's out, what's new.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

P = ParamSpec("P")
R = TypeVar("R")


def handled(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a ShowtrackError into one line on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ShowtrackError as err:
            render.error(err.message)
            raise typer.Exit(err.exit_code) from None
        except KeyboardInterrupt:
            render.error("Interrupted; the database is as it was before this command.")
            raise typer.Exit(130) from None
        except OSError as err:
            render.error(f"{err.strerror or err}{f': {err.filename}' if err.filename else ''}.")
            raise typer.Exit(1) from None

    return wrapper


@dataclass
class Settings:
    db: Path


def _version(value: bool) -> None:
    if value:
        path = os.environ.get(DB_ENV) or str(default_db_path())
        typer.echo(f"showtrack {__version__}\ndatabase: {path}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar=DB_ENV,
            help="Database file [default: showtrack.json in your user data folder].",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Show the version and database path.",
        ),
    ] = False,
) -> None:
    """A fan tracker for TV shows: who is in it, how long until it's out, what's new.

    The database starts from the bundled Heartstopper data. SHOWTRACK_NOW
    (an ISO instant) replaces the clock; NO_COLOR gives plain output.
    """
    ctx.obj = Settings(db=db if db is not None else default_db_path())


# --- shared options -----------------------------------------------------------------

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
ShowArg = Annotated[
    str, typer.Argument(help="Slug, title or alias, e.g. heartstopper.", show_default=False)
]
OptionalShowArg = Annotated[
    str | None, typer.Argument(help="Only this show (slug, title or alias).", show_default=False)
]
TzOpt = Annotated[
    str | None,
    typer.Option(
        "--tz",
        help="Your time zone, e.g. Europe/London [default: the system's].",
        show_default=False,
    ),
]


@dataclass
class Run:
    """What every command needs: the store, the instant, the viewer's zone."""

    store: Store
    now: datetime
    tz: tzinfo


def _run(ctx: typer.Context, tz_name: str | None = None) -> Run:
    now = clock.now()
    tz = clock.local_zone()
    if tz_name is not None:
        try:
            tz = zone(tz_name)
        except ValueError as err:
            raise UsageError(f"--tz: {err}.") from None
    settings: Settings = ctx.obj
    return Run(Store.open(settings.db, now=now), now, tz)


def _output(
    as_json: bool, doc: dict[str, Any], view: Callable[[dict[str, Any]], list[Any]]
) -> None:
    if as_json:
        render.emit_json(doc)
    else:
        render.emit(view(doc))


# --- commands ---------------------------------------------------------------------------


@app.command("shows")
@handled
def shows_command(ctx: typer.Context, *, as_json: JsonFlag = False) -> None:
    """List the tracked shows with their seasons and next premiere.

    Example: showtrack shows
    """
    run = _run(ctx)
    summaries = core.shows_overview(run.store, now=run.now, tz=run.tz)
    _output(as_json, render.shows_doc(summaries, now=run.now, tz=run.tz), render.shows_view)


@app.command("show")
@handled
def show_command(ctx: typer.Context, show: ShowArg, *, as_json: JsonFlag = False) -> None:
    """One show: facts, seasons, synopses and the latest news.

    Example: showtrack show heartstopper
    """
    run = _run(ctx)
    found = core.find_show(run.store, show)
    detail = core.show_detail(run.store, found, now=run.now, tz=run.tz)
    _output(as_json, render.show_doc(detail, now=run.now, tz=run.tz), render.show_view)


@app.command("cast")
@handled
def cast_command(
    ctx: typer.Context,
    show: ShowArg,
    *,
    season: Annotated[
        int | None,
        typer.Option(
            "--season", "-s", min=0, help="Season number [default: the latest with known cast]."
        ),
    ] = None,
    new: Annotated[bool, typer.Option("--new", help="Only cast members new this season.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Who is in it: actor, character, note, and returning or new.

    Example: showtrack cast heartstopper --season 2 --new
    """
    run = _run(ctx)
    found = core.find_show(run.store, show)
    result = core.cast_of(run.store, found, season=season, new_only=new)
    _output(as_json, render.cast_doc(result), render.cast_view)


@app.command("countdown")
@handled
def countdown_command(
    ctx: typer.Context,
    show: OptionalShowArg = None,
    *,
    all_: Annotated[bool, typer.Option("--all", help="Every season, released ones too.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="WHEN",
            help="Count from this moment instead of now.",
            show_default=False,
        ),
    ] = None,
    tz: TzOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """How long until it's out: upcoming premieres, soonest first, TBA last.

    Example: showtrack countdown --tz America/New_York
    """
    run = _run(ctx, tz)
    now = run.now
    if as_of is not None:
        now = parse_when(as_of, now=run.now, tz=run.tz, last_check=run.store.last_check())
    found = core.find_show(run.store, show) if show is not None else None
    rows = core.countdowns(run.store, now=now, tz=run.tz, show=found, include_all=all_)
    _output(as_json, render.countdown_doc(rows, now=now, tz=run.tz), render.countdown_view)


@app.command("news")
@handled
def news_command(
    ctx: typer.Context,
    show: OptionalShowArg = None,
    *,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="WHEN",
            help="News dated on or after WHEN (2023-04-24, '24 April 2023', 2w, yesterday, last).",
            show_default=False,
        ),
    ] = None,
    peek: Annotated[
        bool, typer.Option("--peek", help="Look without recording this check.")
    ] = False,
    tz: TzOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """What happened since you last looked (then records this check).

    Example: showtrack news --since 2w
    """
    run = _run(ctx, tz)
    found = core.find_show(run.store, show) if show is not None else None
    since_day = None
    if since is not None:
        last = run.store.last_check(found.slug if found else None)
        since_day = (
            parse_when(since, now=run.now, tz=run.tz, last_check=last).astimezone(run.tz).date()
        )
    result = core.news(run.store, now=run.now, show=found, since=since_day, record_check=not peek)
    _output(as_json, render.news_doc(result), render.news_view)


@app.command("timeline")
@handled
def timeline_command(ctx: typer.Context, show: ShowArg, *, as_json: JsonFlag = False) -> None:
    """Every dated milestone of a show, oldest first.

    Example: showtrack timeline heartstopper
    """
    run = _run(ctx)
    found = core.find_show(run.store, show)
    events = core.timeline(run.store, found)
    _output(as_json, render.timeline_doc(found.slug, found.title, events), render.timeline_view)


def main() -> None:
    app()
