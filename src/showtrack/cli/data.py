"""Data in and out: import, export, calendar, init."""

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from showtrack.cli.common import (
    JsonFlag,
    OptionalShowArg,
    core,
    database_path,
    handled,
    open_store,
    render,
    run_for,
    spoilers,
    sub_typer,
)
from showtrack.errors import ShowtrackError

if TYPE_CHECKING:
    from showtrack.store import Store


import_cli = sub_typer()


@import_cli.command("import")
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

    run = run_for(ctx)
    data = read_path(source)
    origin = "import from stdin" if source == "-" else f"import of {Path(source).name}"
    report = merge(run.store, data, origin=origin)
    titles = {show.slug: show.title for show in run.db.shows()}
    doc = render.merge_doc(report, run.tz, titles) if report.changes or report.withdrawn else None
    doc = doc or report.to_dict()
    if as_json:
        render.emit_json(doc)
    else:
        render.emit(render.merge_view(doc))


def write_output(output: Path | None, data: bytes | Iterable[bytes], store: "Store") -> None:
    """To stdout (no -o, or -o -), or atomically to a regular file that is not one
    of the database's own files; ``data`` is bytes, or blocks of them as they come."""
    from showtrack.store import durable

    blocks = [data] if isinstance(data, bytes) else data
    if output is None or str(output) == "-":
        try:
            for block in blocks:
                sys.stdout.buffer.write(block)
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
        durable.atomic_write(output, blocks)
    except OSError as err:
        raise ShowtrackError(f"Can't write {output}: {err.strerror or err}.") from None


Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file [default: stdout].", dir_okay=False),
]


export_cli = sub_typer()


@export_cli.command("export")
@handled
def export_command(
    ctx: typer.Context, show: OptionalShowArg = None, *, output: Output = None
) -> None:
    """Write shows, seasons, cast and news in the import format (sorted, stable).

    Example: showtrack export heartstopper -o heartstopper.json
    """
    from showtrack.sources.jsonfile import streamed_document

    run = run_for(ctx)
    found = core.find_show(run.db, show) if show is not None else None
    doc = streamed_document(*core.export_dataset(run.db, found))
    write_output(output, _batched(render.json_pieces(doc)), run.store)


def _batched(pieces: Iterator[str], size: int = 1 << 20) -> Iterator[bytes]:
    """Pieces of text as UTF-8 in blocks of about ``size`` bytes (few writes)."""
    block: list[str] = []
    length = 0
    for piece in pieces:
        block.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(block).encode("utf-8")
            block, length = [], 0
    if block:
        yield "".join(block).encode("utf-8")


calendar_cli = sub_typer()


@calendar_cli.command("calendar")
@handled
def calendar_command(
    ctx: typer.Context,
    show: OptionalShowArg = None,
    *,
    output: Output = None,
    milestones: Annotated[
        bool,
        typer.Option("--milestones", help="Also add dated news (filming, trailers...)."),
    ] = False,
    changes: Annotated[
        bool,
        typer.Option("--changes", help="Also add recorded changes (a moved premiere...)."),
    ] = False,
    episodes: Annotated[
        bool,
        typer.Option("--episodes", help="Also add every episode known to the day."),
    ] = False,
) -> None:
    """Write premieres known to the day as an iCalendar (.ics) file.

    Example: showtrack calendar -o premieres.ics
    """
    from showtrack import ics

    run = run_for(ctx)
    found = core.find_show(run.db, show) if show is not None else None
    events, skipped = core.calendar_events(
        run.db,
        found,
        milestones=milestones,
        changes=changes,
        episodes=episodes,
        spoilers=spoilers(ctx),
    )
    name = f"{found.title} premieres" if found else "showtrack premieres"
    result = ics.build(events, name=name, now=run.now, skipped=skipped)
    data = result.data
    if (output is None or str(output) == "-") and sys.stdout.isatty():
        data = data.replace(b"\r\n", b"\n")  # on a screen a CR is a control byte; files keep CRLF
    write_output(output, data, run.store)
    if skipped:
        render.note(
            f"Left out {skipped} premiere{'s' if skipped != 1 else ''} not yet known to the day."
        )


init_cli = sub_typer()


@init_cli.command("init")
@handled
def init_command(
    ctx: typer.Context,
    *,
    empty: Annotated[
        bool, typer.Option("--empty", help="Start with no shows instead of the bundled data.")
    ] = False,
) -> None:
    """Create the database (it is also created on first use).

    Example: showtrack --db new.json init --empty
    """
    from showtrack.models import Dataset
    from showtrack.store import bundled_dataset

    path = database_path(ctx)
    if os.path.lexists(path):
        raise ShowtrackError(f"{path} already exists; it was left as it is.")
    open_store(ctx, seed=Dataset if empty else bundled_dataset)
    render.note(f"Created {path}{' (empty)' if empty else ' from the bundled Heartstopper data'}.")
