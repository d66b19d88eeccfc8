"""Time whole showtrack processes against baselines measured in the same run.

Standard library only. Each round runs every case once, in a fixed order in
which each command sits next to its baselines (``python -c pass`` and the raw
floor script, ``benchmarks/floor.py``), so slow patches of a shared machine
hit commands and baselines alike. After one warm-up round, ``--runs`` rounds
(default 7) are timed, the cheap start-up cases on the bundled data together with
``python -c pass`` three times a round (``--startup-repeat``), still interleaved;
each case is reported as the median and the min-max
spread, and as a ratio of medians to its baseline. Dirty pages are written back
(``os.sync``) after each database copy and after each round, untimed, so that
writeback of 80 MB files does not land in the start-up timings. Peak memory is the child's
own ``ru_maxrss`` from ``os.wait4``. Budgets from issue 6 print PASS, FAIL or
SKIP (with the reason), and the table is written to ``benchmarks/RESULTS.md``.

    .venv/bin/python benchmarks/run.py                 # full run, ~3-5 minutes
    .venv/bin/python benchmarks/run.py --quick         # 3 rounds, a smoke test
    .venv/bin/python benchmarks/run.py --sizes 10k,100k,300k   # plus scaling rows

Run it with the interpreter that has showtrack installed: ``python -c pass``,
the floor and the ``showtrack`` script next to that interpreter are timed.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (benchmarks/generate.py)

NOW = generate.NOW_TEXT
BIG = "100k"

# Counts what a showtrack process does to its database file, through audit hooks.
IO_COUNTER = r"""
import os, sys
target = os.path.realpath(os.environ["BENCH_IO_PATH"])
counts = {"reads": 0, "write_opens": 0, "replaces": 0}
busy = False
def hook(event, args):
    global busy
    if busy or event not in ("open", "os.rename"):
        return
    busy = True
    try:
        if event == "open":
            path, mode, flags = args
            if isinstance(path, (str, bytes, os.PathLike)) and os.path.realpath(path) == target:
                writing = (mode and any(c in mode for c in "wax+")) or (
                    isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR))
                counts["write_opens" if writing else "reads"] += 1
        elif os.path.realpath(args[1]) == target:
            counts["replaces"] += 1
    finally:
        busy = False
sys.addaudithook(hook)
sys.argv = ["showtrack", *sys.argv[1:]]
from showtrack import cli
# main() ends with os._exit, which skips atexit: run the same CLI, then report.
try:
    cli.app(sys.argv[1:], prog_name="showtrack")
except SystemExit:
    pass
busy = True
with open(os.environ["BENCH_IO_OUT"], "w") as out:
    out.write(repr(counts))
"""


def copy_db(source: Path, target: Path) -> None:
    """A database, its reading state (``<db>.reading``, when there is one) and the
    folder of its news (``<db>.news``, in the parted layout)."""
    shutil.copyfile(source, target)
    reading = source.with_name(source.name + ".reading")
    copy = target.with_name(target.name + ".reading")
    if reading.exists():
        shutil.copyfile(reading, copy)
    elif copy.exists():
        copy.unlink()
    news, news_copy = (p.with_name(p.name + ".news") for p in (source, target))
    if news_copy.exists():
        shutil.rmtree(news_copy)
    if news.is_dir():
        shutil.copytree(news, news_copy)


@dataclass
class Case:
    key: str
    label: str
    argv: list[str]
    db: str | None = None  # key of the database copy it uses
    fresh: bool = False  # the run writes: copy the database anew before each run
    baseline: str = "pass"  # key of the case it is compared with
    times: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    error: str | None = None
    output: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)


@dataclass
class Budget:
    name: str
    check: Callable[[], tuple[str, str]]  # -> (PASS/FAIL/SKIP, detail)


def run_once(argv: list[str], env: dict[str, str], out: Path) -> tuple[float, int, int, str, float]:
    """Wall time, peak RSS (KiB), exit code, output and CPU time (user + sys) of one process."""
    with open(out, "w+b") as stdout:
        started = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.STDOUT, env=env
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        text = stdout.read().decode("utf-8", "replace")
    return elapsed, usage.ru_maxrss, proc.returncode, text, usage.ru_utime + usage.ru_stime


def first_show(path: Path) -> str:
    """The first show's slug, without parsing the whole file (keeps this process small)."""
    with open(path, "rb") as handle:
        head = handle.read(65536).decode("utf-8", "replace")
    match = re.search(r'"slug":"([^"]+)"', head)
    return match[1] if match else "unknown"


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.platform()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"
    )


def versions() -> str:
    names = (
        "showtrack",
        "typer",
        "click",
        "rich",
        "tinydb",
        "python-dateutil",
        "orjson",
        "msgspec",
    )
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    return ", ".join(found)


def code_under_test() -> str:
    """Which showtrack is timed: this work tree (git revision) or another install."""
    spec = importlib.util.find_spec("showtrack")
    where = (
        Path(next(iter(spec.submodule_search_locations)))
        if spec and spec.submodule_search_locations
        else None
    )
    repo = HERE.parent
    if where is None or repo not in where.parents:
        return f"showtrack installed at {where} (not this work tree)"
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], cwd=repo, capture_output=True, text=True
        ).stdout.strip()
        return f"this work tree, git {rev}" + (" + uncommitted changes in src/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "this work tree (git revision unknown)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument(
        "--startup-repeat",
        type=int,
        default=3,
        help="runs of each start-up case (bundled data) per round (default 3)",
    )
    parser.add_argument("--quick", action="store_true", help="3 timed rounds")
    parser.add_argument(
        "--sizes", default=BIG, help=f"database sizes to time (default {BIG}; also 10k, 300k)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--data", type=Path, default=HERE / "data", help="where generated files live"
    )
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="markdown report")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument(
        "--note", default="", help="a line to add to the report, e.g. what was changed"
    )
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    sizes = [s for s in args.sizes.split(",") if s]
    if BIG not in sizes:
        sizes.insert(0, BIG)

    python = sys.executable
    showtrack = str(Path(python).parent / "showtrack")
    if not os.path.exists(showtrack):
        showtrack = shutil.which("showtrack") or ""
    if not showtrack:
        sys.exit("showtrack is not installed next to this python; run with the project's venv")
    floor = [python, str(HERE / "floor.py")]

    # Generate in a child process: this process must stay small, because a child's
    # ru_maxrss starts from its parent's RSS at fork.
    gen = [
        python,
        str(HERE / "generate.py"),
        "--out",
        str(args.data),
        "--seed",
        str(args.seed),
        "--sizes",
        ",".join(sizes),
    ]
    subprocess.run(gen, check=True)
    files = generate.ensure(args.data, sizes, args.seed, quiet=True)  # paths only, all exist now
    work = Path(tempfile.mkdtemp(prefix="showtrack-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOWTRACK_", "PYTHON"))}
    env.update({"SHOWTRACK_NOW": NOW, "TZ": "UTC", "NO_COLOR": "1", "COLUMNS": "120"})
    out = work / "stdout.txt"
    try:
        # The databases: bundled (seeded by showtrack itself) and copies of the generated ones.
        dbs: dict[str, Path] = {"bundled": work / "bundled.json"}
        masters: dict[str, Path] = {}
        seed_env = {**env, "SHOWTRACK_DB": str(dbs["bundled"])}
        _, _, code, text, _ = run_once([showtrack, "shows"], seed_env, out)
        if code != 0:
            sys.exit(f"showtrack could not seed the bundled database:\n{text}")
        # The generated files are in an older layout; showtrack migrates a file once, on
        # its first command, so each copy is opened once before anything is timed. Copies
        # that a timed run writes to are made afresh from a prepared master (with its
        # reading state, the file beside it that holds the news checks).
        prepared: dict[str, Path] = {}
        for size in sizes:
            prepared[size] = work / "masters" / f"db-{size}.json"
            prepared[size].parent.mkdir(exist_ok=True)
            shutil.copyfile(files[size], prepared[size])
            _, _, code, text, _ = run_once(
                [showtrack, "shows"], {**env, "SHOWTRACK_DB": str(prepared[size])}, out
            )
            if code != 0:
                sys.exit(f"showtrack could not open the {size} database:\n{text}")
            dbs[size] = work / f"db-{size}.json"
            copy_db(prepared[size], dbs[size])
        for key in ("add", "check", "floor-check", "import", "floor-add", "floor-import"):
            masters[key] = prepared[BIG]
        for key, source in masters.items():
            dbs[key] = work / f"{key}.json"
            copy_db(source, dbs[key])
        import_file = str(files["import"])

        def has_command(*words: str) -> bool:
            _, _, code, _, _ = run_once(
                [showtrack, *words, "--help"], {**env, "SHOWTRACK_DB": str(dbs["bundled"])}, out
            )
            return code == 0

        has_add = has_command("add", "news")
        has_import = has_command("import")
        first_slug = first_show(files[BIG])

        cases: list[Case] = [
            Case("pass", "python -c pass", [python, "-c", "pass"], baseline="pass"),
            Case("help", "showtrack --help", [showtrack, "--help"], "bundled"),
            Case("shows", "shows (bundled)", [showtrack, "shows"], "bundled"),
            Case(
                "cast",
                "cast heartstopper (bundled)",
                [showtrack, "cast", "heartstopper"],
                "bundled",
            ),
            Case("countdown", "countdown (bundled)", [showtrack, "countdown"], "bundled"),
            Case("peek", "news --peek (bundled)", [showtrack, "news", "--peek"], "bundled"),
            Case(
                "episodes",
                "episodes heartstopper (bundled)",
                [showtrack, "episodes", "heartstopper"],
                "bundled",
            ),
        ]
        for size in sizes:
            db_path = str(dbs[size])
            tag = f" ({size})"
            cases += [
                Case(
                    f"floor-cd-{size}",
                    f"floor: countdown{tag}",
                    [*floor, "countdown", db_path, NOW],
                    size,
                ),
                Case(
                    f"cd-{size}",
                    f"countdown{tag}",
                    [showtrack, "countdown"],
                    size,
                    baseline=f"floor-cd-{size}",
                ),
                Case(
                    f"floor-since-{size}",
                    f"floor: news --since 2w{tag}",
                    [*floor, "news-since", db_path, NOW, "14"],
                    size,
                ),
                Case(
                    f"since-{size}",
                    f"news --since 2w{tag}",
                    [showtrack, "news", "--since", "2w"],
                    size,
                    baseline=f"floor-since-{size}",
                ),
            ]
            if size == BIG:
                cases += [
                    Case(
                        f"floor-new-{size}",
                        f"floor: news new since last check{tag}",
                        [*floor, "news-new", db_path],
                        size,
                    ),
                    Case(
                        f"peek-{size}",
                        f"news --peek{tag}",
                        [showtrack, "news", "--peek"],
                        size,
                        baseline=f"floor-new-{size}",
                    ),
                    Case(
                        f"cdjson-{size}",
                        f"countdown --json{tag}",
                        [showtrack, "countdown", "--json"],
                        size,
                        baseline=f"floor-cd-{size}",
                    ),
                    Case(
                        f"sincejson-{size}",
                        f"news --since 2w --json{tag}",
                        [showtrack, "news", "--since", "2w", "--json"],
                        size,
                        baseline=f"floor-since-{size}",
                    ),
                    Case(
                        f"shows-{size}",
                        f"shows{tag}",
                        [showtrack, "shows"],
                        size,
                        baseline=f"floor-cd-{size}",
                    ),
                    Case(
                        f"cast-{size}",
                        f"cast {first_slug}{tag}",
                        [showtrack, "cast", first_slug],
                        size,
                        baseline=f"floor-cd-{size}",
                    ),
                    Case(
                        f"episodes-{size}",
                        f"episodes {first_slug}{tag}",
                        [showtrack, "episodes", first_slug],
                        size,
                        baseline=f"floor-cd-{size}",
                    ),
                ]
        cases += [
            Case(
                "floor-check",
                f"floor: news new since last check + record it ({BIG})",
                [*floor, "news-check", str(dbs["floor-check"]), NOW],
                "floor-check",
                fresh=True,
            ),
            Case(
                "check",
                f"news, recording the check ({BIG})",
                [showtrack, "news"],
                "check",
                fresh=True,
                baseline="floor-check",
            ),
        ]
        cases.append(
            Case(
                "floor-add",
                f"floor: read + add 1 + atomic write ({BIG})",
                [*floor, "write", str(dbs["floor-add"]), NOW],
                "floor-add",
            )
        )
        if has_add:
            cases.append(
                Case(
                    "add",
                    f"add news ({BIG})",
                    [
                        showtrack,
                        "add",
                        "news",
                        first_slug,
                        "--date",
                        "2023-05-20",
                        "--kind",
                        "trailer",
                        "--headline",
                        "HEADLINE",
                        "--source",
                        "bench",
                    ],
                    "add",
                    baseline="floor-add",
                )
            )
        if has_import:
            cases.append(
                Case(
                    "floor-import",
                    f"floor: import 10k into {BIG}",
                    [*floor, "import", str(dbs["floor-import"]), import_file, NOW],
                    "floor-import",
                    fresh=True,
                )
            )
            cases.append(
                Case(
                    "import",
                    f"import 10k into {BIG}",
                    [showtrack, "import", import_file],
                    "import",
                    fresh=True,
                    baseline="floor-import",
                )
            )
        by_key = {case.key: case for case in cases}

        def execute(case: Case, round_no: int, record: bool) -> None:
            if case.error:
                return
            case_env = dict(env)
            if case.db:
                case_env["SHOWTRACK_DB"] = str(dbs[case.db])
                if case.fresh:
                    source = masters.get(case.db, prepared.get(case.db))
                    assert source is not None
                    copy_db(source, dbs[case.db])
                    os.sync()  # write the copy back now, not while something is timed
            argv = [a.replace("HEADLINE", f"Benchmark teaser {round_no}") for a in case.argv]
            elapsed, rss, code, text, cpu = run_once(argv, case_env, out)
            if code != 0:
                case.error = f"exit {code}: " + (text.strip().splitlines() or [""])[-1][:200]
                return
            if record:
                case.times.append(elapsed)
                case.rss_kb.append(rss)
                case.cpu.append(cpu)
            elif not case.output:
                case.output = text

        total = runs + 1
        startup = [case for case in cases if case.db in (None, "bundled")]
        for round_no in range(total):
            started = time.perf_counter()
            for _ in range(args.startup_repeat):  # cheap cases: more samples, still interleaved
                for case in startup:
                    execute(case, round_no, record=round_no > 0)
            for case in cases:
                if case not in startup:
                    execute(case, round_no, record=round_no > 0)
            os.sync()  # the writes of this round must not be written back during the next
            print(
                f"round {round_no}/{runs}{' (warm-up)' if round_no == 0 else ''}: {time.perf_counter() - started:.1f} s",
                file=sys.stderr,
            )

        # One more run of each writing command under the audit hook, to count file I/O.
        io_counts: dict[str, dict[str, int]] = {}
        for key in ("add", "import"):
            case = by_key.get(key)
            if case is None or case.error:
                continue
            copy_db(masters[key], dbs[key])
            counter_out = work / f"io-{key}.txt"
            io_env = {
                **env,
                "SHOWTRACK_DB": str(dbs[key]),
                "BENCH_IO_PATH": str(dbs[key]),
                "BENCH_IO_OUT": str(counter_out),
            }
            argv = [
                python,
                "-c",
                IO_COUNTER,
                *[a.replace("HEADLINE", "Benchmark teaser io") for a in case.argv[1:]],
            ]
            _, _, code, text, _ = run_once(argv, io_env, out)
            if code == 0 and counter_out.exists():
                io_counts[key] = eval(counter_out.read_text())  # our own repr of a dict of ints

        # --- report -----------------------------------------------------------------
        def ok(key: str) -> Case | None:
            case = by_key.get(key)
            return case if case is not None and case.times else None

        def ratio(key: str, base: str) -> float | None:
            case, ref = ok(key), ok(base)
            return case.median / ref.median if case and ref else None

        def mem_ratio(key: str, base: str) -> float | None:
            case, ref = ok(key), ok(base)
            return max(case.rss_kb) / max(ref.rss_kb) if case and ref else None

        def within(
            key: str, base: str, limit: float, seconds: float | None = None
        ) -> tuple[str, str]:
            case = by_key[key]
            if case.error:
                return "FAIL", f"{case.label}: {case.error}"
            value = ratio(key, base)
            if value is None:
                return "SKIP", f"{by_key[base].label} failed: {by_key[base].error}"
            detail = f"{value:.2f}x {by_key[base].label} (limit {limit:g}x)"
            passed = value <= limit
            if seconds is not None:
                detail += f", {case.median * 1000:.0f} ms (limit {seconds * 1000:.0f} ms)"
                passed = passed and case.median < seconds
            return ("PASS" if passed else "FAIL"), detail

        def memory(key: str, base: str, limit: float) -> tuple[str, str]:
            value = mem_ratio(key, base)
            if value is None:
                return "FAIL", f"{by_key[key].label}: {by_key[key].error}"
            case, ref = by_key[key], by_key[base]
            detail = f"{max(case.rss_kb) / 1024:.0f} MB vs floor {max(ref.rss_kb) / 1024:.0f} MB = {value:.2f}x (limit {limit:g}x)"
            return ("PASS" if value <= limit else "FAIL"), detail

        def add_budget() -> tuple[str, str]:
            if not has_add:
                return "SKIP", "`showtrack add news` does not exist yet (issue 3)"
            status, detail = within("add", "floor-add", 2.0)
            counts = io_counts.get("add")
            if counts:
                detail += f"; file reads {counts['reads']}, replaces {counts['replaces']}"
            return status, detail

        def import_budget() -> tuple[str, str]:
            if not has_import:
                return (
                    "SKIP",
                    "`showtrack import` does not exist yet (issue 3); import-10k.json is generated",
                )
            case = by_key["import"]
            if case.error:
                return "FAIL", f"{case.label}: {case.error}"
            counts = io_counts.get("import")
            if counts is None:
                return "FAIL", "the I/O-counting run failed"
            value = ratio("import", "floor-import")
            detail = f"file reads {counts['reads']}, replaces {counts['replaces']} (limit 1 and 1)"
            if value is not None:
                detail += f"; time {value:.2f}x the floor's read + merge + write (no limit)"
            return ("PASS" if counts["reads"] <= 1 and counts["replaces"] == 1 else "FAIL"), detail

        budgets = [Budget("`--help` <= 6x `python -c pass`", lambda: within("help", "pass", 6.0))]
        for key in ("cast", "countdown", "peek", "shows", "episodes"):
            budgets.append(
                Budget(
                    f"{by_key[key].label} <= 7x `python -c pass`",
                    lambda key=key: within(key, "pass", 7.0),
                )
            )
        budgets += [
            Budget(
                f"countdown ({BIG}) <= 2x floor and < 1 s",
                lambda: within(f"cd-{BIG}", f"floor-cd-{BIG}", 2.0, 1.0),
            ),
            Budget(
                f"news --since 2w ({BIG}) <= 2x floor and < 1 s",
                lambda: within(f"since-{BIG}", f"floor-since-{BIG}", 2.0, 1.0),
            ),
            Budget(
                f"peak memory, countdown ({BIG}) <= 2x floor's",
                lambda: memory(f"cd-{BIG}", f"floor-cd-{BIG}", 2.0),
            ),
            Budget(
                f"peak memory, news --since 2w ({BIG}) <= 2x floor's",
                lambda: memory(f"since-{BIG}", f"floor-since-{BIG}", 2.0),
            ),
            Budget(
                f"news, recording the check ({BIG}) <= 2x floor (ours: not in issue 6)",
                lambda: within("check", "floor-check", 2.0),
            ),
            Budget(
                f"news, recording the check ({BIG}) <= 1.2x news --peek (issue 10)",
                lambda: within("check", f"peek-{BIG}", 1.2),
            ),
            Budget(f"add news ({BIG}) <= 2x raw read + write + fsync", add_budget),
            Budget(
                f"peak memory, add news ({BIG}) <= 2x floor's",
                lambda: (
                    memory("add", "floor-add", 2.0)
                    if has_add
                    else ("SKIP", "`showtrack add news` does not exist yet")
                ),
            ),
            Budget(
                f"peak memory, import 10k ({BIG}) <= 2x floor's",
                lambda: (
                    memory("import", "floor-import", 2.0)
                    if has_import
                    else ("SKIP", "`showtrack import` does not exist yet")
                ),
            ),
            Budget("import 10k: one read and one write of the file", import_budget),
        ]

        pass_case = by_key["pass"]
        rows = [
            "| case | median ms | spread (min-max) ms | x `python -c pass` | x its floor | CPU ms (user+sys) | peak MB |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for case in cases:
            if case.error:
                rows.append(f"| {case.label} | error: {case.error} | | | | | |")
                continue
            spread = f"{min(case.times) * 1000:.0f}-{max(case.times) * 1000:.0f}"
            x_pass = f"{case.median / pass_case.median:.1f}" if pass_case.times else ""
            x_floor = ""
            if case.baseline != "pass" and ok(case.baseline):
                x_floor = f"{case.median / by_key[case.baseline].median:.2f}"
            rows.append(
                f"| {case.label} | {case.median * 1000:.0f} | {spread} | {x_pass} | {x_floor} | {statistics.median(case.cpu) * 1000:.0f} | {max(case.rss_kb) / 1024:.0f} |"
            )
        verdicts = ["| budget | result | measured |", "|---|---|---|"]
        failed = 0
        for budget in budgets:
            status, detail = budget.check()
            failed += status == "FAIL"
            verdicts.append(f"| {budget.name} | **{status}** | {detail} |")
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")  # noqa: DTZ005
        sizes_note = ", ".join(f"{s}: {files[s].stat().st_size / 1e6:.0f} MB" for s in sizes)
        header = [
            "# showtrack benchmark results",
            "",
            f"- date: {stamp}",
            f"- machine: {machine()}",
            f"- versions: {versions()}",
            f"- code: {code_under_test()}" + (f" ({args.note})" if args.note else ""),
            f"- method: {runs} timed rounds after 1 warm-up, cases interleaved in each round (the bundled-data start-up cases and `python -c pass` {args.startup_repeat} times a round); median and min-max of whole-process wall time; ratios are of medians measured in the same run; dirty pages are synced (untimed) after each database copy and each round; peak memory is the child's ru_maxrss (os.wait4)",
            f"- data: `benchmarks/generate.py --seed {args.seed}`: 1k shows, 3k seasons, ~10k credits; announcement files {sizes_note}; SHOWTRACK_NOW={NOW}, TZ=UTC, output to a file (plain text)",
            "",
            "## Budgets (issue 6)",
            "",
            *verdicts,
            "",
            "## All cases",
            "",
            *rows,
            "",
            "Reproduce: `.venv/bin/python benchmarks/run.py` (add `--quick` for 3 rounds, `--sizes 10k,100k,300k` for scaling rows).",
        ]
        report = "\n".join(header) + "\n"
        print(report)
        if not args.no_write:
            args.out.write_text(report, encoding="utf-8")
            print(f"wrote {args.out}", file=sys.stderr)
        return 1 if failed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
