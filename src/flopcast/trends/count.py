"""How many models will be above a training compute threshold, year by year.

After Kumar & Manning 2025, "Trends in Frontier AI Model Count: A Forecast to 2028"
(arXiv:2504.16138): a year's training compute is forecast as a whole and then allocated across
that year's models the way past years allocated theirs. Here, on Epoch AI's Notable AI Models:

1. the total training compute of each past year's models (from 2017, as the paper's
   allocations are, to the last complete year) is fitted by least squares on log10 against
   the year;
2. each simulated future year draws its total from that fit (coefficients from their sampling
   distribution, plus the scatter of the yearly totals around the line), and the models that
   share it in the proportions of one past year drawn at random (its number of models and
   each model's share of the year's total);
3. the models above the threshold are counted and added to those already observed.

The paper instead forecasts the compute stock from hardware and fits parametric allocations
(the largest model's share and an allocation gradient); this resampling of observed years is a
simpler, data-only version of its allocation step. Counts are of notable models (Epoch AI's
selection), so, as the paper notes of its own data, they lean low.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from flopcast.errors import FlopcastError
from flopcast.trends.data import Selection, arg, points, selected, settings
from flopcast.trends.fit import SEED

#: Simulated futures (software default) and the furthest year forecast.
SIMULATIONS = 4_000
MAX_YEARS_AHEAD = 20
METHOD = (
    "after Kumar & Manning 2025 (arXiv:2504.16138): each year's total training compute "
    "extrapolated from its log-linear trend, shared among models as in a past year drawn at "
    "random; cumulative counts, 90% intervals over {sims:,} simulated futures (seed {seed})"
)


@dataclass(frozen=True)
class YearCount:
    year: int
    median: float
    low: float
    high: float
    new_median: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "cumulative_median": self.median,
            "cumulative_90": [self.low, self.high],
            "new_in_year_median": self.new_median,
        }


@dataclass(frozen=True)
class CountForecast:
    """Models above ``threshold`` FLOP: observed by year, then forecast (cumulative)."""

    threshold: float
    selection: str
    history: tuple[int, int]  # the years whose totals and allocations are used
    total_growth: float  # multiplier per year of the yearly total
    observed: tuple[tuple[int, int], ...]  # (year, cumulative count by its end)
    observed_to_date: int  # including the part of the current year in the data
    forecast: tuple[YearCount, ...]
    method: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold_flop": self.threshold,
            "selection": self.selection,
            "history_years": list(self.history),
            "yearly_total_growth_per_year": self.total_growth,
            "observed_cumulative": [{"year": y, "count": c} for y, c in self.observed],
            "observed_to_date": self.observed_to_date,
            "forecast": [f.to_dict() for f in self.forecast],
            "method": self.method,
            "source": str(settings()["count"]["source"]),
        }


def count_above(
    threshold: float,
    until: int,
    selection: Selection | None = None,
    *,
    simulations: int = SIMULATIONS,
    seed: int = SEED,
) -> CountForecast:
    """Cumulative number of models above ``threshold`` FLOP by the end of each year to ``until``."""
    import numpy as np

    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**128:
        raise FlopcastError(f"{arg('seed')} must be a whole number from 0, got {seed!r}")

    if not math.isfinite(threshold) or threshold <= 0:
        raise FlopcastError(
            f"{arg('threshold')} {threshold!r}: give a threshold in FLOP, e.g. 1e25"
        )
    if isinstance(simulations, bool) or not isinstance(simulations, int):
        raise FlopcastError(
            f"{arg('simulations')} must be a whole number, got {simulations!r}"[:200]
        )
    if not 100 <= simulations <= 100_000:
        raise FlopcastError(f"{arg('simulations')} {simulations}: use 100 to 100,000")
    sel = selection or Selection()
    pts = selected(sel, window=False)
    if sel.end is not None:
        pts = tuple(p for p in pts if p.published <= sel.end)
    if not pts:
        raise FlopcastError(f"no {sel.label()} with a compute figure to count")
    # the data's last date (every model, not only the selection's), within the window
    last = max(p.published for p in points(sel.data, sel.top))
    last = min(last, sel.end) if sel.end is not None else last
    last_full = last.year if (last.month, last.day) == (12, 31) else last.year - 1
    first = max(int(settings()["count"]["from_year"]), sel.first_date.year if sel.first_date else 0)
    if not last_full + 1 <= until <= last_full + MAX_YEARS_AHEAD:
        raise FlopcastError(
            f"{arg('until')} {until}: give a year from {last_full + 1} to "
            f"{last_full + MAX_YEARS_AHEAD} "
            f"(the data's last complete year is {last_full})"
        )
    by_year: dict[int, list[float]] = defaultdict(list)
    for p in pts:
        by_year[p.published.year].append(p.flop)
    years = [y for y in range(first, last_full + 1) if by_year.get(y)]
    if len(years) < 4:
        raise FlopcastError(
            f"{sel.label()}: {len(years)} years with models from {first} to {last_full}; "
            "counting needs at least 4"
        )
    totals = np.log10([sum(by_year[y]) for y in years])
    shares = [np.sort(np.log10(np.array(by_year[y]) / sum(by_year[y]))) for y in years]
    # Least squares of log10(total) on year, centred: coefficients, their covariance, scatter.
    yr = np.array(years, dtype=np.float64)
    x = np.column_stack([np.ones_like(yr), yr - yr.mean()])
    coef, *_ = np.linalg.lstsq(x, totals, rcond=None)
    resid = totals - x @ coef
    s2 = float(resid @ resid) / (len(years) - 2)
    cov = s2 * np.linalg.inv(x.T @ x)

    rng = np.random.default_rng(seed)
    future = np.arange(last_full + 1, until + 1)
    theta = rng.multivariate_normal(coef, cov, size=simulations)  # (S, 2)
    log_total = (
        theta[:, :1] + theta[:, 1:] * (future - yr.mean())[None, :]
        + rng.normal(0.0, math.sqrt(s2), size=(simulations, future.size))
    )  # fmt: skip
    pick = rng.integers(0, len(years), size=(simulations, future.size))
    need = math.log10(threshold) - log_total  # a model's log share must exceed this
    new = np.zeros((simulations, future.size))
    for h, sh in enumerate(shares):
        mask = pick == h
        new[mask] = sh.size - np.searchsorted(sh, need[mask], side="right")
    observed_full = sum(1 for p in pts if p.flop > threshold and p.published.year <= last_full)
    cumulative = observed_full + np.cumsum(new, axis=1)
    forecast = tuple(
        YearCount(
            int(y),
            float(np.median(cumulative[:, i])),
            float(np.percentile(cumulative[:, i], 5)),
            float(np.percentile(cumulative[:, i], 95)),
            float(np.median(new[:, i])),
        )
        for i, y in enumerate(future)
    )
    above = sorted(p.published.year for p in pts if p.flop > threshold)
    start = min(above[0] if above else last_full, last_full)
    observed = tuple(
        (y, sum(1 for a in above if a <= y))
        for y in range(max(start, last_full - 3), last_full + 1)
    )
    return CountForecast(
        threshold, sel.label(), (years[0], years[-1]), float(10 ** coef[1]), observed,
        len(above), forecast, METHOD.format(sims=simulations, seed=seed),
    )  # fmt: skip
