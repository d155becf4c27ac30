"""Training runs to fit: read from a CSV file or made from sequences, and validated."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from flopcast.conventions import FLOP_PER_PARAM_TOKEN
from flopcast.errors import FlopcastError


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


def _number(source: str, line: int, column: str, text: str) -> float:
    try:
        x = float(text)
    except (TypeError, ValueError):
        raise FlopcastError(f"{source} line {line}: {column} = {text!r} is not a number") from None
    if not math.isfinite(x):
        raise FlopcastError(f"{source} line {line}: {column} = {text!r} is not a finite number")
    if x <= 0:
        raise FlopcastError(f"{source} line {line}: {column} = {text!r} is not positive")
    return x


def make_runs(
    N: Sequence[float],
    D: Sequence[float],
    loss: Sequence[float],
    *,
    C: Sequence[float] | None = None,
    lines: Sequence[int] | None = None,
    source: str = "runs",
) -> Runs:
    """Validated runs from sequences (every value finite and positive; no duplicate rows)."""
    if not (len(N) == len(D) == len(loss)) or (C is not None and len(C) != len(N)):
        raise FlopcastError(f"{source}: N, D, loss (and C) must have the same length")
    where = list(lines) if lines is not None else list(range(1, len(N) + 1))
    cols: dict[str, Sequence[float]] = {"N": N, "D": D, "loss": loss}
    if C is not None:
        cols["C"] = C
    checked: dict[str, tuple[float, ...]] = {}
    for name, values in cols.items():
        checked[name] = tuple(
            _number(source, ln, name, str(v)) for ln, v in zip(where, values, strict=True)
        )
    compute = checked.get("C") or tuple(
        FLOP_PER_PARAM_TOKEN * n * d for n, d in zip(checked["N"], checked["D"], strict=True)
    )
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
) -> Runs:
    """Runs from a CSV file with columns for N, D (or C, then D = C/6N) and loss.

    Column names are matched ignoring case and surrounding spaces. Bad files raise a one-line
    :class:`FlopcastError` naming the file, line and column.
    """
    p = Path(path)
    src = p.name
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            body = [(reader.line_num, row) for row in reader]
    except FileNotFoundError:
        raise FlopcastError(f"no such file: {p}") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise FlopcastError(f"cannot read {p}: {exc}") from exc
    if not header:
        raise FlopcastError(f"{src} is empty: expected a header row with N, D (or C) and loss")
    index = {h.strip().lower(): i for i, h in enumerate(header)}
    shown = ", ".join(h.strip() for h in header)

    def col(name: str, flag: str) -> int:
        i = index.get(name.strip().lower())
        if i is None:
            raise FlopcastError(
                f"{src} has no column {name!r} (columns: {shown}); name it with {flag}"
            )
        return i

    i_n = col(n_column, "--n-column")
    i_loss = col(loss_column, "--loss-column")
    i_d = index.get(d_column.strip().lower())
    i_c = index.get(c_column.strip().lower())
    if i_d is None and i_c is None:
        raise FlopcastError(
            f"{src} has neither a tokens column {d_column!r} nor a compute column {c_column!r} "
            f"(columns: {shown}); name one with --d-column or --c-column"
        )
    rows = [(ln, r) for ln, r in body if any(cell.strip() for cell in r)]
    width = len(header)
    for ln, r in rows:
        if len(r) != width:
            raise FlopcastError(f"{src} line {ln}: {len(r)} fields, the header has {width}")
    lines = [ln for ln, _ in rows]
    n_vals = [_number(src, ln, header[i_n].strip(), r[i_n]) for ln, r in rows]
    loss = [_number(src, ln, header[i_loss].strip(), r[i_loss]) for ln, r in rows]
    c_vals = None
    if i_c is not None:
        c_vals = [_number(src, ln, header[i_c].strip(), r[i_c]) for ln, r in rows]
    if i_d is not None:
        d_vals = [_number(src, ln, header[i_d].strip(), r[i_d]) for ln, r in rows]
    else:
        assert c_vals is not None
        d_vals = [c / (FLOP_PER_PARAM_TOKEN * n) for c, n in zip(c_vals, n_vals, strict=True)]
    if not rows:
        raise FlopcastError(f"{src} has a header but no runs")
    return make_runs(n_vals, d_vals, loss, C=c_vals, lines=lines, source=src)


def _need_runs(runs: Runs, minimum: int, what: str) -> None:
    if len(runs) < minimum:
        raise FlopcastError(f"{runs.source} has {len(runs)} runs; {what} needs at least {minimum}")
