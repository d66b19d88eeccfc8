"""Items 11-14: hostile text from the data never acts on the terminal.

A database is filled (through ``import``) with escape sequences, C0/C1 controls,
Rich markup, emoji codes, bidi overrides, zero-width characters and a lone
surrogate. Every read command then runs on a pipe and on a real pty (stdout and
stderr each on its own pty), in table and JSON form. On each output:

* no character from 0x00-0x08, 0x0b-0x1f, 0x7f, U+0080-U+009F, nor a surrogate;
  on the pty with NO_COLOR only Rich's own style SGRs (bold/dim/reset) may
  appear, and with TERM=dumb no ESC at all;
* no OSC 8 hyperlink, markup printed literally, no emoji substitution;
* bidi and zero-width characters are placeholders; table lines fit the width;
* no traceback.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from reliability.support import (
    Scan,
    base_env,
    cli,
    cli_many,
    empty_db,
    record,
    run_on_pty,
    write_pack,
)

ESCAPES = {
    "osc-title": "\x1b]0;pwned-title\x07",
    "osc8": "\x1b]8;;http://evil.example/\x1b\\click me\x1b]8;;\x1b\\",
    "osc52": "\x1b]52;c;ZWNobyBwd25lZA==\x07",
    "clear": "\x1b[2J\x1b[H",
    "sgr": "\x1b[5;31;47m",
    "c1-csi": "\x9b31m",
    "c1-osc": "\x9d0;c1-title\x9c",
    "cr": "over\rwrite",
    "bs": "back\b\b\bspace",
    "del": "del\x7fete",
    "nul": "nul\x00byte",
    "bell": "bell\x07",
    "vt-ff": "vt\x0bff\x0c",
}
MARKUP = "[red]x[/red] [link=file:///etc/passwd]x[/link] [bold [/] :warning: \\[x] x\\"
HIDDEN = {"rlo": "\u202e", "zwsp": "\u200b", "lri": "\u2066", "bom": "\ufeff", "lrm": "\u200e"}
ALL_ESCAPES = "".join(ESCAPES.values())
ARGV_ESCAPES = ALL_ESCAPES.replace("\x00", "")  # argv cannot hold NUL
HIDDEN_TEXT = "abc" + "".join(HIDDEN.values()) + "def"
SLUG = "evil"


def _hostile_pack() -> dict[str, Any]:
    def esc(i: int) -> str:
        return list(ESCAPES.values())[i % len(ESCAPES)]

    return {
        "format": "showtrack/1",
        "shows": [
            {
                "slug": SLUG,
                "title": MARKUP,
                "aliases": [ALL_ESCAPES, HIDDEN_TEXT],
                "network": "Net" + ESCAPES["osc8"],
                "creator": ESCAPES["osc52"] + HIDDEN_TEXT,
                "based_on": ESCAPES["c1-csi"] + "book",
                "summary": "Summary " + ALL_ESCAPES + MARKUP + HIDDEN_TEXT,
                "status": "running",  # a choice now; the escape goes in the language
                "language": "run" + ESCAPES["clear"],
                "genres": [ESCAPES["osc-title"]],
                "timezone": "Europe/London",
                "seasons": [
                    {
                        "number": 1,
                        "premiere": "2023-08-03",
                        "status": "scheduled",
                        "synopsis": ALL_ESCAPES + MARKUP,
                        "source_material": ESCAPES["sgr"] + "vol 1",
                        "source": ESCAPES["cr"],
                    },
                    {
                        "number": 2,
                        "premiere": "2023-09-03T21:00+01:00",
                        "status": "announced",
                        "synopsis": HIDDEN_TEXT,
                    },
                ],
                "credits": [
                    {
                        "season": 2,
                        "actor": f"Actor {name} {text}",
                        "character": MARKUP if index == 0 else text,
                        "note": esc(index + 3) + HIDDEN_TEXT,
                        "status": "new",
                    }
                    for index, (name, text) in enumerate(ESCAPES.items())
                ],
                "announcements": [
                    {
                        "kind": "other",
                        "date": "2023-05-01",
                        "season": 1,
                        "headline": f"News {name}: {text} {MARKUP}",
                        "body": ALL_ESCAPES,
                        "source": esc(index + 1) + HIDDEN_TEXT,
                        # a URL holds no whitespace; every other hostile character stays
                        "url": "https://example.org/"
                        + "".join(c for c in esc(index + 2) if not c.isspace()),
                    }
                    for index, (name, text) in enumerate({**ESCAPES, **HIDDEN}.items())
                ],
            }
        ],
    }


LONE_SURROGATE = (
    '{"format": "showtrack/1", "shows": [{"slug": "broken", "title": "Broken \\ud83c title", '
    '"seasons": [{"number": 1, "premiere": "2023-10-01"}], '
    '"announcements": [{"kind": "other", "date": "2023-05-02", "headline": "Half \\udfac emoji"}]}]}'
)

TABLE_COMMANDS = {
    "shows": ["shows"],
    "show": ["show", SLUG],
    "show-broken": ["show", "broken"],
    "cast": ["cast", SLUG],
    "countdown": ["countdown"],
    "countdown-all": ["countdown", "--all"],
    "news-peek": ["news", "--peek"],
    "news-since": ["news", "--since", "2000-01-01"],
    "timeline": ["timeline", SLUG],
    "feed-list": ["feed", "list"],
    "export": ["export"],
    "export-show": ["export", SLUG],
    "calendar": ["calendar", "--milestones"],
    "calendar-evil": ["calendar", SLUG, "--milestones"],
}
JSON_COMMANDS = {
    "shows-json": ["shows", "--json"],
    "show-json": ["show", SLUG, "--json"],
    "cast-json": ["cast", SLUG, "--json"],
    "countdown-json": ["countdown", "--all", "--json"],
    "news-json": ["news", "--peek", "--json"],
    "timeline-json": ["timeline", SLUG, "--json"],
}
ERROR_COMMANDS = {
    "unknown-show": ["show", "nope" + ARGV_ESCAPES + MARKUP],
    "bad-since": ["news", "--since", "x" + ESCAPES["osc8"]],
    "bad-tz": ["countdown", "--tz", ESCAPES["osc-title"]],
    "bad-option-value": ["cast", SLUG, "--season", "1" + ESCAPES["osc52"]],
    "unknown-command": ["x" + ESCAPES["clear"]],
    "unknown-option": ["shows", "--x" + ESCAPES["osc-title"]],
    "remove-needs-yes": ["remove", "show", SLUG],
    "add-bad-date": ["add", "news", SLUG, "--headline", "h", "--date", ESCAPES["osc8"]],
}
COLUMNS = 200


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("hostile")
    db, env = empty_db(tmp)
    done = cli(env, "import", str(write_pack(tmp / "evil.json", _hostile_pack())))
    assert done.code == 0, str(done)
    (tmp / "broken.json").write_text(LONE_SURROGATE, encoding="utf-8")
    done = cli(env, "import", str(tmp / "broken.json"))
    assert done.code == 0, str(done)
    done = cli(env, "feed", "add", SLUG, "https://example.org/feed" + ESCAPES["osc8"])
    assert done.code in (0, 2), str(done)
    done = cli(env, "feed", "add", SLUG, "https://example.org/f", "--match", ARGV_ESCAPES + MARKUP)
    assert done.code == 0, str(done)
    return env


@pytest.fixture(scope="module")
def outputs(hostile: dict[str, str]) -> dict[str, tuple[int, bytes, bytes]]:
    """Every command's (exit, stdout, stderr), on a pipe and on a pty, run two at a time."""
    env = {**hostile, "COLUMNS": str(COLUMNS)}
    pty_env = {**env, "TERM": "xterm-256color", "NO_COLOR": "1"}
    dumb_env = {k: v for k, v in env.items() if k != "NO_COLOR"} | {"TERM": "dumb"}
    commands = {**TABLE_COMMANDS, **JSON_COMMANDS, **ERROR_COMMANDS}
    pipe_keys = [f"pipe-{name}" for name in commands]
    pipe_runs = cli_many((env, args) for args in commands.values())
    results: dict[str, tuple[int, bytes, bytes]] = {
        key: (done.code, done.out, done.err) for key, done in zip(pipe_keys, pipe_runs, strict=True)
    }
    jobs = [(f"pty-{name}", pty_env, args) for name, args in commands.items()]
    jobs += [(f"dumb-{name}", dumb_env, args) for name, args in TABLE_COMMANDS.items()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        ran = pool.map(lambda job: run_on_pty(job[1], *job[2], columns=COLUMNS), jobs)
        for (key, _, _), result in zip(jobs, ran, strict=True):
            results[key] = result
    return results


def _decode(data: bytes, where: str, scan: Scan) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        scan.check(where, "\x80")  # count undecodable output as a leak
        return data.decode("utf-8", "replace") + f" [undecodable: {err}]"


def _check_output(
    key: str, code: int, out: bytes, err: bytes, *, error_expected: bool
) -> list[str]:
    scan = Scan()
    problems: list[str] = []
    pty = not key.startswith("pipe-")
    dumb = key.startswith("dumb-")
    texts = {
        "stdout": _decode(out, f"{key} stdout", scan),
        "stderr": _decode(err, f"{key} stderr", scan),
    }
    for stream, text in texts.items():
        if pty and not dumb:
            scan.check(f"{key} {stream}", text, allow_esc_sgr=True)
        else:
            scan.check(f"{key} {stream}", text)
        if "\x1b]8;" in text or "\x9d8;" in text:
            problems.append(f"{stream}: an OSC 8 hyperlink reached the output")
        if "Traceback" in text or "locals" in text.lower() and "Error" in text:
            problems.append(f"{stream}: a traceback")
        if "\u26a0" in text:
            problems.append(f"{stream}: ':warning:' became an emoji")
        for name, char in HIDDEN.items():
            if char in text:
                problems.append(f"{stream}: raw {name} (U+{ord(char):04X}) reached the output")
        if dumb and "\x1b" in text:
            problems.append(f"{stream}: ESC on a TERM=dumb terminal")
    if scan.leaks:
        problems += [
            f"leaked {leak.char} in {leak.where}: {leak.context!r}" for leak in scan.leaks[:8]
        ]
        problems.append(f"({len(scan.leaks)} leaked characters in all)")
    if error_expected:
        if code not in (1, 2):
            problems.append(f"exit {code}, expected 1 or 2")
        lines = [line for line in texts["stderr"].splitlines() if line.strip()]
        if not lines:
            problems.append("no error message")
    elif code != 0:
        problems.append(f"exit {code}: {texts['stderr'][-300:]!r}")
    return problems


def _leaks(key: str, out: bytes, err: bytes) -> int:
    scan = Scan()
    for data in (out, err):
        text = data.decode("utf-8", "replace")
        scan.check(key, text, allow_esc_sgr=key.startswith("pty-"))
    return len(scan.leaks)


MODES = ["pipe", "pty", "dumb"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(TABLE_COMMANDS))
def test_read_commands_leak_no_control_bytes(
    outputs: dict[str, tuple[int, bytes, bytes]], mode: str, name: str
) -> None:
    code, out, err = outputs[f"{mode}-{name}"]
    problems = _check_output(f"{mode}-{name}", code, out, err, error_expected=False)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("mode", ["pipe", "pty"])
@pytest.mark.parametrize("name", sorted(JSON_COMMANDS))
def test_json_output_is_escaped_and_exact(
    outputs: dict[str, tuple[int, bytes, bytes]], mode: str, name: str
) -> None:
    code, out, err = outputs[f"{mode}-{name}"]
    problems = _check_output(f"{mode}-{name}", code, out, err, error_expected=False)
    assert not problems, "\n".join(problems)
    doc = json.loads(out.decode("utf-8").replace("\r\n", "\n"))
    titles = {
        "show-json": lambda d: d["show"]["title"],
        "cast-json": lambda d: d["title"],
        "timeline-json": lambda d: d["title"],
        "shows-json": lambda d: next(s["title"] for s in d["shows"] if s["slug"] == SLUG),
    }
    if name in titles:
        assert titles[name](doc) == MARKUP, "the markup title was changed in JSON"
    if name == "show-json":
        assert doc["show"]["network"] == "Net" + ESCAPES["osc8"], "data altered, not escaped"
        assert doc["show"]["aliases"] == [ALL_ESCAPES, HIDDEN_TEXT]


@pytest.mark.parametrize("mode", ["pipe", "pty"])
@pytest.mark.parametrize("name", sorted(ERROR_COMMANDS))
def test_errors_leak_nothing(
    outputs: dict[str, tuple[int, bytes, bytes]], mode: str, name: str
) -> None:
    code, out, err = outputs[f"{mode}-{name}"]
    problems = _check_output(f"{mode}-{name}", code, out, err, error_expected=True)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("mode", MODES)
def test_markup_is_printed_character_for_character(
    outputs: dict[str, tuple[int, bytes, bytes]], mode: str
) -> None:
    """The show's title is the markup string: it must appear exactly as typed."""
    for name in ("shows", "show", "cast"):
        code, out, _ = outputs[f"{mode}-{name}"]
        text = out.decode("utf-8", "replace").replace("\r\n", "\n")
        if mode == "pty":
            from reliability.support import strip_rich_sgr

            text = strip_rich_sgr(text)
        assert code == 0
        assert MARKUP in text, f"{name}: the markup title is not printed literally:\n{text[:600]}"
        assert "\u2400" in text or name == "shows" or "␛" in text


@pytest.mark.parametrize("mode", ["pipe", "pty"])
def test_escapes_become_visible_placeholders(
    outputs: dict[str, tuple[int, bytes, bytes]], mode: str
) -> None:
    code, out, _ = outputs[f"{mode}-show"]
    text = out.decode("utf-8", "replace")
    assert code == 0
    assert "␛]8;;http://evil.example/" in text.replace("\n", "")
    assert "<U+202E>" in text
    assert "<U+009B>" in text


@pytest.mark.parametrize("mode", ["pipe", "pty"])
@pytest.mark.parametrize("name", sorted(TABLE_COMMANDS))
def test_table_lines_fit_the_width(
    outputs: dict[str, tuple[int, bytes, bytes]], mode: str, name: str
) -> None:
    from rich.cells import cell_len

    if name.startswith(("export", "calendar")):
        pytest.skip("a file format, not a table")
    _, out, _ = outputs[f"{mode}-{name}"]
    text = out.decode("utf-8", "replace").replace("\r\n", "\n")
    if mode == "pty":
        from reliability.support import strip_rich_sgr

        text = strip_rich_sgr(text)
    wide = [line for line in text.splitlines() if cell_len(line) > COLUMNS]
    assert not wide, f"{len(wide)} lines wider than {COLUMNS} cells: {wide[0][:120]!r}"


def test_terminal_figures(outputs: dict[str, tuple[int, bytes, bytes]]) -> None:
    """Sum the leaks over every run, for the torture figures (asserted by the tests above)."""
    leaked = sum(_leaks(key, out, err) for key, (_, out, err) in outputs.items())
    record("terminal", runs=len(outputs), leaked_control_bytes=leaked)
    print(f"terminal: {len(outputs)} runs, {leaked} leaked control characters")
    assert len(outputs) >= 20, "too few runs to speak for every command"
    assert leaked == 0


def test_pretty_exceptions_are_off_even_on_a_crash(tmp_path: Path) -> None:
    """A command that fails in an unexpected way prints no locals (Typer's pretty
    exceptions show local variables, which could hold data)."""
    from showtrack import cli as cli_module

    info = cli_module.app.pretty_exceptions_enable, cli_module.app.pretty_exceptions_show_locals
    assert info[0] is False
    env = base_env(tmp_path, tmp_path / "db.json")
    done = cli(env, "--db", str(tmp_path), "shows")
    assert "locals" not in done.stderr.lower()
    assert "Traceback" not in done.stderr
