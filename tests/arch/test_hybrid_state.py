"""The fixed recurrent state and the growing KV cache of hybrid models, worked by hand."""

from __future__ import annotations

from flopcast.arch import from_config
from flopcast.configs import resolve_config


def test_qwen3_next_80b_fixed_state_and_growing_cache() -> None:
    arch = from_config(resolve_config("Qwen/Qwen3-Next-80B-A3B-Instruct", hub=False).config)
    # 48 layers, every 4th full attention: 36 Gated DeltaNet + 12 attention layers.
    # One GDN layer's state: 32 value heads x 128 (d_k) x 128 (d_v) = 524,288 elements;
    # its conv window: (2 x 16 x 128 q/k + 32 x 128 v) channels x (4 - 1) = 24,576 elements.
    # 36 x (524,288 + 24,576) = 19,759,104 elements x 2 B (bf16) = 39,518,208 B.
    assert arch.fixed_state_elements == 19_759_104
    assert arch.fixed_state_bytes("bf16") == 39_518_208
    assert arch.fixed_state_bytes("fp8") == 19_759_104
    # growing: 12 layers x 2 (K, V) x 2 KV heads x 256 x 2 B = 24,576 B per token
    assert arch.kv_cache_bytes_per_token("bf16") == 24_576
    assert arch.growing_kv_bytes(262_144) == 24_576 * 262_144 == 6_442_450_944
    assert arch.kv_cache_bytes(262_144) == 6_442_450_944 + 39_518_208
    # the fixed part does not grow: one token or 256k tokens, and it scales with the batch
    assert arch.kv_cache_bytes(1) - arch.growing_kv_bytes(1) == 39_518_208
    assert arch.fixed_state_bytes("bf16", batch=4) == 4 * 39_518_208


def test_qwen3_5_state_kept_at_the_pinned_float32() -> None:
    arch = from_config("Qwen/Qwen3.5-397B-A17B")  # text_config: mamba_ssm_dtype float32
    assert arch.state_dtype == "float32"
    # 60 layers, 45 GDN: state 64 heads x 128 x 128 at 4 B; conv (2 x 16 x 128 + 64 x 128)
    # channels x 3 at 2 B (bf16): 45 x (1,048,576 x 4 + 36,864 x 2) = 192,061,440 B
    assert arch.fixed_state_bytes("bf16") == 45 * (1_048_576 * 4 + 36_864 * 2) == 192_061_440


def test_recurrent_flops_are_linear_in_context() -> None:
    arch = from_config(resolve_config("Qwen/Qwen3-Next-80B-A3B-Instruct", hub=False).config)
    # 36 layers x 6 x 32 heads x 128 x 128 = 113,246,208 FLOP per token, at any context
    assert arch.recurrent_flops_per_token == 36 * 6 * 32 * 128 * 128 == 113_246_208
    short, long = arch.flops_per_token(1024), arch.flops_per_token(262_144)
    assert short.recurrent == long.recurrent == 113_246_208
    assert long.decode_forward - short.decode_forward == long.decode_attention - (
        short.decode_attention
    )
