"""Start-up and end-to-end latency of the CLI, as medians and as ratios to bare Python.

Run: python benchmarks/startup.py [--runs 15]

Goals: `flopcast --help` under 8x the bare interpreter's start-up, importing no numpy, scipy,
pydantic or matplotlib; a compute with ranges under 25x end to end; loading the whole catalog for
`flopcast show maverick` under 15x; the Llama 4 report under 0.5 s without plots and under 3 s
with them.

A report and its figures are kept on disk once built (flopcast.reporting.cache): the plain
rows time that, as a user sees it the second time. The "first run" rows remove the kept reports
before each run (the validated data files stay cached), as for a report not built before. The
benchmark uses a cache folder of its own, and prints the machine's load average: the machine
may be shared, so compare medians taken at similar loads.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HTML_OUT = Path(tempfile.gettempdir()) / "flopcast-benchmark-report.html"
CACHE = Path(tempfile.mkdtemp(prefix="flopcast-benchmark-cache-"))
FIRST_RUN = "(first run)"

COMMANDS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "flopcast --help": [sys.executable, "-m", "flopcast", "--help"],
    "flopcast compute (ranges, --json)": [
        sys.executable, "-m", "flopcast", "compute",
        "--active", "288B", "--tokens", "30T..40T", "--json",
    ],
    "flopcast hardware h100": [sys.executable, "-m", "flopcast", "hardware", "h100"],
    "flopcast show maverick (catalog)": [sys.executable, "-m", "flopcast", "show", "maverick"],
    "flopcast report (Markdown, no plots)": [sys.executable, "-m", "flopcast", "report"],
    "flopcast report -o x.html (with plots)": [
        sys.executable, "-m", "flopcast", "report", "-o", str(HTML_OUT)
    ],
    f"flopcast report {FIRST_RUN}": [sys.executable, "-m", "flopcast", "report"],
    f"flopcast report -o x.html {FIRST_RUN}": [
        sys.executable, "-m", "flopcast", "report", "-o", str(HTML_OUT)
    ],
}  # fmt: skip
ENV = {**os.environ, "FLOPCAST_CACHE_DIR": str(CACHE)}


def _forget_reports() -> None:
    for kept in CACHE.glob("report*"):
        kept.unlink()


def median_seconds(cmd: list[str], runs: int, *, first: bool = False) -> float:
    subprocess.run(cmd, capture_output=True, check=True, env=ENV)  # warm the file cache
    times = []
    for _ in range(runs):
        if first:
            _forget_reports()
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, env=ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def heavy_imports_for_help() -> list[str]:
    code = (
        "import sys\nfrom flopcast.cli import main\nmain(['--help'])\n"
        "print([m for m in ('numpy','scipy','pydantic','matplotlib','torch') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return list(eval(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    load = os.getloadavg()
    results = {
        name: median_seconds(cmd, args.runs, first=FIRST_RUN in name)
        for name, cmd in COMMANDS.items()
    }
    base = results["python -c pass"]
    after = os.getloadavg()
    print(f"median of {args.runs} runs on {os.cpu_count()} CPUs; load average (1 min) "
          f"{load[0]:.1f} before, {after[0]:.1f} after")  # fmt: skip
    for name, seconds in results.items():
        print(f"  {name:40s} {seconds * 1000:7.1f} ms   {seconds / base:5.1f}x bare python")
    print(f"heavy modules imported by --help: {heavy_imports_for_help() or 'none'}")


if __name__ == "__main__":
    main()
