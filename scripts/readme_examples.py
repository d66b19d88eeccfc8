#!/usr/bin/env python3
"""Re-run the README's ```console examples and show (or write) what they print now.

    python scripts/readme_examples.py           # print a diff of what would change
    python scripts/readme_examples.py --write   # rewrite the README's console blocks

Each block runs on a fresh database (seeded from the bundled data) at 80 columns,
with the `export` lines of the block applied, exactly as tests/test_docs.py runs it;
that test fails when the README and the program disagree, and this script is the
way to bring the README up to date after a deliberate change of output.
"""

from __future__ import annotations

import difflib
import re
import shlex
import sys
import tempfile
from pathlib import Path

from typer.testing import CliRunner

from showtrack import cli

README = Path(__file__).resolve().parent.parent / "README.md"


def run_block(block: str, db: Path) -> str:
    env: dict[str, str | None] = {
        "SHOWTRACK_DB": str(db),
        "COLUMNS": "80",
        "NO_COLOR": "1",
        "TZ": "UTC",
        "SHOWTRACK_NOW": "2023-05-24T12:00:00+01:00",
    }
    out = []
    for step in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
        command, _, _ = step.partition("\n")
        out.append(f"$ {command}")
        words = shlex.split(command)
        if words[0] == "export":
            env.update(word.split("=", 1) for word in words[1:])  # type: ignore[misc]
            continue
        result = CliRunner().invoke(cli.app, words[1:], env=env)
        if result.exit_code != 0:
            sys.exit(f"{command}: exit {result.exit_code}\n{result.stderr}")
        out.extend(line.rstrip() for line in result.stdout.rstrip("\n").splitlines())
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def main() -> int:
    text = README.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        count = iter(range(1000))

        def fresh(match: re.Match[str]) -> str:
            db = Path(folder) / f"readme-{next(count)}.json"
            return "```console\n" + run_block(match[1], db) + "```"

        new = re.sub(r"```console\n(.*?)```", fresh, text, flags=re.DOTALL)
    if "--write" in sys.argv:
        README.write_text(new, encoding="utf-8")
        print("README.md rewritten" if new != text else "README.md is up to date")
        return 0
    diff = difflib.unified_diff(
        text.splitlines(), new.splitlines(), "README.md", "now", lineterm=""
    )
    print("\n".join(diff) or "README.md is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
