"""What "readable at a width" means for human output, shared by the CLI tests."""

from __future__ import annotations

import re

#: A URL alone on its line, after an optional footnote mark ("[3] https://..."), perhaps
#: with the punctuation of the sentence it ends.
LONE_URL = re.compile(r"^(\[\d+\]\s+)?\(?(https?://|www\.)\S+$")


def problems(text: str, width: int) -> list[str]:
    """Why ``text`` is not readable at ``width``: a cell cut with "…", a line longer than the
    width that is not a lone URL, a trailing space."""
    out = []
    if "…" in text:
        out.append("a cell cut with '…'")
    for n, line in enumerate(text.splitlines(), 1):
        if line != line.rstrip():
            out.append(f"line {n} has trailing spaces: {line!r}")
        if len(line) > width and not LONE_URL.match(line.strip()):
            out.append(f"line {n} is {len(line)} > {width} columns: {line!r}")
    return out


def assert_readable(text: str, width: int) -> None:
    found = problems(text, width)
    assert not found, "\n".join(found[:5])
