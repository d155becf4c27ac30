"""Falcon-H1: attention and a Mamba-2 mixer side by side in every layer, then an MLP.

Mirrors transformers models/falcon_h1/modeling_falcon_h1.py (v5). Each layer feeds the same
normed input to grouped-query attention and to a Mamba-2 mixer and adds both outputs, so
every layer both grows a KV cache and holds a fixed SSM state. The Mamba inner width is
``mamba_d_ssm`` (else ``mamba_expand`` x hidden), split into ``mamba_n_heads`` heads; its
gated RMSNorm exists only with ``mamba_rms_norm``; out_proj's bias follows
``projectors_bias``. The muP multipliers scale activations and are not parameters.
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch import recurrent as r
from flopcast.arch.types import ArchBreakdown, Layer
from flopcast.errors import FlopcastError


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    h = cfg.int_or("hidden_size", 4096)
    n_layers = cfg.int_or("num_hidden_layers", 32)
    vocab = cfg.int_or("vocab_size", 128000)
    tied = cfg.flag("tie_word_embeddings", False)
    heads = cfg.int_or("num_attention_heads", 32)
    kv = c.kv_heads(cfg, heads, 8)
    d = c.head_dim(cfg, h, heads)
    bias = cfg.flag("attention_bias", False)

    m_heads = cfg.int_or("mamba_n_heads", 128)
    # FalconH1Config: mamba_d_ssm defaults to 1024; an explicit null means expand x hidden
    d_ssm = cfg.opt_int("mamba_d_ssm", None) if "mamba_d_ssm" in cfg.data else 1024
    inner = d_ssm if d_ssm is not None else cfg.int_or("mamba_expand", 2) * h
    raw = cfg.data.get("mamba_d_head", "auto")
    m_dim = inner // m_heads if raw in ("auto", None) else cfg.int_or("mamba_d_head", 1)
    if m_dim * m_heads != inner:
        raise FlopcastError(
            f"mamba_n_heads ({m_heads}) x mamba_d_head ({m_dim}) must equal the Mamba width "
            f"({inner}: mamba_d_ssm, else mamba_expand x hidden_size)"
        )
    mamba_parts, mamba = r.mamba2(
        h,
        m_heads,
        m_dim,
        cfg.int_or("mamba_d_state", 256),
        cfg.int_or("mamba_n_groups", 1),
        cfg.int_or("mamba_d_conv", 4),
        conv_bias=cfg.flag("mamba_conv_bias", True),
        proj_bias=cfg.flag("mamba_proj_bias", False),
        gated_norm=cfg.flag("mamba_rms_norm", False),
        out_bias=cfg.flag("projectors_bias", False),
    )
    parts = c.gqa_attention(h, heads, kv, d, qkv_bias=bias, o_bias=bias) + mamba_parts
    parts += c.glu_mlp(h, cfg.int_or("intermediate_size", 14336), bias=cfg.flag("mlp_bias", False))
    parts += c.decoder_norms(h)  # input_layernorm, pre_ff_layernorm
    att = c.attention_shape("full", None, heads, d, d, c.gqa_kv_elements(kv, d))
    layer = Layer(att, "dense", tuple(parts), mamba)
    return ArchBreakdown(
        model_type=model_type,
        family="falcon_h1",
        modeling_file="models/falcon_h1/modeling_falcon_h1.py",
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=c.embedding_parts(vocab, h, tied, h),
        layers=(layer,) * n_layers,
    )
