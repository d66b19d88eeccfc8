"""Scaling: what a command costs as the history grows (issue 15), against honest floors.

For each size (10k and 100k announcements by default; ``--sizes 10k,100k,1m`` adds
the 1M database, generated on first use), every case is timed as a whole process,
interleaved with its baselines in the same round:

* the **honest floor**: the interpreter, then reading and parsing only the records
  the command needs (prepared untimed into a file of their own by ``floor.py
  prepare``), and for a write one small file written and fsynced;
* the **SQLite reference** (context, not a budget): the same data in an indexed
  sqlite3 file, the same query in a small script (``sqlite_ref.py``);
* for ``countdown`` and ``news --since``, the old **whole-file floor** of
  ``run.py`` (labelled as a reference: it parses the news even for commands that
  never read it).

The generator gives every size the same last two weeks of news (history grows
backwards), so ``news --since 2w`` and "new since the last check" have the same
answer at every size. Budgets (issue 15) compare a command at 1M with the same
command at 10k; they print SKIP when 1M was not run.

    python benchmarks/scale.py                    # 10k and 100k, 5 rounds
    python benchmarks/scale.py --quick            # 2 rounds
    python benchmarks/scale.py --sizes 10k,100k,1m --runs 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402
import run as runner  # noqa: E402

NOW = generate.NOW_TEXT
MEMORY_MB = 100


@dataclass
class Case:
    key: str
    label: str
    argv: list[str]
    db: str | None = None  # size whose database copy it uses (SHOWTRACK_DB)
    fresh: bool = False  # copy the database anew before each run (untimed)
    once: bool = False  # timed in the first round only (a long command, for its memory)
    times: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def peak_mb(self) -> float:
        return max(self.rss_kb, default=0) / 1024


class Feeds:
    """A loopback feed server: every fetch of /SIZE.xml brings 10 new items."""

    def __init__(self, title: str) -> None:
        counter = iter(range(1, 10**9))
        words = title

        class Handle(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return None

            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                batch = next(counter)
                items = "".join(
                    f"<item><title>{words}: bench story {batch}-{n}</title>"
                    f"<link>https://news.example.org/{batch}-{n}</link>"
                    f"<guid>bench-{batch}-{n}</guid>"
                    f"<pubDate>Tue, 23 May 2023 09:{n:02d}:00 +0000</pubDate></item>"
                    for n in range(10)
                )
                body = (
                    '<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>'
                    f"<link>https://news.example.org/</link>{items}</channel></rss>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, size: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{size}.xml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k", help="comma list of 10k,100k,300k,1m")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--quick", action="store_true", help="2 timed rounds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--out", type=Path, default=HERE / "SCALE.md")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rounds = 2 if args.quick else args.runs
    sizes = [s for s in args.sizes.split(",") if s]
    python = sys.executable
    showtrack = str(Path(python).parent / "showtrack")
    floor = [python, str(HERE / "floor.py")]
    ref = [python, str(HERE / "sqlite_ref.py")]
    started = time.perf_counter()
    subprocess.run(
        [
            python,
            str(HERE / "generate.py"),
            "--out",
            str(args.data),
            "--seed",
            str(args.seed),
            "--sizes",
            ",".join(sizes),
            "--no-import",
        ],  # fmt: skip
        check=True,
    )
    files = generate.ensure(args.data, sizes, args.seed, with_import=False, quiet=True)
    work = Path(tempfile.mkdtemp(prefix="showtrack-scale-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOWTRACK_", "PYTHON"))}
    env.update({"SHOWTRACK_NOW": NOW, "TZ": "UTC", "NO_COLOR": "1", "COLUMNS": "120"})
    env.pop("http_proxy", None)
    env.pop("HTTP_PROXY", None)
    out = work / "stdout.txt"
    slug = runner.first_show(files[sizes[0]])
    title = slug.rsplit("-", 1)[0].replace("-", " ").title()
    feeds = Feeds(title)
    cases: list[Case] = [Case("pass", "python -c pass", [python, "-c", "pass"])]
    masters: dict[str, Path] = {}
    try:
        for size in sizes:
            master = work / "masters" / size / "showtrack.json"
            master.parent.mkdir(parents=True)
            shutil.copyfile(files[size], master)
            prep_env = {**env, "SHOWTRACK_DB": str(master)}
            for words in (["shows"], ["feed", "add", slug, feeds.url(size)]):
                _, _, code, text, _ = runner.run_once([showtrack, *words], prep_env, out)
                if code != 0:
                    sys.exit(f"showtrack {' '.join(words)} failed on the {size} database:\n{text}")
            masters[size] = master
            ideal = work / "ideal" / size
            subprocess.run([*floor, "prepare", str(master), NOW, str(ideal)], check=True)
            sqlite = work / "sqlite" / f"{size}.sqlite"
            sqlite.parent.mkdir(exist_ok=True)
            subprocess.run([*ref, "build", str(files[size]), str(sqlite)], check=True)
            db = work / size / "showtrack.json"
            db.parent.mkdir()
            runner.copy_db(master, db)
            scratch = work / "scratch" / size
            scratch.mkdir(parents=True)
            tag = f" ({size})"
            cases += [
                Case(f"cd-{size}", f"countdown{tag}", [showtrack, "countdown"], size),
                Case(f"honest-cd-{size}", f"honest floor: countdown{tag}",
                     [*floor, "honest-read", str(ideal / "countdown.json")]),
                Case(f"sql-cd-{size}", f"SQLite: countdown{tag}",
                     [*ref, "countdown", str(sqlite), NOW]),
                Case(f"old-cd-{size}", f"whole-file floor: countdown{tag}",
                     [*floor, "countdown", str(master), NOW]),
                Case(f"cast-{size}", f"cast {slug}{tag}", [showtrack, "cast", slug], size),
                Case(f"honest-cast-{size}", f"honest floor: cast{tag}",
                     [*floor, "honest-read", str(ideal / "cast.json")]),
                Case(f"sql-cast-{size}", f"SQLite: cast{tag}", [*ref, "cast", str(sqlite), slug]),
                Case(f"shows-{size}", f"shows{tag}", [showtrack, "shows"], size),
                Case(f"sql-shows-{size}", f"SQLite: shows{tag}", [*ref, "shows", str(sqlite)]),
                Case(f"since-{size}", f"news --since 2w{tag}",
                     [showtrack, "news", "--since", "2w"], size),
                Case(f"honest-since-{size}", f"honest floor: news --since 2w{tag}",
                     [*floor, "honest-read", str(ideal / "news-since.json")]),
                Case(f"sql-since-{size}", f"SQLite: news --since 2w{tag}",
                     [*ref, "news-since", str(sqlite), NOW, "14"]),
                Case(f"old-since-{size}", f"whole-file floor: news --since 2w{tag}",
                     [*floor, "news-since", str(master), NOW, "14"]),
                Case(f"new-{size}", f"news --peek (new since the check){tag}",
                     [showtrack, "news", "--peek"], size),
                Case(f"honest-new-{size}", f"honest floor: news new since the check{tag}",
                     [*floor, "honest-read", str(ideal / "news-new.json")]),
                Case(f"sql-new-{size}", f"SQLite: news new since the check{tag}",
                     [*ref, "news-new", str(sqlite)]),
                Case(f"check-{size}", f"news, recording the check{tag}", [showtrack, "news"],
                     size, fresh=True),
                Case(f"honest-check-{size}", f"honest floor: news + record the check{tag}",
                     [*floor, "honest-check", str(ideal / "news-new.json"), str(scratch), NOW]),
                Case(f"add-{size}", f"add news{tag}",
                     [showtrack, "add", "news", slug, "--date", "2023-05-20", "--kind",
                      "trailer", "--headline", "HEADLINE", "--source", "bench"], size),
                Case(f"edit-{size}", f"edit show{tag}",
                     [showtrack, "edit", "show", slug, "--network", "NETWORK"], size),
                Case(f"sync-{size}", f"sync adding 10 items{tag}",
                     [showtrack, "sync", "--quiet"], size),
                Case(f"honest-write-{size}", f"honest floor: a write{tag}",
                     [*floor, "honest-write", str(scratch), NOW]),
                Case(f"sql-add-{size}", f"SQLite: add news{tag}", [*ref, "add", str(sqlite), NOW]),
                Case(f"sql-edit-{size}", f"SQLite: edit show{tag}",
                     [*ref, "edit", str(sqlite), slug]),
                Case(f"show-{size}", f"show {slug} (reads every part; not budgeted){tag}",
                     [showtrack, "show", slug], size, once=True),
                Case(f"export-{size}", f"export -o FILE (streams; once per run){tag}",
                     [showtrack, "export", "-o", str(scratch / "export.json")], size,
                     once=True),
            ]  # fmt: skip
        serial = iter(range(1, 10**9))
        for index in range(rounds + 1):
            began = time.perf_counter()
            for case in cases:
                argv = [
                    word.replace("HEADLINE", f"Bench teaser {next(serial)}").replace(
                        "NETWORK", f"Network {next(serial)}"
                    )
                    for word in case.argv
                ]
                if case.once and index != 1:
                    continue
                case_env = dict(env)
                if case.db is not None:
                    db = work / case.db / "showtrack.json"
                    if case.fresh:
                        runner.copy_db(masters[case.db], db)
                        os.sync()
                    case_env["SHOWTRACK_DB"] = str(db)
                elapsed, rss, code, text, _ = runner.run_once(argv, case_env, out)
                if code != 0 and case.error is None:
                    case.error = f"exit {code}: {text.strip()[-300:]}"
                if index > 0:
                    case.times.append(elapsed)
                    case.rss_kb.append(rss)
            os.sync()
            print(f"round {index}/{rounds}: {time.perf_counter() - began:.1f} s", file=sys.stderr)
    finally:
        feeds.httpd.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    by_key = {case.key: case for case in cases}
    report = render(cases, by_key, sizes, rounds, time.perf_counter() - started)
    print(report)
    if not args.no_write:
        args.out.write_text(report, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 1 if "**FAIL**" in report else 0


def render(
    cases: list[Case], by_key: dict[str, Case], sizes: list[str], rounds: int, took: float
) -> str:
    lines = [
        "# Scaling (issue 15)",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {rounds} rounds, {took / 60:.1f} minutes; "
        f"{runner.machine()}; {runner.versions()}; {runner.code_under_test()}.",
        "",
        "## Budgets",
        "",
        "| budget | result | measured |",
        "|---|---|---|",
    ]
    big, small = "1m", "10k"
    for name, key, limit_ms in (
        ("add news", "add", None),
        ("edit show", "edit", None),
        ("news, recording the check", "check", None),
        ("sync adding 10 items", "sync", None),
        ("news --since 2w", "since", 500),
        ("news --peek (new since the check)", "new", 500),
        ("countdown", "cd", None),
        ("cast", "cast", None),
        ("shows", "shows", None),
    ):
        budget = f"{name}: 1M <= 1.5x 10k" + (f" and < {limit_ms} ms at 1M" if limit_ms else "")
        if big not in sizes or small not in sizes:
            lines.append(f"| {budget} | SKIP | run with --sizes 10k,...,1m |")
            continue
        one, ten = by_key[f"{key}-{big}"], by_key[f"{key}-{small}"]
        ratio = one.median / ten.median
        ok = ratio <= 1.5 and (limit_ms is None or one.median * 1000 < limit_ms)
        verdict = "**PASS**" if ok and not one.error else "**FAIL**"
        lines.append(
            f"| {budget} | {verdict} | {ratio:.2f}x ({one.median * 1000:.0f} ms at 1M, "
            f"{ten.median * 1000:.0f} ms at 10k) |"
        )
    if big in sizes:
        for case in cases:
            if case.key.endswith(f"-{big}") and case.db is not None and "export" not in case.key:
                verdict = "**PASS**" if case.peak_mb <= MEMORY_MB else "**FAIL**"
                lines.append(
                    f"| peak memory, {case.label} <= {MEMORY_MB} MB | {verdict} | "
                    f"{case.peak_mb:.0f} MB |"
                )
    if big in sizes and small in sizes:
        one, ten = by_key[f"export-{big}"], by_key[f"export-{small}"]
        ratio = one.peak_mb / ten.peak_mb
        verdict = "**PASS**" if ratio <= 1.5 and not one.error else "**FAIL**"
        lines.append(
            f"| export streams: its peak memory at 1M <= 1.5x at 10k | {verdict} | "
            f"{ratio:.2f}x ({one.peak_mb:.0f} MB at 1M, {ten.peak_mb:.0f} MB at 10k) |"
        )
    lines += [
        "",
        "## Each case (median ms; peak memory of showtrack's own runs)",
        "",
        "| case | " + " | ".join(sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    seen: list[str] = []
    for case in cases:
        stem = case.key.rsplit("-", 1)[0]
        if stem in seen or stem == "pass":
            continue
        seen.append(stem)
        cells = []
        for size in sizes:
            item = by_key.get(f"{stem}-{size}")
            if item is None or not item.times:
                cells.append("")
                continue
            text = f"{item.median * 1000:.0f}"
            if item.db is not None:
                text += f" ({item.peak_mb:.0f} MB)"
            if item.error:
                text += f" error: {item.error[:60]}"
            cells.append(text)
        label = by_key[f"{stem}-{sizes[0]}"].label.rsplit(" (", 1)[0]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    base = by_key["pass"]
    lines += ["", f"`python -c pass`: {base.median * 1000:.0f} ms.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
