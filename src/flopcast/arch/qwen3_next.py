"""Qwen3-Next and Qwen3.5: Gated DeltaNet layers interleaved with gated full attention.

Mirrors transformers models/qwen3_next/modeling_qwen3_next.py, models/qwen3_5/modeling_qwen3_5.py
and models/qwen3_5_moe/modeling_qwen3_5_moe.py (v5). ``layer_types`` (default: every
``full_attention_interval``-th layer, 4, is full attention, the rest ``linear_attention``)
picks the mixer. Full attention has an output gate (q_proj is twice as wide) and per-head
q/k norms. The MLP is a sparse block (router, experts, a shared expert scaled by a sigmoid
``shared_expert_gate``) or a dense gated MLP: Qwen3-Next decides per layer like qwen2_moe
(``mlp_only_layers``, ``decoder_sparse_step``), Qwen3.5 is all dense and Qwen3.5-MoE all
sparse. A multimodal ``qwen3_5``/``qwen3_5_moe`` config's vision tower is an extra. The
multi-token-prediction weights of the checkpoints are not built by transformers and are not
counted.
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch import recurrent as r
from flopcast.arch.types import NO_ATTENTION, ArchBreakdown, ExtraModule, Layer, Part
from flopcast.errors import FlopcastError

_FILES = {
    "qwen3_next": "models/qwen3_next/modeling_qwen3_next.py",
    "qwen3_5": "models/qwen3_5/modeling_qwen3_5.py",
    "qwen3_5_moe": "models/qwen3_5_moe/modeling_qwen3_5_moe.py",
}
# class defaults that differ between the three configs
_DEFAULTS: dict[str, dict[str, int]] = {
    "qwen3_next": {"vocab_size": 151936, "hidden_size": 2048, "num_hidden_layers": 48,
                   "num_key_value_heads": 2, "num_experts": 512, "num_experts_per_tok": 10,
                   "intermediate_size": 5632},
    "qwen3_5": {"vocab_size": 248320, "hidden_size": 4096, "num_hidden_layers": 32,
                "num_key_value_heads": 4, "intermediate_size": 12288},
    "qwen3_5_moe": {"vocab_size": 248320, "hidden_size": 2048, "num_hidden_layers": 40,
                    "num_key_value_heads": 2, "num_experts": 256, "num_experts_per_tok": 8},
}  # fmt: skip


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    family = model_type.removesuffix("_text")
    text = cfg
    extras: tuple[ExtraModule, ...] = ()
    tied = cfg.flag("tie_word_embeddings", False)
    if family != "qwen3_next" and not model_type.endswith("_text"):
        text = cfg.sub("text_config") or c.Cfg({}, model_type, "text_config.")
        extras = _vision(cfg)
    else:
        tied = text.flag("tie_word_embeddings", False)
    defaults = _DEFAULTS[family]

    def size(key: str) -> int:
        return text.int_or(key, defaults[key])

    h = size("hidden_size")
    n_layers = size("num_hidden_layers")
    vocab = size("vocab_size")
    heads = text.int_or("num_attention_heads", 16)
    kv = c.kv_heads(text, heads, defaults["num_key_value_heads"])
    d = text.int_or("head_dim", 256)
    bias = text.flag("attention_bias", False)
    nk = text.int_or("linear_num_key_heads", 16)
    nv = text.int_or("linear_num_value_heads", 32)
    dk = text.int_or("linear_key_head_dim", 128)
    dv = text.int_or("linear_value_head_dim", 128)
    kernel = text.int_or("linear_conv_kernel_dim", 4)
    if nv % nk:
        raise FlopcastError(
            f"linear_num_key_heads ({nk}) must divide linear_num_value_heads ({nv})"
        )

    sparse = _sparse_layers(text, family, n_layers, defaults)
    experts = top_k = moe_inter = shared = 0
    if any(sparse):
        experts = size("num_experts")
        top_k = size("num_experts_per_tok")
        c.check_top_k(text, top_k, experts, "num_experts")
        moe_inter = text.int_or("moe_intermediate_size", 512)
        shared = text.int_or("shared_expert_intermediate_size", 512, minimum=0)
    inter = size("intermediate_size") if not all(sparse) else 0

    interval = text.int_or("full_attention_interval", 4)
    mixers = _layer_types(text, n_layers, interval)
    gdn_parts, gdn = r.gated_deltanet(h, nk, nv, dk, dv, kernel)
    attn_parts = _gated_attention(h, heads, kv, d, bias)
    full = c.attention_shape("full", None, heads, d, d, c.gqa_kv_elements(kv, d))

    def mlp(moe: bool) -> list[Part]:
        if not moe:
            return c.glu_mlp(h, inter)
        parts = c.router(h, experts) + c.routed_experts(h, moe_inter, experts, top_k)
        if shared:
            parts += c.glu_mlp(h, shared, "shared_experts", "shared_expert")
        # shared_expert_gate: Linear(h -> 1); sigmoid of it scales the shared expert
        parts.append(Part("shared_experts", "shared_expert_gate", h, h, h))
        return parts

    def layer(i: int) -> Layer:
        linear = mixers[i] == "linear"
        parts = (gdn_parts if linear else attn_parts) + mlp(sparse[i]) + c.decoder_norms(h)
        if linear:
            return Layer(NO_ATTENTION, "moe" if sparse[i] else "dense", tuple(parts), gdn)
        return c.make_layer(full, sparse[i], parts)

    layers = c.shared_layers(list(zip(mixers, sparse, strict=True)), layer)
    notes = ["multi-token-prediction weights (mtp.*) are not built by transformers: not counted"]
    return ArchBreakdown(
        model_type=model_type,
        family="qwen3_next",
        modeling_file=_FILES[family],
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=c.embedding_parts(vocab, h, tied, h),
        layers=tuple(layers),
        extras=extras,
        notes=tuple(notes),
        state_dtype=r.state_dtype(text),
    )


def _gated_attention(h: int, heads: int, kv: int, d: int, bias: bool) -> list[Part]:
    """Qwen3NextAttention: q_proj emits the query and a sigmoid output gate (2 x heads x d)."""
    parts: list[Part] = []
    parts += c.dense("attention", "q_proj", h, 2 * heads * d, bias)
    parts += c.dense("attention", "k_proj", h, kv * d, bias)
    parts += c.dense("attention", "v_proj", h, kv * d, bias)
    parts += c.dense("attention", "o_proj", heads * d, h, bias)
    parts += c.norm("q_norm+k_norm", 2 * d)
    return parts


def _sparse_layers(cfg: c.Cfg, family: str, n_layers: int, defaults: dict[str, int]) -> list[bool]:
    if family == "qwen3_5":
        return [False] * n_layers
    if family == "qwen3_5_moe":
        return [True] * n_layers
    experts = cfg.int_or("num_experts", defaults["num_experts"], minimum=0)
    step = cfg.int_or("decoder_sparse_step", 1)
    mlp_only = set(cfg.int_list("mlp_only_layers") or [])
    return [i not in mlp_only and experts > 0 and (i + 1) % step == 0 for i in range(n_layers)]


def _layer_types(cfg: c.Cfg, n_layers: int, interval: int) -> list[str]:
    given = cfg.str_list("layer_types")
    if given is None:
        return ["full" if (i + 1) % interval == 0 else "linear" for i in range(n_layers)]
    if len(given) != n_layers:
        raise FlopcastError(
            f"{cfg._name('layer_types')} has {len(given)} entries but "
            f"{cfg._name('num_hidden_layers')} is {n_layers}"
        )
    known: dict[str, str] = {"linear_attention": "linear", "full_attention": "full"}
    for t in given:
        if t not in known:
            raise FlopcastError(
                f"{cfg._name('layer_types')} has unknown layer type {t!r}; "
                "known: linear_attention, full_attention"
            )
    return [known[t] for t in given]


def _vision(cfg: c.Cfg) -> tuple[ExtraModule, ...]:
    """Qwen3_5VisionModel: Conv3d patches, learned positions, ViT blocks, a 2x2 merger."""
    v = cfg.sub("vision_config") or c.Cfg({}, cfg.model_type, "vision_config.")
    vh = v.int_or("hidden_size", 1152)
    vi = v.int_or("intermediate_size", 4304)
    depth = v.int_or("depth", 27)
    channels = v.int_or("in_channels", 3)
    patch = v.int_or("patch_size", 16)
    temporal = v.int_or("temporal_patch_size", 2)
    merge = v.int_or("spatial_merge_size", 2)
    out = v.int_or("out_hidden_size", 3584)
    positions = v.int_or("num_position_embeddings", 2304)
    block = (
        2 * 2 * vh  # norm1, norm2 (LayerNorm weight + bias)
        + (vh * 3 * vh + 3 * vh)  # qkv with bias
        + (vh * vh + vh)  # proj with bias
        + (vh * vi + vi)
        + (vi * vh + vh)  # fc1, fc2 with biases
    )
    merged = vh * merge * merge
    merger = 2 * vh + (merged * merged + merged) + (merged * out + out)
    tower = (
        channels * temporal * patch * patch * vh
        + vh  # Conv3d patch embedding with bias
        + positions * vh
        + depth * block
        + merger
    )
    return (ExtraModule("vision_tower", tower, f"ViT, {depth} blocks of width {vh}, + merger"),)
