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
each from the best grid optima, and give percentile intervals. Above 512 runs both work on
samples, so that 100,000 runs fit in well under a minute: the grid on 256 runs (its best optima
are then refined on every run), and each bootstrap resample on 512 runs drawn with replacement,
its deviation from the fit scaled by sqrt(m/n) (the m-out-of-n bootstrap; Bickel, Götze and
van Zwet 1997, Statistica Sinica 7).

Approach 2 (Hoffmann et al. sec. 3.2): a parabola in ln N per isoFLOP group, its vertex the
group's optimum, and a power law N_opt = n_coef C^a through the vertices.

This package imports numpy and scipy; only the commands that fit import it. Where things live
(every public name is re-exported here):

* :mod:`~flopcast.scaling.fit.runs`: ``Runs``, ``make_runs``, ``read_runs`` (a CSV file),
  ``parse_runs`` (its text).
* :mod:`~flopcast.scaling.fit.objective`: ``HuberLogSumExp``, ``hoffmann_grid``,
  ``minimize_grid`` (``GridFit``).
* :mod:`~flopcast.scaling.fit.approach3`: ``fit_parametric``, ``bootstrap_refits``,
  ``FitResult``, ``Interval``, ``Residual``, ``Allocation``, ``iter_reported``.
* :mod:`~flopcast.scaling.fit.isoflop`: ``fit_isoflop``, ``IsoFlopGroup``, ``IsoFlopFit``.
* :mod:`~flopcast.scaling.fit.save`: ``save_fit``, the JSON that ``get_law`` reads back.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flopcast.scaling.fit.approach3 import (
    BOOTSTRAP_SAMPLE,
    GRID_SAMPLE,
    MAX_BOOTSTRAP,
    REPORTED,
    SAMPLE_ABOVE,
    Allocation,
    FitResult,
    Interval,
    Residual,
    bootstrap_refits,
    fit_parametric,
    iter_reported,
    sampled_bootstrap_refits,
)
from flopcast.scaling.fit.isoflop import IsoFlopFit, IsoFlopGroup, fit_isoflop
from flopcast.scaling.fit.objective import (
    HUBER_DELTA,
    N_PARAMETERS,
    PARAMETER_NAMES,
    GridFit,
    HuberLogSumExp,
    hoffmann_grid,
    minimize_grid,
)
from flopcast.scaling.fit.runs import MAX_RUNS, Runs, make_runs, parse_runs, read_runs
from flopcast.scaling.fit.save import save_fit

__all__ = [
    "BOOTSTRAP_SAMPLE",
    "GRID_SAMPLE",
    "HUBER_DELTA",
    "MAX_BOOTSTRAP",
    "MAX_RUNS",
    "N_PARAMETERS",
    "PARAMETER_NAMES",
    "REPORTED",
    "SAMPLE_ABOVE",
    "Allocation",
    "FitResult",
    "GridFit",
    "HuberLogSumExp",
    "Interval",
    "IsoFlopFit",
    "IsoFlopGroup",
    "Residual",
    "Runs",
    "bootstrap_refits",
    "fit_isoflop",
    "fit_parametric",
    "fit_runs",
    "hoffmann_grid",
    "iter_reported",
    "make_runs",
    "minimize_grid",
    "parse_runs",
    "read_runs",
    "sampled_bootstrap_refits",
    "save_fit",
]


def fit_runs(
    runs: Runs | str | Path,
    *,
    approach: int = 3,
    bootstrap: int = 1000,
    seed: int = 0,
    budgets: Sequence[float | str] = (),
) -> FitResult | IsoFlopFit:
    """Fit a scaling law to your own runs (``flopcast fit``): ``runs`` is a CSV path (columns
    N, D or C, and loss; quantities such as ``70M`` accepted) or :class:`Runs`. Approach 3
    fits L(N, D) = E + A/N^alpha + B/D^beta; approach 2 fits N_opt = n C^a through isoFLOP
    vertices. ``budgets`` (FLOP) adds the compute-optimal allocation at each.
    """
    from flopcast.errors import FlopcastError
    from flopcast.quantity import Kind, parse

    data = runs if isinstance(runs, Runs) else read_runs(runs)
    if approach == 3:
        c = [parse(b, Kind.FLOP, what="budget", unit="FLOP").value for b in budgets]
        return fit_parametric(data, bootstrap=bootstrap, seed=seed, budgets=c)
    if approach == 2:
        return fit_isoflop(data)
    raise FlopcastError(f"approach {approach!r}: use 3 (parametric loss) or 2 (isoFLOP groups)")
