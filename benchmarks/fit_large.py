"""How `flopcast fit` scales with the number of runs: 100,000 runs, default bootstrap.

Writes a CSV of synthetic runs (the Chinchilla-like ranges and law of ``fit_speed.py``, with
log-normal noise), then times what ``flopcast fit runs.csv`` does with the default settings
(1,000 bootstrap resamples): reading and validating the CSV, the 4,500-start grid, the
bootstrap, in one process. Prints each phase and the total, and the fitted exponents against
the true ones (the fit must still find the law, not just finish).

Goal: 100,000 runs in under 60 s on this machine (2 shared cores).

    python benchmarks/fit_large.py [--runs 100000] [--bootstrap 1000] [--workers 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from flopcast.scaling.fit import fit_parametric, read_runs

# Besiroglu et al. 2024 (arXiv:2404.10102) eq. 2, as in fit_speed.py.
TRUE_LAW = {"E": 1.8172, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658}
GOAL_S = 60.0


def write_runs(path: Path, n: int, seed: int, noise: float) -> None:
    rng = np.random.default_rng(seed)
    c = 10 ** rng.uniform(18, 22, n)
    N = 10 ** rng.uniform(np.log10(5e7), np.log10(1.6e10), n)
    D = c / (6 * N)
    t = TRUE_LAW
    loss = (t["E"] + t["A"] / N ** t["alpha"] + t["B"] / D ** t["beta"]) * np.exp(
        rng.normal(0.0, noise, n)
    )
    rows = "".join(f"{a:.17g},{b:.17g},{x:.17g}\n" for a, b, x in zip(N, D, loss, strict=True))
    path.write_text("N,D,loss\n" + rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=100_000)
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--noise", type=float, default=0.01)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "runs.csv"
        write_runs(path, args.runs, args.seed, args.noise)
        size = path.stat().st_size
        t0 = time.perf_counter()
        runs = read_runs(path)
        t_read = time.perf_counter() - t0
        res = fit_parametric(runs, bootstrap=args.bootstrap, workers=args.workers)
        total = time.perf_counter() - t0
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in res.timings)
    print(f"{args.runs:,} runs ({size / 1e6:.1f} MB CSV), {args.bootstrap} bootstrap resamples")
    print(f"read and validate: {t_read:.1f} s; {phases}")
    print(f"total: {total:.1f} s (goal < {GOAL_S:g} s: {'met' if total < GOAL_S else 'MISSED'})")
    for key in ("alpha", "beta", "E"):
        iv = res.interval(key)
        shown = f" (90%: {iv.low:.4g}-{iv.high:.4g})" if iv else ""
        print(f"{key}: {getattr(res, key):.4g}{shown}, true {TRUE_LAW[key]:.4g}")
    if res.bootstrap_sample:
        print(f"bootstrap on samples of {res.bootstrap_sample:,} runs (m-out-of-n, rescaled)")
    return 0 if total < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
