"""How fast a trend is fitted: least squares plus 1,000 bootstrap refits on the whole shipped
snapshot (every notable model with a date and a compute figure), with and without a change of
slope, and what a report or ``compute MODEL`` pays once the placement fit is cached; and the
systems trends (every metric of the leading AI supercomputers, ``flopcast trend --systems``).

Run: python benchmarks/trend_speed.py [--runs 7] [--resamples 1000]

Goal: a fit with 1,000 bootstraps on the whole snapshot well under a second.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date

GOAL_S = 1.0


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm: imports, the parsed snapshot
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--resamples", type=int, default=1000)
    args = ap.parse_args(argv)
    os.environ["FLOPCAST_CACHE_DIR"] = tempfile.mkdtemp(prefix="flopcast-bench-")

    from flopcast.trends import Selection, fit_trend, points
    from flopcast.trends.count import count_above
    from flopcast.trends.data import _rows, snapshot_path
    from flopcast.trends.forecast import placement_trend
    from flopcast.trends.systems import SystemsSelection, fit_systems_trend, systems_trends

    start = time.perf_counter()
    _rows(str(snapshot_path()))
    parse_s = time.perf_counter() - start
    n = len(points())
    whole = Selection()
    b = args.resamples
    fit_s = median_seconds(lambda: fit_trend(whole, resamples=b), args.runs)
    hinge_s = median_seconds(lambda: fit_trend(whole, breakpoint=True, resamples=b), args.runs)
    window = Selection("notable", date(2010, 1, 1), date(2024, 5, 31))
    window_s = median_seconds(lambda: fit_trend(window, resamples=b), args.runs)
    count_s = median_seconds(lambda: count_above(1e25, 2028), args.runs)
    placement_trend()  # builds and caches the placement fit
    cached_s = median_seconds(placement_trend, args.runs)
    perf_s = median_seconds(lambda: fit_systems_trend("performance", resamples=b), args.runs)
    every_s = median_seconds(lambda: systems_trends(resamples=b), args.runs)
    all_sel = SystemsSelection("all")
    all_s = median_seconds(lambda: systems_trends(selection=all_sel, resamples=b), args.runs)
    n_lead = fit_systems_trend("performance").n
    n_all = fit_systems_trend("performance", all_sel).n

    print(f"whole snapshot: {n} models with a date and a compute figure")
    print(f"parse the shipped CSV once (then cached on disk):  {parse_s * 1000:7.1f} ms")
    print(f"fit + {b:,} bootstraps, whole snapshot:          {fit_s * 1000:7.1f} ms")
    print(f"  ... with a change of slope (search + test):     {hinge_s * 1000:7.1f} ms")
    print(f"fit + {b:,} bootstraps, notable 2010 to May 2024:  {window_s * 1000:7.1f} ms")
    print(f"model counts above 1e25 to 2028 (4,000 futures): {count_s * 1000:7.1f} ms")
    print(f"placement fit loaded from the cache (a report):  {cached_s * 1000:7.1f} ms")
    for label, secs in (
        (f"systems: {n_lead} leading, performance + {b:,} bootstraps:", perf_s),
        (f"systems: {n_lead} leading, 5 metrics, each + {b:,}:", every_s),
        (f"systems: all {n_all}, 5 metrics, each + {b:,}:", all_s),
    ):
        print(f"{label:<50}{secs * 1000:7.1f} ms")
    verdict = "met" if fit_s < GOAL_S else "MISSED"
    print(f"goal: fit + 1,000 bootstraps under {GOAL_S:g} s: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
