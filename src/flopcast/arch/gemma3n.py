"""Gemma 3n text model: AltUp streams, LAuReL, per-layer embeddings, shared-KV layers.

Mirrors transformers models/gemma3n/modeling_gemma3n.py (v5), ``Gemma3nTextModel``.
Every layer keeps ``altup_num_inputs`` (n) copies of the hidden state (AltUp): a router
(hidden -> n, run twice: predict and correct) sets per-token mixing coefficients
(prediction_coefs n -> n^2, correction_coefs n -> n) and the n streams are mixed with them,
n^2 x hidden multiply-adds per token, counted with the weights multiplied. LAuReL adds a
rank-``laurel_rank`` residual (hidden -> r -> hidden). Per-layer embeddings (PLE) work as in
Gemma 4. The last ``num_kv_shared_layers`` layers reuse earlier keys and values: no k/v
weights, no cache of their own. MLP widths may differ per layer. A multimodal ``gemma3n``
config is counted for its text model only: its MobileNet vision and Conformer audio towers
are not counted.
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch.types import ArchBreakdown, AttentionKind, Layer, Part
from flopcast.errors import FlopcastError


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    text = cfg
    notes: list[str] = []
    if model_type == "gemma3n":
        text = cfg.sub("text_config") or c.Cfg({}, model_type, "text_config.")
        notes.append("the vision and audio towers are not counted (text model only)")
    h = text.int_or("hidden_size", 2048)
    n_layers = text.int_or("num_hidden_layers", 35)
    vocab = text.int_or("vocab_size", 262_400)
    tied = text.flag("tie_word_embeddings", True)
    heads = text.int_or("num_attention_heads", 8)
    kv = c.kv_heads(text, heads, 2)
    d = text.int_or("head_dim", 256)
    bias = text.flag("attention_bias", False)
    window = text.window("sliding_window", 512)
    n = text.int_or("altup_num_inputs", 4)
    rank = text.int_or("laurel_rank", 64)
    ple = text.int_or("hidden_size_per_layer_input", 256)
    ple_vocab = text.int_or("vocab_size_per_layer_input", 262_144)
    inter = _intermediate(text, n_layers)
    kinds = c.layer_types(
        text, n_layers, ["full" if (i + 1) % 5 == 0 else "sliding" for i in range(n_layers)]
    )
    shared = _shared(text, kinds)

    def layer(i: int) -> Layer:
        parts: list[Part] = []
        parts += c.dense("attention", "q_proj", h, heads * d, bias)
        parts += c.norm("q_norm", d)
        if not shared[i]:
            parts += c.dense("attention", "k_proj", h, kv * d, bias)
            parts += c.dense("attention", "v_proj", h, kv * d, bias)
            parts += c.norm("k_norm", d)  # v_norm has no scale
        parts += c.dense("attention", "o_proj", heads * d, h, bias)
        parts += c.glu_mlp(h, inter[i])
        parts += c.decoder_norms(h, 4)
        # AltUp: modality_router (run in predict and in correct), the two coefficient maps,
        # the learned output scale, and the n-stream mixing with per-token coefficients
        parts.append(Part("altup", "altup.modality_router", h * n, h * n, 2 * h * n))
        parts += c.dense("altup", "altup.prediction_coefs", n, n * n)
        parts += c.dense("altup", "altup.correction_coefs", n, n)
        parts.append(Part("altup", "altup.correct_output_scale", h, h, 0))
        parts.append(Part("altup", "altup.predict (stream mixing)", 0, 0, n * n * h))
        parts += c.norm("altup.router_norm", h)
        parts += c.dense("laurel", "laurel.linear_left", h, rank)
        parts += c.dense("laurel", "laurel.linear_right", rank, h)
        parts += c.norm("laurel.post_laurel_norm", h)
        parts += c.dense("per_layer_embedding", "per_layer_input_gate", h, ple)
        parts += c.dense("per_layer_embedding", "per_layer_projection", ple, h)
        parts += c.norm("post_per_layer_input_norm", h)
        kv_elements = 0 if shared[i] else c.gqa_kv_elements(kv, d)
        att = c.attention_shape(kinds[i], window, heads, d, d, kv_elements)
        return c.make_layer(att, False, parts)

    layers = c.shared_layers([(kinds[i], inter[i], shared[i]) for i in range(n_layers)], layer)
    table = ple_vocab * n_layers * ple
    model_parts = list(c.embedding_parts(vocab, h, tied, h))
    model_parts.append(Part("per_layer_embedding", "embed_tokens_per_layer", table, table, 0))
    model_parts += c.dense("per_layer_embedding", "per_layer_model_projection", h, n_layers * ple)
    model_parts += c.norm("per_layer_projection_norm", ple)
    # n - 1 projections into the extra AltUp streams (input) and back out (output)
    model_parts += c.dense("altup", "altup_projections", h, (n - 1) * h)
    model_parts += c.dense("altup", "altup_unembed_projections", h, (n - 1) * h)
    return ArchBreakdown(
        model_type=model_type,
        family="gemma3n",
        modeling_file="models/gemma3n/modeling_gemma3n.py",
        vocab_size=vocab,
        hidden_size=h,
        tied_embeddings=tied,
        model_parts=tuple(model_parts),
        layers=tuple(layers),
        notes=tuple(notes),
    )


def _intermediate(cfg: c.Cfg, n_layers: int) -> list[int]:
    listed = (
        cfg.int_list("intermediate_size")
        if isinstance(cfg.data.get("intermediate_size"), list)
        else None
    )
    if listed is None:
        return [cfg.int_or("intermediate_size", 16_384)] * n_layers
    if len(listed) != n_layers:
        raise FlopcastError(
            f"{cfg._name('intermediate_size')} lists {len(listed)} widths for {n_layers} layers"
        )
    return listed


def _shared(cfg: c.Cfg, kinds: list[AttentionKind]) -> list[bool]:
    """Gemma3nTextConfig.kv_sharing_modes: the last ``num_kv_shared_layers`` reuse KV."""
    n = len(kinds)
    k = cfg.int_or("num_kv_shared_layers", 15, minimum=0)
    if k > n:
        raise FlopcastError(f"num_kv_shared_layers ({k}) is larger than num_hidden_layers ({n})")
    first = n - k
    if k and set(kinds[:first]) != set(kinds):
        raise FlopcastError("a layer type reusing KV has no earlier layer of its type to reuse")
    return [i >= first for i in range(n)]
