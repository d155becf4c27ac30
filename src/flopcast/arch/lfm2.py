"""LFM2 (Liquid): gated short-convolution layers interleaved with grouped-query attention.

Mirrors transformers models/lfm2/modeling_lfm2.py (v5). ``layer_types`` (or
``full_attn_idxs``; default: every layer attention) marks attention layers; the others are
``Lfm2ShortConv``: in_proj to B, C, x (3 x hidden), y = C * conv(B * x) with a depthwise
causal conv of ``conv_L_cache`` taps, out_proj. Its only state is the conv window. The
SwiGLU MLP's width follows ``block_auto_adjust_ff_dim`` (2/3 of intermediate_size, times
``block_ffn_dim_multiplier``, rounded up to ``block_multiple_of``).
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch import recurrent as r
from flopcast.arch.types import NO_ATTENTION, ArchBreakdown, Layer, Part, Recurrent
from flopcast.errors import FlopcastError


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    h = cfg.int_or("hidden_size", 2560)
    n_layers = cfg.int_or("num_hidden_layers", 32)
    vocab = cfg.int_or("vocab_size", 65536)
    tied = cfg.flag("tie_word_embeddings", True)
    heads = cfg.int_or("num_attention_heads", 32)
    kv = c.kv_heads(cfg, heads, 8)
    d = c.head_dim(cfg, h, heads)
    kernel = cfg.int_or("conv_L_cache", 3)
    bias = cfg.flag("conv_bias", False)

    given = cfg.str_list("layer_types")
    if given is not None:
        if len(given) != n_layers:
            raise FlopcastError(
                f"layer_types has {len(given)} entries but num_hidden_layers is {n_layers}"
            )
        attention = [t != "conv" for t in given]  # Lfm2DecoderLayer: anything but "conv"
    else:
        idxs = cfg.int_list("full_attn_idxs")
        attention = [idxs is None or i in idxs for i in range(n_layers)]

    inter = cfg.int_or("intermediate_size", 12288)
    if cfg.flag("block_auto_adjust_ff_dim", True):
        inter = int(2 * inter / 3)
        mult = cfg.data.get("block_ffn_dim_multiplier", 1.0)
        if mult is not None:
            multiple = cfg.int_or("block_multiple_of", 256)
            inter = int(float(mult) * inter)
            inter = multiple * ((inter + multiple - 1) // multiple)
    mlp: list[Part] = []
    mlp += c.dense("dense_mlp", "feed_forward.w1", h, inter)
    mlp += c.dense("dense_mlp", "feed_forward.w3", h, inter)
    mlp += c.dense("dense_mlp", "feed_forward.w2", inter, h)
    norms = c.decoder_norms(h)

    conv: list[Part] = []
    conv += c.dense("short_conv", "conv.in_proj", h, 3 * h, bias)
    conv += r.conv1d("short_conv", h, kernel, bias)
    conv += c.dense("short_conv", "conv.out_proj", h, h, bias)
    state = Recurrent(
        kind="short_conv",
        flops_per_token=0,  # the conv taps are weights multiplied; B*x and C*y are elementwise
        state_elements=0,
        conv_elements=h * (kernel - 1),
        formula="no state beyond the conv window (its taps are weights multiplied)",
    )
    attn = c.gqa_attention(h, heads, kv, d) + c.norm("q_layernorm+k_layernorm", 2 * d)
    full = c.attention_shape("full", None, heads, d, d, c.gqa_kv_elements(kv, d))

    def layer(i: int) -> Layer:
        if attention[i]:
            return Layer(full, "dense", tuple(attn + mlp + norms))
        return Layer(NO_ATTENTION, "dense", tuple(conv + mlp + norms), state)

    return ArchBreakdown(
        model_type=model_type,
        family="lfm2",
        modeling_file="models/lfm2/modeling_lfm2.py",
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        # the final norm is Lfm2Model.embedding_norm
        model_parts=c.embedding_parts(vocab, h, tied, h),
        layers=tuple(c.shared_layers(attention, layer)),
    )
