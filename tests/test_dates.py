"""Partial dates, WHEN parsing and countdowns: pure functions, literal instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from showtrack.dates import (
    PartialDate,
    countdown,
    format_partial,
    parse_partial,
    parse_when,
    zone,
)
from showtrack.errors import BadDateError, UsageError

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")
ZONES = [KIRITIMATI, LOS_ANGELES, LONDON, UTC]
NOW = datetime(2023, 5, 24, 11, 0, tzinfo=UTC)  # 12:00 BST

# --- parse_partial ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("2024", PartialDate(2024), "year"),
        ("2022-12", PartialDate(2022, 12), "month"),
        ("2023-08-03", PartialDate(2023, 8, 3), "day"),
        ("Dec 2022", PartialDate(2022, 12), "month"),
        ("December 2022", PartialDate(2022, 12), "month"),
        ("3 Aug 2023", PartialDate(2023, 8, 3), "day"),
        ("Aug 3, 2023", PartialDate(2023, 8, 3), "day"),
        ("Thu 3 Aug 2023", PartialDate(2023, 8, 3), "day"),
        ("  3   August   2023 ", PartialDate(2023, 8, 3), "day"),
        ("Sept 2023", PartialDate(2023, 9), "month"),
    ],
)
def test_parse_partial_keeps_precision(text: str, expected: PartialDate, precision: str) -> None:
    parsed = parse_partial(text)
    assert parsed == expected
    assert parsed is not None
    assert parsed.precision == precision


def test_parse_partial_time_with_offset() -> None:
    parsed = parse_partial("2023-08-03T00:00-07:00")
    assert parsed is not None
    assert parsed.precision == "time"
    assert parsed.at == datetime(2023, 8, 3, 7, 0, tzinfo=UTC)
    assert parsed.iso() == "2023-08-03T00:00-07:00"


def test_parse_partial_naive_time_needs_a_zone() -> None:
    with pytest.raises(ValueError, match="offset"):
        parse_partial("2023-08-03T00:00")
    parsed = parse_partial("2023-08-03T00:00", tz="America/Los_Angeles")
    assert parsed is not None
    assert parsed.at == datetime(2023, 8, 3, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", [None, "TBA", "tba", "TBD", "", "  ", "unknown", "Coming soon"])
def test_parse_partial_unknown_is_none(text: str | None) -> None:
    assert parse_partial(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "2023-13-01",
        "2023-00",
        "31 Feb 2023",
        "2023-02-29",
        "The 100",
        "Season 12",
        "2147483648",
        "-2023",
        "2023\x00",
        "20\x0023-08-03",
        "0999",
        "3000",
        "Aug 2023 maybe",
        "x" * 100_000,
        "2023-08-03" + " " * 100_000,
        "1" * 100_000,
    ],
)
def test_parse_partial_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        parse_partial(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (PartialDate(2024), "2024"),
        (PartialDate(2022, 12), "Dec 2022"),
        (PartialDate(2023, 8, 3), "Thu 3 Aug 2023"),
        (None, "TBA"),
    ],
)
def test_display_at_precision(value: PartialDate | None, expected: str) -> None:
    assert format_partial(value) == expected


def test_month_is_never_shown_as_its_first_day() -> None:
    shown = PartialDate(2022, 12).display()
    assert shown == "Dec 2022"
    assert "1" not in shown.split()[0]
    assert PartialDate(2023, 8, 3).display(weekday=False) == "3 Aug 2023"


def test_time_shown_in_the_viewers_zone() -> None:
    # 22:00 in New York on Thursday 23 June 2011 is 03:00 on Friday in London.
    premiere = parse_partial("2011-06-23T22:00", tz="America/New_York")
    assert premiere is not None
    assert premiere.display(LONDON) == "Fri 24 Jun 2011 03:00 BST"
    assert premiere.display(NEW_YORK) == "Thu 23 Jun 2011 22:00 EDT"


def test_zone_rejects_non_iana_names() -> None:
    for name in ["", "Mars/Base", "x" * 200, "Europe/London\x00", "../../etc/passwd"]:
        with pytest.raises(ValueError, match="IANA"):
            zone(name)
    assert zone("Pacific/Kiritimati") == KIRITIMATI


# --- properties ---------------------------------------------------------------------------

years = st.integers(1900, 2999)


@st.composite
def partial_dates(draw: st.DrawFn, *, timed: bool = True) -> PartialDate:
    kinds = ["year", "month", "day", "time"] if timed else ["year", "month", "day"]
    kind = draw(st.sampled_from(kinds))
    day = draw(st.dates(date(1900, 1, 2), date(2999, 12, 30)))
    if kind == "year":
        return PartialDate(day.year)
    if kind == "month":
        return PartialDate(day.year, day.month)
    if kind == "day":
        return PartialDate(day.year, day.month, day.day)
    offset = timezone(timedelta(minutes=draw(st.integers(-14 * 60, 14 * 60))))
    clock = draw(st.times()).replace(second=0, microsecond=0)
    moment = datetime.combine(day, clock, tzinfo=offset)
    return PartialDate(moment.year, moment.month, moment.day, at=moment)


@settings(max_examples=200)
@given(partial_dates())
def test_iso_round_trips(value: PartialDate) -> None:
    again = parse_partial(value.iso())
    assert again == value
    assert again is not None
    assert again.precision == value.precision
    assert again.iso() == value.iso()


@settings(max_examples=200)
@given(partial_dates(timed=False), st.booleans())
def test_display_round_trips(value: PartialDate, weekday: bool) -> None:
    assert parse_partial(value.display(weekday=weekday)) == value


@settings(max_examples=200)
@given(partial_dates(timed=False))
def test_earliest_not_after_latest(value: PartialDate) -> None:
    assert value.earliest() <= value.latest()
    assert value.sort_key()[0] == value.earliest()
    if value.precision == "day":
        assert value.earliest() == value.latest()


@settings(max_examples=200)
@given(partial_dates(), partial_dates())
def test_sort_key_consistent_with_days(a: PartialDate, b: PartialDate) -> None:
    def first_day(value: PartialDate) -> date:
        return value.at.astimezone(UTC).date() if value.at else value.earliest()

    if first_day(a) < first_day(b):
        assert a.sort_key() < b.sort_key()
    if a.at is not None and b.at is not None and a.at < b.at:
        assert a.sort_key() < b.sort_key()
    if a == b:
        assert a.sort_key() == b.sort_key()


def test_sort_puts_a_known_time_before_the_plain_day_and_month() -> None:
    values = [
        PartialDate(2023),
        PartialDate(2023, 8),
        PartialDate(2023, 8, 3),
        parse_partial("2023-08-03T08:00Z"),
    ]
    ordered = sorted(values, key=lambda v: v.sort_key())  # type: ignore[union-attr]
    assert [v.precision for v in ordered] == ["year", "month", "time", "day"]  # type: ignore[union-attr]


instants = st.datetimes(
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=datetime(2026, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@settings(max_examples=200)
@given(
    premiere=partial_dates(),
    start=instants,
    step=st.timedeltas(timedelta(0), timedelta(days=400)),
    tz=st.sampled_from(ZONES),
)
def test_countdown_days_never_increase(
    premiere: PartialDate, start: datetime, step: timedelta, tz: ZoneInfo
) -> None:
    earlier = countdown(premiere, now=start, tz=tz)
    later = countdown(premiere, now=start + step, tz=tz)
    assert earlier.days is not None
    assert later.days is not None
    assert later.days <= earlier.days
    assert earlier.days_max is not None
    assert later.days_max is not None
    assert later.days_max <= earlier.days_max


DST_DAYS = [
    (LONDON, datetime(2023, 3, 26, tzinfo=UTC)),
    (LONDON, datetime(2023, 10, 29, tzinfo=UTC)),
    (LOS_ANGELES, datetime(2023, 3, 12, 6, tzinfo=UTC)),
    (LOS_ANGELES, datetime(2023, 11, 5, 6, tzinfo=UTC)),
]


@pytest.mark.parametrize(("tz", "switch"), DST_DAYS)
def test_countdown_monotonic_over_a_dst_switch(tz: ZoneInfo, switch: datetime) -> None:
    premieres = [
        PartialDate(switch.year, switch.month, switch.day + 1),
        PartialDate(switch.year, switch.month),
        parse_partial(f"{switch.date().isoformat()}T12:00", tz=tz.key),
    ]
    for premiere in premieres:
        previous = None
        for minutes in range(-36 * 60, 36 * 60, 10):
            result = countdown(premiere, now=switch + timedelta(minutes=minutes), tz=tz)
            assert result.days is not None
            if previous is not None:
                assert result.days <= previous, (premiere, minutes)
            previous = result.days


@settings(max_examples=200)
@given(day=st.dates(date(1900, 1, 1), date(2999, 12, 31)), tz=st.sampled_from(ZONES))
def test_parse_when_iso_date_is_start_of_that_day(day: date, tz: ZoneInfo) -> None:
    midnight = datetime.combine(day, time(0), tzinfo=tz)
    assume(
        midnight.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        == midnight.replace(tzinfo=None)
    )  # the day's midnight exists in this zone
    result = parse_when(day.isoformat(), now=NOW, tz=tz, last_check=None)
    assert result == midnight
    assert result.astimezone(tz).date() == day
    assert result.astimezone(tz).time() == time(0)


# --- countdown ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("premiere", "state", "label", "days"),
    [
        (PartialDate(2023, 5, 24), "today", "today", 0),
        (PartialDate(2023, 5, 25), "upcoming", "tomorrow", 1),
        (PartialDate(2023, 8, 3), "upcoming", "in 71 days", 71),
        (PartialDate(2023, 5, 23), "released", "yesterday", -1),
        (PartialDate(2023, 5, 14), "released", "10 days ago", -10),
        (PartialDate(2023, 8), "upcoming", "in 69–99 days", 69),
        (PartialDate(2023, 5), "upcoming", "this month (May 2023)", -23),
        (PartialDate(2024), "upcoming", "sometime in 2024", 222),
        (PartialDate(2023), "upcoming", "this year (2023)", -143),
        (PartialDate(2022, 12), "released", "in Dec 2022", -174),
        (None, "tba", "TBA", None),
    ],
)
def test_countdown_labels(
    premiere: PartialDate | None, state: str, label: str, days: int | None
) -> None:
    result = countdown(premiere, now=NOW, tz=LONDON)
    assert (result.state, result.label, result.days) == (state, label, days)


def test_countdown_month_range_has_both_ends() -> None:
    result = countdown(PartialDate(2023, 8), now=NOW, tz=LONDON)
    assert (result.days, result.days_max) == (69, 99)
    year = countdown(PartialDate(2024), now=NOW, tz=LONDON)
    assert (year.days, year.days_max) == (222, 587)


def test_countdown_day_follows_the_viewers_calendar() -> None:
    # 23:30 UTC on 24 May is already 25 May in Kiritimati (UTC+14) and 24 May in LA.
    late = datetime(2023, 5, 24, 23, 30, tzinfo=UTC)
    premiere = PartialDate(2023, 5, 26)
    assert countdown(premiere, now=late, tz=KIRITIMATI).days == 1
    assert countdown(premiere, now=late, tz=LOS_ANGELES).days == 2


def test_leap_day_counts() -> None:
    now = datetime(2024, 2, 28, 12, tzinfo=LONDON)
    assert countdown(PartialDate(2024, 3, 1), now=now, tz=LONDON).days == 2
    assert countdown(PartialDate(2024, 2, 29), now=now, tz=LONDON).label == "tomorrow"
    assert countdown(PartialDate(2024, 2), now=now, tz=LONDON).days_max == 1


def test_timed_premiere_counts_hours_and_minutes() -> None:
    premiere = parse_partial("2023-08-03T00:00-07:00")  # midnight Pacific
    now = datetime(2023, 8, 1, 9, 30, tzinfo=UTC)
    result = countdown(premiere, now=now, tz=LONDON)
    assert (result.days, result.hours, result.minutes) == (1, 21, 30)
    assert result.label == "in 1 day 21 hours"
    soon = countdown(premiere, now=datetime(2023, 8, 3, 6, 59, 30, tzinfo=UTC), tz=LONDON)
    assert soon.state == "today"
    assert soon.label == "today, in 1 minute"  # rounds up, never "in 0 minutes"
    out = countdown(premiere, now=datetime(2023, 8, 3, 7, 0, tzinfo=UTC), tz=LONDON)
    assert (out.state, out.label) == ("released", "today, out now")


def test_timed_premiere_across_fall_back_counts_25_hours_from_utc_now() -> None:
    # Noon BST Saturday 28 Oct 2023 to noon GMT Sunday 29 Oct is 25 hours.
    premiere = parse_partial("2023-10-29T12:00", tz="Europe/London")
    result = countdown(premiere, now=datetime(2023, 10, 28, 11, 0, tzinfo=UTC), tz=LONDON)
    assert (result.days, result.hours, result.minutes) == (1, 1, 0)
    assert result.label == "tomorrow, in 1 day 1 hour"


def test_timed_premiere_across_fall_back_counts_25_hours_from_local_now() -> None:
    # The same two instants, with ``now`` given in the viewer's zone (as --as-of does):
    # a wall-clock subtraction would say 24 hours.
    premiere = parse_partial("2023-10-29T12:00", tz="Europe/London")
    now = datetime(2023, 10, 28, 12, 0, tzinfo=LONDON)
    assert now == datetime(2023, 10, 28, 11, 0, tzinfo=UTC)
    result = countdown(premiere, now=now, tz=LONDON)
    assert (result.days, result.hours, result.minutes) == (1, 1, 0)
    assert result.label == "tomorrow, in 1 day 1 hour"


# --- parse_when ------------------------------------------------------------------------


def when(text: str, *, last_check: datetime | None = None, tz: ZoneInfo = LONDON) -> datetime:
    return parse_when(text, now=NOW, tz=tz, last_check=last_check)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-04-24", datetime(2023, 4, 24, tzinfo=LONDON)),
        ("24 April 2023", datetime(2023, 4, 24, tzinfo=LONDON)),
        ("2023-04", datetime(2023, 4, 1, tzinfo=LONDON)),
        ("Apr 2023", datetime(2023, 4, 1, tzinfo=LONDON)),
        ("2023", datetime(2023, 1, 1, tzinfo=LONDON)),
        ("April 24, 2023", datetime(2023, 4, 24, tzinfo=LONDON)),
        ("2023-04-24T09:30:00Z", datetime(2023, 4, 24, 9, 30, tzinfo=UTC)),
        ("2023-04-24T09:30+02:00", datetime(2023, 4, 24, 7, 30, tzinfo=UTC)),
        ("2023-04-24T09:30", datetime(2023, 4, 24, 9, 30, tzinfo=LONDON)),
        ("3d", NOW - timedelta(days=3)),
        ("3 days", NOW - timedelta(days=3)),
        ("2w", NOW - timedelta(weeks=2)),
        ("2 weeks ago", NOW - timedelta(weeks=2)),
        ("6 months", datetime(2022, 11, 24, 11, tzinfo=UTC)),
        ("1y", datetime(2022, 5, 24, 11, tzinfo=UTC)),
        ("12h", NOW - timedelta(hours=12)),
        ("yesterday", datetime(2023, 5, 23, tzinfo=LONDON)),
        ("today", datetime(2023, 5, 24, tzinfo=LONDON)),
        ("Yesterday", datetime(2023, 5, 23, tzinfo=LONDON)),
        ("now", NOW),
    ],
)
def test_parse_when_accepts(text: str, expected: datetime) -> None:
    result = when(text)
    assert result == expected
    assert result.tzinfo is not None


def test_parse_when_dates_start_in_the_given_zone() -> None:
    assert when("2023-04-24", tz=KIRITIMATI) == datetime(2023, 4, 23, 10, tzinfo=UTC)
    assert when("2023-04-24", tz=LOS_ANGELES) == datetime(2023, 4, 24, 7, tzinfo=UTC)


def test_parse_when_last() -> None:
    mark = datetime(2023, 5, 1, 8, 15, tzinfo=UTC)
    assert when("last", last_check=mark) == mark
    assert when("last") == datetime(1900, 1, 1, tzinfo=UTC)  # no check yet: the beginning


@pytest.mark.parametrize("text", ["03/04/2025", "3/4/2025", "03.04.2025"])
def test_parse_when_rejects_ambiguous_numeric_dates(text: str) -> None:
    with pytest.raises(BadDateError, match="ambiguous"):
        when(text)


@pytest.mark.parametrize("text", ["03-04-2025", "03 04 2025"])
def test_parse_when_rejects_ambiguous_numeric_dates_with_other_separators(text: str) -> None:
    with pytest.raises(BadDateError):
        when(text)


def test_parse_when_accepts_unambiguous_day_first() -> None:
    assert when("13/04/2025") == datetime(2025, 4, 13, tzinfo=LONDON)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "garbage",
        "next tuesday",
        "April",
        "24 April",
        "12",
        "Season 12",
        "The 100",
        "31 Feb 2023",
        "2023-02-29",
        "TBA",
        "1 2 3",
        "2023-13-01",
        "2023\x00-01-01",
        "x" * 100_000,
        "2023-04-24" * 10_000,
        "99999 years",
        "99999 months",
        "99999 days ago 99999",
    ],
)
def test_parse_when_rejects_with_a_usage_error(text: str) -> None:
    with pytest.raises(BadDateError) as caught:
        when(text)
    assert isinstance(caught.value, UsageError)
    assert caught.value.exit_code == 2
    assert caught.value.message.endswith(".")
    assert len(caught.value.message) < 300
