"""Grouped-query attention + mixture of experts: GLM-4.5/4.6/4.7, dots.llm1, MiniMax-M2,
MiMo-V2-Flash, ERNIE-4.5-MoE, Hunyuan-A13B and Granite-MoE.

Mirrors transformers (v5) models/glm4_moe/modeling_glm4_moe.py, models/dots1/modeling_dots1.py,
models/minimax_m2/modeling_minimax_m2.py, models/mimo_v2_flash/modeling_mimo_v2_flash.py,
models/ernie4_5_moe/modeling_ernie4_5_moe.py, models/hunyuan_v1_moe/modeling_hunyuan_v1_moe.py
and models/granitemoe/modeling_granitemoe.py. They share one layer shape - GQA attention,
a dense gated MLP or routed experts, two RMSNorms - and differ in which layers are sparse,
shared experts, q/k norms, biases and sliding windows; ``_Spec`` records the differences.
Router correction biases are buffers except ERNIE's (an ``nn.Parameter``, counted).
GLM-4.5's multi-token-prediction layer is reported as an extra, as for DeepSeek-V3.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from flopcast.arch import common as c
from flopcast.arch.types import ArchBreakdown, AttentionKind, ExtraModule, Layer, Part
from flopcast.errors import FlopcastError

QkNorm = Literal["none", "head", "full"]


@dataclass(frozen=True)
class _Spec:
    file: str
    kv_default: int | None  # class default num_key_value_heads (None: = heads)
    head_dim_default: int | None
    experts_key: str
    top_k_key: str
    moe_inter_key: str  # the experts' intermediate size
    tied_default: bool = False
    qk_norm: QkNorm = "none"
    notes: tuple[str, ...] = field(default=())


_SPECS: dict[str, _Spec] = {
    "glm4_moe": _Spec(
        "models/glm4_moe/modeling_glm4_moe.py", 8, None,
        "n_routed_experts", "num_experts_per_tok", "moe_intermediate_size",
    ),
    "dots1": _Spec(
        "models/dots1/modeling_dots1.py", 32, None,
        "n_routed_experts", "num_experts_per_tok", "moe_intermediate_size", qk_norm="head",
    ),
    "minimax_m2": _Spec(
        "models/minimax_m2/modeling_minimax_m2.py", 8, 128,
        "num_local_experts", "num_experts_per_tok", "intermediate_size", qk_norm="full",
        notes=("MiniMax-M2's multi-token-prediction modules are not in transformers' model and "
               "are not counted",),
    ),
    "mimo_v2_flash": _Spec(
        "models/mimo_v2_flash/modeling_mimo_v2_flash.py", 4, 192,
        "n_routed_experts", "num_experts_per_tok", "moe_intermediate_size",
        notes=("MiMo-V2-Flash's multi-token-prediction layers (model.mtp) are not in "
               "transformers' model and are not counted",),
    ),
    "ernie4_5_moe": _Spec(
        "models/ernie4_5_moe/modeling_ernie4_5_moe.py", 4, None,
        "moe_num_experts", "moe_k", "moe_intermediate_size", tied_default=True,
    ),
    "hunyuan_v1_moe": _Spec(
        "models/hunyuan_v1_moe/modeling_hunyuan_v1_moe.py", None, None,
        "num_experts", "moe_topk", "intermediate_size", qk_norm="head",
    ),
    "granitemoe": _Spec(
        "models/granitemoe/modeling_granitemoe.py", None, None,
        "num_local_experts", "num_experts_per_tok", "intermediate_size",
    ),
}  # fmt: skip

# config-class defaults of the experts count and top-k (absent keys)
_EXPERT_DEFAULTS: dict[str, tuple[int | None, int | None]] = {
    "glm4_moe": (128, 8),
    "dots1": (None, None),
    "minimax_m2": (256, 8),
    "mimo_v2_flash": (256, 8),
    "ernie4_5_moe": (64, 6),
    "hunyuan_v1_moe": (1, 1),
    "granitemoe": (8, 2),
}


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    spec = _SPECS[model_type]
    h = cfg.req_int("hidden_size")
    n_layers = cfg.req_int("num_hidden_layers")
    heads = cfg.req_int("num_attention_heads")
    vocab = cfg.req_int("vocab_size")
    kv = c.kv_heads(cfg, heads, spec.kv_default)
    d = c.head_dim(cfg, h, heads, spec.head_dim_default)
    tied = cfg.flag("tie_word_embeddings", spec.tied_default)
    experts_default, top_k_default = _EXPERT_DEFAULTS[model_type]
    experts = _int(cfg, spec.experts_key, experts_default)
    top_ks = _top_ks(cfg, spec.top_k_key, top_k_default, n_layers)
    for k in set(top_ks):
        c.check_top_k(cfg, k, experts, spec.experts_key)
    moe_inter = cfg.req_int(spec.moe_inter_key)
    sparse = _sparse_layers(cfg, model_type, n_layers)
    inter = cfg.req_int("intermediate_size") if not all(sparse) else 0
    kinds, window = _attention_pattern(cfg, model_type, n_layers)
    qkv_bias, o_bias = _attention_bias(cfg, model_type)

    def attention(kind: AttentionKind) -> tuple[list[Part], int, int]:
        """Parts, KV heads and value head width of one layer's attention."""
        nkv, v_dim = kv, d
        if model_type == "mimo_v2_flash":  # SWA layers: twice the KV heads and sinks
            v_dim = cfg.int_or("v_head_dim", 128)
            nkv = 2 * kv if kind == "sliding" else kv
        parts: list[Part] = []
        parts += c.dense("attention", "q_proj", h, heads * d, qkv_bias)
        parts += c.dense("attention", "k_proj", h, nkv * d, qkv_bias)
        parts += c.dense("attention", "v_proj", h, nkv * v_dim, qkv_bias)
        parts += c.dense("attention", "o_proj", heads * v_dim, h, o_bias)
        if spec.qk_norm == "head" or (model_type == "glm4_moe" and cfg.flag("use_qk_norm", False)):
            parts += c.norm("q_norm+k_norm", 2 * d)
        elif spec.qk_norm == "full":  # MiniMax-M2: RMSNorm over all heads at once
            parts += c.norm("q_norm+k_norm", (heads + nkv) * d)
        if model_type == "mimo_v2_flash" and kind == "sliding":
            parts.append(Part("attention", "sinks", heads, heads, 0))
        return parts, nkv, v_dim

    def moe(i: int) -> list[Part]:
        top_k = top_ks[i]
        mlp_bias = model_type == "ernie4_5_moe" and cfg.flag("use_bias", False)
        parts = c.router(h, experts)
        if model_type == "ernie4_5_moe":  # Ernie4_5_MoeStatics: a parameter, used by every token
            parts.append(Part("biases", "moe_statics.e_score_correction_bias", experts, experts, 0))
        parts += c.routed_experts(h, moe_inter, experts, top_k)
        shared = _shared_intermediate(cfg, model_type, moe_inter)
        if shared:
            parts += c.glu_mlp(h, shared, "shared_experts", "shared_experts", mlp_bias)
        return parts

    def layer(i: int) -> Layer:
        parts, nkv, v_dim = attention(kinds[i])
        if sparse[i]:
            parts += moe(i)
        else:
            mlp_bias = model_type == "ernie4_5_moe" and cfg.flag("use_bias", False)
            parts += c.glu_mlp(h, inter, bias=mlp_bias)
        parts += c.decoder_norms(h)
        att = c.attention_shape(kinds[i], window, heads, d, v_dim, nkv * (d + v_dim))
        return c.make_layer(att, sparse[i], parts)

    keys = list(zip(kinds, sparse, top_ks, strict=True))
    layers = c.shared_layers(keys, layer)
    model_parts = list(c.embedding_parts(vocab, h, tied, h))
    if model_type == "ernie4_5_moe" and cfg.flag("use_bias", False):
        model_parts.append(Part("lm_head", "lm_head.bias", vocab, vocab, 0))
    extras: list[ExtraModule] = []
    if model_type == "glm4_moe":  # Glm4MoeConfig: num_nextn_predict_layers, default 1
        n_mtp = cfg.int_or("num_nextn_predict_layers", 1, minimum=0)
        if n_mtp:
            mtp_layer = sum(p.params for p in attention("full")[0] + moe(n_layers - 1))
            mtp_layer += 2 * h + 2 * h * h + 3 * h  # 2 layer norms; eh_proj; e/h/head norms
            extras.append(
                ExtraModule(
                    "mtp",
                    n_mtp * mtp_layer,
                    f"{n_mtp} multi-token-prediction layer(s): a MoE decoder layer + eh_proj + "
                    "3 norms each (DeepSeek-V3 layout); not built by transformers",
                )
            )
    return ArchBreakdown(
        model_type=model_type,
        family="moe",
        modeling_file=spec.file,
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=tuple(model_parts),
        layers=tuple(layers),
        extras=tuple(extras),
        notes=spec.notes,
    )


def _int(cfg: c.Cfg, key: str, default: int | None) -> int:
    return cfg.req_int(key) if default is None else cfg.int_or(key, default)


def _top_ks(cfg: c.Cfg, key: str, default: int | None, n_layers: int) -> list[int]:
    """Experts per token, per layer (Hunyuan's ``moe_topk`` may be a per-layer list)."""
    if isinstance(cfg.data.get(key), list):
        given = cfg.int_list(key) or []
        if len(given) < n_layers or min(given[:n_layers]) < 1:
            raise FlopcastError(f"{cfg._name(key)} must give a positive top-k for every layer")
        return given[:n_layers]
    return [_int(cfg, key, default)] * n_layers


def _sparse_layers(cfg: c.Cfg, model_type: str, n_layers: int) -> list[bool]:
    """Which layers hold experts, as each config class decides it."""
    if model_type in ("glm4_moe", "dots1"):  # dense below first_k_dense_replace
        first = cfg.int_or("first_k_dense_replace", 1 if model_type == "glm4_moe" else 0, 0)
        return [i >= first for i in range(n_layers)]
    if model_type == "mimo_v2_flash":
        given = cfg.str_list("mlp_layer_types")
        if given is None:
            return [i > 0 for i in range(n_layers)]
        if len(given) != n_layers or any(t not in ("dense", "sparse") for t in given):
            raise FlopcastError(
                f"{cfg._name('mlp_layer_types')} must list 'dense' or 'sparse' per layer"
            )
        return [t == "sparse" for t in given]
    if model_type == "ernie4_5_moe":  # every interval-th layer between start and end
        start = cfg.int_or("moe_layer_start_index", 1, minimum=0)
        end = cfg.data.get("moe_layer_end_index", -1)
        end = n_layers - 1 if end in (None, -1) else cfg.int_or("moe_layer_end_index", 0, 0)
        step = cfg.int_or("moe_layer_interval", 1)
        return [(i + 1) % step == 0 and start <= i <= end for i in range(n_layers)]
    return [True] * n_layers  # minimax_m2, hunyuan_v1_moe, granitemoe


def _shared_intermediate(cfg: c.Cfg, model_type: str, moe_inter: int) -> int:
    """Width of the fused shared-expert MLP (0: none)."""
    if model_type in ("glm4_moe", "dots1"):
        default = 1 if model_type == "glm4_moe" else None
        return moe_inter * _int(cfg, "n_shared_experts", default)
    if model_type == "ernie4_5_moe":
        return moe_inter * cfg.int_or("moe_num_shared_experts", 2, minimum=0)
    if model_type == "hunyuan_v1_moe":  # shared_mlp of intermediate_size
        return cfg.req_int("intermediate_size")
    return 0


def _attention_bias(cfg: c.Cfg, model_type: str) -> tuple[bool, bool]:
    """(q/k/v bias, o bias) for each attention class."""
    if model_type == "ernie4_5_moe":
        bias = cfg.flag("use_bias", False)
        return bias, bias
    if model_type == "minimax_m2":
        return False, False
    bias = cfg.flag("attention_bias", False)
    if model_type in ("glm4_moe", "mimo_v2_flash"):  # o_proj without bias
        return bias, False
    return bias, bias


def _attention_pattern(
    cfg: c.Cfg, model_type: str, n_layers: int
) -> tuple[list[AttentionKind], int | None]:
    if model_type == "dots1":  # Dots1Config: layers >= max_window_layers slide
        window = cfg.window("sliding_window", 4096)
        first = cfg.int_or("max_window_layers", 62, minimum=0)
        default: list[AttentionKind] = [
            "sliding" if window is not None and i >= first else "full" for i in range(n_layers)
        ]
        return c.layer_types(cfg, n_layers, default), window
    if model_type == "mimo_v2_flash":  # full on layer 0 and every 6th, sliding elsewhere
        window = cfg.int_or("sliding_window", 129)
        if cfg.has("sliding_window_size"):
            window = cfg.req_int("sliding_window_size") + 1
        default = ["full" if i == 0 or (i + 1) % 6 == 0 else "sliding" for i in range(n_layers)]
        return c.layer_types(cfg, n_layers, default), window
    return ["full"] * n_layers, None
