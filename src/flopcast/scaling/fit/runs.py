"""Training runs to fit: read from a CSV file or made from sequences, and validated."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from flopcast.conventions import FLOP_PER_PARAM_TOKEN
from flopcast.errors import FlopcastError, FlopcastTypeError, opt
from flopcast.quantity import SMALLEST
from flopcast.sanitize import short, terminal_safe
from flopcast.store import read_text


@dataclass(frozen=True)
class Runs:
    """Training runs: parameters N, tokens D, final loss, and compute C (given, or 6ND)."""

    N: tuple[float, ...]
    D: tuple[float, ...]
    loss: tuple[float, ...]
    C: tuple[float, ...]
    lines: tuple[int, ...]
    source: str

    def __len__(self) -> int:
        return len(self.N)

    def drop(self, indices: Sequence[int]) -> Runs:
        gone = set(indices)
        keep = [i for i in range(len(self)) if i not in gone]
        return Runs(
            tuple(self.N[i] for i in keep),
            tuple(self.D[i] for i in keep),
            tuple(self.loss[i] for i in keep),
            tuple(self.C[i] for i in keep),
            tuple(self.lines[i] for i in keep),
            self.source,
        )


#: The most runs fitted (one row of the objective per run; the bootstrap samples them).
MAX_RUNS = 1_000_000
#: The largest runs file read (100,000 runs take about 5 MB).
MAX_RUNS_BYTES = 256 * 1024 * 1024
#: The kind of quantity each column holds, for the forms flopcast reads (70M, 1.4B, 5.2e21).
_KINDS = {"N": "count", "D": "count", "C": "flop", "loss": "number"}


def _number(source: str, line: int, column: str, text: object, key: str = "loss") -> float:
    """One cell: a number in any of flopcast's quantity forms (``70M``, ``1.4B``, ``2.1e9``)."""
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise FlopcastTypeError(
            f"{source} line {line}: {column} must be a number, not {type(text).__name__}"
        )
    try:
        x = float(text)
    except (TypeError, ValueError, OverflowError):
        x = _quantity(source, line, column, str(text), key)
    if not math.isfinite(x):
        raise FlopcastError(
            f"{source} line {line}: {column} = {short(text, 40)} is not a finite number"
        )
    if x <= 0:
        raise FlopcastError(f"{source} line {line}: {column} = {short(text, 40)} is not positive")
    if x < SMALLEST:
        raise FlopcastError(f"{source} line {line}: {column} = {x!r} is too small")
    return x


def _quantity(source: str, line: int, column: str, text: str, key: str) -> float:
    from flopcast.quantity import Kind, parse

    where = f"{source} line {line}: {column} = {short(text, 40)}"
    if not str(text).strip():
        raise FlopcastError(f"{where} is not a number")
    try:
        q = parse(str(text), Kind(_KINDS.get(key, "number")), what=f"{source} line {line}")
    except FlopcastError:
        raise FlopcastError(f"{where} is not a number: write 70M, 1.4B, 2.1e9 or 3.05") from None
    if q.uncertain:
        raise FlopcastError(f"{where} is a range: a run has one value")
    return q.value


def make_runs(
    N: Sequence[float],
    D: Sequence[float],
    loss: Sequence[float],
    *,
    C: Sequence[float] | None = None,
    lines: Sequence[int] | None = None,
    source: str = "runs",
    max_runs: int = MAX_RUNS,
) -> Runs:
    """Validated runs from sequences (every value finite and positive, 6·N·D too; no duplicate
    rows; at most ``max_runs`` of them)."""
    for name, seq in (("N", N), ("D", D), ("loss", loss), ("C", C)):
        if seq is None and name == "C":
            continue
        if isinstance(seq, str | bytes) or not hasattr(seq, "__len__"):
            raise FlopcastTypeError(f"{source}: {name} must be a sequence of numbers")
    if not (len(N) == len(D) == len(loss)) or (C is not None and len(C) != len(N)):
        raise FlopcastError(f"{source}: N, D, loss (and C) must have the same length")
    if len(N) > max_runs:
        raise FlopcastError(
            f"{source} has {len(N):,} runs, above the {max_runs:,} flopcast fits at once; "
            "fit a sample of them, or raise the limit (max_runs)"
        )
    where = list(lines) if lines is not None else list(range(1, len(N) + 1))
    cols: dict[str, Sequence[float]] = {"N": N, "D": D, "loss": loss}
    if C is not None:
        cols["C"] = C
    checked: dict[str, tuple[float, ...]] = {}
    for name, values in cols.items():
        checked[name] = tuple(
            _number(source, ln, name, v, name) for ln, v in zip(where, values, strict=True)
        )
    compute = checked.get("C")
    if compute is None:
        six_nd = []
        for ln, n, d in zip(where, checked["N"], checked["D"], strict=True):
            c = FLOP_PER_PARAM_TOKEN * n * d
            if not SMALLEST <= c < math.inf:
                raise FlopcastError(
                    f"{source} line {ln}: the compute 6·N·D of N = {n:g} and D = {d:g} is "
                    "beyond the range of floating-point numbers; check the units"
                )
            six_nd.append(c)
        compute = tuple(six_nd)
    seen: dict[tuple[float, float, float], int] = {}
    for ln, row in zip(
        where, zip(checked["N"], checked["D"], checked["loss"], strict=True), strict=True
    ):
        if row in seen:
            raise FlopcastError(
                f"{source} lines {seen[row]} and {ln} are the same run "
                f"(N={row[0]:g}, D={row[1]:g}, loss={row[2]:g}); remove the duplicate"
            )
        seen[row] = ln
    return Runs(checked["N"], checked["D"], checked["loss"], compute, tuple(where), source)


def read_runs(
    path: str | Path,
    *,
    n_column: str = "N",
    d_column: str = "D",
    c_column: str = "C",
    loss_column: str = "loss",
    max_runs: int = MAX_RUNS,
) -> Runs:
    """Runs from a CSV file with columns for N, D (or C, then D = C/6N) and loss.

    Column names are matched ignoring case and surrounding spaces. Bad files raise a one-line
    :class:`FlopcastError` naming the file, line and column.
    """
    p = Path(path) if isinstance(path, str | Path) else path
    src = p.name if isinstance(p, Path) else "runs"
    text = read_text(p, "runs file", MAX_RUNS_BYTES)
    return parse_runs(
        text, source=src, n_column=n_column, d_column=d_column, c_column=c_column,
        loss_column=loss_column, max_runs=max_runs,
    )  # fmt: skip


def parse_runs(
    text: str,
    *,
    source: str = "runs",
    n_column: str = "N",
    d_column: str = "D",
    c_column: str = "C",
    loss_column: str = "loss",
    max_runs: int = MAX_RUNS,
) -> Runs:
    """Runs from the text of a CSV (as :func:`read_runs` reads a file), parsed in memory;
    ``source`` names it in messages."""
    src = source
    limit = csv.field_size_limit()
    csv.field_size_limit(1_000_000)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = next(reader, None)
        body = []
        for row in reader:
            body.append((reader.line_num, row))
            if len(body) > max_runs:
                raise FlopcastError(
                    f"{src} has more than {max_runs:,} runs, the most flopcast fits at once; "
                    "fit a sample of them"
                )
    except csv.Error as exc:
        raise FlopcastError(f"{src} line {reader.line_num} is not valid CSV: {exc}") from None
    finally:
        csv.field_size_limit(limit)
    if not header:
        raise FlopcastError(f"{src} is empty: expected a header row with N, D (or C) and loss")
    for name, value in (
        ("n_column", n_column),
        ("d_column", d_column),
        ("c_column", c_column),
        ("loss_column", loss_column),
    ):
        if not isinstance(value, str):
            raise FlopcastTypeError(f"{opt(name)} must be a column name, not {short(value)}")
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        index.setdefault(h.strip().lower(), i)
    shown = terminal_safe(", ".join(h.strip() for h in header)[:200])

    def col(name: str, flag: str) -> int:
        i = index.get(name.strip().lower())
        if i is None:
            raise FlopcastError(
                f"{src} has no column {short(name, 40)} (columns: {shown}); name it with {flag}"
            )
        return i

    i_d = index.get(d_column.strip().lower())
    i_c = index.get(c_column.strip().lower())
    missing = [
        f"{short(name, 40)} (name it with {flag})"
        for name, flag in ((n_column, opt("n_column")), (loss_column, opt("loss_column")))
        if name.strip().lower() not in index
    ]
    if i_d is None and i_c is None:
        missing.append(
            f"{short(d_column, 40)} or {short(c_column, 40)} (name one with {opt('d_column')} "
            f"or {opt('c_column')})"
        )
    if len(missing) > 1:  # all at once, not one run per missing column
        raise FlopcastError(f"{src} lacks columns {', '.join(missing)}; its columns: {shown}")
    i_n = col(n_column, opt("n_column"))
    i_loss = col(loss_column, opt("loss_column"))
    if i_d is None and i_c is None:
        raise FlopcastError(
            f"{src} has neither a tokens column {short(d_column, 40)} nor a compute column "
            f"{short(c_column, 40)} (columns: {shown}); name one with {opt('d_column')} or "
            f"{opt('c_column')}"
        )
    rows = [(ln, r) for ln, r in body if any(cell.strip() for cell in r)]
    width = len(header)
    for ln, r in rows:
        if len(r) != width:
            raise FlopcastError(f"{src} line {ln}: {len(r)} fields, the header has {width}")
    lines = [ln for ln, _ in rows]
    n_vals = [_number(src, ln, header[i_n].strip(), r[i_n], "N") for ln, r in rows]
    loss = [_number(src, ln, header[i_loss].strip(), r[i_loss], "loss") for ln, r in rows]
    c_vals = None
    if i_c is not None:
        c_vals = [_number(src, ln, header[i_c].strip(), r[i_c], "C") for ln, r in rows]
    if i_d is not None:
        d_vals = [_number(src, ln, header[i_d].strip(), r[i_d], "D") for ln, r in rows]
    else:
        assert c_vals is not None
        d_vals = [c / (FLOP_PER_PARAM_TOKEN * n) for c, n in zip(c_vals, n_vals, strict=True)]
        for ln, d in zip(lines, d_vals, strict=True):
            if not SMALLEST <= d < math.inf:
                raise FlopcastError(
                    f"{src} line {ln}: the tokens C/(6·N) are beyond the range of floats; "
                    "check the units"
                )
    if not rows:
        raise FlopcastError(f"{src} has a header but no runs")
    return make_runs(n_vals, d_vals, loss, C=c_vals, lines=lines, source=src, max_runs=max_runs)


def _need_runs(runs: Runs, minimum: int, what: str) -> None:
    if len(runs) < minimum:
        raise FlopcastError(f"{runs.source} has {len(runs)} runs; {what} needs at least {minimum}")
