"""The one merge path: dedupe on re-import, field-wise updates, change announcements, one write."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

import showtrack
from conftest import assert_clean, raw_database
from showtrack import store
from showtrack.errors import DataError
from showtrack.merge import merge
from showtrack.models import Announcement, Credit, Season
from showtrack.sources.jsonfile import Dataset

Invoke = Callable[..., Result]
Runner = Callable[..., Invoke]

BUNDLED = Path(showtrack.__file__).parent / "data" / "heartstopper.json"
LATER = {"SHOWTRACK_NOW": "2023-05-25T09:30:00+01:00"}
LATER_STILL = {"SHOWTRACK_NOW": "2023-05-26T09:30:00+01:00"}
TABLES = ("shows", "seasons", "credits", "episodes", "announcements")


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert_clean(result)
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def write(path: Path, doc: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def pack(**show: Any) -> dict[str, Any]:
    """An import document about the bundled show, stating only what is given."""
    return {
        "format": "showtrack/1",
        "shows": [{"slug": "heartstopper", "title": "Heartstopper", **show}],
    }


def seeded(runner: Runner) -> Invoke:
    return runner()  # a copy of a database seeded from the bundled data


def import_json(invoke: Invoke, path: Path, **kw: Any) -> dict[str, Any]:
    report = as_json(invoke("import", str(path), "--json", **kw))
    assert isinstance(report, dict)
    return report


def counts(report: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {
        table: (c["added"], c["updated"], c["unchanged"]) for table, c in report["counts"].items()
    }


def exported(invoke: Invoke, *args: str) -> dict[str, Any]:
    doc = as_json(invoke("export", *args))
    assert isinstance(doc, dict)
    return doc


def season_of(doc: dict[str, Any], number: int, slug: str = "heartstopper") -> dict[str, Any]:
    show = next(s for s in doc["shows"] if s["slug"] == slug)
    return next(s for s in show["seasons"] if s["number"] == number)


def credit_of(doc: dict[str, Any], season: int, actor: str) -> dict[str, Any]:
    (show,) = doc["shows"]
    return next(c for c in show["credits"] if c["season"] == season and c["actor"] == actor)


def new_news(invoke: Invoke, env: dict[str, str]) -> list[dict[str, Any]]:
    doc = as_json(invoke("news", "--json", env_extra=env))
    assert doc["mode"] == "new"
    items = doc["announcements"]
    assert isinstance(items, list)
    return items


# --- dedupe ---------------------------------------------------------------------------------


def test_reimport_of_the_bundled_data_adds_nothing_and_writes_nothing(runner: Runner) -> None:
    invoke = seeded(runner)
    before = invoke.db.read_bytes()
    bundled = json.loads(BUNDLED.read_text(encoding="utf-8"))["shows"][0]
    report = import_json(invoke, BUNDLED)
    assert counts(report) == {
        "shows": (0, 0, 1),
        "seasons": (0, 0, len(bundled["seasons"])),
        "credits": (0, 0, len(bundled["credits"])),
        "episodes": (0, 0, len(bundled["episodes"])),
        "announcements": (0, 0, len(bundled["announcements"])),
    }
    assert report["changes"] == []
    assert invoke.db.read_bytes() == before


def test_a_shared_pack_imported_twice_adds_once(runner: Runner, tmp_path: Path) -> None:
    shared = seeded(runner)
    ok(shared("export", "-o", str(tmp_path / "pack.json")))
    friend = runner(tmp_path / "friend.json")
    ok(friend("init", "--empty"))

    first = import_json(friend, tmp_path / "pack.json")
    assert [added for added, _, _ in counts(first).values()] == [1, 3, 19, 8, 12]
    once = friend.db.read_bytes()
    export_once = exported(friend)

    second = import_json(friend, tmp_path / "pack.json")
    assert counts(second) == {
        "shows": (0, 0, 1),
        "seasons": (0, 0, 3),
        "credits": (0, 0, 19),
        "episodes": (0, 0, 8),
        "announcements": (0, 0, 12),
    }
    assert friend.db.read_bytes() == once
    assert exported(friend) == export_once
    assert len(as_json(friend("news", "--peek", "--json"))["announcements"]) == 12


def test_reimport_does_not_make_old_news_new_again(runner: Runner) -> None:
    invoke = seeded(runner)
    assert len(new_news(invoke, {})) == 12  # a fresh database: everything is new
    ok(invoke("import", str(BUNDLED), env_extra=LATER))
    assert new_news(invoke, LATER_STILL) == []


def test_same_news_with_other_spacing_and_case_is_the_same_news(
    runner: Runner, tmp_path: Path
) -> None:
    invoke = seeded(runner)
    item = {
        "date": "2023-04-24",
        "kind": "synopsis",
        "season": 2,
        "headline": "  OFFICIAL season 2   synopsis released ",
    }
    report = import_json(invoke, write(tmp_path / "n.json", pack(announcements=[item])))
    assert counts(report)["announcements"] == (0, 1, 0)  # the headline's wording is updated
    assert len(exported(invoke)["shows"][0]["announcements"]) == 12


def test_credit_matches_actor_ignoring_case_and_spacing(runner: Runner, tmp_path: Path) -> None:
    invoke = seeded(runner)
    credit = {"season": 2, "actor": "jack   BARTON", "note": "Nick's brother"}
    report = import_json(invoke, write(tmp_path / "c.json", pack(credits=[credit])))
    assert counts(report)["credits"] == (0, 1, 0)
    (show,) = exported(invoke)["shows"]
    assert len([c for c in show["credits"] if c["season"] == 2]) == 17


def test_the_same_record_twice_in_one_input_counts_once_and_the_later_wins(
    runner: Runner, tmp_path: Path
) -> None:
    invoke = seeded(runner)
    folder = tmp_path / "packs"
    write(folder / "a.json", pack(seasons=[{"number": 2, "episodes": 9}]))
    write(folder / "b.json", pack(seasons=[{"number": 2, "episodes": 10}]))
    report = import_json(invoke, folder)
    assert counts(report)["seasons"] == (0, 1, 0)
    assert counts(report)["shows"] == (0, 0, 1)
    assert season_of(exported(invoke), 2)["episodes"] == 10
    assert report["changes"] == ["Heartstopper season 2 episode count: 8 -> 10"]


# --- updates and field-wise merge ---------------------------------------------------------------


def test_changed_facts_update(runner: Runner, tmp_path: Path) -> None:
    invoke = seeded(runner)
    doc = pack(
        network="Netflix UK",
        seasons=[{"number": 2, "synopsis": "A new synopsis."}],
        credits=[{"season": 2, "actor": "Jack Barton", "note": "Nick's big brother"}],
        announcements=[
            {
                "date": "2022-09-22",
                "kind": "filming-started",
                "season": 2,
                "headline": "Principal photography on season 2 has started",
                "body": "Cameras rolled in London.",
            }
        ],
    )
    report = import_json(invoke, write(tmp_path / "u.json", doc))
    assert counts(report) == {
        "shows": (0, 1, 0),
        "seasons": (0, 1, 0),
        "credits": (0, 1, 0),
        "episodes": (0, 0, 0),
        "announcements": (0, 1, 0),
    }
    assert report["changes"] == []  # none of these is a fact that gets a change announcement
    after = exported(invoke)
    show = after["shows"][0]
    assert show["network"] == "Netflix UK"
    assert season_of(after, 2)["synopsis"] == "A new synopsis."
    assert credit_of(after, 2, "Jack Barton")["note"] == "Nick's big brother"
    started = next(a for a in show["announcements"] if a["kind"] == "filming-started")
    assert started["body"] == "Cameras rolled in London."


def test_fields_the_import_leaves_out_keep_their_stored_values(
    runner: Runner, tmp_path: Path
) -> None:
    invoke = seeded(runner)
    before = exported(invoke)
    doc = pack(
        seasons=[{"number": 2, "episodes": 10}],
        credits=[{"season": 2, "actor": "Jack Barton", "status": "new"}],
        announcements=[
            {
                "date": "2022-09-22",
                "kind": "filming-started",
                "headline": "Principal photography on season 2 has started",
            }
        ],
    )
    import_json(invoke, write(tmp_path / "partial.json", doc))
    after = exported(invoke)

    show_before, show_after = before["shows"][0], after["shows"][0]
    for name in ("network", "country", "language", "genres", "timezone", "summary", "status"):
        assert show_after[name] == show_before[name], name
    expected = dict(season_of(before, 2), episodes=10)
    assert season_of(after, 2) == expected
    assert credit_of(after, 2, "Jack Barton") == credit_of(before, 2, "Jack Barton")
    started = [a for a in show_after["announcements"] if a["kind"] == "filming-started"]
    assert started == [a for a in show_before["announcements"] if a["kind"] == "filming-started"]


def test_partial_runtime_in_an_import_keeps_a_valid_range(runner: Runner, tmp_path: Path) -> None:
    """Stored 20-30 min; an import says {"min": 40} (40 minutes). Merging min and max
    separately must not leave the impossible range 40-30, which the import format
    itself rejects, so the database could no longer be exported and re-imported."""
    invoke = seeded(runner)
    import_json(
        invoke, write(tmp_path / "rt.json", pack(seasons=[{"number": 2, "runtime": {"min": 40}}]))
    )
    runtime = season_of(exported(invoke), 2)["runtime"]
    assert runtime["min"] == 40
    assert runtime.get("max") is None or runtime["max"] >= runtime["min"], runtime

    ok(invoke("export", "-o", str(tmp_path / "all.json")))
    empty = runner(tmp_path / "empty.json")
    ok(empty("init", "--empty"))
    ok(empty("import", str(tmp_path / "all.json")))


# --- change announcements ------------------------------------------------------------------------


def test_moved_premiere_by_hand_is_recorded_and_shows_up_in_news(runner: Runner) -> None:
    invoke = seeded(runner)
    assert len(new_news(invoke, {})) == 12  # this check is at NOW

    edit = ok(
        invoke("edit", "season", "heartstopper", "2", "--premiere", "2023-08-10", env_extra=LATER)
    )
    headline = "Heartstopper season 2 premiere moved: 3 Aug 2023 -> 10 Aug 2023"
    assert f"Recorded: {headline}" in edit.stderr

    (item,) = new_news(invoke, LATER_STILL)
    assert item["headline"] == headline
    assert "Season 2 premiere moved: 3 Aug 2023 -> 10 Aug 2023".lower() in headline.lower()
    assert (item["kind"], item["season"], item["show"]) == ("change", 2, "heartstopper")
    assert item["date"] == "2023-05-25"  # dated the day it was recorded (UTC)
    assert item["source"] == "hand entry"
    assert item["recorded_at"].startswith("2023-05-25T08:30:00")

    assert new_news(invoke, LATER_STILL) == []  # that check saw it
    wide = {**LATER_STILL, "COLUMNS": "200"}
    shown = ok(invoke("news", "--since", "2023-05-25", env_extra=wide)).stdout
    assert "premiere moved: 3 Aug 2023 -> 10 Aug 2023" in shown


def test_moved_premiere_by_import_is_recorded_once(runner: Runner, tmp_path: Path) -> None:
    invoke = seeded(runner)
    new_news(invoke, {})
    moved = write(tmp_path / "moved.json", pack(seasons=[{"number": 2, "premiere": "2023-08-10"}]))
    headline = "Heartstopper season 2 premiere moved: 3 Aug 2023 -> 10 Aug 2023"

    report = import_json(invoke, moved, env_extra=LATER)
    assert report["changes"] == [headline]
    assert counts(report)["seasons"] == (0, 1, 0)
    assert counts(report)["announcements"] == (1, 0, 0)  # the change itself
    (item,) = new_news(invoke, LATER_STILL)
    assert (item["headline"], item["kind"]) == (headline, "change")
    assert item["source"] == "import of moved.json"

    again = import_json(invoke, moved, env_extra=LATER_STILL)
    assert again["changes"] == []
    assert counts(again)["seasons"] == (0, 0, 1)
    assert counts(again)["announcements"] == (0, 0, 0)  # no second change announcement
    assert season_of(exported(invoke), 2)["premiere"] == "2023-08-10"


def test_text_report_lists_the_changes(runner: Runner, tmp_path: Path) -> None:
    invoke = seeded(runner)
    moved = write(tmp_path / "moved.json", pack(seasons=[{"number": 2, "premiere": "2023-08-10"}]))
    out = ok(invoke("import", str(moved))).stdout
    assert "seasons" in out
    assert "Unchanged" in out
    assert "Change: Heartstopper season 2 premiere moved: 3 Aug 2023 -> 10 Aug 2023" in out


def test_count_status_role_and_show_status_changes_are_announced(
    runner: Runner, tmp_path: Path
) -> None:
    invoke = seeded(runner)
    new_news(invoke, {})
    doc = pack(
        status="ended",
        seasons=[{"number": 2, "episodes": 10, "status": "released"}],
        credits=[{"season": 2, "actor": "Evan Ovenell", "character": "Mr. X"}],
    )
    report = import_json(invoke, write(tmp_path / "c.json", doc), env_extra=LATER)
    expected = {
        "Heartstopper status: running -> ended",
        "Heartstopper season 2 episode count: 8 -> 10",
        "Heartstopper season 2 status: scheduled -> released",
        "Heartstopper season 2: Evan Ovenell's role changed: unknown -> Mr. X",
    }
    assert set(report["changes"]) == expected
    assert len(report["changes"]) == 4
    news = new_news(invoke, LATER_STILL)
    assert {item["headline"] for item in news} == expected
    assert {item["kind"] for item in news} == {"change"}
    seasons = {item["headline"]: item["season"] for item in news}
    assert seasons["Heartstopper status: running -> ended"] is None
    assert seasons["Heartstopper season 2 episode count: 8 -> 10"] == 2


def test_a_role_changed_by_hand_is_announced(runner: Runner) -> None:
    invoke = seeded(runner)
    new_news(invoke, {})
    args = ("edit", "cast", "heartstopper", "--season", "2", "--actor", "Jack Barton")
    ok(invoke(*args, "--character", "Dave Nelson", env_extra=LATER))
    (item,) = new_news(invoke, LATER_STILL)
    assert item["headline"] == (
        "Heartstopper season 2: Jack Barton's role changed: David Nelson -> Dave Nelson"
    )


def test_a_premiere_set_for_the_first_time_is_announced(runner: Runner, tmp_path: Path) -> None:
    invoke = seeded(runner)
    doc = pack(seasons=[{"number": 3, "premiere": "2024"}])
    report = import_json(invoke, write(tmp_path / "s3.json", doc))
    assert report["changes"] == ["Heartstopper season 3 premiere set: TBA -> 2024"]


def test_restating_a_fact_records_no_change(runner: Runner, tmp_path: Path) -> None:
    invoke = seeded(runner)
    doc = pack(
        status="running",
        seasons=[{"number": 2, "premiere": "3 Aug 2023", "episodes": 8, "status": "scheduled"}],
        credits=[{"season": 2, "actor": "Jack Barton", "character": "David Nelson"}],
    )
    before = invoke.db.read_bytes()
    report = import_json(invoke, write(tmp_path / "same.json", doc))
    assert report["changes"] == []
    assert not any(added or updated for added, updated, _ in counts(report).values())
    assert invoke.db.read_bytes() == before


def test_report_document_shape(runner: Runner, tmp_path: Path) -> None:
    invoke = seeded(runner)
    report = import_json(invoke, write(tmp_path / "m.json", pack(seasons=[{"number": 4}])))
    assert set(report["counts"]) == set(TABLES)
    for table in TABLES:
        assert set(report["counts"][table]) == {"added", "updated", "unchanged", "removed"}
    assert counts(report)["seasons"] == (1, 0, 0)
    assert counts(report)["shows"] == (0, 0, 1)
    assert isinstance(report["changes"], list)


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "incoming",
    [
        Dataset(seasons=[Season(show="nosuch", number=1)]),
        Dataset(credits=[Credit(show="nosuch", season=1, actor="A. Person")]),
        Dataset(announcements=[Announcement(show="nosuch", kind="other", headline="Hello")]),
    ],
    ids=["season", "credit", "announcement"],
)
def test_a_record_of_an_unknown_show_is_refused_and_nothing_is_written(
    seeded: store.Store, db_path: Path, incoming: Dataset
) -> None:
    before = db_path.read_bytes()
    # a known show's record in the same input must not be written either
    incoming.seasons.append(Season(show="heartstopper", number=2, episodes=99))
    with pytest.raises(DataError, match="unknown show 'nosuch'"):
        merge(seeded, incoming, origin="test pack")
    assert db_path.read_bytes() == before


def test_an_unknown_show_without_its_facts_is_refused_by_import(
    runner: Runner, tmp_path: Path
) -> None:
    invoke = seeded(runner)
    before = invoke.db.read_bytes()
    doc = {
        "shows": [
            {"slug": "nosuch", "announcements": [{"kind": "other", "headline": "Hello"}]},
        ]
    }
    result = invoke("import", str(write(tmp_path / "unknown.json", doc)))
    assert result.exit_code == 1
    assert "unknown.json: shows[0].title: is required" in result.stderr
    assert result.stdout == ""
    assert_clean(result)
    assert invoke.db.read_bytes() == before


# --- one write ----------------------------------------------------------------------------------


@pytest.fixture
def replaces(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every os.replace call (the atomic write's rename), by target path."""
    calls: list[str] = []
    real = os.replace

    def counting(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        calls.append(str(dst))
        real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", counting)
    return calls


def test_an_import_of_ten_thousand_announcements_writes_the_file_once(
    runner: Runner, tmp_path: Path, replaces: list[str]
) -> None:
    invoke = seeded(runner)
    replaces.clear()
    news = [
        {
            "date": f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "kind": "other",
            "headline": f"Item {i}",
        }
        for i in range(10_000)
    ]
    big = write(
        tmp_path / "big.json", pack(seasons=[{"number": 2, "episodes": 9}], announcements=news)
    )
    inode = invoke.db.stat().st_ino
    report = import_json(invoke, big)
    assert counts(report)["announcements"] == (10_001, 0, 0)  # and the episode-count change
    # one commit: each news file written once, the database file replaced once, last
    assert replaces[-1] == str(invoke.db.resolve())
    assert replaces.count(str(invoke.db.resolve())) == 1
    assert len(replaces) == len(set(replaces))
    news = invoke.db.resolve().with_name(invoke.db.name + ".news")
    assert all(Path(name).parent == news for name in replaces[:-1])
    assert invoke.db.stat().st_ino != inode  # replaced, not rewritten in place

    replaces.clear()
    import_json(invoke, big)
    assert replaces == []  # nothing changed: nothing written


def test_a_hand_edit_with_several_changes_is_one_write(runner: Runner, replaces: list[str]) -> None:
    invoke = seeded(runner)
    replaces.clear()
    ok(
        invoke(
            "edit",
            "season",
            "heartstopper",
            "2",
            "--premiere",
            "2023-08-10",
            "--episodes",
            "10",
            "--status",
            "released",
        )  # fmt: skip
    )
    assert replaces.count(str(invoke.db.resolve())) == 1  # one commit
    assert replaces[-1] == str(invoke.db.resolve())
    raw = raw_database(invoke.db)
    kinds = [doc["kind"] for doc in raw["announcements"].values()]
    assert kinds.count("change") == 3


@pytest.mark.parametrize(
    ("was", "became", "verb"),
    [
        (None, "2023-08-03", "premiere set"),
        ("2023-08-03", "2023-08-10", "premiere moved"),
        ("2023-08-03", "2023-08-03T07:00+00:00", "premiere time set"),
        ("2023-08", "2023-08-03", "premiere narrowed"),
        ("2023", "2023-08", "premiere narrowed"),
        ("2023-08", "2023-09-01", "premiere moved"),  # outside the month it said
        ("2023-08-03", "2023-08", "premiere moved"),  # less exact is not narrower
        ("2023-08-03T07:00+00:00", "2023-08-03T09:00+00:00", "premiere moved"),
    ],
)
def test_a_premiere_change_says_whether_it_moved_or_became_more_exact(
    was: str | None, became: str, verb: str
) -> None:
    from showtrack.changes import change_headline

    headline = change_headline("Heartstopper", 2, "premiere", was, became)
    assert headline.startswith(f"Heartstopper season 2 {verb}: ")
