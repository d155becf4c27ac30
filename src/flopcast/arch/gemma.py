"""Gemma 1/2/3: tied embeddings, wide heads; Gemma 2/3 add sandwich norms and sliding layers.

Mirrors transformers models/gemma/modeling_gemma.py, models/gemma2/modeling_gemma2.py and
models/gemma3/modeling_gemma3.py (v5). Gemma 2 alternates sliding/full layers; Gemma 3
slides on every layer except each ``sliding_window_pattern``-th (6) and adds per-head q/k
norms. A multimodal ``gemma3`` config's SigLIP vision tower (models/siglip/modeling_siglip.py)
and projector are reported as extras.
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch.types import ArchBreakdown, AttentionKind, ExtraModule, Layer
from flopcast.errors import FlopcastError

# Gemma3TextConfig defaults: released multimodal configs omit some of these (e.g. vocab_size)
_GEMMA3_TEXT_DEFAULTS = {
    "vocab_size": 262_208,
    "hidden_size": 2304,
    "intermediate_size": 9216,
    "num_hidden_layers": 26,
    "num_attention_heads": 8,
}


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    text = cfg
    extras: tuple[ExtraModule, ...] = ()
    tied = cfg.flag("tie_word_embeddings", True)
    if model_type == "gemma3":
        sub = cfg.sub("text_config")
        text = sub if sub is not None else c.Cfg({}, model_type, "text_config.")
    gen = 1 if model_type == "gemma" else 2 if model_type == "gemma2" else 3

    def size(key: str) -> int:
        if gen == 3:
            return text.int_or(key, _GEMMA3_TEXT_DEFAULTS[key])
        return text.req_int(key)

    h = size("hidden_size")
    n_layers = size("num_hidden_layers")
    heads = size("num_attention_heads")
    vocab = size("vocab_size")
    inter = size("intermediate_size")
    kv = c.kv_heads(text, heads, 16 if gen == 1 else 4)
    d = c.head_dim(text, h, heads, 256)
    bias = text.flag("attention_bias", False)
    if model_type != "gemma3":
        tied = text.flag("tie_word_embeddings", True)
    else:
        extras = _siglip(cfg, h)

    window: int | None = None
    default: list[AttentionKind] = ["full"] * n_layers
    if gen >= 2:
        window = text.window("sliding_window", 4096)
        pattern = 2 if gen == 2 else text.int_or("sliding_window_pattern", 6)
        default = ["sliding" if (i + 1) % pattern else "full" for i in range(n_layers)]
    kinds = c.layer_types(text, n_layers, default) if gen >= 2 else default

    def layer(i: int) -> Layer:
        parts = c.gqa_attention(h, heads, kv, d, qkv_bias=bias, o_bias=bias, qk_norm=gen == 3)
        parts += c.glu_mlp(h, inter)
        parts += c.decoder_norms(h, 2 if gen == 1 else 4)
        att = c.attention_shape(kinds[i], window, heads, d, d, c.gqa_kv_elements(kv, d))
        return c.make_layer(att, False, parts)

    layers = c.shared_layers(kinds, layer)
    notes: tuple[str, ...] = ()
    if text.flag("use_bidirectional_attention", False):
        notes = ("use_bidirectional_attention is set: attention FLOPs assume causal masks",)
    return ArchBreakdown(
        model_type=model_type,
        family="gemma",
        modeling_file=f"models/{'gemma3' if gen == 3 else model_type}/modeling_"
        f"{'gemma3' if gen == 3 else model_type}.py",
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=c.embedding_parts(vocab, h, tied, h),
        layers=tuple(layers),
        extras=extras,
        notes=notes,
    )


def _siglip(cfg: c.Cfg, text_hidden: int) -> tuple[ExtraModule, ...]:
    """SiglipVisionModel + Gemma3MultiModalProjector (SiglipVisionConfig defaults)."""
    v = cfg.sub("vision_config") or c.Cfg({}, cfg.model_type, "vision_config.")
    vh = v.int_or("hidden_size", 768)
    vi = v.int_or("intermediate_size", 3072)
    layers = v.int_or("num_hidden_layers", 12)
    channels = v.int_or("num_channels", 3)
    image = v.int_or("image_size", 224)
    patch = v.int_or("patch_size", 16)
    if image < patch:
        raise FlopcastError("vision_config.image_size must be at least vision_config.patch_size")
    mlp = (vh * vi + vi) + (vi * vh + vh)  # fc1, fc2 with biases
    per_layer = 4 * (vh * vh + vh) + mlp + 2 * 2 * vh  # q/k/v/out with biases, 2 LayerNorms
    tower = (
        channels * patch * patch * vh
        + vh  # patch Conv2d with bias
        + (image // patch) ** 2 * vh  # position embedding
        + layers * per_layer
        + 2 * vh  # post_layernorm
    )
    if v.flag("vision_use_head", True):  # attention-pooling head; Gemma 3 checkpoints: false
        tower += vh + (4 * vh * vh + 4 * vh) + 2 * vh + mlp
    projector = vh * text_hidden + vh  # mm_input_projection_weight + mm_soft_emb_norm
    return (
        ExtraModule("vision_tower", tower, f"SigLIP, {layers} layers of width {vh}"),
        ExtraModule("multi_modal_projector", projector, "vision hidden -> text hidden + norm"),
    )
