"""Mixtral: GQA attention and a top-k mixture of gated experts in every layer.

Mirrors transformers models/mixtral/modeling_mixtral.py (v5): MixtralAttention,
MixtralTopKRouter (Linear h -> E, no bias), MixtralExperts (fused gate_up/down).
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch.types import ArchBreakdown, Layer


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    h = cfg.req_int("hidden_size")
    n_layers = cfg.req_int("num_hidden_layers")
    heads = cfg.req_int("num_attention_heads")
    vocab = cfg.req_int("vocab_size")
    inter = cfg.req_int("intermediate_size")
    experts = cfg.req_int("num_local_experts")
    top_k = cfg.req_int("num_experts_per_tok")
    c.check_top_k(cfg, top_k, experts, "num_local_experts")
    kv = c.kv_heads(cfg, heads, 8)
    d = c.head_dim(cfg, h, heads)
    tied = cfg.flag("tie_word_embeddings", False)
    window = cfg.window("sliding_window", None)  # MixtralConfig: all layers slide when set

    def layer(i: int) -> Layer:
        parts = c.gqa_attention(h, heads, kv, d)
        parts += c.router(h, experts)
        parts += c.routed_experts(h, inter, experts, top_k)
        parts += c.decoder_norms(h)
        att = c.attention_shape("sliding", window, heads, d, d, c.gqa_kv_elements(kv, d))
        return c.make_layer(att, True, parts)

    layers = c.shared_layers([0] * n_layers, layer)
    return ArchBreakdown(
        model_type=model_type,
        family="mixtral",
        modeling_file="models/mixtral/modeling_mixtral.py",
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=c.embedding_parts(vocab, h, tied, h),
        layers=tuple(layers),
    )
