"""The episodes table on disk: read only when a command needs it, checked the same
way by the short path and by the import validator, refused when damaged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import NOW_DT, legacy_bytes
from showtrack import store
from showtrack.dates import PartialDate, parse_partial, parse_stored
from showtrack.errors import DatabaseError
from showtrack.store import codec, layout
from showtrack.store.codec import episode_from


def seeded(path: Path) -> store.Store:
    return store.Store.open(path, now=NOW_DT)


def test_the_episodes_table_is_written_last_before_the_news(db_path: Path) -> None:
    seeded(db_path)
    data = db_path.read_bytes()
    assert data.index(b',"feeds":') < data.index(b',"episodes":{')
    assert data.rstrip().endswith(
        b"}}}"
    )  # the last table of the file (the news: files of their own)
    assert b',"announcements":' not in data
    single = legacy_bytes(db_path)  # the single-file layout kept it before the news
    assert single.index(b',"episodes":{') < single.index(b',"announcements":')


def test_commands_that_show_no_episode_never_parse_the_table(db_path: Path) -> None:
    seeded(db_path)
    loaded = layout.load(db_path)
    assert "episodes" not in loaded.head  # left as bytes
    snapshot = store.Snapshot(db_path, loaded)
    assert [show.slug for show in snapshot.shows()] == ["heartstopper"]
    assert len(snapshot.credits("heartstopper")) == 19
    assert "episodes" not in loaded.head
    assert len(snapshot.episodes("heartstopper", 2)) == 8  # parsed on first use
    assert "episodes" in loaded.head


def test_a_file_laid_out_another_way_is_read_whole(db_path: Path) -> None:
    seeded(db_path)
    raw = json.loads(legacy_bytes(db_path))
    order = ["episodes", "state", "shows", "seasons", "credits", "feeds", "announcements"]
    db_path.write_text(json.dumps({name: raw[name] for name in order}, indent=2))
    snapshot = store.Store.open(db_path).snapshot
    assert len(snapshot.episodes("heartstopper")) == 8
    assert {e.number for e in snapshot.episodes("heartstopper")} == set(range(1, 9))


def test_a_damaged_episode_is_refused_naming_it_and_the_file_is_kept(db_path: Path) -> None:
    seeded(db_path)
    raw = json.loads(db_path.read_bytes())
    first = next(iter(raw["episodes"]))
    raw["episodes"][first]["airs"] = "2023-02-31"
    db_path.write_text(json.dumps(raw))
    before = db_path.read_bytes()
    opened = store.Store.open(db_path)
    assert opened.shows()  # the rest still reads
    with pytest.raises(DatabaseError, match=rf"episodes record {first}.*not a real date"):
        opened.episodes("heartstopper")
    assert db_path.read_bytes() == before


def test_an_episodes_table_that_is_not_a_set_of_records_is_damage(db_path: Path) -> None:
    seeded(db_path)
    data = legacy_bytes(db_path)
    start = data.index(b',"episodes":{') + len(b',"episodes":')
    end = data.index(b',"announcements":')
    db_path.write_bytes(data[:start] + b'{"1":[1,2]}' + data[end:])
    with pytest.raises(DatabaseError, match="episodes"):
        store.Store.open(db_path).episodes()


def test_still_to_air_reads_stored_dates_at_their_precision(db_path: Path) -> None:
    seeded(db_path)
    snapshot = store.Store.open(db_path).snapshot
    assert set(snapshot.airing_episodes("2023-08-03")) == {("heartstopper", 2)}
    assert snapshot.airing_episodes("2023-08-04") == {}


# --- the short path and the validator agree ----------------------------------------------

DOC = {
    "show": "heartstopper",
    "season": 2,
    "number": 3,
    "title": "Title",
    "airs": "2023-08-03T00:00-07:00",
    "runtime": 30,
    "kind": "regular",
    "summary": None,
    "source": "Netflix",
}


def slow(doc: dict[str, Any]) -> Any:
    from showtrack.sources.jsonfile import parse_episode

    rest = {key: value for key, value in doc.items() if key != "show"}
    return parse_episode(rest, "e", doc["show"], None)


def outcome(build: Any, doc: dict[str, Any]) -> Any:
    try:
        return build(doc)
    except ValueError:
        return "refused"


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-2, max_value=200_000),
    st.sampled_from(
        [
            "",
            "regular",
            "special",
            "2023",
            "2023-08",
            "2023-08-03",
            "2023-02-31",
            "2023-08-03T08:00+01:00",
            "2023-08-03T08:00",
            "3 Aug 2023",
            "TBA",
            "1899",
            "x" * 600,
            "heartstopper",
            "Bad Slug",
        ]
    ),
    st.text(max_size=8),
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(DOC)), VALUES, max_size=4))
def test_the_short_path_accepts_exactly_what_the_validator_accepts(
    changes: dict[str, Any],
) -> None:
    doc = {**DOC, **changes}
    fast = outcome(lambda d: episode_from(d, "e"), doc)
    expected = outcome(slow, doc) if isinstance(doc.get("show"), str) else "refused"
    if expected != "refused" and not codec._SLUG.fullmatch(doc["show"]):
        expected = "refused"  # a stored record names its show by a slug
    assert fast == expected


@pytest.mark.parametrize(
    "text",
    ["2024", "2022-12", "2023-08-03", "2023-08-03T00:00-07:00", "2023-03-26T01:30+00:00"],
)
def test_stored_dates_read_quickly_are_the_same_dates(text: str) -> None:
    assert parse_stored(text) == parse_partial(text)
    assert parse_stored(text).iso() == text


@pytest.mark.parametrize("text", ["2023-02-31", "2023-13", "1899", "soon"])
def test_stored_dates_that_are_not_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a"):
        parse_stored(text)


def test_a_stored_date_in_another_form_is_still_read() -> None:
    assert parse_stored("3 Aug 2023") == PartialDate(2023, 8, 3)
