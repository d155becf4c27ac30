"""Start-up and end-to-end latency of the CLI, as medians and as ratios to bare Python.

Run: python benchmarks/startup.py [--runs 15] [--no-pyc]

Goals: `flopcast --help` under 8x the bare interpreter's start-up, importing no numpy, scipy,
pydantic or matplotlib; a compute with ranges under 25x end to end; loading the whole catalog for
`flopcast show maverick` under 15x; the Llama 4 report under 0.5 s without plots and under 3 s
with them, built for the first time (the "first run" rows).

A report and its figures are kept on disk once built (flopcast.reporting.cache): the plain
rows time that, as a user sees it the second time. The "first run" rows remove the kept reports
before each run (the validated data files stay cached), as for a report not built before. The
benchmark uses a cache folder of its own, and prints the machine's load average: the machine
may be shared, so compare medians taken at similar loads.

Python's bytecode is cached in a folder of the benchmark's own (PYTHONPYCACHEPREFIX), written by
each command's warm-up run, as an installed package has it (pip compiles it at install; an
editable install writes it on first import). An environment that sets PYTHONDONTWRITEBYTECODE
with no bytecode beside the sources compiles every flopcast module from source on every run
instead, a few hundred milliseconds more for a report: --no-pyc measures that.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HTML_OUT = Path(tempfile.gettempdir()) / "flopcast-benchmark-report.html"
CACHE = Path(tempfile.mkdtemp(prefix="flopcast-benchmark-cache-"))
PYCACHE = Path(tempfile.mkdtemp(prefix="flopcast-benchmark-pycache-"))
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


def _bytecode(cached: bool) -> str:
    """Set how the commands get their bytecode; say which."""
    if cached:
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
        return "bytecode cached (written by each command's warm-up run)"
    ENV["PYTHONDONTWRITEBYTECODE"] = "1"
    ENV.pop("PYTHONPYCACHEPREFIX", None)
    return "no bytecode written: modules without .pyc beside them compiled on every run"


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
    parser.add_argument(
        "--no-pyc", action="store_true", help="run with PYTHONDONTWRITEBYTECODE=1 (see above)"
    )
    args = parser.parse_args()
    bytecode = _bytecode(cached=not args.no_pyc)
    load = os.getloadavg()
    try:
        results = {
            name: median_seconds(cmd, args.runs, first=FIRST_RUN in name)
            for name, cmd in COMMANDS.items()
        }
    finally:
        for scratch in (CACHE, PYCACHE):
            shutil.rmtree(scratch, ignore_errors=True)
    base = results["python -c pass"]
    after = os.getloadavg()
    print(f"median of {args.runs} runs on {os.cpu_count()} CPUs; load average (1 min) "
          f"{load[0]:.1f} before, {after[0]:.1f} after; {bytecode}")  # fmt: skip
    for name, seconds in results.items():
        print(f"  {name:40s} {seconds * 1000:7.1f} ms   {seconds / base:5.1f}x bare python")
    print(f"heavy modules imported by --help: {heavy_imports_for_help() or 'none'}")


if __name__ == "__main__":
    main()
