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


# --- the episodes table left unparsed: copied as it is by writes that do not touch it ------

TRICKY_TITLES = ['He said "no"', "back\\slash \\u0041", "日本語 🎬", 'a,"1":{"show":"x"', ""]


def tricky_store(path: Path) -> store.Store:
    """The bundled data plus episodes whose titles look like the table's own syntax."""
    from showtrack.models import Dataset, Episode, Season, Show

    opened = seeded(path)
    shows = [Show("quote-show", 'The "Quote" Show')]
    seasons = [Season("quote-show", 1, episodes=6), Season("quote-show", 2)]
    episodes = [
        Episode("quote-show", 1, n + 1, title or None, PartialDate(2023, 5, 20 + n))
        for n, title in enumerate(TRICKY_TITLES)
    ] + [Episode("quote-show", 2, None, "Special", None, kind="special")]
    data = Dataset(shows=shows, seasons=seasons, episodes=episodes)
    opened.write(lambda snap, now: (store.ChangeSet.of(data), None))
    return store.Store.open(path, now=NOW_DT)


def test_a_write_that_touches_no_episode_copies_the_table_unparsed(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from showtrack.models import Announcement, Dataset

    tricky_store(db_path)
    before = db_path.read_bytes()
    start = before.rindex(b',"episodes":{')
    parsed: list[int] = []
    real = layout.Loaded.table

    def counting(self: layout.Loaded, name: str) -> Any:
        if name == "episodes" and "episodes" not in self.head:
            parsed.append(1)
        return real(self, name)

    monkeypatch.setattr(layout.Loaded, "table", counting)
    opened = store.Store.open(db_path, now=NOW_DT)
    news = Dataset(announcements=[Announcement("heartstopper", "other", "Unrelated news")])
    opened.write(lambda snap, now: (store.ChangeSet.of(news), None))
    after = db_path.read_bytes()
    assert parsed == []
    assert after[after.rindex(b',"episodes":{') :] == before[start:]
    reopened = store.Store.open(db_path, now=NOW_DT)
    assert len(reopened.episodes("quote-show")) == len(TRICKY_TITLES) + 1


def test_an_episodes_table_edited_by_hand_is_parsed_and_checked(db_path: Path) -> None:
    tricky_store(db_path)
    data = db_path.read_bytes()
    edited = data.replace(b'"title":"Special"', b'"title": "Special"')  # valid, not ours
    assert edited != data
    db_path.write_bytes(edited)
    opened = store.Store.open(db_path, now=NOW_DT)
    assert not opened.snapshot._loaded.episodes_trusted()
    assert [e.title for e in opened.episodes("quote-show", 2)] == ["Special"]
