"""Nemotron-H and Nemotron 3: Mamba-2, attention, MLP and MoE as single-mixer layers.

Mirrors transformers models/nemotron_h/modeling_nemotron_h.py (v5). Every layer (a
``NemotronHBlock``) is one RMSNorm and ONE mixer, chosen by ``layers_block_type`` or the
older ``hybrid_override_pattern`` (M = Mamba-2, * = attention, - = MLP, E = MoE), so
``num_hidden_layers`` counts single mixers, not attention+MLP blocks. MLPs and experts are
not gated (up, squared ReLU, down). Nemotron 3 Super/Ultra's "latent MoE" projects the
hidden state down to ``moe_latent_size`` before the experts and back up after them; the
shared expert works at full width. Multi-token-prediction layers are not built by
transformers and are not counted.
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch import recurrent as r
from flopcast.arch.types import NO_ATTENTION, ArchBreakdown, Group, Layer, Part
from flopcast.errors import FlopcastError

_PATTERN = {"M": "mamba", "*": "attention", "-": "mlp", "E": "moe"}
_NAMES = {
    "linear_attention": "mamba",
    "mamba": "mamba",
    "full_attention": "attention",
    "attention": "attention",
    "mlp": "mlp",
    "moe": "moe",
}


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    h = cfg.int_or("hidden_size", 4096)
    vocab = cfg.int_or("vocab_size", 131072)
    # NemotronHForCausalLM declares no tied weights: tie_word_embeddings has no effect
    tied = False
    kinds = _block_types(cfg)

    def mixer(kind: str) -> Layer:
        if kind == "mamba":
            parts, rec = r.mamba2(
                h,
                cfg.int_or("mamba_num_heads", 128),
                cfg.int_or("mamba_head_dim", 64),
                cfg.int_or("ssm_state_size", 128),
                # NemotronHConfig: the mamba_* spellings override the plain ones
                cfg.int_or("mamba_n_groups", cfg.int_or("n_groups", 8)),
                cfg.int_or("mamba_d_conv", cfg.int_or("conv_kernel", 4)),
                conv_bias=cfg.flag("mamba_conv_bias", cfg.flag("use_conv_bias", True)),
                proj_bias=cfg.flag("use_bias", False),
            )
            return Layer(NO_ATTENTION, "none", tuple(parts + c.norm("norm", h)), rec)
        if kind == "attention":
            heads = cfg.int_or("num_attention_heads", 32)
            kv = c.kv_heads(cfg, heads, 8)
            d = cfg.int_or("head_dim", 128)
            parts = c.gqa_attention(h, heads, kv, d) + c.norm("norm", h)
            att = c.attention_shape("full", None, heads, d, d, c.gqa_kv_elements(kv, d))
            return Layer(att, "none", tuple(parts))
        bias = cfg.flag("mlp_bias", False)
        if kind == "mlp":
            parts = _mlp(h, cfg.int_or("intermediate_size", 21504), "dense_mlp", "mlp", bias)
            return Layer(NO_ATTENTION, "dense", tuple(parts + c.norm("norm", h)))
        return Layer(NO_ATTENTION, "moe", tuple(_moe(cfg, h, bias) + c.norm("norm", h)))

    layers = c.shared_layers(kinds, lambda i: mixer(kinds[i]))
    notes: list[str] = []
    if cfg.int_or("num_nextn_predict_layers", 0, minimum=0):
        notes.append("multi-token-prediction layers (mtp.*) are not built by transformers")
    if cfg.flag("tie_word_embeddings", False):
        notes.append("tie_word_embeddings is set but NemotronHForCausalLM keeps its own LM head")
    if cfg.has("sliding_window"):
        notes.append("sliding_window is set but NemotronHAttention attends to every key")
    return ArchBreakdown(
        model_type=model_type,
        family="nemotron_h",
        modeling_file="models/nemotron_h/modeling_nemotron_h.py",
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=c.embedding_parts(vocab, h, tied, h),
        layers=tuple(layers),
        notes=tuple(notes),
        # NemotronHConfig: mamba_ssm_cache_dtype defaults to float32
        state_dtype=r.state_dtype(cfg, "mamba_ssm_cache_dtype", "float32"),
    )


def _mlp(h: int, inter: int, group: Group, name: str, bias: bool) -> list[Part]:
    """NemotronHMLP: up (h -> inter), relu^2, down (inter -> h); no gate."""
    return c.dense(group, f"{name}.up_proj", h, inter, bias) + c.dense(
        group, f"{name}.down_proj", inter, h, bias
    )


def _moe(cfg: c.Cfg, h: int, bias: bool) -> list[Part]:
    """NemotronHMoE: fp32 router, non-gated experts, a shared expert, optional latent."""
    experts = cfg.int_or("n_routed_experts", cfg.int_or("num_local_experts", 8))
    top_k = cfg.int_or("num_experts_per_tok", 2)
    c.check_top_k(cfg, top_k, experts, "n_routed_experts")
    inter = cfg.int_or("moe_intermediate_size", 7688)
    shared = cfg.int_or("moe_shared_expert_intermediate_size", 7688)
    latent = cfg.opt_int("moe_latent_size", None)
    width = latent or h
    per_expert = 2 * width * inter  # up [I, width] + down [width, I]
    parts = c.router(h, experts)  # e_score_correction_bias is a buffer
    active = top_k * per_expert
    parts.append(Part("routed_experts", "experts", experts * per_expert, active, active))
    parts += _mlp(h, shared, "shared_experts", "shared_experts", bias)
    if latent:
        parts += c.dense("moe_latent", "fc1_latent_proj", h, latent, bias)
        parts += c.dense("moe_latent", "fc2_latent_proj", latent, h, bias)
    return parts


def _block_types(cfg: c.Cfg) -> list[str]:
    """Layer kinds, as NemotronHConfig.__post_init__ derives them."""
    listed = cfg.str_list("layers_block_type") or cfg.str_list("layer_types")
    if listed is not None:
        unknown = sorted({t for t in listed if t not in _NAMES})
        if unknown:
            raise FlopcastError(
                f"layers_block_type has unknown types {unknown}; known: " + ", ".join(_NAMES)
            )
        kinds = [_NAMES[t] for t in listed]
    elif "hybrid_override_pattern" in cfg.data:
        pattern = cfg.data["hybrid_override_pattern"]
        if not isinstance(pattern, str) or not pattern or set(pattern) - set(_PATTERN):
            raise FlopcastError(
                f"hybrid_override_pattern must be a string of M, *, - and E, got {pattern!r}"
            )
        kinds = [_PATTERN[ch] for ch in pattern]
    else:
        kinds = ["mamba", "moe", "attention", "mlp"]
    return kinds
