"""How fast `flopcast fit` is: the vectorized 4,500-start fit against a plain scipy loop.

Generates about 250 synthetic training runs (Chinchilla-like ranges, losses from the Epoch AI
refit of the Chinchilla law with log-normal noise), then

1. times flopcast's batched L-BFGS over Hoffmann et al.'s grid of 4,500 initializations
   (plus the scipy polish of the best few optima);
2. times a plain loop of ``scipy.optimize.minimize(method="L-BFGS-B")`` over the same 4,500
   starts on the same objective (by default with scipy's finite-difference gradient, as a plain
   loop is usually written; ``--analytic-gradient`` gives scipy the exact gradient instead);
   ``--subset K`` times K evenly spaced starts and extrapolates the time to 4,500;
3. checks that both reach the same optimum (objective within 1e-6 relative);
4. times the grid plus 1,000 bootstrap refits (``fit_parametric``).

Goals: the full grid in under 10 s, grid + 1,000 bootstraps in under 30 s on 2 cores.

    python benchmarks/fit_speed.py [--runs 250] [--subset 450] [--analytic-gradient]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from flopcast.scaling.fit import (
    HUBER_DELTA,
    HuberLogSumExp,
    fit_parametric,
    hoffmann_grid,
    make_runs,
    minimize_grid,
)

FloatArray = npt.NDArray[np.float64]

# Besiroglu et al. 2024 (arXiv:2404.10102) eq. 2: the law the synthetic runs are drawn from.
TRUE_LAW = {"E": 1.8172, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658}
GRID_GOAL_S = 10.0
BOOTSTRAP_GOAL_S = 30.0
SAME_OPTIMUM_RTOL = 1e-6


def synthetic_runs(n: int, seed: int, noise: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """n runs: compute log-uniform in 1e18-1e22 FLOP, N log-uniform in 5e7-1.6e10 (as in
    Chinchilla's Fig. 4), D = C/(6N), loss from TRUE_LAW times exp(normal(0, noise))."""
    rng = np.random.default_rng(seed)
    c = 10 ** rng.uniform(18, 22, n)
    N = 10 ** rng.uniform(np.log10(5e7), np.log10(1.6e10), n)
    D = c / (6 * N)
    t = TRUE_LAW
    loss = (t["E"] + t["A"] / N ** t["alpha"] + t["B"] / D ** t["beta"]) * np.exp(
        rng.normal(0.0, noise, n)
    )
    return N, D, loss


def plain_objective(N: FloatArray, D: FloatArray, loss: FloatArray) -> tuple[object, object]:
    """The Approach 3 objective written the plain way, one parameter vector at a time:
    (value, value_and_gradient), independent of flopcast's batched code."""
    log_n, log_d, log_l = np.log(N), np.log(D), np.log(loss)
    delta = HUBER_DELTA

    def value(theta: FloatArray) -> float:
        a, b, e, alpha, beta = theta
        terms = np.stack([a - alpha * log_n, b - beta * log_d, np.full_like(log_n, e)])
        top = terms.max(axis=0)
        r = top + np.log(np.exp(terms - top).sum(axis=0)) - log_l
        huber = np.where(np.abs(r) <= delta, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta))
        return float(huber.sum())

    def value_and_grad(theta: FloatArray) -> tuple[float, FloatArray]:
        a, b, e, alpha, beta = theta
        terms = np.stack([a - alpha * log_n, b - beta * log_d, np.full_like(log_n, e)])
        top = terms.max(axis=0)
        w = np.exp(terms - top)
        total = w.sum(axis=0)
        r = top + np.log(total) - log_l
        huber = np.where(np.abs(r) <= delta, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta))
        psi = np.clip(r, -delta, delta) * (w / total)
        grad = np.array(
            [
                psi[0].sum(),
                psi[1].sum(),
                psi[2].sum(),
                -(psi[0] * log_n).sum(),
                -(psi[1] * log_d).sum(),
            ]
        )
        return float(huber.sum()), grad

    return value, value_and_grad


def plain_loop(
    N: FloatArray, D: FloatArray, loss: FloatArray, starts: FloatArray, analytic: bool
) -> tuple[float, FloatArray, float]:
    """(best objective, best parameters, seconds) of minimize(L-BFGS-B) from each start."""
    value, value_and_grad = plain_objective(N, D, loss)
    best_f, best_x = np.inf, starts[0]
    t0 = time.perf_counter()
    for x0 in starts:
        if analytic:
            res = minimize(value_and_grad, x0, jac=True, method="L-BFGS-B")
        else:
            res = minimize(value, x0, method="L-BFGS-B")
        if np.isfinite(res.fun) and res.fun < best_f:
            best_f, best_x = float(res.fun), np.asarray(res.x, dtype=np.float64)
    return best_f, best_x, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=250, help="synthetic runs (default 250)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--noise", type=float, default=0.01, help="log-loss noise (default 0.01)")
    ap.add_argument("--subset", type=int, default=0, help="time the plain loop on K starts")
    ap.add_argument("--analytic-gradient", action="store_true", help="give scipy the gradient")
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2, help="threads for flopcast (default 2)")
    args = ap.parse_args(argv)

    N, D, loss = synthetic_runs(args.runs, args.seed, args.noise)
    grid = hoffmann_grid()
    print(f"{args.runs} synthetic runs, {grid.shape[0]} starts (Hoffmann et al. App. D.2 grid)")

    with HuberLogSumExp(N, D, loss, workers=args.workers) as obj:
        fit = minimize_grid(obj)
    print(
        f"flopcast vectorized grid: {fit.seconds:8.2f} s  objective {fit.objective:.12g}  "
        f"({fit.converged}/{fit.starts} starts converged, {fit.row_evaluations} row evaluations)"
    )

    starts = grid
    if 0 < args.subset < grid.shape[0]:
        starts = grid[np.linspace(0, grid.shape[0] - 1, args.subset).round().astype(int)]
    how = "analytic gradient" if args.analytic_gradient else "finite-difference gradient"
    loop_f, loop_x, loop_s = plain_loop(N, D, loss, starts, args.analytic_gradient)
    full_s = loop_s * grid.shape[0] / starts.shape[0]
    label = "" if starts is grid else f" ({starts.shape[0]} starts, extrapolated to 4500)"
    print(f"scipy plain loop ({how}): {full_s:8.2f} s{label}  objective {loop_f:.12g}")
    print(f"speed-up: {full_s / fit.seconds:.1f}x")

    rel = abs(fit.objective - loop_f) / abs(loop_f)
    same = rel <= SAME_OPTIMUM_RTOL
    verdict = "yes" if same else ("no: flopcast's is lower" if fit.objective < loop_f else "NO")
    print(
        f"same optimum: {verdict} (relative difference {rel:.2e}; "
        f"parameters differ by at most {np.max(np.abs(fit.theta - loop_x)):.2e})"
    )

    runs = make_runs(list(N), list(D), list(loss), source="synthetic")
    t0 = time.perf_counter()
    result = fit_parametric(runs, bootstrap=args.bootstrap, workers=args.workers)
    total = time.perf_counter() - t0
    parts = ", ".join(f"{k} {v:.2f} s" for k, v in result.timings)
    print(
        f"grid + {args.bootstrap} bootstrap refits: {total:8.2f} s ({parts}; "
        f"{result.bootstrap_failed} resamples failed)"
    )
    print(
        f"goals: grid < {GRID_GOAL_S:g} s {'met' if fit.seconds < GRID_GOAL_S else 'MISSED'}; "
        f"grid + bootstrap < {BOOTSTRAP_GOAL_S:g} s "
        f"{'met' if total < BOOTSTRAP_GOAL_S else 'MISSED'}"
    )
    return 0 if same or fit.objective < loop_f else 1


if __name__ == "__main__":
    sys.exit(main())
