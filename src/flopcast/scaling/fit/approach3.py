"""Approach 3: the parametric fit L(N, D) = E + A/N^alpha + B/D^beta, bootstrap intervals, and
the result types shared with approach 2 (Interval, Allocation)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from flopcast.conventions import FLOP_PER_PARAM_TOKEN
from flopcast.errors import FlopcastError, FlopcastTypeError, opt
from flopcast.sanitize import short
from flopcast.scaling._data import Citation, positive
from flopcast.scaling._data import finite as finite_result
from flopcast.scaling._lbfgs import BatchResult, FloatArray, batched_lbfgs
from flopcast.scaling.fit.objective import (
    HUBER_DELTA,
    N_PARAMETERS,
    GridFit,
    HuberLogSumExp,
    ResampledHuber,
    hoffmann_grid,
    minimize_grid,
)
from flopcast.scaling.fit.runs import Runs, _need_runs
from flopcast.scaling.laws import ParametricLaw

REPORTED = ("E", "A", "B", "alpha", "beta", "a_N", "b_D")


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


def extrapolations(
    allocations: Sequence[Allocation], fitted_compute: tuple[float, float]
) -> tuple[str, ...]:
    """A warning for each allocation at a budget outside the compute of the fitted runs."""
    from flopcast.quantity import fmt_plain, fmt_sci  # 1e24 and 1,000x, not 1e+24 and 1e+03x

    lo, hi = fitted_compute
    out = []
    for a in allocations:
        if a.compute > hi * (1 + 1e-9):
            out.append(
                f"{fmt_sci(a.compute)} FLOP is {fmt_plain(a.compute / hi, 3)}x the largest fitted "
                f"run's {fmt_sci(hi)} FLOP: its allocation extrapolates the fit"
            )
        elif a.compute < lo * (1 - 1e-9):
            out.append(
                f"{fmt_sci(a.compute)} FLOP is below the smallest fitted run's {fmt_sci(lo)} FLOP: "
                "its allocation extrapolates the fit"
            )
    return tuple(out)


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
    #: The grid ran on a random sample of this many runs (None: on every run).
    grid_sample: int | None = None
    #: Each bootstrap resample drew this many runs, m-out-of-n (None: n, the usual bootstrap).
    bootstrap_sample: int | None = None

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

    @property
    def warnings(self) -> tuple[str, ...]:
        """What to keep in mind reading the result: budgets beyond the fitted runs."""
        return extrapolations(self.allocations, self.fitted_compute)

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
            "grid_sample": self.grid_sample,
            "bootstrap_sample": self.bootstrap_sample,
            "warnings": list(self.warnings),
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


#: Up to this many runs, the grid and the bootstrap use every run (Hoffmann's procedure as
#: written). Above it, both work on samples, so that time grows with the runs only through the
#: final refinement: 100,000 runs fit in well under a minute.
SAMPLE_ABOVE = 512
#: Runs in the random sample the 4,500-start grid runs on when there are more: the grid only
#: has to find the basins; its best optima are then refined on every run.
GRID_SAMPLE = 256
#: Runs each bootstrap resample draws when there are more (the m-out-of-n bootstrap; Bickel,
#: Götze and van Zwet 1997, "Resampling fewer than n observations", Statistica Sinica 7).
BOOTSTRAP_SAMPLE = 512
#: The most bootstrap resamples (each is a fit).
MAX_BOOTSTRAP = 100_000


def _check_fit_arguments(
    bootstrap: object, level: object, seed: object, drops: tuple[object, object], delta: object
) -> None:
    for name, value in (
        ("bootstrap", bootstrap),
        ("seed", seed),
        ("drop_top_losses", drops[0]),
        ("drop_largest_residuals", drops[1]),
    ):
        if isinstance(value, bool) or not isinstance(value, int):
            raise FlopcastTypeError(f"{opt(name)} must be a whole number, not {short(value)}")
        if value < 0:
            raise FlopcastError(f"{opt(name)} must not be negative, got {value}")
    assert isinstance(bootstrap, int) and isinstance(seed, int)
    if bootstrap > MAX_BOOTSTRAP:
        raise FlopcastError(
            f"{opt('bootstrap')} {bootstrap:,}: at most {MAX_BOOTSTRAP:,} resamples (1,000 give "
            "90% intervals to about 2%)"
        )
    if seed >= 2**128:
        raise FlopcastError(f"{opt('seed')} must be below 2^128")
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise FlopcastError(f"interval level must be between 0 and 1, got {short(level)}")
    if isinstance(delta, bool) or not isinstance(delta, int | float) or not 0 < delta < math.inf:
        raise FlopcastError(f"the Huber delta must be a positive number, got {short(delta)}")


def _check_identifiable(runs: Runs) -> None:
    """Refuse runs that cannot determine L(N, D) before spending time on them."""
    for name, values, what in (
        ("loss", runs.loss, "the losses are all equal: there is nothing to fit"),
        ("N", runs.N, "every run has the same N, so alpha cannot be fitted"),
        ("D", runs.D, "every run has the same D, so beta cannot be fitted"),
    ):
        if max(values) <= min(values) * (1 + 1e-12):
            raise FlopcastError(f"{runs.source}: {what} (column {name})")


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
    progress: Callable[[str], None] | None = None,
) -> FitResult:
    """Fit L(N, D) = E + A/N^alpha + B/D^beta to ``runs`` (Hoffmann Approach 3, summed Huber).

    Outliers: ``drop_top_losses`` removes the runs with the highest losses before fitting (Epoch
    drops 5 of Chinchilla's 245); ``drop_largest_residuals`` removes the runs worst fitted by a
    first fit, then refits. Allocations are reported at ``budgets`` (default: the largest compute
    among the runs) with bootstrap intervals.

    Many runs (above :data:`SAMPLE_ABOVE`): the grid runs on a random sample of
    :data:`GRID_SAMPLE` runs and its best optima are refined on every run; each bootstrap
    resample draws :data:`BOOTSTRAP_SAMPLE` runs and its deviation from the fit is scaled by
    sqrt(m/n), the m-out-of-n bootstrap (Bickel, Götze and van Zwet 1997). ``progress``
    receives a line as each phase starts.
    """
    if not isinstance(runs, Runs):
        raise FlopcastTypeError(
            f"runs must be Runs (from read_runs or make_runs), not {type(runs).__name__}"
        )
    _check_fit_arguments(bootstrap, level, seed, (drop_top_losses, drop_largest_residuals), delta)
    budget_values = [positive("budget", b) for b in budgets]
    say = progress or (lambda _: None)
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
    _check_identifiable(runs)

    grid_sample: int | None = None
    sample_rng = np.random.default_rng([seed, 1])

    def grid_fit(obj: HuberLogSumExp, extra: FloatArray | None = None) -> GridFit:
        nonlocal grid_sample
        n = obj.log_n.size
        if n <= SAMPLE_ABOVE:
            say(f"fitting from {hoffmann_grid().shape[0]:,} starts on {n:,} runs")
            starts = hoffmann_grid() if extra is None else np.vstack([extra, hoffmann_grid()])
            return minimize_grid(obj, starts)
        grid_sample = GRID_SAMPLE
        idx = np.sort(sample_rng.choice(n, GRID_SAMPLE, replace=False))
        say(f"fitting from {hoffmann_grid().shape[0]:,} starts on {GRID_SAMPLE} of {n:,} runs")
        t0 = time.perf_counter()
        with HuberLogSumExp(
            np.exp(obj.log_n[idx]), np.exp(obj.log_d[idx]), np.exp(obj.log_l[idx]),
            delta=delta, workers=workers,
        ) as sample:  # fmt: skip
            starts = hoffmann_grid() if extra is None else np.vstack([extra, hoffmann_grid()])
            rough = minimize_grid(sample, starts)
        say(f"refining the best {rough.candidates.shape[0]} optima on all {n:,} runs")
        fine = minimize_grid(obj, rough.candidates, polish=2)
        return GridFit(
            theta=fine.theta,
            objective=fine.objective,
            candidates=fine.candidates,
            candidate_objectives=fine.candidate_objectives,
            starts=rough.starts,
            converged=rough.converged,
            row_evaluations=rough.row_evaluations + fine.row_evaluations,
            seconds=time.perf_counter() - t0,
        )

    obj = HuberLogSumExp(runs.N, runs.D, runs.loss, delta=delta, workers=workers)
    bootstrap_sample: int | None = None
    try:
        grid = grid_fit(obj)
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
            refit = grid_fit(obj, grid.candidates)
            timings.append(("refit", refit.seconds))
            grid = refit

        theta = grid.theta
        draws = np.empty((0, N_PARAMETERS))
        failed = 0
        if bootstrap:
            t0 = time.perf_counter()
            n = obj.log_n.size
            rng = np.random.default_rng(seed)
            if n <= SAMPLE_ABOVE:
                say(f"bootstrap: {bootstrap:,} resamples of {n:,} runs")
                good = grid.candidate_objectives <= 1.5 * grid.objective
                starts = grid.candidates[good][:bootstrap_starts]
                draws, _, failed = bootstrap_refits(obj, starts, bootstrap, rng)
            else:
                bootstrap_sample = BOOTSTRAP_SAMPLE
                say(
                    f"bootstrap: {bootstrap:,} resamples of {BOOTSTRAP_SAMPLE} of {n:,} runs "
                    "(m-out-of-n, rescaled)"
                )
                draws, _, failed = sampled_bootstrap_refits(
                    obj, theta, bootstrap, BOOTSTRAP_SAMPLE, rng
                )
            draws = draws[np.all(np.isfinite(draws), axis=1)]
            timings.append(("bootstrap", time.perf_counter() - t0))
        resid = _log_residuals(obj, theta)
    finally:
        obj.close()

    point = {k: float(v[0]) for k, v in _coefficients(theta).items()}
    _check_point(runs, point)
    intervals: list[tuple[str, Interval]] = []
    errors: list[tuple[str, float]] = []
    if draws.shape[0] >= 2:
        with np.errstate(all="ignore"):
            co = _coefficients(draws)
        for key in REPORTED:
            iv = _interval(co[key], level)
            if iv is not None:
                intervals.append((key, iv))
            if key in ("E", "A", "B", "alpha", "beta"):
                finite = co[key][np.isfinite(co[key])]
                if finite.size >= 2:
                    errors.append((key, float(np.std(finite, ddof=1))))

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
    for c in budget_values or [max(cs)]:
        try:
            n_opt, d_opt = law.dense_optimum(float(c))
            loss_opt = law.loss(n_opt, d_opt)
        except (OverflowError, ZeroDivisionError):
            n_opt = d_opt = loss_opt = math.inf
        for label, x in (("parameters", n_opt), ("tokens", d_opt), ("loss", loss_opt)):
            finite_result(f"the compute-optimal {label} at {c:.3g} FLOP", x)
        n_iv = d_iv = t_iv = None
        if draws.shape[0] >= 2:
            with np.errstate(all="ignore"):
                nb, db = _allocation_rows(draws, float(c))
                tb = db / nb
            n_iv, d_iv, t_iv = _interval(nb, level), _interval(db, level), _interval(tb, level)
        allocations.append(
            Allocation(float(c), n_opt, d_opt, d_opt / n_opt, loss_opt, n_iv, d_iv, t_iv)
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
        grid_sample=grid_sample,
        bootstrap_sample=bootstrap_sample,
    )


def sampled_bootstrap_refits(
    objective: HuberLogSumExp,
    theta: FloatArray,
    resamples: int,
    m: int,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray, int]:
    """The m-out-of-n bootstrap: each resample draws ``m`` of the n runs with replacement and is
    refit from ``theta`` (the fit to every run); its deviation from ``theta`` is scaled by
    sqrt(m/n), so the spread is that of a fit to n runs (Bickel, Götze and van Zwet 1997)."""
    n = objective.log_n.size
    index = rng.integers(0, n, size=(resamples, m))
    x0 = np.tile(theta, (resamples, 1))
    res: BatchResult = batched_lbfgs(ResampledHuber(objective, index, 1), x0)
    ok = np.isfinite(res.fun) & res.converged
    scaled = theta + math.sqrt(m / n) * (res.x[ok] - theta)
    return scaled, res.fun[ok], int(np.sum(~ok))


def _check_point(runs: Runs, point: dict[str, float]) -> None:
    """The fitted law must be a law: finite positive coefficients and exponents."""
    bad = [k for k in ("E", "A", "B", "alpha", "beta") if not 0 < point[k] < math.inf]
    if bad:
        raise FlopcastError(
            f"{runs.source}: the runs do not determine L(N, D) = E + A/N^alpha + B/D^beta "
            f"({', '.join(bad)} not a finite positive number): they need a spread of N and D "
            "and losses that fall with both"
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
