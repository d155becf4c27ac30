"""Attention pair counts, FLOPs per token, KV cache and output shape (no torch needed)."""

from __future__ import annotations

import json

import pytest

from flopcast.arch import Attention, from_config

from .tiny import TINY


def _brute_pairs(kind: str, window: int | None, t: int) -> int:
    """Allowed (q, k) pairs by transformers' mask rules (masking_utils.py), enumerated."""
    n = 0
    for q in range(t):
        for k in range(q + 1):  # causal
            if kind == "sliding" and window and not k > q - window:
                continue
            if kind == "chunked" and window and k // window != q // window:
                continue
            n += 1
    return n


@pytest.mark.parametrize("kind", ["full", "sliding", "chunked"])
@pytest.mark.parametrize("window", [1, 3, 8])
def test_pairs_match_enumeration(kind: str, window: int) -> None:
    att = Attention(kind, None if kind == "full" else window, 2, 4, 4, 16)  # type: ignore[arg-type]
    for t in range(1, 30):
        assert att.pairs(t) == _brute_pairs(kind, window, t)
        assert att.pairs(t, "none") == t * t
        # decode at context t: the last query row of the mask
        assert att.decode_keys(t) == _brute_pairs(kind, window, t) - _brute_pairs(
            kind, window, t - 1
        )


def test_llama_3_1_8b_reference_numbers() -> None:
    """Matches the worked numbers in the research notes (section 3 and 5)."""
    got = from_config("meta-llama/Llama-3.1-8B-Instruct")
    assert got.matmul_params_per_token == 7_504_658_432
    per_token = got.flops_per_token(8192)
    assert per_token.matmul == 15_009_316_864
    assert per_token.attention == 2_147_745_792  # causal average at T = 8192
    assert got.attention_flops_sequence(8192, "none") // 8192 == 4_294_967_296
    assert per_token.training == 3 * per_token.forward
    assert got.kv_cache_bytes_per_token("bf16") == 131_072
    assert got.kv_cache_bytes(1000, "fp8", batch=2) == 2 * 1000 * 65_536


def test_sliding_and_chunked_caps() -> None:
    oss = from_config("openai/gpt-oss-120b")
    assert oss.kv_cache_bytes_per_token() == 73_728
    # 18 full layers grow with context, 18 sliding layers hold at most 128 tokens
    assert oss.kv_cache_bytes(100_000) == 36_864 * 100_000 + 36_864 * 128
    assert round(oss.flops_per_token(8192).attention) == 1_245_563_136
    scout = from_config("meta-llama/Llama-4-Scout-17B-16E-Instruct")
    assert scout.kv_cache_bytes_per_token() == 196_608
    assert scout.kv_cache_bytes(131_072) == 49_152 * 131_072 + 147_456 * 8192
    assert scout.matmul_params_per_token == 16_137_912_320
    assert round(scout.flops_per_token(131_072).attention) == 19_126_517_760


def test_mla_caches_the_latent() -> None:
    v3 = from_config("deepseek-ai/DeepSeek-V3")
    assert v3.kv_cache_bytes_per_token("bf16") == 61 * 576 * 2 == 70_272
    assert v3.matmul_params_per_token == 36_624_596_992
    assert round(v3.flops_per_token(4096).attention) == 10_236_600_320


def test_decode_flops() -> None:
    got = from_config(TINY["gpt_oss"])  # sliding window 5 on layer 0, full on layer 1
    per = got.flops_per_token(12)
    pair = got.layers[0].attention.pair_flops()
    assert per.decode_attention == pair * (5 + 12)
    assert per.decode_forward == per.matmul + per.decode_attention


def test_to_dict_is_json_and_self_consistent() -> None:
    got = from_config("meta-llama/Llama-4-Maverick-17B-128E-Instruct")
    out = json.loads(json.dumps(got.to_dict(context=8192, kv_dtype="fp8")))
    assert sum(out["groups"].values()) == out["total_params"]
    assert (
        sum(layer["params"] for layer in out["layers"])
        + sum(out["groups"][g] for g in ("embedding", "lm_head"))
        + got.hidden_size
        == out["total_params"]
    )
    assert [layer["mlp"] for layer in out["layers"]][:4] == ["dense", "moe", "dense", "moe"]
    assert [layer["attention"] for layer in out["layers"]][:4] == [
        "chunked",
        "chunked",
        "chunked",
        "full",
    ]
    assert out["flops_per_token"]["training"] == 3 * out["flops_per_token"]["forward"]
    assert {e["name"] for e in out["extras"]} == {"vision_tower", "multi_modal_projector"}
    assert "active_params" in out["conventions"]


def test_tied_embedding_conventions() -> None:
    got = from_config(TINY["llama-tied-mha-bias-headdim"])
    assert got.groups.lm_head == 0
    assert got.active_params_without_embedding == got.active_params
    assert got.non_embedding_params == got.total_params - got.groups.embedding
