"""Export streams (issue 15): the news is sorted by show with an external merge sort,
and the pack is written a piece at a time, byte for byte what the whole document gave."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import Invoker, assert_clean, ok
from showtrack import core, render, spill, store
from showtrack.dates import parse_partial
from showtrack.models import Announcement, Dataset, Season, Show
from showtrack.sources import jsonfile
from showtrack.store import layout

NOW = datetime(2023, 5, 24, 11, 0, tzinfo=UTC)


# --- the external sort ---------------------------------------------------------------


@pytest.mark.parametrize("run", [1, 3, 1000])
def test_spilled_sort_is_sorted_and_stable_whatever_the_run(run: int) -> None:
    pairs = [((n * 7919) % 13, f"value {n}") for n in range(200)]
    expected = [value for _, value in sorted(pairs, key=lambda pair: pair[0])]  # stable
    assert list(spill.sorted_spilling(iter(pairs), run=run)) == expected


def test_spilled_sort_reads_everything_before_it_gives_anything() -> None:
    def failing() -> Any:
        yield from ((n, n) for n in range(10))
        raise ValueError("bad record")

    ordered = spill.sorted_spilling(failing(), run=3)
    with pytest.raises(ValueError, match="bad record"):
        next(ordered)


def test_spilled_runs_hold_values_that_repeat_across_entries() -> None:
    # the same strings in many entries: each entry is pickled on its own
    pairs = [((show, n), (show, {"headline": "same words", "n": n})) for n in range(50)
             for show in ("b", "a")]  # fmt: skip
    got = list(spill.sorted_spilling(iter(pairs), run=4))
    assert [show for show, _ in got] == ["a"] * 50 + ["b"] * 50
    assert [record["n"] for _, record in got[:50]] == list(range(50))


# --- JSON a piece at a time ------------------------------------------------------------


def _streamed(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _streamed(item) for key, item in value.items()}
    if isinstance(value, list):
        return render.Streamed(iter([_streamed(item) for item in value]))
    return value


DOCS: list[dict[str, Any]] = [
    {},
    {"empty list": [], "empty object": {}, "none": None, "yes": True, "n": -1.5},
    {"a": [1, [2, [3, []]], {"b": {"c": {}}}]},
    {"text": "line\nbreak \u202e bidi \u0085 c1 \x7f del \u200b zwsp \ud800 lone", "é": "ü"},
    {"format": "showtrack/1", "shows": [{"slug": "a", "announcements": [{"h": "x"}]},
                                        {"slug": "b", "announcements": []}]},
]  # fmt: skip


@pytest.mark.parametrize("doc", DOCS)
def test_json_pieces_give_json_text_byte_for_byte(doc: dict[str, Any]) -> None:
    assert "".join(render.json_pieces(doc)) == render.json_text(doc)
    assert "".join(render.json_pieces(_streamed(doc))) == render.json_text(doc)


# --- export --------------------------------------------------------------------------


def _many(tmp: Path) -> Path:
    """Three shows whose news is interleaved over two parts, some of it undated or
    dated to a month, with text a terminal could act on."""
    path = tmp / "many" / "showtrack.json"
    path.parent.mkdir(parents=True)
    shows = [Show(slug, slug.title()) for slug in ("cedar", "alder", "birch")]
    dates = [None, "2023", "2023-04", "2023-04-24", "2023-04-24T09:00:00+00:00"]
    news = [
        Announcement(
            shows[n % 3].slug,
            "other",
            f"Item {n:05d} \u202e{n % 7}",
            date=None if dates[n % 5] is None else parse_partial(dates[n % 5]),
        )
        for n in range(layout.PART + 300)
    ]
    seasons = [Season(show.slug, 1) for show in shows]
    data = Dataset(shows=shows, seasons=seasons, announcements=news)
    store.Store.open(path, now=NOW, seed=lambda: data)
    return path


def _whole_text(path: Path) -> str:
    """The pack as the whole document gives it: every record of the snapshot."""
    snap = store.Store.open(path, now=NOW).snapshot
    data, news = core.export_dataset(snap)
    whole = Dataset(
        shows=data.shows,
        seasons=data.seasons,
        credits=data.credits,
        announcements=list(news),
        feeds=data.feeds,
        episodes=data.episodes,
    )
    return render.json_text(jsonfile.to_document(whole))


def test_a_streamed_export_is_the_whole_document_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _many(tmp_path)
    assert len(json.loads(path.read_bytes())["state"]["1"]["news"]["parts"]) == 2
    expected = _whole_text(path)
    invoke = Invoker(path)
    in_memory = ok(invoke("export")).stdout
    monkeypatch.setattr(spill, "RUN", 97)  # many runs, merged from temporary files
    spilled = ok(invoke("export")).stdout
    assert in_memory == spilled == expected
    shows = json.loads(spilled)["shows"]
    assert [show["slug"] for show in shows] == ["alder", "birch", "cedar"]
    assert sum(len(show["announcements"]) for show in shows) == layout.PART + 300
    one = ok(invoke("export", "birch")).stdout
    assert json.loads(one)["shows"] == [shows[1]]


def test_a_streamed_export_to_a_file_is_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _many(tmp_path)
    monkeypatch.setattr(spill, "RUN", 500)
    target = tmp_path / "pack.json"
    ok(Invoker(path)("export", "-o", str(target)))
    assert target.read_text(encoding="utf-8") == _whole_text(path)


def test_an_export_over_a_damaged_part_writes_nothing(tmp_path: Path) -> None:
    path = _many(tmp_path)
    parts = json.loads(path.read_bytes())["state"]["1"]["news"]["parts"]
    last = path.with_name(path.name + ".news") / parts["1"]["file"]
    last.write_bytes(last.read_bytes().replace(b"Item", b"Itex", 1))
    result = Invoker(path)("export")
    assert result.exit_code == 1
    assert_clean(result)
    assert "is damaged" in result.stderr
    assert result.stdout == ""  # every record is checked before the first byte is out


def test_a_milestone_calendar_reads_each_part_once_whatever_the_number_of_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _many(tmp_path)
    reads: list[int] = []
    table = layout.PartedNews.part_table

    def counted(self: layout.PartedNews, index: int) -> dict[str, Any]:
        reads.append(index)
        return table(self, index)

    monkeypatch.setattr(layout.PartedNews, "part_table", counted)
    snap = store.Store.open(path, now=NOW).snapshot
    events, _ = core.calendar_events(snap, milestones=True)
    assert sorted(reads) == [0, 1]
    titles = ("Cedar", "Alder", "Birch")
    expected = {f"{titles[n % 3]}: Item {n:05d} \u202e{n % 7}"
                for n in range(layout.PART + 300) if n % 5 >= 3}  # fmt: skip
    assert {e.summary for e in events if e.category == "other"} == expected
