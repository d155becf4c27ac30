"""Issue 6, "Can I run it?": inference memory, formats, KV cache, machines and decode bounds.

Every expected number below is worked out by hand in the comment next to it, from the exact
parameter counts of the shipped config.json files (tests/arch checks those against
transformers) and the block layouts of llama.cpp's ggml-common.h.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

import flopcast.inference as M
from flopcast.errors import FlopcastError
from flopcast.inference.gguf import _on_layer
from tests.conftest import CLI

GB = 10**9
GIB = 2**30

# exact counts (tests/arch/test_released.py)
SCOUT_TEXT = 107_769_861_120
SCOUT_WITH_VISION = 108_641_793_536  # + vision tower 850,960,896 + projector 20,971,520
SCOUT_ACTIVE = 17_172_894_720
MAVERICK_WITH_VISION = 401_583_781_376
MAVERICK_ACTIVE = 17_184_691_200
LLAMA4_EMBEDDING = 202_048 * 5120  # 1,034,485,760


@pytest.fixture(scope="module")
def scout() -> M.ModelSpec:
    return M.model_spec("llama-4-scout")


@pytest.fixture(scope="module")
def maverick() -> M.ModelSpec:
    return M.model_spec("maverick")


@pytest.fixture(scope="module")
def scout_4bit(scout: M.ModelSpec) -> M.MemoryEstimate:
    return M.memory(scout, "4bit", 8192)


# ---- acceptance: Llama 4 Scout at 4 bits --------------------------------------------------------


def test_scout_4bit_weights_are_54_gb(scout: M.ModelSpec, scout_4bit: M.MemoryEstimate) -> None:
    assert scout.total_params == SCOUT_WITH_VISION
    assert scout_4bit.weights.bytes == SCOUT_WITH_VISION // 2  # 54,320,896,768 B ~ 54 GB
    text_only = M.weights(M.model_spec("llama-4-scout", text_only=True), "4bit")
    assert text_only.bytes == SCOUT_TEXT // 2  # 53,884,930,560 B
    # KV at 8k: 48 layers x (K+V) x 8 heads x 128 x 2 B = 196,608 B/token; 8192 < chunk 8192+1
    assert scout_4bit.kv.bytes == 196_608 * 8192 == 1_610_612_736
    assert scout_4bit.total == 54_320_896_768 + 1_610_612_736 + 1_000_000_000


@pytest.mark.parametrize("gpu", ["rtx-3090", "rtx-4090", "rtx-5090"])
def test_scout_4bit_not_on_one_24_or_32_gb_gpu(scout_4bit: M.MemoryEstimate, gpu: str) -> None:
    f = M.fit(scout_4bit, gpu)
    assert f.verdict != "fits"
    assert f.limit_bytes in (24 * GB, 32 * GB)
    # 56.93 GB needed: the rest only fits by spilling into the desktop's 64 GB of host RAM
    assert f.verdict == "fits_with_offload"
    assert f.offloaded_bytes == scout_4bit.total - f.limit_bytes


@pytest.mark.parametrize(
    "where",
    ["rtx pro 6000", "dgx spark", "strix halo", "m3 ultra 96", "m4 max 128", "m2 ultra",
     "m3 ultra 256", "m3 ultra 512"],
)  # fmt: skip
def test_scout_4bit_fits_96_and_128_gb_machines(scout_4bit: M.MemoryEstimate, where: str) -> None:
    f = M.fit(scout_4bit, where)
    assert f.verdict == "fits", (where, f.need_bytes, f.limit_bytes)
    assert f.headroom_bytes == f.limit_bytes - f.need_bytes > 0


def test_scout_4bit_on_a_64_gb_mac_says_which_remedy(scout_4bit: M.MemoryEstimate) -> None:
    f = M.fit(scout_4bit, "m4 max 64")
    # default GPU share 3/4 of 64 GB = 48 GB < 56.93 GB; raised limit 64 - 8 = 56 GB < 56.93 GB
    assert f.limit_bytes == 48 * GB
    assert f.max_bytes == 56 * GB
    assert f.verdict == "does_not_fit"
    assert f.smaller_format is not None and f.smaller_format in M.ladder()
    smaller = M.memory(scout_4bit.model, f.smaller_format, 8192)
    assert smaller.total <= 48 * GB < scout_4bit.total
    assert f.required_limit_bytes == scout_4bit.total
    text = " ".join(f.remedies)
    assert f"a smaller format fits within the default GPU limit: {f.smaller_format}" in text
    assert "iogpu.wired_limit_mb=54295" in text  # ceil(56,931,509,504 / 2^20)
    # keep 6 GB for macOS instead of 8: raising the limit to 56.93 GB is then enough
    g = M.fit(scout_4bit, "m4 max 64", os_reserve_gb=6)
    assert g.verdict == "fits_if_limit_raised"
    assert any("raise the GPU memory limit to 56.9 GB" in r for r in g.remedies)


# ---- acceptance: Maverick and Behemoth ----------------------------------------------------------


def test_maverick_4bit_200_gb_fits_m3_ultra_512_and_8x_h100(maverick: M.ModelSpec) -> None:
    est = M.memory(maverick, "4bit", 8192)
    assert est.weights.bytes == MAVERICK_WITH_VISION // 2  # 200,791,890,688 B ~ 200 GB
    assert M.fit(est, "m3 ultra 512").verdict == "fits"  # 203.4 GB <= 3/4 x 512 GB
    node = M.fit(est, "8x h100")
    assert node.verdict == "fits" and node.limit_bytes == 640 * GB
    assert node.need_bytes == est.weights.bytes + est.kv.bytes + 8 * GB  # overhead per GPU
    table = M.fit_table(est)
    assert not [r.machine.id for r in table if r.machine.category == "consumer" and r.fits]


def test_behemoth_4bit_1_tb_is_datacenter_only() -> None:
    spec = M.model_spec("behemoth")
    assert spec.estimate and spec.arch is None  # no config: catalog figures, labelled
    est = M.memory(spec, "4bit", 8192)
    assert est.weights.bytes == 10**12  # "nearly two trillion" = 2T x 4 bits
    assert est.weights.estimate and not est.kv.known
    fitting = [r for r in M.fit_table(est) if r.fits]
    assert fitting and {r.machine.category for r in fitting} == {"datacenter"}
    assert "8x-h200" in {r.machine.id for r in fitting}  # 1,128 GB >= 1,000 + 8 GB


# ---- acceptance: gpt-oss shipped MXFP4/BF16 mix -------------------------------------------------


def test_gpt_oss_120b_native_mix_is_60_8_gib() -> None:
    spec = M.model_spec("gpt-oss-120b")
    assert spec.native_format == "mxfp4"  # from config.json quantization_config
    w = M.weights(spec)
    # experts 114,661,785,600 x 17/32 B + the other 2,167,371,072 params in BF16
    assert w.group("routed_experts") is not None
    assert w.bytes == 114_661_785_600 * 17 // 32 + 2_167_371_072 * 2 == 65_248_815_744
    assert round(w.bytes / GIB, 1) == 60.8  # model card


def test_gpt_oss_20b_is_12_8_gib() -> None:
    spec = M.model_spec("gpt-oss-20b")
    assert spec.source.startswith("config.json of openai/gpt-oss-20b") and not spec.estimate
    assert spec.arch is not None
    assert spec.arch.total_params == 20_914_757_184  # card: 20.91B
    assert spec.arch.active_params_without_embedding == 3_608_307_264  # card: 3.61B
    w = M.weights(spec)
    # 24 layers x 32 experts x 3 x 2880^2 = 19,110,297,600 expert weights at 17/32 B
    assert w.bytes == 19_110_297_600 * 17 // 32 + (20_914_757_184 - 19_110_297_600) * 2
    assert w.bytes == 13_761_264_768
    assert round(w.bytes / GIB, 1) == 12.8  # model card


# ---- acceptance: KV cache -----------------------------------------------------------------------


def test_kv_cache_llama_8b_and_deepseek_mla() -> None:
    llama = M.model_spec("llama-3.1-8b")
    kv = M.kv_cache(llama, 131_072, "bf16")
    assert kv.bytes_per_token == 32 * 2 * 8 * 128 * 2 == 131_072
    assert kv.bytes == 16 * GIB  # 128k x 128 KiB
    assert M.kv_cache(llama, 131_072, "fp8").bytes == 8 * GIB
    assert M.kv_cache(llama, 1024, "q8_0").bytes_per_token == 131_072 * 17 // 32  # 34 B / 32
    assert M.kv_cache(llama, 1000, sequences=4).bytes == 4 * 1000 * 131_072
    ds = M.model_spec("deepseek-v3")
    # MLA caches kv_lora 512 + rope 64 = 576 elements per layer: 61 x 576 x 2 B
    assert M.kv_cache(ds, 4096).bytes_per_token == 61 * 576 * 2 == 70_272


def test_sliding_and_chunked_layers_are_capped() -> None:
    oss = M.model_spec("gpt-oss-120b")
    # 18 full layers x 8 x 64 x 2 x 2 B = 36,864 B/token; 18 sliding layers hold 128 tokens
    kv = M.kv_cache(oss, 100_000)
    assert kv.bytes == 36_864 * 100_000 + 36_864 * 128
    scout = M.model_spec("scout")
    # 12 NoPE layers hold everything, 36 chunked layers at most 8,192 tokens (4,096 B/token each)
    assert M.kv_cache(scout, 131_072).bytes == 12 * 4096 * 131_072 + 36 * 4096 * 8192


# ---- acceptance: decode bound uses active parameters --------------------------------------------


def test_maverick_decode_bound_on_m3_ultra_uses_17b_active(maverick: M.ModelSpec) -> None:
    est = M.memory(maverick, "4bit", 8192)
    f = M.fit(est, "m3 ultra 512")
    # per token: active params minus the embedding matrix plus one 5,120-wide row, at 4 bits
    weights_read = (MAVERICK_ACTIVE - LLAMA4_EMBEDDING + 5120) // 2
    assert est.weights.read_bytes_per_token == weights_read == 8_075_105_280
    kv_read = 196_608 * 8192
    assert f.decode_tokens_per_s == pytest.approx(819e9 / (weights_read + kv_read), rel=1e-9)
    assert f.decode_tokens_per_s == pytest.approx(84.557, abs=0.001)
    naive = 819e9 / (MAVERICK_WITH_VISION / 2)  # reading all 400B per token: ~4.1 tokens/s
    assert f.decode_tokens_per_s is not None and f.decode_tokens_per_s > 20 * naive


def test_offload_decode_bound_reads_the_spilled_weights_at_host_bandwidth(
    scout_4bit: M.MemoryEstimate,
) -> None:
    f = M.fit(scout_4bit, "rtx 4090")
    w = (SCOUT_ACTIVE - LLAMA4_EMBEDDING + 5120) // 2
    kv = 196_608 * 8192
    share = f.offloaded_bytes / scout_4bit.weights.bytes
    expected = 1 / ((w * (1 - share) + kv) / 1008e9 + w * share / 89.6e9)
    assert f.decode_tokens_per_s == pytest.approx(expected, rel=1e-12)
    assert f.prefill_tokens_per_s is None


def test_prefill_bound_from_peak_flops() -> None:
    spec = M.model_spec("llama-3.1-8b")
    est = M.memory(spec, "bf16", 4096)
    f = M.fit(est, "h100")
    assert spec.arch is not None
    per_token = spec.arch.flops_per_token(4096).forward
    assert f.prefill_tokens_per_s == pytest.approx(989.4e12 / per_token, rel=1e-9)


# ---- formats ------------------------------------------------------------------------------------


def test_ggml_block_sizes_give_the_published_bits_per_weight() -> None:
    bpw = {k: float(t.bits) for k, t in M.ggml_types().items()}
    assert bpw["Q4_0"] == 4.5 and bpw["Q8_0"] == 8.5 and bpw["Q4_K"] == 4.5
    assert bpw["Q2_K"] == 2.625 and bpw["Q3_K"] == 3.4375 and bpw["Q5_K"] == 5.5
    assert bpw["Q6_K"] == 6.5625 and bpw["IQ4_XS"] == 4.25 and bpw["IQ2_XXS"] == 2.0625
    assert bpw["IQ1_S"] == 1.5625 and bpw["IQ1_M"] == 1.75 and bpw["MXFP4"] == 4.25
    assert bpw["TQ1_0"] == 1.6875 and bpw["NVFP4"] == 4.5


def test_grouped_formats_bits_per_weight() -> None:
    assert M.weight_format("int4").grouped_bits(None) == Fraction(4) + Fraction(20, 128)
    assert M.weight_format("gptq") == M.weight_format("awq") == M.weight_format("int4")
    assert M.weight_format("nf4").grouped_bits(None) == 4.5
    assert float(M.weight_format("nf4-dq").grouped_bits(None)) == pytest.approx(4.127, abs=5e-4)
    assert M.weight_format("mxfp4").grouped_bits(None) == 4.25
    llama = M.model_spec("llama-3.1-8b")
    w = M.weights(llama, "int4")
    att = w.group("attention")
    emb = w.group("embedding")
    assert att is not None and emb is not None
    assert att.bits_per_weight == 4.15625 and emb.bits_per_weight == 16


def test_q4_0_on_llama_8b_exactly() -> None:
    w = M.weights(M.model_spec("llama-3.1-8b"), "q4_0")
    # 7,504,658,432 matrix weights at 18/32 B, output 525,336,576 at Q6_K (210/256 B),
    # 266,240 norm weights in F32
    assert w.bytes == 7_504_658_432 * 18 // 32 + 525_336_576 * 210 // 256 + 266_240 * 4
    assert w.bytes == 4_653_375_488


def test_q4_k_m_puts_half_the_layers_ffn_down_at_q6_k() -> None:
    w = M.weights(M.model_spec("llama-3.1-8b"), "q4_k_m")
    mlp = w.group("dense_mlp")
    assert mlp is not None
    # use_more_bits(i, 32): layers 0-3, 28-31 and 6, 9, ..., 27 = 16 of 32 layers
    assert mlp.types["Q6_K"] == 16 * 14336 * 4096
    assert mlp.types["Q4_K"] == 32 * 2 * 14336 * 4096 + 16 * 14336 * 4096


def test_use_more_bits_layers() -> None:
    # llama-quant.cpp: i < n/8 || i >= 7n/8 || (i - n/8) % 3 == 2
    layers = {i for i in range(32) if _on_layer("more_bits", i, 32)}
    assert layers == {0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31}
    assert {i for i in range(32) if _on_layer("first_sixteenth", i, 32)} == {0, 1}
    assert {i for i in range(48) if _on_layer("middle", i, 48)} == set(range(6, 42))


@pytest.mark.parametrize(
    ("fmt", "gib"),
    [("q8_0", 7.96), ("q6_k", 6.14), ("q5_k_m", 5.33), ("q5_k_s", 5.21), ("q4_k_m", 4.58),
     ("q4_k_s", 4.37), ("q4_0", 4.34), ("q4_1", 4.78), ("q3_k_l", 4.03), ("q3_k_m", 3.74),
     ("q3_k_s", 3.41), ("q2_k", 2.96)],
)  # fmt: skip
def test_gguf_recipes_match_llama_cpp_size_table(fmt: str, gib: float) -> None:
    """quantize.cpp's sizes for Llama-3-8B (same shapes as Llama-3.1-8B); the files also hold
    a few MB of tokenizer metadata, hence the 0.5% tolerance."""
    w = M.weights(M.model_spec("llama-3.1-8b"), fmt)
    assert w.bytes / GIB == pytest.approx(gib, rel=0.005)


def test_gguf_row_fallback_on_gpt_oss() -> None:
    # hidden 2880 is not a multiple of 256: Q4_K rows fall back to Q5_0 (llama-quant.cpp)
    w = M.weights(M.model_spec("gpt-oss-120b"), "q4_k_m")
    att = w.group("attention")
    assert att is not None and "Q5_0" in att.types
    assert any("fell back" in n for n in w.notes)
    out = w.group("lm_head")
    assert out is not None and set(out.types) == {"Q8_0"}


def test_mixtral_eight_expert_rules() -> None:
    w = M.weights(M.model_spec("mixtral-8x7b"), "q4_k_m")
    att = w.group("attention")
    assert att is not None
    # n_expert == 8: attn_v and attn_k at Q8_0, attn_output at Q5_K (32 layers of 4096 x 1024)
    assert att.types["Q8_0"] == 32 * 2 * 4096 * 1024
    assert att.types["Q5_K"] == 32 * 4096 * 4096


def test_native_formats() -> None:
    assert M.model_spec("deepseek-v3").native_format == "fp8"
    assert M.model_spec("llama-3.1-8b").native_format == "bf16"
    ds = M.weights(M.model_spec("deepseek-v3"))
    emb = ds.group("embedding")
    experts = ds.group("routed_experts")
    assert emb is not None and experts is not None
    assert emb.bits_per_weight == 16
    assert experts.bits_per_weight == pytest.approx(8 + 32 / 16384)


def test_uniform_width_and_lookup() -> None:
    assert M.weight_format("4bit").bits == 4
    assert M.weight_format("4.5 bpw").bits == Fraction(9, 2)
    assert M.weight_format("Q4_K_M").id == "q4_k_m"
    assert M.weight_format("q4km").id == "q4_k_m"
    with pytest.raises(FlopcastError, match="did you mean q4_k_m"):
        M.weight_format("q4_k_mm")
    with pytest.raises(FlopcastError, match="between 1 and 32"):
        M.weight_format("64bit")


def test_moe_only_format_on_a_dense_model_is_refused() -> None:
    with pytest.raises(FlopcastError, match="MoE experts only"):
        M.weights(M.model_spec("llama-3.1-8b"), "mxfp4")
    with pytest.raises(FlopcastError, match="experts"):
        M.weights(M.model_spec(total="100B"), "mxfp4")


# ---- estimates without a config -----------------------------------------------------------------


def test_numbers_instead_of_a_name() -> None:
    spec = M.model_spec(total="109B", active="17B")
    assert spec.estimate and spec.total_params == 109 * 10**9
    est = M.memory(spec, "4bit", 8192)
    assert est.weights.bytes == 54_500_000_000 and est.weights.read_bytes_per_token == 8.5e9
    assert not est.kv.known and est.kv.bytes == 0
    # GGUF mixes fall back to llama.cpp's whole-file bpw for Llama-3-8B, labelled
    q = M.weights(spec, "q4_k_m")
    assert q.bytes == 109 * 10**9 * 49 // 80 and "estimate" in q.notes[0]  # 4.90 bpw
    kv = M.kv_cache(M.model_spec(total="109B", kv_bytes_per_token=196_608), 1000)
    assert kv.known and kv.bytes == 196_608_000
    with pytest.raises(FlopcastError, match="active needs total"):
        M.model_spec(active="17B")
    with pytest.raises(FlopcastError, match="cannot exceed"):
        M.model_spec(total="17B", active="109B")


# ---- machines, context, best format -------------------------------------------------------------


def test_machine_lookup() -> None:
    assert M.machine("RTX 4090").id == "rtx-4090"
    assert M.machine("8x H100").memory_gb == 640
    three = M.machine("3x rtx 4090")
    assert three.devices == 3 and three.memory_gb == 72 and three.host_ram_gb == 64
    cpu = M.machine("cpu 256gb")
    # 256 GB less the 4 GB a desktop OS keeps (data/defaults.toml, [local.os_reserve])
    assert cpu.kind == "cpu" and cpu.gpu_limit_bytes() == 252 * GB
    assert M.machine("h200").device_memory_gb == 141  # from the accelerator table
    with pytest.raises(FlopcastError, match="unknown machine"):
        M.machine("rtx 9090 ti super")


def test_every_machine_and_format_has_a_source() -> None:
    for m in M.machines():
        assert m.source.startswith("https://"), m.id
        assert m.memory_gb > 0 and m.bandwidth_gbs > 0
    for f in M.formats():
        assert f.source.startswith("https://"), f.id
    assert {m.id for m in M.machines()} >= {
        "rtx-3090", "rtx-4090", "rtx-5090", "rtx-pro-6000", "m2-ultra-192", "m3-ultra-96",
        "m3-ultra-256", "m3-ultra-512", "m4-max-128", "dgx-spark", "ryzen-ai-max-395",
        "h100", "h200", "b200", "mi300x", "8x-h100",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "tokens"),
    [("32k", 32_768), ("128K", 131_072), ("1M", 1_048_576), ("131072", 131_072),
     ("8,192", 8192), ("1.5k", 1536)],
)  # fmt: skip
def test_context_k_means_1024(text: str, tokens: int) -> None:
    assert M.parse_context(text) == tokens


@pytest.mark.parametrize("bad", ["0", "-5", "1e12", "lots", "0.5", "999999999999"])
def test_bad_context(bad: str) -> None:
    with pytest.raises(FlopcastError):
        M.parse_context(bad)


def test_longest_context_and_best_format_on_an_rtx_4090() -> None:
    spec = M.model_spec("llama-3.1-8b")
    # bf16: 24e9 - 16,060,522,496 weights - 1e9 overhead = 6,939,477,504 B / 131,072 B/token
    assert M.longest_context(spec, "bf16", "rtx 4090") == 52_944
    choice = M.best_format(spec, "rtx 4090", 131_072)
    assert choice.fit is not None
    # at 128k the KV cache is 17.18 GB: only formats <= 5.82 GB of weights fit; q6_k is 6.59 GB
    assert choice.fit.estimate.weights.format.id == "q5_k_m"
    assert [t.verdict for t in choice.tried[:-1]] == ["fits_with_offload"] * 3
    assert choice.longest_context == 131_072  # the model's maximum


def test_scout_on_rtx_4090_has_only_offload() -> None:
    choice = M.best_format(M.model_spec("scout"), "rtx 4090")
    assert choice.fit is None
    assert choice.relaxed is not None and choice.relaxed.verdict == "fits_with_offload"


# ---- CLI ----------------------------------------------------------------------------------------


def test_cli_local_table(cli: CLI) -> None:
    r = cli("local", "llama-4-scout", "--quant", "q4_k_m", "--context", "32k")
    assert r.code == 0, r.err
    assert "32,768 tokens" in r.out and "rtx-pro-6000" in r.out
    assert "fits with CPU offload" in r.out and "does not fit" in r.out
    r = cli("local", "llama-4-scout", "--quant", "4bit", "--json")
    data = r.json()
    rows = {m["machine"]: m for m in data["machines"]}
    assert rows["rtx-pro-6000"]["verdict"] == "fits"
    assert rows["m4-max-64"]["smaller_format"] is not None
    assert data["memory"]["weights"]["bytes"] == SCOUT_WITH_VISION // 2


def test_cli_local_on_one_machine(cli: CLI) -> None:
    r = cli("local", "llama-4-scout", "--on", "rtx 4090")
    assert r.code == 0, r.err
    assert "Best format that fits" in r.out and "fits with CPU offload" in r.out
    r = cli("local", "llama-3.1-8b", "--on", "rtx 4090", "--context", "128k", "--json")
    data = r.json()
    assert data["best"]["best_format"] == "q5_k_m"
    assert data["fit"]["longest_context"] == 52_944


def test_cli_memory_breakdown(cli: CLI) -> None:
    r = cli("memory", "maverick", "--quant", "int4", "--context", "128k")
    assert r.code == 0, r.err
    assert "131,072 tokens" in r.out and "routed experts" in r.out and "KV cache" in r.out
    data = cli("memory", "maverick", "--quant", "int4", "--context", "128k", "--json").json()
    assert data["kv_cache"]["bytes"] == 12 * 4096 * 131_072 + 36 * 4096 * 8192
    r = cli("memory", "--total", "2T", "--quant", "4bit")
    assert r.code == 0 and "estimate" in r.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("memory", "scout", "--quant", "q4_k_mm"), "did you mean q4_k_m"),
        (("local", "scout", "--on", "rtx 9090 ti super"), "unknown machine"),
        (("memory", "scout", "--context", "-5"), "context"),
        (("memory", "scout", "--context", "0"), "positive"),
        (("memory", "scout", "--context", "999999999999"), "absurd"),
        (("memory", "llama-3.1-8b", "--quant", "mxfp4"), "MoE experts only"),
        (("memory", "--active", "17B"), "needs --total"),
        (("memory", "scout", "--kv-dtype", "q3"), "unknown KV-cache dtype"),
        (("memory", "no-such-model"), "no-such-model"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2(cli: CLI, args: tuple[str, ...], message: str) -> None:
    r = cli(*args)
    assert r.code == 2, (r.out, r.err)
    assert message in r.err
    assert len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err
