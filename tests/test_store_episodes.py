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


def bucket_files(path: Path) -> dict[str, bytes]:
    folder = path.with_name(path.name + ".news")
    manifest = json.loads(path.read_bytes())["state"]["1"]["news"]
    return {e["file"]: (folder / e["file"]).read_bytes() for e in manifest["episodes"].values()}


def bucket_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The episode buckets read from now on, by number."""
    read: list[int] = []
    real = layout.PartedNews.episode_table

    def counting(self: layout.PartedNews, index: int) -> Any:
        read.append(index)
        return real(self, index)

    monkeypatch.setattr(layout.PartedNews, "episode_table", counting)
    return read


def test_the_episodes_live_in_buckets_by_show_beside_the_news(db_path: Path) -> None:
    seeded(db_path)
    data = db_path.read_bytes()
    assert json.loads(data)["episodes"] == {}  # kept, empty: TinyDB still finds the table
    files = bucket_files(db_path)
    assert list(files) == [f"episodes-{layout.episode_bucket_of('heartstopper'):02d}.g1.json"]
    (table,) = (json.loads(blob)["episodes"] for blob in files.values())
    assert sorted(doc["number"] for doc in table.values()) == list(range(1, 9))
    facts = json.loads(data)["state"]["1"]["news"]["episodes"]
    (entry,) = facts.values()
    assert entry["seasons"] == {"heartstopper\t2": ["2023-08-03", False, 8]}
    single = legacy_bytes(db_path)  # the single-file layout kept them before the news
    assert single.index(b',"episodes":{"1"') < single.index(b',"announcements":')


def test_commands_that_show_no_episode_never_read_a_bucket(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded(db_path)
    read = bucket_reads(monkeypatch)
    snapshot = store.Store.open(db_path).snapshot
    assert [show.slug for show in snapshot.shows()] == ["heartstopper"]
    assert len(snapshot.credits("heartstopper")) == 19
    assert read == []
    assert snapshot.airing_episodes("2023-09-01") == {}  # decided from the manifest alone
    assert read == []
    assert len(snapshot.episodes("heartstopper", 2)) == 8  # one bucket, the show's
    assert read == [layout.episode_bucket_of("heartstopper")]


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
    raw = json.loads(legacy_bytes(db_path))  # a single file, edited by hand
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


def test_a_write_that_touches_no_episode_reads_and_writes_no_bucket(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from showtrack.models import Announcement, Dataset

    tricky_store(db_path)
    before = bucket_files(db_path)
    read = bucket_reads(monkeypatch)
    opened = store.Store.open(db_path, now=NOW_DT)
    news = Dataset(announcements=[Announcement("heartstopper", "other", "Unrelated news")])
    opened.write(lambda snap, now: (store.ChangeSet.of(news), None))
    assert read == []
    assert bucket_files(db_path) == before  # the same files, by name and bytes
    reopened = store.Store.open(db_path, now=NOW_DT)
    titles = [e.title for e in reopened.episodes("quote-show", 1)]
    assert titles == [title or None for title in TRICKY_TITLES]


def test_a_write_to_one_shows_episodes_rewrites_only_its_bucket(db_path: Path) -> None:
    from showtrack.models import Dataset, Episode

    tricky_store(db_path)
    before = bucket_files(db_path)
    opened = store.Store.open(db_path, now=NOW_DT)
    extra = Dataset(episodes=[Episode("quote-show", 1, 6, "Sixth", PartialDate(2023, 6, 1))])
    opened.write(lambda snap, now: (store.ChangeSet.of(extra), None))
    after = bucket_files(db_path)
    ours = f"episodes-{layout.episode_bucket_of('quote-show'):02d}."
    kept = {name: blob for name, blob in before.items() if not name.startswith(ours)}
    assert {name: blob for name, blob in after.items() if not name.startswith(ours)} == kept
    assert [name for name in after if name.startswith(ours)] != [
        name for name in before if name.startswith(ours)
    ]
    reopened = store.Store.open(db_path, now=NOW_DT)
    assert [e.number for e in reopened.episodes("quote-show", 1)] == [1, 2, 3, 4, 5, 6]
    found = reopened.snapshot.airing_episodes("2023-05-31", counts={("quote-show", 1): 6})
    assert [e.number for e in found[("quote-show", 1)]] == [1, 2, 3, 4, 5, 6]


def test_a_damaged_bucket_is_refused_and_left_as_it_was(db_path: Path) -> None:
    seeded(db_path)
    folder = db_path.with_name(db_path.name + ".news")
    (name,) = bucket_files(db_path)
    path = folder / name
    path.write_bytes(path.read_bytes().replace(b'"number":3', b'"number":9'))
    damaged = path.read_bytes()
    opened = store.Store.open(db_path, now=NOW_DT)
    with pytest.raises(DatabaseError, match="is damaged"):
        opened.episodes("heartstopper")
    assert path.read_bytes() == damaged
