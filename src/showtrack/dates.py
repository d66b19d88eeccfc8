"""Partial dates, WHEN parsing and countdown arithmetic. Pure: no clock, no I/O.

A ``PartialDate`` is a date known to the year, the month, the day, or to the
minute with a UTC offset. Unknown (TBA) is ``None`` wherever a date is optional.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from showtrack.errors import BadDateError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

Precision = Literal["year", "month", "day", "time"]

MIN_YEAR = 1900
MAX_YEAR = 2999
MAX_TEXT = 100

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTH_ABBR = tuple(name[:3] for name in MONTH_NAMES)  # English, whatever the locale
MONTHS = {name.lower(): n for n, full in enumerate(MONTH_NAMES, 1) for name in (full, full[:3])}
MONTHS["sept"] = 9

# Patterns are kept as text and compiled by ``re`` on first use (and cached there),
# not at import (README, Performance).
_HEDGE_WORDS = ("coming", "expected", "due", "returns", "premieres", "out")
_HEDGED = r"(?:coming|expected|due|returns|premieres|out)(?: in)? (.+)"
_ISO = r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?"  # 2024, 2022-12 or 2023-08-03


@functools.cache
def _written_forms() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """'3 Aug 2023', 'Aug 3, 2023', 'Dec 2022': compiled on first use (stored dates are ISO)."""
    month = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
    weekday = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
    ordinal = r"(\d{1,2})(?:st|nd|rd|th)?"
    return (
        re.compile(weekday + ordinal + r"\s+(?:of\s+)?" + month + r",?\s+(\d{4})"),
        re.compile(weekday + month + r"\s+" + ordinal + r",?\s+(\d{4})"),
        re.compile(month + r",?\s+(\d{4})"),
    )


_UNKNOWN = {"", "tba", "tbd", "tbc", "unknown", "none", "coming soon", "n/a"}

EXAMPLES = "2023-04-24, '24 April 2023', 3d, 2w, '6 months', yesterday or last"


class PartialDate:
    """A date at its true precision; ``at`` is set only for a known time.

    Immutable, compared and hashed by value. A plain slotted class, not a frozen
    dataclass (README, Performance).
    """

    __slots__ = ("year", "month", "day", "at")
    year: int
    month: int | None
    day: int | None
    at: datetime | None

    def __init__(
        self,
        year: int,
        month: int | None = None,
        day: int | None = None,
        at: datetime | None = None,
    ) -> None:
        setter = object.__setattr__
        setter(self, "year", year)
        setter(self, "month", month)
        setter(self, "day", day)
        setter(self, "at", at)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"PartialDate is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"PartialDate is immutable: cannot delete {name!r}")

    def _key(self) -> tuple[int, int | None, int | None, datetime | None]:
        return (self.year, self.month, self.day, self.at)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"PartialDate(year={self.year!r}, month={self.month!r}, "
            f"day={self.day!r}, at={self.at!r})"
        )

    def __reduce__(self) -> tuple[type[PartialDate], tuple[Any, ...]]:
        return (PartialDate, self._key())

    @property
    def precision(self) -> Precision:
        if self.at is not None:
            return "time"
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    def iso(self) -> str:
        """The stored form: 2024, 2022-12, 2023-08-03 or 2023-08-03T00:00-07:00."""
        if self.at is not None:
            return self.at.isoformat(timespec="minutes")
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def earliest(self) -> date:
        """The first day this date could be (for a time: its day in its own offset)."""
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        """The last day this date could be."""
        if self.day is not None:
            return date(self.year, self.month or 1, self.day)
        month = self.month or 12
        following = date(self.year + 1, 1, 1) if month == 12 else date(self.year, month + 1, 1)
        return following - timedelta(days=1)

    def sort_key(self) -> tuple[date, int, datetime]:
        """Earliest possible day first; on the same day a known time before a plain day."""
        instant = self.at.astimezone(UTC) if self.at is not None else _FAR
        day = self.at.astimezone(UTC).date() if self.at is not None else self.earliest()
        rank = {"time": 0, "day": 1, "month": 2, "year": 3}[self.precision]
        return (day, rank, instant)

    def display(self, tz: tzinfo | None = None, *, weekday: bool = True) -> str:
        """Shown at its precision: '2024', 'Dec 2022', 'Thu 3 Aug 2023', or with a time."""
        prefix = "%a " if weekday else ""
        if self.at is not None:
            local = self.at.astimezone(tz) if tz is not None else self.at
            return f"{local.strftime(prefix)}{local.day} {local:%b %Y %H:%M} {zone_label(local)}"
        if self.day is not None:
            day = self.earliest()
            return f"{day.strftime(prefix)}{day.day} {day:%b %Y}"
        if self.month is not None:
            return f"{MONTH_ABBR[self.month - 1]} {self.year}"
        return str(self.year)


_FAR = datetime.max.replace(tzinfo=UTC)


def zone_label(moment: datetime) -> str:
    """A short name for the zone of an aware datetime: 'BST', 'PDT', or '+05:30'."""
    name = moment.tzname() or ""
    if name and name[0] not in "+-" and name != "UTC":
        return name
    if name == "UTC":
        return "UTC"
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _year(text: str) -> int:
    value = int(text)
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise ValueError(f"year {value} is out of range")
    return value


def _checked(year: int, month: int | None = None, day: int | None = None) -> PartialDate:
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"there is no month {month}")
    if day is not None:
        assert month is not None
        date(year, month, day)  # raises ValueError for 31 Feb and the like
    return PartialDate(year, month, day)


def zone(name: str) -> ZoneInfo:
    """An IANA zone by name, or ValueError with a sentence."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only where a zone is named

    try:
        if not name or len(name) > 64 or "\x00" in name:
            raise ValueError
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not an IANA time zone (e.g. Europe/London)") from None


def viewer_zone_named(name: str) -> ZoneInfo:
    """The zone a user typed (``--tz``), whatever its case; a miss suggests the closest
    zone: "'europe/pari' is not an IANA time zone; did you mean Europe/Paris?"."""
    try:
        return zone(name)
    except ValueError:
        pass
    from zoneinfo import available_timezones

    known = {key.lower(): key for key in available_timezones()}
    wanted = name.strip().lower()
    if wanted in known:
        return zone(known[wanted])
    import difflib

    close = difflib.get_close_matches(wanted, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean {known[close[0]]}?" if close else " (e.g. Europe/London)"
    raise ValueError(f"{name[:64]!r} is not an IANA time zone{hint}")


def parse_partial(text: str | None, *, tz: str | None = None) -> PartialDate | None:
    """Read a partial date; ``None`` means unknown (TBA). Raises ValueError.

    Accepts 2024, 2022-12, 2023-08-03, an ISO date-time with an offset, an ISO
    date-time without one when ``tz`` names its zone, and 'Dec 2022',
    'December 2022', '3 Aug 2023', 'Aug 3, 2023'. It never fills in a missing
    day or month.
    """
    if text is None:
        return None
    if len(text) > MAX_TEXT or "\x00" in text:
        raise ValueError("the date is not readable")
    cleaned = " ".join(text.split())
    lowered = cleaned.lower()
    if lowered in _UNKNOWN:
        return None
    if lowered.startswith(_HEDGE_WORDS) and (match := re.fullmatch(_HEDGED, lowered)):
        cleaned = lowered = match[1]  # "Coming 2026", "expected in March 2025"
    try:
        if match := re.fullmatch(_ISO, cleaned):
            year, month, day = match.groups()
            return _checked(
                _year(year),
                None if month is None else int(month),
                None if day is None else int(day),
            )
        day_month_year, month_day_year, month_year = _written_forms()
        if match := day_month_year.fullmatch(lowered):
            return _checked(_year(match[3]), MONTHS[match[2]], int(match[1]))
        if match := month_day_year.fullmatch(lowered):
            return _checked(_year(match[3]), MONTHS[match[1]], int(match[2]))
        if match := month_year.fullmatch(lowered):
            return _checked(_year(match[2]), MONTHS[match[1]])
        if re.fullmatch(
            r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?", cleaned
        ):
            return _instant(cleaned, tz)
    except ValueError as err:
        raise ValueError(f"{text!r} is not a real date: {err}") from None
    raise ValueError(
        f"{text!r} is not a date; use 2023-08-03, 2022-12, 2024, 'Dec 2022', "
        "an ISO time with an offset, or TBA"
    )


_STORED = re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}[+-]\d{2}:\d{2})?)?)?")


@functools.lru_cache(maxsize=8192)
def parse_stored(text: str) -> PartialDate:
    """A date in the stored form ``iso()`` writes (2024, 2022-12, 2023-08-03 or
    2023-08-03T00:00-07:00), read quickly: a store hands out thousands of them.
    Any other text goes through :func:`parse_partial`. Raises ValueError."""
    if _STORED.fullmatch(text):
        try:
            if len(text) > 10:
                moment = datetime.fromisoformat(text)
                _year(text[:4])
                return PartialDate(moment.year, moment.month, moment.day, at=moment)
            parts = text.split("-")
            return _checked(
                _year(parts[0]),
                int(parts[1]) if len(parts) > 1 else None,
                int(parts[2]) if len(parts) > 2 else None,
            )
        except ValueError as err:
            raise ValueError(f"{text!r} is not a real date: {err}") from None
    found = parse_partial(text)
    if found is None:
        raise ValueError(f"{text!r} is not a date")
    return found


def _instant(text: str, tz: str | None) -> PartialDate:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        if tz is None:
            raise ValueError("a time needs a UTC offset or a time zone")
        moment = moment.replace(tzinfo=zone(tz))
    _year(str(moment.year))
    moment = moment.replace(second=0, microsecond=0)
    return PartialDate(moment.year, moment.month, moment.day, at=moment)


def format_partial(
    value: PartialDate | None, tz: tzinfo | None = None, *, weekday: bool = True
) -> str:
    return "TBA" if value is None else value.display(tz, weekday=weekday)


def iso_or_none(value: PartialDate | None) -> str | None:
    return None if value is None else value.iso()


# --- WHEN -------------------------------------------------------------------

_SPAN = (
    r"(\d{1,5})\s*(h|hrs?|hours?|d|days?|w|wks?|weeks?|mo|mons?|months?|y|yrs?|years?)"
    r"(?:\s+ago)?"
)


def start_of_day(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def parse_when(text: str, *, now: datetime, tz: tzinfo, last_check: datetime | None) -> datetime:
    """Read a WHEN into an aware instant. Raises BadDateError (a usage error).

    Dates mean the start of that day in ``tz``; spans count back from ``now``.
    """
    cleaned = " ".join(text.split()).lower()
    if not cleaned or len(text) > MAX_TEXT or "\x00" in text:
        raise BadDateError(f"Can't read {text[:40]!r} as a date. Try {EXAMPLES}.")
    today = now.astimezone(tz).date()
    if cleaned == "last":
        if last_check is None:  # no check yet: since the beginning, as the first `news` is
            return datetime(MIN_YEAR, 1, 1, tzinfo=UTC)
        return last_check
    if cleaned == "now":
        return now
    named = {"today": 0, "yesterday": 1, "tomorrow": -1}
    if cleaned in named:
        return start_of_day(today - timedelta(days=named[cleaned]), tz)
    if match := re.fullmatch(_SPAN, cleaned):
        try:
            moment = _span_back(now, int(match[1]), match[2])
        except (ValueError, OverflowError):
            moment = None
        if moment is None or moment.year < MIN_YEAR:
            raise BadDateError(f"{text!r} reaches back before {MIN_YEAR}. Try {EXAMPLES}.")
        return moment
    try:
        partial = parse_partial(text)
    except ValueError as err:
        if not re.search(r"[a-z]", cleaned):  # all numbers: ISO, or an unambiguous d/m/y
            return start_of_day(_numeric_date(cleaned, err), tz)
        partial = None
    else:
        if partial is None:
            raise BadDateError(f"{text!r} is not a point in time. Try {EXAMPLES}.")
    if partial is not None:
        if partial.at is not None:
            return partial.at
        return start_of_day(partial.earliest(), tz)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?", text.strip()):
        try:
            return datetime.fromisoformat(text.strip()).replace(tzinfo=tz)
        except ValueError:
            raise BadDateError(f"{text!r} is not a real time. Try {EXAMPLES}.") from None
    return start_of_day(_plain_date(text), tz)


def _span_back(now: datetime, count: int, unit: str) -> datetime:
    from dateutil.relativedelta import relativedelta

    letter = unit[0]
    if unit.startswith("mo"):
        return now - relativedelta(months=count)
    if letter == "y":
        return now - relativedelta(years=count)
    if letter == "w":
        return now - timedelta(weeks=count)
    if letter == "d":
        return now - timedelta(days=count)
    return now - timedelta(hours=count)


def _numeric_date(text: str, problem: ValueError) -> date:
    """'24/04/2023' or '4.24.2023': accepted only when one number can't be a month."""
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if not match:
        raise BadDateError(f"{problem}. Try {EXAMPLES}.")
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    if first <= 12 and second <= 12 and first != second:
        raise BadDateError(
            f"{text!r} is ambiguous (day/month or month/day?). Write it as an ISO date, "
            "e.g. 2023-04-24."
        )
    day, month = (first, second) if first > 12 or first == second else (second, first)
    try:
        return _checked(_year(str(year)), month, day).earliest()
    except ValueError as err:
        raise BadDateError(f"{text!r} is not a real date: {err}.") from None


def _plain_date(text: str) -> date:
    """Any other written date, through dateutil, refusing guesses.

    A date missing its day, month or year is refused (dateutil would fill it in
    from today), and so is an all-number date whose day/month order is unclear.
    """
    message = f"Can't read {text!r} as a date. Try {EXAMPLES}."
    numbers = re.fullmatch(r"\s*(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\s*", text)
    if numbers and int(numbers[1]) <= 12 and int(numbers[2]) <= 12 and numbers[1] != numbers[2]:
        raise BadDateError(
            f"{text!r} is ambiguous (day/month or month/day?). Write it as an ISO date, "
            "e.g. 2023-04-24."
        )
    if not re.search(r"\d", text) or not any(name in text.lower() for name in MONTHS):
        raise BadDateError(message)  # without a month name dateutil could only guess ("The 100")
    from dateutil import parser

    first = datetime(2001, 1, 1)  # noqa: DTZ001 - only the date part is read
    second = datetime(2002, 2, 2)  # noqa: DTZ001
    try:
        one = parser.parse(text, default=first, dayfirst=True)
        two = parser.parse(text, default=second, dayfirst=True)
    except (ValueError, OverflowError, TypeError):
        raise BadDateError(message) from None
    if one.date() != two.date() or one.time() != two.time() or one.tzinfo is not None:
        raise BadDateError(message)
    if not MIN_YEAR <= one.year <= MAX_YEAR:
        raise BadDateError(message)
    return one.date()


# --- countdowns --------------------------------------------------------------

CountdownState = Literal["upcoming", "today", "released", "tba"]


class Countdown(NamedTuple):
    """How far away a premiere is, seen from ``now`` in the viewer's zone."""

    state: CountdownState
    label: str
    days: int | None = None  # whole days to the earliest possible day (negative: past)
    days_max: int | None = None  # to the latest possible day, for a month or year
    hours: int | None = None  # with a known time: hours after the whole days
    minutes: int | None = None  # with a known time: minutes after the hours


def countdown(premiere: PartialDate | None, *, now: datetime, tz: tzinfo) -> Countdown:
    if premiere is None:
        return Countdown("tba", "TBA")
    today = now.astimezone(tz).date()
    if premiere.at is not None:
        return _timed(premiere.at, now=now, tz=tz)
    first = (premiere.earliest() - today).days
    last = (premiere.latest() - today).days
    if premiere.precision == "day":
        if first == 0:
            return Countdown("today", "today", 0, 0)
        if first > 0:
            label = "tomorrow" if first == 1 else f"in {first} days"
            return Countdown("upcoming", label, first, first)
        label = "yesterday" if first == -1 else f"{-first} days ago"
        return Countdown("released", label, first, first)
    when = premiere.display()
    if last < 0:
        return Countdown("released", f"in {when}", first, last)
    if first <= 0:
        label = "this month" if premiere.precision == "month" else "this year"
        return Countdown("upcoming", f"{label} ({when})", first, last)
    if premiere.precision == "month":
        return Countdown("upcoming", f"in {first}–{last} days", first, last)
    return Countdown("upcoming", f"sometime in {when}", first, last)


def _timed(at: datetime, *, now: datetime, tz: tzinfo) -> Countdown:
    days_apart = (at.astimezone(tz).date() - now.astimezone(tz).date()).days
    # Subtract in UTC: Python subtracts two datetimes sharing a tzinfo as wall times,
    # which would hide a DST change (a fall-back day has 25 hours).
    seconds = int((at.astimezone(UTC) - now.astimezone(UTC)).total_seconds())
    if seconds <= 0:
        if days_apart == 0:
            return Countdown("released", "today, out now", 0, 0)
        label = "yesterday" if days_apart == -1 else f"{-days_apart} days ago"
        return Countdown("released", label, days_apart, days_apart)
    minutes_total = -(-seconds // 60)  # round up: never say "0 minutes" before it starts
    days, rest = divmod(minutes_total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if not days and minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    span = "in " + " ".join(parts)
    if days_apart == 0:
        return Countdown("today", f"today, {span}", days, days, hours, minutes)
    if days_apart == 1:
        return Countdown("upcoming", f"tomorrow, {span}", days, days, hours, minutes)
    return Countdown("upcoming", span, days, days, hours, minutes)
