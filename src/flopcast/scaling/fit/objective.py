"""The Approach 3 objective (summed Huber loss on log-loss residuals, batched over parameter
rows), Hoffmann's grid of starts, and minimization from every start."""

from __future__ import annotations

import itertools
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from flopcast.errors import FlopcastError
from flopcast.scaling._lbfgs import FloatArray, IntArray, batched_lbfgs

HUBER_DELTA = 1e-3  # Hoffmann et al. 2022 App. D.2
N_PARAMETERS = 5  # a, b, e, alpha, beta
PARAMETER_NAMES = ("a", "b", "e", "alpha", "beta")


def hoffmann_grid() -> FloatArray:
    """Hoffmann et al. 2022 App. D.2 initializations as rows (a, b, e, alpha, beta): 4,500."""
    ab = np.arange(0.0, 26.0, 5.0)  # 0, 5, ..., 25
    e = np.arange(-1.0, 1.01, 0.5)  # -1, -0.5, ..., 1
    exps = np.arange(0.0, 2.01, 0.5)  # 0, 0.5, ..., 2
    return np.array(list(itertools.product(ab, ab, e, exps, exps)), dtype=np.float64)


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


class ResampledHuber:
    """The objective of many bootstrap resamples at once, each a draw of m runs: problem row
    ``r`` sums over the runs ``index[r // starts]`` (one row of ``index`` per resample).

    For many runs: a weight per run and problem (:class:`HuberLogSumExp` with ``weights``)
    would hold resamples x starts x n numbers; this holds resamples x m.
    """

    def __init__(
        self, base: HuberLogSumExp, index: IntArray, starts: int, block: int = 128
    ) -> None:
        self.log_n = base.log_n[index]
        self.log_d = base.log_d[index]
        self.log_l = base.log_l[index]
        self.delta = base.delta
        self.starts = starts
        self.block = block

    def _block(self, P: FloatArray, r: IntArray) -> tuple[FloatArray, FloatArray]:
        ln, ld = self.log_n[r], self.log_d[r]
        t1 = P[:, 0:1] - P[:, 3:4] * ln  # a - alpha ln N
        t2 = P[:, 1:2] - P[:, 4:5] * ld  # b - beta ln D
        t3 = P[:, 2:3]  # e
        m = np.maximum(np.maximum(t1, t2), t3)
        e1, e2, e3 = np.exp(t1 - m), np.exp(t2 - m), np.exp(t3 - m)
        s = e1 + e2 + e3
        res = np.log(s) + m - self.log_l[r]
        psi = np.clip(res, -self.delta, self.delta)  # Huber'(r)
        f = (psi * (res - 0.5 * psi)).sum(axis=1)  # Huber(r) = psi (r - psi/2)
        psi /= s
        w1, w2 = psi * e1, psi * e2
        g = np.empty_like(P)
        g[:, 0] = w1.sum(axis=1)
        g[:, 3] = -(w1 * ln).sum(axis=1)
        g[:, 1] = w2.sum(axis=1)
        g[:, 4] = -(w2 * ld).sum(axis=1)
        g[:, 2] = (psi * e3).sum(axis=1)
        return f, g

    def __call__(self, P: FloatArray, rows: IntArray) -> tuple[FloatArray, FloatArray]:
        k = P.shape[0]
        parts = [
            self._block(P[i : i + self.block], rows[i : i + self.block] // self.starts)
            for i in range(0, k, self.block)
        ]
        return np.concatenate([f for f, _ in parts]), np.concatenate([g for _, g in parts])


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
