"""Gemma 4: sliding/global attention, a dense MLP beside an MoE, per-layer embeddings.

Mirrors transformers models/gemma4/modeling_gemma4.py (v5). Layers follow ``layer_types``
(default: five sliding layers, then one full; the last layer is always full). Full
("global") layers use ``global_head_dim`` (512) and, when ``attention_k_eq_v`` is set,
``num_global_key_value_heads`` and no v_proj: the keys' projection is reused as the values
(the cache still holds both after their separate norms). With ``enable_moe_block`` every layer
runs its dense gated MLP AND a routed-expert block on the same input and adds them. With
``hidden_size_per_layer_input`` (per-layer embeddings, PLE) a second, packed embedding table
and a projection feed each layer a small gated residual. The last ``num_kv_shared_layers``
layers reuse the keys and values of the last earlier layer of their type: they hold no k/v
weights and add nothing to the cache. A multimodal ``gemma4`` config's vision tower and its
projection into the text model are extras; an audio tower is not counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flopcast.arch import common as c
from flopcast.arch.types import ArchBreakdown, AttentionKind, ExtraModule, Layer, Part
from flopcast.errors import FlopcastError


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    text = cfg
    extras: tuple[ExtraModule, ...] = ()
    tied = cfg.flag("tie_word_embeddings", True)
    notes: list[str] = []
    if model_type == "gemma4":
        text = cfg.sub("text_config") or c.Cfg({}, model_type, "text_config.")
        extras = _vision(cfg, text.int_or("hidden_size", 2304))
        if cfg.sub("audio_config") is not None:
            notes.append("the audio tower (audio_config) is not counted")
    else:
        tied = text.flag("tie_word_embeddings", True)

    h = text.int_or("hidden_size", 2304)
    n_layers = text.int_or("num_hidden_layers", 30)
    vocab = text.int_or("vocab_size", 262_144)
    heads = text.int_or("num_attention_heads", 8)
    inter = text.int_or("intermediate_size", 9216)
    bias = text.flag("attention_bias", False)
    window = text.window("sliding_window", 512)
    kinds = _layer_types(text, n_layers)
    shape = _per_layer_shapes(text, kinds, heads)
    sharing = _kv_sharing(text, kinds)
    double_wide = text.flag("use_double_wide_mlp", False)
    ple = text.int_or("hidden_size_per_layer_input", 256, minimum=0)
    moe = text.flag("enable_moe_block", False)
    experts = top_k = moe_inter = 0
    if moe:
        experts = text.req_int("num_experts")
        top_k = text.req_int("top_k_experts")
        c.check_top_k(text, top_k, experts, "num_experts")
        moe_inter = text.req_int("moe_intermediate_size")
    if text.data.get("use_bidirectional_attention") == "all":
        notes.append("use_bidirectional_attention is 'all': attention FLOPs assume causal masks")

    def layer(i: int) -> Layer:
        d, kv = shape[i]
        kind = kinds[i]
        full = kind == "full"
        shared = sharing[i] == "reuse"
        parts: list[Part] = []
        parts += c.dense("attention", "q_proj", h, heads * d, bias)
        parts += c.norm("q_norm", d)
        if not shared:
            parts += c.dense("attention", "k_proj", h, kv * d, bias)
            if not (full and text.flag("attention_k_eq_v", False)):
                parts += c.dense("attention", "v_proj", h, kv * d, bias)
            parts += c.norm("k_norm", d)  # v_norm has no scale: no parameters
        parts += c.dense("attention", "o_proj", heads * d, h, bias)
        wide = 2 if double_wide and shared else 1
        parts += c.glu_mlp(h, inter * wide)
        parts += c.decoder_norms(h, 4)
        if moe:
            # Gemma4TextRouter: scale-free norm, proj [E, h], scale [h], per_expert_scale [E]
            parts += c.router(h, experts)
            parts.append(Part("router", "router.scale", h + experts, h + experts, 0))
            parts += c.routed_experts(h, moe_inter, experts, top_k)
            parts += c.norm("moe layernorms", 3 * h)
        if ple:
            parts += c.dense("per_layer_embedding", "per_layer_input_gate", h, ple)
            parts += c.dense("per_layer_embedding", "per_layer_projection", ple, h)
            parts += c.norm("post_per_layer_input_norm", h)
        kv_elements = 0 if shared else c.gqa_kv_elements(kv, d)
        att = c.attention_shape(kind, window, heads, d, d, kv_elements)
        return c.make_layer(att, moe, parts)

    keys = [(kinds[i], shape[i], sharing[i]) for i in range(n_layers)]
    layers = c.shared_layers(keys, layer)
    model_parts = list(c.embedding_parts(vocab, h, tied, h))
    if ple:
        ple_vocab = text.int_or("vocab_size_per_layer_input", 262_144)
        table = ple_vocab * n_layers * ple
        model_parts.append(Part("per_layer_embedding", "embed_tokens_per_layer", table, table, 0))
        model_parts += c.dense(
            "per_layer_embedding", "per_layer_model_projection", h, n_layers * ple
        )
        model_parts += c.norm("per_layer_projection_norm", ple)
    return ArchBreakdown(
        model_type=model_type,
        family="gemma4",
        modeling_file="models/gemma4/modeling_gemma4.py",
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=tuple(model_parts),
        layers=tuple(layers),
        extras=extras,
        notes=tuple(notes),
    )


def _layer_types(cfg: c.Cfg, n_layers: int) -> list[AttentionKind]:
    default: list[AttentionKind] = ["sliding" if (i + 1) % 6 else "full" for i in range(n_layers)]
    kinds = c.layer_types(cfg, n_layers, default)
    kinds[-1] = "full"  # Gemma4TextConfig forces the last layer to full attention
    return kinds


def _per_layer_shapes(cfg: c.Cfg, kinds: list[AttentionKind], heads: int) -> list[tuple[int, int]]:
    """(head_dim, kv heads) per layer, as Gemma4TextConfig builds ``per_layer_config``."""
    d = cfg.int_or("head_dim", 256)
    kv = c.kv_heads(cfg, heads, 4)
    global_d = cfg.int_or("global_head_dim", 512)
    global_kv = cfg.opt_int("num_global_key_value_heads", None)
    if not cfg.flag("attention_k_eq_v", False):
        global_kv = None
    overrides: dict[int, Mapping[str, Any]] = {
        i: {"head_dim": global_d, **({"num_key_value_heads": global_kv} if global_kv else {})}
        for i, k in enumerate(kinds)
        if k == "full"
    }
    given = cfg.data.get("per_layer_config")
    if given is not None:
        if not isinstance(given, Mapping):
            raise FlopcastError("text_config.per_layer_config must be an object")
        overrides = {int(k): v for k, v in given.items() if isinstance(v, Mapping)}
    out = []
    for i in range(len(kinds)):
        o = overrides.get(i, {})
        layer_kv = int(o.get("num_key_value_heads", kv))
        if heads % layer_kv:
            raise FlopcastError(
                f"num_key_value_heads of layer {i} ({layer_kv}) must divide "
                f"num_attention_heads ({heads})"
            )
        out.append((int(o.get("head_dim", d)), layer_kv))
    return out


def _kv_sharing(cfg: c.Cfg, kinds: list[AttentionKind]) -> list[str | None]:
    """Gemma4TextConfig.kv_sharing_modes: the last ``num_kv_shared_layers`` reuse KV."""
    n = len(kinds)
    shared = cfg.int_or("num_kv_shared_layers", 0, minimum=0)
    if shared > n:
        raise FlopcastError(
            f"num_kv_shared_layers ({shared}) is larger than num_hidden_layers ({n})"
        )
    if shared == n:
        return ["reuse"] * n
    first = n - shared
    modes: list[str | None] = [None if i < first else "reuse" for i in range(n)]
    if shared and set(kinds[:first]) != set(kinds):
        raise FlopcastError("a layer type reusing KV has no earlier layer of its type to reuse")
    return modes


def _vision(cfg: c.Cfg, text_hidden: int) -> tuple[ExtraModule, ...]:
    """Gemma4VisionModel + embed_vision (Gemma4VisionConfig defaults)."""
    v = cfg.sub("vision_config")
    if v is None:
        return ()
    vh = v.int_or("hidden_size", 768)
    vi = v.int_or("intermediate_size", 3072)
    layers = v.int_or("num_hidden_layers", 16)
    heads = v.int_or("num_attention_heads", 12)
    kv = c.kv_heads(v, heads, 12)
    d = v.int_or("head_dim", 64)
    patch = v.int_or("patch_size", 16)
    positions = v.int_or("position_embedding_size", 10 * 1024)
    per_layer = (
        vh * heads * d * 2  # q_proj, o_proj
        + vh * kv * d * 2  # k_proj, v_proj
        + 2 * d  # q_norm, k_norm (v_norm has no scale)
        + 3 * vh * vi  # gated MLP
        + 4 * vh  # four RMSNorms
    )
    tower = 3 * patch * patch * vh + 2 * positions * vh + layers * per_layer
    projector = vh * text_hidden  # embedding_projection; its pre-norm has no scale
    return (
        ExtraModule("vision_tower", tower, f"ViT, {layers} layers of width {vh}"),
        ExtraModule("multi_modal_projector", projector, "vision hidden -> text hidden"),
    )
