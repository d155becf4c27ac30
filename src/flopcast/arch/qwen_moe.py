"""Qwen MoE: qwen2_moe (shared expert + sigmoid gate) and qwen3_moe (q/k norms, no shared).

Mirrors transformers models/qwen2_moe/modeling_qwen2_moe.py and
models/qwen3_moe/modeling_qwen3_moe.py (v5). A layer is sparse when it is not in
``mlp_only_layers`` and (i + 1) % ``decoder_sparse_step`` == 0; otherwise it is a dense
gated MLP of ``intermediate_size``.
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch.types import ArchBreakdown, AttentionKind, Layer, Part


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    qwen2 = model_type == "qwen2_moe"
    h = cfg.req_int("hidden_size")
    n_layers = cfg.req_int("num_hidden_layers")
    heads = cfg.req_int("num_attention_heads")
    vocab = cfg.req_int("vocab_size")
    experts = cfg.req_int("num_experts", minimum=0)
    kv = c.kv_heads(cfg, heads, 16 if qwen2 else 4)
    d = c.head_dim(cfg, h, heads)
    tied = cfg.flag("tie_word_embeddings", False)
    step = cfg.int_or("decoder_sparse_step", 1)
    mlp_only = set(cfg.int_list("mlp_only_layers") or [])
    sparse = [i not in mlp_only and experts > 0 and (i + 1) % step == 0 for i in range(n_layers)]
    top_k = moe_inter = 0
    if any(sparse):
        top_k = cfg.req_int("num_experts_per_tok")
        c.check_top_k(cfg, top_k, experts, "num_experts")
        moe_inter = cfg.req_int("moe_intermediate_size")
    inter = cfg.req_int("intermediate_size") if not all(sparse) else 0
    if qwen2:
        qkv_bias, o_bias = cfg.flag("qkv_bias", True), False
    else:
        qkv_bias = o_bias = cfg.flag("attention_bias", False)

    kinds, window = _attention_pattern(cfg, qwen2, n_layers)

    def layer(i: int) -> Layer:
        parts = c.gqa_attention(
            h, heads, kv, d, qkv_bias=qkv_bias, o_bias=o_bias, qk_norm=not qwen2
        )
        if sparse[i]:
            parts += c.router(h, experts)
            parts += c.routed_experts(h, moe_inter, experts, top_k)
            if qwen2:
                shared = cfg.req_int("shared_expert_intermediate_size")
                parts += c.glu_mlp(h, shared, "shared_experts", "shared_expert")
                # shared_expert_gate: Linear(h -> 1), scales the shared expert's output
                parts.append(Part("shared_experts", "shared_expert_gate", h, h, h))
        else:
            parts += c.glu_mlp(h, inter)
        parts += c.decoder_norms(h)
        att = c.attention_shape(kinds[i], window, heads, d, d, c.gqa_kv_elements(kv, d))
        return c.make_layer(att, sparse[i], parts)

    layers = c.shared_layers(list(zip(kinds, sparse, strict=True)), layer)
    return ArchBreakdown(
        model_type=model_type,
        family="qwen_moe",
        modeling_file=f"models/{model_type}/modeling_{model_type}.py",
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=c.embedding_parts(vocab, h, tied, h),
        layers=tuple(layers),
    )


def _attention_pattern(
    cfg: c.Cfg, qwen2: bool, n_layers: int
) -> tuple[list[AttentionKind], int | None]:
    use = cfg.flag("use_sliding_window", False)
    window = cfg.window("sliding_window", 4096) if use else None
    if not qwen2:  # Qwen3MoeConfig: one window for every layer when enabled
        kind: AttentionKind = "sliding" if window else "full"
        return [kind] * n_layers, window
    # Qwen2MoeConfig: odd-numbered layers (i + 1 odd) below max_window_layers slide
    max_window = cfg.int_or("max_window_layers", 28, minimum=0)
    default: list[AttentionKind] = [
        "sliding" if use and (i + 1) % 2 and i < max_window else "full" for i in range(n_layers)
    ]
    return c.layer_types(cfg, n_layers, default), window
