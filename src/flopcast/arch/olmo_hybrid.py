"""OLMo Hybrid (Ai2): Gated DeltaNet layers with an attention layer every fourth.

Mirrors transformers models/olmo_hybrid/modeling_olmo_hybrid.py (v5). ``layer_types``
(default: full attention when i % 4 == 3, at least one) picks the mixer. Attention layers are
OLMo 2's (q/k RMSNorms over the whole projection, norms after attention and after the MLP);
linear layers are a Gated DeltaNet with separate q/k/v/a/b/g projections (the same shapes as
Qwen3-Next's fused ones), a norm before the mixer and one after it.
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch import recurrent as r
from flopcast.arch.types import NO_ATTENTION, ArchBreakdown, Layer
from flopcast.errors import FlopcastError


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    h = cfg.int_or("hidden_size", 3840)
    n_layers = cfg.int_or("num_hidden_layers", 32)
    vocab = cfg.int_or("vocab_size", 100352)
    tied = cfg.flag("tie_word_embeddings", False)
    heads = cfg.int_or("num_attention_heads", 30)
    kv = c.kv_heads(cfg, heads, None)
    d = c.head_dim(cfg, h, heads)
    bias = cfg.flag("attention_bias", False)
    # OlmoHybridConfig defaults: key/value heads = attention heads, d_k = 0.75 h / heads,
    # d_v = 2 d_k
    nk = cfg.int_or("linear_num_key_heads", heads)
    nv = cfg.int_or("linear_num_value_heads", heads)
    dk = cfg.int_or("linear_key_head_dim", int(0.75 * h / nk))
    dv = cfg.int_or("linear_value_head_dim", 2 * dk)
    if nv % nk:
        raise FlopcastError(
            f"linear_num_key_heads ({nk}) must divide linear_num_value_heads ({nv})"
        )
    given = cfg.str_list("layer_types")
    if given is None:
        full = [i % 4 == 3 for i in range(n_layers)]
        if not any(full):
            full[-1] = True
    else:
        if len(given) != n_layers or set(given) - {"linear_attention", "full_attention"}:
            raise FlopcastError(
                f"layer_types must list {n_layers} of linear_attention/full_attention"
            )
        full = [t == "full_attention" for t in given]

    gdn_parts, gdn = r.gated_deltanet(h, nk, nv, dk, dv, cfg.int_or("linear_conv_kernel_dim", 4))
    attn_parts = c.gqa_attention(h, heads, kv, d, qkv_bias=bias, o_bias=bias)
    attn_parts += c.norm("q_norm+k_norm", (heads + kv) * d)
    mlp = c.glu_mlp(h, cfg.int_or("intermediate_size", 11008))
    norms = c.decoder_norms(h)
    att = c.attention_shape("full", None, heads, d, d, c.gqa_kv_elements(kv, d))

    def layer(i: int) -> Layer:
        if full[i]:
            return Layer(att, "dense", tuple(attn_parts + mlp + norms))
        return Layer(NO_ATTENTION, "dense", tuple(gdn_parts + mlp + norms), gdn)

    return ArchBreakdown(
        model_type=model_type,
        family="olmo_hybrid",
        modeling_file="models/olmo_hybrid/modeling_olmo_hybrid.py",
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=c.embedding_parts(vocab, h, tied, h),
        layers=tuple(c.shared_layers(full, layer)),
    )
