"""The only module that reads the clock or the host's time zone."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from showtrack.errors import UsageError

NOW_ENV = "SHOWTRACK_NOW"


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
    return value.astimezone(UTC)


def local_zone() -> ZoneInfo:
    """The viewer's zone: ``TZ`` if it names an IANA zone, else /etc/localtime, else UTC."""
    name = os.environ.get("TZ", "").lstrip(":").strip()
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    link = Path("/etc/localtime")
    try:
        target = str(link.resolve())
    except OSError:
        target = ""
    marker = "zoneinfo/"
    if marker in target:
        try:
            return ZoneInfo(target.split(marker, 1)[1])
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo("UTC")
