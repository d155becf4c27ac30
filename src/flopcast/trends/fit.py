"""Fitting a trend: weighted least squares of log10(training compute) on decimal year, a seeded
bootstrap over models, and one change of slope (a continuous hinge) tested by F and BIC."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from flopcast.errors import FlopcastError
from flopcast.trends.data import (
    SPECULATIVE,
    Point,
    Selection,
    arg,
    data_credit,
    selected,
    settings,
)
from flopcast.trends.dates import decimal_year, month

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

#: Bootstrap resamples and seed (software defaults, not figures about the world).
RESAMPLES = 1_000
SEED = 20250405
MAX_RESAMPLES = 100_000
#: Fewest models a line is fitted to, and fewest on each side of a change of slope.
MIN_POINTS = 5
MIN_SEGMENT = 5
#: z of a two-sided 90% normal interval: a label's factor band f is sigma = log10(f) / z.
Z90 = 1.6448536269514722


@dataclass(frozen=True)
class Line:
    """log10 C(t) = a + b·(t − t0) + d·max(0, t − tau): a line, or a hinge (one change of
    slope at tau, continuous), with its bootstrap replicates."""

    t0: float
    a: float
    b: float
    d: float = 0.0
    tau: float | None = None
    boot_a: tuple[float, ...] = ()
    boot_b: tuple[float, ...] = ()
    boot_d: tuple[float, ...] = ()

    def log10_at(self, t: float) -> float:
        hinge = max(0.0, t - self.tau) if self.tau is not None else 0.0
        return self.a + self.b * (t - self.t0) + self.d * hinge

    def boot_log10_at(self, t: float) -> FloatArray:
        import numpy as np

        hinge = max(0.0, t - self.tau) if self.tau is not None else 0.0
        a, b, d = (np.asarray(x, dtype=np.float64) for x in (self.boot_a, self.boot_b, self.boot_d))
        out: FloatArray = a + b * (t - self.t0) + d * hinge
        return out


def _design(t: FloatArray, t0: float, tau: float | None) -> FloatArray:
    import numpy as np

    cols = [np.ones_like(t), t - t0]
    if tau is not None:
        cols.append(np.maximum(0.0, t - tau))
    return np.stack(cols, axis=-1)


def _solve(x: FloatArray, y: FloatArray, w: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Weighted least squares over the last two axes of ``x`` (…, n, k): (coefficients,
    weighted residual sum of squares); singular systems give NaN coefficients."""
    import numpy as np

    xtw = np.swapaxes(x * w[..., None], -1, -2)
    xtwx = xtw @ x
    xtwy = (xtw @ y[..., None])[..., 0]
    k = x.shape[-1]
    scale = np.abs(xtwx).reshape(*xtwx.shape[:-2], k * k).max(axis=-1)
    ok = np.abs(np.linalg.det(xtwx)) > 1e-12 * np.maximum(scale, 1e-300) ** k
    safe = np.where(ok[..., None, None], xtwx, np.eye(k))
    solved = np.linalg.solve(safe, xtwy[..., None])[..., 0]
    coef: FloatArray = np.where(ok[..., None], solved, np.nan)
    resid = y - (x @ coef[..., None])[..., 0]
    sse: FloatArray = (w * resid * resid).sum(axis=-1)
    return coef, sse


def _label_sigma(label: str) -> float:
    """The log10 standard deviation of a row's compute, from its confidence label's band."""
    from flopcast.epoch import confidence_factor
    from flopcast.epoch import settings as epoch_settings

    f = confidence_factor(label) or float(epoch_settings()["unlabelled_factor"])
    return math.log10(f) / Z90


def _weights(pts: tuple[Point, ...], t: FloatArray, y: FloatArray, how: str) -> FloatArray:
    """Ones, or 1/(s² + σᵢ²): σᵢ from the row's confidence band and s² the scatter beyond
    it (a method-of-moments estimate, as DerSimonian & Laird 1986 eq. 8 do for meta-analysis)."""
    import numpy as np

    w = np.ones_like(t)
    if how != "weight":
        return w
    sigma2 = np.array([_label_sigma(p.confidence) ** 2 for p in pts])
    _, sse = _solve(_design(t, float(t.mean()), None), y, w)
    s2 = max(0.0, float(sse) / (len(t) - 2) - float(sigma2.mean()))
    out: FloatArray = 1.0 / (s2 + sigma2)
    return out


@dataclass(frozen=True)
class BreakTest:
    """Whether one change of slope is warranted: F-test and BIC, line against hinge."""

    at: float
    estimated: bool
    slope_before: float
    slope_after: float
    f: float
    p: float
    bic_line: float
    bic_hinge: float
    margin: float

    @property
    def delta_bic(self) -> float:
        return self.bic_line - self.bic_hinge

    @property
    def warranted(self) -> bool:
        return self.delta_bic > self.margin

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": month(self.at),
            "estimated": self.estimated,
            "slope_before_oom_per_year": self.slope_before,
            "slope_after_oom_per_year": self.slope_after,
            "f_statistic": finite(self.f),
            "p_value": self.p,
            "bic_line": self.bic_line,
            "bic_hinge": self.bic_hinge,
            "delta_bic": self.delta_bic,
            "warranted": self.warranted,
            "rule": f"warranted when the hinge lowers BIC by more than {self.margin:g}",
        }


class Growth:
    """What a fitted line of log10(quantity) on the date says of growth: ×/yr, OOM/yr, the
    doubling time, and their 90% bootstrap intervals (for :class:`Trend` and the systems')."""

    line: Line
    points: tuple[Any, ...]

    @property
    def n(self) -> int:
        return len(self.points)

    @property
    def oom_per_year(self) -> float:
        return self.line.b

    @property
    def growth(self) -> float:
        """Multiplier per year (10 ** OOM per year)."""
        return float(10.0**self.line.b)

    @property
    def doubling_months(self) -> float:
        # T₂ = 12·log10(2) / b months for a slope of b OOM per year
        return 12 * math.log10(2) / self.line.b if self.line.b > 0 else math.inf

    def slope_interval(self) -> tuple[float, float]:
        """The 90% bootstrap interval of the slope (OOM per year)."""
        return interval(self.line.boot_b)

    def growth_interval(self) -> tuple[float, float]:
        lo, hi = self.slope_interval()
        return float(10**lo), float(10**hi)


@dataclass(frozen=True)
class Trend(Growth):
    """A fitted trend of training compute over a selection, with its bootstrap."""

    selection: Selection
    points: tuple[Point, ...]
    line: Line
    r2: float
    resid_sd: float
    resamples: int
    seed: int
    hinge: Line | None = None
    test: BreakTest | None = None
    credit: str = ""
    alternatives: dict[str, float] = field(default_factory=dict)

    @property
    def forecast_line(self) -> Line:
        """The hinge when one was fitted and warranted, else the line."""
        if self.hinge is not None and self.test is not None and self.test.warranted:
            return self.hinge
        return self.line

    @property
    def first(self) -> date:
        return self.points[0].published

    @property
    def last(self) -> date:
        return self.points[-1].published

    def describe(self) -> str:
        return self.selection.describe(self.n, self.points)

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a reader of the growth must know: a window too short to state a yearly rate."""
        from flopcast.trends.data import settings

        years = (self.last - self.first).days / 365.25
        least = float(settings()["window"]["warn_below_years"])
        if years >= least:
            return ()
        return (
            f"the models span {years * 12:.1f} months: a growth per year from less than "
            f"{least:g} year extrapolates the slope far beyond the data; widen --from/--to",
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "selection": {**self.selection.to_dict(), "description": self.describe()},
            "warnings": list(self.warnings),
            "models": self.n,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "method": "least squares of log10(FLOP) on decimal year"
            + (
                "; weights 1/(s² + σ²) by confidence label"
                if self.selection.speculative == "weight"
                else ""
            ),
            **growth_summary(self.line),
            "t0": self.line.t0,
            "intercept_log10_flop": self.line.a,
            "r2": finite(self.r2),
            "residual_sd_oom": self.resid_sd,
            "bootstrap": {"resamples": self.resamples, "seed": self.seed, "interval": "90%"},
            "breakpoint": self.test.to_dict() if self.test else None,
            "growth_by_label_policy": self.alternatives,
            "credit": self.credit,
        }


def finite(x: float) -> float | None:
    """``x``, or None where it is infinite or undefined (JSON has no inf or NaN)."""
    return x if math.isfinite(x) else None


def _doubling(oom: float) -> float:
    return 12 * math.log10(2) / oom if oom > 0 else math.inf


def interval(values: tuple[float, ...] | FloatArray, level: float = 0.90) -> tuple[float, float]:
    import numpy as np

    arr = np.asarray(values, dtype=np.float64)
    arr = arr[np.isfinite(arr)] if arr.size else arr
    if arr.size == 0:
        return math.nan, math.nan
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(arr, [tail, 100 - tail])
    return float(lo), float(hi)


def _bootstrap(
    t: FloatArray, y: FloatArray, w: FloatArray, t0: float, tau: float | None, b: int, seed: int
) -> FloatArray:
    """Coefficients refitted on ``b`` resamples of the models (with replacement)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(t), size=(b, len(t)))
    coef, _ = _solve(_design(t[idx], t0, tau), y[idx], w[idx])
    return coef


def _line(t: FloatArray, y: FloatArray, w: FloatArray, t0: float, tau: float | None,
          boots: int, seed: int) -> tuple[Line, float]:  # fmt: skip
    coef, sse = _solve(_design(t, t0, tau), y, w)
    boot = _bootstrap(t, y, w, t0, tau, boots, seed)
    d = float(coef[2]) if tau is not None else 0.0
    boot_d = tuple(float(v) for v in boot[:, 2]) if tau is not None else (0.0,) * boots
    line = Line(
        t0, float(coef[0]), float(coef[1]), d, tau,
        tuple(float(v) for v in boot[:, 0]), tuple(float(v) for v in boot[:, 1]), boot_d,
    )  # fmt: skip
    return line, float(sse)


def _f_sf(f: float, d1: int, d2: int) -> float:
    """P(F > f) for Fisher's F with (d1, d2) degrees of freedom, d1 = 1 or 2, in closed form:
    d1 = 2 is (1 + 2f/d2)^(−d2/2); d1 = 1 is P(|T| > √f) for Student's t with d2 degrees of
    freedom (Abramowitz & Stegun 26.7.3–4, finite series in θ = atan(√(f/d2)))."""
    if not math.isfinite(f):
        return 0.0
    f = max(f, 0.0)
    if d1 == 2:
        return float((1 + 2 * f / d2) ** (-d2 / 2))
    if d1 != 1:
        raise ValueError("d1 must be 1 or 2")
    theta = math.atan(math.sqrt(f / d2))
    c2, s = math.cos(theta) ** 2, math.sin(theta)
    if d2 % 2:  # odd: A = (2/π)(θ + sinθ·cosθ·(1 + (2/3)cos²θ + (2·4)/(3·5)cos⁴θ + …))
        term, total = 1.0, 1.0 if d2 > 1 else 0.0
        for k in range(1, (d2 - 1) // 2):
            term *= (2 * k) / (2 * k + 1) * c2
            total += term
        a = 2 / math.pi * (theta + s * math.cos(theta) * total)
    else:  # even: A = sinθ·(1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + …)
        term, total = 1.0, 1.0
        for k in range(1, d2 // 2):
            term *= (2 * k - 1) / (2 * k) * c2
            total += term
        a = s * total
    return max(0.0, 1.0 - a)


def _bic(sse: float, n: int, k: int) -> float:
    # Schwarz 1978: BIC = n·ln(SSE/n) + k·ln(n) for Gaussian errors, k free parameters.
    return n * math.log(max(sse, 1e-300) / n) + k * math.log(n)


def _hinge_search(t: FloatArray, y: FloatArray, w: FloatArray, t0: float) -> float:
    """The change-of-slope date (month grid) with the least squares, MIN_SEGMENT models or
    more on each side."""
    import numpy as np

    order = np.sort(t)
    lo, hi = order[MIN_SEGMENT - 1], order[-MIN_SEGMENT]
    grid = np.arange(math.ceil(lo * 12) / 12, hi, 1 / 12)
    grid = grid[(grid >= lo) & (grid < hi)]
    if grid.size == 0:
        raise FlopcastError(
            f"too few models to place a change of slope: need {MIN_SEGMENT} on each side"
        )
    x = np.stack([_design(t, t0, float(g)) for g in grid])
    _, sse = _solve(x, np.broadcast_to(y, (grid.size, len(y))), np.broadcast_to(w, x.shape[:2]))
    return float(grid[int(np.nanargmin(sse))])


def check_bootstrap(resamples: int, seed: int) -> None:
    """A one-line error unless ``resamples`` and ``seed`` are ones a bootstrap can use."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**128:
        raise FlopcastError(f"{arg('seed')} must be a whole number from 0, got {seed!r}")
    if isinstance(resamples, bool) or not isinstance(resamples, int):
        raise FlopcastError(f"{arg('resamples')} must be a whole number, got {resamples!r}")
    if not 100 <= resamples <= MAX_RESAMPLES:
        raise FlopcastError(f"{arg('resamples')} {resamples}: use 100 to {MAX_RESAMPLES:,}")


def fit_line(
    t: FloatArray, y: FloatArray, *, resamples: int = RESAMPLES, seed: int = SEED
) -> tuple[Line, float, float]:
    """Ordinary least squares of ``y`` on ``t`` (decimal years) with a seeded bootstrap over
    the points: (the line about t0 = the mean date to 0.1 year, R², residual sd). Any series
    with a log-linear trend, not only training compute."""
    import numpy as np

    check_bootstrap(resamples, seed)
    w = np.ones_like(t)
    t0 = round(float(t.mean()), 1)
    line, sse = _line(t, y, w, t0, None, resamples, seed)
    sst = float(np.sum((y - y.mean()) ** 2))
    resid_sd = math.sqrt(sse / (len(t) - 2)) if len(t) > 2 else math.nan
    return line, 1 - sse / sst if sst > 0 else math.nan, resid_sd


def growth_summary(line: Line) -> dict[str, Any]:
    """A line's growth per year, OOM per year and doubling time, each with its bootstrap 90%
    interval, as JSON fields."""
    lo, hi = interval(line.boot_b)
    return {
        "growth_per_year": float(10**line.b),
        "growth_per_year_90": [10**lo, 10**hi],
        "oom_per_year": line.b,
        "oom_per_year_90": [lo, hi],
        "doubling_months": finite(_doubling(line.b)),
        "doubling_months_90": [finite(_doubling(hi)), finite(_doubling(lo))],
    }


def fit_trend(
    selection: Selection | None = None,
    *,
    breakpoint: bool = False,
    break_at: date | None = None,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Trend:
    """Fit log10(training compute) against date over a selection, with a seeded bootstrap;
    ``breakpoint`` also fits one change of slope (``break_at`` fixes its date) and tests it."""
    import numpy as np

    check_bootstrap(resamples, seed)
    sel = selection or Selection()
    pts = selected(sel)
    distinct = len({p.published for p in pts})
    if len(pts) < MIN_POINTS or distinct < 3:
        raise FlopcastError(
            f"{sel.label()} published {sel.window(pts)}: {len(pts)} models with a compute figure, "
            f"a trend needs at least {MIN_POINTS} (on 3 dates or more); "
            f"widen {arg('start')}/{arg('end')}"
        )
    t = np.array([p.t for p in pts])
    y = np.log10([p.flop for p in pts])
    w = _weights(pts, t, y, sel.speculative)
    t0 = round(float(np.average(t, weights=w)), 1)
    line, sse = _line(t, y, w, t0, None, resamples, seed)
    ybar = float(np.average(y, weights=w))
    sst = float(np.sum(w * (y - ybar) ** 2))
    n = len(pts)
    resid_sd = math.sqrt(float(np.sum((y - line.a - line.b * (t - t0)) ** 2)) / (n - 2))
    hinge = test = None
    if breakpoint or break_at is not None:
        tau = decimal_year(break_at) if break_at is not None else _hinge_search(t, y, w, t0)
        if not (t.min() < tau < t.max()):
            raise FlopcastError(
                f"{arg('break_at')} {month(tau)} is outside the models' dates "
                f"({pts[0].published}–{pts[-1].published})"
            )
        hinge, sse_h = _line(t, y, w, t0, tau, resamples, seed)
        q = 1 if break_at is not None else 2  # the slope change, and its date when estimated
        dof = n - 2 - q
        # Sums of squares below round-off (a perfect fit) count as exactly zero.
        eps = 1e-12 * max(sst, 1e-300)
        sse_l, sse_h = max(sse, eps), max(sse_h, eps)
        gain = max(0.0, sse_l - sse_h)
        f = (gain / q) / (sse_h / dof) if sse_h > eps else (math.inf if gain > eps else 0.0)
        p = _f_sf(f, q, dof)
        margin = float(settings()["breakpoint"]["bic_margin"])
        test = BreakTest(
            tau, break_at is None, hinge.b, hinge.b + hinge.d, f, p,
            _bic(sse_l, n, 2), _bic(sse_h, n, 2 + q), margin,
        )  # fmt: skip
    alternatives = {}
    for policy in SPECULATIVE:
        if policy == sel.speculative:
            alternatives[policy] = float(10**line.b)
            continue
        other = selected(replace(sel, speculative=policy))
        if len(other) >= MIN_POINTS:
            to = np.array([p.t for p in other])
            yo = np.log10([p.flop for p in other])
            coef, _ = _solve(_design(to, t0, None), yo, _weights(other, to, yo, policy))
            alternatives[policy] = float(10 ** coef[1])
    return Trend(
        sel, pts, line, 1 - sse / sst if sst > 0 else math.nan, resid_sd, resamples, seed,
        hinge, test, data_credit(sel.data), alternatives,
    )  # fmt: skip
