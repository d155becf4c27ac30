"""`flopcast fit` against hostile runs files and outputs: bounded work, one-line errors, and a
saved fit that is never left half-written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from flopcast.errors import FlopcastError
from flopcast.scaling.fit import fit_parametric, make_runs, read_runs, save_fit
from flopcast.scaling.fit.approach3 import BOOTSTRAP_SAMPLE, GRID_SAMPLE, SAMPLE_ABOVE
from tests.conftest import CLI

SRC = str(Path(__file__).resolve().parents[2] / "src")
# Besiroglu et al. 2024 eq. 2, the law the synthetic runs follow (as in benchmarks/fit_speed.py)
LAW = {"E": 1.8172, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658}


def runs_csv(path: Path, n: int, seed: int = 0, noise: float = 0.01) -> Path:
    rng = np.random.default_rng(seed)
    c = 10 ** rng.uniform(18, 22, n)
    N = 10 ** rng.uniform(np.log10(5e7), np.log10(1.6e10), n)
    D = c / (6 * N)
    loss = (LAW["E"] + LAW["A"] / N ** LAW["alpha"] + LAW["B"] / D ** LAW["beta"]) * np.exp(
        rng.normal(0.0, noise, n)
    )
    body = "".join(f"{a:.17g},{b:.17g},{x:.17g}\n" for a, b, x in zip(N, D, loss, strict=True))
    path.write_text("N,D,loss\n" + body)
    return path


def test_compute_that_overflows_names_the_line(tmp_path: Path) -> None:
    p = tmp_path / "big.csv"
    p.write_text("N,D,loss\n1e9,2e10,2.5\n1e160,1e160,2.1\n")
    with pytest.raises(FlopcastError, match=r"line 3: the compute 6·N·D .* beyond the range"):
        read_runs(p)


def test_all_equal_losses_are_refused_at_once(tmp_path: Path) -> None:
    p = tmp_path / "flat.csv"
    p.write_text(
        "N,D,loss\n" + "".join(f"{n:g},{n * k:g},2.0\n" for n in (1e7, 1e8, 1e9) for k in (5, 20))
    )
    with pytest.raises(FlopcastError, match="the losses are all equal"):
        fit_parametric(read_runs(p), bootstrap=0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bootstrap": -1}, "bootstrap must not be negative"),
        ({"bootstrap": 10**9}, "at most 100,000 resamples"),
        ({"seed": -1}, "seed must not be negative"),
        ({"seed": None}, "seed must be a whole number"),
        ({"budgets": [float("inf")]}, "budget must be a finite positive number"),
        ({"level": 1.5}, "between 0 and 1"),
    ],
)
def test_bad_fit_arguments(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    runs = read_runs(runs_csv(tmp_path / "r.csv", 20))
    with pytest.raises(FlopcastError, match=message):
        fit_parametric(runs, **kwargs)  # type: ignore[arg-type]


def test_cli_caps_and_hints(tmp_path: Path, cli: CLI) -> None:
    path = str(runs_csv(tmp_path / "r.csv", 20))
    r = cli("fit", path, "--bootstrap", "1000000000")
    assert r.code == 2 and "--bootstrap" in r.err
    r = cli("fit", path, "--seed", "-1")
    assert r.code == 2 and "--seed" in r.err
    r = cli("fit", path, "--n-col", "params")
    assert r.code == 2 and r.err.rstrip().endswith("name it with --n-col")
    r = cli("fit", path, "--loss-col", "val")
    assert r.code == 2 and r.err.rstrip().endswith("name it with --loss-col")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    r = cli("fit", str(fifo))
    assert r.code == 2 and "not a regular file" in r.err
    r = cli("fit", "/dev/zero")
    assert r.code == 2 and "not a regular file" in r.err


def test_save_into_a_missing_directory_fails_before_fitting(tmp_path: Path, cli: CLI) -> None:
    path = str(runs_csv(tmp_path / "r.csv", 20))
    r = cli("fit", path, "--save", str(tmp_path / "nope" / "fit.json"))
    assert r.code == 2 and "does not exist" in r.err and len(r.err.splitlines()) == 1


def test_failed_save_keeps_the_previous_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = read_runs(runs_csv(tmp_path / "r.csv", 20))
    result = fit_parametric(runs, bootstrap=20)
    target = tmp_path / "fit.json"
    save_fit(result, target)
    before = target.read_bytes()

    def failing_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(FlopcastError, match="previous file, if any, is unchanged"):
        save_fit(fit_parametric(runs, bootstrap=30, seed=1), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".fit.json")] == []


@pytest.mark.slow
def test_size_limit_mid_save_keeps_the_previous_fit(tmp_path: Path) -> None:
    """`ulimit -f`: the new fit file (with 600 residuals) cannot be written whole; the old
    one (20 runs) stays as it was, and the error is one line."""
    small = runs_csv(tmp_path / "small.csv", 20)
    big = runs_csv(tmp_path / "big.csv", 600, seed=1)
    target = tmp_path / "fit.json"
    env = {**os.environ, "PYTHONPATH": SRC}
    code = "import sys; from flopcast.cli import main; sys.exit(main(sys.argv[1:]))"
    first = subprocess.run(
        [sys.executable, "-c", code, "fit", str(small), "--bootstrap", "10", "--save", str(target)],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    before = target.read_bytes()
    limit = len(before) + 4096  # the old file fits, the new one does not
    limited = f"import resource; resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); "
    r = subprocess.run(
        [sys.executable, "-c", limited + code, "fit", str(big), "--bootstrap", "10",
         "--save", str(target)],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 2, r.stderr
    assert "could not write fit file" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert target.read_bytes() == before
    json.loads(before)


@pytest.mark.slow
def test_many_runs_fit_on_samples_and_find_the_law(tmp_path: Path) -> None:
    """Above SAMPLE_ABOVE runs the grid and the bootstrap work on samples (the time the
    benchmark benchmarks/fit_large.py measures); the fit still finds the law it was drawn
    from, with intervals that cover it."""
    runs = read_runs(runs_csv(tmp_path / "many.csv", 20_000))
    said: list[str] = []
    res = fit_parametric(runs, bootstrap=200, progress=said.append)
    assert said == [
        "fitting from 4,500 starts on 256 of 20,000 runs",
        "refining the best 8 optima on all 20,000 runs",
        "bootstrap: 200 resamples of 512 of 20,000 runs (m-out-of-n, rescaled)",
    ]
    assert len(runs) > SAMPLE_ABOVE
    assert (res.grid_sample, res.bootstrap_sample) == (GRID_SAMPLE, BOOTSTRAP_SAMPLE)
    for key in ("alpha", "beta"):
        assert getattr(res, key) == pytest.approx(LAW[key], rel=0.02)
        iv = res.interval(key)
        assert iv is not None and iv.high - iv.low < 0.05 * LAW[key]
    # the same runs through make_runs give the same fit (seeded samples)
    again = fit_parametric(make_runs(runs.N, runs.D, runs.loss, source=runs.source), bootstrap=200)
    assert again.alpha == res.alpha
