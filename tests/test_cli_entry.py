"""Hand entry through the CLI: add, edit and remove, with every value checked before a write."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import Result

from conftest import assert_clean, ok, raw_database

Invoke = Callable[..., Result]
Runner = Callable[..., Invoke]

LATER = {"SHOWTRACK_NOW": "2023-05-25T09:30:00+01:00"}


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def exported(invoke: Invoke, *args: str) -> dict[str, Any]:
    doc = as_json(invoke("export", *args))
    assert isinstance(doc, dict)
    return doc


def show_of(invoke: Invoke, slug: str) -> dict[str, Any]:
    (show,) = exported(invoke, slug)["shows"]
    assert isinstance(show, dict)
    return show


def season_of(invoke: Invoke, slug: str, number: int) -> dict[str, Any] | None:
    return next((s for s in show_of(invoke, slug)["seasons"] if s["number"] == number), None)


def credit_of(invoke: Invoke, slug: str, season: int, actor: str) -> dict[str, Any] | None:
    credits = show_of(invoke, slug)["credits"]
    return next((c for c in credits if c["season"] == season and c["actor"] == actor), None)


def add_the_bear(invoke: Invoke) -> None:
    ok(
        invoke(
            "add",
            "show",
            "The Bear",
            "--network",
            "FX",
            "--timezone",
            "America/New_York",
            "--status",
            "running",
        )  # fmt: skip
    )


# --- add -------------------------------------------------------------------------------------


def test_add_show_with_every_field(invoke: Invoke) -> None:
    result = ok(
        invoke(
            "add",
            "show",
            "The Bear (2022)!",
            "--alias",
            "Bear",
            "--alias",
            "TB",
            "--network",
            "FX",
            "--country",
            "US",
            "--language",
            "English",
            "--genre",
            "Drama",
            "--genre",
            "Comedy",
            "--timezone",
            "America/New_York",
            "--creator",
            "Christopher Storer",
            "--based-on",
            "nothing",
            "--status",
            "running",
            "--summary",
            "A chef runs a sandwich shop.",
            "--source",
            "FX press",
        )  # fmt: skip
    )
    assert "Added The Bear (2022)! as the-bear-2022." in result.stderr
    assert show_of(invoke, "the-bear-2022") == {
        "slug": "the-bear-2022",
        "title": "The Bear (2022)!",
        "aliases": ["Bear", "TB"],
        "network": "FX",
        "country": "US",
        "language": "English",
        "genres": ["Drama", "Comedy"],
        "timezone": "America/New_York",
        "creator": "Christopher Storer",
        "based_on": "nothing",
        "status": "running",
        "summary": "A chef runs a sandwich shop.",
        "source": "FX press",
        "seasons": [],
        "credits": [],
        "announcements": [],
    }
    shows = as_json(invoke("shows", "--json"))["shows"]
    assert {s["slug"] for s in shows} == {"heartstopper", "the-bear-2022"}
    assert ok(invoke("show", "TB")).stdout  # the alias finds it


def test_add_show_with_its_own_slug(invoke: Invoke) -> None:
    ok(invoke("add", "show", "Le Bureau des Légendes", "--slug", "bureau"))
    assert show_of(invoke, "bureau")["title"] == "Le Bureau des Légendes"


def test_add_season_with_every_field(invoke: Invoke) -> None:
    add_the_bear(invoke)
    result = ok(
        invoke(
            "add",
            "season",
            "the-bear",
            "3",
            "--episodes",
            "10",
            "--runtime",
            "20-40",
            "--premiere",
            "2024-06-26T22:00",
            "--status",
            "scheduled",
            "--source-material",
            "original",
            "--synopsis",
            "Carmy opens the restaurant.",
            "--source",
            "FX",
        )  # fmt: skip
    )
    assert "Added season 3 of The Bear." in result.stderr
    assert season_of(invoke, "the-bear", 3) == {
        "number": 3,
        "episodes": 10,
        "runtime": {"min": 20, "max": 40},
        "premiere": "2024-06-26T22:00-04:00",  # read in the show's zone (EDT)
        "status": "scheduled",
        "source_material": "original",
        "synopsis": "Carmy opens the restaurant.",
        "source": "FX",
    }


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2023-08-03", "2023-08-03"),
        ("Dec 2022", "2022-12"),
        ("2024", "2024"),
        ("TBA", None),
        ("3 Aug 2023", "2023-08-03"),
        ("2023-08-03T00:00-07:00", "2023-08-03T00:00-07:00"),
    ],
)
def test_premiere_takes_the_partial_date_grammar(
    invoke: Invoke, typed: str, stored: str | None
) -> None:
    ok(invoke("add", "season", "heartstopper", "4", "--premiere", typed))
    season = season_of(invoke, "heartstopper", 4)
    assert season is not None
    assert season.get("premiere") == stored


def test_single_runtime_is_a_one_value_range(invoke: Invoke) -> None:
    ok(invoke("add", "season", "heartstopper", "4", "--runtime", "25"))
    assert season_of(invoke, "heartstopper", 4) == {"number": 4, "runtime": {"min": 25, "max": 25}}


def test_timed_premiere_with_tz_counts_down_in_hours(invoke: Invoke) -> None:
    add_the_bear(invoke)
    ok(
        invoke(
            "add",
            "season",
            "the-bear",
            "2",
            "--premiere",
            "2023-06-22T00:00",
            "--tz",
            "America/Los_Angeles",
        )  # fmt: skip
    )
    season = season_of(invoke, "the-bear", 2)
    assert season is not None
    assert season["premiere"] == "2023-06-22T00:00-07:00"  # midnight Pacific, PDT

    doc = as_json(invoke("countdown", "the-bear", "--json"))
    (row,) = doc["premieres"]
    assert (row["season"], row["precision"], row["state"]) == (2, "time", "upcoming")
    # 2023-05-24T11:00Z -> 2023-06-22T07:00Z
    assert (row["days"], row["hours"]) == (28, 20)
    assert row["countdown"] == "in 28 days 20 hours"
    assert "in 28 days 20 hours" in ok(invoke("countdown", "the-bear")).stdout


def test_a_time_without_offset_or_zone_is_refused(invoke: Invoke) -> None:
    ok(invoke("add", "show", "Zoneless"))
    before = invoke.db.read_bytes()
    result = invoke("add", "season", "zoneless", "1", "--premiere", "2024-06-26T22:00")
    assert result.exit_code == 2
    assert "needs a UTC offset or a time zone" in result.stderr
    assert invoke.db.read_bytes() == before


def test_add_cast(invoke: Invoke) -> None:
    result = ok(
        invoke(
            "add",
            "cast",
            "heartstopper",
            "--season",
            "3",
            "--actor",
            "Leila Khan",
            "--character",
            "Sahar Zahid",
            "--note",
            "back for more",
            "--status",
            "returning",
            "--source",
            "Netflix",
        )  # fmt: skip
    )
    assert "Added Leila Khan to season 3 of Heartstopper." in result.stderr
    cast = as_json(invoke("cast", "heartstopper", "--season", "3", "--json"))["cast"]
    assert [(m["actor"], m["character"], m["note"], m["status"]) for m in cast] == [
        ("Leila Khan", "Sahar Zahid", "back for more", "returning")
    ]


def test_add_news_and_again_is_already_known(invoke: Invoke) -> None:
    args = (
        "add", "news", "heartstopper", "--date", "2023-06-01", "--kind", "trailer",
        "--headline", "Teaser is out", "--source", "Netflix", "--url", "https://example.org/t",
        "--season", "2", "--body", "Ninety seconds of it.",
    )  # fmt: skip
    first = ok(invoke(*args))
    assert "Added news " in first.stderr
    news = as_json(invoke("news", "--peek", "--json"))["announcements"]
    (item,) = [n for n in news if n["headline"] == "Teaser is out"]
    assert item["date"] == "2023-06-01"
    assert (item["kind"], item["season"], item["source"], item["url"], item["body"]) == (
        "trailer",
        2,
        "Netflix",
        "https://example.org/t",
        "Ninety seconds of it.",
    )
    assert item["id"][:8] in first.stderr

    second = ok(invoke(*args))
    assert f"Already known (news {item['id'][:8]}); nothing changed." in second.stderr
    assert len(as_json(invoke("news", "--peek", "--json"))["announcements"]) == len(news)


def test_add_news_defaults_to_undated_other(invoke: Invoke) -> None:
    ok(invoke("add", "news", "heartstopper", "--headline", "Something happened"))
    (item,) = [
        a
        for a in show_of(invoke, "heartstopper")["announcements"]
        if a["headline"] == "Something happened"
    ]
    assert item == {"kind": "other", "headline": "Something happened"}


def test_add_news_with_a_month_date(invoke: Invoke) -> None:
    ok(invoke("add", "news", "heartstopper", "--headline", "Wrap party", "--date", "Dec 2022"))
    (item,) = [
        a for a in show_of(invoke, "heartstopper")["announcements"] if a["headline"] == "Wrap party"
    ]
    assert item["date"] == "2022-12"


# --- edit ------------------------------------------------------------------------------------


def test_edit_show(invoke: Invoke) -> None:
    result = ok(invoke("edit", "show", "heartstopper", "--status", "ended", env_extra=LATER))
    assert "Recorded: Heartstopper status: running -> ended" in result.stderr
    assert "Updated Heartstopper." in result.stderr
    show = show_of(invoke, "heartstopper")
    assert show["status"] == "ended"
    assert show["network"] == "Netflix"  # untouched fields stay


def test_edit_show_with_an_empty_value_clears_the_field(invoke: Invoke) -> None:
    ok(invoke("edit", "show", "heartstopper", "--network", "", "--creator", ""))
    show = show_of(invoke, "heartstopper")
    assert "network" not in show
    assert "creator" not in show
    assert show["country"] == "GB"


def test_edit_season(invoke: Invoke) -> None:
    result = ok(
        invoke("edit", "season", "heartstopper", "2", "--premiere", "2023-08-10", "--episodes", "9")
    )
    assert (
        "Recorded: Heartstopper season 2 premiere moved: 3 Aug 2023 -> 10 Aug 2023" in result.stderr
    )
    assert "Recorded: Heartstopper season 2 episode count: 8 -> 9" in result.stderr
    assert "Updated season 2 of Heartstopper." in result.stderr
    season = season_of(invoke, "heartstopper", 2)
    assert season is not None
    assert (season["premiere"], season["episodes"], season["runtime"]) == (
        "2023-08-10",
        9,
        {"min": 20, "max": 30},
    )


def test_edit_season_with_empty_values_clears_fields(invoke: Invoke) -> None:
    ok(invoke("edit", "season", "heartstopper", "2", "--synopsis", "", "--source-material", ""))
    season = season_of(invoke, "heartstopper", 2)
    assert season is not None
    assert "synopsis" not in season
    assert "source_material" not in season
    assert season["premiere"] == "2023-08-03"


def test_edit_season_premiere_to_tba(invoke: Invoke) -> None:
    result = ok(invoke("edit", "season", "heartstopper", "2", "--premiere", ""))
    assert "premiere moved: 3 Aug 2023 -> TBA" in result.stderr
    season = season_of(invoke, "heartstopper", 2)
    assert season is not None
    assert "premiere" not in season


def test_edit_with_nothing_new_changes_nothing(invoke: Invoke) -> None:
    before = invoke.db.read_bytes()
    result = ok(invoke("edit", "season", "heartstopper", "2", "--episodes", "8"))
    assert "Nothing changed." in result.stderr
    assert invoke.db.read_bytes() == before


def test_edit_timed_premiere_keeps_its_instant_when_other_fields_change(invoke: Invoke) -> None:
    add_the_bear(invoke)
    ok(invoke("add", "season", "the-bear", "3", "--premiere", "2024-06-26T22:00"))
    result = ok(invoke("edit", "season", "the-bear", "3", "--episodes", "10"))
    assert "premiere" not in result.stderr  # no spurious "premiere moved"
    season = season_of(invoke, "the-bear", 3)
    assert season is not None
    assert season["premiere"] == "2024-06-26T22:00-04:00"


def test_edit_cast(invoke: Invoke) -> None:
    args = ("edit", "cast", "heartstopper", "--season", "2", "--actor", "evan ovenell")
    result = ok(invoke(*args, "--character", "Mr. X"))
    assert "Recorded: Heartstopper season 2: Evan Ovenell's role changed: unknown -> Mr. X" in (
        result.stderr
    )
    credit = credit_of(invoke, "heartstopper", 2, "Evan Ovenell")
    assert credit is not None
    assert (credit["character"], credit["status"]) == ("Mr. X", "new")


def test_edit_cast_with_an_empty_value_clears_the_field(invoke: Invoke) -> None:
    args = ("edit", "cast", "heartstopper", "--season", "2", "--actor", "Jack Barton")
    ok(invoke(*args, "--note", ""))
    credit = credit_of(invoke, "heartstopper", 2, "Jack Barton")
    assert credit is not None
    assert "note" not in credit
    assert credit["character"] == "David Nelson"


# --- remove ----------------------------------------------------------------------------------


def test_remove_show_takes_everything_about_it(invoke: Invoke) -> None:
    add_the_bear(invoke)
    ok(invoke("add", "season", "the-bear", "3"))
    ok(invoke("add", "cast", "the-bear", "--season", "3", "--actor", "Jeremy Allen White"))
    ok(invoke("add", "news", "the-bear", "--headline", "Renewed"))
    result = ok(invoke("remove", "show", "the-bear", "--yes"))
    assert (
        "Removed The Bear with its 1 season, 1 credit, 1 announcement and 0 followed feeds."
        in result.stderr
    )
    doc = exported(invoke)
    assert [s["slug"] for s in doc["shows"]] == ["heartstopper"]
    raw = raw_database(invoke.db)
    for table in ("seasons", "credits", "announcements"):
        assert all(r["show"] == "heartstopper" for r in raw[table].values()), table
    missing = invoke("show", "the-bear")
    assert missing.exit_code == 1


def test_remove_season(invoke: Invoke) -> None:
    result = ok(invoke("remove", "season", "heartstopper", "3", "-y"))
    assert "Removed season 3 of Heartstopper." in result.stderr
    assert [s["number"] for s in show_of(invoke, "heartstopper")["seasons"]] == [1, 2]


def test_remove_cast(invoke: Invoke) -> None:
    args = ("remove", "cast", "heartstopper", "--season", "2", "--actor", "EVAN OVENELL", "--yes")
    ok(invoke(*args))
    assert credit_of(invoke, "heartstopper", 2, "Evan Ovenell") is None
    assert credit_of(invoke, "heartstopper", 2, "Jack Barton") is not None
    assert credit_of(invoke, "heartstopper", 1, "Joe Locke") is not None


def test_remove_news_by_id_prefix(invoke: Invoke) -> None:
    news = as_json(invoke("news", "--peek", "--json"))["announcements"]
    target = next(n for n in news if n["kind"] == "rumor")
    result = ok(invoke("remove", "news", "heartstopper", target["id"][:8].upper(), "--yes"))
    assert target["headline"] in result.stderr
    after = as_json(invoke("news", "--peek", "--json"))["announcements"]
    assert {n["id"] for n in after} == {n["id"] for n in news} - {target["id"]}


REMOVALS = [
    ("remove", "show", "heartstopper"),
    ("remove", "season", "heartstopper", "2"),
    ("remove", "cast", "heartstopper", "--season", "2", "--actor", "Jack Barton"),
    ("remove", "news", "heartstopper", "PLACEHOLDER"),
]


@pytest.mark.parametrize("args", REMOVALS, ids=lambda a: a[1])
def test_remove_without_yes_off_a_terminal_is_refused(
    invoke: Invoke, args: tuple[str, ...]
) -> None:
    if args[-1] == "PLACEHOLDER":
        news = as_json(invoke("news", "--peek", "--json"))["announcements"]
        args = (*args[:-1], news[0]["id"])
    before = invoke.db.read_bytes()
    result = invoke(*args)  # CliRunner's stdin is not a terminal
    assert result.exit_code == 2
    assert "pass --yes" in result.stderr
    assert result.stdout == ""
    assert_clean(result)
    assert invoke.db.read_bytes() == before


# --- refusals ----------------------------------------------------------------------------------

REFUSALS = [
    # (args, exit code, phrase in the message)
    (("add", "season", "nosuch", "4"), 1, "nosuch"),
    (("add", "cast", "nosuch", "--season", "1", "--actor", "A"), 1, "nosuch"),
    (("add", "news", "nosuch", "--headline", "Hi"), 1, "nosuch"),
    (("edit", "show", "nosuch", "--status", "ended"), 1, "nosuch"),
    (("remove", "show", "nosuch", "--yes"), 1, "nosuch"),
    (("add", "season", "heartstopper", "4", "--episodes", "-1"), 2, "--episodes"),
    (("edit", "season", "heartstopper", "2", "--episodes", "-3"), 2, "--episodes"),
    (("add", "season", "heartstopper", "4", "--premiere", "2023-13-01"), 2, "no month 13"),
    (("add", "season", "heartstopper", "4", "--premiere", "2023-02-30"), 2, "--premiere"),
    (("add", "season", "heartstopper", "4", "--premiere", "soon-ish"), 2, "--premiere"),
    (("edit", "season", "heartstopper", "2", "--premiere", "31/31/2023"), 2, "--premiere"),
    (("add", "news", "heartstopper", "--headline", "Hi", "--date", "2023-13"), 2, "--date"),
    (
        (
            "add",
            "season",
            "heartstopper",
            "4",
            "--premiere",
            "2024-06-26T22:00",
            "--tz",
            "Mars/Base",
        ),
        2,
        "Mars/Base",
    ),
    # an unknown --tz is refused even when the premiere carries no time
    (
        ("add", "season", "heartstopper", "4", "--premiere", "2024-06-26", "--tz", "Mars/Base"),
        2,
        "Mars/Base",
    ),
    (
        ("edit", "season", "heartstopper", "2", "--episodes", "9", "--tz", "Mars/Base"),
        2,
        "Mars/Base",
    ),
    (("add", "show", "The Bear", "--timezone", "Mars/Base"), 2, "--timezone"),
    (("edit", "show", "heartstopper", "--timezone", "Mars/Base"), 2, "--timezone"),
    (("add", "season", "heartstopper", "4", "--runtime", "abc"), 2, "--runtime"),
    (("add", "season", "heartstopper", "4", "--runtime", "30-20"), 2, "--runtime"),
    (("add", "season", "heartstopper", "4", "--runtime", "0"), 2, "--runtime"),
    (("edit", "season", "heartstopper", "2", "--runtime", "-5"), 2, "--runtime"),
    (("add", "season", "heartstopper", "4", "--status", "rumoured"), 2, "--status"),
    (("edit", "season", "heartstopper", "2", "--status", "done"), 2, "--status"),
    (
        ("add", "cast", "heartstopper", "--season", "2", "--actor", "A", "--status", "old"),
        2,
        "--status",
    ),
    (("add", "news", "heartstopper", "--headline", "Hi", "--kind", "gossip"), 2, "--kind"),
    (("add", "news", "heartstopper", "--headline", "   "), 2, "--headline"),
    (("add", "show", "   "), 2, ""),
    (("add", "show", "The Bear", "--slug", "Not A Slug"), 2, "--slug"),
    (("add", "show", "Heartstopper"), 1, "already exists"),
    (("add", "season", "heartstopper", "2"), 1, "already has season 2"),
    (("add", "cast", "heartstopper", "--season", "2", "--actor", "jack barton"), 1, "already"),
    (("edit", "season", "heartstopper", "9", "--episodes", "3"), 1, "no season 9"),
    (
        ("edit", "cast", "heartstopper", "--season", "2", "--actor", "Nobody", "--note", "x"),
        1,
        "Nobody",
    ),
    (("edit", "show", "heartstopper", "--title", ""), 2, "--title"),
    (("remove", "season", "heartstopper", "9", "--yes"), 1, "no season 9"),
    (
        ("remove", "cast", "heartstopper", "--season", "2", "--actor", "Nobody", "--yes"),
        1,
        "Nobody",
    ),
    (("remove", "news", "heartstopper", "zzzzzzzz", "--yes"), 1, "zzzzzzzz"),
    (("remove", "news", "heartstopper", "", "--yes"), 2, "Give the announcement's id"),
]


@pytest.mark.parametrize(
    ("args", "code", "phrase"), REFUSALS, ids=[" ".join(a[0]) for a in REFUSALS]
)
def test_bad_values_are_refused_and_nothing_is_written(
    invoke: Invoke, args: tuple[str, ...], code: int, phrase: str
) -> None:
    before = invoke.db.read_bytes()
    result = invoke(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert phrase in result.stderr
    assert result.stdout == ""
    assert_clean(result)
    assert invoke.db.read_bytes() == before
