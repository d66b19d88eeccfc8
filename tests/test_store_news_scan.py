"""The store's fast paths over the unparsed news must give exactly what parsing
everything gives: "records after seq N" and "records dated on or after a day",
whatever the records' text holds, and any valid file in another JSON formatting
(pretty-printed, other separators, other key order, extra tables) must give the
same answers as the file showtrack writes (it falls back to a full parse)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import legacy_bytes, raw_database
from showtrack import store
from showtrack.dates import PartialDate
from showtrack.models import Announcement, Dataset, Show
from showtrack.store import layout

NOW = datetime(2023, 5, 24, 11, 0, tzinfo=UTC)

TRICKY = [
    '"date":"2099-01-01"',
    '{"id":"x","date":"2099-12-31"}',
    '},"7":{"id":"y","date":"2099-01-01"',
    ',"99":{"id":"',
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
rows_strategy = st.lists(st.tuples(dates, texts, texts), max_size=40)


def build(
    tmp: Path, rows: list[tuple[PartialDate | None, str, str]], *, single: bool = True
) -> Path:
    """A database with these announcements: in the single-file layout (schema 6, whose
    fast paths these tests check), or as showtrack writes it now (``single=False``)."""
    path = tmp / f"db-{abs(hash(repr(rows)))}-{single}.json"
    for leftover in tmp.glob(f"{path.name}*"):
        shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
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
    data = Dataset(shows=[Show("one", "One"), Show("two", "Two")], announcements=news)
    store.Store.open(path, now=NOW, seed=lambda: data)
    if single:
        path.write_bytes(legacy_bytes(path))
        shutil.rmtree(path.with_name(path.name + ".news"))
    return path


def full(path: Path) -> list[dict[str, Any]]:
    raw = raw_database(path)
    return sorted(raw["announcements"].values(), key=lambda doc: doc["seq"])


def answers(path: Path, after: int, day: str) -> tuple[list[str], list[str]]:
    opened = store.Store.open(path, now=NOW)
    return (
        [item.id for item in opened.announcements(after=after)],
        [item.id for item in opened.announcements(dated_from=day)],
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=rows_strategy,
    after=st.integers(0, 45),
    day=st.sampled_from(["2019-06-15", "2022-01-01", "2025-12-31"]),
)
def test_scans_find_what_a_full_parse_finds(
    tmp_path: Path, rows: list[tuple[PartialDate | None, str, str]], after: int, day: str
) -> None:
    for single in (True, False):
        path = build(tmp_path, rows, single=single)
        docs = full(path)
        expected_after = [doc["id"] for doc in docs if doc["seq"] > after]
        expected_dated = [doc["id"] for doc in docs if layout.on_or_after(doc, day)]
        assert answers(path, after, day) == (expected_after, expected_dated), single


def test_the_fast_path_is_really_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = build(tmp_path, [(PartialDate(2023, 1, n), f"n{n}", "") for n in range(1, 20)])
    parsed: list[int] = []
    real = layout.News.table

    def counted(self: layout.News) -> dict[str, Any]:
        parsed.append(1)
        return real(self)

    monkeypatch.setattr(layout.News, "table", counted)
    after, dated = answers(path, 15, "2023-01-10")
    assert (len(after), len(dated)) == (4, 10)
    assert parsed == []  # answered from the bytes, never parsed whole


def reformat(path: Path, how: str) -> None:
    raw = json.loads(path.read_bytes())
    if how == "pretty":
        text = json.dumps(raw, indent=4)
    elif how == "separators":
        text = json.dumps(raw, separators=(",", ": "))
    elif how == "key-order":
        text = json.dumps(dict(reversed(list(raw.items()))))
    elif how == "record-order":
        raw["announcements"] = dict(reversed(list(raw["announcements"].items())))
        text = json.dumps(raw, separators=(",", ":"))
    elif how == "extra-table":
        raw["mine"] = {"1": {"note": 'a "date":"2099-01-01" in another table'}}
        text = json.dumps(raw, separators=(",", ":"))
    elif how == "field-order":
        raw["announcements"] = {
            key: dict(reversed(list(doc.items()))) for key, doc in raw["announcements"].items()
        }
        text = json.dumps(raw, separators=(",", ":"))
    else:
        raise AssertionError(how)
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    "how", ["pretty", "separators", "key-order", "record-order", "extra-table", "field-order"]
)
def test_any_valid_formatting_gives_the_same_answers(tmp_path: Path, how: str) -> None:
    rows = [(PartialDate(2023, 1 + n % 12, 1 + n % 28), f"item {n}", "b") for n in range(60)]
    path = build(tmp_path, rows)
    ours = [answers(path, after, day) for after in (0, 30, 59) for day in ("2023-06-01", "2024")]
    reformat(path, how)
    theirs = [answers(path, after, day) for after in (0, 30, 59) for day in ("2023-06-01", "2024")]
    assert theirs == ours
    # and a write to such a file writes showtrack's own layout again, losing nothing
    opened = store.Store.open(path, now=NOW)
    extra = Announcement(show="one", kind="other", headline="after reformatting")
    opened.write(lambda snap, now: (store.ChangeSet.of(Dataset(announcements=[extra])), None))
    again = store.Store.open(path, now=NOW)
    assert [a.headline for a in again.announcements(after=60)] == ["after reformatting"]
    assert len(again.announcements()) == 61


def test_a_check_rewrites_only_the_reading_state(tmp_path: Path) -> None:
    path = build(tmp_path, [(None, f"n{n}", "") for n in range(5)])
    before = path.read_bytes()
    inode = path.stat().st_ino
    opened = store.Store.open(path, now=NOW)
    opened.record_check(None, 5)
    assert path.read_bytes() == before
    assert path.stat().st_ino == inode
    assert opened.checks().mark() == store.Check(5, NOW)
