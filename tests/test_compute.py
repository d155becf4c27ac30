"""Training compute by both methods, reconciled, against the essay's hand-worked numbers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.clusters import cluster
from flopcast.comparison import compare, ratio_words
from flopcast.errors import FlopcastError
from flopcast.quantity import Z90, Quantity, fmt_sci
from flopcast.training import estimate, operation_count
from flopcast.uncertainty import Sampling, propagate
from tests.conftest import CLI

H100_BF16 = 989.4e12  # NVIDIA H100 SXM dense BF16, TFLOP/s ×1e12 (datasheet, without sparsity)


def test_operation_count_conventions() -> None:
    # forward 2 FLOP per parameter per token; training 3x forward; 4x with recomputation
    assert operation_count(1.0, 1.0) == 6
    assert operation_count(1.0, 1.0, recompute=True) == 8


def test_behemoth_six_nd() -> None:
    # essay: 288B active × 30T tokens → 5.2e25 by 6ND
    est = estimate(active_params="288B", tokens="30T")
    assert est.operation_count is not None
    assert est.operation_count.value == pytest.approx(6 * 288e9 * 30e12)
    assert fmt_sci(est.operation_count.value) == "5.18e25"
    assert est.tokens_per_param is not None
    assert round(est.tokens_per_param.value) == 104  # essay: "104 tokens per active param"


def test_maverick_six_nd() -> None:
    est = estimate(active_params="17B", tokens="22T")
    assert est.operation_count is not None
    assert fmt_sci(est.operation_count.value) == "2.24e24"  # essay: 2.25e24
    assert est.tokens_per_param is not None
    assert round(est.tokens_per_param.value) == 1294  # essay: ~1300


def test_maverick_implied_mfu_from_meta_gpu_hours() -> None:
    est = estimate(active_params="17B", tokens="22T", accelerator_hours="2.38M", peak=H100_BF16)
    mfu = est.implied_utilization
    assert mfu is not None
    # 2.244e24 / (2.38e6 h × 3600 s/h × 989.4e12 FLOP/s) = 0.2647
    assert mfu.value == pytest.approx(2.244e24 / (2.38e6 * 3600 * 989.4e12), rel=1e-12)
    assert round(mfu.value * 100, 1) == 26.5
    assert not mfu.uncertain  # independent of the assumed utilization
    # the hardware estimate itself uses the assumed utilization, and says so
    assert est.inputs["utilization"].origin == "assumed"
    assert est.hardware is not None and est.hardware.uncertain


def test_behemoth_duration_on_32k_gpus_at_390_tflops() -> None:
    # Meta: 390 TFLOP/s per GPU in FP8 on 32K GPUs; 5.18e25 FLOP → 48.1 days
    est = estimate(active_params="288B", tokens="30T", accelerators="32K", achieved="390T")
    assert est.implied_duration is not None
    days = est.implied_duration.value / 86_400
    assert days == pytest.approx(5.184e25 / (32_000 * 390e12) / 86_400)
    assert round(days, 1) == 48.1


def test_cluster_of_100k_h100_for_90_days() -> None:
    res = cluster(accelerators="100K", peak=H100_BF16, duration="90d", utilization=0.4)
    assert res.total is not None
    assert res.total.value == pytest.approx(1e5 * 989.4e12 * 0.4 * 90 * 86_400)
    assert fmt_sci(res.total.value) == "3.08e26"  # essay: ~3e26


def test_cluster_days_for_a_budget() -> None:
    res = cluster(accelerators="32K", achieved="390T", compute="5.184e25")
    assert res.duration_for_compute is not None
    assert round(res.duration_for_compute.value / 86_400, 1) == 48.1


def test_range_in_tokens_gives_an_interval() -> None:
    est = estimate(active_params="288B", tokens="30T..40T")
    c = est.operation_count
    assert c is not None
    assert fmt_sci(c.value) == "5.99e25"
    assert c.low is not None and c.high is not None
    assert fmt_sci(c.low) == "5.18e25"
    assert fmt_sci(c.high) == "6.91e25"


def test_lopsided_interval_keeps_the_stated_central_value() -> None:
    est = estimate(active_params="288B", tokens="30T[30T..40T]")
    c = est.operation_count
    assert c is not None and c.low is not None and c.high is not None
    assert fmt_sci(c.value) == "5.18e25"
    assert fmt_sci(c.low) == "5.18e25"
    assert fmt_sci(c.high) == "6.91e25"


def test_two_uncertain_inputs_add_log_spreads_in_quadrature() -> None:
    est = estimate(active_params="250B..330B", tokens="30T..40T")
    c = est.operation_count
    assert c is not None and c.low is not None and c.high is not None
    s1 = math.log(330 / 250) / (2 * Z90)
    s2 = math.log(40 / 30) / (2 * Z90)
    s = math.hypot(s1, s2)
    central = 6 * math.sqrt(250e9 * 330e9) * math.sqrt(30e12 * 40e12)
    assert c.value == pytest.approx(central, rel=1e-12)
    # closed form for a product of lognormals, within Monte Carlo error
    assert c.low == pytest.approx(central * math.exp(-Z90 * s), rel=3e-3)
    assert c.high == pytest.approx(central * math.exp(Z90 * s), rel=3e-3)


def test_sampling_is_reproducible_and_seeded() -> None:
    a = estimate(active_params="250B..330B", tokens="30T..40T", sampling=Sampling(20_000, 1))
    b = estimate(active_params="250B..330B", tokens="30T..40T", sampling=Sampling(20_000, 1))
    c = estimate(active_params="250B..330B", tokens="30T..40T", sampling=Sampling(20_000, 2))
    assert a.operation_count == b.operation_count
    assert a.operation_count != c.operation_count


def test_implied_mfu_warnings() -> None:
    # 2.24e24 in 0.2M H100-hours needs more than 100% of the dense peak
    est = estimate(active_params="17B", tokens="22T", accelerator_hours="0.2M", peak=H100_BF16)
    assert any("impossible" in w for w in est.warnings)
    est = estimate(active_params="17B", tokens="22T", accelerator_hours="0.9M", peak=H100_BF16)
    assert any("unusually high" in w for w in est.warnings)
    est = estimate(active_params="17B", tokens="22T", accelerator_hours="2.38M", peak=H100_BF16)
    assert est.warnings == ()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"active_params": "17B"}, "add tokens"),
        ({"tokens": "22T"}, "add active_params"),
        (
            {
                "accelerators": "1K",
                "duration": "9d",
                "peak": "1P",
                "utilization": 0.4,
                "achieved": "300T",
            },
            "utilization and achieved",
        ),
        (
            {"accelerators": "1K", "duration": "9d", "accelerator_hours": "1M", "peak": "1P"},
            "over-determine",
        ),
        ({"active_params": "17B", "tokens": "22T", "duration": "9d"}, "add accelerators"),
        ({}, "nothing to compute"),
        ({"accelerators": "1K", "duration": "9d"}, "FLOP/s per accelerator"),
        ({"peak": "989T"}, "how much hardware"),
        ({"accelerators": "1K", "duration": "9d", "peak": "989"}, "implausibly small"),
    ],
)
def test_missing_and_conflicting_inputs(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(FlopcastError, match=message):
        estimate(**kwargs)  # type: ignore[arg-type]


def test_errors_name_inputs_as_the_caller_wrote_them(cli: CLI) -> None:
    # the same mistake: Python names the keyword argument, the command line the option
    with pytest.raises(FlopcastError, match=r"add tokens$"):
        estimate(active_params="17B")
    r = cli("compute", "--active", "17B")
    assert r.code == 2 and r.err.rstrip().endswith("add --tokens")


@pytest.mark.parametrize(
    ("ratio", "words"),
    [
        (5.184e25 / 3.8e25, "36% more"),  # essay: "35% more than Llama-3-405B"
        (0.66, "1.5x less"),
        (134, "134x more"),
        (2.244e24 / 3.077e26, "137x less"),
        (1.0, "about the same"),
        (0.8, "20% less"),
        (2.0, "2x more"),
        (3.4e24 / 2.244e24, "52% more"),
        (2.244e24 / 3.2856e24, "1.5x less"),  # Maverick vs DeepSeek-V3 by 6ND
        (0.76, "24% less"),
    ],
)
def test_ratio_words(ratio: float, words: str) -> None:
    assert ratio_words(ratio) == words


def test_compare_maverick_with_the_100k_cluster() -> None:
    c = compare("2.24e24", "3e26")
    assert c.words == "134x less"  # essay: "~100x"
    assert c.ratio.value == pytest.approx(2.24e24 / 3e26)


def test_compare_behemoth_with_llama_3_1_405b() -> None:
    c = compare("5.18e25", "3.8e25")
    assert round(c.ratio.value, 2) == 1.36
    assert c.words == "36% more"


@given(st.floats(min_value=1e-6, max_value=1e6))
def test_ratio_words_are_antisymmetric(r: float) -> None:
    words, inverse = ratio_words(r), ratio_words(1 / r)
    if "x " in words and "x " in inverse:
        assert words.split("x")[0] == inverse.split("x")[0]
        assert ("more" in words) == ("less" in inverse)


@settings(max_examples=30, deadline=None)
@given(
    st.floats(min_value=1e8, max_value=1e13),
    st.floats(min_value=1.01, max_value=5.0),
    st.floats(min_value=1e10, max_value=1e14),
)
def test_interval_contains_the_central_value(n: float, spread: float, d: float) -> None:
    out = propagate(
        lambda n, d: {"c": 6 * n * d},
        {"n": Quantity(n, n / spread, n * spread), "d": Quantity.exact(d)},
        sampling=Sampling(2_000, 0),
    )
    c = out["c"]
    assert c.value == 6 * n * d
    assert c.low is not None and c.high is not None
    assert c.low <= c.value <= c.high
    # one uncertain input: the interval is the input's, scaled (stratified sampling)
    assert c.low == pytest.approx(6 * d * n / spread, rel=1e-2)
    assert c.high == pytest.approx(6 * d * n * spread, rel=1e-2)
