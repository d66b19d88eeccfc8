"""The choices made for a lean start-up (issue 6) keep their behaviour.

PartialDate and Store are plain slotted classes, the host zone is looked up only
when shown (plain UTC needs no zone database), and a small file is parsed by the
stdlib's json while a large one goes through orjson. Each of these must behave
exactly as the slower thing it replaced.
"""

from __future__ import annotations

import copy
import datetime as datetime_module
import json
import pickle
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conftest import Invoker, legacy_bytes, ok
from showtrack import clock, render, text
from showtrack.dates import PartialDate
from showtrack.errors import DatabaseError
from showtrack.store import layout

# --- PartialDate: a value ---------------------------------------------------------


def test_partial_dates_are_equal_and_hash_by_value() -> None:
    at = datetime(2023, 8, 3, 8, 0, tzinfo=UTC)
    assert PartialDate(2023, 8, 3) == PartialDate(2023, 8, day=3)
    assert PartialDate(2023, 8) != PartialDate(2023, 8, 1)
    assert PartialDate(2023) != PartialDate(2024)
    assert PartialDate(2023, 8, 3, at) != PartialDate(2023, 8, 3)
    # the same instant written in another offset is the same time
    same = at.astimezone(timezone(timedelta(hours=1)))
    assert PartialDate(2023, 8, 3, at) == PartialDate(2023, 8, 3, same)
    assert len({PartialDate(2023, 8, 3), PartialDate(2023, 8, 3), PartialDate(2023, 8)}) == 2
    assert PartialDate(2023) != (2023, None, None, None)  # not a tuple
    assert PartialDate(2023) != "2023"


def test_partial_dates_cannot_be_changed() -> None:
    value = PartialDate(2023, 8, 3)
    with pytest.raises(AttributeError):
        value.year = 2024
    with pytest.raises(AttributeError):
        del value.month
    assert value == PartialDate(2023, 8, 3)


@pytest.mark.parametrize(
    "value",
    [
        PartialDate(2024),
        PartialDate(2022, 12),
        PartialDate(2023, 8, 3),
        PartialDate(2023, 8, 3, datetime(2023, 8, 3, 8, 0, tzinfo=UTC)),
    ],
)
def test_partial_dates_survive_copy_and_pickle(value: PartialDate) -> None:
    assert copy.copy(value) == value
    assert copy.deepcopy(value) == value
    assert pickle.loads(pickle.dumps(value)) == value
    assert eval(repr(value), {"PartialDate": PartialDate, "datetime": datetime_module}) == value


# --- the viewer's zone ------------------------------------------------------------------


def test_plain_utc_is_the_stdlib_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    assert clock.local_zone() is UTC
    monkeypatch.setenv("TZ", ":UTC")
    assert clock.local_zone() is UTC


@pytest.mark.parametrize("name", ["Europe/London", "America/New_York", "Etc/UTC"])
def test_a_named_zone_is_the_zone_database_one(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("TZ", name)
    zone = clock.local_zone()
    assert isinstance(zone, ZoneInfo)
    assert zone.key == name


def test_an_unknown_tz_is_ignored_like_no_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TZ", raising=False)
    host = clock.local_zone()  # /etc/localtime, else UTC
    monkeypatch.setenv("TZ", "Not/AZone")
    assert clock.local_zone() == host


def test_utc_viewers_see_the_same_countdown_either_way(
    invoke: Invoker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # TZ=UTC takes the fast path; Etc/UTC goes through the zone database
    fast = ok(invoke("countdown", "--json", env_extra={"TZ": "UTC"}))
    slow = ok(invoke("countdown", "--json", env_extra={"TZ": "Etc/UTC"}))
    fast_doc, slow_doc = json.loads(fast.stdout), json.loads(slow.stdout)
    assert fast_doc["tz"] == "UTC"
    assert slow_doc["tz"] == "Etc/UTC"
    fast_doc.pop("tz")
    slow_doc.pop("tz")
    assert fast_doc == slow_doc
    assert fast_doc["premieres"], "the bundled data has upcoming premieres"


# --- small files through json, large ones through orjson -----------------------------------


def _padded(extra: dict[str, Any], size: int) -> bytes:
    doc = {"pad": "x" * size, **extra}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("size", [10, layout.SMALL_JSON + 10])
def test_both_parsers_read_what_json_allows(size: int) -> None:
    # integers past 64 bits and lone surrogate escapes: orjson refuses them, JSON allows them
    extra = {"big": 2**70, "neg": -(2**65), "text": "caf\u00e9 \u2603", "n": [1.5, None, True]}
    data = _padded(extra, size).replace(b'"caf', b'"\\ud800caf')
    parsed = layout.loads(data)
    assert parsed["big"] == 2**70
    assert parsed["neg"] == -(2**65)
    assert parsed["text"] == "\ud800caf\u00e9 \u2603"
    assert parsed["n"] == [1.5, None, True]
    assert layout.loads(memoryview(data)) == parsed


def test_a_large_file_goes_through_orjson_and_a_small_one_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import orjson

    calls: list[int] = []
    real = orjson.loads

    def counted(data: Any) -> Any:
        calls.append(len(data))
        return real(data)

    monkeypatch.setattr(orjson, "loads", counted)
    extra = {"text": "caf\u00e9 \u2603 日本語", "n": [1.5, None, True, 2**40]}
    small, large = _padded(extra, 10), _padded(extra, layout.SMALL_JSON + 10)
    assert layout.loads(small) == json.loads(small)
    assert calls == []
    assert layout.loads(large) == json.loads(large)
    assert calls == [len(large)]


@pytest.mark.parametrize("size", [10, layout.SMALL_JSON + 10])
def test_both_parsers_refuse_what_json_refuses(tmp_path: Path, size: int) -> None:
    for bad in (b'{"a": 1,}', b'{"a": 1} trailing', b'{"a": \xff}'):
        data = _padded({"ok": 1}, size)[:-1] + b"," + bad[1:]
        with pytest.raises(DatabaseError):
            layout.parse(tmp_path / "db.json", data)


def _many_news(count: int, text: str) -> dict[str, Any]:
    return {
        "shows": [
            {
                "slug": "big",
                "title": "Big Show",
                "source": "test",
                "seasons": [{"number": 1, "premiere": "2023-06-01", "source": "test"}],
                "announcements": [
                    {
                        "kind": "other",
                        "date": f"2023-{1 + n % 5:02d}-{1 + n % 28:02d}",
                        "headline": f"Headline {n} {text}",
                        "source": "test",
                    }
                    for n in range(count)
                ],
            }
        ]
    }


def test_a_large_news_table_with_a_lone_surrogate_is_read(
    runner: Callable[..., Invoker], make_db: Callable[..., Path]
) -> None:
    db = make_db(_many_news(3000, "x" * 80 + " LONE-SURROGATE"))
    # the single-file layout: a news table that orjson refuses, read by the stdlib
    db.write_bytes(legacy_bytes(db).replace(b"LONE-SURROGATE", b"\\udc80"))
    assert db.stat().st_size > layout.SMALL_JSON  # so the news table goes through orjson first
    result = ok(runner(db)("news", "--peek", "--json"))
    headlines = [item["headline"] for item in json.loads(result.stdout)["announcements"]]
    assert len(headlines) == 3000
    assert all(headline.endswith("\udc80") for headline in headlines)


# --- safe(): printable text passes through untouched ---------------------------------------


def test_every_character_made_visible_is_unprintable() -> None:
    # safe() skips the table for printable text; that is exact only while this holds
    table = text._placeholders()
    assert table
    assert [code for code in table if chr(code).isprintable()] == []


def test_safe_replaces_each_character_of_the_table() -> None:
    table = text._placeholders()
    for code, shown in table.items():
        assert render.safe(f"a{chr(code)}b") == f"a{shown}b"
    assert render.safe("Nick's older brother — café") == "Nick's older brother — café"
    assert render.safe("tab\there") == "tab\there"  # tab and newline are kept
