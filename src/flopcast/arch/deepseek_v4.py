"""DeepSeek-V4 (Flash, Pro): compressed sparse attention, hyper-connections, attention sinks.

Mirrors transformers models/deepseek_v4/modeling_deepseek_v4.py (v5), after the DeepSeek-V4
tech report (sec. 2). Every layer attends with one shared K=V head (``kv_proj``) to a sliding
window of raw tokens, with a learned sink logit per head, a low-rank query (``q_a_proj``,
``q_b_proj``) and a grouped low-rank output (``o_a_proj`` per head group, ``o_b_proj``).
Layers of type

* ``heavily_compressed_attention`` (HCA) also see one compressed entry per m' tokens (128),
  built by a compressor (``kv_proj``, ``gate_proj``, ``position_bias``, ``kv_norm``);
* ``compressed_sparse_attention`` (CSA) compress every m tokens (4) with overlapping windows
  (twice-wide projections) and keep only the ``index_topk`` entries a lightning indexer
  (its own compressor at ``index_head_dim``, ``q_b_proj``, ``weights_proj``) scores highest;
* ``sliding_attention`` see the window only.

The residual stream is ``hc_mult`` parallel streams (manifold-constrained hyper-connections,
sec. 2.2): before attention and before the MLP a ``DeepseekV4HyperConnection`` (``fn``,
``base``, ``scale``) mixes them, and ``hc_head`` collapses them before the final norm. Every
layer is MoE (sqrt-softplus router, hash routing in the first layers, one shared expert).
The multi-token-prediction block (DeepSeek-V4 inference/model.py ``MTPBlock``: a decoder
block + e_proj, h_proj, enorm, hnorm, norm and its own hc_head) is reported as an extra.
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch.types import ArchBreakdown, Attention, ExtraModule, Layer, Part
from flopcast.errors import FlopcastError

_TYPES = ("sliding_attention", "compressed_sparse_attention", "heavily_compressed_attention")
_RATIO_TO_TYPE = {0: _TYPES[0], 4: _TYPES[1], 128: _TYPES[2]}


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    h = cfg.int_or("hidden_size", 4096)
    n_layers = cfg.int_or("num_hidden_layers", 43)
    heads = cfg.int_or("num_attention_heads", 64)
    vocab = cfg.int_or("vocab_size", 129280)
    d = cfg.int_or("head_dim", 512)
    q_lora = cfg.int_or("q_lora_rank", 1024)
    groups = cfg.int_or("o_groups", 8)
    o_lora = cfg.int_or("o_lora_rank", 1024)
    window = cfg.int_or("sliding_window", 128)
    h_i = cfg.int_or("index_n_heads", 64)
    d_i = cfg.int_or("index_head_dim", 128)
    topk = cfg.int_or("index_topk", 512)
    n_hc = cfg.int_or("hc_mult", 4)
    experts = cfg.int_or("n_routed_experts", 256)
    top_k = cfg.int_or("num_experts_per_tok", 6)
    c.check_top_k(cfg, top_k, experts, "n_routed_experts")
    moe_inter = cfg.int_or("moe_intermediate_size", cfg.int_or("intermediate_size", 2048))
    mlp_bias = cfg.flag("mlp_bias", False)
    tied = cfg.flag("tie_word_embeddings", False)
    if (heads * d) % groups:
        raise FlopcastError(
            f"o_groups ({groups}) must divide num_attention_heads x head_dim ({heads * d})"
        )
    rates = _compress_rates(cfg)
    types = _layer_types(cfg, n_layers)

    def attention(kind: str) -> list[Part]:
        parts: list[Part] = []
        parts += c.dense("attention", "q_a_proj", h, q_lora)
        parts += c.norm("q_a_norm", q_lora)  # q_b_norm has no weight
        parts += c.dense("attention", "q_b_proj", q_lora, heads * d)
        parts += c.dense("attention", "kv_proj", h, d)  # one K=V head
        parts += c.norm("kv_norm", d)
        # grouped output: each of g groups maps heads*d/g -> o_lora (block-diagonal)
        parts += c.dense("attention", "o_a_proj", heads * d, o_lora)
        parts += c.dense("attention", "o_b_proj", groups * o_lora, h)
        parts.append(Part("attention", "sinks", heads, heads, 0))
        if kind == _TYPES[2]:  # HCA compressor
            parts += _compressor("compressor", h, d, rates[kind], wide=False)
        elif kind == _TYPES[1]:  # CSA compressor (overlapping: 2d wide) + lightning indexer
            parts += _compressor("compressor", h, d, rates[kind], wide=True)
            parts += _compressor("indexer", h, d_i, rates[kind], wide=True)
            parts += c.dense("attention", "indexer.q_b_proj", q_lora, h_i * d_i)
            parts += c.dense("attention", "indexer.weights_proj", h, h_i)
        return parts

    def shape(kind: str) -> Attention:
        """The window of raw tokens + compressed entries (CSA: top-k of them, by an indexer)."""
        if kind == _TYPES[0]:
            return Attention("sliding", window, heads, d, d, d)
        if kind == _TYPES[2]:
            return Attention(
                "sliding", window, heads, d, d, d, compress=rates[kind], compressed_kv_elements=d
            )
        return Attention(
            "sliding",
            window,
            heads,
            d,
            d,
            d,
            topk=topk,
            index_pair_flops=2 * h_i * (d_i + 1),
            compress=rates[kind],
            compressed_kv_elements=d + d_i,
        )

    def hyper_connection(name: str) -> list[Part]:
        # fn: (2 + N) N x N h mixing weights, base, 3 scales; then the N x N stream mix,
        # N^2 h multiply-adds per token carried by no weight
        mix = (2 + n_hc) * n_hc
        return [
            Part("hyper_connections", f"{name}.fn", mix * n_hc * h, mix * n_hc * h, mix * n_hc * h),
            Part("hyper_connections", f"{name}.base+scale", mix + 3, mix + 3, 0),
            Part("hyper_connections", f"{name}.stream_mix", 0, 0, n_hc * n_hc * h),
        ]

    def block(kind: str) -> list[Part]:
        parts = attention(kind)
        parts += c.router(h, experts)  # hash layers keep the learned weight for the scores
        parts += c.routed_experts(h, moe_inter, experts, top_k)
        parts += c.glu_mlp(h, moe_inter, "shared_experts", "shared_experts", mlp_bias)
        parts += c.decoder_norms(h)
        parts += hyper_connection("attn_hc") + hyper_connection("ffn_hc")
        return parts

    def layer(i: int) -> Layer:
        return c.make_layer(shape(types[i]), True, block(types[i]))

    layers = c.shared_layers(types, layer)
    head = n_hc * n_hc * h  # hc_head.hc_fn collapses the N streams before the final norm
    model_parts = (
        *c.embedding_parts(vocab, h, tied, h),
        Part("hyper_connections", "hc_head.hc_fn", head, head, head),
        Part("hyper_connections", "hc_head.hc_base+hc_scale", n_hc + 1, n_hc + 1, 0),
    )
    extras: list[ExtraModule] = []
    n_mtp = cfg.int_or("num_nextn_predict_layers", 1, minimum=0)
    if n_mtp:
        mtp_types = _mtp_types(cfg, n_layers, n_mtp)
        total = sum(
            sum(p.params for p in block(kind)) + 2 * h * h + 3 * h + head + n_hc + 1
            for kind in mtp_types
        )
        extras.append(
            ExtraModule(
                "mtp",
                total,
                f"{n_mtp} multi-token-prediction block(s): a decoder block + e_proj, h_proj, "
                "3 norms and an hc_head each; shares embedding and LM head; not built by "
                "transformers",
            )
        )
    notes = [
        f"attention: a {window}-token window plus compressed entries (1 per "
        f"{rates[_TYPES[1]]} tokens, top-{topk:,} by an indexer; 1 per {rates[_TYPES[2]]} "
        "tokens, all) - see the sparse-attention convention",
        f"{n_hc} hyper-connection streams: their N x N mixing is counted with the weights",
    ]
    if cfg.int_or("n_shared_experts", 1, minimum=0) != 1:
        notes.append("n_shared_experts is ignored, as in transformers (one shared expert)")
    return ArchBreakdown(
        model_type=model_type,
        family="deepseek_v4",
        modeling_file="models/deepseek_v4/modeling_deepseek_v4.py",
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=model_parts,
        layers=tuple(layers),
        extras=tuple(extras),
        notes=tuple(notes),
    )


def _compressor(name: str, h: int, dim: int, rate: int, wide: bool) -> list[Part]:
    """kv_proj and gate_proj (2 x dim wide for overlapping windows), position_bias, kv_norm."""
    out = 2 * dim if wide else dim
    return [
        *c.dense("attention", f"{name}.kv_proj", h, out),
        *c.dense("attention", f"{name}.gate_proj", h, out),
        Part("biases", f"{name}.position_bias", rate * out, rate * out, 0),
        *c.norm(f"{name}.kv_norm", dim),
    ]


def _compress_rates(cfg: c.Cfg) -> dict[str, int]:
    """compress_rates (or the legacy compress_rate_csa / compress_rate_hca keys)."""
    rates = {_TYPES[1]: 4, _TYPES[2]: 128}
    given = cfg.sub("compress_rates")
    if given is not None:
        for kind in (_TYPES[1], _TYPES[2]):
            rates[kind] = given.int_or(kind, rates[kind])
    rates[_TYPES[1]] = cfg.int_or("compress_rate_csa", rates[_TYPES[1]])
    rates[_TYPES[2]] = cfg.int_or("compress_rate_hca", rates[_TYPES[2]])
    return rates


def _all_types(cfg: c.Cfg, n_layers: int) -> list[str]:
    """layer_types, or the legacy compress_ratios (0, 4 or 128 per layer), or the default."""
    given = cfg.str_list("layer_types")
    if given is None:
        ratios = cfg.int_list("compress_ratios")
        if ratios is not None:
            bad = [r for r in ratios if r not in _RATIO_TO_TYPE]
            if bad:
                raise FlopcastError(f"compress_ratios may hold only 0, 4 and 128, got {bad[0]}")
            given = [_RATIO_TO_TYPE[r] for r in ratios]
    if given is None:  # DeepseekV4Config: 2 x HCA, then HCA/CSA alternating
        given = [_TYPES[2]] * min(n_layers, 2) + [
            _TYPES[1] if i % 2 else _TYPES[2] for i in range(max(n_layers - 2, 0))
        ]
    bad_types = [t for t in given if t not in _TYPES]
    if bad_types:
        raise FlopcastError(
            f"layer_types has unknown type {bad_types[0]!r}; known: {', '.join(_TYPES)}"
        )
    return given


def _layer_types(cfg: c.Cfg, n_layers: int) -> list[str]:
    types = _all_types(cfg, n_layers)
    if len(types) < n_layers:
        raise FlopcastError(
            f"layer_types (or compress_ratios) has {len(types)} entries but "
            f"num_hidden_layers is {n_layers}"
        )
    return types[:n_layers]


def _mtp_types(cfg: c.Cfg, n_layers: int, n_mtp: int) -> list[str]:
    """The MTP blocks' attention: the entries past the main layers, else a window only."""
    extra = _all_types(cfg, n_layers)[n_layers:]
    return [extra[i] if i < len(extra) else _TYPES[0] for i in range(n_mtp)]
