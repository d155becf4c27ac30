"""Regenerate the command output pasted in README.md, so the tour shows real runs.

Each block to regenerate is a fenced code block preceded by a marker line such as
``<!-- flopcast: compare 5.18e25 3.8e25 -->`` (several commands may be separated by ` ;; `,
and ``| head -N`` keeps the first N lines). Run: ``python scripts/update_readme.py``
(``--check`` exits 1 if the README is out of date).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
MARKER = re.compile(r"^<!-- flopcast: (?P<cmds>.+?) -->\n```\n(?P<body>.*?)```$", re.M | re.S)
WIDTH = "80"  # a terminal's default; flopcast's output fits it


def run(command: str) -> str:
    """One command's output as a user sees it (stdout and stderr, trailing spaces trimmed)."""
    from flopcast.cli import main

    head = None
    if "| head -" in command:
        command, _, n = command.partition("| head -")
        head = int(n)
    args = shlex.split(command)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main(args)
    lines = [line.rstrip() for line in (out.getvalue() + err.getvalue()).splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    if head is not None and len(lines) > head:
        lines = [*lines[:head], "..."]
    shown = " ".join(shlex.quote(a) for a in args)
    return "\n".join([f"$ flopcast {shown}", *lines]) + "\n"


def render(text: str) -> str:
    def block(match: re.Match[str]) -> str:
        cmds = match.group("cmds").split(" ;; ")
        body = "\n".join(run(c) for c in cmds)
        return f"<!-- flopcast: {match.group('cmds')} -->\n```\n{body}```"

    return MARKER.sub(block, text)


def main() -> int:
    os.environ["COLUMNS"] = WIDTH
    os.environ.setdefault("FLOPCAST_DATA_DIR", "/nonexistent-flopcast-readme")  # shipped data
    text = README.read_text(encoding="utf-8")
    new = render(text)
    if "--check" in sys.argv:
        if new != text:
            print("README.md is out of date: run python scripts/update_readme.py")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
