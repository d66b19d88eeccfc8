"""The only module that reads the clock or the host's time zone."""

from __future__ import annotations

import os
from datetime import UTC, datetime, tzinfo

from showtrack.errors import UsageError

NOW_ENV = "SHOWTRACK_NOW"
FIRST_YEAR, LAST_YEAR = 1900, 2999  # the years a partial date may have (dates.py)


def now() -> datetime:
    """The current instant as an aware UTC datetime; ``SHOWTRACK_NOW`` replaces it."""
    frozen = os.environ.get(NOW_ENV, "").strip()
    if not frozen:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(frozen.replace("z", "Z"))
    except ValueError:
        raise UsageError(
            f"{NOW_ENV}={frozen!r} is not an ISO 8601 instant; "
            "try e.g. SHOWTRACK_NOW=2023-05-24T12:00:00+01:00."
        ) from None
    if value.tzinfo is None:
        raise UsageError(
            f"{NOW_ENV}={frozen!r} has no UTC offset; add one, e.g. 2023-05-24T12:00:00Z."
        )
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise UsageError(
            f"{NOW_ENV}={frozen!r} is outside the years showtrack counts in "
            f"({FIRST_YEAR} to {LAST_YEAR}); give an instant in that range."
        )
    return moment


def local_zone() -> tzinfo:
    """The viewer's zone (see ``viewer_zone``), without the warning."""
    return viewer_zone()[0]


def viewer_zone() -> tuple[tzinfo, str | None]:
    """The viewer's zone and, when ``TZ`` could not be used, a sentence saying so.

    ``TZ`` may name an IANA zone (``Europe/London``) or be a POSIX rule
    (``CET-1CEST``, ``EST5EDT,M3.2.0,M11.1.0``, read by dateutil as the C library
    reads it); else /etc/localtime, else UTC. Plain ``UTC`` is the stdlib's fixed
    zone, which needs no zone file (README, Performance).
    """
    raw = os.environ.get("TZ", "")
    name = raw.lstrip(":").strip()
    if name == "UTC":
        return UTC, None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if name:
        try:
            return ZoneInfo(name), None
        except (ZoneInfoNotFoundError, ValueError):
            pass
        posix = _posix_rule(name)
        if posix is not None:
            return posix, None
    host = _host_zone()
    if name:
        label = getattr(host, "key", None) or "UTC"
        return host, f"TZ={raw!r} is not a time zone showtrack can use; showing times in {label}."
    return host, None


def _posix_rule(name: str) -> tzinfo | None:
    """A POSIX TZ rule such as CET-1CEST (standard name, offset west of UTC, then an
    optional DST name and rule), through dateutil."""
    import re

    if not re.fullmatch(r"[A-Za-z]{3,}[+-]?\d{1,2}(:\d{2}){0,2}([A-Za-z]{3,}.*)?", name):
        return None
    from dateutil.tz import tzstr

    try:
        rule = tzstr(name, posix_offset=True)
    except (ValueError, TypeError):
        return None
    rule.key = name  # type: ignore[attr-defined]  # shown as an IANA zone shows its key
    return rule


def _host_zone() -> tzinfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        target = ""
    marker = "zoneinfo/"
    if marker in target:
        key = target.split(marker, 1)[1]
        if key == "UTC":
            return UTC
        try:
            return ZoneInfo(key)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return UTC
