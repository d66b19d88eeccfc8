"""News you can find again, and corrections that leave no noise (issue 14)."""

from __future__ import annotations

import json
from typing import Any

from conftest import Invoker, ok


def news(invoke: Invoker, *args: str) -> Any:
    return json.loads(ok(invoke("news", "--json", *args)).stdout)


def headlines(doc: dict[str, Any]) -> list[str]:
    return [item["headline"] for item in doc["announcements"]]


def test_all_lists_every_announcement_undated_ones_too_and_records_nothing(
    invoke: Invoker,
) -> None:
    news(invoke)  # after a check, the undated bundled news is in no other view
    assert news(invoke)["announcements"] == []
    everything = news(invoke, "--all")
    assert everything["mode"] == "all"
    assert len(everything["announcements"]) == 12
    assert sum(item["date"] is None for item in everything["announcements"]) == 7
    assert everything["recorded_check"] is False
    table = ok(invoke("news", "--all")).stdout
    assert table.startswith("All news: 12\n")
    assert "Alice Oseman hopes for four seasons in all" in table


def test_tables_show_short_ids_that_edit_and_remove_take(invoke: Invoker) -> None:
    table = ok(invoke("news", "--all", env_extra={"COLUMNS": "120"})).stdout
    line = next(
        line for line in table.splitlines() if "Radio Times" in line or "four seasons" in line
    )
    short = line.split()[0]
    assert len(short) == 8
    ok(invoke("edit", "news", "heartstopper", short, "--date", "2023-05"))
    edited = next(i for i in news(invoke, "--all")["announcements"] if i["id"].startswith(short))
    assert (edited["date"], edited["headline"]) == (
        "2023-05",
        "Alice Oseman hopes for four seasons in all",
    )
    ok(invoke("remove", "news", "heartstopper", short, "--yes"))
    assert len(news(invoke, "--all")["announcements"]) == 11


def test_an_edit_of_news_keeps_its_id_and_is_not_new_again(invoke: Invoker) -> None:
    first = news(invoke)["announcements"][0]
    ok(invoke("edit", "news", "heartstopper", first["id"][:10], "--headline", "Reworded"))
    assert news(invoke)["announcements"] == []  # seen stays seen
    item = next(i for i in news(invoke, "--all")["announcements"] if i["id"] == first["id"])
    assert (item["headline"], item["seq"]) == ("Reworded", first["seq"])


def test_long_shows_the_text_and_the_link(invoke: Invoker) -> None:
    ok(
        invoke(
            "add", "news", "heartstopper", "--headline", "Teaser", "--body", "Nick and Charlie in Paris.",
            "--url", "https://example.org/teaser", "--date", "2023-06-01",
        )
    )  # fmt: skip
    short = ok(invoke("news", "--peek", env_extra={"COLUMNS": "200"})).stdout
    long = ok(invoke("news", "--peek", "--long", env_extra={"COLUMNS": "200"})).stdout
    assert "Nick and Charlie in Paris." not in short
    assert "Nick and Charlie in Paris." in long
    assert "https://example.org/teaser" in long


def test_the_show_column_is_there_whenever_several_shows_are_tracked(invoke: Invoker) -> None:
    ok(invoke("add", "show", "Other Show"))
    news(invoke)
    ok(invoke("add", "news", "heartstopper", "--headline", "Only Heartstopper news"))
    table = ok(invoke("news")).stdout
    assert table.splitlines()[1].split() == ["Id", "Date", "Show", "S", "Kind", "News"]


def test_since_last_before_any_check_is_the_beginning(invoke: Invoker) -> None:
    doc = news(invoke, "--since", "last")
    assert len(doc["announcements"]) == 5  # every dated one


# --- corrections ------------------------------------------------------------------------


def moves(invoke: Invoker, *days: str) -> list[str]:
    notes = []
    for day in days:
        notes.append(ok(invoke("edit", "season", "heartstopper", "2", "--premiere", day)).stderr)
    return notes


def changes(invoke: Invoker) -> list[str]:
    return [i["headline"] for i in news(invoke, "--all")["announcements"] if i["kind"] == "change"]


def test_a_change_undone_before_it_was_seen_leaves_no_news(invoke: Invoker) -> None:
    news(invoke)
    notes = moves(invoke, "2023-08-10", "2023-08-03")
    assert "Withdrawn, as you had not seen it yet" in notes[1]
    assert changes(invoke) == []
    assert news(invoke)["announcements"] == []


def test_two_moves_unseen_are_one_change_from_the_oldest_to_the_newest(invoke: Invoker) -> None:
    news(invoke)
    moves(invoke, "2023-08-10", "2023-08-17")
    assert changes(invoke) == ["Heartstopper season 2 premiere moved: 3 Aug 2023 -> 17 Aug 2023"]
    item = news(invoke)["announcements"][0]
    assert (item["about"], item["was"], item["became"]) == ("premiere", "2023-08-03", "2023-08-17")


def test_a_change_already_seen_stays_and_the_next_is_its_own(invoke: Invoker) -> None:
    news(invoke)
    moves(invoke, "2023-08-10")
    news(invoke)
    moves(invoke, "2023-08-03")
    assert sorted(changes(invoke)) == [
        "Heartstopper season 2 premiere moved: 10 Aug 2023 -> 3 Aug 2023",
        "Heartstopper season 2 premiere moved: 3 Aug 2023 -> 10 Aug 2023",
    ]


def test_folding_is_per_subject(invoke: Invoker) -> None:
    news(invoke)
    moves(invoke, "2023-08-10")
    ok(invoke("edit", "season", "heartstopper", "2", "--episodes", "9"))
    moves(invoke, "2023-08-03")
    assert changes(invoke) == ["Heartstopper season 2 episode count: 8 -> 9"]


def test_a_role_changed_back_unseen_leaves_no_news(invoke: Invoker) -> None:
    news(invoke)
    cast = ["edit", "cast", "heartstopper", "--season", "2", "--actor", "Evan Ovenell"]
    ok(invoke(*cast, "--character", "Mr. X"))
    ok(invoke(*[*cast[:-1], "evan ovenell"], "--character", ""))
    assert changes(invoke) == []
