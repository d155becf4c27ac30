"""The plan's formulas against published and hand-worked numbers: Korthikanti et al.'s
activations, the ZeRO paper's model states, DeepSpeed's estimators, the 1F1B pipeline."""

from __future__ import annotations

import pytest

from flopcast.planning.activations import (
    ActivationSettings,
    in_flight,
    layer_activations,
    output_activations,
)
from flopcast.planning.build import model_shape
from flopcast.planning.layout import Layout, split_layers
from flopcast.planning.shape import LayerShape
from flopcast.planning.states import StageParams, deepspeed_states, state_bytes
from flopcast.planning.timing import bubble_fraction

# GPT-3 175B as Korthikanti et al. 2022 (arXiv 2205.05198) set it up: s = 2048, b = 1,
# h = 12288, a = 96, t = 8; a plain 4h MLP (8h² weights), full multi-head attention, dropout.
H, A, S, T = 12288, 96, 2048, 8
GPT3 = LayerShape(
    hidden=H,
    heads=A,
    kv_heads=A,
    q_width=H,
    kv_width=2 * H,
    o_width=H,
    attention=True,
    mixer_params=0,
    mlp_params=8 * H * H,
    routed_params=0,
    experts=0,
    top_k=0,
    gated=False,
    tp_params=12 * H * H,
    replicated_params=4 * H,
    expert_params=0,
)
SBH = S * 1 * H  # 25,165,824


def _gpt3(**kw: object) -> ActivationSettings:
    base: dict[str, object] = dict(
        seq=S,
        micro_batch=1,
        tp=T,
        sequence_parallel=True,
        flash_attention=False,
        recompute="none",
        dropout=True,
    )
    base.update(kw)
    return ActivationSettings(**base)  # type: ignore[arg-type]


def test_korthikanti_gpt3_no_parallelism() -> None:
    # sec. 4.1: sbh(34 + 5as/h); 5as/h = 5 × 96 × 2048 / 12288 = 80
    # 25,165,824 × (34 + 80) = 2,868,903,936 bytes per layer
    la = layer_activations(GPT3, _gpt3(tp=1))
    assert la.stored == 2_868_903_936
    # attention 11sbh + 5as²b, MLP 19sbh, norms 4sbh (the masks split between the two blocks)
    assert la.attention + la.dropout / 2 == 11 * SBH
    assert la.scores == 5 * A * S * S
    assert la.mlp + la.dropout / 2 == 19 * SBH
    assert la.norms == 4 * SBH


def test_korthikanti_gpt3_tensor_parallel_without_sequence_parallel() -> None:
    # sec. 4.2.1: sbh(10 + 24/t + 5as/(ht)) = sbh(10 + 3 + 10) = 23 sbh = 578,813,952
    la = layer_activations(GPT3, _gpt3(sequence_parallel=False))
    assert la.stored == 23 * SBH == 578_813_952


def test_korthikanti_gpt3_with_sequence_parallel() -> None:
    # sec. 4.2.2: sbh(34 + 5as/h)/t = 114/8 sbh = 14.25 × 25,165,824 = 358,612,992
    la = layer_activations(GPT3, _gpt3())
    assert la.stored == pytest.approx(358_612_992)
    assert la.kept == la.stored  # nothing recomputed


def test_korthikanti_gpt3_selective_recomputation() -> None:
    # sec. 5: 34 sbh/t = 4.25 × 25,165,824 = 106,954,752 (the 5as/h term is recomputed)
    la = layer_activations(GPT3, _gpt3(recompute="selective"))
    assert la.kept == pytest.approx(106_954_752)
    # ... and without sequence parallelism sbh(10 + 24/t) = 13 sbh = 327,155,712
    la = layer_activations(GPT3, _gpt3(recompute="selective", sequence_parallel=False))
    assert la.kept == 13 * SBH == 327_155_712


def test_korthikanti_gpt3_full_recomputation() -> None:
    # sec. 5, Table 2: the layer's input 2sbh = 50,331,648; split over t = 8 with sequence
    # parallelism: 6,291,456
    assert layer_activations(GPT3, _gpt3(recompute="full", sequence_parallel=False)).kept == (
        2 * SBH
    )
    assert layer_activations(GPT3, _gpt3(recompute="full")).kept == 2 * SBH / T == 6_291_456


def test_flash_attention_keeps_statistics_not_scores() -> None:
    # FlashAttention: one fp32 per head and token instead of 5as²b: 4 × 96 × 2048 / 8 = 98,304
    la = layer_activations(GPT3, _gpt3(flash_attention=True))
    assert la.scores == 4 * A * S / T == 98_304


def test_llama_3_1_8b_gqa_and_swiglu_by_hand() -> None:
    # Llama 3.1 8B: h 4096, 32 heads, 8 KV heads of 128, SwiGLU f = 14336; s = 8192, b = 1,
    # t = 1, flash attention, no dropout. Per token:
    #   attention: input 2h + Q 2·4096 + K,V 2·(2·8·128) + output 2·4096 = 28,672
    #   scores: 4 bytes × 32 heads = 128;  MLP: 2h + 6f = 8,192 + 86,016 = 94,208
    #   norms: 4h = 16,384;  total 139,392 bytes × 8,192 tokens = 1,141,899,264
    shape = model_shape("llama-3.1-8b")
    la = layer_activations(shape.layers[0], ActivationSettings(seq=8192, recompute="none"))
    assert (la.attention, la.scores, la.mlp, la.norms) == (
        28_672 * 8192,
        128 * 8192,
        94_208 * 8192,
        16_384 * 8192,
    )
    assert la.stored == 1_141_899_264
    # the same layer on t = 8 with sequence parallelism: everything ÷ 8, except K and V,
    # which split over the 8 KV heads too
    la8 = layer_activations(shape.layers[0], ActivationSettings(seq=8192, tp=8))
    assert la8.stored == pytest.approx(la.stored / 8)


def test_mixtral_top2_experts_by_hand() -> None:
    # Mixtral 8x7B: each token visits 2 of 8 experts (f = 14336): MLP 2h + 2 × 6f = 180,224
    # bytes per token; dispatch copies 2h × 2 = 16,384 and fp32 router logits 4 × 8 = 32
    shape = model_shape("mixtral-8x7b")
    layer = shape.layers[0]
    assert (layer.experts, layer.top_k) == (8, 2)
    la = layer_activations(layer, ActivationSettings(seq=4096, recompute="none"))
    assert la.mlp == 180_224 * 4096
    assert la.moe == (16_384 + 32) * 4096


def test_output_layer() -> None:
    # last stage: final norm and LM head inputs 2 × 2sbh, fp32 logits 4sbv; ÷ t
    # Llama 3.1 8B at s = 8192, t = 8: (4 × 4096 + 4 × 128,256) × 8192 / 8 = 542,113,792
    a = ActivationSettings(seq=8192, tp=8)
    assert output_activations(4096, 128_256, a) == 542_113_792


def test_zero_paper_figure_1() -> None:
    # Rajbhandari et al. 2020, Figure 1: Ψ = 7.5B, N_d = 64, K = 12 →
    # baseline 120 GB, P_os 31.4 GB, P_os+g 16.6 GB, P_os+g+p 1.9 GB per GPU
    params = StageParams(dense=7.5e9, expert=0.0, largest_layer=0.0)
    layout = Layout(1, 1, 1, 64, 1, (1,))
    totals = [sum(state_bytes(params, layout, z, 12)) / 1e9 for z in range(4)]
    # (2+2+12) × 7.5 = 120; 4 × 7.5 + 12 × 7.5/64 = 31.41; 2 × 7.5 + 14 × 7.5/64 = 16.64;
    # 16 × 7.5/64 = 1.875
    assert [round(x, 1) for x in totals] == [120.0, 31.4, 16.6, 1.9]


def test_deepspeed_estimators_as_deepspeed_prints_them() -> None:
    # DeepSpeed 0.19.8, installed CPU-only in a throwaway environment, printed (per GPU,
    # offload none; its "GB" are GiB):
    #   estimate_zero2_model_states_mem_needs_all_cold(total_params=8030261248,
    #       num_gpus_per_node=8, num_nodes=1)                        -> 31.78GB
    #   estimate_zero3_model_states_mem_needs_all_cold(total_params=8030261248,
    #       largest_layer_params=525336576, num_gpus_per_node=8, num_nodes=1)   -> 18.78GB
    #   estimate_zero3_model_states_mem_needs_all_cold(total_params=70553706496,
    #       largest_layer_params=1050673152, num_gpus_per_node=8, num_nodes=8) -> 22.39GB
    # By its formulas: 2Ψ + int(18Ψ/N) = 16,060,522,496 + 18,068,087,808 = 34,128,610,304;
    # 4 × 525,336,576 + 18,068,087,808 = 20,169,434,112; 4 × 1,050,673,152 + int(18 ×
    # 70,553,706,496 / 64) = 4,202,692,608 + 19,843,229,952 = 24,045,922,560.
    s8, s70 = model_shape("llama-3.1-8b"), model_shape("llama-3.1-70b")
    assert (s8.total_params, s8.largest_module_params) == (8_030_261_248, 525_336_576)
    assert (s70.total_params, s70.largest_module_params) == (70_553_706_496, 1_050_673_152)
    cases = [
        (s8, 8, 2, 34_128_610_304, 31.78),
        (s8, 8, 3, 20_169_434_112, 18.78),
        (s70, 64, 3, 24_045_922_560, 22.39),
    ]
    for shape, gpus, zero, exact, printed in cases:
        total = sum(p.bytes for p in deepspeed_states(shape, gpus, zero))
        assert total == exact
        assert round(total / 2**30, 2) == printed


def test_1f1b_in_flight_and_bubble() -> None:
    # Narayanan et al. 2021 sec. 2.2.1: stage i holds min(p - i, m) micro-batches; the bubble
    # is (p - 1)/m: 15/16 for p = m = 16
    assert [in_flight(i, 16, 32) for i in (0, 1, 15)] == [16, 15, 1]
    assert in_flight(0, 16, 4) == 4
    assert bubble_fraction(16, 16) == 15 / 16


def test_layers_per_stage() -> None:
    # Llama 3 405B: 126 layers on 16 stages, one fewer on the first and last (sec. 3.3.2)
    assert split_layers(126, 16) == (7, *(8,) * 14, 7)
    assert split_layers(32, 4) == (8, 8, 8, 8)
    assert sum(split_layers(61, 16)) == 61
