"""Jamba (AI21): Mamba (selective SSM) layers with attention every few layers, MoE MLPs.

Mirrors transformers models/jamba/modeling_jamba.py (v5). Layer i uses attention when
i % ``attn_layer_period`` == ``attn_layer_offset`` (default every 8th, from 4), else a Mamba
mixer of inner width ``mamba_expand`` x hidden with an N = ``mamba_d_state`` state per
channel; its MLP is a routed-expert block when i % ``expert_layer_period`` ==
``expert_layer_offset`` (default every other layer), else a gated MLP.
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch import recurrent as r
from flopcast.arch.types import NO_ATTENTION, ArchBreakdown, Layer, MlpKind, Part
from flopcast.errors import FlopcastError


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    h = cfg.int_or("hidden_size", 4096)
    n_layers = cfg.int_or("num_hidden_layers", 32)
    vocab = cfg.int_or("vocab_size", 65536)
    tied = cfg.flag("tie_word_embeddings", False)
    heads = cfg.int_or("num_attention_heads", 32)
    kv = c.kv_heads(cfg, heads, 8)
    d = c.head_dim(cfg, h, heads)
    inter = cfg.int_or("intermediate_size", 14336)
    experts = cfg.int_or("num_experts", 16)
    top_k = cfg.int_or("num_experts_per_tok", 2)
    attn_period = cfg.int_or("attn_layer_period", 8)
    attn_offset = cfg.int_or("attn_layer_offset", 4, minimum=0)
    exp_period = cfg.int_or("expert_layer_period", 2)
    exp_offset = cfg.int_or("expert_layer_offset", 1, minimum=0)
    if attn_offset >= attn_period or exp_offset >= exp_period:
        raise FlopcastError("a layer offset must be smaller than its period (JambaConfig)")
    moe = [experts > 1 and i % exp_period == exp_offset for i in range(n_layers)]
    attention = [i % attn_period == attn_offset for i in range(n_layers)]
    if any(moe):
        c.check_top_k(cfg, top_k, experts, "num_experts")

    raw_rank = cfg.data.get("mamba_dt_rank", "auto")
    dt_rank = -(-h // 16) if raw_rank in ("auto", None) else cfg.int_or("mamba_dt_rank", 1)
    mamba_parts, mamba = r.mamba1(
        h,
        cfg.int_or("mamba_expand", 2) * h,
        cfg.int_or("mamba_d_state", 16),
        dt_rank,
        cfg.int_or("mamba_d_conv", 4),
        conv_bias=cfg.flag("mamba_conv_bias", True),
        proj_bias=cfg.flag("mamba_proj_bias", False),
    )
    attn_parts = c.gqa_attention(h, heads, kv, d)
    full = c.attention_shape("full", None, heads, d, d, c.gqa_kv_elements(kv, d))
    norms = c.decoder_norms(h)  # input_layernorm, pre_ff_layernorm

    def layer(i: int) -> Layer:
        ffn: list[Part] = (
            c.router(h, experts) + c.routed_experts(h, inter, experts, top_k)
            if moe[i]
            else c.glu_mlp(h, inter)
        )
        kind: MlpKind = "moe" if moe[i] else "dense"
        if attention[i]:
            return Layer(full, kind, tuple(attn_parts + ffn + norms))
        return Layer(NO_ATTENTION, kind, tuple(mamba_parts + ffn + norms), mamba)

    return ArchBreakdown(
        model_type=model_type,
        family="jamba",
        modeling_file="models/jamba/modeling_jamba.py",
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=c.embedding_parts(vocab, h, tied, h),
        layers=tuple(c.shared_layers(list(zip(attention, moe, strict=True)), layer)),
    )
