"""Exact counts of the shipped release configs (src/flopcast/data/configs).

The ``HF_TOTAL`` numbers were computed with transformers 5.24.0 and torch 2.13.0 on the
meta device: ``tests/arch/hf.py build_model(config)`` (AutoModelForCausalLM, or
AutoModelForImageTextToText for multimodal llama4, kimi_k25 and mistral3; kimi_k2 loads as
deepseek_v3), then
``sum(p.numel() for p in model.parameters())``. Reproduce with
``python -m tests.arch.hf`` from the repo root (prints the same table). The flopcast
assertions run without torch; ``test_recorded_totals_match_transformers`` re-derives them.

Headline figures (model cards / papers) for comparison, rounding noted:
  Llama-3.1-8B "8B" (card 8.03B); Llama-3.1-70B "70B" (70.55B, 0.8% above the name);
  Llama 4 Scout "109B total / 17B active" (108.64B with vision, text 107.77B; 17.17B active);
  Llama 4 Maverick "400B / 17B" (401.58B with vision, text 400.71B; 17.18B active);
  DeepSeek-V3 "671B + 14B MTP, 37B active" (671.03B; MTP 11.61B unique; 37.55B active);
  Kimi K2 "1T / 32B active" (1,026.41B; 32.86B active);
  gpt-oss-120b "116.83B / 5.13B active, input embedding excluded" (exact match);
  Mixtral-8x7B "46.7B / 12.9B active" (46.70B / 12.88B);
  Qwen3-32B "32.8B, 31.2B non-embedding" (32.76B / 31.21B);
  Qwen3-Next-80B-A3B "80B total, 3B activated, 79B non-embedding" (79.67B; 79.05B
  non-embedding; 3.25B active without the embedding and LM head, 3.87B with both);
  Qwen3.5-397B-A17B "397B / 17B" (396.80B with vision; 17.35B active);
  Qwen3.5-35B-A3B "35B / 3B" (35.11B with vision; 3.45B active); Qwen3.5-27B "27B" (27.36B);
  Qwen3.5-122B-A10B "122B / 10B" (122.56B with vision; 9.77B active); Qwen3.5-9B "9B" (9.41B);
  Qwen3.6-35B-A3B has Qwen3.5-35B-A3B's architecture (same counts);
  Nemotron 3 Nano 30B-A3B: Hub 31.6B, card "3.5B active, 30B total" (31.58B; 3.58B active
  with the input embedding, 3.23B without); Nemotron 3 Super "120B-A12B" (120.67B / 12.77B);
  Nemotron 3 Ultra "550B-A55B" (549.31B / 56.06B, 54.99B without the input embedding);
  Nemotron-H-56B (56.32B); Gemma 4 26B A4B "25.2B total, 3.8B active, ~550M vision"
  (25.23B text, 3.82B active, 0.57B vision + projection); Gemma 4 31B "30.7B" (30.70B text).
  MTP layers of Super/Ultra are not built by transformers.
"""

from __future__ import annotations

import json

import pytest

from flopcast.arch import ArchBreakdown, from_config
from flopcast.arch.hub import shipped_configs
from flopcast.configs import resolve_config

pytestmark = pytest.mark.slow  # builds real models or figures: run by CI, skipped by -m 'not slow'

# repo -> (transformers total on meta, flopcast text total, active, active without embedding)
HF_TOTAL: dict[str, tuple[int, int, int, int]] = {
    "Qwen/Qwen2.5-32B-Instruct": (32_763_876_352, 32_763_876_352, 32_763_876_352, 31_985_308_672),
    "Qwen/Qwen3-32B": (32_762_123_264, 32_762_123_264, 32_762_123_264, 31_984_210_944),
    "deepseek-ai/DeepSeek-V3": (671_026_404_352, 671_026_404_352, 37_552_282_624, 36_625_603_584),
    "meta-llama/Llama-3.1-70B-Instruct": (
        70_553_706_496,
        70_553_706_496,
        70_553_706_496,
        69_503_033_344,
    ),
    "meta-llama/Llama-3.1-8B-Instruct": (
        8_030_261_248,
        8_030_261_248,
        8_030_261_248,
        7_504_924_672,
    ),
    "meta-llama/Llama-4-Maverick-17B-128E-Instruct": (
        401_583_781_376,
        400_711_848_960,
        17_184_691_200,
        16_150_205_440,
    ),
    "meta-llama/Llama-4-Scout-17B-16E-Instruct": (
        108_641_793_536,
        107_769_861_120,
        17_172_894_720,
        16_138_408_960,
    ),
    "mistralai/Mixtral-8x7B-v0.1": (46_702_792_704, 46_702_792_704, 12_879_925_248, 12_748_853_248),
    "moonshotai/Kimi-K2-Instruct": (
        1_026_408_209_408,
        1_026_408_209_408,
        32_861_477_888,
        31_687_072_768,
    ),
    "openai/gpt-oss-120b": (116_829_156_672, 116_829_156_672, 5_711_982_912, 5_132_849_472),
    "Qwen/Qwen3-0.6B": (596_049_920, 596_049_920, 596_049_920, 596_049_920),
    "Qwen/Qwen3-1.7B": (1_720_574_976, 1_720_574_976, 1_720_574_976, 1_720_574_976),
    "Qwen/Qwen3-8B": (8_190_735_360, 8_190_735_360, 8_190_735_360, 7_568_405_504),
    "Qwen/Qwen3-30B-A3B": (30_532_122_624, 30_532_122_624, 3_353_032_704, 3_041_867_776),
    "Qwen/Qwen3-235B-A22B": (
        235_093_634_560,
        235_093_634_560,
        22_190_763_520,
        21_568_433_664,
    ),
    "meta-llama/Llama-3.1-405B": (
        405_853_388_800,
        405_853_388_800,
        405_853_388_800,
        403_752_042_496,
    ),
    "meta-llama/Llama-3.2-1B-Instruct": (
        1_235_814_400,
        1_235_814_400,
        1_235_814_400,
        1_235_814_400,
    ),
    "meta-llama/Llama-3.2-3B-Instruct": (
        3_212_749_824,
        3_212_749_824,
        3_212_749_824,
        3_212_749_824,
    ),
    "openai/gpt-oss-20b": (20_914_757_184, 20_914_757_184, 4_187_440_704, 3_608_307_264),
    "moonshotai/Kimi-K2-Thinking": (
        1_026_408_209_408,
        1_026_408_209_408,
        32_861_477_888,
        31_687_072_768,
    ),
    # 2025-26 releases; developers' own figures are checked in test_released_2026.py
    "LGAI-EXAONE/EXAONE-4.0-32B": (32_003_216_384, 32_003_216_384, 32_003_216_384, 31_478_928_384),
    "MiniMaxAI/MiniMax-M2.5": (228_689_748_992, 228_689_748_992, 11_030_537_216, 10_415_940_608),
    "XiaomiMiMo/MiMo-V2-Flash": (
        308_778_768_832,
        308_778_768_832,
        15_445_924_288,
        14_820_972_992,
    ),
    "allenai/Olmo-3.1-32B-Instruct": (
        32_233_522_176,
        32_233_522_176,
        32_233_522_176,
        31_720_098_816,
    ),
    "deepseek-ai/DeepSeek-V3.2": (
        671_877_929_216,
        671_877_929_216,
        38_403_807_488,
        37_477_128_448,
    ),
    "deepseek-ai/DeepSeek-V4-Flash": (
        284_332_230_231,
        284_332_230_231,
        13_799_622_231,
        13_270_091_351,
    ),
    "deepseek-ai/DeepSeek-V4-Pro": (
        1_572_997_179_491,
        1_572_997_179_491,
        49_779_058_787,
        48_852_379_747,
    ),
    "microsoft/phi-4": (14_659_507_200, 14_659_507_200, 14_659_507_200, 14_145_704_960),
    "mistralai/Devstral-2-123B-Instruct-2512": (
        125_025_988_608,
        125_025_988_608,
        125_025_988_608,
        123_415_375_872,
    ),
    "mistralai/Devstral-Small-2-24B-Instruct-2512": (
        24_011_361_280,
        23_572_403_200,
        23_572_403_200,
        22_901_314_560,
    ),
    "moonshotai/Kimi-K2.5": (
        1_026_879_353_328,
        1_026_408_209_408,
        32_861_477_888,
        31_687_072_768,
    ),
    "zai-org/GLM-4.7-FP8": (352_796_472_320, 352_796_472_320, 33_630_909_440, 32_854_963_200),
    "zai-org/GLM-4.7-Flash": (29_943_390_976, 29_943_390_976, 3_896_763_136, 3_579_568_896),
    "zai-org/GLM-5": (743_911_199_232, 743_911_199_232, 41_784_709_632, 40_833_126_912),
    # hybrids (Gated DeltaNet + gated attention); Qwen3.5 totals include the vision tower
    "Qwen/Qwen3-Next-80B-A3B-Thinking": (
        79_674_391_296,
        79_674_391_296,
        3_874_929_408,
        3_563_764_480,
    ),
    # Gemma 4 (multimodal: totals include the vision tower and its projection)
    "google/gemma-4-26B-A4B": (25_805_933_872, 25_233_141_760, 3_822_530_560, 3_822_530_560),
    "nvidia/Gemma-4-31B-IT-NVFP4": (
        31_273_086_512,
        30_697_345_280,
        30_697_345_280,
        30_697_345_280,
    ),
    # Nemotron-H / Nemotron 3 (Mamba-2 + attention + MLP/MoE single-mixer layers)
    "nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16": (
        31_577_937_344,
        31_577_937_344,
        3_580_073_408,
        3_227_751_872,
    ),
    "nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-FP8": (
        120_668_687_360,
        120_668_687_360,
        12_770_216_960,
        12_233_346_048,
    ),
    "nvidia/NVIDIA-Nemotron-3-Ultra-550B-A55B-BF16": (
        549_308_968_960,
        549_308_968_960,
        56_058_818_560,
        54_985_076_736,
    ),
    "nvidia/Nemotron-H-56B-Base-8K": (
        56_324_350_464,
        56_324_350_464,
        56_324_350_464,
        55_250_608_640,
    ),
    "Qwen/Qwen3.5-122B-A10B": (
        122_562_817_776,
        122_111_526_912,
        9_771_288_576,
        9_008_449_536,
    ),
    "Qwen/Qwen3.5-9B": (9_409_813_744, 8_953_803_264, 8_953_803_264, 7_936_684_544),
    "Qwen/Qwen3.6-35B-A3B": (35_107_181_936, 34_660_610_688, 3_454_988_928, 2_946_429_568),
    "Qwen/Qwen3.5-27B": (27_356_728_560, 26_895_998_464, 26_895_998_464, 25_624_600_064),
    "Qwen/Qwen3.5-35B-A3B": (35_107_181_936, 34_660_610_688, 3_454_988_928, 2_946_429_568),
    "Qwen/Qwen3.5-397B-A17B": (
        396_802_360_816,
        396_346_350_336,
        17_349_040_896,
        16_331_922_176,
    ),
}


def _load(repo: str) -> dict[str, object]:
    with shipped_configs()[repo].open(encoding="utf-8") as f:
        data: dict[str, object] = json.load(f)
    return data


def test_every_shipped_config_has_recorded_totals() -> None:
    # configs shipped ahead of their architecture builder (deepseek_v4, glm_moe_dsa, qwen3_5,
    # nemotron_h, gemma4, phi3, ...) join HF_TOTAL when the builder lands
    from flopcast.arch import SUPPORTED_MODEL_TYPES

    countable = {
        r for r in shipped_configs() if _load(r).get("model_type") in SUPPORTED_MODEL_TYPES
    }
    assert countable == set(HF_TOTAL)
    assert len(HF_TOTAL) >= 8


@pytest.mark.parametrize("repo", sorted(HF_TOTAL))
def test_flopcast_matches_recorded_totals(repo: str) -> None:
    hf_total, text_total, active, active_no_emb = HF_TOTAL[repo]
    got = from_config(_load(repo))
    assert got.total_params == text_total
    built_extras = sum(e.params for e in got.extras if e.name != "mtp")
    assert got.total_params + built_extras == hf_total
    assert got.active_params == active
    assert got.active_params_without_embedding == active_no_emb
    assert from_config(repo).total_params == text_total  # repo id resolves to the shipped file


@pytest.mark.parametrize("repo", sorted(HF_TOTAL))
def test_recorded_totals_match_transformers(repo: str) -> None:
    from . import hf

    model = hf.build_model(_load(repo))
    assert sum(p.numel() for p in model.parameters()) == HF_TOTAL[repo][0]
    real = hf.param_groups(model)
    real.pop("extra", None)
    got = from_config(_load(repo))
    assert {g: n for g, n in got.groups.to_dict().items() if n} == real


def _twin(repo: str) -> ArchBreakdown:
    """A repo counted from a shipped file (data/configs/derived.toml)."""
    return from_config(resolve_config(repo, hub=False).config)


def test_published_cross_checks() -> None:
    """Independent published figures the exact counts must reproduce."""
    v3 = from_config("deepseek-ai/DeepSeek-V3")
    (mtp,) = v3.extras
    # README_WEIGHTS.md: MTP "11.5B unique" (the extra decoder layer); active 36.6B incl. head
    assert round(mtp.params / 1e9, 1) == 11.6
    assert round(v3.active_params_without_embedding / 1e9, 1) == 36.6
    oss = from_config("openai/gpt-oss-120b")  # model card: 116.83B total, 5.13B active
    assert round(oss.total_params / 1e9, 2) == 116.83
    assert round(oss.active_params_without_embedding / 1e9, 2) == 5.13
    # MXFP4 experts (4.25 bits) + bf16 rest = 60.77 GiB checkpoint (card: 60.8 GiB)
    experts = oss.groups.routed_experts
    size = experts * 17 // 32 + (oss.total_params - experts) * 2
    assert round(size / 2**30, 1) == 60.8
    nxt = _twin("Qwen/Qwen3-Next-80B-A3B-Instruct")  # twin of the Thinking file
    # model card: 80B total, 79B non-embedding, 3B activated
    assert round(nxt.total_params / 1e9) == 80
    assert round(nxt.non_embedding_params / 1e9) == 79
    g = nxt.groups
    assert round((nxt.active_params - g.embedding - g.lm_head) / 1e9) == 3
    nano = from_config("nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16")
    # Hub: 31.6B parameters; card: 52 layers = 23 Mamba-2 + 23 MoE + 6 attention, 3.5B active
    assert round(nano.total_params / 1e9, 1) == 31.6
    assert [la.mixer for la in nano.layers].count("mamba2") == 23
    assert [la.mlp for la in nano.layers].count("moe") == 23
    assert [la.mixer for la in nano.layers].count("full") == 6
    assert 3.5 <= nano.active_params / 1e9 < 3.6
    sup = _twin("nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-BF16")  # twin of the FP8 file
    assert round(sup.total_params / 1e9) == 121 and round(sup.active_params / 1e9) == 13
    g26 = from_config("google/gemma-4-26B-A4B")  # card: 25.2B total, 3.8B active
    assert round(g26.total_params / 1e9, 1) == 25.2
    assert round(g26.active_params / 1e9, 1) == 3.8
    # every layer runs its dense MLP and the experts; global layers have no v_proj
    assert all(la.mlp == "moe" and la.group("dense_mlp") for la in g26.layers)
    g31 = _twin("google/gemma-4-31B-it")  # twin of nvidia's NVFP4 file; card: 30.7B
    assert round(g31.total_params / 1e9, 1) == 30.7
    q397 = from_config("Qwen/Qwen3.5-397B-A17B")  # model card: 397B total, 17B activated
    assert round(q397.total_params_with_extras / 1e9) == 397
    assert round(q397.active_params / 1e9) == 17
