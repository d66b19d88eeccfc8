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
        old, new = _partial(was), _partial(became)
        before, after = _date_text(old, tz), _date_text(new, tz)
        return f"{label} {_premiere_verb(old, new)}: {before} -> {after}"
    if about.startswith("airs:"):
        old, new = _partial(was), _partial(became)
        what = _episode_label(season, about[5:])
        verb = _premiere_verb(old, new).replace("premiere", "air date")
        return f"{title} {what} {verb}: {_date_text(old, tz)} -> {_date_text(new, tz)}"
    if about == "episodes added":
        return f"{label}: episodes added: {became or 'unknown'}"
    if about == "episodes":
        return f"{label} episode count: {was or 'unknown'} -> {became or 'unknown'}"
    if about.startswith("role:"):
        return f"{label}: {about[5:]}'s role changed: {was or 'unknown'} -> {became or 'unknown'}"
    return f"{label} {about}: {was or 'unknown'} -> {became or 'unknown'}"


def _premiere_verb(old: PartialDate | None, new: PartialDate | None) -> str:
    """'set' from TBA, 'time set' when a day gains its time, 'narrowed' when a month
    or year becomes a day inside it, else 'moved'."""
    if old is None:
        return "premiere set"
    if new is None or new.precision == old.precision:
        return "premiere moved"
    inside = old.earliest() <= new.earliest() and new.latest() <= old.latest()
    if not inside or old.precision == "time":
        return "premiere moved"
    return "premiere time set" if new.precision == "time" else "premiere narrowed"


def _episode_label(season: int | None, subject: str) -> str:
    """'S2E3' for 'E3'; 'a season 2 special' for a special's subject."""
    if subject.startswith("E") and subject[1:].isdigit():
        return f"S{season}{subject}"
    return f"a season {season} special"


def _partial(text: str | None) -> PartialDate | None:
    try:
        return parse_partial(text) if text else None
    except ValueError:
        return None


def _date_text(value: PartialDate | None, tz: tzinfo | None) -> str:
    return format_partial(value, tz, weekday=False)
