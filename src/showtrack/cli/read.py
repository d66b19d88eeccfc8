"""The read views: shows, show, cast, countdown, episodes, news, timeline.
Options -> core -> render."""

import functools
from typing import Annotated

import typer

from showtrack.cli.common import (
    JsonFlag,
    OptionalShowArg,
    Run,
    ShowArg,
    TzOpt,
    core,
    dates,
    handled,
    last_check,
    output,
    render,
    run_for,
    spoilers,
    sub_typer,
)
from showtrack.errors import UsageError

shows_cli = sub_typer()


@shows_cli.command("shows")
@handled
def shows_command(ctx: typer.Context, *, tz: TzOpt = None, as_json: JsonFlag = False) -> None:
    """List the tracked shows with their seasons and next premiere.

    Example: showtrack shows
    """
    hide = not spoilers(ctx)
    run = run_for(ctx, tz)
    summaries = core.shows_overview(run.db, now=run.now, tz=run.tz)
    doc = render.shows_doc(summaries, now=run.now, tz=run.tz, spoilers=not hide)
    output(as_json, doc, render.shows_view)


show_cli = sub_typer()


@show_cli.command("show")
@handled
def show_command(
    ctx: typer.Context, show: ShowArg, *, tz: TzOpt = None, as_json: JsonFlag = False
) -> None:
    """One show: facts, seasons, synopses and the latest news.

    Example: showtrack show heartstopper
    """
    run = run_for(ctx, tz)
    found = core.find_show(run.db, show)
    detail = core.show_detail(run.db, found, now=run.now, tz=run.tz)
    doc = render.show_doc(detail, now=run.now, tz=run.tz, spoilers=spoilers(ctx))
    output(as_json, doc, render.show_view)


cast_cli = sub_typer()


@cast_cli.command("cast")
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
    main: Annotated[
        bool,
        typer.Option("--main", help="The show's main cast as a source (TVmaze) gives it."),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Who is in it: actor, character, note, and returning or new.

    Example: showtrack cast heartstopper --season 2 --new
    """
    if main and (season is not None or new):
        raise UsageError("--main is the show's main cast: it takes no --season or --new.")
    run = run_for(ctx)
    found = core.find_show(run.db, show)
    result = core.cast_of(run.db, found, season=season, new_only=new, main_cast=main)
    output(as_json, render.cast_doc(result), render.cast_view)


countdown_cli = sub_typer()


@countdown_cli.command("countdown")
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
    run = run_for(ctx, tz)
    now = run.now
    if as_of is not None:
        now = dates.parse_when(as_of, now=run.now, tz=run.tz, last_check=last_check(run, None))
    found = core.find_show(run.db, show) if show is not None else None
    rows = core.countdowns(run.db, now=now, tz=run.tz, show=found, include_all=all_)
    doc = render.countdown_doc(rows, now=now, tz=run.tz, spoilers=spoilers(ctx))
    output(as_json, doc, render.countdown_view)


episodes_cli = sub_typer()


@episodes_cli.command("episodes")
@handled
def episodes_command(
    ctx: typer.Context,
    show: ShowArg,
    *,
    season: Annotated[
        int | None,
        typer.Option(
            "--season",
            "-s",
            min=0,
            help="Season number [default: the one airing, else the next, else the latest].",
        ),
    ] = None,
    tz: TzOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """A season's episodes with their air times, premiere and finale marked.

    Example: showtrack episodes heartstopper --season 2
    """
    run = run_for(ctx, tz)
    found = core.find_show(run.db, show)
    listed = core.episodes_of(run.db, found, season=season, now=run.now, tz=run.tz)
    doc = render.episodes_doc(listed, now=run.now, tz=run.tz, spoilers=spoilers(ctx))
    output(as_json, doc, render.episodes_view)


news_cli = sub_typer()


@news_cli.command("news")
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
    run = run_for(ctx, tz)
    found = core.find_show(run.db, show) if show is not None else None
    checks = run.store.checks()
    since_day = None
    if since is not None:
        last = last_check(run, found.slug if found else None, checks)
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
        tz=run.tz,
    )
    unsaved = " This check was not recorded." if result.recorded_check else ""
    view = functools.partial(render.news_view, long=long)
    doc = render.news_doc(result, run.tz, spoilers=spoilers(ctx))
    output(as_json, doc, view, unsaved=unsaved)
    if result.recorded_check:
        record_check(run, result)


def record_check(run: Run, result: "core.News") -> None:
    """Record the check once the output is out; if the database can't be written
    (read-only, busy), the news was still shown: say so and exit 0."""
    from showtrack.errors import DatabaseBusyError, DatabaseError

    try:
        run.store.record_check(result.show, result.mark)
    except (DatabaseError, DatabaseBusyError) as err:
        render.note(f"This check was not recorded: {err.message}")


timeline_cli = sub_typer()


@timeline_cli.command("timeline")
@handled
def timeline_command(
    ctx: typer.Context, show: ShowArg, *, tz: TzOpt = None, as_json: JsonFlag = False
) -> None:
    """Every dated milestone of a show, oldest first.

    Example: showtrack timeline heartstopper
    """
    run = run_for(ctx, tz)
    found = core.find_show(run.db, show)
    events = core.timeline(run.db, found)
    doc = render.timeline_doc(found.slug, found.title, events, run.tz, found.timezone)
    output(as_json, doc, render.timeline_view)
