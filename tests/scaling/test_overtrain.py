"""Over-training: the essay's judgments, and the cost of over-training."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.errors import FlopcastError
from flopcast.scaling import get_law, optimal, overtrain
from flopcast.scaling.laws import ParametricLaw
from flopcast.scaling.overtrain import (
    overtraining_cost,
    overtraining_cost_equal_exponents,
    overtraining_size_ratio,
)

HOFFMANN = (0.34, 0.28)
EPOCH = (0.3478, 0.3658)


def test_behemoth_is_not_overtrained() -> None:
    # Essay: 288B active, 30T tokens, 1:8, 40 tokens/param dense -> 120 optimal vs 104 actual.
    r = overtrain(288e9, 30e12, law="fixed:40", sparsity=8)
    assert r.compute == pytest.approx(5.18e25, rel=1e-3)
    assert r.multiplier.value == pytest.approx(3.0)
    assert r.optimal_tokens_per_param == pytest.approx(120)
    assert r.tokens_per_param == pytest.approx(104.17, abs=0.01)
    assert r.k == pytest.approx(0.87, abs=0.005)
    assert r.verdict.startswith("near compute-optimal")


def test_maverick_is_about_six_times_overtrained() -> None:
    # Essay: 17B active, 400B total (~1:23), 22T tokens, ~5x -> ~200 optimal vs ~1300 actual.
    r = overtrain(17e9, 22e12, law="fixed:40", total_params=400e9)
    assert r.sparsity is not None and r.sparsity.definition == "total/active parameters"
    assert r.multiplier.value == pytest.approx(5.14, abs=0.01)
    assert r.tokens_per_param == pytest.approx(1294, abs=1)
    assert r.optimal_tokens_per_param == pytest.approx(206, abs=1)
    assert r.k == pytest.approx(6.3, abs=0.05)
    assert r.verdict.startswith("overtrained")
    assert r.compute == pytest.approx(2.244e24)
    d = r.to_dict()
    assert d["law"] == "fixed:40" and d["cost_law"] == "epoch2024"
    assert d["multiplier"]["name"] == "default"  # type: ignore[index]


def test_report_includes_the_compute_optimal_model_for_the_same_compute() -> None:
    r = overtrain(17e9, 22e12, law="fixed:40", total_params=400e9)
    opt = r.compute_optimal
    assert pytest.approx(r.compute) == 6 * opt.N * opt.D
    assert opt.tokens_per_param == pytest.approx(r.optimal_tokens_per_param)
    assert opt.N > 17e9


@pytest.mark.parametrize(
    ("k", "hoffmann", "epoch"),
    [
        (2, 1.038, 1.044),
        (4, 1.158, 1.185),
        (7, 1.332, 1.394),
        (10, 1.489, 1.587),
        (100, 4.452, 5.581),
    ],
)
def test_cost_table(k: float, hoffmann: float, epoch: float) -> None:
    # Research notes sec. 7 table (vector 14): 1.33x and 1.39x at k = 7.
    assert overtraining_cost(k, *HOFFMANN) == pytest.approx(hoffmann, rel=0.005)
    assert overtraining_cost(k, *EPOCH) == pytest.approx(epoch, rel=0.005)


def test_cost_at_k7_rounds_to_the_issue_figures() -> None:
    assert round(overtraining_cost(7, *HOFFMANN), 2) == 1.33
    assert round(overtraining_cost(7, *EPOCH), 2) == 1.39


def _brute_force_cost(law: ParametricLaw, compute: float, k: float) -> float:
    """Independent of the closed form: bisect on N for the run with k x the optimal D/N whose
    loss equals the compute-optimal loss, then compare 6ND with the budget."""
    n_opt, d_opt = law.dense_optimum(compute)
    target = law.loss(n_opt, d_opt)
    ratio = k * d_opt / n_opt
    lo, hi = math.log(n_opt) - 40, math.log(n_opt) + 40
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        n = math.exp(mid)
        if law.loss(n, ratio * n) > target:
            lo = mid
        else:
            hi = mid
    n = math.exp(0.5 * (lo + hi))
    return 6 * n * ratio * n / compute


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(["hoffmann2022", "epoch2024", "hoffmann2022-unrounded"]),
    log_c=st.floats(min_value=19.0, max_value=26.0),
    log_k=st.floats(min_value=-3.0, max_value=5.0),
)
def test_closed_form_matches_brute_force(name: str, log_c: float, log_k: float) -> None:
    law = get_law(name)
    assert isinstance(law, ParametricLaw)
    k = math.exp(log_k)
    assert overtraining_cost(k, law.alpha, law.beta) == pytest.approx(
        _brute_force_cost(law, 10.0**log_c, k), rel=1e-7
    )


@settings(max_examples=60, deadline=None)
@given(
    k=st.floats(min_value=1e-3, max_value=1e4),
    a=st.floats(min_value=0.05, max_value=1.5),
)
def test_equal_exponents_closed_form(k: float, a: float) -> None:
    assert overtraining_cost(k, a, a) == pytest.approx(
        overtraining_cost_equal_exponents(k, a), rel=1e-9
    )


@settings(max_examples=80, deadline=None)
@given(
    alpha=st.floats(min_value=0.05, max_value=1.0),
    beta=st.floats(min_value=0.05, max_value=1.0),
    x=st.floats(min_value=0.01, max_value=6.0),
    y=st.floats(min_value=0.01, max_value=6.0),
    sign=st.sampled_from([-1.0, 1.0]),
)
def test_cost_grows_with_distance_from_optimal(
    alpha: float, beta: float, x: float, y: float, sign: float
) -> None:
    near, far = sorted((x, y))
    c_near = overtraining_cost(math.exp(sign * near), alpha, beta)
    c_far = overtraining_cost(math.exp(sign * far), alpha, beta)
    assert 1.0 <= c_near <= c_far * (1 + 1e-12)
    if far - near > 1e-3:
        assert c_near < c_far


@settings(max_examples=30, deadline=None)
@given(
    alpha=st.floats(min_value=0.05, max_value=1.0), beta=st.floats(min_value=0.05, max_value=1.0)
)
def test_no_overtraining_costs_nothing(alpha: float, beta: float) -> None:
    assert overtraining_cost(1.0, alpha, beta) == 1.0
    assert overtraining_size_ratio(1.0, alpha, beta) == 1.0
    assert overtraining_cost(1.0 + 1e-9, alpha, beta) == pytest.approx(1.0, abs=1e-12)


def test_overtraining_shrinks_the_model() -> None:
    assert overtraining_size_ratio(7, *EPOCH) < 1 < overtraining_size_ratio(1 / 7, *EPOCH)


def test_parametric_law_prices_with_its_own_exponents() -> None:
    r = overtrain(8e9, 15e12, law="hoffmann2022")
    assert r.cost_law == "hoffmann2022"
    assert (r.cost_alpha, r.cost_beta) == HOFFMANN
    assert r.loss is not None and r.optimal_loss is not None
    assert r.loss > r.optimal_loss  # same compute, off the optimum: higher loss
    assert r.k == pytest.approx((15e12 / 8e9) / optimal("hoffmann2022", r.compute).tokens_per_param)


def test_stated_compute_and_errors() -> None:
    r = overtrain(17e9, 22e12, law="epoch2024", compute=3e24)
    assert r.compute == 3e24 and r.compute_source == "stated"
    with pytest.raises(FlopcastError):
        overtrain(0, 1e12)
    with pytest.raises(FlopcastError):
        overtrain(17e9, 22e12, total_params=1e9)


def test_a_large_overtraining_factor_is_written_without_an_exponent() -> None:
    # Llama 3 8B at 15T tokens under kaplan2020: 1,875 tokens/param vs ~0.24 optimal, k ~ 7,750
    # (flopcast overtrain llama-3-8b); two figures, "7,800x", never "7.8e+03x"
    r = overtrain(8e9, 15e12, law="kaplan2020")
    assert 7000 < r.k < 8500
    assert r.verdict == f"overtrained {float(f'{r.k:.2g}'):,.0f}x"
    assert "e+" not in r.verdict
    # 18.3 tokens/param optimal (epoch2024) vs 1,875 -> k ~ 103: "100x", not "1e+02x"
    assert overtrain(8e9, 15e12, law="epoch2024").verdict == "overtrained 100x"


def test_the_compute_source_writes_counts_as_everywhere_else() -> None:
    # Maverick: 6 x 17B x 22T, not "6 x 1.7e+10 active parameters x 2.2e+13 tokens"
    r = overtrain("17B", "22T", total_params="400B")
    assert r.compute_source == "6 × 17B active parameters × 22T tokens"
