"""Granite 4.0-H (granitemoehybrid): Mamba-2 or attention per layer, MoE + a shared MLP.

Mirrors transformers models/granitemoehybrid/modeling_granitemoehybrid.py (v5). Each decoder
layer holds either a Mamba-2 mixer or grouped-query attention (``layer_types``, legacy names
mamba/attention accepted; default all Mamba), then routed experts (when
``num_local_experts`` > 0) plus a gated ``shared_mlp`` of ``shared_intermediate_size`` that
every token uses. The Mamba inner width is ``mamba_expand`` x hidden, split into
``mamba_n_heads`` heads.
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch import recurrent as r
from flopcast.arch.types import NO_ATTENTION, ArchBreakdown, Group, Layer, Part
from flopcast.errors import FlopcastError

_KINDS = {"mamba": "mamba", "linear_attention": "mamba", "attention": "attention",
          "full_attention": "attention"}  # fmt: skip


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    h = cfg.int_or("hidden_size", 4096)
    n_layers = cfg.int_or("num_hidden_layers", 32)
    vocab = cfg.int_or("vocab_size", 32000)
    tied = cfg.flag("tie_word_embeddings", False)
    heads = cfg.int_or("num_attention_heads", 32)
    kv = c.kv_heads(cfg, heads, None)
    d = c.head_dim(cfg, h, heads)
    bias = cfg.flag("attention_bias", False)
    experts = cfg.int_or("num_local_experts", 8, minimum=0)
    top_k = cfg.int_or("num_experts_per_tok", 2) if experts else 0
    if experts:
        c.check_top_k(cfg, top_k, experts, "num_local_experts")
    inter = cfg.int_or("intermediate_size", 11008)
    shared = cfg.int_or("shared_intermediate_size", 1024)

    m_heads = cfg.int_or("mamba_n_heads", 128)
    inner = cfg.int_or("mamba_expand", 2) * h
    m_dim_raw = cfg.data.get("mamba_d_head", "auto")
    m_dim = inner // m_heads if m_dim_raw in ("auto", None) else cfg.int_or("mamba_d_head", 1)
    if m_dim * m_heads != inner:
        raise FlopcastError(
            f"mamba_n_heads ({m_heads}) x mamba_d_head ({m_dim}) must equal "
            f"mamba_expand x hidden_size ({inner})"
        )

    given = cfg.str_list("layer_types") or cfg.str_list("layers_block_type")
    if given is None:
        kinds = ["mamba"] * n_layers
    else:
        unknown = sorted({t for t in given if t not in _KINDS})
        if unknown or len(given) != n_layers:
            raise FlopcastError(
                f"layer_types must list {n_layers} of mamba/attention, got {given!r}"
            )
        kinds = [_KINDS[t] for t in given]

    mamba_parts, mamba = r.mamba2(
        h,
        m_heads,
        m_dim,
        cfg.int_or("mamba_d_state", 256),
        cfg.int_or("mamba_n_groups", 1),
        cfg.int_or("mamba_d_conv", 4),
        conv_bias=cfg.flag("mamba_conv_bias", True),
        proj_bias=cfg.flag("mamba_proj_bias", False),
    )
    attn_parts = c.gqa_attention(h, heads, kv, d, qkv_bias=bias, o_bias=bias)
    ffn: list[Part] = []
    mlp_group: Group = "shared_experts" if experts else "dense_mlp"
    if experts:
        ffn += c.router(h, experts) + c.routed_experts(h, inter, experts, top_k)
    # GraniteMoeHybridMLP: input_linear h -> 2 x shared (gate and up), output_linear back
    ffn += c.dense(mlp_group, "shared_mlp.input_linear", h, 2 * shared)
    ffn += c.dense(mlp_group, "shared_mlp.output_linear", shared, h)
    norms = c.decoder_norms(h)
    full = c.attention_shape("full", None, heads, d, d, c.gqa_kv_elements(kv, d))

    def layer(i: int) -> Layer:
        if kinds[i] == "mamba":
            parts = tuple(mamba_parts + ffn + norms)
            return Layer(NO_ATTENTION, "moe" if experts else "dense", parts, mamba)
        return c.make_layer(full, experts > 0, attn_parts + ffn + norms)

    return ArchBreakdown(
        model_type=model_type,
        family="granitemoehybrid",
        modeling_file="models/granitemoehybrid/modeling_granitemoehybrid.py",
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=c.embedding_parts(vocab, h, tied, h),
        layers=tuple(c.shared_layers(kinds, layer)),
    )
