"""``flopcast.plan`` and ``plan_search`` through the Python API: layouts, defaults, invariants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import flopcast
from flopcast.errors import FlopcastError
from flopcast.planning import model_shape, plan_search, plan_shape

L405 = model_shape("llama-3.1-405b")
L8 = model_shape("llama-3.1-8b")


def test_405b_acceptance_layout_fits_and_pure_data_parallel_does_not() -> None:
    kw = dict(
        accelerators=16384,
        accelerator_name="h100",
        seq=8192,
        zero=1,
        recompute="full",
        utilization="40%",
    )
    p = plan_shape(L405, tp=8, pp=16, **kw)  # type: ignore[arg-type]
    assert p.fits and p.layout.dp == 128
    # per GPU: (8 layers × 3.187B + ...)/8 ≈ 3.19B parameters; 2Ψ + 2Ψ = 12.8 GB of 16-bit
    # weights and gradients, 12Ψ/128 = 0.3 GB of optimizer states
    assert p.busiest.part("parameters") == pytest.approx(2 * 8 * 3_187_458_048 / 8, rel=1e-3)
    assert p.busiest.part("optimizer states") == pytest.approx(
        p.busiest.part("gradients") * 6 / 128
    )
    whole = plan_shape(L405, tp=1, pp=1, **kw)  # type: ignore[arg-type]
    assert not whole.fits
    # all 405.85B parameters on every GPU: 2Ψ + 2Ψ = 1.62 TB before anything else
    assert whole.busiest.total > 4 * 405.85e9
    # the step at 40%: 2.52e12 FLOP/token × 4,194,304 tokens × 4/3 ÷ (16,384 × 989.4T × 0.4)
    # = 2.18 s of compute, × (1 + 15/4) for the bubble of 4 micro-batches on 16 stages
    t = p.time
    assert t.compute_seconds.value == pytest.approx(
        t.flop_per_token * 4_194_304 * 4 / 3 / (16384 * 989.4e12 * 0.4)
    )
    assert t.step_seconds.value == pytest.approx(t.compute_seconds.value * (1 + 15 / 4))
    assert {s.name for s in p.defaults_used} >= {
        "flash attention",
        "micro-batch",
        "optimizer",
        "global batch",
    }


def test_public_api_and_defaults() -> None:
    p = flopcast.plan("llama-3.1-8b", accelerators=8, seq="4k")
    assert p.accelerator.id == "h100-sxm" and p.zero == 1 and p.recompute == "selective"
    assert p.activation.flash_attention and p.activation.micro_batch == 1
    assert p.time.utilization.origin == "assumed"  # training.default_utilization()
    d = p.to_dict()
    assert d["layout"]["gpus"] == 8 and d["fits"] is True
    assert "utilization" in d["defaults_used"]


def test_utilization_of_the_step() -> None:
    # Meta's 41% MFU is over whole steps: the step is 6ND / (n · peak · 0.41), bubble inside
    p = plan_shape(
        L405,
        accelerators=16384,
        tp=8,
        pp=16,
        seq=8192,
        global_batch="16M",
        utilization="41%",
        utilization_of="step",
    )
    t = p.time
    assert t.tokens_per_step == 2048 * 8192  # 16M rounds up to 2,048 sequences on 128 replicas
    assert t.step_seconds.value == pytest.approx(
        t.flop_per_token * t.tokens_per_step / (16384 * 989.4e12 * 0.41)
    )
    assert t.mfu.value == pytest.approx(0.41)


def test_counts_and_shape_without_a_config() -> None:
    p = flopcast.plan(
        total_params="7B",
        active_params="7B",
        layers=32,
        hidden=4096,
        heads=32,
        vocab=32000,
        accelerators=8,
    )
    assert not p.shape.exact
    assert sum(la.params for la in p.shape.layers) + 2 * 32000 * 4096 == pytest.approx(
        7e9, rel=1e-3
    )
    with pytest.raises(FlopcastError, match="hidden"):
        flopcast.plan(total_params="7B", active_params="7B", layers=32)


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        (dict(accelerators=16384, tp=8, pp=16, dp=64), "tp × pp × cp × dp"),
        (dict(tp=3), "tp 3 does not divide the 128 attention heads"),
        (dict(pp=127), "pp 127 is more than the 126 layers"),
        (dict(accelerators=100, tp=8), "accelerators 100 is not a multiple"),
        (dict(ep=2), "ep 2 needs a mixture-of-experts model"),
        (dict(zero=2, convention="deepspeed", tp=8), "pure data parallelism"),
    ],
)
def test_bad_layouts_name_the_argument(kw: dict[str, object], match: str) -> None:
    with pytest.raises(FlopcastError, match=match):
        plan_shape(L405, **kw)  # type: ignore[arg-type]


def test_search_candidates_match_the_plan_of_each() -> None:
    found = plan_search(L8, accelerators=8, top=20)
    assert found.fitting == len(found.candidates) > 3
    for c in found.candidates:
        p = plan_shape(
            L8,
            tp=c.layout.tp,
            pp=c.layout.pp,
            cp=c.layout.cp,
            dp=c.layout.dp,
            zero=c.zero,
            recompute=c.recompute,
        )
        assert p.busiest.total == pytest.approx(c.memory)
        assert p.time.step_seconds.value == pytest.approx(c.step_seconds)
        assert p.fits
    times = [c.seconds_per_token for c in found.candidates]
    assert times == sorted(times)


def test_smallest_cluster_for_a_layout() -> None:
    found = plan_search(L405, tp=8, pp=16, zero=1, recompute="full")
    (c,) = found.candidates
    assert c.layout.dp >= 1 and c.memory <= found.best.capacity  # type: ignore[union-attr]
    if c.layout.dp > 1:  # one replica fewer does not fit
        smaller = plan_shape(L405, tp=8, pp=16, dp=c.layout.dp - 1, zero=1, recompute="full")
        assert not smaller.fits


@settings(max_examples=25, deadline=None)
@given(
    zero=st.integers(0, 2),
    tp=st.sampled_from([1, 2, 4, 8]),
    pp=st.sampled_from([1, 2, 4]),
    dp=st.integers(1, 64),
    seq=st.sampled_from([1024, 4096, 8192]),
)
def test_more_sharding_and_recomputation_never_cost_memory(
    zero: int, tp: int, pp: int, dp: int, seq: int
) -> None:
    kw = dict(tp=tp, pp=pp, dp=dp, seq=seq, global_batch=f"{64 * dp} seqs")

    def mem(**more: object) -> float:
        return plan_shape(L8, **kw, **more).busiest.total  # type: ignore[arg-type]

    assert mem(zero=zero + 1) <= mem(zero=zero)
    assert mem(zero=zero, recompute="full") <= mem(zero=zero, recompute="selective")
    assert mem(zero=zero, recompute="selective", flash_attention=False) <= mem(
        zero=zero, recompute="none", flash_attention=False
    )
    bigger = plan_shape(
        L8, tp=tp, pp=pp, dp=dp * 2, seq=seq, zero=zero, global_batch=f"{64 * dp} seqs"
    ).busiest.total
    assert bigger <= mem(zero=zero) * (1 + 1e-12)


def test_expert_parallel_search_and_moe_memory() -> None:
    mixtral = model_shape("mixtral-8x7b")
    found = plan_search(mixtral, ep=8, zero=1, recompute="full")
    assert found.candidates and all(c.layout.dp % 8 == 0 for c in found.candidates)
    # experts are split over EP: on 8 GPUs each holds 1/8 of the routed experts' weights
    p1 = plan_shape(mixtral, accelerators=8, zero=0)
    p8 = plan_shape(mixtral, accelerators=8, ep=8, zero=0)
    experts = sum(la.expert_params for la in mixtral.layers)
    saved = 2 * experts * (1 - 1 / 8)  # 16-bit weights of the experts a GPU no longer holds
    assert p1.busiest.part("parameters") - p8.busiest.part("parameters") == pytest.approx(saved)
    with pytest.raises(FlopcastError, match="ep 3 does not divide the 8 experts"):
        plan_search(mixtral, ep=3)


def test_a_model_from_counts_is_named_by_them() -> None:
    p = flopcast.plan(
        total_params="47B",
        active_params="13B",
        layers=32,
        hidden=4096,
        heads=32,
        kv_heads=8,
        experts=8,
        top_k=2,
        vocab=32000,
    )
    assert p.model == "A 47B model (13B active)"
    assert p.shape.is_moe and p.shape.layers[0].top_k == 2


def test_a_catalog_model_trains_at_its_published_batch_and_sequence_unless_given() -> None:
    # Llama 3 paper, Table 4: 16M tokens per step of 8,192-token sequences; at TP 8 × PP 16
    # on 16,384 GPUs, DP = 128, so 16,777,216 / 8,192 = 2,048 sequences = 16 micro-batches of
    # one per replica, and the 1F1B bubble is (p − 1)/m = 15/16
    kw = dict(accelerators=16384, accelerator_name="h100", tp=8, pp=16, zero=1)
    p = flopcast.plan("llama-3.1-405b", **kw)  # type: ignore[arg-type]
    assert p.time.tokens_per_step == 16_777_216
    assert p.time.micro_batches == 16
    assert p.time.bubble == pytest.approx(15 / 16)
    batch, seq = p.setting("global batch"), p.setting("sequence length")
    assert batch is not None and batch.origin == "catalog: Meta"
    assert seq is not None and seq.origin == "catalog: Meta" and seq.value == "8192"
    assert "global batch" not in [s.name for s in p.defaults_used]
    # given figures win: 4M tokens of 4,096 is 976.6 → 977 sequences, rounded up to whole
    # micro-batches on 128 replicas: 1,024 sequences = 4,194,304 tokens, 8 per replica
    given = flopcast.plan(
        "llama-3.1-405b",
        global_batch="4M tokens",
        seq=4096,
        **kw,  # type: ignore[arg-type]
    )
    assert given.time.tokens_per_step == 4_194_304
    assert given.time.micro_batches == 8
    assert given.setting("global batch").origin == "given"  # type: ignore[union-attr]
    # a model without a published setup takes flopcast's default (4,194,304 tokens)
    small = flopcast.plan("llama-3.1-8b", accelerators=8, accelerator_name="h100")
    assert small.time.tokens_per_step == 4_194_304
    assert "global batch" in [s.name for s in small.defaults_used]
