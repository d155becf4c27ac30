"""The overtraining factor of Monte Carlo samples: numpy arrays through the scalar arithmetic."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.catalog import model
from flopcast.model_optimality import optimality
from flopcast.scaling import law_names, multiplier, overtrain, overtraining_factor
from flopcast.scaling.moe import multiplier_value
from flopcast.uncertainty import Sampling

LAWS = [*law_names(), "fixed:20", "fixed:40"]
MOES: list[str | float] = ["default", "ludziejewski2025", "none", 2.5]


@settings(max_examples=60, deadline=None)
@given(
    law=st.sampled_from(LAWS),
    moe=st.sampled_from(MOES),
    s=st.one_of(st.none(), st.floats(min_value=1.0, max_value=64.0)),
    log_n=st.floats(min_value=8.0, max_value=12.5),
    log_tpp=st.floats(min_value=0.0, max_value=4.0),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_k_of_samples_is_the_scalar_k_of_each_sample(
    law: str, moe: str | float, s: float | None, log_n: float, log_tpp: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    n = 10.0 ** (log_n + rng.normal(0.0, 0.3, 40))
    d = n * 10.0 ** (log_tpp + rng.normal(0.0, 0.3, 40))
    k = overtraining_factor(n, d, law=law, sparsity=s, moe=moe)
    assert isinstance(k, np.ndarray) and k.shape == n.shape
    each = [
        overtrain(float(a), float(b), law=law, sparsity=s, moe=moe).k
        for a, b in zip(n, d, strict=True)
    ]
    np.testing.assert_allclose(k, each, rtol=1e-12)


@pytest.mark.parametrize("moe", MOES)
@pytest.mark.parametrize("s", [None, 1.0, 8.0, 23.5])
def test_multiplier_value_is_the_multipliers_value(moe: str | float, s: float | None) -> None:
    for c in (1e21, 5.2e25):
        assert multiplier_value(moe, s, c) == multiplier(moe, s, compute=c).value
    computes = np.array([1e21, 5.2e25])
    values = multiplier_value(moe, s, computes)
    expected = [multiplier(moe, s, compute=float(c)).value for c in computes]
    np.testing.assert_allclose(np.broadcast_to(values, computes.shape), expected, rtol=1e-12)


def test_k_interval_under_a_fixed_ratio_is_the_tokens_per_param_interval_over_the_optimum() -> None:
    # Under fixed:40 the optimum is 40 m(S) tokens per active parameter at any compute, so
    # k = (D/N) / (40 m(S)) and its 90% interval is that of D/N over 40 m(S). Maverick:
    # 22T (20T-24T) tokens / 17B = 1,294 (1,177-1,412); 40 m(23.5) = 40 x 3 (23.5/8)^0.5 = 205.8;
    # k = 1,294 / 205.8 = 6.29 (1,177 / 205.8 = 5.72 to 1,412 / 205.8 = 6.86).
    o = optimality(model("llama-4-maverick"), law="fixed:40", sampling=Sampling(samples=2_000))
    optimum = 40 * o.report.multiplier.value
    assert o.k.uncertain and o.tokens_per_param.uncertain
    assert o.k.low is not None and o.tokens_per_param.low is not None
    assert o.k.high is not None and o.tokens_per_param.high is not None
    assert o.k.value == pytest.approx(o.tokens_per_param.value / optimum, rel=1e-12)
    assert o.k.low == pytest.approx(o.tokens_per_param.low / optimum, rel=1e-12)
    assert o.k.high == pytest.approx(o.tokens_per_param.high / optimum, rel=1e-12)
    assert o.k.low == pytest.approx(5.72, abs=0.01) and o.k.high == pytest.approx(6.86, abs=0.01)
