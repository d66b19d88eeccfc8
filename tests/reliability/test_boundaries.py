"""Item 10: big datasets with hostile-but-valid text round-trip exactly through export and
import; over-long fields are rejected, never truncated."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from reliability.support import cli, cli_many, empty_db, load_db, pack, record, scaled, write_pack

TEXTS = [
    "",
    " ",
    "🎬🍿",
    "👩‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 🇬🇧 GB",
    "心に残る物語 第二期",
    "드라마 시즌 2",
    "مسلسل جديد: الموسم الثاني",
    "סדרה חדשה",
    "mixed עברית and English 123",
    "e\u0301 (combining) vs \u00e9 (precomposed)",
    '"quoted", \\backslash\\, {json: [1, 2]}',
    "  leading and trailing spaces  ",
    "tab\there, newline\nthere",
    "Ω≈ç√∫˜µ≤≥÷",
    "𝕳𝖊𝖆𝖗𝖙𝖘𝖙𝖔𝖕𝖕𝖊𝖗 (astral plane)",
    "[red]not markup[/red] :warning:",
    "x" * 500,
    "字" * 500,
    "🎬" * 500,
]
SHORT = [text for text in TEXTS if len(text) < 400]  # for fields given a prefix
LONG_TEXTS = [text for text in TEXTS if len(text) >= 400]
DATES = [None, "2023-08-03", "2022-12", "2024", "2024-06-26T22:00-04:00", "2024-02-29"]
KINDS = ["trailer", "casting", "renewal", "rumor", "other", "release-date"]


def _document(shows: int, announcements: int, seed: int = 5) -> dict[str, Any]:
    """Every field drawn from TEXTS; the 500-character ones 1 time in 50, so that 100,000
    announcements stay under import's 64 MiB cap for one file."""
    rng = random.Random(seed)

    class Texts:
        @staticmethod
        def choice(pool: list[str]) -> str:
            if pool is TEXTS:
                return rng.choice(LONG_TEXTS if rng.random() < 0.02 else SHORT)
            return rng.choice(pool)

        randint = staticmethod(rng.randint)
        random = staticmethod(rng.random)

    per_show = max(1, announcements // shows)
    doc_shows = []
    for index in range(shows):
        slug = f"show-{index:05d}"
        show: dict[str, Any] = {
            "slug": slug,
            "title": f"{index} {Texts.choice(SHORT)}",
            # every name unique to its show (a name may name one show only)
            "aliases": [
                f"{Texts.choice(TEXTS)[:480]} aka{index}z",
                f"alias {index} {Texts.choice(SHORT)}",
            ],
            "network": Texts.choice(TEXTS),
            "genres": [Texts.choice(TEXTS)],
            "timezone": Texts.choice(["Europe/London", "America/New_York", "Asia/Tokyo"]),
            "creator": Texts.choice(TEXTS),
            "summary": " ".join(Texts.choice(TEXTS) for _ in range(5)),
            "status": Texts.choice(["running", "ended", None]),
            "seasons": [
                {
                    "number": number,
                    "episodes": Texts.randint(0, 30),
                    "runtime": {"min": 20, "max": 20 + number},
                    "premiere": "2024-06-26T22:00-04:00"
                    if number == 2
                    else Texts.choice(DATES[:4]),
                    "status": "scheduled",
                    "synopsis": Texts.choice(TEXTS),
                    "source_material": Texts.choice(TEXTS),
                }
                for number in (1, 2)
            ],
            "credits": [
                {
                    "season": 1,
                    "actor": f"Actor {k} {Texts.choice(SHORT)}",
                    "character": Texts.choice(TEXTS),
                    "note": Texts.choice(TEXTS),
                    "status": Texts.choice(["new", "returning"]),
                }
                for k in range(2)
            ],
            "announcements": [],
        }
        for k in range(per_show):
            item = {
                "kind": Texts.choice(KINDS),
                "headline": f"#{k} {Texts.choice(SHORT)}",
                "body": Texts.choice(TEXTS),
                "source": Texts.choice(TEXTS),
                "url": "https://example.org/" + Texts.choice(["a", "ü", "%F0%9F%8E%AC"]),
                "season": Texts.choice([None, 1, 2]),
                "date": Texts.choice(DATES),
            }
            show["announcements"].append({key: v for key, v in item.items() if v is not None})
        doc_shows.append(show)
    return pack(*doc_shows)


def _canonical(doc: dict[str, Any]) -> dict[str, Any]:
    """Order-free form: shows by slug, each list of records sorted by its JSON text."""
    shows = {}
    for show in doc["shows"]:
        record_ = {k: v for k, v in show.items() if v not in (None, [])}
        for key in ("seasons", "credits", "announcements"):
            record_[key] = sorted(
                json.dumps({k: v for k, v in item.items() if v is not None}, sort_keys=True)
                for item in show.get(key, [])
            )
        shows[show["slug"]] = record_
    return shows


def test_big_hostile_dataset_round_trips_exactly(tmp_path: Path) -> None:
    shows, news = scaled(200, 10_000), scaled(2_000, 100_000)
    doc = _document(shows, news)
    source = write_pack(tmp_path / "source.json", doc)
    db, env = empty_db(tmp_path, "one.json")
    imported = cli(env, "import", str(source), "--json", timeout=900)
    assert imported.code == 0, str(imported)
    counts = imported.json()["counts"]
    assert counts["announcements"]["added"] == shows * (news // shows)
    assert counts["shows"]["added"] == shows
    first = cli(env, "export", timeout=900)
    assert first.code == 0, str(first)
    exported = json.loads(first.out)
    assert _canonical(exported) == _canonical(doc)
    # and again: import the export into a second empty database, export: identical bytes
    again = write_pack(tmp_path / "again.json", exported)
    db2, env2 = empty_db(tmp_path, "two.json")
    assert cli(env2, "import", str(again), timeout=900).code == 0
    second = cli(env2, "export", timeout=900)
    assert second.out == first.out
    raw = load_db(db)
    assert len(raw["announcements"]) == shows * (news // shows)
    record(
        "round trip",
        runs=5,
        shows=shows,
        announcements=len(raw["announcements"]),
        records_lost=shows * (news // shows) - len(raw["announcements"]),
        seconds_import=round(imported.seconds, 1),
        seconds_export=round(first.seconds, 1),
    )


def test_lone_surrogate_from_api_json_round_trips(tmp_path: Path) -> None:
    """A broken "\\ud83c" escape in input JSON: stored, shown and exported without a crash."""
    db, env = empty_db(tmp_path)
    text = '{"format": "showtrack/1", "shows": [{"slug": "s", "title": "Broken \\ud83c emoji", "announcements": [{"kind": "other", "headline": "Half \\udfac here"}]}]}'
    (tmp_path / "broken.json").write_text(text, encoding="utf-8")
    done = cli(env, "import", str(tmp_path / "broken.json"))
    assert done.code == 0, str(done)
    results = cli_many([(env, ["shows"]), (env, ["news", "--peek", "--json"]), (env, ["export"])])
    for result in results:
        assert result.code == 0, str(result)
        assert "Traceback" not in result.stderr
    assert "\ufffd" in results[0].stdout or "\\ud83c" in results[0].stdout
    assert json.loads(results[2].out)["shows"][0]["title"] == "Broken \ud83c emoji"


LIMITS = [
    ("title", 500, "show"),
    ("summary", 20_000, "show"),
    ("headline", 500, "news"),
    ("url", 2_000, "news"),
    ("actor", 500, "credit"),
    ("synopsis", 20_000, "season"),
]


def _one_field_pack(field: str, where: str, value: str) -> dict[str, Any]:
    show: dict[str, Any] = {"slug": "limits", "title": "Limits"}
    if where == "show":
        show[field] = value
    elif where == "news":
        show["announcements"] = [{"kind": "other", "headline": "h", field: value}]
    elif where == "credit":
        show["credits"] = [{"season": 1, "actor": "A", field: value}]
    else:
        show["seasons"] = [{"number": 1, field: value}]
    return pack(show)


@pytest.mark.parametrize(("field", "limit", "where"), LIMITS)
def test_over_long_fields_are_rejected_never_truncated(
    tmp_path: Path, field: str, limit: int, where: str
) -> None:
    db, env = empty_db(tmp_path)
    before = db.read_bytes()
    at_limit = "é" * (limit - 1) + "🎬"  # multi-byte: the limit is in characters
    if field == "url":  # a link must be http(s); the rest of it is just as long
        at_limit = "https://example.org/" + at_limit[len("https://example.org/") :]
    over = at_limit + "!"
    too_long = write_pack(tmp_path / "over.json", _one_field_pack(field, where, over))
    just_right = write_pack(tmp_path / "ok.json", _one_field_pack(field, where, at_limit))
    refused = cli(env, "import", str(too_long))
    assert refused.code == 1, str(refused)
    assert field in refused.stderr
    assert str(limit) in refused.stderr
    assert db.read_bytes() == before, "a rejected import changed the file"
    accepted = cli(env, "import", str(just_right))
    assert accepted.code == 0, str(accepted)
    stored = json.dumps(load_db(db), ensure_ascii=False)
    assert json.dumps(at_limit, ensure_ascii=False) in stored, "the value was not stored whole"


def test_over_long_values_typed_on_the_command_line_are_rejected(tmp_path: Path) -> None:
    db, env = empty_db(tmp_path)
    assert cli(env, "add", "show", "Limits").code == 0
    before = db.read_bytes()
    runs = cli_many(
        [
            (env, ["add", "show", "T" * 501]),
            (env, ["add", "show", "Ok", "--slug", "s" * 101]),
            (env, ["add", "news", "limits", "--headline", "H" * 501]),
            (env, ["edit", "show", "limits", "--network", "N" * 501]),
            (env, ["add", "season", "limits", "1", "--synopsis", "S" * 20_001]),
            (env, ["add", "news", "limits", "--headline", "h", "--date", "2" * 101]),
        ]
    )
    for done in runs:
        assert done.code == 2, str(done)
        assert "Traceback" not in done.stderr
        assert "limit" in done.stderr or "not" in done.stderr, done.stderr
    assert db.read_bytes() == before
    record("over-long fields", runs=len(runs) + 2 * len(LIMITS))
