"""A name means one show, and hand entry refuses what the data can't hold (issue 14)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from conftest import Invoker, assert_clean, ok

Runner = Callable[..., Invoker]


def shows(invoke: Invoker) -> list[dict[str, Any]]:
    return list(json.loads(ok(invoke("shows", "--json")).stdout)["shows"])


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Élite", "elite"),
        ("Pokémon", "pokemon"),
        ("Straße der Besten", "strasse-der-besten"),
        ("진격의 거인", "jingyeogui-geoin"),
        ("The Bear (2022)!", "the-bear-2022"),
    ],
)
def test_slugs_are_transliterated(invoke: Invoker, title: str, slug: str) -> None:
    result = ok(invoke("add", "show", title))
    assert f"as {slug}." in result.stderr
    assert ok(invoke("show", slug, "--json"))


@pytest.mark.parametrize(
    "args",
    [
        ["add", "show", "heart-stopper"],  # its slug and title name Heartstopper
        ["add", "show", "Heart Stopper", "--slug", "hs2"],
        ["add", "show", "Other", "--alias", "Heartstopper"],
    ],
)
def test_a_new_name_that_would_clash_is_refused(invoke: Invoker, args: list[str]) -> None:
    before = invoke.db.read_bytes()
    result = invoke(*args)
    assert result.exit_code == 1
    assert_clean(result)
    assert "would also name Heartstopper (heartstopper)" in result.stderr
    assert invoke.db.read_bytes() == before


def test_an_alias_can_name_one_show_only(invoke: Invoker) -> None:
    ok(invoke("add", "show", "Other", "--alias", "hs"))
    result = invoke("edit", "show", "heartstopper", "--alias", "HS")
    assert result.exit_code == 1
    assert "would also name Other (other)" in result.stderr
    assert json.loads(ok(invoke("show", "hs", "--json")).stdout)["show"]["slug"] == "other"


def test_a_name_that_several_shows_answer_to_lists_them(invoke: Invoker) -> None:
    """A database written before names were checked can hold a clash: it is an error,
    never a silent pick."""
    raw = json.loads(invoke.db.read_bytes())
    twin = dict(next(iter(raw["shows"].values())), slug="heartstopper-us", title="Heartstopper US")
    twin["aliases"] = ["HS"]
    raw["shows"]["99"] = twin
    first = next(iter(raw["shows"].values()))
    first["aliases"] = ["HS"]
    raw["state"]["1"].pop("news")
    invoke.db.write_text(json.dumps(raw), encoding="utf-8")
    result = invoke("cast", "hs")
    assert result.exit_code == 1
    assert_clean(result)
    assert "'hs' names 2 shows: heartstopper (Heartstopper), heartstopper-us" in result.stderr
    assert ok(invoke("cast", "heartstopper-us"))  # a slug typed exactly is never ambiguous


def test_cast_and_news_for_a_season_that_does_not_exist_are_refused(invoke: Invoker) -> None:
    before = invoke.db.read_bytes()
    for args in (
        ["add", "cast", "heartstopper", "--season", "9", "--actor", "Somebody"],
        ["add", "news", "heartstopper", "--season", "9", "--headline", "Season 9!"],
    ):
        result = invoke(*args)
        assert result.exit_code == 1, result.stderr
        assert "has no season 9" in result.stderr
        assert "showtrack add season heartstopper 9" in result.stderr
    assert invoke.db.read_bytes() == before


def test_the_default_cast_season_has_a_record_of_its_own(invoke: Invoker) -> None:
    raw = json.loads(invoke.db.read_bytes())
    doc = next(iter(raw["credits"].values()))
    raw["credits"]["999"] = {**doc, "season": 9, "actor": "Stray Credit"}
    raw["state"]["1"].pop("news")
    invoke.db.write_text(json.dumps(raw), encoding="utf-8")
    cast = json.loads(ok(invoke("cast", "heartstopper", "--json")).stdout)
    assert cast["season"] == 2


def test_known_news_added_again_changes_nothing_or_is_an_update(invoke: Invoker) -> None:
    args = ["add", "news", "heartstopper", "--headline", "Teaser", "--date", "2023-06-01"]
    ok(invoke(*args))
    before = invoke.db.read_bytes()
    again = ok(invoke(*args))
    assert "nothing changed" in again.stderr
    assert invoke.db.read_bytes() == before
    updated = ok(invoke(*args, "--url", "https://example.org/teaser"))
    assert "Updated news" in updated.stderr
    items = json.loads(ok(invoke("news", "--peek", "--json")).stdout)["announcements"]
    assert [i["url"] for i in items if i["headline"] == "Teaser"] == ["https://example.org/teaser"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["edit", "show", "heartstopper", "--status", "on hiatus lol"], "--status"),
        (
            ["add", "news", "heartstopper", "--headline", "x", "--url", "javascript:alert(1)"],
            "--url",
        ),
        (
            ["add", "news", "heartstopper", "--headline", "x", "--url", "ftp://example.org/"],
            "--url",
        ),
    ],
)
def test_values_outside_the_model_are_refused(invoke: Invoker, args: list[str], field: str) -> None:
    before = invoke.db.read_bytes()
    result = invoke(*args)
    assert result.exit_code == 2
    assert field in result.stderr
    assert invoke.db.read_bytes() == before
