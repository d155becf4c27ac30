"""Memory of hybrid models: the fixed recurrent state apart from the growing KV cache.

Worked by hand from the shipped config.json files (tests/arch proves their layer layouts and
counts against transformers); conventions in flopcast.arch.types.
"""

from __future__ import annotations

import flopcast.inference as M
from tests.conftest import CLI

QWEN3_NEXT = "Qwen/Qwen3-Next-80B-A3B-Instruct"  # config: the shipped Thinking twin
CONTEXT = 262_144  # 256k
# growing: 12 full-attention layers x 2 (K, V) x 2 KV heads x 256 head dim x 2 B (bf16)
#   = 24,576 B per token; x 262,144 tokens = 6,442,450,944 B (6 GiB)
GROWING = 12 * 2 * 2 * 256 * 2 * CONTEXT
# fixed: 36 Gated DeltaNet layers x (32 value heads x 128 d_k x 128 d_v state
#   + (2 x 16 x 128 + 32 x 128) channels x (4 - 1) conv window) x 2 B
#   = 36 x (524,288 + 24,576) x 2 = 39,518,208 B (37.7 MiB), at any context
FIXED = 36 * (32 * 128 * 128 + (2 * 16 * 128 + 32 * 128) * 3) * 2


def test_qwen3_next_fixed_state_apart_from_the_growing_cache() -> None:
    kv = M.kv_cache(M.model_spec(QWEN3_NEXT), CONTEXT, "bf16")
    assert GROWING == 6_442_450_944 and FIXED == 39_518_208
    assert kv.growing_bytes == GROWING
    assert kv.fixed_bytes == FIXED
    assert kv.bytes == GROWING + FIXED == 6_481_969_152
    assert kv.fixed_state_dtype == "bf16"
    # a decoded token reads every cached key/value (full layers) and the whole state
    assert kv.read_bytes_per_token == GROWING + FIXED
    # the state is per sequence; the growing part scales with tokens too
    two = M.kv_cache(M.model_spec(QWEN3_NEXT), CONTEXT, "bf16", sequences=2)
    assert two.fixed_bytes == 2 * FIXED and two.bytes == 2 * (GROWING + FIXED)
    short = M.kv_cache(M.model_spec(QWEN3_NEXT), 1, "bf16")
    assert short.fixed_bytes == FIXED and short.growing_bytes == 24_576


def test_memory_total_includes_the_fixed_state() -> None:
    est = M.memory(M.model_spec(QWEN3_NEXT), "bf16", CONTEXT)
    assert est.total == est.weights.bytes + GROWING + FIXED + est.overhead_per_device


def test_pinned_state_dtype_is_kept_with_a_smaller_cache_dtype() -> None:
    # Qwen3.5-397B-A17B pins mamba_ssm_dtype float32: 45 GDN layers, state 64 x 128 x 128 at
    # 4 B, conv (2 x 16 x 128 + 64 x 128) x 3 at the fp8 cache's 1 B:
    # 45 x (1,048,576 x 4 + 36,864 x 1) = 190,402,560 B
    kv = M.kv_cache(M.model_spec("Qwen/Qwen3.5-397B-A17B"), 1024, "fp8")
    assert kv.fixed_bytes == 45 * (1_048_576 * 4 + 36_864) == 190_402_560
    assert kv.fixed_state_dtype == "float32"


def test_dense_models_have_no_fixed_state() -> None:
    kv = M.kv_cache(M.model_spec("meta-llama/Llama-3.1-8B-Instruct"), 4096)
    assert kv.fixed_bytes == 0 and kv.growing_bytes == kv.bytes


def test_cli_memory_shows_the_fixed_state_on_its_own_line(cli: CLI) -> None:
    r = cli("memory", "qwen3-next-80b-a3b", "--context", "256k")  # the catalog name
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    growing = next(line for line in lines if line.startswith("growing, at 262,144 tokens"))
    fixed = next(line for line in lines if line.startswith("fixed recurrent state"))
    assert "6.4 GB" in growing and "6 GiB" in growing
    assert "40 MB" in fixed and "37.7 MiB" in fixed
    assert any(line.startswith("total") and "6.5 GB" in line for line in lines)
    data = cli("memory", "qwen3-next-80b-a3b", "--context", "256k", "--json").json()
    cache = data["kv_cache"]
    assert cache["fixed_state_bytes"] == FIXED and cache["growing_bytes"] == GROWING


def test_cli_local_headline_names_the_recurrent_state(cli: CLI) -> None:
    r = cli("local", QWEN3_NEXT, "--context", "256k")
    assert r.code == 0, r.err
    assert "KV 6.4 GB + recurrent state 40 MB" in " ".join(r.out.split())
