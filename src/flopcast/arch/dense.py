"""Dense decoders: llama, mistral, ministral3, qwen2, qwen3, phi3, smollm3, seed_oss, olmo2,
olmo3 and exaone4.

Mirrors transformers models/<type>/modeling_<type>.py (v5). Every one is GQA attention, a
gated MLP and two RMSNorms per layer (OLMo 2/3 and EXAONE 4 place them after attention and
MLP instead of before; the count is the same). They differ in biases (Qwen2 q/k/v; Seed-OSS
q/k/v and optionally o), q/k norms (Qwen3 and EXAONE 4 per head, OLMo 2/3 over all heads),
class defaults, tying, and which layers use a sliding window. Phi-3 fuses q/k/v and
gate/up into single matrices of the same total size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flopcast.arch import common as c
from flopcast.arch.types import ArchBreakdown, AttentionKind, Layer

QkNorm = Literal["none", "head", "full"]


@dataclass(frozen=True)
class _Spec:
    kv_default: int | None  # class default num_key_value_heads (None: = heads)
    head_dim_default: int | None  # class default head_dim (None: hidden // heads)
    qk_norm: QkNorm = "none"
    tied_default: bool = False


_SPECS: dict[str, _Spec] = {
    "llama": _Spec(None, None),
    "mistral": _Spec(8, None),
    "ministral3": _Spec(8, 128),
    "qwen2": _Spec(32, None),
    "qwen3": _Spec(32, 128, "head"),
    "phi3": _Spec(None, None),
    "smollm3": _Spec(4, None, tied_default=True),
    "seed_oss": _Spec(8, 128),
    "olmo2": _Spec(None, None, "full"),
    "olmo3": _Spec(None, None, "full"),
    "exaone4": _Spec(32, None, "head"),
}


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    spec = _SPECS[model_type]
    h = cfg.req_int("hidden_size")
    n_layers = cfg.req_int("num_hidden_layers")
    heads = cfg.req_int("num_attention_heads")
    vocab = cfg.req_int("vocab_size")
    inter = cfg.req_int("intermediate_size")
    kv = c.kv_heads(cfg, heads, spec.kv_default)
    d = c.head_dim(cfg, h, heads, spec.head_dim_default)
    tied = cfg.flag("tie_word_embeddings", spec.tied_default)
    qkv_bias, o_bias, mlp_bias = _biases(cfg, model_type)
    kinds, window = _attention_pattern(cfg, model_type, n_layers)

    def layer(i: int) -> Layer:
        parts = c.gqa_attention(
            h, heads, kv, d, qkv_bias=qkv_bias, o_bias=o_bias, qk_norm=spec.qk_norm == "head"
        )
        if spec.qk_norm == "full":  # OLMo 2/3: one RMSNorm over all q heads, one over all k
            parts += c.norm("q_norm+k_norm", (heads + kv) * d)
        parts += c.glu_mlp(h, inter, bias=mlp_bias)
        parts += c.decoder_norms(h)
        att = c.attention_shape(kinds[i], window, heads, d, d, c.gqa_kv_elements(kv, d))
        return c.make_layer(att, False, parts)

    layers = c.shared_layers(kinds, layer)
    return ArchBreakdown(
        model_type=model_type,
        family="dense",
        modeling_file=f"models/{model_type}/modeling_{model_type}.py",
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=c.embedding_parts(vocab, h, tied, h),
        layers=tuple(layers),
    )


def _biases(cfg: c.Cfg, model_type: str) -> tuple[bool, bool, bool]:
    """(q/k/v bias, o bias, MLP bias) as each attention/MLP class sets them."""
    if model_type in ("llama", "smollm3"):
        bias = cfg.flag("attention_bias", False)
        return bias, bias, cfg.flag("mlp_bias", False)
    if model_type == "qwen2":
        return True, False, False  # Qwen2Attention: q/k/v with bias, o without
    if model_type in ("qwen3", "olmo2", "olmo3"):
        bias = cfg.flag("attention_bias", False)
        return bias, bias, False
    if model_type == "seed_oss":
        return (
            cfg.flag("attention_bias", True),
            cfg.flag("attention_out_bias", False),
            cfg.flag("mlp_bias", False),
        )
    return False, False, False  # mistral, ministral3, phi3, exaone4


def _attention_pattern(
    cfg: c.Cfg, model_type: str, n_layers: int
) -> tuple[list[AttentionKind], int | None]:
    """Which layers use a sliding window, as each config class decides it."""
    if model_type in ("llama", "seed_oss", "olmo2"):
        return ["full"] * n_layers, None
    if model_type in ("mistral", "ministral3", "phi3"):
        # one window for every layer when set (Mistral's class default is 4096)
        window = cfg.window("sliding_window", 4096 if model_type == "mistral" else None)
        kind: AttentionKind = "sliding" if window else "full"
        return [kind] * n_layers, window
    if model_type == "smollm3":
        # SmolLM3Config: sliding only on NoPE layers (no_rope_layers[i] == 0) when enabled
        window = (
            cfg.window("sliding_window", None) if cfg.flag("use_sliding_window", False) else None
        )
        interval = cfg.int_or("no_rope_layer_interval", 4)
        rope = cfg.int_list("no_rope_layers") or [
            int((i + 1) % interval != 0) for i in range(n_layers)
        ]
        default: list[AttentionKind] = [
            "sliding" if window and not rope[i] else "full" for i in range(n_layers)
        ]
        return c.layer_types(cfg, n_layers, default), window
    if model_type == "olmo3":  # three sliding layers, then a full one
        window = cfg.window("sliding_window", 4096)
        default = ["sliding" if (i + 1) % 4 else "full" for i in range(n_layers)]
        return c.layer_types(cfg, n_layers, default), window
    if model_type == "exaone4":
        return _exaone4_pattern(cfg, n_layers)
    # Qwen2Config/Qwen3Config: window only if use_sliding_window; layers >= max_window_layers
    use = cfg.flag("use_sliding_window", False)
    window = cfg.window("sliding_window", 4096) if use else None
    max_window = cfg.int_or("max_window_layers", 28, minimum=0)
    default = [
        "sliding" if window is not None and i >= max_window else "full" for i in range(n_layers)
    ]
    return c.layer_types(cfg, n_layers, default), window


def _exaone4_pattern(cfg: c.Cfg, n_layers: int) -> tuple[list[AttentionKind], int | None]:
    """Exaone4Config: every ``sliding_window_pattern``-th layer is global ("LLLG" = 4)."""
    window = cfg.window("sliding_window", 4096)
    pattern = cfg.data.get("sliding_window_pattern", 4)
    default: list[AttentionKind] = ["full"] * n_layers
    if window and isinstance(pattern, str) and pattern:
        default = [
            "full" if pattern[i % len(pattern)] == "G" else "sliding" for i in range(n_layers)
        ]
    elif window and pattern:
        every = cfg.int_or("sliding_window_pattern", 4)
        default = ["sliding" if (i + 1) % every else "full" for i in range(n_layers)]
    return c.layer_types(cfg, n_layers, default), window
