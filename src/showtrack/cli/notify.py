"""Notifications through Apprise: notify add, list, remove, test and run.

Apprise is imported by these commands only (through showtrack.deliver).
"""

from typing import TYPE_CHECKING, Annotated

import typer

from showtrack.cli.common import (
    JsonFlag,
    TzOpt,
    core,
    handled,
    lock_wait,
    output,
    render,
    run_for,
    spoilers,
    sub_typer,
)
from showtrack.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from showtrack.models import Target
    from showtrack.store import Snapshot
    from showtrack.store.targets import Targets

notify_cli = sub_typer(
    name="notify",
    help="Be told without asking: news and airing reminders sent through Apprise.",
    no_args_is_help=True,
)

TargetArg = Annotated[
    int, typer.Argument(metavar="ID", help="The target's id (see 'showtrack notify list').")
]


@notify_cli.command("add")
@handled
def notify_add_command(
    ctx: typer.Context,
    url: Annotated[
        str,
        typer.Argument(
            metavar="URL",
            help="An Apprise URL, e.g. ntfy://ntfy.sh/TOPIC or mailto://user:pass@example.org.",
            show_default=False,
        ),
    ],
    *,
    shows: Annotated[
        list[str] | None,
        typer.Option(
            "--show",
            metavar="SHOW",
            help="Only news and airings of this show (repeat for several).",
            show_default=False,
        ),
    ] = None,
    kinds: Annotated[
        str | None,
        typer.Option(
            "--kinds",
            metavar="KINDS",
            help="Only these kinds of news, comma-separated, e.g. release-date,renewal,change "
            "(all; none for reminders only) [default: all].",
            show_default=False,
        ),
    ] = None,
    remind: Annotated[
        str | None,
        typer.Option(
            "--remind",
            metavar="OFFSETS",
            help="Remind this long before a premiere or an episode airs, e.g. 1d,1h "
            "(w, d, h, m) [default: none].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Send news (and airing reminders) to an Apprise URL from now on.

    The URL is kept in <db>.notify (mode 0600), never in an export; its secrets are
    masked in every output. Adding a URL already set changes what it gets and keeps
    what it was sent.

    Example: showtrack notify add ntfy://ntfy.sh/my-shows --kinds release-date,change --remind 1d
    """
    from showtrack import deliver, notify
    from showtrack.models import Target

    try:
        wanted_kinds = notify.parse_kinds(kinds) if kinds is not None else None
        offsets = notify.parse_offsets(remind) if remind is not None else ()
    except ValueError as err:
        raise UsageError(f"{'--kinds' if 'kind' in str(err) else '--remind'}: {err}.") from None
    shown = deliver.check(url)
    run = run_for(ctx)
    slugs = tuple(dict.fromkeys(core.find_show(run.db, name).slug for name in shows or []))

    def decide(snapshot: "Snapshot", current: "Targets") -> tuple["Targets", tuple[Target, bool]]:
        old = next((item for item in current.targets if item.url == url), None)
        if old is not None:
            new = old._replace(shows=slugs, kinds=wanted_kinds, remind=offsets)
            items = tuple(new if item.id == old.id else item for item in current.targets)
            return current._replace(targets=items), (new, False)
        new = Target(current.next_id, url, slugs, wanted_kinds, offsets, snapshot.last_seq)
        return current._replace(targets=(*current.targets, new), next_id=current.next_id + 1), (
            new,
            True,
        )

    target, added = run.store.change_targets(decide)
    verb = "Added" if added else "Updated"
    render.note(
        f"{verb} target {target.id}: {shown}. News from now on is sent by "
        "'showtrack notify run' (see 'showtrack notify test')."
    )


@notify_cli.command("list")
@handled
def notify_list_command(ctx: typer.Context, *, as_json: JsonFlag = False) -> None:
    """The notification targets, their secrets masked.

    Example: showtrack notify list
    """
    from showtrack import deliver

    run = run_for(ctx)
    items = list(run.store.targets().targets)
    masks = {item.id: deliver.masked(item.url) for item in items}
    titles = {show.slug: show.title for show in run.db.shows()}
    output(as_json, render.targets_doc(items, masks, titles), render.targets_view)


@notify_cli.command("remove")
@handled
def notify_remove_command(ctx: typer.Context, target_id: TargetArg) -> None:
    """Stop sending to a target.

    Example: showtrack notify remove 1
    """
    from showtrack import deliver

    run = run_for(ctx)

    def decide(snapshot: "Snapshot", current: "Targets") -> tuple["Targets", "Target"]:
        del snapshot
        found = current.get(target_id)
        if found is None:
            raise NotFoundError(_no_target(target_id))
        kept = tuple(item for item in current.targets if item.id != target_id)
        return current._replace(targets=kept), found

    gone = run.store.change_targets(decide)
    render.note(f"Removed target {gone.id}: {deliver.masked(gone.url)}.")


def _no_target(target_id: int) -> str:
    return f"No notification target {target_id}: see 'showtrack notify list'."


@notify_cli.command("test")
@handled
def notify_test_command(
    ctx: typer.Context,
    target_id: Annotated[
        int | None,
        typer.Argument(metavar="[ID]", help="Only this target [default: every one]."),
    ] = None,
) -> None:
    """Send a test message (nothing is recorded as sent).

    Example: showtrack notify test
    """
    from showtrack import deliver

    run = run_for(ctx)
    items = [t for t in run.store.targets().targets if target_id in (None, t.id)]
    if not items:
        raise NotFoundError(_no_target(target_id) if target_id is not None else _none_set())
    failed = 0
    for item in items:
        shown = deliver.masked(item.url)
        error = deliver.send(
            item.url, "showtrack test", f"showtrack can reach target {item.id} ({shown})."
        )
        if error is None:
            render.note(f"Target {item.id}: test message sent to {shown}.")
        else:
            failed += 1
            render.error(f"Target {item.id} ({shown}) failed: {error}.")
    if failed:
        raise typer.Exit(1)


def _none_set() -> str:
    return "No notification target is set: add one with 'showtrack notify add URL'."


@notify_cli.command("run")
@handled
def notify_run_command(
    ctx: typer.Context,
    target_id: Annotated[
        int | None,
        typer.Argument(metavar="[ID]", help="Only this target [default: every one]."),
    ] = None,
    *,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only errors (for cron).")
    ] = False,
    tz: TzOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Send each target the news it has not been sent and the reminders now due.

    A target's news is recorded as sent only once Apprise reports it delivered, so
    a target that fails gets it on the next run; a reminder is sent once. Exits 1
    when any target failed (one line each, masked); the others are sent.

    Example: showtrack sync --quiet; showtrack notify run --quiet
    """
    from showtrack import deliver

    run = run_for(ctx, tz)
    if target_id is not None and run.store.targets().get(target_id) is None:
        raise NotFoundError(_no_target(target_id))
    results = deliver.run(
        run.store,
        now=run.now,
        tz=run.tz,
        spoilers=spoilers(ctx),
        wait=lock_wait(),
        only=target_id,
    )
    if as_json:
        output(True, render.notify_doc(results), render.notify_view)
    elif not quiet:
        output(False, render.notify_doc(results), render.notify_view)
    failed = [item for item in results if item.error is not None]
    for item in failed:
        render.error(
            f"Target {item.id} ({item.target}) failed: {item.error}. "
            "What it was not sent is sent on the next run."
        )
    if failed:
        raise typer.Exit(1)
