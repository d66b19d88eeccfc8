"""Real sources: search TVmaze, follow feeds, sync."""

from typing import Annotated

import typer

from showtrack.cli.common import (
    BUSY_EXIT,
    JsonFlag,
    OptionalShowArg,
    ShowArg,
    core,
    entry,
    handled,
    option,
    output,
    render,
    run_for,
    sub_typer,
)
from showtrack.errors import UsageError

feed_cli = sub_typer(
    name="feed", help="Follow news feeds (RSS/Atom) for a show.", no_args_is_help=True
)


search_cli = sub_typer()


@search_cli.command("search")
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
    output(as_json, render.search_doc(query, hits), render.search_view)


@feed_cli.command("add")
@handled
def feed_add_command(
    ctx: typer.Context,
    show: ShowArg,
    url: Annotated[str, typer.Argument(help="The feed's http(s) URL.", show_default=False)],
    *,
    match: Annotated[
        str | None,
        option(
            "Comma-separated words an entry must mention [default: the title and aliases].",
            "--match",
        ),
    ] = None,
    find: Annotated[
        bool,
        typer.Option(
            "--find",
            help="Fetch the URL now; a web page is followed to the feed it names.",
        ),
    ] = False,
) -> None:
    """Follow a news feed for a show; 'showtrack sync' reads it.

    Without --find nothing is fetched (it works offline; sync reads the feed).

    Example: showtrack feed add heartstopper https://example.org/tv.rss --match "Heartstopper, Alice Oseman"
    """
    run = run_for(ctx)
    found = core.find_show(run.db, show)
    if find:
        url, what = entry.find_feed(url)
        if what:
            render.note(what)
    feed, updated = entry.add_feed(run.store, found, url, match)
    words = ", ".join(feed.words) or f"{found.title} (and aliases)"
    verb = "Already following" if updated else "Following"
    render.note(
        f"{verb} {feed.url} for {found.title}, now matching: {words}."
        if updated
        else f"{verb} {feed.url} for {found.title}, matching: {words}."
    )


@feed_cli.command("list")
@handled
def feed_list_command(
    ctx: typer.Context, show: OptionalShowArg = None, *, as_json: JsonFlag = False
) -> None:
    """List followed feeds.

    Example: showtrack feed list
    """
    run = run_for(ctx)
    found = core.find_show(run.db, show) if show is not None else None
    output(
        as_json, render.feeds_doc(run.store.feeds(found.slug if found else None)), render.feeds_view
    )


@feed_cli.command("remove")
@handled
def feed_remove_command(
    ctx: typer.Context,
    show: ShowArg,
    url: Annotated[str, typer.Argument(help="The feed's URL.", show_default=False)],
) -> None:
    """Stop following a feed.

    Example: showtrack feed remove heartstopper https://example.org/tv.rss
    """
    from showtrack.errors import ShowNotFoundError

    run = run_for(ctx)
    try:
        found = core.find_show(run.db, show)
        slug, title = found.slug, found.title
    except ShowNotFoundError:
        if not any(feed.show == show for feed in run.store.feeds(show)):
            raise
        slug = title = show  # a feed left behind by a show that is gone
    entry.remove_feed(run.store, slug, url)
    render.note(f"No longer following {url} for {title}.")


sync_cli = sub_typer()


def _seconds(name: str, default: float) -> float:
    import os

    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 1 <= value <= 86400:
        raise UsageError(f"{name}={text!r} is not a number of seconds from 1 to 86400.")
    return value


@sync_cli.command("sync")
@handled
def sync_command(
    ctx: typer.Context,
    show: OptionalShowArg = None,
    *,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress or summary (for cron).")
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            min=1,
            max=86400,
            metavar="SECONDS",
            help="The whole sync's time limit [default: 300, or SHOWTRACK_SYNC_TIMEOUT].",
            show_default=False,
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Update linked shows from TVmaze and read followed feeds.

    Exits 1 when any source failed; what succeeded is kept. With --quiet a busy
    database is exit 75 without a word (cron tries again).

    Example: showtrack sync --quiet
    """
    from showtrack import sync
    from showtrack.errors import DatabaseBusyError

    limits = sync.Deadlines(
        _seconds("SHOWTRACK_SOURCE_TIMEOUT", sync.SOURCE_SECONDS),
        timeout if timeout is not None else _seconds("SHOWTRACK_SYNC_TIMEOUT", sync.RUN_SECONDS),
    )
    run = run_for(ctx, lock_timeout=0 if quiet else None)  # cron: never queue behind a writer
    found = core.find_show(run.db, show) if show is not None else None
    try:
        with render.progress(enabled=not quiet and not as_json) as step:
            report = sync.sync(run.store, now=run.now, show=found, progress=step, deadlines=limits)
    except DatabaseBusyError:
        if not quiet:
            raise
        raise typer.Exit(BUSY_EXIT) from None  # cron: silent, and the next run tries again
    titles = {item.slug: item.title for item in run.db.shows()}
    doc = render.sync_doc(report, run.tz, titles)
    if as_json:
        render.emit_json(doc)
    elif not quiet:
        render.emit(render.sync_view(doc))
    for failure in report.failures:
        render.error(failure)
    if report.failures:
        raise typer.Exit(1)
