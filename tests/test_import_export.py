"""import and export: round trips, sorted stable exports, every kind of malformed input."""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

import showtrack
from conftest import NOW, Invoker, assert_clean, ok
from showtrack import cli
from showtrack.dates import PartialDate
from showtrack.models import SHOW_STATUSES, Announcement, Credit, Season, Show, name_key
from showtrack.sources.jsonfile import MAX_IMPORT_BYTES, Dataset, read_document, to_document

Invoke = Callable[..., Result]
Runner = Callable[..., Invoke]

DATA = Path(__file__).parent / "data" / "import"
BUNDLED = Path(showtrack.__file__).parent / "data" / "heartstopper.json"


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def with_stdin(db: Path, data: bytes, *args: str) -> Result:
    """Like conftest's Invoker, with bytes on stdin (``import -``)."""
    env = {
        "SHOWTRACK_DB": str(db),
        "SHOWTRACK_NOW": NOW,
        "TZ": "Europe/London",
        "COLUMNS": "100",
        "NO_COLOR": "1",
    }
    return CliRunner().invoke(cli.app, list(args), input=data, env=env, catch_exceptions=False)


def empty_db(path: Path) -> Invoke:
    """A new empty database, made the documented way: ``--db PATH init --empty``."""
    inv = Invoker(path)
    result = ok(inv("--db", str(path), "init", "--empty"))
    assert "(empty)" in result.stderr
    assert as_json(inv("shows", "--json"))["shows"] == []
    return inv


def export_bytes(invoke: Invoke, *args: str) -> bytes:
    return ok(invoke("export", *args)).stdout_bytes


def write(path: Path, doc: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def counts(report: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {t: (c["added"], c["updated"], c["unchanged"]) for t, c in report["counts"].items()}


# --- round trips ------------------------------------------------------------------------------


def test_export_import_into_an_empty_db_export_is_identical(invoke: Invoke, tmp_path: Path) -> None:
    first = export_bytes(invoke)
    (tmp_path / "pack.json").write_bytes(first)
    other = empty_db(tmp_path / "new.json")
    ok(other("import", str(tmp_path / "pack.json")))
    assert export_bytes(other) == first
    assert json.loads(first)["format"] == "showtrack/1"


def test_round_trip_keeps_hand_edits_changes_times_and_unicode(
    invoke: Invoke, tmp_path: Path
) -> None:
    ok(invoke("edit", "season", "heartstopper", "2", "--premiere", "2023-08-10"))
    ok(
        invoke(
            "add", "show", "Kaguya-sama 🎀 かぐや様", "--slug", "kaguya", "--timezone", "Asia/Tokyo"
        )
    )
    ok(invoke("add", "season", "kaguya", "3", "--premiere", "2022-04-08T23:30", "--runtime", "24"))
    ok(invoke("add", "show", "שעת נעילה", "--slug", "rtl", "--summary", "‏RTL ‎text\nline 2"))
    ok(
        invoke(
            "add",
            "news",
            "rtl",
            "--headline",
            '[red]not markup[/red] \\ "quoted"',
            "--date",
            "2024",
        )
    )
    ok(
        invoke(
            "add",
            "cast",
            "kaguya",
            "--season",
            "3",
            "--actor",
            "古賀 葵",
            "--character",
            "四宮かぐや",
        )
    )
    first = export_bytes(invoke)
    assert "かぐや様".encode() in first  # written as UTF-8, not \u escapes
    assert b"2022-04-08T23:30+09:00" in first
    (tmp_path / "pack.json").write_bytes(first)
    other = empty_db(tmp_path / "new.json")
    ok(other("import", str(tmp_path / "pack.json")))
    assert export_bytes(other) == first


def test_two_exports_are_identical(invoke: Invoke) -> None:
    assert export_bytes(invoke) == export_bytes(invoke)


def test_export_order_does_not_depend_on_insertion_order(tmp_path: Path) -> None:
    doc = json.loads(BUNDLED.read_text(encoding="utf-8"))
    doc["shows"].append(
        {
            "slug": "aaa-first-by-slug",
            "title": "Zzz last by title",
            "seasons": [{"number": n} for n in (3, 1, 2)],
            "announcements": [
                {"kind": "other", "headline": "undated"},
                {"kind": "other", "headline": "b", "date": "2023-01-01"},
                {"kind": "other", "headline": "a", "date": "2023"},
                {"kind": "other", "headline": "timed", "date": "2023-01-01T08:00+00:00"},
            ],
        }
    )
    shuffled = json.loads(json.dumps(doc))
    rng = random.Random(7)
    shuffled["shows"].reverse()
    for show in shuffled["shows"]:
        for key in ("seasons", "announcements"):  # a pack's credits are in billing order
            rng.shuffle(show.get(key, []))

    exports = []
    for name, source in (("a", doc), ("b", shuffled)):
        inv = empty_db(tmp_path / f"{name}.json")
        ok(inv("import", str(write(tmp_path / f"{name}-in.json", source))))
        exports.append(export_bytes(inv))
    assert exports[0] == exports[1]

    out = json.loads(exports[0])
    assert [s["slug"] for s in out["shows"]] == ["aaa-first-by-slug", "heartstopper"]
    extra = out["shows"][0]
    assert [s["number"] for s in extra["seasons"]] == [1, 2, 3]
    # earliest possible day first, then the finer precision, undated last
    # (all on 1 Jan 2023 at the earliest): a known time, then the day, then the year
    assert [a["headline"] for a in extra["announcements"]] == ["timed", "b", "a", "undated"]
    hs = out["shows"][1]
    bundled = json.loads(BUNDLED.read_text(encoding="utf-8"))["shows"][0]["credits"]
    assert [(c["season"], c["actor"]) for c in hs["credits"]] == [
        (c["season"], c["actor"]) for c in bundled
    ]  # the billing order of the bundled data, as written there
    dated = [a["date"] for a in hs["announcements"] if "date" in a]
    assert dated == ["2022-07-08", "2022-09-22", "2022-12", "2023-04-24", "2023-04-24"]
    assert all("date" not in a for a in hs["announcements"][len(dated) :])
    assert all("id" not in a and "recorded_at" not in a for a in hs["announcements"])


def test_export_of_one_show(invoke: Invoke) -> None:
    ok(invoke("add", "show", "The Bear"))
    ok(invoke("add", "news", "the-bear", "--headline", "Renewed"))
    doc = as_json(invoke("export", "the bear"))
    assert [s["slug"] for s in doc["shows"]] == ["the-bear"]
    assert [a["headline"] for a in doc["shows"][0]["announcements"]] == ["Renewed"]
    both = as_json(invoke("export"))
    assert [s["slug"] for s in both["shows"]] == ["heartstopper", "the-bear"]
    assert invoke("export", "nosuch").exit_code == 1


def test_export_to_a_file(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "out" / "pack.json"
    target.parent.mkdir()
    result = ok(invoke("export", "-o", str(target)))
    assert result.stdout == ""
    assert target.read_bytes() == export_bytes(invoke)


# --- import from a file, a folder, stdin ---------------------------------------------------------


def test_import_from_a_file_into_an_empty_db(tmp_path: Path) -> None:
    inv = empty_db(tmp_path / "db.json")
    report = as_json(inv("import", str(DATA / "the-bear.json"), "--json"))
    assert counts(report) == {
        "shows": (1, 0, 0),
        "seasons": (2, 0, 0),
        "credits": (2, 0, 0),
        "episodes": (0, 0, 0),
        "announcements": (2, 0, 0),
    }
    assert report["changes"] == []
    assert report["by_show"]["the-bear"] == {"added": 7, "updated": 0, "unchanged": 0, "removed": 0}
    cast = as_json(inv("cast", "the-bear", "--json"))
    assert {m["actor"] for m in cast["cast"]} == {"Jeremy Allen White", "Ayo Edebiri"}


def test_import_a_folder_of_files(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    shutil.copy(DATA / "the-bear.json", folder / "a.json")
    shutil.copy(BUNDLED, folder / "b.json")
    (folder / "notes.txt").write_text("not json, not read", encoding="utf-8")
    (folder / "sub.json").mkdir()  # a folder named like a file is not read either
    inv = empty_db(tmp_path / "db.json")
    report = as_json(inv("import", str(folder), "--json"))
    assert counts(report)["shows"] == (2, 0, 0)
    assert {s["slug"] for s in as_json(inv("export"))["shows"]} == {"heartstopper", "the-bear"}


def test_import_from_stdin(tmp_path: Path) -> None:
    inv = empty_db(tmp_path / "db.json")
    result = with_stdin(inv.db, (DATA / "the-bear.json").read_bytes(), "import", "-", "--json")
    report = as_json(result)
    assert counts(report)["shows"] == (1, 0, 0)
    news = as_json(inv("news", "--peek", "--json"))["announcements"]
    assert {n["show"] for n in news} == {"the-bear"}


def test_import_with_a_byte_order_mark(tmp_path: Path) -> None:
    inv = empty_db(tmp_path / "db.json")
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + (DATA / "the-bear.json").read_bytes())
    ok(inv("import", str(bom)))


def test_import_prints_the_merge_report(invoke: Invoke) -> None:
    out = ok(invoke("import", str(DATA / "the-bear.json"))).stdout
    for word in ("shows", "seasons", "credits", "announcements", "Added", "Unchanged"):
        assert word in out


# --- malformed input ---------------------------------------------------------------------------


def _doc(**season: Any) -> bytes:
    show = {"slug": "the-bear", "title": "The Bear", "seasons": [{"number": 3, **season}]}
    return json.dumps({"format": "showtrack/1", "shows": [show]}).encode()


def _news(**item: Any) -> bytes:
    news = [{"kind": "other", "headline": "fine"}, {"kind": "other", "headline": "x", **item}]
    return json.dumps(
        {"shows": [{"slug": "the-bear", "title": "The Bear", "announcements": news}]}
    ).encode()


MALFORMED: list[tuple[str, bytes, str]] = [
    ("bad-json", b'{"shows": [{"slug": "the-bear",]}', "not valid JSON (Expecting property name"),
    ("bad-json-trailing", b'{"shows": []} {}', "not valid JSON"),
    (
        "wrong-type",
        _doc(episodes="eight"),
        "shows[0].seasons[0].episodes: expected a whole number, got text",
    ),
    (
        "wrong-type-bool",
        _doc(episodes=True),
        "shows[0].seasons[0].episodes: expected a whole number, got true/false",
    ),
    (
        "wrong-type-list",
        b'{"shows": {"slug": "x"}}',
        "top level.shows: expected a list, got an object",
    ),
    ("wrong-type-record", b'{"shows": ["the-bear"]}', "shows[0]: expected an object, got text"),
    ("unknown-field", _doc(episdoes=8), "shows[0].seasons[0]: unknown field 'episdoes'"),
    ("unknown-top-field", b'{"shows": [], "extra": 1}', "top level: unknown field 'extra'"),
    (
        "unknown-show",
        b'{"shows": [{"slug": "nosuch", "announcements": [{"kind": "other", "headline": "x"}]}]}',
        "shows[0].title: is required",
    ),
    (
        "bad-date",
        _doc(premiere="2023-13-01"),
        "shows[0].seasons[0].premiere: '2023-13-01' is not a real date: there is no month 13.",
    ),
    (
        "bad-date-news",
        _news(date="31 Feb 2023"),
        "shows[0].announcements[1].date: '31 Feb 2023' is not a real date",
    ),
    (
        "bad-date-words",
        _doc(premiere="next summer"),
        "shows[0].seasons[0].premiere: 'next summer' is not a date",
    ),
    ("time-without-zone", _doc(premiere="2024-06-26T22:00"), "shows[0].seasons[0].premiere"),
    ("negative-count", _doc(episodes=-1), "shows[0].seasons[0].episodes: -1 is out of range"),
    (
        "bad-runtime",
        _doc(runtime={"min": 30, "max": 20}),
        "shows[0].seasons[0].runtime.max: is smaller than min",
    ),
    ("bad-status", _doc(status="rumoured"), "shows[0].seasons[0].status: 'rumoured' is not one of"),
    ("bad-kind", _news(kind="gossip"), "shows[0].announcements[1].kind: 'gossip' is not one of"),
    ("no-headline", _news(headline="  "), "shows[0].announcements[1].headline: must not be empty"),
    (
        "bad-zone",
        b'{"shows": [{"slug": "x", "title": "X", "timezone": "Mars/Base"}]}',
        "shows[0].timezone: 'Mars/Base' is not an IANA time zone",
    ),
    ("bad-slug", b'{"shows": [{"slug": "Not A Slug", "title": "X"}]}', "shows[0].slug"),
    (
        "twice-season",
        _doc().replace(b'[{"number": 3}]', b'[{"number": 3}, {"number": 3}]'),
        "shows[0].seasons[1].number: season 3 twice",
    ),
    (
        "twice-show",
        b'{"shows": [{"slug": "x", "title": "X"}, {"slug": "x", "title": "Y"}]}',
        "shows[1].slug: 'x' appears twice",
    ),
    (
        "too-long",
        _news(headline="x" * 501),
        "shows[0].announcements[1].headline: is 501 characters long",
    ),
    (
        "other-format",
        b'{"format": "showtrack/2", "shows": []}',
        "top level.format: 'showtrack/2' is not 'showtrack/1'",
    ),
    ("empty", b"", "the file is empty"),
    ("blank", b" \n\t\n", "the file is empty"),
    (
        "invalid-utf8",
        b'{"shows": [{"slug": "x", "title": "Caf\xe9"}]}',
        "not UTF-8 text (bad byte at offset 38)",
    ),
    (
        "list-top-level",
        b'[{"slug": "the-bear", "title": "The Bear"}]',
        "top level: expected an object, got a list",
    ),
    ("null-top-level", b"null", "top level: expected an object, got null"),
    ("deep-nesting", b"[" * 100_000 + b"]" * 100_000, "pack.json: "),
]


def assert_rejected(result: Result, before: bytes, db: Path, *phrases: str) -> None:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr
    assert_clean(result)
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "phrase"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_malformed_file_is_rejected_and_the_db_is_unchanged(
    invoke: Invoke, tmp_path: Path, content: bytes, phrase: str
) -> None:
    path = tmp_path / "pack.json"
    path.write_bytes(content)
    before = invoke.db.read_bytes()
    assert_rejected(invoke("import", str(path)), before, invoke.db, f"{path}: ", phrase)


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        m[1:]
        for m in MALFORMED
        if m[0] in ("bad-json", "bad-date", "empty", "invalid-utf8", "list-top-level")
    ],
    ids=["bad-json", "bad-date", "empty", "invalid-utf8", "list-top-level"],
)
def test_malformed_stdin_is_rejected_and_the_db_is_unchanged(
    invoke: Invoke, content: bytes, phrase: str
) -> None:
    before = invoke.db.read_bytes()
    result = with_stdin(invoke.db, content, "import", "-")
    assert_rejected(result, before, invoke.db, "<stdin>: ", phrase)


def test_one_bad_record_late_in_the_input_rejects_all_of_it(invoke: Invoke, tmp_path: Path) -> None:
    doc = json.loads((DATA / "the-bear.json").read_text(encoding="utf-8"))
    doc["shows"].append(
        {
            "slug": "later",
            "title": "Later",
            "announcements": [{"kind": "other", "headline": f"n{i}"} for i in range(5)],
        }
    )
    doc["shows"][1]["announcements"][4]["date"] = "2023-02-29"
    before = invoke.db.read_bytes()
    result = invoke("import", str(write(tmp_path / "late.json", doc)))
    assert_rejected(
        result,
        before,
        invoke.db,
        "late.json: shows[1].announcements[4].date: '2023-02-29' is not a real date",
    )


def test_one_bad_file_in_a_folder_rejects_the_folder(invoke: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    shutil.copy(DATA / "the-bear.json", folder / "a-good.json")
    (folder / "b-bad.json").write_bytes(_doc(premiere="2023-13-01"))
    shutil.copy(DATA / "the-bear.json", folder / "c-good.json")
    before = invoke.db.read_bytes()
    result = invoke("import", str(folder))
    assert_rejected(result, before, invoke.db, "b-bad.json: shows[0].seasons[0].premiere")
    assert "a-good.json" not in result.stderr


def test_a_folder_without_json_files_is_refused(invoke: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "nothing"
    folder.mkdir()
    (folder / "readme.txt").write_text("hi", encoding="utf-8")
    before = invoke.db.read_bytes()
    assert_rejected(invoke("import", str(folder)), before, invoke.db, "has no .json files")


def test_a_missing_file_is_refused(invoke: Invoke, tmp_path: Path) -> None:
    before = invoke.db.read_bytes()
    result = invoke("import", str(tmp_path / "missing.json"))
    assert_rejected(result, before, invoke.db, "missing.json")


def _huge(path: Path, size: int) -> Path:
    """A valid JSON prefix padded with spaces past the size cap."""
    prefix = b'{"format": "showtrack/1", "shows": []'
    with open(path, "wb") as handle:
        handle.write(prefix)
        chunk = b" " * (1 << 20)
        left = size - len(prefix) - 1
        while left > 0:
            handle.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)
        handle.write(b"}")
    return path


def test_the_size_cap_is_64_mib() -> None:
    assert MAX_IMPORT_BYTES == 64 * 1024 * 1024


def test_a_huge_file_is_refused(invoke: Invoke, tmp_path: Path) -> None:
    path = _huge(tmp_path / "huge.json", MAX_IMPORT_BYTES + 1)
    assert path.stat().st_size == MAX_IMPORT_BYTES + 1
    before = invoke.db.read_bytes()
    result = invoke("import", str(path))
    assert_rejected(result, before, invoke.db, "huge.json: larger than 64 MiB")


def test_a_file_just_at_the_cap_is_read(invoke: Invoke, tmp_path: Path) -> None:
    path = _huge(tmp_path / "big.json", MAX_IMPORT_BYTES)
    before = invoke.db.read_bytes()
    report = as_json(invoke("import", str(path), "--json"))
    assert all(c == (0, 0, 0) for c in counts(report).values())
    assert invoke.db.read_bytes() == before


def test_a_huge_stdin_is_refused(invoke: Invoke, tmp_path: Path) -> None:
    before = invoke.db.read_bytes()
    data = b'{"shows": []' + b" " * MAX_IMPORT_BYTES + b"}"
    result = with_stdin(invoke.db, data, "import", "-")
    assert_rejected(result, before, invoke.db, "<stdin>: larger than 64 MiB")


# --- Hypothesis round trip ----------------------------------------------------------------------

ZONES = ["Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Adelaide", "UTC"]
SAMPLES = [
    "Heartstopper",
    "🎬🍿✨",
    "三体",
    "かぐや様",
    "שעת נעילה",
    "مسلسل",
    "Ünïcödé",
    "a\tb\nc",
    "[red]x[/]",
]
_chars = st.characters(blacklist_categories=("Cs",))
any_text = st.one_of(st.sampled_from(SAMPLES), st.text(_chars, max_size=30))
some_text = any_text.filter(lambda s: bool(s.strip()))
maybe = st.none() | any_text


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    year = draw(st.integers(1900, 2999))
    precision = draw(st.sampled_from(["year", "month", "day", "time"]))
    if precision == "year":
        return PartialDate(year)
    month = draw(st.integers(1, 12))
    if precision == "month":
        return PartialDate(year, month)
    day = draw(st.integers(1, 28))
    if precision == "day":
        return PartialDate(year, month, day)
    offset = timedelta(minutes=15 * draw(st.integers(-12 * 4, 14 * 4)))
    moment = datetime(
        year,
        month,
        day,
        draw(st.integers(0, 23)),
        draw(st.integers(0, 59)),
        tzinfo=timezone(offset),
    )
    return PartialDate(year, month, day, at=moment)


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    data = Dataset()
    slugs = draw(
        st.lists(
            st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,4})?", fullmatch=True),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    for slug in slugs:
        data.shows.append(
            Show(
                slug=slug,
                title=draw(some_text),
                aliases=tuple(draw(st.lists(any_text, max_size=2))),
                network=draw(maybe),
                country=draw(maybe),
                language=draw(maybe),
                genres=tuple(draw(st.lists(any_text, max_size=2))),
                timezone=draw(st.none() | st.sampled_from(ZONES)),
                creator=draw(maybe),
                based_on=draw(maybe),
                status=draw(st.none() | st.sampled_from(SHOW_STATUSES)),
                summary=draw(maybe),
                source=draw(maybe),
                tvmaze=draw(st.none() | st.integers(1, 10**9)),
            )
        )
        for number in draw(st.lists(st.integers(0, 30), max_size=3, unique=True)):
            low = draw(st.none() | st.integers(1, 200))
            data.seasons.append(
                Season(
                    show=slug,
                    number=number,
                    episodes=draw(st.none() | st.integers(0, 500)),
                    runtime_min=low,
                    runtime_max=None if low is None else draw(st.none() | st.integers(low, 400)),
                    premiere=draw(st.none() | partial_dates()),
                    status=draw(
                        st.none()
                        | st.sampled_from(["announced", "filming", "scheduled", "released"])
                    ),
                    source_material=draw(maybe),
                    synopsis=draw(maybe),
                    source=draw(maybe),
                )
            )
        actors: set[tuple[int, str]] = set()
        for _ in range(draw(st.integers(0, 3))):
            credit = Credit(
                show=slug,
                season=draw(st.integers(0, 5)),
                actor=draw(some_text),
                character=draw(maybe),
                note=draw(maybe),
                status=draw(st.none() | st.sampled_from(["returning", "new"])),
                source=draw(maybe),
            )
            key = (credit.season, " ".join(credit.actor.split()).casefold())
            if key not in actors:  # the merge's key: the same credit twice is one credit
                actors.add(key)
                data.credits.append(credit)
        ids: set[str] = set()
        for _ in range(draw(st.integers(0, 4))):
            item = Announcement(
                show=slug,
                kind=draw(st.sampled_from(["trailer", "casting", "change", "other"])),
                headline=draw(some_text),
                date=draw(st.none() | partial_dates()),
                season=draw(st.none() | st.integers(0, 5)),
                body=draw(maybe),
                source=draw(maybe),
                url=draw(st.none() | st.just("https://example.org/ü?a=1&b=2")),
                via=draw(maybe),
            )
            if item.id not in ids:  # the same announcement twice is one announcement
                ids.add(item.id)
                data.announcements.append(item)
    keys = [
        {name_key(name) for name in (show.slug, show.title, *show.aliases)} for show in data.shows
    ]
    assume(
        all(not (a & b) for i, a in enumerate(keys) for b in keys[i + 1 :])
    )  # one name, one show
    return data


def _records(data: Dataset) -> tuple[set[Any], ...]:
    return (set(data.shows), set(data.seasons), set(data.credits), set(data.announcements))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(datasets())
def test_hypothesis_document_round_trip(data: Dataset) -> None:
    doc = to_document(data)
    text = json.dumps(doc, ensure_ascii=False)
    again = read_document(json.loads(text), "generated")
    assert to_document(again) == doc
    assert _records(again) == _records(data)


@pytest.mark.slow
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(datasets())
def test_hypothesis_cli_round_trip(data: Dataset) -> None:
    doc = to_document(data)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pack = write(folder / "pack.json", doc)
        first = empty_db(folder / "a.json")
        ok(first("import", str(pack)))
        exported = export_bytes(first)
        assert json.loads(exported) == doc
        (folder / "exported.json").write_bytes(exported)
        second = empty_db(folder / "b.json")
        report = as_json(second("import", str(folder / "exported.json"), "--json"))
        assert report["changes"] == []
        assert export_bytes(second) == exported


def test_credits_keep_the_billing_order_and_several_roles(tmp_path: Path) -> None:
    """Credits come out in the order the source gave them (its `order`, else the pack's
    order), an actor may hold several roles, and the main cast (no season) survives
    export -> import -> export byte for byte."""
    doc = {
        "shows": [
            {
                "slug": "sv",
                "title": "Silicon Valley",
                "seasons": [{"number": 1}],
                "credits": [
                    {"actor": "Thomas Middleditch", "character": "Richard Hendricks", "order": 0, "as_of": "2017-09-01"},
                    {"actor": "T.J. Miller", "character": "Erlich Bachman", "order": 1, "as_of": "2017-09-01"},
                    {"season": 1, "actor": "Zach Woods", "character": "Jared Dunn"},
                    {"season": 1, "actor": "Christopher Evan Welch", "character": "Peter Gregory"},
                    {"season": 1, "actor": "Ann Actor", "character": "Twin A"},
                    {"season": 1, "actor": "Ann Actor", "character": "Twin B"},
                ],
            }
        ]
    }  # fmt: skip
    first = empty_db(tmp_path / "a.json")
    ok(first("import", str(write(tmp_path / "in.json", doc))))
    exported = export_bytes(first)
    credits = json.loads(exported)["shows"][0]["credits"]
    assert [(c.get("season"), c["actor"], c["character"]) for c in credits] == [
        (None, "Thomas Middleditch", "Richard Hendricks"),
        (None, "T.J. Miller", "Erlich Bachman"),
        (1, "Zach Woods", "Jared Dunn"),
        (1, "Christopher Evan Welch", "Peter Gregory"),
        (1, "Ann Actor", "Twin A"),
        (1, "Ann Actor", "Twin B"),
    ]
    second = empty_db(tmp_path / "b.json")
    ok(second("import", str(write(tmp_path / "again.json", json.loads(exported)))))
    assert export_bytes(second) == exported
