"""Plain-text layout for the terminal: tables and label/value/note rows that fit a width.

Nothing is ever cut. A table that does not fit its width is laid out again, in this order:
prose columns wrap at word boundaries (never narrower than their longest word), then columns
move, rightmost first, to a line under each row ("fewer columns with the rest below"), then
last-resort columns wrap too; when even the identifying columns do not fit, every row becomes
a record (its first cell, then one indented line per field). Words are never broken: a URL
longer than the width stays whole on a line of its own, so a terminal can still open it.

Pure functions over plain values: :mod:`flopcast.cli.common` turns the lines into output.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

#: How a column may wrap: never; as prose (first resort); only when nothing else fits.
NO_WRAP, WRAP, WRAP_LAST = 0, 1, 2
#: A wrapped column is at least this wide and at least half its natural width (a third for
#: a last-resort column), or its natural width if narrower: prose never shrinks to a ragged
#: column of a few words per line; beyond that it goes on lines of its own under its row.
PROSE_MIN = 20

Segment = tuple[str, str]  # (text, style)
Line = list[Segment]


@dataclass(frozen=True)
class Column:
    """A table column. ``keep``: stays in the table when others move below the rows (the
    columns that identify a row); ``label_below``: shown as ``header: value`` when below."""

    header: str = ""
    align: Literal["left", "right"] = "left"
    wrap: int = NO_WRAP
    keep: bool = False
    label_below: bool = True
    style: str = ""


@dataclass(frozen=True)
class Cell:
    """A cell with a style of its own (``"green"``, ``"bold"``, ...)."""

    text: str
    style: str = ""


@dataclass
class Grid:
    """Columns and rows to lay out; a row may carry a note shown on a line under it."""

    columns: Sequence[Column]
    rows: list[tuple[list[Cell], str, str]] = field(default_factory=list)  # cells, style, note
    header: bool = True

    def add(self, *cells: str | Cell, style: str = "", note: str = "") -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(([c if isinstance(c, Cell) else Cell(c) for c in cells], style, note))


# ---- text -----------------------------------------------------------------------------------

_URL = re.compile(r"^(\[\d+\]\s+)?\(?(https?://|www\.)\S+$")


def is_url_line(text: str) -> bool:
    """A URL alone on its line (after an optional footnote mark such as ``[3]``)."""
    return bool(_URL.match(text.strip()))


def wrap(text: str, width: int | None, indent: str = "") -> list[str]:
    """``text`` wrapped at word boundaries to ``width`` (None: no limit), never breaking a
    word: a word longer than the width (a URL) gets a line of its own, whole. A URL with
    its footnote mark (``[1] https://...``) stays one line. Trailing spaces are dropped."""
    out: list[str] = []
    for para in text.split("\n"):
        avail = None if width is None else width - len(indent)
        if avail is None or len(para) <= avail or is_url_line(para):
            out.append((indent + para).rstrip())
            continue
        wrapper = textwrap.TextWrapper(
            width=max(avail, 1),
            break_long_words=False,
            break_on_hyphens=False,
            expand_tabs=False,
        )
        lines = wrapper.wrap(para) or [""]
        out += [(indent + line).rstrip() for line in lines]
    return out


def longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def text_width(text: str) -> int:
    return max((len(line) for line in text.split("\n")), default=0)


# ---- tables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    shown: tuple[int, ...]  # column indexes in the table
    widths: tuple[int, ...]  # their widths
    gap: int
    below: tuple[int, ...]  # column indexes shown under each row
    level: int  # the wrap level used


def _widths_of(
    grid: Grid, shown: Sequence[int], level: int
) -> tuple[list[int], list[int], list[int]]:
    """Per shown column: natural width (nothing wrapped), whole cells under a wrapped header,
    and the least width (prose columns of this level wrapped too)."""
    nat, whole, least = [], [], []
    for i in shown:
        col = grid.columns[i]
        cells = [row[0][i].text for row in grid.rows]
        head = col.header if grid.header else ""
        n = max([text_width(head), *(text_width(c) for c in cells)])
        h = max([longest_word(head), *(text_width(c) for c in cells)])
        if col.wrap and col.wrap <= level:
            words = max([longest_word(head), *(longest_word(c) for c in cells)])
            share = -(-n // (2 if col.wrap == WRAP else 3))  # at most 2 (3) lines a cell
            m = max(words, min(n, max(PROSE_MIN, share)))
        else:
            m = h
        nat.append(n)
        whole.append(h)
        least.append(m)
    return nat, whole, least


def _widths(mins: list[int], nat: list[int], gap: int, width: int | None) -> list[int] | None:
    gaps = gap * (len(nat) - 1)
    if width is None or sum(nat) + gaps <= width:
        return nat
    if sum(mins) + gaps > width:
        return None
    extra = width - gaps - sum(mins)
    want = [n - m for n, m in zip(nat, mins, strict=True)]
    total = sum(want)
    out = list(mins)
    if total:
        shares = [extra * w // total for w in want]
        out = [m + s for m, s in zip(mins, shares, strict=True)]
        left = extra - sum(shares)
        for i in sorted(range(len(out)), key=lambda j: want[j] - shares[j], reverse=True):
            if left <= 0:
                break
            if out[i] < nat[i]:
                out[i] += 1
                left -= 1
    return out


def plan(grid: Grid, width: int | None, gaps: Sequence[int] = (3, 2)) -> Plan | None:
    """How ``grid`` fits ``width``: which columns stay, their widths, which move below each
    row; None when not even the kept columns fit (lay out records instead)."""
    n = len(grid.columns)
    empty = {i for i in range(n) if _empty(grid, i)}
    movable = [i for i in reversed(range(n)) if not grid.columns[i].keep and i not in empty]
    for level in (WRAP, WRAP_LAST):
        for k in range(len(movable) + 1):
            below = movable[:k]
            shown = [i for i in range(n) if i not in below and i not in empty]
            if not shown:
                break
            nat, whole, least = _widths_of(grid, shown, level)
            # nothing wrapped first, then wrapped headers, then wrapped prose
            tries = [(gap, w) for w in (nat, whole, least) for gap in gaps]
            for gap, least in tries:
                w = _widths(least, nat, gap, width)
                if w is not None:
                    return Plan(tuple(shown), tuple(w), gap, tuple(sorted(below)), level)
    return None


def _empty(grid: Grid, i: int) -> bool:
    """A column with nothing in it (no header shown, every cell blank)."""
    if grid.header and grid.columns[i].header:
        return False
    return i > 0 and all(not row[0][i].text.strip() for row in grid.rows)


def _align(text: str, width: int, align: str) -> str:
    return text.rjust(width) if align == "right" else text.ljust(width)


def _below_text(grid: Grid, cells: list[Cell], below: Sequence[int]) -> str:
    parts = []
    for i in below:
        col, text = grid.columns[i], cells[i].text
        if text.strip() and text.strip() != "–":
            parts.append(f"{col.header}: {text}" if col.label_below and col.header else text)
    return "; ".join(parts)


def lay_out(grid: Grid, width: int | None, gaps: Sequence[int] = (3, 2)) -> list[Line]:
    """The lines of ``grid`` at ``width`` (None: one line per row, nothing wrapped)."""
    p = plan(grid, width, gaps)
    if p is None:
        return _records(grid, width)
    cols = [grid.columns[i] for i in p.shown]
    wrapping = [bool(c.wrap and c.wrap <= p.level) for c in cols]
    offsets, x = [], 0
    for w in p.widths:
        offsets.append(x)
        x += w + p.gap
    table_width = x - p.gap
    narrow_first = p.widths[0] <= 4 or not grid.header
    indent = offsets[1] if len(offsets) > 1 and narrow_first else 2
    lines: list[Line] = []
    if grid.header:
        heads = [wrap(c.header, w) for c, w in zip(cols, p.widths, strict=True)]
        for k in range(max(len(h) for h in heads)):
            lines.append(
                _row_line(
                    [h[k] if k < len(h) else "" for h in heads], cols, p, ["bold"] * len(cols)
                )
            )
        lines.append([("─" * table_width, "dim")])
    for cells, row_style, note in grid.rows:
        parts = []
        for j, i in enumerate(p.shown):
            text = cells[i].text
            parts.append(wrap(text, p.widths[j]) if wrapping[j] else text.split("\n"))
        height = max(len(x) for x in parts)
        for k in range(height):
            styles = [cells[i].style or row_style or grid.columns[i].style for i in p.shown]
            lines.append(_row_line([x[k] if k < len(x) else "" for x in parts], cols, p, styles))
        below = _below_text(grid, cells, p.below)
        if below:
            style = grid.columns[p.below[0]].style if len(p.below) == 1 else "dim"
            lines += [[(line, style)] for line in wrap(below, width, " " * indent)]
        if note:
            lines += [[(line, "dim")] for line in wrap(note, width, " " * indent)]
    return lines


def _row_line(texts: list[str], cols: list[Column], p: Plan, styles: list[str]) -> Line:
    line: Line = []
    last = len(texts) - 1
    while last > 0 and not texts[last]:
        last -= 1
    for j in range(last + 1):
        cell = _align(texts[j], p.widths[j], cols[j].align)
        if j == last:
            cell = cell.rstrip()
        line.append((cell, styles[j]))
        if j < last:
            line.append((" " * p.gap, ""))
    return line


def _records(grid: Grid, width: int | None) -> list[Line]:
    """Every row as a record: its first cell, then one indented line per other field."""
    lines: list[Line] = []
    for n, (cells, row_style, note) in enumerate(grid.rows):
        if n and grid.header:
            lines.append([])
        first = cells[0]
        for line in wrap(first.text, width):
            lines.append([(line, first.style or row_style or grid.columns[0].style)])
        for i in range(1, len(grid.columns)):
            col, cell = grid.columns[i], cells[i]
            if not cell.text.strip():
                continue
            text = f"{col.header}: {cell.text}" if grid.header and col.header else cell.text
            style = cell.style or row_style or col.style
            lines += [[(line, style)] for line in wrap(text, width, "    ")]
        if note:
            lines += [[(line, "dim")] for line in wrap(note, width, "    ")]
    return lines


def plain(lines: Sequence[Line]) -> str:
    """The lines as text, without styles or trailing spaces."""
    return "".join("".join(t for t, _ in line).rstrip() + "\n" for line in lines)


# ---- label / value / note sections ----------------------------------------------------------


def lay_out_rows(
    rows: Sequence[tuple[str, str, str]],
    width: int | None,
    gaps: Sequence[int] = (4, 3),
    styles: tuple[str, str, str] = ("", "bold", "dim"),
) -> list[Line]:
    """Rows of (label, value, note) as three aligned columns when they fit; otherwise the
    layout with the fewest lines of these:

    * notes wrapped as prose in their column (at least half as wide as they are long);
    * a narrower value column with the notes beside it, a row whose value or note is longer
      than its column having its note on a line of its own under the value (and a value
      longer than the width wrapped at its words);
    * when not even the labels and values fit, each row as a record: the label, then the
      value and the note indented under it.
    """
    grid = Grid(
        (
            Column(keep=True, style=styles[0]),
            Column(wrap=WRAP_LAST, keep=True, style=styles[1]),
            Column(wrap=WRAP, label_below=False, style=styles[2]),
        ),
        header=False,
    )
    for label, value, note in rows:
        grid.add(label, value, note)
    if not rows:
        return []
    label_w = max(len(r[0]) for r in rows)
    value_w = max(text_width(r[1]) for r in rows)
    note_w = max(text_width(r[2]) for r in rows)
    if width is None:
        return lay_out(grid, None, gaps)
    for gap in gaps:  # everything on one line
        if label_w + gap + value_w + (gap + note_w if note_w else 0) <= width:
            return lay_out(grid, width, (gap,))
    candidates: list[list[Line]] = []
    p = plan(grid, width, gaps)
    if p is not None and p.level == WRAP and not p.below:  # notes wrapped in their column
        candidates.append(lay_out(grid, width, gaps))
    gap = gaps[-1]
    if label_w + gap + min(value_w, PROSE_MIN) <= width:
        best: list[Line] | None = None
        for v in sorted({len(r[1]) for r in rows if r[1] and len(r[1]) <= value_w}, reverse=True):
            lines = _hanging(rows, width, label_w, v, gap, styles)
            if best is None or len(lines) < len(best):
                best = lines
        candidates.append(
            best if best is not None else _hanging(rows, width, label_w, 0, gap, styles)
        )
    if not candidates:
        return _records(grid, width)
    return min(candidates, key=len)  # the first of the shortest


def _hanging(
    rows: Sequence[tuple[str, str, str]],
    width: int,
    label_w: int,
    value_w: int,
    gap: int,
    styles: tuple[str, str, str],
) -> list[Line]:
    """Labels and values in columns, each note beside its value when both fit their
    columns, else on its own lines under the value."""
    x_value = label_w + gap
    x_note = x_value + value_w + gap
    room = width - x_note
    pad = " " * x_value
    lines: list[Line] = []
    for label, value, note in rows:
        first = (label.ljust(label_w) + " " * gap, styles[0])
        if note and len(value) <= value_w and text_width(note) <= room and "\n" not in value:
            lines.append([first, (value.ljust(value_w) + " " * gap, styles[1]), (note, styles[2])])
            continue
        values = wrap(value, width - x_value) if value else [""]
        lines.append([first, (values[0], styles[1])])
        lines += [[(pad + v, styles[1])] for v in values[1:]]
        if note:
            lines += [[(line, styles[2])] for line in wrap(note, width, pad)]
    return [_trimmed(line) for line in lines]


def _trimmed(line: Line) -> Line:
    """The line without trailing spaces (its last segments trimmed)."""
    out = list(line)
    while out and not out[-1][0].strip():
        out.pop()
    if out:
        out[-1] = (out[-1][0].rstrip(), out[-1][1])
    return out
