"""Multi-head latent attention + DeepSeekMoE: DeepSeek-V3/V3.1, Kimi K2/K2.5, DeepSeek-V3.2,
GLM-5 and GLM-4.7-Flash.

Mirrors transformers (v5) models/deepseek_v3/modeling_deepseek_v3.py (``deepseek_v3``,
``kimi_k2`` whose config says ``DeepseekV3ForCausalLM``, and the text model of ``kimi_k25``),
models/deepseek_v32/modeling_deepseek_v32.py, models/glm_moe_dsa/modeling_glm_moe_dsa.py and
models/glm4_moe_lite/modeling_glm4_moe_lite.py. Dense layers (below ``first_k_dense_replace``,
or ``"dense"`` in ``mlp_layer_types``) use a gated MLP; the rest routed experts, a sigmoid
router (its correction bias is a buffer) and ``n_shared_experts`` shared experts fused into
one MLP.

DeepSeek-V3.2 and GLM-5 add DeepSeek Sparse Attention: a lightning indexer per layer (wq_b
from the q latent, wk + LayerNorm, weights_proj) whose keys are cached, and a top-k
selection of ``index_topk`` keys per query (see ``flopcast.arch.types`` for the FLOP
convention). GLM-5's ``"shared"`` indexer layers reuse the previous layer's selection and
have no indexer. The multi-token-prediction module (``num_nextn_predict_layers``) is not
built by transformers; it is reported as an extra (DeepSeek-V3 README_WEIGHTS.md: one more
MoE decoder layer, enorm, hnorm, eh_proj and shared_head.norm; embedding and head shared
with the main model).
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch import vision
from flopcast.arch.types import ArchBreakdown, Attention, ExtraModule, Layer, Part
from flopcast.errors import FlopcastError

_FILES = {
    "deepseek_v3": "models/deepseek_v3/modeling_deepseek_v3.py",
    "kimi_k2": "models/deepseek_v3/modeling_deepseek_v3.py",
    "kimi_k25": "models/kimi_k25/modeling_kimi_k25.py",
    "deepseek_v32": "models/deepseek_v32/modeling_deepseek_v32.py",
    "glm_moe_dsa": "models/glm_moe_dsa/modeling_glm_moe_dsa.py",
    "glm4_moe_lite": "models/glm4_moe_lite/modeling_glm4_moe_lite.py",
}
# config-class defaults used by the modeling files (None: the key is required)
_Q_LORA = {"deepseek_v32": 1536, "glm_moe_dsa": 2048, "glm4_moe_lite": 768}
_FIRST_DENSE = {"glm4_moe_lite": 1}  # Glm4MoeLiteConfig: mlp_layer_types = dense + sparse...
_INDEXER = {  # (index_topk, index_head_dim, index_n_heads)
    "deepseek_v32": (2048, 128, 64),
    "glm_moe_dsa": (2048, 128, 32),
}


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    text = cfg
    extras: list[ExtraModule] = []
    tied = False
    if model_type == "kimi_k25":
        sub = cfg.sub("text_config")
        if sub is None:
            raise FlopcastError("config.json of model_type 'kimi_k25' is missing 'text_config'")
        text = c.Cfg(sub.data, "deepseek_v3", "text_config.")
        tied = cfg.flag("tie_word_embeddings", True)  # Kimi_K25Config decides tying
    else:
        tied = cfg.flag("tie_word_embeddings", False)
    kind = "deepseek_v3" if model_type in ("kimi_k2", "kimi_k25") else model_type

    h = text.req_int("hidden_size")
    n_layers = text.req_int("num_hidden_layers")
    heads = text.req_int("num_attention_heads")
    vocab = text.req_int("vocab_size")
    experts = text.req_int("n_routed_experts")
    top_k = text.req_int("num_experts_per_tok")
    c.check_top_k(text, top_k, experts, "n_routed_experts")
    moe_inter = text.req_int("moe_intermediate_size")
    shared = text.int_or("n_shared_experts", 1, minimum=0)
    q_lora = _q_lora(text, kind)
    kv_lora = text.req_int("kv_lora_rank")
    nope = text.req_int("qk_nope_head_dim")
    rope = text.req_int("qk_rope_head_dim")
    v_dim = text.req_int("v_head_dim")
    bias = text.flag("attention_bias", False)
    sparse = _mlp_layers(text, kind, n_layers)
    inter = text.req_int("intermediate_size") if not all(sparse) else 0
    indexed = _indexer_layers(text, kind, n_layers)
    topk = d_i = h_i = 0
    if kind in _INDEXER:
        topk_default, d_default, h_default = _INDEXER[kind]
        topk = text.int_or("index_topk", topk_default)
        d_i = text.int_or("index_head_dim", d_default)
        h_i = text.int_or("index_n_heads", h_default)
        if rope > d_i:
            raise FlopcastError(
                f"{text._name('qk_rope_head_dim')} ({rope}) exceeds "
                f"{text._name('index_head_dim')} ({d_i})"
            )

    def attention(with_indexer: bool) -> list[Part]:
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
        if with_indexer:  # DeepseekV32Indexer: wq_b, wk, k_norm (LayerNorm), weights_proj
            assert q_lora is not None
            parts += c.dense("attention", "indexer.wq_b", q_lora, h_i * d_i)
            parts += c.dense("attention", "indexer.wk", h, d_i)
            parts += [Part("norms", "indexer.k_norm", d_i, d_i, 0)]
            parts += [Part("biases", "indexer.k_norm.bias", d_i, d_i, 0)]
            parts += c.dense("attention", "indexer.weights_proj", h, h_i)
        return parts

    def moe() -> list[Part]:
        # DeepseekV3TopkRouter weight [E, h] (its correction bias is a buffer, not counted)
        parts = c.router(h, experts)
        parts += c.routed_experts(h, moe_inter, experts, top_k)
        if shared:
            parts += c.glu_mlp(h, moe_inter * shared, "shared_experts", "shared_experts")
        return parts

    def shape(with_indexer: bool) -> Attention:
        # MLA caches the normed latent (kv_lora) and the rope key (rope) per token and layer;
        # the DSA indexer also caches its key (d_I) and scores 2 H_I (d_I + 1) per pair
        if kind not in _INDEXER:
            return c.attention_shape("full", None, heads, nope + rope, v_dim, kv_lora + rope)
        return Attention(
            "full",
            None,
            heads,
            nope + rope,
            v_dim,
            kv_lora + rope + (d_i if with_indexer else 0),
            topk=topk,
            index_pair_flops=2 * h_i * (d_i + 1) if with_indexer else 0,
        )

    def layer(i: int) -> Layer:
        parts = attention(indexed[i])
        parts += moe() if sparse[i] else c.glu_mlp(h, inter)
        parts += c.decoder_norms(h)
        return c.make_layer(shape(indexed[i]), sparse[i], parts)

    layers = c.shared_layers(list(zip(sparse, indexed, strict=True)), layer)

    n_mtp = text.int_or("num_nextn_predict_layers", 0, minimum=0)
    if n_mtp:
        mtp_layer = sum(p.params for p in attention(kind in _INDEXER) + moe())
        mtp_layer += 2 * h  # the decoder layer's two RMSNorms
        head = 2 * h * h + 3 * h  # eh_proj [h, 2h]; enorm, hnorm, shared_head.norm
        extras.append(
            ExtraModule(
                "mtp",
                n_mtp * (mtp_layer + head),
                f"{n_mtp} multi-token-prediction module(s): a MoE decoder layer + eh_proj + "
                "3 norms each; shares embedding and LM head; not built by transformers",
            )
        )
    if model_type == "kimi_k25":
        extras += vision.moonvit(cfg, h)
    notes: list[str] = []
    if kind == "deepseek_v3" and text.int_or("moe_layer_freq", 1) != 1:
        notes.append("moe_layer_freq is ignored, as in transformers (1 in every release)")
    if kind in _INDEXER:
        notes.append(
            f"DeepSeek Sparse Attention: each query attends to at most {topk:,} keys chosen "
            f"by a {h_i}-head indexer that scores every earlier token"
        )
    return ArchBreakdown(
        model_type=model_type,
        family="deepseek",
        modeling_file=_FILES[model_type],
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=c.embedding_parts(vocab, h, tied, h),
        layers=tuple(layers),
        extras=tuple(extras),
        notes=tuple(notes),
    )


def _q_lora(cfg: c.Cfg, kind: str) -> int | None:
    """q_lora_rank: the class default when absent; null means a plain q_proj (V3/lite only)."""
    default = _Q_LORA.get(kind, 1536)
    q_lora = cfg.opt_int("q_lora_rank", None) if "q_lora_rank" in cfg.data else default
    if q_lora is None and kind in _INDEXER:
        raise FlopcastError(
            f"{cfg._name('q_lora_rank')} must be set for model_type {kind!r} (its indexer "
            "reads the q latent)"
        )
    return q_lora


def _mlp_layers(cfg: c.Cfg, kind: str, n_layers: int) -> list[bool]:
    """Which layers are sparse (MoE): ``mlp_layer_types`` if given, else dense-first."""
    given = cfg.str_list("mlp_layer_types") if kind != "deepseek_v3" else None
    if given is not None:
        if len(given) != n_layers or any(t not in ("dense", "sparse") for t in given):
            raise FlopcastError(
                f"{cfg._name('mlp_layer_types')} must list 'dense' or 'sparse' for each of the "
                f"{n_layers} layers"
            )
        return [t == "sparse" for t in given]
    if kind in _FIRST_DENSE:  # Glm4MoeLiteConfig ignores first_k_dense_replace
        first = _FIRST_DENSE[kind]
    else:
        first = cfg.int_or("first_k_dense_replace", 3, minimum=0)
    return [i >= first for i in range(n_layers)]


def _indexer_layers(cfg: c.Cfg, kind: str, n_layers: int) -> list[bool]:
    """Which layers run their own DSA indexer (GlmMoeDsaConfig ``indexer_types``)."""
    if kind not in _INDEXER:
        return [False] * n_layers
    if kind == "deepseek_v32":
        return [True] * n_layers
    given = cfg.str_list("indexer_types")
    if given is None:
        pattern = cfg.data.get("index_topk_pattern")
        if isinstance(pattern, str):
            given = [{"F": "full", "S": "shared"}.get(ch, ch) for ch in pattern]
        elif pattern is not None:
            given = cfg.str_list("index_topk_pattern")
        else:  # GlmMoeDsaConfig: every freq-th layer from the offset runs an indexer
            freq = max(cfg.int_or("index_topk_freq", 1, minimum=0), 1)
            offset = cfg.int_or("index_skip_topk_offset", 2, minimum=0)
            given = [
                "full" if max(i - offset + 1, 0) % freq == 0 else "shared" for i in range(n_layers)
            ]
    assert given is not None
    if len(given) < n_layers or any(t not in ("full", "shared") for t in given[:n_layers]):
        raise FlopcastError(
            f"{cfg._name('indexer_types')} must list 'full' or 'shared' for each of the "
            f"{n_layers} layers"
        )
    return [t == "full" for t in given[:n_layers]]
