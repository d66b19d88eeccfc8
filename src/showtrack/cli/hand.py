"""Hand entry: add, edit and remove shows, seasons, episodes, cast and news.
Options -> entry -> render."""

import sys
from typing import Annotated, Any

import typer

from showtrack.cli.common import (
    ShowArg,
    Source,
    core,
    entry,
    handled,
    option,
    render,
    report_changes,
    run_for,
    sub_typer,
)
from showtrack.errors import UsageError

add_cli = sub_typer(
    name="add",
    help="Add a show, season, episode, cast member or piece of news by hand.",
    no_args_is_help=True,
)
edit_cli = sub_typer(
    name="edit",
    help="Change a show, season, episode, cast member or announcement.",
    no_args_is_help=True,
)
remove_cli = sub_typer(
    name="remove",
    help="Remove a show, season, episode, cast member or announcement.",
    no_args_is_help=True,
)


Text = Annotated[str | None, typer.Option(show_default=False)]
Title = Annotated[str | None, option("The show's title.", "--title")]
Aliases = Annotated[
    list[str] | None, option("Another name it is known by (repeatable).", "--alias")
]
Network = Annotated[str | None, option("Network or streamer, e.g. Netflix.", "--network")]
Country = Annotated[str | None, option("Country code, e.g. GB.", "--country")]
Language = Annotated[str | None, option("Original language.", "--language")]
Genres = Annotated[list[str] | None, option("A genre (repeatable).", "--genre")]
Timezone = Annotated[
    str | None, option("IANA zone its air times are in, e.g. Europe/London.", "--timezone")
]
TvmazeId = Annotated[
    int | None,
    typer.Option(
        "--tvmaze",
        min=1,
        metavar="ID",
        help="TVmaze show id; sync keeps it current.",
        show_default=False,
    ),
]
Creator = Annotated[str | None, option("Who created it.", "--creator")]
BasedOn = Annotated[str | None, option("What it is based on.", "--based-on")]
ShowStatus = Annotated[str | None, option("running, ended, ...", "--status")]
Summary = Annotated[str | None, option("A short summary in your own words.", "--summary")]
Episodes = Annotated[
    int | None, typer.Option("--episodes", min=0, help="Episode count.", show_default=False)
]
Runtime = Annotated[str | None, option("Minutes per episode: 25 or 20-30.", "--runtime")]
Premiere = Annotated[
    str | None,
    option("2023-08-03, 'Aug 2023', 2024, TBA, or 2023-08-03T00:00 (with --tz).", "--premiere"),
]
PremiereTz = Annotated[
    str | None, option("IANA zone of a --premiere time [default: the show's].", "--tz")
]
SeasonStatus = Annotated[
    str | None,
    option(
        "announced, casting, filming, post-production, scheduled, released, cancelled.", "--status"
    ),
]
SourceMaterial = Annotated[str | None, option("What the season adapts.", "--source-material")]
Synopsis = Annotated[str | None, option("The season's synopsis in your own words.", "--synopsis")]
SeasonNo = Annotated[
    int, typer.Option("--season", "-s", min=0, help="Season number.", show_default=False)
]
Actor = Annotated[str, typer.Option("--actor", help="The actor's name.", show_default=False)]
Character = Annotated[str | None, option("The character [default: unknown].", "--character")]
Note = Annotated[str | None, option('e.g. "Nick\'s older brother".', "--note")]
CastStatus = Annotated[str | None, option("returning or new.", "--status")]
Role = Annotated[
    str | None, option("Which of the actor's roles, when they have several.", "--role")
]
YesFlag = Annotated[bool, typer.Option("--yes", "-y", help="Don't ask for confirmation.")]


def _show_fields(**values: Any) -> dict[str, Any]:
    renamed = {"alias": "aliases", "genre": "genres"}
    return {renamed.get(key, key): value for key, value in values.items()}


@add_cli.command("show")
@handled
def add_show_command(
    ctx: typer.Context,
    title: Annotated[
        str | None,
        typer.Argument(help="The show's title (optional with --tvmaze).", show_default=False),
    ] = None,
    *,
    slug: Annotated[str | None, option("Short name [default: from the title].", "--slug")] = None,
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
    run = run_for(ctx)
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


@edit_cli.command("show")
@handled
def edit_show_command(
    ctx: typer.Context,
    show: ShowArg,
    *,
    title: Title = None,
    tvmaze: Annotated[
        str | None,
        option('TVmaze show id; sync keeps it current ("" unlinks it).', "--tvmaze"),
    ] = None,
    no_tvmaze: Annotated[
        bool, typer.Option("--no-tvmaze", help="Unlink the show from TVmaze.")
    ] = False,
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
    linked: int | str | None = _tvmaze_id(tvmaze)
    if no_tvmaze:
        if tvmaze not in (None, ""):
            raise UsageError("--no-tvmaze unlinks the show; it does not go with --tvmaze ID.")
        linked = ""
    run = run_for(ctx)
    found = core.find_show(run.db, show)
    fields = _show_fields(
        title=title, tvmaze=linked, alias=alias, network=network, country=country, language=language,
        genre=genre, timezone=timezone, creator=creator, based_on=based_on, status=status,
        summary=summary, source=source,
    )  # fmt: skip
    report = entry.edit_show(run.store, found, fields=fields)
    report_changes(report, f"Updated {found.title}." if report.written else "Nothing changed.", run)


def _tvmaze_id(text: str | None) -> int | str | None:
    """--tvmaze ID: a whole number, or "" to unlink."""
    if text is None or text.strip() == "":
        return text if text is None else ""
    if not text.strip().isdigit() or int(text) < 1:
        raise UsageError(
            f"--tvmaze: {text[:40]!r} is not a TVmaze show id; use e.g. --tvmaze 53366."
        )
    return int(text)


def _season_fields(**values: Any) -> dict[str, Any]:
    values["runtime"] = entry.parse_runtime(values["runtime"])
    return values


@add_cli.command("season")
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
    """Add a season.

    Example: showtrack add season heartstopper 3 --status announced
    """
    run = run_for(ctx)
    found = core.find_show(run.db, show)
    fields = _season_fields(
        episodes=episodes, runtime=runtime, premiere=premiere, status=status,
        source_material=source_material, synopsis=synopsis, source=source,
    )  # fmt: skip
    entry.add_season(run.store, found, number, fields=fields, tz=tz)
    render.note(f"Added season {number} of {found.title}.")


@edit_cli.command("season")
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
    run = run_for(ctx)
    found = core.find_show(run.db, show)
    fields = _season_fields(
        episodes=episodes, runtime=runtime, premiere=premiere, status=status,
        source_material=source_material, synopsis=synopsis, source=source,
    )  # fmt: skip
    report = entry.edit_season(run.store, found, number, fields=fields, tz=tz)
    report_changes(
        report,
        f"Updated season {number} of {found.title}." if report.written else "Nothing changed.",
        run,
    )


EpisodeTitle = Annotated[str | None, option("The episode's title.", "--title")]
Airs = Annotated[
    str | None,
    option("When it airs: 2023-08-03, 2023-08-03T08:00 (with --tz), 'Aug 2023', TBA.", "--airs"),
]
EpisodeRuntime = Annotated[
    int | None,
    typer.Option("--runtime", min=1, max=10_000, help="Minutes.", show_default=False),
]
EpisodeSummary = Annotated[str | None, option("What happens, in your own words.", "--summary")]
Special = Annotated[
    str | None,
    typer.Option(
        "--special",
        metavar="TITLE",
        help="A special (no number), by its title.",
        show_default=False,
    ),
]


def _episode_fields(**values: Any) -> dict[str, Any]:
    return values


@add_cli.command("episode")
@handled
def add_episode_command(
    ctx: typer.Context,
    show: ShowArg,
    *,
    season: SeasonNo,
    number: Annotated[
        str | None,
        option("Its number, or a run like 1-8 for episodes that air together.", "--number"),
    ] = None,
    title: EpisodeTitle = None,
    airs: Airs = None,
    tz: PremiereTz = None,
    runtime: EpisodeRuntime = None,
    summary: EpisodeSummary = None,
    source: Source = None,
) -> None:
    """Add an episode, a run of episodes that air together, or a special (no --number).

    Example: showtrack add episode heartstopper --season 3 --number 1-8 --airs 2024-10-03
    """
    numbers = entry.parse_numbers(number)
    if len(numbers) > 1 and title is not None:
        raise UsageError("--title names one episode; add a run without it, then edit each.")
    run = run_for(ctx)
    found = core.find_show(run.db, show)
    fields = _episode_fields(
        title=title, airs=airs, runtime=runtime, summary=summary, source=source
    )
    added = entry.add_episodes(run.store, found, season, numbers, fields=fields, tz=tz)
    what = render.next_label(season, added) if added[0].number is not None else "a special"
    render.note(f"Added {what} to season {season} of {found.title}.")


@edit_cli.command("episode")
@handled
def edit_episode_command(
    ctx: typer.Context,
    show: ShowArg,
    *,
    season: SeasonNo,
    number: Annotated[
        int | None, typer.Option("--number", min=0, help="Its number.", show_default=False)
    ] = None,
    special: Special = None,
    title: EpisodeTitle = None,
    airs: Airs = None,
    tz: PremiereTz = None,
    runtime: EpisodeRuntime = None,
    summary: EpisodeSummary = None,
    source: Source = None,
) -> None:
    """Change an episode; a moved air date is recorded as news. "" clears a field.

    Example: showtrack edit episode heartstopper --season 2 --number 1 --title "New"
    """
    _one_episode(number, special)
    run = run_for(ctx)
    found = core.find_show(run.db, show)
    fields = _episode_fields(
        title=title, airs=airs, runtime=runtime, summary=summary, source=source
    )
    report = entry.edit_episode(run.store, found, season, number, special, fields=fields, tz=tz)
    report_changes(report, "Updated." if report.written else "Nothing changed.", run)


def _one_episode(number: int | None, special: str | None) -> None:
    if (number is None) == (special is None):
        raise UsageError("Say which episode: --number N, or --special TITLE for a special.")


@add_cli.command("cast")
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
    run = run_for(ctx)
    found = core.find_show(run.db, show)
    fields = {
        "season": season, "actor": actor, "character": character, "note": note,
        "status": status, "source": source,
    }  # fmt: skip
    credit = entry.add_credit(run.store, found, fields=fields)
    render.note(f"Added {credit.actor} to season {credit.season} of {found.title}.")


@edit_cli.command("cast")
@handled
def edit_cast_command(
    ctx: typer.Context,
    show: ShowArg,
    *,
    season: SeasonNo,
    actor: Actor,
    role: Role = None,
    character: Character = None,
    note: Note = None,
    status: CastStatus = None,
    source: Source = None,
) -> None:
    """Change a cast member's role, note or status.

    Example: showtrack edit cast heartstopper --season 2 --actor "Evan Ovenell" --character "Mr. X"
    """
    run = run_for(ctx)
    found = core.find_show(run.db, show)
    fields = {"character": character, "note": note, "status": status, "source": source}
    report = entry.edit_credit(run.store, found, season, actor, fields=fields, role=role)
    report_changes(report, "Updated." if report.written else "Nothing changed.", run)


@add_cli.command("news")
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
        str | None, option("When: 2023-06-01, 'Dec 2022', 2024 [default: undated].", "--date")
    ] = None,
    season: Annotated[
        int | None, typer.Option("--season", "-s", min=0, help="The season it is about.")
    ] = None,
    body: Annotated[str | None, option("More detail.", "--body")] = None,
    source: Source = None,
    url: Annotated[str | None, option("Link to the source.", "--url")] = None,
) -> None:
    """Add a piece of news.

    Example: showtrack add news heartstopper --date 2023-06-01 --kind trailer --headline "Teaser is out" --source Netflix
    """
    run = run_for(ctx)
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


@edit_cli.command("news")
@handled
def edit_news_command(
    ctx: typer.Context,
    show: ShowArg,
    news_id: Annotated[
        str, typer.Argument(metavar="ID", help="The id (or its start) that 'showtrack news' shows.")
    ],
    *,
    headline: Annotated[str | None, option("What happened.", "--headline")] = None,
    kind: Annotated[str | None, option("The kind of news (see 'add news').", "--kind")] = None,
    date: Annotated[str | None, option("When: 2023-06-01, 'Dec 2022', 2024.", "--date")] = None,
    season: Annotated[
        int | None, typer.Option("--season", "-s", min=0, help="The season it is about.")
    ] = None,
    body: Annotated[str | None, option("More detail.", "--body")] = None,
    source: Source = None,
    url: Annotated[str | None, option("Link to the source.", "--url")] = None,
) -> None:
    """Change an announcement; an empty value ("") clears a field. It keeps its id.

    Example: showtrack edit news heartstopper 3f2a9c1b --date 2023-06-02
    """
    run = run_for(ctx)
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


@remove_cli.command("show")
@handled
def remove_show_command(ctx: typer.Context, show: ShowArg, *, yes: YesFlag = False) -> None:
    """Remove a show and everything about it.

    Example: showtrack remove show heartstopper --yes
    """
    run = run_for(ctx)
    plan = entry.plan_removal(run.store.snapshot, "show", core.find_show(run.db, show))
    _confirm_removal(plan, yes)
    render.note(f"Removed {entry.remove(run.store, plan)}.")


@remove_cli.command("season")
@handled
def remove_season_command(
    ctx: typer.Context,
    show: ShowArg,
    number: Annotated[int, typer.Argument(min=0, help="Season number.", show_default=False)],
    *,
    yes: YesFlag = False,
) -> None:
    """Remove a season.

    Example: showtrack remove season heartstopper 3 --yes
    """
    run = run_for(ctx)
    plan = entry.plan_removal(
        run.store.snapshot, "season", core.find_show(run.db, show), season=number
    )
    _confirm_removal(plan, yes)
    render.note(f"Removed {entry.remove(run.store, plan)}.")


@remove_cli.command("episode")
@handled
def remove_episode_command(
    ctx: typer.Context,
    show: ShowArg,
    *,
    season: SeasonNo,
    number: Annotated[
        int | None, typer.Option("--number", min=0, help="Its number.", show_default=False)
    ] = None,
    special: Special = None,
    yes: YesFlag = False,
) -> None:
    """Remove an episode (or a special, by its title).

    Example: showtrack remove episode heartstopper --season 2 --number 8 --yes
    """
    _one_episode(number, special)
    run = run_for(ctx)
    found = core.find_show(run.db, show)
    plan = entry.plan_removal(
        run.store.snapshot, "episode", found, season=season, number=number, special=special
    )
    _confirm_removal(plan, yes)
    render.note(f"Removed {entry.remove(run.store, plan)}.")


@remove_cli.command("cast")
@handled
def remove_cast_command(
    ctx: typer.Context,
    show: ShowArg,
    *,
    season: SeasonNo,
    actor: Actor,
    role: Role = None,
    yes: YesFlag = False,
) -> None:
    """Remove a cast member from a season.

    Example: showtrack remove cast heartstopper --season 2 --actor "Evan Ovenell" --yes
    """
    run = run_for(ctx)
    found = core.find_show(run.db, show)
    plan = entry.plan_removal(
        run.store.snapshot, "cast", found, season=season, actor=actor, role=role
    )
    _confirm_removal(plan, yes)
    render.note(f"Removed {entry.remove(run.store, plan)}.")


@remove_cli.command("news")
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
    """Remove an announcement by id.

    Example: showtrack remove news heartstopper 3f2a9c1b --yes
    """
    run = run_for(ctx)
    found = core.find_show(run.db, show)
    plan = entry.plan_removal(run.store.snapshot, "news", found, announcement=news_id)
    _confirm_removal(plan, yes)
    render.note(f"Removed {entry.remove(run.store, plan)}.")
