"""The exact counts of the 2025-26 shipped configs against the developers' own figures.

Exact totals (transformers on the meta device) are recorded in test_released.py; here each
is compared with what the developer states, rounded as they round it. Sources:

* DeepSeek-V4-Flash 284B total / 13B activated, DeepSeek-V4-Pro 1.6T / 49B: model cards,
  https://huggingface.co/deepseek-ai/DeepSeek-V4-Flash and .../DeepSeek-V4-Pro.
* DeepSeek-V3.2: 671B / 37B like DeepSeek-V3 (the V3.2-Exp tech report keeps V3.1-Terminus's
  configuration and adds the indexer); https://huggingface.co/deepseek-ai/DeepSeek-V3.2.
* GLM-5 744B / 40B activated and GLM-4.5 355B / 32B (GLM-4.7 has GLM-4.5's architecture):
  GLM-5 tech report (arXiv 2602.15763), table of model configurations.
* GLM-4.7-Flash "30B-A3B": https://huggingface.co/zai-org/GLM-4.7-Flash.
* MiniMax-M2.5 229.9B total / 9.8B activated (M2 series: "230B / 10B"): MiniMax-M2.5
  report via https://www.emergentmind.com/topics/minimax-m2-5; model card
  https://huggingface.co/MiniMaxAI/MiniMax-M2.5.
* MiMo-V2-Flash 309B total / 15B active: MiMo-V2-Flash tech report (arXiv 2601.02780).
* Kimi K2.5 1T total / 32B activated with a 400M MoonViT: https://huggingface.co/moonshotai/Kimi-K2.5.
* EXAONE-4.0-32B "30.95B parameters without embeddings":
  https://huggingface.co/LGAI-EXAONE/EXAONE-4.0-32B.
* phi-4 "14B", Olmo-3.1-32B "32B", Devstral 2 "123B", Devstral Small 2 "24B": the names and
  model cards of those repos.
"""

from __future__ import annotations

from flopcast.arch import from_config


def _b(x: int, digits: int = 1) -> float:
    return round(x / 1e9, digits)


def test_deepseek_v4() -> None:
    flash = from_config("deepseek-ai/DeepSeek-V4-Flash")
    assert _b(flash.total_params, 0) == 284  # 284.33B
    assert _b(flash.active_params_without_embedding, 0) == 13  # 13.27B
    pro = from_config("deepseek-ai/DeepSeek-V4-Pro")
    assert round(pro.total_params / 1e12, 1) == 1.6  # 1,573.0B
    assert _b(pro.active_params_without_embedding, 0) == 49  # 48.85B
    # the MTP block is a full decoder block + projections, not in the totals above
    (mtp,) = flash.extras
    assert _b(mtp.params) == 6.6


def test_deepseek_v32_is_v3_plus_the_indexer() -> None:
    v32 = from_config("deepseek-ai/DeepSeek-V3.2")
    v3 = from_config("deepseek-ai/DeepSeek-V3")
    # 61 indexers: wq_b 1536 x 64 x 128 + wk 7168 x 128 + k_norm 2 x 128 + weights_proj 7168 x 64
    indexer = 1536 * 64 * 128 + 7168 * 128 + 2 * 128 + 7168 * 64
    assert v32.total_params - v3.total_params == 61 * indexer == 851_524_864
    assert _b(v32.total_params, 0) == 672  # 671.88B: "671B" + the indexers
    assert _b(v32.active_params_without_embedding, 0) == 37
    # DSA at a 131,072-token context, per layer and decoded token: the core attention sees
    # 2,048 keys x 2 x 128 x (192 + 128) = 0.168 GFLOP; the indexer scores all 131,072 keys
    # x 2 x 64 x (128 + 1) = 2.164 GFLOP; dense MLA: 131,072 x 81,920 = 10.737 GFLOP
    per = v32.flops_per_token(131_072)
    dense = v3.flops_per_token(131_072)
    assert per.decode_attention == 61 * (2048 * 81_920 + 131_072 * 16_512)
    assert round(dense.decode_attention / per.decode_attention, 1) == 4.6


def test_glm() -> None:
    glm5 = from_config("zai-org/GLM-5")
    assert _b(glm5.total_params, 0) == 744  # 743.91B
    assert _b(glm5.active_params_without_embedding, 0) == 41  # 40.83B; stated "40B"
    glm47 = from_config("zai-org/GLM-4.7-FP8")  # abridged: no q/k norms, no q/k/v biases
    (mtp,) = glm47.extras
    # 352.80B main + 3.99B MTP layer = 356.79B; stated 355B: within 0.6% either way
    assert 352.7e9 < glm47.total_params < 355e9 < glm47.total_params + mtp.params < 357e9
    assert _b(glm47.active_params_without_embedding, 0) == 33  # 32.85B; stated "32B"
    flash = from_config("zai-org/GLM-4.7-Flash")
    assert _b(flash.total_params, 0) == 30  # 29.94B
    assert round(flash.active_params_without_embedding / 1e9) == 4  # 3.58B; "A3B"


def test_glm47_with_the_release_flags() -> None:
    """GLM-4.5/4.7 set use_qk_norm and attention_bias (slime's glm4.5-355B-A32B script:
    --qk-layernorm, --add-qkv-bias); the shipped abridged config omits both."""
    import json

    from flopcast.arch.hub import shipped_configs

    path = shipped_configs()["zai-org/GLM-4.7-FP8"]
    config = {**json.loads(path.read_text()), "use_qk_norm": True, "attention_bias": True}
    full = from_config(config)
    abridged = from_config("zai-org/GLM-4.7-FP8")
    # per layer: q_norm + k_norm (2 x 128) and q/k/v biases ((96 + 8 + 8) x 128)
    assert full.total_params - abridged.total_params == 92 * (2 * 128 + 112 * 128) == 1_342_464


def test_minimax_m25() -> None:
    m = from_config("MiniMaxAI/MiniMax-M2.5")
    assert _b(m.total_params, 0) == 229  # 228.69B; MTP modules (not in transformers) aside
    # "9.8B activated" leaves out both the input embedding and the LM head
    head = m.groups.lm_head
    assert _b(m.active_params_without_embedding - head) == 9.8


def test_mimo_v2_flash() -> None:
    m = from_config("XiaomiMiMo/MiMo-V2-Flash")
    assert _b(m.total_params, 0) == 309  # 308.78B
    assert _b(m.active_params_without_embedding, 0) == 15  # 14.82B
    kinds = [layer.attention.kind for layer in m.layers]
    assert kinds.count("sliding") == 39 and kinds.count("full") == 9  # layer 0 + every 6th
    assert {layer.attention.window for layer in m.layers} == {129, None}


def test_kimi_k25() -> None:
    k = from_config("moonshotai/Kimi-K2.5")
    assert round(k.total_params / 1e12, 2) == 1.03  # "1T"
    assert _b(k.active_params, 0) == 33  # 32.86B; "32B"
    tower = {e.name: e.params for e in k.extras}["vision_tower"]
    assert round(tower / 1e8) == 4  # 416.9M; "400M MoonViT"


def test_dense_2025_26() -> None:
    exaone = from_config("LGAI-EXAONE/EXAONE-4.0-32B")
    assert _b(exaone.non_embedding_params, 2) == 30.95  # 30,954,618,880
    assert _b(from_config("microsoft/phi-4").total_params, 0) == 15  # 14.66B; "14B"
    assert _b(from_config("allenai/Olmo-3.1-32B-Instruct").total_params, 0) == 32
    devstral = from_config("mistralai/Devstral-2-123B-Instruct-2512")
    assert _b(devstral.active_params_without_embedding, 0) == 123  # 123.42B; total 125.03B
    small = from_config("mistralai/Devstral-Small-2-24B-Instruct-2512")
    assert _b(small.total_params_with_extras, 0) == 24  # 23.57B text + 0.44B vision


def test_deepseek_v4_pro_against_v32_at_one_million_tokens() -> None:
    """The V4 model card: at a 1M-token context V4-Pro needs 27% of V3.2's single-token
    inference FLOPs and 10% of its KV cache. flopcast's sparse-attention conventions give
    27.0% (decode FLOPs) and 11.5% (bf16 KV cache, where the release stores part of it in FP8)."""
    pro = from_config("deepseek-ai/DeepSeek-V4-Pro")
    v32 = from_config("deepseek-ai/DeepSeek-V3.2")
    context = 1_000_000
    flops = (
        pro.flops_per_token(context).decode_forward / v32.flops_per_token(context).decode_forward
    )
    assert round(flops, 2) == 0.27
    kv = pro.kv_cache_bytes(context) / v32.kv_cache_bytes(context)
    assert round(kv, 2) == 0.11
