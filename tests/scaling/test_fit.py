"""Fitting laws to runs: recovery of known coefficients, the objective, outliers, approach 2,
saved fits as laws, and one-line errors for bad CSV files."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import minimize

from flopcast.errors import FlopcastError
from flopcast.scaling import get_law, optimal, overtrain
from flopcast.scaling.fit import (
    FitResult,
    HuberLogSumExp,
    Runs,
    fit_isoflop,
    fit_parametric,
    hoffmann_grid,
    make_runs,
    minimize_grid,
    read_runs,
    save_fit,
)
from flopcast.scaling.laws import ParametricLaw, PowerLaw
from tests.conftest import CLI

pytestmark = pytest.mark.slow  # builds real models or figures: run by CI, skipped by -m 'not slow'

# A law unlike any shipped one, so a fit cannot pass by returning a catalog value.
TRUTH = {"E": 1.6, "A": 300.0, "B": 1500.0, "alpha": 0.32, "beta": 0.38}


def truth_law() -> ParametricLaw:
    t = TRUTH
    cite = get_law("epoch2024").citation
    return ParametricLaw("t", "t", t["E"], t["A"], t["B"], t["alpha"], t["beta"], cite, "")


def true_loss(N: np.ndarray, D: np.ndarray) -> np.ndarray:
    t = TRUTH
    out: np.ndarray = t["E"] + t["A"] / N ** t["alpha"] + t["B"] / D ** t["beta"]
    return out


def synthetic(n: int, noise: float, seed: int) -> Runs:
    rng = np.random.default_rng(seed)
    c = 10 ** rng.uniform(18, 22, n)
    N = 10 ** rng.uniform(7.7, 10.2, n)
    D = c / (6 * N)
    loss = true_loss(N, D) * np.exp(rng.normal(0, noise, n))
    return make_runs(list(N), list(D), list(loss), source="synthetic.csv")


@pytest.fixture(scope="module")
def noisy_fit() -> FitResult:
    return fit_parametric(synthetic(250, 0.005, 1), bootstrap=300, seed=3, budgets=(1e21, 1e24))


def test_recovers_known_coefficients_from_noisy_runs(noisy_fit: FitResult) -> None:
    r = noisy_fit
    assert r.alpha == pytest.approx(TRUTH["alpha"], abs=0.02)
    assert r.beta == pytest.approx(TRUTH["beta"], abs=0.02)
    assert pytest.approx(TRUTH["E"], abs=0.03) == r.E
    truth_a = TRUTH["beta"] / (TRUTH["alpha"] + TRUTH["beta"])
    assert r.a_N == pytest.approx(truth_a, abs=0.015)
    inside = 0
    for key in ("E", "alpha", "beta"):
        iv = r.interval(key)
        assert iv is not None and iv.low < iv.high and iv.level == 0.9
        inside += iv.low <= TRUTH[key] <= iv.high
    assert inside >= 2
    assert r.bootstrap == 300 and r.bootstrap_failed == 0
    assert r.starts == 4500 and r.converged_starts > 4000


def test_allocation_and_residuals(noisy_fit: FitResult) -> None:
    r = noisy_fit
    law = r.to_law()
    truth = truth_law()
    for alloc in r.allocations:
        n_true, _ = truth.dense_optimum(alloc.compute)
        assert pytest.approx(n_true, rel=0.2) == alloc.N
        assert pytest.approx(alloc.compute) == 6 * alloc.N * alloc.D
        assert alloc.N_interval is not None and alloc.tokens_per_param_interval is not None
        assert alloc.N_interval.low <= alloc.N <= alloc.N_interval.high
    assert len(r.residuals) == 250
    res = np.array([x.log_residual for x in r.residuals])
    assert np.median(np.abs(res)) < 0.01  # noise was 0.005 in log
    first = r.residuals[0]
    assert first.predicted == pytest.approx(law.loss(first.N, first.D), rel=1e-9)
    assert first.log_residual == pytest.approx(math.log(first.predicted / first.loss), abs=1e-12)


def test_noiseless_runs_are_fitted_exactly() -> None:
    r = fit_parametric(synthetic(60, 0.0, 2), bootstrap=0)
    for key, value in TRUTH.items():
        assert getattr(r, key) == pytest.approx(value, rel=1e-3), key
    assert r.objective < 1e-12
    assert r.intervals == ()


def test_objective_is_the_summed_huber_of_log_residuals() -> None:
    runs = synthetic(40, 0.01, 4)
    N, D, L = (np.array(x) for x in (runs.N, runs.D, runs.loss))
    theta = np.array([5.5, 7.0, 0.4, 0.3, 0.35])
    pred = np.log(
        np.exp(theta[0] - theta[3] * np.log(N))
        + np.exp(theta[1] - theta[4] * np.log(D))
        + np.exp(theta[2])
    )
    r = pred - np.log(L)
    huber = np.where(np.abs(r) <= 1e-3, 0.5 * r**2, 1e-3 * (np.abs(r) - 0.5e-3))
    with HuberLogSumExp(N, D, L, workers=1) as obj:
        f, g = obj.value_and_grad(theta)
        assert f == pytest.approx(huber.sum(), rel=1e-12)  # summed, not averaged
        for i in range(5):
            h = np.zeros(5)
            h[i] = 1e-6
            numeric = (obj.value_and_grad(theta + h)[0] - obj.value_and_grad(theta - h)[0]) / 2e-6
            assert g[i] == pytest.approx(numeric, rel=1e-4, abs=1e-9)


def test_bootstrap_weights_equal_duplicated_runs() -> None:
    runs = synthetic(30, 0.01, 5)
    N, D, L = (np.array(x) for x in (runs.N, runs.D, runs.loss))
    counts = np.random.default_rng(0).multinomial(30, np.full(30, 1 / 30)).astype(float)
    theta = np.array([[5.0, 7.5, 0.3, 0.3, 0.4]])
    with HuberLogSumExp(N, D, L, weights=counts[None, :], workers=1) as weighted:
        fw, gw = weighted(theta, np.array([0]))
    rep = np.repeat(np.arange(30), counts.astype(int))
    with HuberLogSumExp(N[rep], D[rep], L[rep], workers=1) as dup:
        fd, gd = dup(theta, np.array([0]))
    assert fw[0] == pytest.approx(fd[0], rel=1e-12)
    np.testing.assert_allclose(gw, gd, rtol=1e-10)


def test_batched_lbfgs_matches_a_scipy_loop_from_the_same_starts() -> None:
    runs = synthetic(120, 0.01, 6)
    starts = hoffmann_grid()[::150]  # 30 of the 4,500
    with HuberLogSumExp(runs.N, runs.D, runs.loss, workers=2) as obj:
        fit = minimize_grid(obj, starts)
        loop = [minimize(obj.value_and_grad, x0, jac=True, method="L-BFGS-B").fun for x0 in starts]
    best = min(f for f in loop if np.isfinite(f))
    assert fit.objective <= best * (1 + 1e-6)
    assert fit.objective == pytest.approx(best, rel=1e-6)
    assert fit.starts == 30


def test_outliers_can_be_dropped() -> None:
    runs = synthetic(80, 0.003, 7)
    bad = {10, 20, 30}
    loss = [x * (1.5 if i in bad else 1.0) for i, x in enumerate(runs.loss)]
    spoiled = make_runs(runs.N, runs.D, loss, source="spoiled.csv")
    r = fit_parametric(spoiled, bootstrap=0, drop_largest_residuals=3)
    assert set(r.dropped_lines) == {i + 1 for i in bad}
    assert r.n_runs == 77
    assert r.beta == pytest.approx(TRUTH["beta"], abs=0.02)
    top = fit_parametric(spoiled, bootstrap=0, drop_top_losses=2)
    worst = sorted(range(80), key=lambda i: loss[i], reverse=True)[:2]
    assert set(top.dropped_lines) == {i + 1 for i in worst}
    assert "highest losses" in top.drop_reason


def test_saved_fit_works_as_a_law(noisy_fit: FitResult, tmp_path: Path) -> None:
    path = save_fit(noisy_fit, tmp_path / "my-fit.json")
    law = get_law(str(path))
    assert isinstance(law, ParametricLaw)
    assert law.name == "fit:synthetic"
    assert (law.E, law.A, law.B, law.alpha, law.beta) == (
        noisy_fit.E,
        noisy_fit.A,
        noisy_fit.B,
        noisy_fit.alpha,
        noisy_fit.beta,
    )
    assert dict(law.standard_errors).keys() == {"E", "A", "B", "alpha", "beta"}
    p = optimal(str(path), 1e24)
    assert p.law == "fit:synthetic"
    assert pytest.approx(noisy_fit.allocations[1].N, rel=1e-12) == p.N
    assert p.extrapolated  # the runs went up to 1e22
    r = overtrain(8e9, 15e12, law=str(path))
    assert r.cost_law == "fit:synthetic"
    record = json.loads(path.read_text())
    assert record["fit"]["intervals"]["alpha"]["level"] == 0.9


def test_bad_fit_files(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{not json")
    with pytest.raises(FlopcastError, match="not valid JSON"):
        get_law(str(tmp_path / "x.json"))
    (tmp_path / "y.json").write_text(json.dumps({"hello": 1}))
    with pytest.raises(FlopcastError, match="not a flopcast fit file"):
        get_law(str(tmp_path / "y.json"))
    with pytest.raises(FlopcastError, match="not found"):
        get_law(str(tmp_path / "missing.json"))


def isoflop_runs(noise: float, seed: int, budgets: list[float]) -> Runs:
    rng = np.random.default_rng(seed)
    truth = truth_law()
    N, D, L, C = [], [], [], []
    for c in budgets:
        n0, _ = truth.dense_optimum(c)
        for f in np.exp(np.linspace(-1.2, 1.2, 9)):
            n = n0 * f
            N.append(n)
            D.append(c / (6 * n))
            C.append(c)
            L.append(truth.loss(n, c / (6 * n)) * math.exp(rng.normal(0, noise)))
    return make_runs(N, D, L, C=C, source="isoflop.csv")


BUDGETS = [1e18, 3e18, 1e19, 3e19, 1e20, 3e20, 1e21]


def test_isoflop_approach_2_recovers_the_exponent(tmp_path: Path) -> None:
    truth_a = TRUTH["beta"] / (TRUTH["alpha"] + TRUTH["beta"])
    exact = fit_isoflop(isoflop_runs(0.0, 8, BUDGETS), bootstrap=0)
    # Noise-free: a parabola in ln N misplaces every vertex by the same factor, so the slope
    # through the vertices is exactly beta/(alpha+beta).
    assert exact.a == pytest.approx(truth_a, rel=1e-9)
    r = fit_isoflop(isoflop_runs(0.002, 8, BUDGETS), bootstrap=500, budgets=(1e24,))
    assert len(r.groups) == 7 and all(g.n_runs == 9 for g in r.groups)
    assert r.a == pytest.approx(truth_a, abs=0.015)
    assert r.b == pytest.approx(1 - r.a)
    iv = dict(r.intervals)["a"]
    assert iv.low < r.a < iv.high and iv.high - iv.low < 0.05
    law = get_law(str(save_fit(r, tmp_path / "iso.json")))
    assert isinstance(law, PowerLaw)
    assert pytest.approx(r.allocations[0].N, rel=1e-12) == optimal(law, 1e24).N


def test_isoflop_warns_of_too_few_groups_and_of_extrapolation() -> None:
    r = fit_isoflop(isoflop_runs(0.002, 8, BUDGETS), bootstrap=0, budgets=(1e20, 1e24))
    # 1e24 / the largest budget 1e21 = 1000x: one warning, none for 1e20 inside the runs
    assert r.warnings == (
        "1e24 FLOP is 1,000x the largest fitted run's 1e21 FLOP: its allocation "
        "extrapolates the fit",
    )
    two = fit_isoflop(isoflop_runs(0.002, 8, BUDGETS[:2]), bootstrap=0)
    assert len(two.groups) == 2 and two.warnings[0].startswith("only 2 isoFLOP groups")
    assert two.to_dict()["warnings"] == list(two.warnings)


def test_isoflop_skips_groups_without_a_minimum() -> None:
    runs = isoflop_runs(0.0, 8, BUDGETS)
    # Turn the 1e21 profile upside down: it has no minimum any more.
    loss = [(5.0 - x) if c == 1e21 else x for x, c in zip(runs.loss, runs.C, strict=True)]
    r = fit_isoflop(make_runs(runs.N, runs.D, loss, C=runs.C), bootstrap=0)
    assert len(r.groups) == 6
    assert [c for c, _ in r.skipped_groups] == [pytest.approx(1e21)]


def test_isoflop_needs_groups() -> None:
    spread = [10 ** (18 + 0.1 * i) for i in range(30)]  # every run its own budget
    runs = make_runs(
        [1e8 * (1 + i) for i in range(30)], [c / 6e8 for c in spread], [3.0] * 30, C=spread
    )
    with pytest.raises(FlopcastError, match="isoFLOP groups"):
        fit_isoflop(runs, bootstrap=0)


# ---- CSV files -------------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "runs.csv") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


GOOD = "N,D,loss\n" + "".join(
    f"{n:g},{d:g},{loss:.6f}\n"
    for n, d, loss in [
        (1e8, 2e9, 3.1),
        (2e8, 4e9, 2.9),
        (4e8, 8e9, 2.7),
        (8e8, 1.6e10, 2.55),
        (1.6e9, 3.2e10, 2.45),
        (3.2e9, 6.4e10, 2.35),
        (6.4e9, 1.28e11, 2.28),
    ]
)


def test_reads_a_good_csv(tmp_path: Path) -> None:
    runs = read_runs(write(tmp_path, GOOD))
    assert len(runs) == 7 and runs.N[0] == 1e8 and runs.lines[0] == 2
    assert runs.C[0] == pytest.approx(6 * 1e8 * 2e9)


def test_quantity_forms_as_everywhere_else(tmp_path: Path) -> None:
    text = "N,D,loss\n70M,1.4B,3.1\n1.2e8, 2.4e9 ,2.9\n"
    runs = read_runs(write(tmp_path, text))
    assert runs.N == (70e6, 1.2e8) and runs.D == (1.4e9, 2.4e9)


def test_configurable_columns_and_compute_instead_of_tokens(tmp_path: Path) -> None:
    text = "params, flop ,Final Loss\n1e8,1.2e18,3.1\n2e8,4.8e18,2.9\n"
    runs = read_runs(
        write(tmp_path, text), n_column="params", c_column="flop", loss_column="final loss"
    )
    assert runs.D[0] == pytest.approx(1.2e18 / (6 * 1e8))
    assert runs.C[1] == 4.8e18


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "params,D,loss\n1e8,2e9,3\n",
            r"no column 'N' \(columns: params, D, loss\).*name it with n_column$",
        ),
        ("N,D,val\n1e8,2e9,3\n", r"no column 'loss'.*name it with loss_column$"),
        ("N,loss\n1e8,3\n", r"neither a tokens column 'D' nor a compute column 'C'"),
        (  # several missing: all in one message, not one run per column
            "params,tokens,loss\n1e8,2e9,3\n",
            r"lacks columns 'N' \(name it with n_column\), 'D' or 'C' \(name one with "
            r"d_column or c_column\); its columns: params, tokens, loss$",
        ),
        (GOOD + "0,2e9,3.0\n", r"line 9: N = '0' is not positive"),
        (GOOD + "1e8,-2e9,3.0\n", r"line 9: D = '-2e9' is not positive"),
        (GOOD + "1e8,2e9,nan\n", r"line 9: loss = 'nan' is not a finite number"),
        (GOOD + "1e8,2e9,\n", r"line 9: loss = '' is not a number"),
        (GOOD + "1e8,2e9,abc\n", r"line 9: loss = 'abc' is not a number"),
        (GOOD + "70X,2e9,3.0\n", r"line 9: N = '70X' is not a number: write 70M"),
        (GOOD + "70M,2T..3T,3.0\n", r"line 9: D = '2T..3T' is a range: a run has one value"),
        (GOOD + "1e8,2e9\n", r"line 9: 2 fields, the header has 3"),
        (GOOD + "4e8,8e9,2.700000\n", r"lines 4 and 9 are the same run"),
        ("", r"is empty"),
        ("N,D,loss\n", r"no runs"),
    ],
)
def test_bad_csv_raises_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(FlopcastError, match=message) as exc:
        read_runs(write(tmp_path, text))
    assert "\n" not in str(exc.value)
    assert exc.value.exit_code == 2


def test_fewer_runs_than_parameters(tmp_path: Path) -> None:
    five = "\n".join(GOOD.splitlines()[:6]) + "\n"
    runs = read_runs(write(tmp_path, five))
    with pytest.raises(FlopcastError, match=r"has 5 runs; fitting the 5 parameters .* at least 6"):
        fit_parametric(runs, bootstrap=0)
    with pytest.raises(FlopcastError, match="after dropping outliers"):
        fit_parametric(read_runs(write(tmp_path, GOOD)), bootstrap=0, drop_top_losses=2)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FlopcastError, match="not found"):
        read_runs(tmp_path / "nope.csv")


def test_a_budget_beyond_the_runs_is_an_extrapolation() -> None:
    from flopcast.scaling.fit.approach3 import Allocation, extrapolations

    def at(c: float) -> Allocation:
        return Allocation(c, 1.0, 1.0, 1.0, None, None, None, None)

    # runs from 1e18 to 1e21 FLOP: 3e22 is 30x beyond, 1e17 below, 5e20 inside
    out = extrapolations([at(3e22), at(1e17), at(5e20)], (1e18, 1e21))
    assert out == (
        "3e22 FLOP is 30x the largest fitted run's 1e21 FLOP: its allocation extrapolates the fit",
        "1e17 FLOP is below the smallest fitted run's 1e18 FLOP: its allocation "
        "extrapolates the fit",
    )


def test_fit_cli_prints_the_warnings(tmp_path: Path, cli: CLI) -> None:
    runs = isoflop_runs(0.002, 8, BUDGETS[:2])
    rows = [f"{n:.6g},{d:.6g},{c:g},{x:.6f}" for n, d, c, x in
            zip(runs.N, runs.D, runs.C, runs.loss, strict=True)]  # fmt: skip
    path = write(tmp_path, "N,D,C,loss\n" + "\n".join(rows) + "\n")
    r = cli("fit", str(path), "--approach", "2", "--budget", "1e24", "--bootstrap", "20")
    assert r.code == 0, r.err
    assert "warning: only 2 isoFLOP groups" in r.out
    assert "warning: 1e24 FLOP is 333,333x the largest fitted run's 3e18 FLOP" in r.out
    data = cli("fit", str(path), "--approach", "2", "--json", "--bootstrap", "20").json()
    assert data["warnings"][0].startswith("only 2 isoFLOP groups")
