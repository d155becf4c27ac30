"""A bounded load test of ``flopcast serve`` on 127.0.0.1: a mix of pages and API calls.

Run: python benchmarks/serve_load.py [--requests 5000] [--concurrency 16] [--limit 600]

Starts ``flopcast serve`` on a free port of 127.0.0.1 in a child process, warms it (the first
report and plots take seconds), sends ``--requests`` requests from ``--concurrency`` clients
over a fixed mix of pages and API calls (some with Monte Carlo intervals, some with bad input
that must be refused), then stops the server. It stops by itself: after the last request, or
after ``--limit`` seconds, whichever comes first. Prints the errors (any answer other than the
one expected), the median and 99th-percentile latency, and the throughput.

Goal: 0 errors; pages and API calls answered in milliseconds once warm.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

#: (address, the status it must answer), cycled through in order.
MIX: list[tuple[str, int]] = [
    ("/", 200),
    ("/api/compute?active=288B&tokens=30T", 200),
    ("/catalog?sort=compute", 200),
    ("/api/compute?active=288B&tokens=30T..40T&gpus=32K&achieved=390T", 200),
    ("/calc/compute?active=288B&tokens=30T", 200),
    ("/api/models?developer=meta", 200),
    ("/calc/cluster?gpus=100K&gpu=h100&days=90&mfu=40%25&date=2024-10", 200),
    ("/api/cluster?gpus=100K&gpu=h100&days=90&mfu=0.4", 200),
    ("/models/llama-4-maverick", 200),
    ("/models/llama-4-maverick/report.html", 200),
    ("/api/compute?model=maverick", 200),
    ("/calc/optimal?compute=5.2e25", 200),
    ("/api/overtrain?model=maverick", 200),
    ("/calc/memory?model=llama-3.1-8b&quant=q4_k_m", 200),
    ("/api/local?model=llama-4-scout&on=2x%20rtx%203090", 200),
    ("/api/arch?config=maverick", 200),
    ("/api/frontier?top=5", 200),
    ("/api/compute?active=17X&tokens=22T", 422),
    ("/api/compute?active=288B&tokens=30T&samples=999999999", 422),
    ("/api/plan?model=llama-3.1-8b&gpus=8&search=true", 200),
    ("/calc/plan?model=llama-3.1-405b&gpus=16384&tp=8&pp=16", 200),
    ("/api/trend?select=frontier&from=2018&at=2027-06&when=1e27", 200),
    ("/calc/trend", 200),
    ("/api/systems?at=2025-04-05", 200),
    ("/api/machines", 200),
    ("/api/machines?name=this", 422),
    ("/static/htmx.min.js", 200),
    ("/openapi.json", 200),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, cache: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env["FLOPCAST_CACHE_DIR"] = cache  # its own, so another checkout's cache cannot interfere
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-m", "flopcast", "serve", "--port", str(port)]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def run(base: str, requests: int, concurrency: int, limit: float) -> None:
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    counter = iter(range(requests))
    deadline = time.monotonic() + limit
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        for path, _ in MIX:  # warm: the first report, plots and caches
            await client.get(path)

        async def worker() -> None:
            for i in counter:
                if time.monotonic() > deadline:
                    return
                path, expected = MIX[i % len(MIX)]
                start = time.perf_counter()
                try:
                    r = await client.get(path)
                    status = r.status_code
                except httpx.HTTPError as exc:
                    status = -1
                    errors.append(f"{path}: {type(exc).__name__}")
                latencies.append(time.perf_counter() - start)
                if status not in (expected, -1):
                    errors.append(f"{path}: {status} (expected {expected})")

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    done = len(latencies)
    ms = sorted(x * 1000 for x in latencies)
    p99 = ms[min(len(ms) - 1, int(0.99 * len(ms)))] if ms else float("nan")
    print(f"requests      {done:,} of {requests:,} at {concurrency} concurrent ({len(MIX)} kinds)")
    print(f"errors        {len(errors)}")
    print(f"median        {statistics.median(ms):.1f} ms" if ms else "median        -")
    print(f"p99           {p99:.1f} ms")
    print(f"max           {ms[-1]:.1f} ms" if ms else "max           -")
    print(f"throughput    {done / elapsed:,.0f} requests/s over {elapsed:.1f} s")
    for line in errors[:10]:
        print(f"  {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--limit", type=float, default=600.0, help="stop after this many s")
    args = parser.parse_args()
    if not 1 <= args.requests <= 1_000_000 or not 1 <= args.concurrency <= 256:
        parser.error("--requests 1..1,000,000 and --concurrency 1..256")
    import tempfile

    port = free_port()
    cache = tempfile.TemporaryDirectory(prefix="flopcast-load-")
    server = start_server(port, cache.name)
    base = f"http://127.0.0.1:{port}"
    try:
        ready = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > ready:
                    err = server.stderr.read().decode() if server.stderr else ""
                    print(f"the server did not start: {err.strip()}", file=sys.stderr)
                    return 1
                time.sleep(0.1)
        asyncio.run(run(base, args.requests, args.concurrency, args.limit))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        cache.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
