"""Approach 2 (Hoffmann et al. 2022 sec. 3.2): a parabola in ln N per isoFLOP group, and a
power law N_opt = n_coef C^a through the vertices."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from flopcast.conventions import FLOP_PER_PARAM_TOKEN
from flopcast.errors import FlopcastError, FlopcastTypeError
from flopcast.scaling._data import Citation, finite, positive
from flopcast.scaling._lbfgs import FloatArray
from flopcast.scaling.fit.approach3 import (
    Allocation,
    Interval,
    _check_fit_arguments,
    _interval,
    extrapolations,
)
from flopcast.scaling.fit.objective import HUBER_DELTA
from flopcast.scaling.fit.runs import Runs
from flopcast.scaling.laws import PowerLaw

#: Fewer isoFLOP groups than this leave the power law N_opt = n C^a without a spread to
#: estimate: two vertices define the line exactly (Hoffmann et al. 2022 used nine budgets).
MIN_GROUPS = 3


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
    def warnings(self) -> tuple[str, ...]:
        """Too few isoFLOP groups for an interval, and budgets beyond the fitted runs."""
        out = []
        if len(self.groups) < MIN_GROUPS:
            out.append(
                f"only {len(self.groups)} isoFLOP group{'s' if len(self.groups) != 1 else ''}: "
                f"a line through {len(self.groups)} vertices fits them exactly, so the "
                f"exponent and its interval mean little; use at least {MIN_GROUPS} compute "
                "budgets (Hoffmann et al. used 9)"
            )
        return (*out, *extrapolations(self.allocations, self.fitted_compute))

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
            "warnings": list(self.warnings),
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
    if not isinstance(runs, Runs):
        raise FlopcastTypeError(
            f"runs must be Runs (from read_runs or make_runs), not {type(runs).__name__}"
        )
    _check_fit_arguments(bootstrap, level, seed, (0, 0), HUBER_DELTA)
    if isinstance(group_tolerance, bool) or not 0 < group_tolerance < 1:
        raise FlopcastError(f"group_tolerance must be between 0 and 1, got {group_tolerance!r}")
    budgets = [positive("budget", b) for b in budgets]
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
            # resamples in chunks, so that the weights of a large group stay under ~80 MB
            chunk = max(1, min(bootstrap, 10_000_000 // x.size))
            parts = []
            for start in range(0, bootstrap, chunk):
                size = min(chunk, bootstrap - start)
                w = rng.multinomial(x.size, np.full(x.size, 1.0 / x.size), size=size)
                parts.append(_vertices(x, y, w.astype(np.float64))[0])
            columns.append(np.concatenate(parts))
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
    for c in budgets or [max(cs)]:
        try:
            n_opt = math.exp(float(intercept)) * c ** float(a)
            d_opt = c / (FLOP_PER_PARAM_TOKEN * n_opt)
        except (OverflowError, ZeroDivisionError):
            n_opt = d_opt = math.inf
        finite(f"the compute-optimal parameters at {c:.3g} FLOP", n_opt)
        finite(f"the compute-optimal tokens at {c:.3g} FLOP", d_opt)
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
