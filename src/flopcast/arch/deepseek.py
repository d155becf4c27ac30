"""DeepSeek-V3 and Kimi K2 (same layout): multi-head latent attention + DeepSeekMoE.

Mirrors transformers models/deepseek_v3/modeling_deepseek_v3.py (v5); Kimi K2's config.json
says ``model_type: kimi_k2`` with ``DeepseekV3ForCausalLM``. Layers below
``first_k_dense_replace`` use a dense gated MLP; the rest use routed experts, a sigmoid
router and ``n_shared_experts`` shared experts fused into one MLP. The multi-token-prediction
module (``num_nextn_predict_layers``) is not built by transformers; it is reported as an
extra (DeepSeek-V3 README_WEIGHTS.md: one more MoE decoder layer, enorm, hnorm, eh_proj and
shared_head.norm; embedding and head shared with the main model).
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch.types import ArchBreakdown, ExtraModule, Layer, Part


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    h = cfg.req_int("hidden_size")
    n_layers = cfg.req_int("num_hidden_layers")
    heads = cfg.req_int("num_attention_heads")
    vocab = cfg.req_int("vocab_size")
    experts = cfg.req_int("n_routed_experts")
    top_k = cfg.req_int("num_experts_per_tok")
    c.check_top_k(cfg, top_k, experts, "n_routed_experts")
    moe_inter = cfg.req_int("moe_intermediate_size")
    shared = cfg.int_or("n_shared_experts", 1, minimum=0)
    first_dense = cfg.int_or("first_k_dense_replace", 3, minimum=0)
    q_lora = cfg.opt_int("q_lora_rank", None) if "q_lora_rank" in cfg.data else 1536
    kv_lora = cfg.req_int("kv_lora_rank")
    nope = cfg.req_int("qk_nope_head_dim")
    rope = cfg.req_int("qk_rope_head_dim")
    v_dim = cfg.req_int("v_head_dim")
    bias = cfg.flag("attention_bias", False)
    tied = cfg.flag("tie_word_embeddings", False)
    inter = cfg.req_int("intermediate_size") if first_dense > 0 else 0

    def attention() -> list[Part]:
        # DeepseekV3Attention: low-rank q (or a plain q_proj), compressed kv + shared rope key
        q_dim = nope + rope
        parts: list[Part] = []
        if q_lora is None:
            parts += c.dense("attention", "q_proj", h, heads * q_dim)
        else:
            parts += c.dense("attention", "q_a_proj", h, q_lora, bias)
            parts += c.norm("q_a_layernorm", q_lora)
            parts += c.dense("attention", "q_b_proj", q_lora, heads * q_dim)
        parts += c.dense("attention", "kv_a_proj_with_mqa", h, kv_lora + rope, bias)
        parts += c.norm("kv_a_layernorm", kv_lora)
        parts += c.dense("attention", "kv_b_proj", kv_lora, heads * (nope + v_dim))
        parts += c.dense("attention", "o_proj", heads * v_dim, h, bias)
        return parts

    def moe() -> list[Part]:
        # DeepseekV3TopkRouter weight [E, h] (its correction bias is a buffer, not counted)
        parts = c.router(h, experts)
        parts += c.routed_experts(h, moe_inter, experts, top_k)
        parts += c.glu_mlp(h, moe_inter * shared, "shared_experts", "shared_experts")
        return parts

    # MLA caches the normed latent (kv_lora) and the rope key (rope) per token and layer
    att = c.attention_shape("full", None, heads, nope + rope, v_dim, kv_lora + rope)

    def layer(i: int) -> Layer:
        is_moe = i >= first_dense
        parts = attention() + (moe() if is_moe else c.glu_mlp(h, inter)) + c.decoder_norms(h)
        return c.make_layer(att, is_moe, parts)

    layers = c.shared_layers([i >= first_dense for i in range(n_layers)], layer)

    extras: list[ExtraModule] = []
    n_mtp = cfg.int_or("num_nextn_predict_layers", 0, minimum=0)
    if n_mtp:
        mtp_layer = sum(p.params for p in attention() + moe() + c.decoder_norms(h))
        head = 2 * h * h + 3 * h  # eh_proj [h, 2h]; enorm, hnorm, shared_head.norm
        extras.append(
            ExtraModule(
                "mtp",
                n_mtp * (mtp_layer + head),
                f"{n_mtp} multi-token-prediction module(s): a MoE decoder layer + eh_proj + "
                "3 norms each; shares embedding and LM head; not built by transformers",
            )
        )
    return ArchBreakdown(
        model_type=model_type,
        family="deepseek",
        modeling_file="models/deepseek_v3/modeling_deepseek_v3.py",
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=c.embedding_parts(vocab, h, tied, h),
        layers=tuple(layers),
        extras=tuple(extras),
        notes=("moe_layer_freq is ignored, as in transformers (1 in every release)",)
        if cfg.int_or("moe_layer_freq", 1) != 1
        else (),
    )
