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
    """The viewer's zone: ``TZ`` if it names an IANA zone, else /etc/localtime, else UTC.

    Plain ``UTC`` is the stdlib's fixed zone, which needs no zone file (see the
    README's Performance section for why that matters).
    """
    name = os.environ.get("TZ", "").lstrip(":").strip()
    if name == "UTC":
        return UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
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
