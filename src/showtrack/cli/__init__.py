"""The command line: one Typer app whose commands are built when they are used.

Each command (or group of commands) lives in the module of its kind (``read``,
``hand``, ``data``, ``sources``) as its own small Typer. The root group is a
:class:`LazyGroup`, Click's documented hooks (``list_commands``, ``get_command``,
``format_commands``, ``shell_complete``, ``resolve_command``, ``main``) over a table of
names, so `showtrack countdown` imports and builds only `countdown`, the root
``--help`` and the completion of command names import nothing, and the tests run
exactly the tree users run. This package is the only place that exits.
"""

import difflib
import importlib
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NamedTuple

import typer
import typer.main
from typer.core import TyperGroup

from showtrack import __version__
from showtrack.cli.common import LATE, remember_flag, remember_late
from showtrack.paths import DB_ENV


class Lazy(NamedTuple):
    module: str  # under showtrack.cli, imported on first use
    attr: str  # the Typer in that module
    summary: str  # the command's one-line help (a test checks it against the command's own)


COMMANDS: dict[str, Lazy] = {
    "shows": Lazy("read", "shows_cli", "List the tracked shows with their seasons and next premiere."),
    "show": Lazy("read", "show_cli", "One show: facts, seasons, synopses and the latest news."),
    "cast": Lazy("read", "cast_cli", "Who is in it: actor, character, note, and returning or new."),
    "countdown": Lazy(
        "read", "countdown_cli", "How long until it's out: upcoming premieres, soonest first, TBA last."
    ),
    "news": Lazy("read", "news_cli", "What happened since you last looked (then records this check)."),
    "timeline": Lazy("read", "timeline_cli", "Every dated milestone of a show, oldest first."),
    "episodes": Lazy("read", "episodes_cli", "A season's episodes with their air times, premiere and finale marked."),
    "add": Lazy("hand", "add_cli", "Add a show, season, episode, cast member or piece of news by hand."),
    "edit": Lazy("hand", "edit_cli", "Change a show, season, episode, cast member or announcement."),
    "remove": Lazy("hand", "remove_cli", "Remove a show, season, episode, cast member or announcement."),
    "import": Lazy("data", "import_cli", "Merge shows, seasons, cast and news from files in the export format."),
    "export": Lazy("data", "export_cli", "Write shows, seasons, cast and news in the import format (sorted, stable)."),
    "calendar": Lazy("data", "calendar_cli", "Write premieres known to the day as an iCalendar (.ics) file."),
    "init": Lazy("data", "init_cli", "Create the database (it is also created on first use)."),
    "search": Lazy("sources", "search_cli", "Look a show up on TVmaze, to follow it with 'showtrack add show --tvmaze ID'."),
    "feed": Lazy("sources", "feed_cli", "Follow news feeds (RSS/Atom) for a show."),
    "sync": Lazy("sources", "sync_cli", "Update linked shows from TVmaze and read followed feeds."),
    "notify": Lazy("notify", "notify_cli", "Be told without asking: news and airing reminders sent through Apprise."),
}  # fmt: skip


class LazyGroup(TyperGroup):
    """The root group: commands come from COMMANDS and are built on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDS]

    def get_command(self, ctx: Any, name: str) -> Any:
        command = super().get_command(ctx, name)  # self.commands is the cache
        if command is not None or name not in COMMANDS:
            return command
        spec = COMMANDS[name]
        module = importlib.import_module(f"showtrack.cli.{spec.module}")
        command = typer.main.get_command(getattr(module, spec.attr))
        command.name = name
        _accept_global_options(command)
        self.commands[name] = command
        return command

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The root help lists the commands from the table, importing none of them."""
        rows = [(name, COMMANDS[name].summary) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        """Command names for shell completion from the table too (TyperGroup's own would
        build every command that matches)."""
        from typer._click.shell_completion import CompletionItem  # typer exports no alias

        names = [
            CompletionItem(name, help=spec.summary)
            for name, spec in COMMANDS.items()
            if name.startswith(incomplete)
        ]
        return names + super(TyperGroup, self).shell_complete(ctx, incomplete)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """'Did you mean' from every command's name, not only the ones built so far."""
        try:
            return super().resolve_command(ctx, args)
        except Exception as err:  # typer's UsageError, which typer does not export
            message = getattr(err, "message", None)
            if args and isinstance(message, str) and "Did you mean" not in message:
                close = difflib.get_close_matches(args[0], self.list_commands(ctx), n=1)
                if close:
                    err.message = f"{message.rstrip('.')}. Did you mean {close[0]!r}?"  # type: ignore[attr-defined]
            raise

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Usage errors as two plain lines (what is wrong, what to type) and exit 2."""
        if not kwargs.get("standalone_mode", True):
            return super().main(*args, **kwargs)
        kwargs["standalone_mode"] = False
        argv = list(args[0] if args and args[0] is not None else kwargs.get("args") or sys.argv[1:])
        try:
            code = super().main(*args, **kwargs)
        except Exception as err:
            if not hasattr(err, "format_message") or not hasattr(err, "exit_code"):
                raise
            usage_error(err, self._command_path(argv))
        sys.exit(code if isinstance(code, int) else 0)

    def _command_path(self, argv: list[str]) -> str:
        """'showtrack news' or 'showtrack add show': the command the words name, for the
        'Try ... --help' line (a parser error does not always know its command)."""
        words, skip = [], False
        for word in argv:
            if skip:
                skip = False
            elif word == "--db":
                skip = True
            elif not word.startswith("-"):
                words.append(word)
        path = ["showtrack"]
        group: Any = self
        for word in words[:2]:
            commands = getattr(group, "commands", {})
            if word not in commands and not (group is self and word in COMMANDS):
                break
            path.append(word)
            group = commands.get(word)
        return " ".join(path)


def usage_error(err: Any, where: str = "showtrack") -> None:
    """One line saying what is wrong, one saying what to type; exit 2 (1 for an abort)."""
    from showtrack import render

    context = getattr(err, "ctx", None)
    if context is not None and len(context.command_path.split()) >= len(where.split()):
        where = context.command_path
    message = err.format_message()
    if type(err).__name__ == "Abort" or not message:
        sys.exit(1)
    if type(err).__name__ == "NoArgsIsHelpError":  # `showtrack add`: its help, as for `showtrack`
        sys.stderr.write(message.rstrip("\n") + "\n")
        sys.exit(2)
    render.error(message[0].upper() + message[1:] if message else message)
    sys.stderr.write(f"Try '{where} --help'.\n")
    sys.exit(err.exit_code if isinstance(err.exit_code, int) else 2)


def _accept_global_options(command: Any) -> None:
    """Let `showtrack countdown --db x` mean `showtrack --db x countdown`, down the tree."""
    taken = {name for param in command.params for name in param.opts}
    command.params.extend(p for p in _global_options() if not taken & set(p.opts))
    for sub in getattr(command, "commands", {}).values():
        _accept_global_options(sub)


_late = typer.Typer(add_completion=False, rich_markup_mode=None)


@_late.command()
def _late_options(  # never run: typer turns its parameters into the options given above
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            metavar="PATH",
            help="Database file (also accepted before the command).",
            callback=remember_late,
            expose_value=False,
            show_default=False,
        ),
    ] = None,
    no_spoilers: Annotated[
        bool,
        typer.Option(
            "--no-spoilers",
            help="Hide episode titles and synopses (also SHOWTRACK_SPOILERS=off).",
            callback=remember_flag,
            expose_value=False,
        ),
    ] = False,
) -> None: ...


def _global_options() -> list[Any]:
    params: list[Any] = typer.main.get_command(_late).params
    return params


app = typer.Typer(
    cls=LazyGroup,
    name="showtrack",
    help="A fan tracker for TV shows: who is in it, how long until it's out, what's new.",
    invoke_without_command=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar=DB_ENV,
            metavar="PATH",
            help="Database file [default: showtrack.json in your user data folder].",
            show_default=False,
        ),
    ] = None,
    no_spoilers: Annotated[
        bool,
        typer.Option(
            "--no-spoilers",
            help="Hide episode titles, episode summaries and season synopses everywhere "
            "(also SHOWTRACK_SPOILERS=off).",
        ),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", help="Show the version and the database in use.")
    ] = False,
) -> None:
    """A fan tracker for TV shows: who is in it, how long until it's out, what's new.

    The database starts from the bundled Heartstopper data. SHOWTRACK_NOW
    (an ISO instant) replaces the clock; NO_COLOR gives plain output.
    """
    if version:
        from showtrack.cli.common import database_path

        typer.echo(f"showtrack {__version__}\ndatabase: {database_path(ctx)}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None and not ctx.resilient_parsing:
        typer.echo(ctx.get_help(), err=True)  # no command: the help, as a usage error
        raise typer.Exit(2)


__all__ = ["COMMANDS", "LATE", "app", "main"]


def main() -> None:
    """The console entry point (through launch.py, which took Ctrl-C over first).

    It ends with os._exit after flushing: freeing every record of a big database
    one by one costs time for nothing (README, Performance).
    """
    code: int = 0
    try:
        app(prog_name="showtrack")
    except SystemExit as done:
        if isinstance(done.code, int):
            code = done.code
        elif done.code is not None:
            sys.stderr.write(f"{done.code}\n")
            code = 1
    except BrokenPipeError:  # e.g. `showtrack news | head`: the reader has gone
        code = 0
    except KeyboardInterrupt:  # only when run without the launcher's handler
        from showtrack import render
        from showtrack.launch import interrupted_line

        render.error(interrupted_line())
        code = 130
    except Exception as err:  # a bug: one line, no traceback (SHOWTRACK_DEBUG=1 shows it)
        if os.environ.get("SHOWTRACK_DEBUG"):
            raise
        from showtrack import render
        from showtrack.launch import interrupted_line

        kept = (
            "the database is as it was"
            if "as it was" in interrupted_line()
            else "what it had saved before is kept"
        )
        render.error(
            f"Internal error ({type(err).__name__}); {kept}. "
            "Please report it; SHOWTRACK_DEBUG=1 shows the details."
        )
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe, a full disk: already reported, or moot
            pass
    os._exit(code)
