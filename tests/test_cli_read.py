"""The read commands through CliRunner: --json documents, errors and exit codes, hostile data."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from typer.testing import Result

from conftest import assert_clean
from showtrack import __version__

Invoke = Callable[..., Result]
Runner = Callable[..., Invoke]

READ_COMMANDS = [
    ["shows"],
    ["show", "heartstopper"],
    ["cast", "heartstopper"],
    ["countdown"],
    ["news", "--peek"],
    ["timeline", "heartstopper"],
]


def as_json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return json.loads(result.stdout)


def assert_error(result: Result, code: int, *phrases: str) -> None:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") or code == 2, result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr
    assert_clean(result)


# --- --json ---------------------------------------------------------------------------


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda args: args[0])
def test_every_read_command_prints_one_json_document(runner: Runner, args: list[str]) -> None:
    result = runner()(*args, "--json")
    doc = as_json(result)
    assert isinstance(doc, dict)
    assert result.stdout.endswith("}\n")
    assert result.stdout.count("\n}\n") == 1  # one document, nothing after it


def test_shows_json(runner: Runner) -> None:
    doc = as_json(runner()("shows", "--json"))
    assert doc["as_of"] == "2023-05-24T11:00:00Z"
    assert doc["tz"] == "Europe/London"
    (show,) = doc["shows"]
    assert {k: show[k] for k in ("slug", "title", "network", "status", "seasons", "released")} == {
        "slug": "heartstopper",
        "title": "Heartstopper",
        "network": "Netflix",
        "status": "running",
        "seasons": 3,
        "released": 1,
    }
    assert show["next"]["season"] == 2
    assert show["next"]["days"] == 71


def test_show_json(runner: Runner) -> None:
    doc = as_json(runner()("show", "heartstopper", "--json"))
    assert set(doc) == {"as_of", "show", "seasons", "next", "latest_news", "news_count"}
    assert doc["show"]["slug"] == "heartstopper"
    assert doc["show"]["timezone"] == "Europe/London"
    assert [s["number"] for s in doc["seasons"]] == [1, 2, 3]
    assert [s["display_premiere"] for s in doc["seasons"]] == [
        "date unknown",
        "Thu 3 Aug 2023",
        "TBA",
    ]
    assert doc["seasons"][1]["runtime"] == {"min": 20, "max": 30}
    assert doc["seasons"][1]["display_runtime"] == "20–30 min"
    assert doc["news_count"] == 12
    assert len(doc["latest_news"]) == 5
    assert doc["next"]["premiere"] == "2023-08-03"


def test_cast_json(runner: Runner) -> None:
    doc = as_json(runner()("cast", "heartstopper", "--json"))
    assert (doc["show"], doc["title"], doc["season"]) == ("heartstopper", "Heartstopper", 2)
    assert len(doc["cast"]) == 17
    assert set(doc["cast"][0]) == {
        "actor",
        "character",
        "note",
        "status",
        "status_stated",
        "source",
        "order",
    }
    evan = next(m for m in doc["cast"] if m["actor"] == "Evan Ovenell")
    assert evan["character"] is None  # unknown stays null in JSON, not "unknown"
    assert evan["status"] == "new"


def test_cast_json_season_and_new(runner: Runner) -> None:
    invoke = runner()
    one = as_json(invoke("cast", "heartstopper", "--season", "1", "--json"))
    assert [(m["actor"], m["status"], m["status_stated"]) for m in one["cast"]] == [
        ("Joe Locke", None, False),
        ("Kit Connor", None, False),
    ]
    new = as_json(invoke("cast", "heartstopper", "--new", "--json"))
    assert {m["status"] for m in new["cast"]} == {"new"}
    assert len(new["cast"]) == 5


COUNTDOWN_KEYS = {
    "show",
    "title",
    "season",
    "status",
    "phase",
    "airs",
    "next",
    "premiere",
    "precision",
    "display",
    "show_time",
    "state",
    "countdown",
    "days",
    "days_max",
    "hours",
    "minutes",
}


def test_countdown_json(runner: Runner) -> None:
    doc = as_json(runner()("countdown", "--json"))
    assert (doc["as_of"], doc["tz"]) == ("2023-05-24T11:00:00Z", "Europe/London")
    s2, s3 = doc["premieres"]
    assert set(s2) == COUNTDOWN_KEYS
    assert s2 == {
        "show": "heartstopper",
        "title": "Heartstopper",
        "season": 2,
        "status": "scheduled",
        "premiere": "2023-08-03",
        "precision": "day",
        "display": "Thu 3 Aug 2023",
        "show_time": None,
        "state": "upcoming",
        "countdown": "in 71 days",
        "days": 71,
        "days_max": 71,
        "hours": None,
        "minutes": None,
        "phase": "premiere",
        "airs": "2023-08-03",
        "next": {
            "label": "S2E1–E8",
            "count": 8,
            "airs": "2023-08-03",
            "finale": True,
            "all_at_once": True,
            "episodes": [{"number": n, "label": f"S2E{n}", "title": None} for n in range(1, 9)],
        },
    }
    assert (s3["season"], s3["state"], s3["premiere"], s3["days"]) == (3, "tba", None, None)
    assert (s3["phase"], s3["next"]) == ("premiere", None)


def test_countdown_as_of_and_tz(runner: Runner) -> None:
    doc = as_json(
        runner()("countdown", "--as-of", "2023-08-01", "--tz", "Pacific/Kiritimati", "--json")
    )
    assert doc["tz"] == "Pacific/Kiritimati"
    assert doc["as_of"] == "2023-07-31T10:00:00Z"  # midnight in UTC+14
    assert doc["premieres"][0]["days"] == 2


def test_countdown_all_json_includes_released(runner: Runner) -> None:
    doc = as_json(runner()("countdown", "--all", "--json"))
    assert [(p["season"], p["state"], p["display"]) for p in doc["premieres"]] == [
        (1, "released", "date unknown"),
        (2, "upcoming", "Thu 3 Aug 2023"),
        (3, "tba", "TBA"),
    ]


NEWS_KEYS = {
    "id",
    "show_time",
    "seq",
    "about",
    "was",
    "became",
    "show",
    "season",
    "date",
    "kind",
    "headline",
    "body",
    "source",
    "url",
    "via",
    "recorded_at",
    "display_date",
    "short_date",
    "title",
}


def test_news_json_records_the_check(runner: Runner) -> None:
    invoke = runner()
    first = as_json(invoke("news", "--json"))
    assert (first["mode"], first["since"], first["last_check"]) == ("new", None, None)
    assert first["recorded_check"] is True
    assert len(first["announcements"]) == 12
    assert set(first["announcements"][0]) == NEWS_KEYS
    assert len({a["id"] for a in first["announcements"]}) == 12
    assert {a["recorded_at"] for a in first["announcements"]} == {"2023-05-24T11:00:00Z"}
    second = as_json(invoke("news", "--json"))
    assert second["announcements"] == []
    assert second["last_check"] == "2023-05-24T11:00:00Z"


def test_news_peek_json_records_nothing(runner: Runner) -> None:
    invoke = runner()
    peek = as_json(invoke("news", "--peek", "--json"))
    assert peek["recorded_check"] is False
    assert len(as_json(invoke("news", "--peek", "--json"))["announcements"]) == 12


@pytest.mark.parametrize(
    ("when", "day"),
    [
        ("2023-04-24", "2023-04-24"),
        ("24 April 2023", "2023-04-24"),
        ("2023-04-24T09:00:00Z", "2023-04-24"),
        ("30d", "2023-04-24"),
        ("1 month", "2023-04-24"),
    ],
)
def test_news_since_json(runner: Runner, when: str, day: str) -> None:
    doc = as_json(runner()("news", "--since", when, "--json"))
    assert (doc["mode"], doc["since"], doc["recorded_check"]) == ("since", day, False)
    assert sorted(a["kind"] for a in doc["announcements"]) == ["release-date", "synopsis"]


def test_news_since_last(runner: Runner) -> None:
    invoke = runner()
    before = as_json(invoke("news", "--since", "last", "--json"))  # no check yet: the beginning
    assert (before["since"], len(before["announcements"])) == ("1900-01-01", 5)
    as_json(invoke("news", "--json"))
    doc = as_json(invoke("news", "--since", "last", "--json"))
    assert doc["since"] == "2023-05-24"
    assert doc["announcements"] == []


def test_timeline_json(runner: Runner) -> None:
    doc = as_json(runner()("timeline", "heartstopper", "--json"))
    assert (doc["show"], doc["title"]) == ("heartstopper", "Heartstopper")
    assert set(doc["events"][0]) == {
        "date",
        "display_date",
        "show_time",
        "precision",
        "kind",
        "season",
        "headline",
        "source",
    }
    assert [e["date"] for e in doc["events"]] == [
        "2022-07-08",
        "2022-09-22",
        "2022-12",
        "2023-04-24",
        "2023-04-24",
        "2023-08-03",
    ]
    assert doc["events"][2]["display_date"] == "Dec 2022"
    assert doc["events"][2]["precision"] == "month"


# --- options, database location -------------------------------------------------------


def test_db_option_beats_env(runner: Runner, tmp_path: Path) -> None:
    invoke = runner(tmp_path / "env.json")
    other = tmp_path / "other.json"
    result = invoke("--db", str(other), "shows", "--json")
    assert result.stderr == f"Created the database {other} from the bundled Heartstopper data.\n"
    assert json.loads(result.stdout)["shows"]
    assert other.is_file()
    assert not invoke.db.exists()  # type: ignore[attr-defined]


def test_first_use_says_where_and_from_what_once(runner: Runner, tmp_path: Path) -> None:
    invoke = runner(tmp_path / "new.json")
    first = invoke("countdown")
    assert first.stderr == f"Created the database {invoke.db} from the bundled Heartstopper data.\n"  # type: ignore[attr-defined]
    assert invoke("countdown").stderr == ""


def test_a_missing_folder_other_than_the_default_is_an_error(
    runner: Runner, tmp_path: Path
) -> None:
    invoke = runner(tmp_path / "here.json")
    missing = tmp_path / "no-such-folder" / "db.json"
    result = invoke("--db", str(missing), "countdown")
    assert result.exit_code == 1
    assert f"The folder {missing.parent} does not exist" in result.stderr
    assert not missing.parent.exists()


def test_default_db_lives_in_the_user_data_dir(runner: Runner, isolated_home: Path) -> None:
    result = runner()("cast", "heartstopper", "--json", env_extra={"SHOWTRACK_DB": None})
    assert json.loads(result.stdout)["season"] == 2
    assert "Created the database" in result.stderr  # the default folder is made on first use
    assert (isolated_home / ".local" / "share" / "showtrack" / "showtrack.json").is_file()


def test_version(runner: Runner) -> None:
    invoke = runner()
    result = invoke("--version")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"showtrack {__version__}", f"database: {invoke.db}"]  # type: ignore[attr-defined]


def test_no_arguments_shows_help(runner: Runner, tmp_path: Path) -> None:
    invoke = runner(tmp_path / "untouched.json")
    result = invoke(catch_exceptions=True)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Usage: showtrack" in result.stderr
    assert "countdown" in result.stderr
    assert not invoke.db.exists()  # type: ignore[attr-defined]


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["show", "hartstoper"],
        ["cast", "heartstoper"],
        ["timeline", "heart stoppers"],
        ["countdown", "Heartstoper"],
        ["news", "heartstopperr"],
        ["cast", "heartstoper", "--json"],
    ],
)
def test_unknown_show(runner: Runner, args: list[str]) -> None:
    assert_error(runner()(*args, catch_exceptions=True), 1, "Did you mean heartstopper?")


def test_unknown_show_without_suggestion_lists_shows(runner: Runner) -> None:
    assert_error(runner()("cast", "Doctor Who", catch_exceptions=True), 1, "heartstopper")


def test_unknown_season(runner: Runner) -> None:
    assert_error(runner()("cast", "heartstopper", "-s", "9", catch_exceptions=True), 1, "season 9")


@pytest.mark.parametrize(
    "args",
    [
        ["news", "--since", "garbage"],
        ["news", "--since", "31 Feb 2023"],
        ["news", "--since", "03/04/2025"],
        ["news", "--since", "x" * 10_000],
        ["news", "--since", "99999 years"],
        ["news", "--since", "2023-13-01"],
        ["countdown", "--as-of", "someday"],
        ["countdown", "--tz", "Mars/Base"],
        ["countdown", "--tz", ""],
        ["news", "--tz", "Europe/Londres"],
        ["cast", "heartstopper", "--season", "-1"],
        ["cast", "heartstopper", "--season", "two"],
        ["shows", "--no-such-option"],
        ["no-such-command"],
    ],
    ids=lambda args: "-".join(args)[:30],
)
def test_bad_usage_exits_2(runner: Runner, args: list[str]) -> None:
    invoke = runner()
    result = invoke(*args, catch_exceptions=True)
    assert_error(result, 2)
    assert len(result.stderr) < 2_000


def test_bad_since_message(runner: Runner) -> None:
    result = runner()("news", "--since", "garbage", catch_exceptions=True)
    assert_error(result, 2, "'garbage'", "2023-04-24")
    assert result.stderr.count("\n") <= 2


def test_bad_tz_message(runner: Runner) -> None:
    assert_error(runner()("countdown", "--tz", "Mars/Base", catch_exceptions=True), 2, "Mars/Base")


@pytest.mark.parametrize("value", ["soon", "2023-05-24T12:00:00", "2023-99-99T00:00Z"])
def test_bad_showtrack_now(runner: Runner, value: str) -> None:
    result = runner()("countdown", env_extra={"SHOWTRACK_NOW": value}, catch_exceptions=True)
    assert_error(result, 2, "SHOWTRACK_NOW")


CORRUPT = {
    "empty": b"",
    "truncated": b'{"state": {"1": {"schema_version": 1}}, "shows": {"1": {"slug"',
    "foreign": b'{"hello": "world"}',
    "future": b'{"state": {"1": {"schema_version": 99}}}',
}


@pytest.mark.parametrize("name", sorted(CORRUPT))
@pytest.mark.parametrize("args", [*READ_COMMANDS, ["news"]], ids=lambda a: "-".join(a))
def test_corrupt_db_is_reported_and_untouched(
    runner: Runner, tmp_path: Path, name: str, args: list[str]
) -> None:
    db = tmp_path / "corrupt.json"
    db.write_bytes(CORRUPT[name])
    result = runner(db)(*args, catch_exceptions=True)
    assert_error(result, 1, str(db))
    assert db.read_bytes() == CORRUPT[name]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_db_that_is_a_folder(runner: Runner, tmp_path: Path) -> None:
    result = runner(tmp_path)("shows", catch_exceptions=True)
    assert_error(
        result, 1, str(tmp_path), "is a folder"
    )  # a runtime problem, like other unusable paths


def test_error_naming_a_hostile_path_is_printed_safely(runner: Runner, tmp_path: Path) -> None:
    db = tmp_path / "evil\x1b]0;pwned\x07[red]x.json"
    db.write_bytes(b"")
    result = runner(db)("shows", catch_exceptions=True)
    assert_error(result, 1, "[red]x.json")
    assert "\x1b" not in result.stderr
    assert "\x07" not in result.stderr


def test_hostile_show_query_is_echoed_safely(runner: Runner) -> None:
    result = runner()("cast", "\x1b[2J\u202e[bold]x", catch_exceptions=True)
    assert_error(result, 1)
    assert not UNSAFE.search(result.stderr)


# --- hostile data ----------------------------------------------------------------------

PAYLOADS = [
    "[red]x[/red]",
    "[link=file:///etc/passwd]x[/link]",
    "[/]",
    ":warning:",
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\x9b",
    "\r",
    "\b",
    "\x7f",
    "\u202e",
    "\u200b",
    "\x00",
]
EVIL = "|".join(PAYLOADS)
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def evil_doc(text: str = EVIL) -> dict[str, Any]:
    return {
        "shows": [
            {
                "slug": "evil",
                "title": f"Evil {text}",
                "aliases": [f"Alias {text}"],
                "network": f"Net {text}",
                "country": text,
                "genres": [text],
                "creator": text,
                "based_on": text,
                "status": "running",  # a choice, so data can't put text there
                "summary": text,
                "source": text,
                "seasons": [
                    {
                        "number": 1,
                        "premiere": "2023-06-01",
                        "synopsis": text,
                        "source_material": text,
                        "source": text,
                    }
                ],
                "credits": [
                    {"season": 1, "actor": f"Actor {text}", "character": text, "note": text}
                ],
                "announcements": [
                    {
                        "kind": "other",
                        "date": "2023-05-01",
                        "headline": f"Headline {text}",
                        "body": text,
                        "source": text,
                        "url": "https://example.org/" + quote(text),  # hostile, percent-encoded
                        "via": text,
                    }
                ],
            }
        ]
    }


EVIL_COMMANDS = [
    ["shows"],
    ["show", "evil"],
    ["cast", "evil"],
    ["countdown", "--all"],
    ["news", "--peek"],
    ["news", "--since", "2020-01-01"],
    ["timeline", "evil"],
]


def decoded(result: Result) -> tuple[str, str]:
    """stdout and stderr exactly as written: strict UTF-8, no \\r\\n folding."""
    return result.stdout_bytes.decode("utf-8"), result.stderr_bytes.decode("utf-8")


@pytest.mark.parametrize("args", EVIL_COMMANDS, ids=lambda a: "-".join(a))
def test_hostile_text_in_tables_is_literal_and_inert(
    runner: Runner, make_db: Callable[..., Path], args: list[str]
) -> None:
    invoke = runner(make_db(evil_doc()))
    result = invoke(*args, env_extra={"COLUMNS": "2000"})
    assert result.exit_code == 0, result.output
    out, err = decoded(result)
    assert err == ""
    assert not UNSAFE.search(out), [hex(ord(c)) for c in UNSAFE.findall(out)]
    for markup in ("[red]x[/red]", "[link=file:///etc/passwd]x[/link]", "[/]", ":warning:"):
        assert markup in out
    assert "⚠" not in out
    assert "␛[31m" in out  # the escape is shown, not acted on


@pytest.mark.parametrize("args", EVIL_COMMANDS, ids=lambda a: "-".join(a))
def test_hostile_text_in_json_is_escaped_and_exact(
    runner: Runner, make_db: Callable[..., Path], args: list[str]
) -> None:
    invoke = runner(make_db(evil_doc()))
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    out, err = decoded(result)
    assert err == ""
    unsafe = [hex(ord(c)) for c in UNSAFE.findall(out) if c != "\x7f"]  # DEL: test below
    assert unsafe == []
    doc = json.loads(out)
    strings = list(_strings(doc))
    assert any(EVIL in value for value in strings)  # data comes back byte-exact
    assert not any("␛" in value for value in strings)  # and not "made safe" in JSON


def test_json_escapes_delete(runner: Runner, make_db: Callable[..., Path]) -> None:
    """DEL (0x7f) is a control character; --json must escape it like the C0/C1 ones."""
    invoke = runner(make_db(evil_doc("a\x7fb")))
    result = invoke("cast", "evil", "--json")
    out, _ = decoded(result)
    assert json.loads(out)["cast"][0]["actor"] == "Actor a\x7fb"
    assert "\x7f" not in out
    assert "a\\u007fb" in out


def _strings(value: Any) -> Any:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_hostile_text_then_recording_a_check(runner: Runner, make_db: Callable[..., Path]) -> None:
    invoke = runner(make_db(evil_doc()))
    first = invoke("news", "--json")
    assert first.exit_code == 0, first.output
    again = invoke("cast", "evil", "--json")
    assert json.loads(again.stdout)["cast"][0]["actor"] == f"Actor {EVIL}"


def test_lone_surrogate_from_a_json_escape_is_printed_safely(
    runner: Runner, make_db: Callable[..., Path]
) -> None:
    db = make_db(evil_doc("LONE-SURROGATE"))
    db.write_bytes(db.read_bytes().replace(b"LONE-SURROGATE", b"\\ud800"))
    invoke = runner(db)
    for args in EVIL_COMMANDS:
        for extra in ([], ["--json"]):
            result = invoke(*args, *extra)
            assert result.exit_code == 0, (args, result.output)
            out, err = decoded(result)
            assert err == ""
            assert not UNSAFE.search(out)
            if extra:
                assert any("\ud800" in value for value in _strings(json.loads(out)))
