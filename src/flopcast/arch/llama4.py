"""Llama 4 (Scout, Maverick): interleaved MoE layers with a shared expert, chunked attention.

Mirrors transformers models/llama4/modeling_llama4.py (v5). ``moe_layers`` (default every
``interleave_moe_layer_step``-th layer) hold E routed experts + a router + one shared expert
of ``intermediate_size``; the other layers a dense MLP of ``intermediate_size_mlp``. RoPE
layers (``no_rope_layers[i] == 1``) use chunked attention of ``attention_chunk_size``; their
qk-norm is parameter-free. A multimodal ``llama4`` config's vision tower and projector are
reported as extras.
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch.types import ArchBreakdown, AttentionKind, ExtraModule, Layer
from flopcast.errors import FlopcastError


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    text = cfg
    extras: tuple[ExtraModule, ...] = ()
    if model_type == "llama4":
        sub = cfg.sub("text_config")
        if sub is None:
            raise FlopcastError("config.json of model_type 'llama4' is missing 'text_config'")
        text = sub
        extras = _vision(cfg, text)
    h = text.req_int("hidden_size")
    n_layers = text.req_int("num_hidden_layers")
    heads = text.req_int("num_attention_heads")
    vocab = text.req_int("vocab_size")
    kv = c.kv_heads(text, heads, 8)
    d = c.head_dim(text, h, heads, 128)
    tied = text.flag("tie_word_embeddings", False)
    bias = text.flag("attention_bias", False)

    step = text.int_or("interleave_moe_layer_step", 1)
    moe_layers = text.int_list("moe_layers")
    if moe_layers is None:
        moe_layers = list(range(step - 1, n_layers, step))
    moe_set = set(moe_layers)
    inter = text.req_int("intermediate_size")  # experts and shared expert
    experts = top_k = 0
    if moe_set:
        experts = text.req_int("num_local_experts")
        top_k = text.req_int("num_experts_per_tok")
        c.check_top_k(text, top_k, experts, "num_local_experts")
    dense_inter = text.req_int("intermediate_size_mlp") if len(moe_set) < n_layers else 0

    # Llama4TextConfig: an empty/missing no_rope_layers means every 4th layer skips RoPE;
    # RoPE layers use chunked attention when attention_chunk_size is set
    interval = text.int_or("no_rope_layer_interval", 4)
    uses_rope = text.int_list("no_rope_layers") or [
        (i + 1) % interval != 0 for i in range(n_layers)
    ]
    chunk = text.window("attention_chunk_size", 8192)
    rope_kind: AttentionKind = "chunked" if chunk else "full"
    default: list[AttentionKind] = [rope_kind if r else "full" for r in uses_rope[:n_layers]]
    default += ["full"] * (n_layers - len(default))
    kinds = c.layer_types(text, n_layers, default)

    # attention and norms are the same in every layer; only the MLP and the mask differ
    common = c.gqa_attention(h, heads, kv, d, qkv_bias=bias, o_bias=bias) + c.decoder_norms(h)
    moe_mlp = c.router(h, experts) + c.routed_experts(h, inter, experts, top_k)
    moe_mlp += c.glu_mlp(h, inter, "shared_experts", "shared_expert")
    dense_mlp = c.glu_mlp(h, dense_inter)
    kv_elements = c.gqa_kv_elements(kv, d)

    def layer(i: int) -> Layer:
        moe = i in moe_set
        att = c.attention_shape(kinds[i], chunk, heads, d, d, kv_elements)
        return c.make_layer(att, moe, common + (moe_mlp if moe else dense_mlp))

    layers = c.shared_layers([(k, i in moe_set) for i, k in enumerate(kinds)], layer)
    return ArchBreakdown(
        model_type=model_type,
        family="llama4",
        modeling_file="models/llama4/modeling_llama4.py",
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=c.embedding_parts(vocab, h, tied, h),
        layers=tuple(layers),
        extras=extras,
    )


def _vision(cfg: c.Cfg, text: c.Cfg) -> tuple[ExtraModule, ...]:
    """Llama4VisionModel + Llama4MultiModalProjector (Llama4VisionConfig defaults)."""
    v = cfg.sub("vision_config") or c.Cfg({}, cfg.model_type, "vision_config.")
    vh = v.int_or("hidden_size", 768)
    layers = v.int_or("num_hidden_layers", 34)
    vi = v.int_or("intermediate_size", 5632)
    channels = v.int_or("num_channels", 3)
    image = v.int_or("image_size", 448)
    patch = v.int_or("patch_size", 14)
    proj_in = v.int_or("projector_input_dim", 4096)
    proj_out = v.int_or("projector_output_dim", 4096)
    out_dim = v.int_or("vision_output_dim", 7680)
    positions = (image // patch) ** 2 + 1  # patches + class token
    per_layer = (
        4 * (vh * vh + vh)  # q/k/v/o with biases
        + (vh * vi + vi)
        + (vi * vh + vh)  # fc1, fc2 with biases
        + 2 * 2 * vh  # two LayerNorms (weight + bias)
    )
    tower = (
        channels * patch * patch * vh  # unfold-patch Linear, no bias
        + vh  # class_embedding
        + positions * vh  # positional_embedding_vlm
        + 2 * 2 * vh  # layernorm_pre, layernorm_post
        + layers * per_layer
        + vi * proj_in
        + proj_out * proj_out  # vision_adapter MLP (no biases)
    )
    projector = out_dim * text.req_int("hidden_size")  # linear_1, no bias
    return (
        ExtraModule(
            "vision_tower", tower, f"ViT, {layers} layers of width {vh}, + pixel-shuffle adapter"
        ),
        ExtraModule("multi_modal_projector", projector, "vision_output_dim -> text hidden"),
    )
