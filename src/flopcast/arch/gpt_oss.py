"""gpt-oss: biased GQA attention with sinks, alternating sliding/full layers, biased experts.

Mirrors transformers models/gpt_oss/modeling_gpt_oss.py (v5): q/k/v/o with biases
(``attention_bias``), one sink logit per head, GptOssTopKRouter (Linear with bias),
GptOssExperts with per-expert biases on gate_up and down.
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch.types import ArchBreakdown, AttentionKind, Layer


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
    d = c.head_dim(cfg, h, heads, 64)
    tied = cfg.flag("tie_word_embeddings", False)
    bias = cfg.flag("attention_bias", True)
    window = cfg.window("sliding_window", 128)
    # GptOssConfig default: even layers (i + 1 odd) slide, odd layers are full
    default: list[AttentionKind] = ["sliding" if (i + 1) % 2 else "full" for i in range(n_layers)]
    kinds = c.layer_types(cfg, n_layers, default)

    def layer(i: int) -> Layer:
        parts = c.gqa_attention(h, heads, kv, d, qkv_bias=bias, o_bias=bias, sinks=True)
        parts += c.router(h, experts, bias=True)
        parts += c.routed_experts(h, inter, experts, top_k, bias=True)
        parts += c.decoder_norms(h)
        att = c.attention_shape(kinds[i], window, heads, d, d, c.gqa_kv_elements(kv, d))
        return c.make_layer(att, True, parts)

    layers = c.shared_layers(kinds, layer)
    return ArchBreakdown(
        model_type=model_type,
        family="gpt_oss",
        modeling_file="models/gpt_oss/modeling_gpt_oss.py",
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=c.embedding_parts(vocab, h, tied, h),
        layers=tuple(layers),
    )
