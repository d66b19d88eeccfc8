"""`news --since` scans the unparsed news for dated records, and `news` for records
recorded after the last check; each must find exactly what parsing everything
finds, whatever the text of the records holds. Recording a check copies the
unparsed news into the new file; it must be the file a full rewrite writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from showtrack import store
from showtrack.dates import PartialDate
from showtrack.merge import merge
from showtrack.models import Announcement, Show
from showtrack.sources.jsonfile import Dataset

NOW = datetime(2023, 5, 24, 11, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def scan_any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan runs only on a news table of 256 KiB or more; these tables are small."""
    monkeypatch.setattr(store, "SCAN_FROM", 0)


TRICKY = [
    '"date":"2099-01-01"',
    '"recorded_at":"2099-01-01T00:00:00.000000+00:00"',
    '{"id":"z","recorded_at":"2099-12-31T00:00:00.000000+00:00"}',
    '{"id":"x","date":"2099-12-31"}',
    '},"7":{"id":"y","date":"2099-01-01"',
    "back\\slash\\",
    '\\"date\\":\\"2099\\"',
    "}}",
    "ünïcødé ✨ 日本語",
]

dates = st.one_of(
    st.none(),
    st.builds(PartialDate, st.integers(2019, 2025)),
    st.builds(PartialDate, st.integers(2019, 2025), st.integers(1, 12)),
    st.builds(PartialDate, st.integers(2019, 2025), st.integers(1, 12), st.integers(1, 28)),
)
texts = st.one_of(st.sampled_from(TRICKY), st.text(max_size=30))
items = st.lists(st.tuples(dates, texts, texts), max_size=40)


def build(tmp: Path, rows: list[tuple[PartialDate | None, str, str]]) -> Path:
    path = tmp / f"db-{abs(hash(repr(rows)))}.json"
    if path.exists():
        path.unlink()
    shows = [Show("one", "One"), Show("two", "Two")]
    news = [
        Announcement(
            show=("one", "two")[index % 2],
            kind="other",
            headline=f"{index} {headline}",
            date=date,
            body=body or None,
        )
        for index, (date, headline, body) in enumerate(rows)
    ]
    store.Store.open(path, now=NOW, seed=lambda: Dataset(shows=shows, announcements=news))
    return path


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=items, day=st.sampled_from(["2019-01-01", "2021-06-15", "2023-05-24", "2026-01-01"]))
def test_scan_finds_what_a_full_parse_finds(tmp_path: Path, rows: list, day: str) -> None:
    path = build(tmp_path, rows)
    scanned = store.Store.open(path, now=NOW)
    assert scanned.loaded.news is not None  # nothing parsed yet
    fast = scanned.announcements(dated_from=day)
    full = store.Store.open(path, now=NOW)
    full.raw  # noqa: B018 - parse the whole news table first
    slow = full.announcements(dated_from=day)
    assert sorted(a.id for a in fast) == sorted(a.id for a in slow)
    assert sorted(fast, key=lambda a: a.id) == sorted(slow, key=lambda a: a.id)
    by_show = scanned.announcements("two", dated_from=day)
    assert sorted(a.id for a in by_show) == sorted(a.id for a in slow if a.show == "two")


def test_scan_gives_way_to_a_full_parse_on_another_layout(tmp_path: Path) -> None:
    path = build(tmp_path, [(PartialDate(2024, 1, 2), "a", "b")])
    text = path.read_text(encoding="utf-8")
    # the same record with its keys in another order: the scan must not guess
    reordered = text.replace('{"id":', '{"zz":0,"id":')
    path.write_text(reordered, encoding="utf-8")
    opened = store.Store.open(path, now=NOW)
    found = opened.announcements(dated_from="2023-01-01")
    assert [a.headline for a in found] == ["0 a"]


def build_in_two_goes(
    tmp: Path,
    first: list[tuple[PartialDate | None, str, str]],
    second: list[tuple[PartialDate | None, str, str]],
) -> Path:
    """Records of ``first`` recorded at NOW, those of ``second`` an hour later."""
    path = build(tmp, first)
    later = [
        Announcement(
            show="two",
            kind="rumor",
            headline=f"later {index} {headline}",
            date=date,
            body=body or None,
        )
        for index, (date, headline, body) in enumerate(second)
    ]
    merge(
        store.Store.open(path, now=NOW),
        Dataset(announcements=later),
        now=NOW + timedelta(hours=1),
        origin="test",
    )
    return path


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=items,
    second=items,
    mark=st.sampled_from([NOW - timedelta(days=1), NOW, NOW + timedelta(minutes=30)]),
    day=st.sampled_from([None, "2021-06-15"]),
)
def test_recorded_scan_finds_what_a_full_parse_finds(
    tmp_path: Path, first: list, second: list, mark: datetime, day: str | None
) -> None:
    path = build_in_two_goes(tmp_path, first, second)
    scanned = store.Store.open(path, now=NOW)
    assert scanned.loaded.news is not None  # nothing parsed yet
    fast = scanned.announcements(recorded_after=mark, dated_from=day)
    full = store.Store.open(path, now=NOW)
    full.raw  # noqa: B018 - parse the whole news table first
    slow = full.announcements(recorded_after=mark, dated_from=day)
    assert sorted(fast, key=lambda a: a.id) == sorted(slow, key=lambda a: a.id)
    if day is None:  # not vacuous: the scan had records to find, or to leave out
        assert len(slow) == len(second) + (len(first) if mark < NOW else 0)
    by_show = scanned.announcements("one", recorded_after=mark)
    assert sorted(a.id for a in by_show) == sorted(
        a.id for a in full.announcements("one", recorded_after=mark)
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=items, show=st.sampled_from([None, "one"]))
def test_recording_a_check_writes_what_a_full_rewrite_writes(
    tmp_path: Path, rows: list, show: str | None
) -> None:
    path = build(tmp_path, rows)
    copy = path.with_name(path.name + ".copy")
    copy.write_bytes(path.read_bytes())
    later = NOW + timedelta(days=1)

    kept = store.Store.open(path, now=later)
    with kept.writing(news=False) as tables:
        tables.set_check(show, later)
    assert "announcements" not in kept.loaded.raw  # the news was copied, never parsed
    rewritten = store.Store.open(copy, now=later)
    with rewritten.writing() as tables:
        tables.set_check(show, later)

    assert path.read_bytes() == copy.read_bytes()
    again = store.Store.open(path, now=later)
    assert again.last_check(show) == later
    assert sorted(a.id for a in again.announcements()) == sorted(
        a.id for a in rewritten.announcements()
    )
    # the store that wrote keeps working on what it wrote
    assert sorted(a.id for a in kept.announcements()) == sorted(a.id for a in again.announcements())


def test_a_small_news_table_is_parsed_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "SCAN_FROM", store.SMALL_JSON)
    path = build(tmp_path, [(PartialDate(2024, 1, 2), "a", "b")])
    opened = store.Store.open(path, now=NOW)
    news = opened.loaded.news
    assert news is not None
    assert store._dated_records(news(), "2020-01-01") is None  # the caller parses it whole
    assert [a.headline for a in opened.announcements(dated_from="2020-01-01")] == ["0 a"]
    assert "announcements" in opened.loaded.raw


@pytest.mark.parametrize(
    "touch",
    [
        lambda tables: tables.apply("announcements", insert=[{"id": "x", "show": "one"}]),
        lambda tables: tables.records("announcements"),
    ],
    ids=["change", "read"],
)
def test_a_write_that_keeps_the_news_may_not_touch_it(tmp_path: Path, touch: Any) -> None:
    path = build(tmp_path, [(PartialDate(2024, 1, 2), "a", "b")])
    before = path.read_bytes()
    opened = store.Store.open(path, now=NOW)

    def write() -> None:
        with opened.writing(news=False) as tables:
            tables.set_check(None, NOW)
            touch(tables)

    with pytest.raises(AssertionError):
        write()
    assert path.read_bytes() == before
