"""Fitting a scaling law to your own training runs.

Approach 3 (Hoffmann et al. 2022 sec. 3.3 and App. D.2, as replicated by Besiroglu et al. 2024):
fit L(N, D) = E + A/N^alpha + B/D^beta by minimizing, over (a, b, e, alpha, beta),

    sum_i Huber_delta( LSE(a - alpha ln N_i, b - beta ln D_i, e) - ln L_i ),   delta = 1e-3,

with A, B, E = exp(a), exp(b), exp(e). The sum, not the mean: averaging shrinks the gradient
below L-BFGS's stopping tolerance, Besiroglu et al.'s explanation of Chinchilla's premature stop.
L-BFGS runs from each point of Hoffmann's grid (alpha, beta in {0, 0.5, ..., 2}, e in
{-1, -0.5, ..., 1}, a, b in {0, 5, ..., 25}: 4,500 starts) and the best result is kept.
All starts run at once (:mod:`flopcast.scaling._lbfgs`); the best few are then polished with
scipy's L-BFGS-B. Bootstrap resamples (with replacement) are refit the same batched way,
each from the best grid optima, and give percentile intervals.

Approach 2 (Hoffmann et al. sec. 3.2): a parabola in ln N per isoFLOP group, its vertex the
group's optimum, and a power law N_opt = n_coef C^a through the vertices.

This module imports numpy and scipy; only the commands that fit import it.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from flopcast.errors import FlopcastError
from flopcast.scaling._data import Citation
from flopcast.scaling._lbfgs import BatchResult, FloatArray, IntArray, batched_lbfgs
from flopcast.scaling.laws import (
    FLOP_PER_PARAM_TOKEN,
    SAVED_FIT_FORMAT,
    ParametricLaw,
    PowerLaw,
)

HUBER_DELTA = 1e-3  # Hoffmann et al. 2022 App. D.2
N_PARAMETERS = 5  # a, b, e, alpha, beta
PARAMETER_NAMES = ("a", "b", "e", "alpha", "beta")
REPORTED = ("E", "A", "B", "alpha", "beta", "a_N", "b_D")


def hoffmann_grid() -> FloatArray:
    """Hoffmann et al. 2022 App. D.2 initializations as rows (a, b, e, alpha, beta): 4,500."""
    ab = np.arange(0.0, 26.0, 5.0)  # 0, 5, ..., 25
    e = np.arange(-1.0, 1.01, 0.5)  # -1, -0.5, ..., 1
    exps = np.arange(0.0, 2.01, 0.5)  # 0, 0.5, ..., 2
    return np.array(list(itertools.product(ab, ab, e, exps, exps)), dtype=np.float64)


# --------------------------------------------------------------------------------------------
# Runs: reading and validating


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


# --------------------------------------------------------------------------------------------
# The objective, batched over parameter rows


class HuberLogSumExp:
    """sum_i w_i Huber_delta(LSE(a - alpha ln N_i, b - beta ln D_i, e) - ln L_i) and its gradient
    (Hoffmann et al. 2022 App. D.2), for many parameter rows (a, b, e, alpha, beta) at once.

    ``weights`` (one row of per-run counts per problem) turn a bootstrap resample into a
    weighted sum; without them every run counts once. Rows are evaluated in cache-sized blocks,
    on ``workers`` threads (numpy releases the GIL in its kernels).
    """

    def __init__(
        self,
        N: npt.ArrayLike,
        D: npt.ArrayLike,
        loss: npt.ArrayLike,
        *,
        delta: float = HUBER_DELTA,
        weights: FloatArray | None = None,
        workers: int | None = None,
        block: int = 256,
    ) -> None:
        self.log_n = np.log(np.asarray(N, dtype=np.float64))
        self.log_d = np.log(np.asarray(D, dtype=np.float64))
        self.log_l = np.log(np.asarray(loss, dtype=np.float64))
        self.delta = float(delta)
        self.weights = weights
        ones = np.ones_like(self.log_n)
        self._xn = np.stack([ones, self.log_n], axis=1)
        self._xd = np.stack([ones, self.log_d], axis=1)
        self.block = block
        self.workers = max(1, workers if workers is not None else min(4, os.cpu_count() or 1))
        self._pool = ThreadPoolExecutor(self.workers) if self.workers > 1 else None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> HuberLogSumExp:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def with_weights(self, weights: FloatArray | None) -> HuberLogSumExp:
        """The same runs with other per-problem weights (shares nothing mutable)."""
        clone = HuberLogSumExp.__new__(HuberLogSumExp)
        clone.__dict__.update(self.__dict__)
        clone.weights = weights
        clone._pool = ThreadPoolExecutor(self.workers) if self.workers > 1 else None
        return clone

    def _block(self, P: FloatArray, W: FloatArray | None) -> tuple[FloatArray, FloatArray]:
        t1 = P[:, 0:1] - P[:, 3:4] * self.log_n  # a - alpha ln N
        t2 = P[:, 1:2] - P[:, 4:5] * self.log_d  # b - beta ln D
        t3 = P[:, 2:3]  # e
        m = np.maximum(t1, t2)
        np.maximum(m, t3, out=m)
        t1 -= m
        np.exp(t1, out=t1)
        t2 -= m
        np.exp(t2, out=t2)
        e3 = t3 - m
        np.exp(e3, out=e3)
        s = t1 + t2
        s += e3
        r = np.log(s)  # LSE - ln L
        r += m
        r -= self.log_l
        psi = np.clip(r, -self.delta, self.delta)  # Huber'(r)
        r -= 0.5 * psi
        r *= psi  # Huber(r) = psi (r - psi/2)
        if W is not None:
            r *= W
            psi *= W
        f = r.sum(axis=1)
        psi /= s
        gn = (psi * t1) @ self._xn
        gd = (psi * t2) @ self._xd
        e3 *= psi
        g = np.empty_like(P)
        g[:, 0] = gn[:, 0]
        g[:, 3] = -gn[:, 1]
        g[:, 1] = gd[:, 0]
        g[:, 4] = -gd[:, 1]
        g[:, 2] = e3.sum(axis=1)
        return f, g

    def __call__(self, P: FloatArray, rows: IntArray) -> tuple[FloatArray, FloatArray]:
        k = P.shape[0]
        spans = [(i, min(i + self.block, k)) for i in range(0, k, self.block)]

        def one(span: tuple[int, int]) -> tuple[FloatArray, FloatArray]:
            i, j = span
            w = None if self.weights is None else self.weights[rows[i:j]]
            return self._block(P[i:j], w)

        if self._pool is None or len(spans) == 1:
            parts = [one(sp) for sp in spans]
        else:
            parts = list(self._pool.map(one, spans))
        return np.concatenate([f for f, _ in parts]), np.concatenate([g for _, g in parts])

    def value_and_grad(self, theta: FloatArray, row: int = 0) -> tuple[float, FloatArray]:
        """One parameter vector (for scipy.optimize.minimize with jac=True)."""
        w = None if self.weights is None else self.weights[row : row + 1]
        f, g = self._block(np.asarray(theta, dtype=np.float64)[None, :].copy(), w)
        return float(f[0]), g[0]


# --------------------------------------------------------------------------------------------
# Grid minimization


@dataclass(frozen=True)
class GridFit:
    """The best of a batched L-BFGS run over many starts, polished with scipy's L-BFGS-B."""

    theta: FloatArray
    objective: float
    candidates: FloatArray  # distinct local optima, best first
    candidate_objectives: FloatArray
    starts: int
    converged: int
    row_evaluations: int
    seconds: float


def _distinct(x: FloatArray, f: FloatArray, count: int, tol: float = 1e-3) -> IntArray:
    """Indices of up to ``count`` best rows whose parameters differ by more than ``tol``."""
    picked: list[int] = []
    for i in np.argsort(f):
        if not np.isfinite(f[i]):
            break
        if all(np.max(np.abs(x[i] - x[j])) > tol for j in picked):
            picked.append(int(i))
            if len(picked) == count:
                break
    return np.array(picked, dtype=np.intp)


def _polish(objective: HuberLogSumExp, theta: FloatArray) -> tuple[FloatArray, float]:
    from scipy.optimize import minimize

    res = minimize(
        objective.value_and_grad,
        theta,
        jac=True,
        method="L-BFGS-B",
        options={"ftol": 1e-15, "gtol": 1e-13, "maxiter": 20000, "maxcor": 20},
    )
    return np.asarray(res.x, dtype=np.float64), float(res.fun)


def minimize_grid(
    objective: HuberLogSumExp, starts: FloatArray | None = None, *, polish: int = 8
) -> GridFit:
    """Minimize ``objective`` (unweighted) from every start (default: Hoffmann's 4,500), keep
    the best; the ``polish`` best distinct optima are refined with scipy's L-BFGS-B."""
    t0 = time.perf_counter()
    x0 = hoffmann_grid() if starts is None else np.asarray(starts, dtype=np.float64)
    res = batched_lbfgs(objective, x0)
    fun = np.where(np.isfinite(res.fun), res.fun, np.inf)
    picks = _distinct(res.x, fun, max(polish, 1))
    if picks.size == 0:
        raise FlopcastError("the fit diverged from every start; check the runs' units")
    cand = res.x[picks].copy()
    cand_f = fun[picks].copy()
    for i in range(min(polish, picks.size)):
        x, fx = _polish(objective, cand[i])
        if fx <= cand_f[i]:
            cand[i], cand_f[i] = x, fx
    order = np.argsort(cand_f)
    cand, cand_f = cand[order], cand_f[order]
    return GridFit(
        theta=cand[0],
        objective=float(cand_f[0]),
        candidates=cand,
        candidate_objectives=cand_f,
        starts=x0.shape[0],
        converged=int(res.converged.sum()),
        row_evaluations=res.row_evaluations,
        seconds=time.perf_counter() - t0,
    )


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Interval:
    """A bootstrap percentile interval."""

    low: float
    high: float
    level: float

    def to_dict(self) -> dict[str, float]:
        return {"low": self.low, "high": self.high, "level": self.level}


@dataclass(frozen=True)
class Residual:
    """One run's fit: predicted loss and the log residual ln L_hat - ln L."""

    line: int
    N: float
    D: float
    loss: float
    predicted: float
    log_residual: float

    def to_dict(self) -> dict[str, float]:
        return {
            "line": self.line,
            "N": self.N,
            "D": self.D,
            "loss": self.loss,
            "predicted": self.predicted,
            "log_residual": self.log_residual,
        }


@dataclass(frozen=True)
class Allocation:
    """The compute-optimal model at one budget under the fitted law, with bootstrap intervals."""

    compute: float
    N: float
    D: float
    tokens_per_param: float
    loss: float | None
    N_interval: Interval | None
    D_interval: Interval | None
    tokens_per_param_interval: Interval | None

    def to_dict(self) -> dict[str, object]:
        def iv(x: Interval | None) -> dict[str, float] | None:
            return None if x is None else x.to_dict()

        return {
            "compute": self.compute,
            "N": self.N,
            "D": self.D,
            "tokens_per_param": self.tokens_per_param,
            "loss": self.loss,
            "N_interval": iv(self.N_interval),
            "D_interval": iv(self.D_interval),
            "tokens_per_param_interval": iv(self.tokens_per_param_interval),
        }


@dataclass(frozen=True)
class FitResult:
    """Everything ``flopcast fit`` (Approach 3) reports."""

    name: str
    source: str
    E: float
    A: float
    B: float
    alpha: float
    beta: float
    objective: float
    delta: float
    n_runs: int
    dropped_lines: tuple[int, ...]
    drop_reason: str
    starts: int
    converged_starts: int
    intervals: tuple[tuple[str, Interval], ...]
    standard_errors: tuple[tuple[str, float], ...]
    bootstrap: int
    bootstrap_failed: int
    seed: int
    allocations: tuple[Allocation, ...]
    residuals: tuple[Residual, ...]
    fitted_compute: tuple[float, float]
    timings: tuple[tuple[str, float], ...]

    @property
    def a_N(self) -> float:
        """N_opt ~ C^a with a = beta/(alpha+beta) (Hoffmann et al. eq. 4)."""
        return self.beta / (self.alpha + self.beta)

    @property
    def b_D(self) -> float:
        """D_opt ~ C^b with b = alpha/(alpha+beta) (Hoffmann et al. eq. 4)."""
        return self.alpha / (self.alpha + self.beta)

    def interval(self, name: str) -> Interval | None:
        return dict(self.intervals).get(name)

    def to_law(self) -> ParametricLaw:
        return ParametricLaw(
            name=self.name,
            title=f"fit of {self.n_runs} runs from {self.source}",
            E=self.E,
            A=self.A,
            B=self.B,
            alpha=self.alpha,
            beta=self.beta,
            citation=Citation(
                f"flopcast fit of {self.source}",
                f"Huber delta={self.delta:g} on log-loss residuals, summed; "
                f"L-BFGS from {self.starts} starts; {self.bootstrap} bootstrap resamples",
                "",
            ),
            parameter_count="as in the fitted runs",
            fitted_compute=self.fitted_compute,
            standard_errors=self.standard_errors,
            notes=f"dropped lines: {list(self.dropped_lines)} ({self.drop_reason})"
            if self.dropped_lines
            else "",
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "approach": 3,
            "source": self.source,
            "formula": "L(N, D) = E + A/N^alpha + B/D^beta",
            "E": self.E,
            "A": self.A,
            "B": self.B,
            "alpha": self.alpha,
            "beta": self.beta,
            "a_N": self.a_N,
            "b_D": self.b_D,
            "objective": self.objective,
            "delta": self.delta,
            "n_runs": self.n_runs,
            "dropped_lines": list(self.dropped_lines),
            "drop_reason": self.drop_reason,
            "starts": self.starts,
            "converged_starts": self.converged_starts,
            "intervals": {k: v.to_dict() for k, v in self.intervals},
            "standard_errors": dict(self.standard_errors),
            "bootstrap": self.bootstrap,
            "bootstrap_failed": self.bootstrap_failed,
            "seed": self.seed,
            "allocations": [a.to_dict() for a in self.allocations],
            "residuals": [r.to_dict() for r in self.residuals],
            "fitted_compute": list(self.fitted_compute),
            "timings": dict(self.timings),
        }


def _coefficients(theta: FloatArray) -> dict[str, FloatArray]:
    """E, A, B, alpha, beta and the allocation exponents from rows (a, b, e, alpha, beta)."""
    t = np.atleast_2d(theta)
    alpha, beta = t[:, 3], t[:, 4]
    return {
        "E": np.exp(t[:, 2]),
        "A": np.exp(t[:, 0]),
        "B": np.exp(t[:, 1]),
        "alpha": alpha,
        "beta": beta,
        "a_N": beta / (alpha + beta),
        "b_D": alpha / (alpha + beta),
    }


def _allocation_rows(theta: FloatArray, C: float) -> tuple[FloatArray, FloatArray]:
    # Hoffmann et al. 2022 eq. 4 for every row: N = G (C/6)^a, D = (C/6)/N.
    co = _coefficients(theta)
    g = (co["alpha"] * co["A"] / (co["beta"] * co["B"])) ** (1.0 / (co["alpha"] + co["beta"]))
    n = g * (C / FLOP_PER_PARAM_TOKEN) ** co["a_N"]
    return n, (C / FLOP_PER_PARAM_TOKEN) / n


def _interval(x: FloatArray, level: float) -> Interval | None:
    x = x[np.isfinite(x)]
    if x.size < 2:
        return None
    lo, hi = np.percentile(x, [50 * (1 - level), 50 * (1 + level)])
    return Interval(float(lo), float(hi), level)


def bootstrap_refits(
    objective: HuberLogSumExp,
    starts: FloatArray,
    resamples: int,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray, int]:
    """Refit ``resamples`` bootstrap resamples (runs drawn with replacement) at once, each from
    every row of ``starts``; returns the best parameters and objective of each resample that
    converged from at least one start, and how many resamples did not."""
    n = objective.log_n.size
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=resamples).astype(np.float64)
    s = starts.shape[0]
    weights = np.repeat(counts, s, axis=0)
    x0 = np.tile(starts, (resamples, 1))
    with objective.with_weights(weights) as weighted:
        res: BatchResult = batched_lbfgs(weighted, x0)
    fun = np.where(np.isfinite(res.fun) & res.converged, res.fun, np.inf).reshape(resamples, s)
    best = np.argmin(fun, axis=1)
    rows = np.arange(resamples) * s + best
    best_f = fun[np.arange(resamples), best]
    ok = np.isfinite(best_f)
    return res.x[rows][ok], best_f[ok], int(np.sum(~ok))


def fit_parametric(
    runs: Runs,
    *,
    name: str | None = None,
    bootstrap: int = 1000,
    level: float = 0.9,
    seed: int = 0,
    drop_top_losses: int = 0,
    drop_largest_residuals: int = 0,
    budgets: Sequence[float] = (),
    delta: float = HUBER_DELTA,
    workers: int | None = None,
    bootstrap_starts: int = 4,
) -> FitResult:
    """Fit L(N, D) = E + A/N^alpha + B/D^beta to ``runs`` (Hoffmann Approach 3, summed Huber).

    Outliers: ``drop_top_losses`` removes the runs with the highest losses before fitting (Epoch
    drops 5 of Chinchilla's 245); ``drop_largest_residuals`` removes the runs worst fitted by a
    first fit, then refits. Allocations are reported at ``budgets`` (default: the largest compute
    among the runs) with bootstrap intervals.
    """
    if not 0 < level < 1:
        raise FlopcastError(f"interval level must be between 0 and 1, got {level}")
    if bootstrap < 0 or drop_top_losses < 0 or drop_largest_residuals < 0:
        raise FlopcastError("bootstrap and outlier counts must not be negative")
    need = N_PARAMETERS + 1
    what = f"fitting the {N_PARAMETERS} parameters of L(N, D)"
    _need_runs(runs, need, what)
    dropped: list[int] = []
    reasons: list[str] = []
    timings: list[tuple[str, float]] = []
    if drop_top_losses:
        worst = sorted(range(len(runs)), key=lambda i: runs.loss[i], reverse=True)[:drop_top_losses]
        dropped += [runs.lines[i] for i in worst]
        reasons.append(f"{drop_top_losses} highest losses")
        runs = runs.drop(worst)
        _need_runs(runs, need, f"{what} after dropping outliers")

    obj = HuberLogSumExp(runs.N, runs.D, runs.loss, delta=delta, workers=workers)
    try:
        grid = minimize_grid(obj)
        timings.append(("grid", grid.seconds))
        if drop_largest_residuals:
            r = _log_residuals(obj, grid.theta)
            worst = [int(i) for i in np.argsort(-np.abs(r))[:drop_largest_residuals]]
            dropped += [runs.lines[i] for i in worst]
            reasons.append(f"{drop_largest_residuals} largest residuals of a first fit")
            runs = runs.drop(worst)
            _need_runs(runs, need, f"{what} after dropping outliers")
            obj.close()
            obj = HuberLogSumExp(runs.N, runs.D, runs.loss, delta=delta, workers=workers)
            refit = minimize_grid(obj, np.vstack([grid.candidates, hoffmann_grid()]))
            timings.append(("refit", refit.seconds))
            grid = refit

        theta = grid.theta
        draws = np.empty((0, N_PARAMETERS))
        failed = 0
        if bootstrap:
            t0 = time.perf_counter()
            good = grid.candidate_objectives <= 1.5 * grid.objective
            starts = grid.candidates[good][:bootstrap_starts]
            rng = np.random.default_rng(seed)
            draws, _, failed = bootstrap_refits(obj, starts, bootstrap, rng)
            draws = draws[np.all(np.isfinite(draws), axis=1)]
            timings.append(("bootstrap", time.perf_counter() - t0))
        resid = _log_residuals(obj, theta)
    finally:
        obj.close()

    point = {k: float(v[0]) for k, v in _coefficients(theta).items()}
    intervals: list[tuple[str, Interval]] = []
    errors: list[tuple[str, float]] = []
    if draws.shape[0] >= 2:
        co = _coefficients(draws)
        for key in REPORTED:
            iv = _interval(co[key], level)
            if iv is not None:
                intervals.append((key, iv))
            if key in ("E", "A", "B", "alpha", "beta"):
                errors.append((key, float(np.std(co[key], ddof=1))))

    law = ParametricLaw(
        "fit",
        "fit",
        point["E"],
        point["A"],
        point["B"],
        point["alpha"],
        point["beta"],
        Citation("fit", "fit", ""),
        "",
    )
    cs = runs.C
    allocations = []
    for c in budgets or (max(cs),):
        n_opt, d_opt = law.dense_optimum(float(c))
        n_iv = d_iv = t_iv = None
        if draws.shape[0] >= 2:
            nb, db = _allocation_rows(draws, float(c))
            n_iv, d_iv, t_iv = _interval(nb, level), _interval(db, level), _interval(db / nb, level)
        allocations.append(
            Allocation(
                float(c), n_opt, d_opt, d_opt / n_opt, law.loss(n_opt, d_opt), n_iv, d_iv, t_iv
            )
        )
    residuals = tuple(
        Residual(ln, n, d, loss, loss * math.exp(float(r)), float(r))
        for ln, n, d, loss, r in zip(runs.lines, runs.N, runs.D, runs.loss, resid, strict=True)
    )
    return FitResult(
        name=name or f"fit:{Path(runs.source).stem}",
        source=runs.source,
        E=point["E"],
        A=point["A"],
        B=point["B"],
        alpha=point["alpha"],
        beta=point["beta"],
        objective=grid.objective,
        delta=delta,
        n_runs=len(runs),
        dropped_lines=tuple(dropped),
        drop_reason="; ".join(reasons),
        starts=grid.starts,
        converged_starts=grid.converged,
        intervals=tuple(intervals),
        standard_errors=tuple(errors),
        bootstrap=bootstrap,
        bootstrap_failed=failed,
        seed=seed,
        allocations=tuple(allocations),
        residuals=residuals,
        fitted_compute=(min(cs), max(cs)),
        timings=tuple(timings),
    )


def _log_residuals(obj: HuberLogSumExp, theta: FloatArray) -> FloatArray:
    """ln L_hat - ln L for every run."""
    t = theta
    terms = np.stack(
        [t[0] - t[3] * obj.log_n, t[1] - t[4] * obj.log_d, np.full_like(obj.log_n, t[2])]
    )
    m = terms.max(axis=0)
    lse = m + np.log(np.exp(terms - m).sum(axis=0))
    out: FloatArray = lse - obj.log_l
    return out


# --------------------------------------------------------------------------------------------
# Approach 2: isoFLOP parabolas


@dataclass(frozen=True)
class IsoFlopGroup:
    """One isoFLOP profile: its runs' parabola in ln N and the vertex."""

    compute: float
    n_runs: int
    N_opt: float
    D_opt: float
    loss_min: float
    curvature: float

    def to_dict(self) -> dict[str, float]:
        return {
            "compute": self.compute,
            "n_runs": self.n_runs,
            "N_opt": self.N_opt,
            "D_opt": self.D_opt,
            "loss_min": self.loss_min,
            "curvature": self.curvature,
        }


@dataclass(frozen=True)
class IsoFlopFit:
    """Everything ``flopcast fit --approach 2`` reports: N_opt = n_coef C^a, D = C/(6N)."""

    name: str
    source: str
    groups: tuple[IsoFlopGroup, ...]
    a: float
    n_coef: float
    intervals: tuple[tuple[str, Interval], ...]
    bootstrap: int
    bootstrap_failed: int
    seed: int
    allocations: tuple[Allocation, ...]
    fitted_compute: tuple[float, float]
    skipped_groups: tuple[tuple[float, str], ...] = ()

    @property
    def b(self) -> float:
        """D_opt ~ C^b with b = 1 - a (C = 6ND)."""
        return 1.0 - self.a

    def to_law(self) -> PowerLaw:
        return PowerLaw(
            name=self.name,
            title=f"isoFLOP fit of {len(self.groups)} groups from {self.source}",
            citation=Citation(
                f"flopcast fit of {self.source}",
                "Hoffmann et al. 2022 Approach 2: parabola in ln N per isoFLOP group",
                "",
            ),
            parameter_count="as in the fitted runs",
            n_coef=self.n_coef,
            n_exp=self.a,
            d_coef=None,
            d_exp=None,
            fitted_compute=self.fitted_compute,
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "approach": 2,
            "source": self.source,
            "formula": "N_opt = n_coef C^a, D_opt = C / (6 N_opt)",
            "a": self.a,
            "b": self.b,
            "n_coef": self.n_coef,
            "groups": [g.to_dict() for g in self.groups],
            "intervals": {k: v.to_dict() for k, v in self.intervals},
            "bootstrap": self.bootstrap,
            "bootstrap_failed": self.bootstrap_failed,
            "seed": self.seed,
            "allocations": [a.to_dict() for a in self.allocations],
            "fitted_compute": list(self.fitted_compute),
            "skipped_groups": [{"compute": c, "reason": r} for c, r in self.skipped_groups],
        }


def _groups(runs: Runs, tolerance: float) -> list[list[int]]:
    """Runs grouped by compute: consecutive (sorted) runs within ``tolerance`` (relative)."""
    order = sorted(range(len(runs)), key=lambda i: runs.C[i])
    out: list[list[int]] = []
    for i in order:
        if out and math.log(runs.C[i] / runs.C[out[-1][0]]) <= math.log1p(tolerance):
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _vertices(
    x: FloatArray, y: FloatArray, w: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Weighted least-squares parabolas y = c0 + c1 x + c2 x^2 for each row of weights ``w``:
    (vertex x, vertex y, c2), NaN where the parabola does not open upwards."""
    mid, scale = float(x.mean()), float(x.std()) or 1.0
    z = (x - mid) / scale  # standardized, so the normal equations are well conditioned
    X = np.stack([np.ones_like(z), z, z * z], axis=1)
    xtwx = np.einsum("ni,bn,nj->bij", X, w, X)
    xtwy = np.einsum("ni,bn,n->bi", X, w, y)
    ok = (np.count_nonzero(w, axis=1) >= 3) & (
        np.abs(np.linalg.det(xtwx)) > 1e-9 * w.sum(axis=1) ** 3
    )
    coef = np.full((w.shape[0], 3), np.nan)
    if ok.any():
        coef[ok] = np.linalg.solve(xtwx[ok], xtwy[ok][..., None])[..., 0]
    c0, c1, c2 = coef[:, 0], coef[:, 1], coef[:, 2]
    up = c2 > 0
    zv = np.where(up, -c1 / np.where(up, 2 * c2, 1.0), np.nan)
    yv = np.where(up, c0 - c1 * c1 / np.where(up, 4 * c2, 1.0), np.nan)
    return mid + scale * zv, yv, c2 / (scale * scale)


def fit_isoflop(
    runs: Runs,
    *,
    name: str | None = None,
    bootstrap: int = 1000,
    level: float = 0.9,
    seed: int = 0,
    group_tolerance: float = 0.05,
    budgets: Sequence[float] = (),
) -> IsoFlopFit:
    """Hoffmann et al. 2022 Approach 2 (sec. 3.2): runs grouped by compute (within
    ``group_tolerance``), a parabola of loss in ln N per group (>= 3 runs), and a least-squares
    power law ln N_opt = ln n_coef + a ln C through the vertices (>= 2 groups). Groups whose
    parabola has no minimum are skipped and listed in ``skipped_groups``."""
    groups = [g for g in _groups(runs, group_tolerance) if len(g) >= 3]
    if len(groups) < 2:
        raise FlopcastError(
            f"{runs.source}: approach 2 needs at least 2 isoFLOP groups of 3 or more runs of the "
            f"same compute (within {group_tolerance:.0%}); found {len(groups)}"
        )
    rng = np.random.default_rng(seed)
    out_groups: list[IsoFlopGroup] = []
    skipped: list[tuple[float, str]] = []
    lc: list[float] = []
    ln_opt: list[float] = []
    columns: list[FloatArray] = []
    for idx in groups:
        c = float(np.exp(np.mean(np.log([runs.C[i] for i in idx]))))
        x = np.log(np.array([runs.N[i] for i in idx]))
        y = np.array([runs.loss[i] for i in idx])
        xv, yv, c2 = _vertices(x, y, np.ones((1, x.size)))
        if not np.isfinite(xv[0]):
            skipped.append((c, "no minimum: the parabola opens downwards"))
            continue
        n_opt = float(np.exp(xv[0]))
        d_opt = c / (FLOP_PER_PARAM_TOKEN * n_opt)
        out_groups.append(IsoFlopGroup(c, len(idx), n_opt, d_opt, float(yv[0]), float(c2[0])))
        lc.append(math.log(c))
        ln_opt.append(float(xv[0]))
        if bootstrap:
            w = rng.multinomial(x.size, np.full(x.size, 1.0 / x.size), size=bootstrap)
            columns.append(_vertices(x, y, w.astype(np.float64))[0])
    if len(out_groups) < 2:
        raise FlopcastError(
            f"{runs.source}: approach 2 needs at least 2 isoFLOP groups with a minimum; "
            f"{len(skipped)} of {len(groups)} groups have none (add runs on both sides of the "
            "best model size)"
        )
    log_c, log_n_opt = np.array(lc), np.array(ln_opt)
    draws = np.stack(columns, axis=1) if columns else np.empty((0, len(out_groups)))
    a, intercept = np.polyfit(log_c, log_n_opt, 1)
    intervals: list[tuple[str, Interval]] = []
    failed = 0
    slopes = np.empty(0)
    inters = np.empty(0)
    if draws.shape[0]:
        good = np.all(np.isfinite(draws), axis=1)
        failed = int(np.sum(~good))
        dg = draws[good]
        xc = log_c - log_c.mean()
        slopes = (dg - dg.mean(axis=1, keepdims=True)) @ xc / (xc @ xc)
        inters = dg.mean(axis=1) - slopes * log_c.mean()
        for key, vals in (("a", slopes), ("b", 1.0 - slopes), ("n_coef", np.exp(inters))):
            iv = _interval(vals, level)
            if iv is not None:
                intervals.append((key, iv))
    allocations = []
    cs = [g.compute for g in out_groups]
    for c in budgets or (max(cs),):
        n_opt = math.exp(float(intercept)) * c ** float(a)
        d_opt = c / (FLOP_PER_PARAM_TOKEN * n_opt)
        n_iv = d_iv = t_iv = None
        if slopes.size >= 2:
            nb = np.exp(inters + slopes * math.log(c))
            db = c / (FLOP_PER_PARAM_TOKEN * nb)
            n_iv, d_iv, t_iv = _interval(nb, level), _interval(db, level), _interval(db / nb, level)
        allocations.append(
            Allocation(float(c), n_opt, d_opt, d_opt / n_opt, None, n_iv, d_iv, t_iv)
        )
    return IsoFlopFit(
        name=name or f"fit:{Path(runs.source).stem}",
        source=runs.source,
        groups=tuple(out_groups),
        a=float(a),
        n_coef=math.exp(float(intercept)),
        intervals=tuple(intervals),
        bootstrap=bootstrap,
        bootstrap_failed=failed,
        seed=seed,
        allocations=tuple(allocations),
        fitted_compute=(min(cs), max(cs)),
        skipped_groups=tuple(skipped),
    )


# --------------------------------------------------------------------------------------------
# Saving a fit so that `--law my-fit.json` works everywhere


def _law_record(law: ParametricLaw | PowerLaw) -> dict[str, Any]:
    common: dict[str, Any] = {
        "kind": law.kind,
        "title": law.title,
        "aliases": [],
        "fitted_compute": list(law.fitted_compute) if law.fitted_compute else None,
        "parameter_count": law.parameter_count,
        "notes": law.notes,
        "citation": law.citation.to_dict(),
    }
    if isinstance(law, ParametricLaw):
        return common | {
            "E": law.E,
            "A": law.A,
            "B": law.B,
            "alpha": law.alpha,
            "beta": law.beta,
            "standard_errors": dict(law.standard_errors) or None,
        }
    return common | {"n_coef": law.n_coef, "n_exp": law.n_exp}


def save_fit(result: FitResult | IsoFlopFit, path: str | Path) -> Path:
    """Write ``result`` as JSON that :func:`flopcast.scaling.laws.get_law` loads as a law."""
    p = Path(path)
    record = {
        "format": SAVED_FIT_FORMAT,
        "version": 1,
        "name": result.name,
        "law": _law_record(result.to_law()),
        "fit": result.to_dict(),
    }
    try:
        p.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise FlopcastError(f"cannot write {p}: {exc.strerror or exc}") from exc
    return p


def iter_reported(result: FitResult) -> Iterator[tuple[str, float, Interval | None]]:
    """(name, point estimate, interval) for each reported coefficient, in a fixed order."""
    values = {
        "E": result.E,
        "A": result.A,
        "B": result.B,
        "alpha": result.alpha,
        "beta": result.beta,
        "a_N": result.a_N,
        "b_D": result.b_D,
    }
    for key in REPORTED:
        yield key, values[key], result.interval(key)
