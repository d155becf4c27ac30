"""How fast `flopcast arch` counts a 400B model: analytic vs instantiating it on meta.

Counts the shipped Llama-4-Maverick config (text 400.7B + vision tower) two ways:

1. flopcast: ``from_config(dict)`` then the total, groups and active parameters;
2. what ``accelerate estimate-memory`` and calflops do: build the transformers config, build
   ``Llama4ForConditionalGeneration`` under ``torch.device("meta")`` and sum ``numel()``.

Prints the median of several runs of each, the ratio, and checks both totals are equal.
Goal: at least 1000x faster. Needs torch and transformers (the test extra).

    python benchmarks/arch_speed.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import timeit
from typing import Any

from flopcast.arch import from_config
from flopcast.arch.hub import shipped_configs

REPO = "meta-llama/Llama-4-Maverick-17B-128E-Instruct"
GOAL = 1000.0


def analytic(config: dict[str, Any]) -> int:
    arch = from_config(config)
    _ = arch.groups, arch.active_params
    return arch.total_params_with_extras


def meta_instantiation(config: dict[str, Any]) -> int:
    import torch
    import transformers

    kwargs = {k: v for k, v in config.items() if k not in ("model_type", "architectures")}
    cfg = transformers.AutoConfig.for_model(config["model_type"], **kwargs)
    auto: Any = transformers.AutoModelForImageTextToText
    with torch.device("meta"):
        model = auto.from_config(cfg)
    return sum(p.numel() for p in model.parameters())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    config = json.loads(shipped_configs()[REPO].read_text(encoding="utf-8"))

    meta_total = meta_instantiation(config)  # warm-up: imports, lazy module loading
    meta_times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        meta_instantiation(config)
        meta_times.append(time.perf_counter() - start)

    loops = 1000
    analytic_total = analytic(config)
    analytic_times = [
        t / loops
        for t in timeit.repeat(lambda: analytic(config), number=loops, repeat=args.repeats)
    ]
    meta_s = statistics.median(meta_times)
    analytic_s = statistics.median(analytic_times)
    ratio = meta_s / analytic_s
    print(f"config: {REPO}")
    print(f"flopcast analytic:          {analytic_s * 1e6:9.1f} µs   total {analytic_total:,}")
    print(f"transformers on meta:       {meta_s * 1e3:9.1f} ms   total {meta_total:,}")
    print(f"speed-up: {ratio:,.0f}x (goal >= {GOAL:,.0f}x); medians of {args.repeats} runs")
    ok = True
    if analytic_total != meta_total:
        print("FAIL: totals differ", file=sys.stderr)
        ok = False
    if ratio < GOAL:
        print("FAIL: below the speed goal", file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
