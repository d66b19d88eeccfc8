"""`news --since` scans the unparsed news for dated records; it must find exactly
what parsing everything finds, whatever the text of the records holds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from showtrack import store
from showtrack.dates import PartialDate
from showtrack.models import Announcement, Show
from showtrack.sources.jsonfile import Dataset

NOW = datetime(2023, 5, 24, 11, 0, tzinfo=UTC)
TRICKY = [
    '"date":"2099-01-01"',
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
