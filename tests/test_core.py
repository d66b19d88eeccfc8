"""Use cases over a real store in tmp_path with literal instants."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import NOW_DT
from showtrack import core, store
from showtrack.dates import PartialDate
from showtrack.errors import NotFoundError, ShowNotFoundError
from showtrack.models import Announcement, Dataset, Show

LONDON = ZoneInfo("Europe/London")

# --- find_show --------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["heartstopper", "Heartstopper", "HEART-stopper!", "  heart stopper ", "Heart_Stopper"],
)
def test_find_show_ignores_case_and_punctuation(seeded: store.Store, query: str) -> None:
    assert core.find_show(seeded, query).slug == "heartstopper"


def test_find_show_by_title_and_alias(make_db: Callable[..., Path]) -> None:
    path = make_db(
        {
            "shows": [
                {"slug": "ted-lasso", "title": "Ted Lasso", "aliases": ["Lasso"]},
                {"slug": "the-100", "title": "The 100"},
            ]
        }
    )
    opened = store.Store.open(path, now=NOW_DT)
    assert core.find_show(opened, "ted lasso").slug == "ted-lasso"
    assert core.find_show(opened, "LASSO").slug == "ted-lasso"
    assert core.find_show(opened, "the 100").slug == "the-100"
    assert core.find_show(opened, "The-100").slug == "the-100"


def test_find_show_miss_suggests(seeded: store.Store) -> None:
    with pytest.raises(ShowNotFoundError) as caught:
        core.find_show(seeded, "hartstoper")
    assert "Did you mean heartstopper?" in caught.value.message
    assert caught.value.exit_code == 1


def test_find_show_miss_without_a_close_match_lists_shows(seeded: store.Store) -> None:
    with pytest.raises(ShowNotFoundError, match="heartstopper") as caught:
        core.find_show(seeded, "Doctor Who")
    assert "Doctor Who" in caught.value.message


@pytest.mark.parametrize("query", ["", "!!!", "x" * 10_000])
def test_find_show_odd_queries_are_a_clean_miss(seeded: store.Store, query: str) -> None:
    with pytest.raises(ShowNotFoundError) as caught:
        core.find_show(seeded, query)
    assert len(caught.value.message) < 300


# --- cast -----------------------------------------------------------------------------

RETURNING = [
    "Joe Locke",
    "Kit Connor",
    "William Gao",
    "Yasmin Finney",
    "Corinna Brown",
    "Kizzy Edgell",
    "Tobie Donovan",
    "Sebastian Croft",
    "Rhea Norwood",
    "Jenny Walser",
    "Cormac Hyde-Corrin",
    "Momo Yeung",
]
NEW = ["Leila Khan", "Jack Barton", "Nima Taleghani", "Bradley Riches", "Evan Ovenell"]


def heartstopper(opened: store.Store) -> Show:
    return core.find_show(opened, "heartstopper")


def test_cast_defaults_to_latest_season_with_cast(seeded: store.Store) -> None:
    result = core.cast_of(seeded, heartstopper(seeded))
    assert result.season == 2  # season 3 exists but has no cast yet
    assert [m.credit.actor for m in result.members] == RETURNING + NEW
    assert [m.status for m in result.members] == ["returning"] * 12 + ["new"] * 5


def test_cast_new_only(seeded: store.Store) -> None:
    result = core.cast_of(seeded, heartstopper(seeded), new_only=True)
    assert [m.credit.actor for m in result.members] == NEW


def test_cast_of_a_given_season(seeded: store.Store) -> None:
    result = core.cast_of(seeded, heartstopper(seeded), season=1)
    assert result.season == 1
    assert [(m.credit.actor, m.credit.character) for m in result.members] == [
        ("Joe Locke", "Charlie Spring"),
        ("Kit Connor", "Nick Nelson"),
    ]
    assert [m.status for m in result.members] == [None, None]


def test_cast_of_a_season_without_cast_is_empty(seeded: store.Store) -> None:
    result = core.cast_of(seeded, heartstopper(seeded), season=3)
    assert (result.season, result.members) == (3, [])


def test_cast_of_unknown_season(seeded: store.Store) -> None:
    with pytest.raises(NotFoundError, match="no season 7") as caught:
        core.cast_of(seeded, heartstopper(seeded), season=7)
    assert "1, 2, 3" in caught.value.message
    assert caught.value.exit_code == 1


def test_cast_infers_returning_from_earlier_seasons(make_db: Callable[..., Path]) -> None:
    path = make_db(
        {
            "shows": [
                {
                    "slug": "s",
                    "title": "S",
                    "seasons": [{"number": 1}, {"number": 2}],
                    "credits": [
                        {"season": 1, "actor": "Ann"},
                        {"season": 2, "actor": "Bob"},
                        {"season": 2, "actor": "ann"},
                        {"season": 2, "actor": "Cy", "status": "new"},
                    ],
                }
            ]
        }
    )
    opened = store.Store.open(path, now=NOW_DT)
    result = core.cast_of(opened, core.find_show(opened, "s"))
    assert [(m.credit.actor, m.status) for m in result.members] == [
        ("ann", "returning"),
        ("Cy", "new"),
        ("Bob", None),
    ]


def test_cast_of_show_without_credits(make_db: Callable[..., Path]) -> None:
    opened = store.Store.open(make_db({"shows": [{"slug": "s", "title": "S"}]}), now=NOW_DT)
    result = core.cast_of(opened, core.find_show(opened, "s"))
    assert (result.season, result.members) == (None, [])


# --- countdowns --------------------------------------------------------------------------

MANY = {
    "shows": [
        {
            "slug": "alpha",
            "title": "Alpha",
            "seasons": [
                {"number": 1, "premiere": "2020-01-01", "status": "released"},
                {"number": 2, "premiere": "2023-09", "status": "scheduled"},
                {"number": 3, "premiere": "2023-12-01", "status": "scheduled"},
                {"number": 4, "status": "announced"},
            ],
        },
        {
            "slug": "beta",
            "title": "Beta",
            "timezone": "America/Los_Angeles",
            "seasons": [
                {"number": 1, "status": "released"},
                {"number": 2, "premiere": "2023-06-01T00:00", "status": "scheduled"},
            ],
        },
        {
            "slug": "gamma",
            "title": "Gamma",
            "seasons": [{"number": 1, "premiere": "2024", "status": "announced"}],
        },
    ]
}


def rows_of(result: list[core.Premiere]) -> list[tuple[str, int, str]]:
    return [(row.show.slug, row.season.number, row.countdown.state) for row in result]


def test_countdowns_soonest_first_tba_last(make_db: Callable[..., Path]) -> None:
    opened = store.Store.open(make_db(MANY), now=NOW_DT)
    result = core.countdowns(opened, now=NOW_DT, tz=LONDON)
    assert rows_of(result) == [
        ("beta", 2, "upcoming"),
        ("alpha", 2, "upcoming"),  # only a show's next dated premiere
        ("gamma", 1, "upcoming"),
        ("alpha", 4, "tba"),
    ]
    assert result[0].countdown.label == "in 7 days 20 hours"


def test_countdowns_all_adds_released(make_db: Callable[..., Path]) -> None:
    opened = store.Store.open(make_db(MANY), now=NOW_DT)
    result = core.countdowns(opened, now=NOW_DT, tz=LONDON, include_all=True)
    assert rows_of(result) == [
        ("beta", 1, "released"),
        ("alpha", 1, "released"),
        ("beta", 2, "upcoming"),
        ("alpha", 2, "upcoming"),
        ("alpha", 3, "upcoming"),
        ("gamma", 1, "upcoming"),
        ("alpha", 4, "tba"),
    ]


def test_countdowns_for_one_show(make_db: Callable[..., Path]) -> None:
    opened = store.Store.open(make_db(MANY), now=NOW_DT)
    alpha = core.find_show(opened, "alpha")
    assert rows_of(core.countdowns(opened, now=NOW_DT, tz=LONDON, show=alpha)) == [
        ("alpha", 2, "upcoming"),
        ("alpha", 4, "tba"),
    ]


def test_countdowns_heartstopper(seeded: store.Store) -> None:
    result = core.countdowns(seeded, now=NOW_DT, tz=LONDON)
    assert rows_of(result) == [("heartstopper", 2, "upcoming"), ("heartstopper", 3, "tba")]
    assert result[0].countdown.days == 71
    assert result[0].season.premiere == PartialDate(2023, 8, 3)


def test_countdowns_move_on_once_a_premiere_passes(seeded: store.Store) -> None:
    after = datetime(2023, 8, 4, 9, tzinfo=UTC)
    assert rows_of(core.countdowns(seeded, now=after, tz=LONDON)) == [("heartstopper", 3, "tba")]
    on_the_day = datetime(2023, 8, 3, 9, tzinfo=UTC)
    assert rows_of(core.countdowns(seeded, now=on_the_day, tz=LONDON)) == [
        ("heartstopper", 2, "today"),
        ("heartstopper", 3, "tba"),
    ]


# --- news -------------------------------------------------------------------------------


def _news(opened: store.Store, **kwargs: object) -> core.News:
    """``news`` as the command runs it: read, then record the check it asks for."""
    result = core.news(opened.snapshot, opened.checks(), **kwargs)  # type: ignore[arg-type]
    if result.recorded_check:
        opened.record_check(result.show, result.mark)
    return result


def test_news_first_run_returns_everything_and_records_the_check(seeded: store.Store) -> None:
    first = _news(seeded)
    assert (first.mode, first.last_check, first.recorded_check) == ("new", None, True)
    assert len(first.items) == 12
    assert first.mark == 12
    reopened = store.Store.open(seeded.path, now=NOW_DT)
    mark = reopened.checks().mark()
    assert mark is not None
    assert (mark.seq, mark.at) == (12, NOW_DT)
    second = _news(reopened)
    assert second.items == []
    assert second.last_check == NOW_DT


def test_news_peek_does_not_record(seeded: store.Store) -> None:
    before = seeded.path.read_bytes()
    peek = _news(seeded, record_check=False)
    assert len(peek.items) == 12
    assert peek.recorded_check is False
    assert seeded.path.read_bytes() == before
    assert seeded.checks().mark() is None
    assert len(_news(seeded).items) == 12


def test_news_is_newest_first_undated_last(seeded: store.Store) -> None:
    items = _news(seeded, record_check=False).items
    dates = [item.date.iso() if item.date else None for item in items]
    assert dates[:5] == ["2023-04-24", "2023-04-24", "2022-12", "2022-09-22", "2022-07-08"]
    assert dates[5:] == [None] * 7


def test_news_new_means_committed_after_the_check(make_db: Callable[..., Path]) -> None:
    """An old-dated announcement that arrives later is still new to the fan, even when
    the clock is frozen at the very instant of the check."""
    path = make_db({"shows": [{"slug": "s", "title": "S"}]})
    opened = store.Store.open(path, now=NOW_DT)
    _news(opened)
    old_news = Announcement(
        show="s", kind="other", headline="Old news", date=PartialDate(2001, 1, 1)
    )
    opened.write(lambda snap, now: (store.ChangeSet.of(Dataset(announcements=[old_news])), None))
    result = _news(opened)
    assert [item.headline for item in result.items] == ["Old news"]
    assert _news(opened).items == []


def test_news_since_filters_by_date_and_leaves_out_undated(seeded: store.Store) -> None:
    before = seeded.path.read_bytes()
    result = _news(seeded, since=date(2022, 12, 15))
    assert result.mode == "since"
    assert result.recorded_check is False
    assert [(i.date.iso() if i.date else None, i.kind) for i in result.items] == [
        ("2023-04-24", "synopsis"),
        ("2023-04-24", "release-date"),
        ("2022-12", "filming-wrapped"),  # December 2022 may be on/after the 15th
    ]
    assert seeded.path.read_bytes() == before  # --since records no check
    assert seeded.checks().mark() is None


def test_news_since_boundary_day_is_included(seeded: store.Store) -> None:
    on = _news(seeded, since=date(2023, 4, 24))
    assert {i.kind for i in on.items} == {"release-date", "synopsis"}
    after = _news(seeded, since=date(2023, 4, 25))
    assert after.items == []
    everything = _news(seeded, since=date(2000, 1, 1))
    assert len(everything.items) == 5


def test_news_per_show_check_does_not_hide_other_shows(make_db: Callable[..., Path]) -> None:
    path = make_db(
        {
            "shows": [
                {"slug": "a", "title": "A", "announcements": [{"kind": "other", "headline": "A1"}]},
                {"slug": "b", "title": "B", "announcements": [{"kind": "other", "headline": "B1"}]},
            ]
        }
    )
    opened = store.Store.open(path, now=NOW_DT - timedelta(days=1))
    _news(opened, show=core.find_show(opened, "a"))
    rest = _news(opened)
    assert {item.headline for item in rest.items} == {"B1"}


# --- timeline ------------------------------------------------------------------------


def test_timeline_is_chronological_with_the_premiere(seeded: store.Store) -> None:
    events = core.timeline(seeded, heartstopper(seeded))
    assert [(e.date.iso(), e.kind) for e in events] == [
        ("2022-07-08", "casting-call"),
        ("2022-09-22", "filming-started"),
        ("2022-12", "filming-wrapped"),
        ("2023-04-24", "release-date"),
        ("2023-04-24", "synopsis"),
        ("2023-08-03", "premiere"),
    ]
    keys = [e.date.sort_key() for e in events]
    assert keys == sorted(keys)
    assert events[-1].season == 2


def test_timeline_premiere_first_on_the_same_day(make_db: Callable[..., Path]) -> None:
    path = make_db(
        {
            "shows": [
                {
                    "slug": "s",
                    "title": "S",
                    "seasons": [{"number": 1, "premiere": "2023-08-03"}],
                    "announcements": [
                        {"kind": "trailer", "headline": "Trailer", "date": "2023-08-03"},
                        {"kind": "other", "headline": "Undated"},
                        {"kind": "other", "headline": "Year", "date": "2023"},
                    ],
                }
            ]
        }
    )
    opened = store.Store.open(path, now=NOW_DT)
    events = core.timeline(opened, core.find_show(opened, "s"))
    assert [(e.date.iso(), e.kind) for e in events] == [
        ("2023", "other"),
        ("2023-08-03", "premiere"),
        ("2023-08-03", "trailer"),
    ]


# --- show overview -----------------------------------------------------------------


def test_shows_overview_and_detail(seeded: store.Store) -> None:
    (summary,) = core.shows_overview(seeded, now=NOW_DT, tz=LONDON)
    assert [s.number for s in summary.seasons] == [1, 2, 3]
    assert summary.next is not None
    assert summary.next.season.number == 2
    detail = core.show_detail(seeded, heartstopper(seeded), now=NOW_DT, tz=LONDON)
    assert detail.news_count == 12
    assert len(detail.latest_news) == 5
    assert detail.latest_news[0].date == PartialDate(2023, 4, 24)
