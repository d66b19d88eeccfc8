"""The command line: options -> core -> render. The only module that exits.

No ``from __future__ import annotations`` here: Typer reads each command's
annotations at run time (why that matters, and the other start-up choices, are
in the README's Performance section, the one place for such measurements).
"""

import functools
import importlib
import os
import sys
from collections.abc import Callable, Iterator, MutableMapping
from datetime import datetime, tzinfo
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from showtrack import __version__, clock
from showtrack.errors import ShowtrackError, UsageError
from showtrack.paths import DB_ENV, default_db_path

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


class Settings:
    """The global options, kept on the Typer context."""

    __slots__ = ("db",)

    def __init__(self, db: Path) -> None:
        self.db = db


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
    str,
    typer.Argument(
        metavar="SHOW", help="Slug, title or alias, e.g. heartstopper.", show_default=False
    ),
]
OptionalShowArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[SHOW]", help="Only this show (slug, title or alias).", show_default=False
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
            self._tz = clock.local_zone()
        return self._tz


LOCK_ENV = "SHOWTRACK_LOCK_TIMEOUT"
BUSY_EXIT = 75  # EX_TEMPFAIL: what `sync --quiet` exits with when another writer is busy


def _lock_timeout() -> float:
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


def _run(
    ctx: typer.Context, tz_name: str | None = None, *, lock_timeout: float | None = None
) -> Run:
    now = clock.now()
    tz = None
    if tz_name is not None:
        try:
            tz = dates.zone(tz_name)
        except ValueError as err:
            raise UsageError(f"--tz: {err}.") from None
    from showtrack.store import Store

    settings: Settings = ctx.obj
    wait = _lock_timeout() if lock_timeout is None else lock_timeout
    return Run(Store.open(settings.db, clock=clock.now, lock_timeout=wait), now, tz)


def _output(
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


# --- commands ---------------------------------------------------------------------------


@app.command("shows")
@handled
def shows_command(ctx: typer.Context, *, as_json: JsonFlag = False) -> None:
    """List the tracked shows with their seasons and next premiere.

    Example: showtrack shows
    """
    run = _run(ctx)
    summaries = core.shows_overview(run.db, now=run.now, tz=run.tz)
    _output(as_json, render.shows_doc(summaries, now=run.now, tz=run.tz), render.shows_view)


@app.command("show")
@handled
def show_command(ctx: typer.Context, show: ShowArg, *, as_json: JsonFlag = False) -> None:
    """One show: facts, seasons, synopses and the latest news.

    Example: showtrack show heartstopper
    """
    run = _run(ctx)
    found = core.find_show(run.db, show)
    detail = core.show_detail(run.db, found, now=run.now, tz=run.tz)
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
    found = core.find_show(run.db, show)
    result = core.cast_of(run.db, found, season=season, new_only=new)
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
        now = dates.parse_when(as_of, now=run.now, tz=run.tz, last_check=_last_check(run, None))
    found = core.find_show(run.db, show) if show is not None else None
    rows = core.countdowns(run.db, now=now, tz=run.tz, show=found, include_all=all_)
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
    all_: Annotated[
        bool,
        typer.Option("--all", "-a", help="Every announcement, undated ones too (no check)."),
    ] = False,
    long: Annotated[
        bool, typer.Option("--long", "-l", help="Show each announcement's text and link.")
    ] = False,
    tz: TzOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """What happened since you last looked (then records this check).

    Example: showtrack news --since 2w
    """
    if all_ and since is not None:
        raise UsageError("--all lists every announcement; it does not go with --since.")
    run = _run(ctx, tz)
    found = core.find_show(run.db, show) if show is not None else None
    checks = run.store.checks()
    since_day = None
    if since is not None:
        last = _last_check(run, found.slug if found else None, checks)
        since_day = (
            dates.parse_when(since, now=run.now, tz=run.tz, last_check=last)
            .astimezone(run.tz)
            .date()
        )
    result = core.news(
        run.store.snapshot,
        checks,
        show=found,
        since=since_day,
        record_check=not peek,
        everything=all_,
    )
    unsaved = " This check was not recorded." if result.recorded_check else ""
    view = functools.partial(render.news_view, long=long)
    _output(as_json, render.news_doc(result), view, unsaved=unsaved)
    if result.recorded_check:
        _record_check(run, result)


def _last_check(run: Run, show: str | None, checks: Any = None) -> datetime | None:
    mark = (checks if checks is not None else run.store.checks()).mark(show)
    return None if mark is None else mark.at


def _record_check(run: Run, result: "core.News") -> None:
    """Record the check once the output is out; if the database can't be written
    (read-only, busy), the news was still shown: say so and exit 0."""
    from showtrack.errors import DatabaseBusyError, DatabaseError

    try:
        run.store.record_check(result.show, result.mark)
    except (DatabaseError, DatabaseBusyError) as err:
        render.note(f"This check was not recorded: {err.message}")


@app.command("timeline")
@handled
def timeline_command(ctx: typer.Context, show: ShowArg, *, as_json: JsonFlag = False) -> None:
    """Every dated milestone of a show, oldest first.

    Example: showtrack timeline heartstopper
    """
    run = _run(ctx)
    found = core.find_show(run.db, show)
    events = core.timeline(run.db, found)
    _output(as_json, render.timeline_doc(found.slug, found.title, events), render.timeline_view)


# --- data in: add, edit, remove -------------------------------------------------------------

add_app = typer.Typer(
    help="Add a show, season, cast member or piece of news by hand.", no_args_is_help=True
)
edit_app = typer.Typer(
    help="Change a show, season, cast member or announcement.", no_args_is_help=True
)
remove_app = typer.Typer(
    help="Remove a show, season, cast member or announcement.", no_args_is_help=True
)
app.add_typer(add_app, name="add")
app.add_typer(edit_app, name="edit")
app.add_typer(remove_app, name="remove")


def _opt(help_text: str, *names: str) -> Any:
    return typer.Option(*names, help=help_text, show_default=False)


Text = Annotated[str | None, typer.Option(show_default=False)]
Title = Annotated[str | None, _opt("The show's title.", "--title")]
Aliases = Annotated[list[str] | None, _opt("Another name it is known by (repeatable).", "--alias")]
Network = Annotated[str | None, _opt("Network or streamer, e.g. Netflix.", "--network")]
Country = Annotated[str | None, _opt("Country code, e.g. GB.", "--country")]
Language = Annotated[str | None, _opt("Original language.", "--language")]
Genres = Annotated[list[str] | None, _opt("A genre (repeatable).", "--genre")]
Timezone = Annotated[
    str | None, _opt("IANA zone its air times are in, e.g. Europe/London.", "--timezone")
]
TvmazeId = Annotated[
    int | None,
    typer.Option(
        "--tvmaze", min=1, help="TVmaze show id; sync keeps it current.", show_default=False
    ),
]
Creator = Annotated[str | None, _opt("Who created it.", "--creator")]
BasedOn = Annotated[str | None, _opt("What it is based on.", "--based-on")]
ShowStatus = Annotated[str | None, _opt("running, ended, ...", "--status")]
Summary = Annotated[str | None, _opt("A short summary in your own words.", "--summary")]
Source = Annotated[str | None, _opt("Where this fact comes from.", "--source")]
Episodes = Annotated[
    int | None, typer.Option("--episodes", min=0, help="Episode count.", show_default=False)
]
Runtime = Annotated[str | None, _opt("Minutes per episode: 25 or 20-30.", "--runtime")]
Premiere = Annotated[
    str | None,
    _opt("2023-08-03, 'Aug 2023', 2024, TBA, or 2023-08-03T00:00 (with --tz).", "--premiere"),
]
PremiereTz = Annotated[
    str | None, _opt("IANA zone of a --premiere time [default: the show's].", "--tz")
]
SeasonStatus = Annotated[
    str | None,
    _opt(
        "announced, casting, filming, post-production, scheduled, released, cancelled.", "--status"
    ),
]
SourceMaterial = Annotated[str | None, _opt("What the season adapts.", "--source-material")]
Synopsis = Annotated[str | None, _opt("The season's synopsis in your own words.", "--synopsis")]
SeasonNo = Annotated[
    int, typer.Option("--season", "-s", min=0, help="Season number.", show_default=False)
]
Actor = Annotated[str, typer.Option("--actor", help="The actor's name.", show_default=False)]
Character = Annotated[str | None, _opt("The character [default: unknown].", "--character")]
Note = Annotated[str | None, _opt('e.g. "Nick\'s older brother".', "--note")]
CastStatus = Annotated[str | None, _opt("returning or new.", "--status")]
YesFlag = Annotated[bool, typer.Option("--yes", "-y", help="Don't ask for confirmation.")]


def _show_fields(**values: Any) -> dict[str, Any]:
    renamed = {"alias": "aliases", "genre": "genres"}
    return {renamed.get(key, key): value for key, value in values.items()}


def _report(report: Any, what: str) -> None:
    for change in report.withdrawn:
        render.note(f"Withdrawn, as you had not seen it yet: {change.headline}")
    for change in report.changes:
        render.note(f"Recorded: {change.headline}")
    render.note(what)


@add_app.command("show")
@handled
def add_show_command(
    ctx: typer.Context,
    title: Annotated[
        str | None,
        typer.Argument(help="The show's title (optional with --tvmaze).", show_default=False),
    ] = None,
    *,
    slug: Annotated[str | None, _opt("Short name [default: from the title].", "--slug")] = None,
    tvmaze: TvmazeId = None,
    alias: Aliases = None,
    network: Network = None,
    country: Country = None,
    language: Language = None,
    genre: Genres = None,
    timezone: Timezone = None,
    creator: Creator = None,
    based_on: BasedOn = None,
    status: ShowStatus = None,
    summary: Summary = None,
    source: Source = None,
) -> None:
    """Add a show by hand, or from TVmaze with --tvmaze ID (see 'showtrack search').

    Examples: showtrack add show "The Bear" --network FX --timezone America/New_York;
    showtrack add show --tvmaze 1058
    """
    run = _run(ctx)
    fields = _show_fields(
        alias=alias, network=network, country=country, language=language, genre=genre,
        timezone=timezone, creator=creator, based_on=based_on, status=status, summary=summary,
        source=source,
    )  # fmt: skip
    if tvmaze is not None:
        show = entry.add_show_from_tvmaze(
            run.store, tvmaze, title=title, slug=slug, now=run.now, fields=fields
        )
    elif title is None:
        raise UsageError("Give the show's title, or --tvmaze ID to add it from TVmaze.")
    else:
        show = entry.add_show(run.store, title=title, slug=slug, fields=fields)
    render.note(f"Added {show.title} as {show.slug}.")


@edit_app.command("show")
@handled
def edit_show_command(
    ctx: typer.Context,
    show: ShowArg,
    *,
    title: Title = None,
    tvmaze: TvmazeId = None,
    alias: Aliases = None,
    network: Network = None,
    country: Country = None,
    language: Language = None,
    genre: Genres = None,
    timezone: Timezone = None,
    creator: Creator = None,
    based_on: BasedOn = None,
    status: ShowStatus = None,
    summary: Summary = None,
    source: Source = None,
) -> None:
    """Change a show's facts; an empty value ("") clears a field.

    Example: showtrack edit show heartstopper --status ended
    """
    run = _run(ctx)
    found = core.find_show(run.db, show)
    fields = _show_fields(
        title=title, tvmaze=tvmaze, alias=alias, network=network, country=country, language=language,
        genre=genre, timezone=timezone, creator=creator, based_on=based_on, status=status,
        summary=summary, source=source,
    )  # fmt: skip
    report = entry.edit_show(run.store, found, fields=fields)
    _report(report, f"Updated {found.title}." if report.written else "Nothing changed.")


def _season_fields(**values: Any) -> dict[str, Any]:
    values["runtime"] = entry.parse_runtime(values["runtime"])
    return values


@add_app.command("season")
@handled
def add_season_command(
    ctx: typer.Context,
    show: ShowArg,
    number: Annotated[
        int, typer.Argument(min=0, help="Season number (0 for specials).", show_default=False)
    ],
    *,
    episodes: Episodes = None,
    runtime: Runtime = None,
    premiere: Premiere = None,
    tz: PremiereTz = None,
    status: SeasonStatus = None,
    source_material: SourceMaterial = None,
    synopsis: Synopsis = None,
    source: Source = None,
) -> None:
    """Add a season. Example: showtrack add season heartstopper 3 --status announced"""
    run = _run(ctx)
    found = core.find_show(run.db, show)
    fields = _season_fields(
        episodes=episodes, runtime=runtime, premiere=premiere, status=status,
        source_material=source_material, synopsis=synopsis, source=source,
    )  # fmt: skip
    entry.add_season(run.store, found, number, fields=fields, tz=tz)
    render.note(f"Added season {number} of {found.title}.")


@edit_app.command("season")
@handled
def edit_season_command(
    ctx: typer.Context,
    show: ShowArg,
    number: Annotated[int, typer.Argument(min=0, help="Season number.", show_default=False)],
    *,
    episodes: Episodes = None,
    runtime: Runtime = None,
    premiere: Premiere = None,
    tz: PremiereTz = None,
    status: SeasonStatus = None,
    source_material: SourceMaterial = None,
    synopsis: Synopsis = None,
    source: Source = None,
) -> None:
    """Change a season; a moved premiere is recorded as news.

    Example: showtrack edit season heartstopper 2 --premiere 2023-08-10
    """
    run = _run(ctx)
    found = core.find_show(run.db, show)
    fields = _season_fields(
        episodes=episodes, runtime=runtime, premiere=premiere, status=status,
        source_material=source_material, synopsis=synopsis, source=source,
    )  # fmt: skip
    report = entry.edit_season(run.store, found, number, fields=fields, tz=tz)
    _report(
        report,
        f"Updated season {number} of {found.title}." if report.written else "Nothing changed.",
    )


@add_app.command("cast")
@handled
def add_cast_command(
    ctx: typer.Context,
    show: ShowArg,
    *,
    season: SeasonNo,
    actor: Actor,
    character: Character = None,
    note: Note = None,
    status: CastStatus = None,
    source: Source = None,
) -> None:
    """Add a cast member to a season.

    Example: showtrack add cast heartstopper --season 2 --actor "Leila Khan" --character "Sahar Zahid" --status new
    """
    run = _run(ctx)
    found = core.find_show(run.db, show)
    fields = {
        "season": season, "actor": actor, "character": character, "note": note,
        "status": status, "source": source,
    }  # fmt: skip
    credit = entry.add_credit(run.store, found, fields=fields)
    render.note(f"Added {credit.actor} to season {credit.season} of {found.title}.")


@edit_app.command("cast")
@handled
def edit_cast_command(
    ctx: typer.Context,
    show: ShowArg,
    *,
    season: SeasonNo,
    actor: Actor,
    character: Character = None,
    note: Note = None,
    status: CastStatus = None,
    source: Source = None,
) -> None:
    """Change a cast member's role, note or status.

    Example: showtrack edit cast heartstopper --season 2 --actor "Evan Ovenell" --character "Mr. X"
    """
    run = _run(ctx)
    found = core.find_show(run.db, show)
    fields = {"character": character, "note": note, "status": status, "source": source}
    report = entry.edit_credit(run.store, found, season, actor, fields=fields)
    _report(report, "Updated." if report.written else "Nothing changed.")


@add_app.command("news")
@handled
def add_news_command(
    ctx: typer.Context,
    show: ShowArg,
    *,
    headline: Annotated[str, typer.Option("--headline", help="What happened.", show_default=False)],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="filming-started, filming-wrapped, release-date, renewal, casting, "
            "casting-call, synopsis, episode-count, trailer, photos, rumor, change, other.",
        ),
    ] = "other",
    date: Annotated[
        str | None, _opt("When: 2023-06-01, 'Dec 2022', 2024 [default: undated].", "--date")
    ] = None,
    season: Annotated[
        int | None, typer.Option("--season", "-s", min=0, help="The season it is about.")
    ] = None,
    body: Annotated[str | None, _opt("More detail.", "--body")] = None,
    source: Source = None,
    url: Annotated[str | None, _opt("Link to the source.", "--url")] = None,
) -> None:
    """Add a piece of news.

    Example: showtrack add news heartstopper --date 2023-06-01 --kind trailer --headline "Teaser is out" --source Netflix
    """
    run = _run(ctx)
    found = core.find_show(run.db, show)
    fields = {
        "headline": headline, "kind": kind, "date": date, "season": season, "body": body,
        "source": source, "url": url,
    }  # fmt: skip
    item, outcome = entry.add_news(run.store, found, fields=fields)
    render.note(
        {
            "added": f"Added news {item.id[:8]}.",
            "updated": f"Updated news {item.id[:8]}: it was known, and what you gave differs.",
            "unchanged": f"Already known (news {item.id[:8]}); nothing changed.",
        }[outcome]
    )


@edit_app.command("news")
@handled
def edit_news_command(
    ctx: typer.Context,
    show: ShowArg,
    news_id: Annotated[
        str, typer.Argument(metavar="ID", help="The id (or its start) that 'showtrack news' shows.")
    ],
    *,
    headline: Annotated[str | None, _opt("What happened.", "--headline")] = None,
    kind: Annotated[str | None, _opt("The kind of news (see 'add news').", "--kind")] = None,
    date: Annotated[str | None, _opt("When: 2023-06-01, 'Dec 2022', 2024.", "--date")] = None,
    season: Annotated[
        int | None, typer.Option("--season", "-s", min=0, help="The season it is about.")
    ] = None,
    body: Annotated[str | None, _opt("More detail.", "--body")] = None,
    source: Source = None,
    url: Annotated[str | None, _opt("Link to the source.", "--url")] = None,
) -> None:
    """Change an announcement; an empty value ("") clears a field. It keeps its id.

    Example: showtrack edit news heartstopper 3f2a9c1b --date 2023-06-02
    """
    run = _run(ctx)
    found = core.find_show(run.db, show)
    fields = {
        "headline": headline, "kind": kind, "date": date, "season": season, "body": body,
        "source": source, "url": url,
    }  # fmt: skip
    item = entry.edit_news(run.store, found, news_id, fields=fields)
    render.note(f"Updated news {item.id[:8]}: {render.safe(item.headline)}")


def _confirm_removal(plan: "entry.Removal", yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise UsageError(f"Removing {plan.description} needs confirmation: pass --yes.")
    if not typer.confirm(f"Remove {render.safe(plan.description)}?", default=False):
        render.note("Nothing removed.")
        raise typer.Exit(1)


@remove_app.command("show")
@handled
def remove_show_command(ctx: typer.Context, show: ShowArg, *, yes: YesFlag = False) -> None:
    """Remove a show and everything about it. Example: showtrack remove show heartstopper --yes"""
    run = _run(ctx)
    plan = entry.plan_removal(run.store.snapshot, "show", core.find_show(run.db, show))
    _confirm_removal(plan, yes)
    render.note(f"Removed {entry.remove(run.store, plan)}.")


@remove_app.command("season")
@handled
def remove_season_command(
    ctx: typer.Context,
    show: ShowArg,
    number: Annotated[int, typer.Argument(min=0, help="Season number.", show_default=False)],
    *,
    yes: YesFlag = False,
) -> None:
    """Remove a season. Example: showtrack remove season heartstopper 3 --yes"""
    run = _run(ctx)
    plan = entry.plan_removal(
        run.store.snapshot, "season", core.find_show(run.db, show), season=number
    )
    _confirm_removal(plan, yes)
    render.note(f"Removed {entry.remove(run.store, plan)}.")


@remove_app.command("cast")
@handled
def remove_cast_command(
    ctx: typer.Context, show: ShowArg, *, season: SeasonNo, actor: Actor, yes: YesFlag = False
) -> None:
    """Remove a cast member from a season.

    Example: showtrack remove cast heartstopper --season 2 --actor "Evan Ovenell" --yes
    """
    run = _run(ctx)
    found = core.find_show(run.db, show)
    plan = entry.plan_removal(run.store.snapshot, "cast", found, season=season, actor=actor)
    _confirm_removal(plan, yes)
    render.note(f"Removed {entry.remove(run.store, plan)}.")


@remove_app.command("news")
@handled
def remove_news_command(
    ctx: typer.Context,
    show: ShowArg,
    news_id: Annotated[
        str, typer.Argument(metavar="ID", help="The id (or its start) that 'showtrack news' shows.")
    ],
    *,
    yes: YesFlag = False,
) -> None:
    """Remove an announcement by id. Example: showtrack remove news heartstopper 3f2a9c1b --yes"""
    run = _run(ctx)
    found = core.find_show(run.db, show)
    plan = entry.plan_removal(run.store.snapshot, "news", found, announcement=news_id)
    _confirm_removal(plan, yes)
    render.note(f"Removed {entry.remove(run.store, plan)}.")


# --- import, export, calendar --------------------------------------------------------------


@app.command("import")
@handled
def import_command(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Argument(metavar="PATH|-", help="A JSON file, a folder of them, or - for stdin.")
    ],
    *,
    as_json: JsonFlag = False,
) -> None:
    """Merge shows, seasons, cast and news from files in the export format.

    Example: showtrack import friends-pack.json
    """
    from showtrack.merge import merge
    from showtrack.sources.jsonfile import read_path

    run = _run(ctx)
    data = read_path(source)
    origin = "import from stdin" if source == "-" else f"import of {Path(source).name}"
    report = merge(run.store, data, origin=origin)
    if as_json:
        render.emit_json(report.to_dict())
    else:
        render.emit(render.merge_view(report.to_dict()))


def _write_output(output: Path | None, data: bytes, store: "Store") -> None:
    """To stdout (no -o, or -o -), or atomically to a regular file that is not one
    of the database's own files."""
    from showtrack.store import durable

    if output is None or str(output) == "-":
        try:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as err:
            from showtrack.errors import OutputError

            raise OutputError(
                f"Can't write the output: {str(err.strerror or err).lower()}."
            ) from None
        return
    durable.check_output(output, store.path, store.files())
    try:
        durable.atomic_write(output, [data])
    except OSError as err:
        raise ShowtrackError(f"Can't write {output}: {err.strerror or err}.") from None


Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file [default: stdout].", dir_okay=False),
]


@app.command("export")
@handled
def export_command(
    ctx: typer.Context, show: OptionalShowArg = None, *, output: Output = None
) -> None:
    """Write shows, seasons, cast and news in the import format (sorted, stable).

    Example: showtrack export heartstopper -o heartstopper.json
    """
    from showtrack.sources.jsonfile import to_document

    run = _run(ctx)
    found = core.find_show(run.db, show) if show is not None else None
    doc = to_document(core.export_dataset(run.db, found))
    _write_output(output, render.json_text(doc).encode("utf-8"), run.store)


@app.command("calendar")
@handled
def calendar_command(
    ctx: typer.Context,
    show: OptionalShowArg = None,
    *,
    output: Output = None,
    milestones: Annotated[
        bool, typer.Option("--milestones", help="Also add dated news (filming, trailers...).")
    ] = False,
) -> None:
    """Write premieres known to the day as an iCalendar (.ics) file.

    Example: showtrack calendar -o premieres.ics
    """
    from showtrack import ics

    run = _run(ctx)
    found = core.find_show(run.db, show) if show is not None else None
    events, skipped = core.calendar_events(run.db, found, milestones=milestones)
    name = f"{found.title} premieres" if found else "showtrack premieres"
    result = ics.build(events, name=name, now=run.now, skipped=skipped)
    data = result.data
    if (output is None or str(output) == "-") and sys.stdout.isatty():
        data = data.replace(b"\r\n", b"\n")  # on a screen a CR is a control byte; files keep CRLF
    _write_output(output, data, run.store)
    if skipped:
        render.note(
            f"Left out {skipped} premiere{'s' if skipped != 1 else ''} not yet known to the day."
        )


@app.command("init")
@handled
def init_command(
    ctx: typer.Context,
    *,
    empty: Annotated[
        bool, typer.Option("--empty", help="Start with no shows instead of the bundled data.")
    ] = False,
) -> None:
    """Create the database (it is also created on first use). Example: showtrack --db new.json init --empty"""
    from showtrack.sources.jsonfile import Dataset
    from showtrack.store import Store

    settings: Settings = ctx.obj
    if os.path.lexists(settings.db):
        raise ShowtrackError(f"{settings.db} already exists; it was left as it is.")
    Store.open(settings.db, now=clock.now(), seed=Dataset if empty else None)
    render.note(f"Created {settings.db}{' (empty)' if empty else ''}.")


# --- sync from real sources ----------------------------------------------------------------------

feed_app = typer.Typer(help="Follow news feeds (RSS/Atom) for a show.", no_args_is_help=True)
app.add_typer(feed_app, name="feed")


@app.command("search")
@handled
def search_command(
    query: Annotated[
        str, typer.Argument(metavar="TITLE", help="A show title to look up on TVmaze.")
    ],
    *,
    as_json: JsonFlag = False,
) -> None:
    """Look a show up on TVmaze, to follow it with 'showtrack add show --tvmaze ID'.

    Example: showtrack search heartstopper
    """
    from showtrack.sources import tvmaze

    hits = tvmaze.search(query)
    _output(as_json, render.search_doc(query, hits), render.search_view)


@feed_app.command("add")
@handled
def feed_add_command(
    ctx: typer.Context,
    show: ShowArg,
    url: Annotated[str, typer.Argument(help="The feed's http(s) URL.", show_default=False)],
    *,
    match: Annotated[
        str | None,
        _opt(
            "Comma-separated words an entry must mention [default: the title and aliases].",
            "--match",
        ),
    ] = None,
) -> None:
    """Follow a news feed for a show; 'showtrack sync' reads it.

    Example: showtrack feed add heartstopper https://example.org/tv.rss --match "Heartstopper, Alice Oseman"
    """
    run = _run(ctx)
    found = core.find_show(run.db, show)
    feed, updated = entry.add_feed(run.store, found, url, match)
    words = ", ".join(feed.words) or f"{found.title} (and aliases)"
    verb = "Already following" if updated else "Following"
    render.note(
        f"{verb} {feed.url} for {found.title}, now matching: {words}."
        if updated
        else f"{verb} {feed.url} for {found.title}, matching: {words}."
    )


@feed_app.command("list")
@handled
def feed_list_command(
    ctx: typer.Context, show: OptionalShowArg = None, *, as_json: JsonFlag = False
) -> None:
    """List followed feeds. Example: showtrack feed list"""
    run = _run(ctx)
    found = core.find_show(run.db, show) if show is not None else None
    _output(
        as_json, render.feeds_doc(run.store.feeds(found.slug if found else None)), render.feeds_view
    )


@feed_app.command("remove")
@handled
def feed_remove_command(
    ctx: typer.Context,
    show: ShowArg,
    url: Annotated[str, typer.Argument(help="The feed's URL.", show_default=False)],
) -> None:
    """Stop following a feed. Example: showtrack feed remove heartstopper https://example.org/tv.rss"""
    from showtrack.errors import ShowNotFoundError

    run = _run(ctx)
    try:
        found = core.find_show(run.db, show)
        slug, title = found.slug, found.title
    except ShowNotFoundError:
        if not any(feed.show == show for feed in run.store.feeds(show)):
            raise
        slug = title = show  # a feed left behind by a show that is gone
    entry.remove_feed(run.store, slug, url)
    render.note(f"No longer following {url} for {title}.")


@app.command("sync")
@handled
def sync_command(
    ctx: typer.Context,
    show: OptionalShowArg = None,
    *,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress or summary (for cron).")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Update linked shows from TVmaze and read followed feeds.

    Exits 1 when any source failed; what succeeded is kept. Example: showtrack sync --quiet
    """
    from showtrack import sync
    from showtrack.errors import DatabaseBusyError

    run = _run(ctx, lock_timeout=0 if quiet else None)  # cron: never queue behind a writer
    found = core.find_show(run.db, show) if show is not None else None
    try:
        with render.progress(enabled=not quiet and not as_json) as step:
            report = sync.sync(run.store, now=run.now, show=found, progress=step)
    except DatabaseBusyError as err:
        if not quiet:
            raise
        render.error(err.message)
        raise typer.Exit(BUSY_EXIT) from None
    doc = render.sync_doc(report)
    if as_json:
        render.emit_json(doc)
    elif not quiet:
        render.emit(render.sync_view(doc))
    for failure in report.failures:
        render.error(failure)
    if report.failures:
        raise typer.Exit(1)


class _LazyCommands(MutableMapping[str, Any]):
    """A group's commands, each turned into a click command only when it is used.

    Typer builds every command's options up front, evaluating every signature
    (README, Performance). The names are known at once (for "did you mean"), the
    commands when asked for.
    """

    def __init__(self, loaders: dict[str, Callable[[], Any]]) -> None:
        self._loaders = loaders
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._loaders[name]()
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._loaders[name] = lambda: command
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaders[name]
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaders)

    def __len__(self) -> int:
        return len(self._loaders)


def _listing_group() -> type[Any]:
    from typer.core import TyperCommand, TyperGroup

    class LazyGroup(TyperGroup):
        """Lists its commands from their docstrings, without building them."""

        summaries: dict[str, str | None] = {}  # noqa: RUF012 - set per instance below

        def format_commands(self, ctx: Any, formatter: Any) -> None:
            real = self.commands
            self.commands = {
                name: TyperCommand(name, help=self.summaries.get(name)) for name in real
            }
            try:
                super().format_commands(ctx, formatter)
            finally:
                self.commands = real

    return LazyGroup


def lazy_command() -> Any:
    """The same command line as ``app``, with each subcommand built on first use."""
    import inspect

    from typer import main as typer_main

    shell = typer.Typer(
        cls=_listing_group(),
        name=app.info.name,
        help=app.info.help,
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    shell.callback()(main_options)
    group: Any = typer_main.get_group(shell)
    loaders: dict[str, Callable[[], Any]] = {}
    for info in app.registered_commands:
        assert info.name is not None
        loaders[info.name] = functools.partial(
            typer_main.get_command_from_info,
            info,
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=None,
        )
    for sub in app.registered_groups:
        assert sub.name is not None
        loaders[sub.name] = functools.partial(
            typer_main.get_group_from_info,
            sub,
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=None,
            suggest_commands=app.suggest_commands,
        )
    group.commands = _LazyCommands(loaders)
    group.summaries = {
        **{
            info.name: info.help or inspect.getdoc(info.callback)
            for info in app.registered_commands
            if info.name
        },
        **{
            sub.name: sub.help or sub.typer_instance.info.help
            for sub in app.registered_groups
            if sub.name and sub.typer_instance
        },
    }
    return group


def main() -> None:
    """The console entry point.

    It ends with os._exit after flushing: freeing every record of a big database
    one by one costs time for nothing (README, Performance). Only this entry point does it; tests call ``app`` directly.
    """
    code: int = 0
    try:
        lazy_command()(prog_name="showtrack")
    except SystemExit as done:
        if isinstance(done.code, int):
            code = done.code
        elif done.code is not None:
            sys.stderr.write(f"{done.code}\n")
            code = 1
    except BrokenPipeError:  # e.g. `showtrack news | head`: the reader has gone
        code = 0
    except KeyboardInterrupt:  # only when run without the launcher's handler
        from showtrack.launch import interrupted_line

        render.error(interrupted_line())
        code = 130
    except Exception as err:  # a bug: one line, no traceback (SHOWTRACK_DEBUG=1 shows it)
        if os.environ.get("SHOWTRACK_DEBUG"):
            raise
        from showtrack.launch import interrupted_line

        kept = (
            "the database is as it was"
            if "as it was" in interrupted_line()
            else ("what it had saved before is kept")
        )
        render.error(
            f"Internal error ({type(err).__name__}); {kept}. "
            "Please report it; SHOWTRACK_DEBUG=1 shows the details."
        )
        code = 1
    try:
        sys.stdout.flush()
    except (OSError, ValueError):  # a closed pipe, a full disk: already reported, or moot
        pass
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)
