"""The words of a change announcement, from what changed and its two values.

A change is stored as data: what changed (``about``), the value before (``was``)
and after (``became``), in their stored forms (ISO dates and instants with their
offsets). The headline is rendered from them, in the viewer's zone when a time is
shown, so the same change reads right in London and in Tokyo.
"""

from datetime import tzinfo

from showtrack.dates import PartialDate, format_partial, parse_partial


def change_headline(
    title: str,
    season: int | None,
    about: str,
    was: str | None,
    became: str | None,
    tz: tzinfo | None = None,
) -> str:
    """'Heartstopper season 2 premiere moved: 3 Aug 2023 -> 10 Aug 2023' and the like."""
    label = title if season is None else f"{title} season {season}"
    if about == "premiere":
        before, after = _date_text(_partial(was), tz), _date_text(_partial(became), tz)
        verb = "premiere set" if was is None else "premiere moved"
        return f"{label} {verb}: {before} -> {after}"
    if about == "episodes":
        return f"{label} episode count: {was or 'unknown'} -> {became or 'unknown'}"
    if about.startswith("role:"):
        return f"{label}: {about[5:]}'s role changed: {was or 'unknown'} -> {became or 'unknown'}"
    return f"{label} {about}: {was or 'unknown'} -> {became or 'unknown'}"


def _partial(text: str | None) -> PartialDate | None:
    try:
        return parse_partial(text) if text else None
    except ValueError:
        return None


def _date_text(value: PartialDate | None, tz: tzinfo | None) -> str:
    return format_partial(value, tz, weekday=False)
