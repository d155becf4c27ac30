"""Dense decoders: llama, mistral, qwen2, qwen3.

Mirrors transformers models/{llama,mistral,qwen2,qwen3}/modeling_*.py (v5): GQA attention,
gated MLP, two RMSNorms per layer. Qwen2 adds q/k/v biases, Qwen3 per-head q/k norms.
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch.types import ArchBreakdown, AttentionKind, Layer

# model_type -> (modeling file, class default num_key_value_heads, class default head_dim)
_FILES = {
    "llama": "models/llama/modeling_llama.py",
    "mistral": "models/mistral/modeling_mistral.py",
    "qwen2": "models/qwen2/modeling_qwen2.py",
    "qwen3": "models/qwen3/modeling_qwen3.py",
}
_KV_DEFAULT: dict[str, int | None] = {"llama": None, "mistral": 8, "qwen2": 32, "qwen3": 32}
_HEAD_DIM_DEFAULT: dict[str, int | None] = {
    "llama": None,
    "mistral": None,
    "qwen2": None,
    "qwen3": 128,
}


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    h = cfg.req_int("hidden_size")
    n_layers = cfg.req_int("num_hidden_layers")
    heads = cfg.req_int("num_attention_heads")
    vocab = cfg.req_int("vocab_size")
    inter = cfg.req_int("intermediate_size")
    kv = c.kv_heads(cfg, heads, _KV_DEFAULT[model_type])
    d = c.head_dim(cfg, h, heads, _HEAD_DIM_DEFAULT[model_type])
    tied = cfg.flag("tie_word_embeddings", False)

    qkv_bias = o_bias = mlp_bias = False
    if model_type == "llama":
        qkv_bias = o_bias = cfg.flag("attention_bias", False)
        mlp_bias = cfg.flag("mlp_bias", False)
    elif model_type == "qwen2":
        qkv_bias = True  # Qwen2Attention: q/k/v with bias, o without
    elif model_type == "qwen3":
        qkv_bias = o_bias = cfg.flag("attention_bias", False)

    kinds, window = _attention_pattern(cfg, model_type, n_layers)

    def layer(i: int) -> Layer:
        parts = c.gqa_attention(
            h, heads, kv, d, qkv_bias=qkv_bias, o_bias=o_bias, qk_norm=model_type == "qwen3"
        )
        parts += c.glu_mlp(h, inter, bias=mlp_bias)
        parts += c.decoder_norms(h)
        att = c.attention_shape(kinds[i], window, heads, d, d, c.gqa_kv_elements(kv, d))
        return c.make_layer(att, False, parts)

    layers = c.shared_layers(kinds, layer)
    return ArchBreakdown(
        model_type=model_type,
        family="dense",
        modeling_file=_FILES[model_type],
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=c.embedding_parts(vocab, h, tied, h),
        layers=tuple(layers),
    )


def _attention_pattern(
    cfg: c.Cfg, model_type: str, n_layers: int
) -> tuple[list[AttentionKind], int | None]:
    """Which layers use a sliding window, as each config class decides it."""
    if model_type == "llama":
        return ["full"] * n_layers, None
    if model_type == "mistral":
        # MistralConfig: sliding_window (default 4096) applies to every layer when set.
        window = cfg.window("sliding_window", 4096)
        kind: AttentionKind = "sliding" if window else "full"
        return [kind] * n_layers, window
    # Qwen2Config/Qwen3Config: window only if use_sliding_window; layers >= max_window_layers.
    use = cfg.flag("use_sliding_window", False)
    window = cfg.window("sliding_window", 4096) if use else None
    max_window = cfg.int_or("max_window_layers", 28, minimum=0)
    default: list[AttentionKind] = [
        "sliding" if window is not None and i >= max_window else "full" for i in range(n_layers)
    ]
    return c.layer_types(cfg, n_layers, default), window
