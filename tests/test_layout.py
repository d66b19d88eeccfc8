"""Tables that keep their information at any width (issue 14): columns give width to
each other before a word is cut, a word is cut only when it has no space or hyphen to
break at, and a link is never cut."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Invoker, ok
from showtrack.layout import Table, cell_width, plain, wrap


def lines_of(table: Table, width: int) -> list[str]:
    return plain(table.render(width)).splitlines()


def test_narrow_columns_keep_their_width_while_a_wide_one_gives_way() -> None:
    table = Table(["Id", "Kind", "News"])
    table.add_row("ebe4b92e", "synopsis", "Official season 2 synopsis released by Netflix today")
    rows = lines_of(table, 40)
    assert rows[0].split() == ["Id", "Kind", "News"]
    assert rows[2].startswith("ebe4b92e   synopsis   Official")
    assert all(len(row) <= 40 for row in rows)


def test_words_are_never_cut_where_a_space_or_hyphen_exists() -> None:
    table = Table(["Date", "Show", "S", "Kind", "News"])
    for kind in ("filming-started", "release-date", "casting-call"):
        table.add_row("24 Apr 2023", "Heartstopper", "S2", kind, "Principal photography begins")
    text = plain(table.render(60))
    words = set(re.findall(r"[\w'-]+", text))
    assert {"Heartstopper", "photography", "Principal"} <= words
    assert "filming-" in text
    assert "started" in text
    assert not any(cut in words for cut in ("Heartsto", "pper", "photogra", "filmin"))


def test_a_link_is_never_cut_even_past_the_edge() -> None:
    link = "https://news.example.org/tv/heartstopper/feeds/rss-latest-updates.xml"
    assert wrap(f"see {link} now", 30) == ["see", link, "now"]
    table = Table(["Show", "Feed"])
    table.add_row("heartstopper", link)
    assert any(link in row for row in lines_of(table, 50))


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(st.text("abcdefghij", min_size=1, max_size=9), min_size=1, max_size=12),
    width=st.integers(10, 40),
)
def test_wrapping_keeps_every_word_whole_when_it_fits(words: list[str], width: int) -> None:
    lines = wrap(" ".join(words), width)
    assert all(cell_width(line) <= width for line in lines)
    assert " ".join(lines).split() == words  # no word cut, none lost


@pytest.mark.parametrize("columns", ["60", "80", "120"])
@pytest.mark.parametrize(
    "args", [["news", "--peek"], ["cast", "heartstopper"], ["shows"], ["show", "heartstopper"]]
)
def test_the_bundled_tables_cut_no_word_at_common_widths(
    invoke: Invoker, columns: str, args: list[str]
) -> None:
    ok(invoke("add", "show", "Another Show"))  # several shows: the Show column is there too
    text = ok(invoke(*args, env_extra={"COLUMNS": columns})).stdout
    assert all(cell_width(line) <= int(columns) for line in text.splitlines())
    for word in ("Heartstopper", "photography", "Principal", "Netflix", "returning"):
        pieces = [word[:k] for k in range(3, len(word) - 2)]
        assert not any(re.search(rf"\b{p}$", line) for line in text.splitlines() for p in pieces), (
            f"{word} cut at {columns} columns"
        )


def test_feed_urls_are_whole_at_80_columns(invoke: Invoker) -> None:
    url = "https://news.example.org/tv/heartstopper/feeds/rss-latest-updates.xml"
    ok(invoke("feed", "add", "heartstopper", url))
    listed = ok(invoke("feed", "list", env_extra={"COLUMNS": "80"})).stdout
    assert url in listed
