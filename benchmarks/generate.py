"""Synthetic showtrack databases for the benchmarks, deterministic by seed.

Writes, into ``--out`` (default ``benchmarks/data/``):

* ``db-10k.json``, ``db-100k.json``, ``db-300k.json``, ``db-1m.json`` (opt-in): TinyDB files in the exact
  layout ``showtrack.store`` reads (``{"shows": {"1": {...}}, "seasons": ...,
  "credits": ..., "announcements": ..., "state": {"1": {"schema_version": N,
  ...}}}``), each with 1k shows (2-4 seasons, ~10 credits each) and that many
  announcements (the same 200 in the last two weeks at every size, the rest
  history over six years, older than 60 days), and ~20 episodes a season (60k: weekly, an all-at-once drop
  for some streamers, TBA for seasons without a day; some seasons airing at
  NOW). N is the installed showtrack's schema (read from store.py's
  source) when this generator knows that layout, else the newest older one it
  knows, which showtrack migrates on read (``--schema`` overrides). The
  ``episodes`` table is schema 6's; the migrations from older layouts keep it;
* ``import-10k.json``: 10k new announcements for those same shows in the
  import format (``{"format": "showtrack/1", "shows": [...]}``, see
  ``showtrack/sources/jsonfile.py``), for an ``import`` benchmark.

Everything is relative to a fixed ``NOW`` (2023-05-24T12:00:00Z), the instant
the runner passes as ``SHOWTRACK_NOW``. The same seed gives byte-identical
files. Only the standard library is used, and showtrack is not imported, so the
files do not change when the code under test does.

    python benchmarks/generate.py                  # all sizes + import file
    python benchmarks/generate.py --sizes 100k     # just one
    python benchmarks/generate.py --seed 7 --out /tmp/bench
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

NOW = datetime(2023, 5, 24, 12, 0, tzinfo=UTC)
NOW_TEXT = "2023-05-24T12:00:00Z"
# Layouts this generator can write: schema 1 (four tables + state), schema 2 (+ feeds).
LAYOUTS = {1: ("shows", "seasons", "credits", "announcements"),
           2: ("shows", "seasons", "credits", "announcements", "feeds")}  # fmt: skip
SHOWS = 1000
SIZES = {"10k": 10_000, "100k": 100_000, "300k": 300_000, "1m": 1_000_000}
IMPORT_SIZE = 10_000
NEWS_YEARS = 6  # announcements are dated over the 6 years before NOW
#: The last two weeks hold the same news at every size: history grows backwards, so
#: "news --since 2w" and "new since the last check" give the same answer at 10k and 1M.
RECENT = 200
RECENT_DAYS = 14
HISTORY_GAP = 60  # days between the newest history and NOW
HERE = Path(__file__).resolve().parent
#: Bumped when the generated content changes, so old files are made again.
CONTENT = 3  # 2: episodes, and seasons airing at NOW; 3: a fixed recent window
STREAMERS = ("Netflix", "Apple TV+", "Prime Video", "Disney+", "Hulu", "Peacock", "Paramount+")

KINDS = (
    "filming-started", "filming-wrapped", "release-date", "renewal", "casting",
    "casting-call", "synopsis", "episode-count", "trailer", "photos", "rumor", "other",
)  # fmt: skip
NETWORKS = (
    "Netflix", "BBC One", "HBO", "Apple TV+", "Prime Video", "Hulu", "Disney+", "ITV",
    "Channel 4", "FX", "AMC", "Peacock", "Paramount+", "NHK", "ZDF", "Canal+",
)  # fmt: skip
ZONES = (
    ("GB", "Europe/London"), ("US", "America/New_York"), ("US", "America/Los_Angeles"),
    ("CA", "America/Toronto"), ("AU", "Australia/Sydney"), ("JP", "Asia/Tokyo"),
    ("DE", "Europe/Berlin"), ("FR", "Europe/Paris"), ("IN", "Asia/Kolkata"),
    ("BR", "America/Sao_Paulo"), ("KR", "Asia/Seoul"), ("ES", "Europe/Madrid"),
)  # fmt: skip
OFFSETS = ("-07:00", "-08:00", "-05:00", "-04:00", "+00:00", "+01:00", "+09:00", "+05:30")
GENRES = ("Drama", "Comedy", "Teen drama", "Thriller", "Sci-fi", "Fantasy", "Crime", "Romance")
SOURCES = (
    "Variety", "Deadline", "The Hollywood Reporter", "Netflix Life", "What's on Netflix",
    "TVLine", "Collider", "Screen Rant", "Radio Times", "Digital Spy", "Entertainment Weekly",
)  # fmt: skip
HOSTS = (
    "variety.com", "deadline.com", "hollywoodreporter.com", "netflixlife.com",
    "whats-on-netflix.com", "tvline.com", "collider.com", "screenrant.com", "radiotimes.com",
)  # fmt: skip
FIRST = (
    "Joe", "Kit", "Yasmin", "William", "Corinna", "Kizzy", "Tobie", "Jenny", "Sebastian",
    "Rhea", "Olivia", "Leila", "Nima", "Bel", "Fisayo", "Chetna", "Ashwin", "Maria", "Hiro",
    "Ana", "Lucas", "Chloé", "Søren", "Zoë", "Mateo", "Aisha", "Ravi", "Emma", "Noah", "Ivy",
)  # fmt: skip
LAST = (
    "Locke", "Connor", "Finney", "Gao", "Brown", "Edgell", "Donovan", "Walcott", "Croft",
    "Norman", "Colman", "Khan", "Taghdiri", "Priestley", "Akinade", "Pandya", "Sanders",
    "Okafor", "Tanaka", "García", "Müller", "Dubois", "Nielsen", "Rossi", "Kowalski",
)  # fmt: skip
WORDS = (
    "season", "episode", "filming", "production", "cast", "premiere", "netflix", "series",
    "character", "director", "writer", "showrunner", "finale", "trailer", "teaser", "first",
    "look", "returns", "confirmed", "reportedly", "according", "sources", "close", "to",
    "the", "a", "of", "and", "in", "on", "with", "for", "new", "star", "joins", "as",
    "studio", "london", "location", "set", "photos", "script", "table", "read", "wrapped",
    "begins", "date", "announced", "fans", "story", "book", "graphic", "novel", "adaptation",
    "volume", "chapter", "romance", "school", "friends", "summer", "winter", "spring",
    "autumn", "will", "be", "has", "been", "is", "was", "that", "this", "after", "before",
)  # fmt: skip
TITLE_WORDS = (
    "Heart", "Stone", "River", "Night", "Glass", "Crown", "Echo", "Harbour", "Silver",
    "Winter", "Summer", "Signal", "Lantern", "North", "Orchard", "Paper", "Velvet", "Iron",
    "Saltwater", "Hollow", "Bright", "Quiet", "Wild", "Little", "Golden", "Lost", "Blue",
)  # fmt: skip
TITLE_TAILS = ("Stopper", "Falls", "Academy", "Street", "House", "Road", "Club", "Line", "")


def stamp(moment: datetime) -> str:
    """store.py's recorded_at: fixed-width UTC with microseconds."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def announcement_id(show: str, date_iso: str | None, kind: str, headline: str) -> str:
    """Same formula as showtrack.models.announcement_id (copied, not imported)."""
    key = "\x1f".join((show, date_iso or "", kind, " ".join(headline.split()).lower()))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def sentence(rng: random.Random, low: int, high: int) -> str:
    """Words until the text is between ``low`` and ``high`` characters long."""
    target = rng.randint(low, high)
    words: list[str] = []
    size = 0
    while size < target:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    text = " ".join(words)[:target].rstrip()
    return text[:1].upper() + text[1:] + "."


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


# --- shows, seasons, credits ----------------------------------------------------


def make_episodes(
    rng: random.Random, show: dict[str, Any], season: dict[str, Any]
) -> list[dict[str, Any]]:
    """~20 episodes: weekly from a premiere known to the day (all at once for some
    streamers), undated (TBA) for a season known to the month, year or not at all."""
    premiere = season["premiere"]
    count = rng.randint(10, 30)
    dated = isinstance(premiere, str) and len(premiere) >= 10
    if not dated and rng.random() < 0.5:
        return []
    drop = dated and show["network"] in STREAMERS and rng.random() < 0.4
    episodes = []
    for number in range(1, count + 1):
        airs = None
        if dated:
            day = date.fromisoformat(premiere[:10]) + timedelta(weeks=0 if drop else number - 1)
            airs = day.isoformat() + premiere[10:]
        episodes.append(
            {
                "show": show["slug"],
                "season": season["number"],
                "number": number,
                "title": sentence(rng, 10, 30)[:-1] if rng.random() < 0.8 else None,
                "airs": airs,
                "runtime": (season["runtime"] or {}).get("min"),
                "kind": "regular",
                "summary": sentence(rng, 80, 250) if rng.random() < 0.5 else None,
                "source": rng.choice(SOURCES),
            }
        )
    season["episodes"] = count
    return episodes


def make_shows(
    rng: random.Random,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    shows: list[dict[str, Any]] = []
    seasons: list[dict[str, Any]] = []
    credits: list[dict[str, Any]] = []
    episodes: list[dict[str, Any]] = []
    today = NOW.date()
    for index in range(SHOWS):
        words = f"{rng.choice(TITLE_WORDS)}{rng.choice(TITLE_TAILS)} {rng.choice(TITLE_WORDS)}"
        title = f"{words} {index}"
        slug = "-".join(title.lower().split())
        country, tz = rng.choice(ZONES)
        shows.append(
            {
                "slug": slug,
                "title": title,
                "aliases": [words] if rng.random() < 0.3 else [],
                "network": rng.choice(NETWORKS),
                "country": country,
                "language": "English",
                "genres": rng.sample(GENRES, rng.randint(1, 2)),
                "timezone": tz,
                "creator": person(rng),
                "based_on": sentence(rng, 30, 60) if rng.random() < 0.4 else None,
                "status": rng.choice(("running", "running", "ended", "in development")),
                "summary": sentence(rng, 200, 500),
                "source": rng.choice(SOURCES),
            }
        )
        count = rng.randint(2, 4)
        first_year = rng.randint(2012, 2021)
        for number in range(1, count + 1):
            last = number == count
            roll = rng.random()
            status = "released"
            if not last or roll < 0.15:  # an earlier (released) season, at day precision
                day = date(first_year + number - 1, rng.randint(1, 12), rng.randint(1, 28))
                premiere: str | None = min(day, today - timedelta(days=1)).isoformat()
                if rng.random() < 0.1:
                    premiere = None  # released, date not recorded
            elif roll < 0.40:  # upcoming, to the day
                premiere = (today + timedelta(days=rng.randint(1, 300))).isoformat()
                status = "scheduled"
            elif roll < 0.55:  # upcoming, with a time and an offset (e.g. Netflix midnight PT)
                day = today + timedelta(days=rng.randint(0, 200))
                premiere = f"{day.isoformat()}T{rng.choice(('00:00', '03:00', '21:00'))}{rng.choice(OFFSETS)}"
                status = "scheduled"
            elif roll < 0.70:  # to the month
                month = today.replace(day=1) + timedelta(days=rng.randint(0, 400))
                premiere = f"{month.year:04d}-{month.month:02d}"
                status = rng.choice(("filming", "post-production"))
            elif roll < 0.80:  # to the year
                premiere = str(today.year + rng.randint(0, 2))
                status = rng.choice(("filming", "casting"))
            elif roll < 0.86:  # airing now: premiered in the last four months
                premiere = (today - timedelta(days=rng.randint(1, 120))).isoformat()
            else:  # TBA
                premiere = None
                status = rng.choice(("announced", "casting", "cancelled"))
            runtime = None
            if rng.random() < 0.7:
                low = rng.choice((20, 25, 30, 45, 50, 55))
                runtime = {"min": low, "max": low + rng.choice((0, 5, 10, 15))}
            seasons.append(
                {
                    "show": slug,
                    "number": number,
                    "episodes": rng.choice((None, 6, 8, 10, 13)),
                    "runtime": runtime,
                    "premiere": premiere,
                    "status": status,
                    "source_material": sentence(rng, 20, 60) if rng.random() < 0.3 else None,
                    "synopsis": sentence(rng, 100, 400) if rng.random() < 0.7 else None,
                    "source": rng.choice(SOURCES),
                }
            )
            episodes.extend(make_episodes(rng, shows[-1], seasons[-1]))
        cast = [person(rng) for _ in range(rng.randint(4, 6))]
        for number in range(1, count + 1):  # ~10 credits a show in all
            members = cast[: rng.randint(3, len(cast))]
            if rng.random() < 0.5:
                members = [*members, person(rng)]
            for actor in members[: max(2, 10 // count + rng.randint(0, 1))]:
                credits.append(
                    {
                        "show": slug,
                        "season": number,
                        "actor": actor,
                        "character": person(rng) if rng.random() < 0.9 else None,
                        "note": sentence(rng, 15, 40) if rng.random() < 0.2 else None,
                        "status": rng.choice((None, "returning", "new")) if number > 1 else None,
                        "source": rng.choice(SOURCES),
                    }
                )
    return shows, seasons, credits, episodes


# --- announcements -----------------------------------------------------------------


def make_announcement(
    rng: random.Random, shows: list[dict[str, Any]], serial: int, *, recent: bool = False
) -> dict[str, Any]:
    """One announcement in the import format (no id, no recorded_at)."""
    show = rng.choice(shows)
    if recent:  # within the last RECENT_DAYS days
        back = int(rng.random() * RECENT_DAYS)
    else:  # history: evenly over NEWS_YEARS years, ending HISTORY_GAP days before NOW
        back = HISTORY_GAP + int(rng.random() * (NEWS_YEARS * 365 - HISTORY_GAP))
    day = NOW.date() - timedelta(days=back)
    roll = rng.random()
    if roll < 0.70:
        when: str | None = day.isoformat()
    elif roll < 0.85:
        when = f"{day.year:04d}-{day.month:02d}"
    elif roll < 0.90 and (recent or day.year < NOW.year):  # an old year, or this one if recent
        when = f"{day.year:04d}"
    elif roll < 0.90:
        when = f"{day.year:04d}-{day.month:02d}"
    else:
        when = None
    kind = rng.choice(KINDS)
    headline = f"{show['title']}: {sentence(rng, 35, 70)[:-1]} #{serial}"
    source = rng.choice(SOURCES)
    host = rng.choice(HOSTS)
    return {
        "date": when,
        "kind": kind,
        "season": rng.choice((None, 1, 2, 3)),
        "headline": headline,
        "body": sentence(rng, 200, 600),
        "source": source,
        "url": f"https://{host}/{day.year}/{day.month:02d}/{show['slug']}-{kind}-{serial}",
        "via": f"{rng.choice(SOURCES)} ({day.isoformat()})" if rng.random() < 0.3 else None,
        "_show": show["slug"],
        "_back": back,
    }


def store_schema() -> int:
    """showtrack's current SCHEMA_VERSION, read from its source (not imported)."""
    import importlib.util
    import re

    spec = importlib.util.find_spec("showtrack")
    if spec is None or not spec.submodule_search_locations:
        return 1
    package = Path(next(iter(spec.submodule_search_locations)))
    for source in (package / "store" / "migrations.py", package / "store.py"):
        try:
            text = source.read_text("utf-8")
        except OSError:
            continue
        match = re.search(r"^SCHEMA_VERSION = (\d+)", text, re.MULTILINE)
        if match:
            return int(match[1])
    return 1


def schema_for(wanted: str) -> int:
    """The newest layout we know that showtrack reads (older ones it migrates on read)."""
    version = store_schema() if wanted == "auto" else int(wanted)
    usable = [known for known in LAYOUTS if known <= version]
    if not usable:
        raise SystemExit(f"no known layout for schema {version}")
    return max(usable)


def database(size: int, seed: int, schema: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    shows, seasons, credits, episodes = make_shows(rng)
    news_rng = random.Random(f"{seed}-news")
    announcements: dict[str, dict[str, Any]] = {}
    history = size - min(RECENT, size)
    for serial in range(1, size + 1):
        recent = serial > history
        item = make_announcement(news_rng, shows, serial, recent=recent)
        show = item.pop("_show")
        back = item.pop("_back")
        # Recorded some days after its date (sync lag), never after NOW; history is
        # recorded before the recent window starts.
        lag = timedelta(days=news_rng.randint(0, 3 if recent else 30),
                        seconds=news_rng.randint(0, 86_399),
                        microseconds=news_rng.randint(0, 999_999))  # fmt: skip
        latest = NOW - timedelta(minutes=5) if recent else NOW - timedelta(days=RECENT_DAYS + 1)
        recorded = min(NOW - timedelta(days=back) + lag, latest)
        announcements[str(serial)] = {
            "id": announcement_id(show, item["date"], item["kind"], item["headline"]),
            "show": show,
            "season": item["season"],
            "date": item["date"],
            "kind": item["kind"],
            "headline": item["headline"],
            "body": item["body"],
            "source": item["source"],
            "url": item["url"],
            "via": item["via"],
            "recorded_at": stamp(recorded),
        }
    tables: dict[str, Any] = {name: {} for name in LAYOUTS[schema]}
    tables["shows"] = {str(i): doc for i, doc in enumerate(shows, 1)}
    tables["seasons"] = {str(i): doc for i, doc in enumerate(seasons, 1)}
    tables["credits"] = {str(i): doc for i, doc in enumerate(credits, 1)}
    tables["episodes"] = {str(i): doc for i, doc in enumerate(episodes, 1)}
    state = {
        "1": {
            "schema_version": schema,
            "last_check": stamp(NOW - timedelta(days=3)),
            "checks": {},
        }
    }
    # The order showtrack itself writes (store._encode): state first, announcements
    # last, so that readers which do not need the news can skip parsing it.
    head = {
        name: tables[name] for name in (*LAYOUTS[schema], "episodes") if name != "announcements"
    }
    return {"state": state, **head, "announcements": announcements}


def import_document(size: int, seed: int) -> dict[str, Any]:
    """New announcements for the same 1k shows, in the import format."""
    shows, _, _, _ = make_shows(random.Random(seed))
    rng = random.Random(f"{seed}-import")
    by_show: dict[str, list[dict[str, Any]]] = {}
    for serial in range(1, size + 1):
        item = make_announcement(rng, shows, 10_000_000 + serial)
        show = item.pop("_show")
        item.pop("_back")
        by_show.setdefault(show, []).append({k: v for k, v in item.items() if v is not None})
    return {
        "format": "showtrack/1",
        "shows": [
            {"slug": show["slug"], "title": show["title"], "announcements": by_show[show["slug"]]}
            for show in shows
            if show["slug"] in by_show
        ],
    }


def dump(doc: dict[str, Any]) -> bytes:
    """Encoded as store.py encodes a database (compact, UTF-8)."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_bytes(data)
    os.replace(temp, path)


def ensure(out: Path, sizes: list[str], seed: int, *, with_import: bool = True, force: bool = False,
           quiet: bool = False, schema: str = "auto") -> dict[str, Path]:  # fmt: skip
    """Generate the files that are missing (or all with ``force``); return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    version = schema_for(schema)
    marker = out / f".seed-{seed}-schema-{version}-content-{CONTENT}"
    if not marker.exists():
        force = True  # files from another seed (or none): regenerate
        for old in out.glob(".seed-*"):
            old.unlink()
    todo = [(name, out / f"db-{name}.json") for name in sizes]
    if with_import:
        todo.append(("import", out / "import-10k.json"))
    for name, path in todo:
        made[name] = path
        if path.exists() and not force:
            continue
        started = time.perf_counter()
        doc = (
            import_document(IMPORT_SIZE, seed)
            if name == "import"
            else database(SIZES[name], seed, version)
        )
        data = dump(doc)
        write(path, data)
        if not quiet:
            print(f"wrote {path} ({len(data) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)  # fmt: skip
    marker.touch()
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "data", help="output folder")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--sizes", default="10k,100k,300k", help="comma list of 10k,100k,300k,1m")
    parser.add_argument("--no-import", action="store_true", help="skip import-10k.json")
    parser.add_argument("--force", action="store_true", help="regenerate existing files")
    parser.add_argument("--schema", default="auto",
                        help="schema_version to write: 1, 2 or auto (showtrack's, read from store.py)")  # fmt: skip
    args = parser.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}; choose from {', '.join(SIZES)}")
    ensure(
        args.out,
        sizes,
        args.seed,
        with_import=not args.no_import,
        force=args.force,
        schema=args.schema,
    )


if __name__ == "__main__":
    main()
