"""A model's shape as the memory formulas of a training plan need it.

The exact accounting of an architecture (:class:`flopcast.arch.ArchBreakdown`, from a
config.json) gives every layer's parameter blocks and attention shape; this module reads from it
what a GPU stores for a layer (the widths of Q, K, V and the attention output, the weights of the
MLP a token multiplies) and how the layer's weights split under tensor and expert parallelism.
Without a config, :func:`shape_from_counts` builds an approximate shape from total and active
parameters and the dimensions a user types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flopcast.arch import ArchBreakdown, Layer
from flopcast.errors import FlopcastError, opt

#: Parameter groups split by tensor parallelism (column/row-parallel linears), by expert
#: parallelism (routed experts, also split by tensor parallelism), and held whole.
TP_GROUPS = frozenset(
    {
        "attention",
        "dense_mlp",
        "shared_experts",
        "linear_attention",
        "ssm",
        "moe_latent",
        "short_conv",
    }
)
EXPERT_GROUPS = frozenset({"routed_experts"})

#: config.json keys that give the experts a token is routed to, by family.
_TOP_K_KEYS = (
    "num_experts_per_tok",
    "top_k_experts",
    "moe_topk",
    "num_experts_per_token",
    "experts_per_token",
    "moe_k",
)
_DROPOUT_KEYS = ("attention_dropout", "hidden_dropout", "dropout", "resid_pdrop", "attn_pdrop")


@dataclass(frozen=True)
class LayerShape:
    """What one decoder layer multiplies, stores and holds.

    Widths are elements per token: ``q_width`` the queries (heads x d_qk), ``kv_width`` keys and
    values together, ``o_width`` the attention output that enters the out-projection (heads x
    d_v). ``mixer_params`` are the weights of a recurrent token mixer (linear attention, SSM),
    which has no score matrix. ``mlp_params`` and ``routed_params`` are the MLP weights one
    token multiplies (dense or shared experts; its top-k routed experts).
    """

    hidden: int
    heads: int
    kv_heads: int
    q_width: int
    kv_width: int
    o_width: int
    attention: bool
    mixer_params: int
    mlp_params: int
    routed_params: int
    experts: int
    top_k: int
    gated: bool
    tp_params: int
    replicated_params: int
    expert_params: int

    @property
    def params(self) -> int:
        return self.tp_params + self.replicated_params + self.expert_params

    @property
    def ffn(self) -> float:
        """The MLP's intermediate width a token goes through (f), all its experts together."""
        per = 3 if self.gated else 2
        return (self.mlp_params + self.routed_params) / (per * self.hidden)

    def params_per_gpu(self, tp: int, ep: int) -> float:
        """This layer's weights on one GPU: TP-split, expert-split, replicated."""
        return self.tp_params / tp + self.expert_params / (ep * tp) + self.replicated_params

    def to_dict(self) -> dict[str, Any]:
        return {
            "hidden": self.hidden,
            "heads": self.heads,
            "kv_heads": self.kv_heads,
            "q_width": self.q_width,
            "kv_width": self.kv_width,
            "o_width": self.o_width,
            "attention": self.attention,
            "mixer_params": self.mixer_params,
            "mlp_params": self.mlp_params,
            "routed_params": self.routed_params,
            "experts": self.experts,
            "top_k": self.top_k,
            "gated": self.gated,
            "ffn": self.ffn,
            "params": self.params,
            "tp_params": self.tp_params,
            "replicated_params": self.replicated_params,
            "expert_params": self.expert_params,
        }


@dataclass(frozen=True)
class ModelShape:
    """A model for a training plan: its layers, embeddings and counts, and where they came from.

    ``exact`` says whether the counts come from a config.json (exact) or from totals and typed
    dimensions (approximate). ``arch`` is the exact accounting when there is one (FLOPs per
    token come from it).
    """

    name: str
    origin: str
    exact: bool
    layers: tuple[LayerShape, ...]
    vocab: int
    hidden: int
    embedding_params: int
    lm_head_params: int  # 0 when tied to the embedding
    tied: bool
    final_norm_params: int
    total_params: int
    active_params: int
    largest_module_params: int
    dropout: bool = False
    notes: tuple[str, ...] = ()
    arch: ArchBreakdown | None = field(default=None, repr=False, compare=False)

    @property
    def num_layers(self) -> int:
        return len(self.layers)

    @property
    def is_moe(self) -> bool:
        return any(layer.experts > 1 for layer in self.layers)

    @property
    def experts(self) -> int:
        return max((layer.experts for layer in self.layers), default=0)

    @property
    def heads(self) -> tuple[int, ...]:
        """The distinct attention head counts of the layers (tensor parallelism splits them)."""
        return tuple(sorted({la.heads for la in self.layers if la.attention and la.heads}))

    def to_dict(self) -> dict[str, Any]:
        distinct: dict[int, LayerShape] = {}
        for la in self.layers:
            distinct.setdefault(id(la), la)
        return {
            "name": self.name,
            "origin": self.origin,
            "exact": self.exact,
            "num_layers": self.num_layers,
            "vocab": self.vocab,
            "hidden": self.hidden,
            "embedding_params": self.embedding_params,
            "lm_head_params": self.lm_head_params,
            "tied": self.tied,
            "total_params": self.total_params,
            "active_params": self.active_params,
            "largest_module_params": self.largest_module_params,
            "dropout": self.dropout,
            "layer_kinds": [la.to_dict() for la in distinct.values()],
            "notes": list(self.notes),
        }


def _config_int(config: Mapping[str, Any], keys: tuple[str, ...]) -> int | None:
    for where in (config, config.get("text_config")):
        if not isinstance(where, Mapping):
            continue
        for key in keys:
            value = where.get(key)
            if isinstance(value, list) and value and all(isinstance(v, int) for v in value):
                value = max(value)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return value
    return None


def _has_dropout(config: Mapping[str, Any]) -> bool:
    for where in (config, config.get("text_config")):
        if isinstance(where, Mapping):
            for key in _DROPOUT_KEYS:
                value = where.get(key)
                if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                    return True
    return False


def _layer_shape(layer: Layer, hidden: int, top_k: int | None) -> LayerShape:
    att = layer.attention
    mla = any(p.name.endswith("kv_b_proj") for p in layer.parts)
    active: dict[str, int] = {}
    params: dict[str, int] = {}
    for p in layer.parts:
        active[p.group] = active.get(p.group, 0) + p.active
        params[p.group] = params.get(p.group, 0) + p.params
    routed_all = params.get("routed_experts", 0)
    routed_active = active.get("routed_experts", 0)
    k = top_k or 1
    experts = round(k * routed_all / routed_active) if routed_active else 0
    heads = att.heads if att.kind != "none" else 0
    if mla:  # MLA materializes a key and a value per head from its latent (kept too)
        kv_heads = heads
        kv_width = heads * (att.qk_dim + att.v_dim) + att.kv_elements
    else:
        head_width = att.qk_dim + att.v_dim
        kv_heads = att.kv_elements // head_width if head_width else 0
        kv_width = att.kv_elements
    mlp_names = [p.name for p in layer.parts if p.group in ("dense_mlp", "shared_experts")]
    gated = not mlp_names or any("gate" in n or "w1" in n for n in mlp_names)
    tp = sum(v for g, v in params.items() if g in TP_GROUPS)
    expert = sum(v for g, v in params.items() if g in EXPERT_GROUPS)
    return LayerShape(
        hidden=hidden,
        heads=heads,
        kv_heads=kv_heads,
        q_width=heads * att.qk_dim,
        kv_width=kv_width,
        o_width=heads * att.v_dim,
        attention=att.kind != "none",
        mixer_params=active.get("linear_attention", 0)
        + active.get("ssm", 0)
        + active.get("short_conv", 0),
        mlp_params=active.get("dense_mlp", 0) + active.get("shared_experts", 0),
        routed_params=routed_active,
        experts=experts,
        top_k=k if experts else 0,
        gated=gated,
        tp_params=tp,
        replicated_params=layer.params - tp - expert,
        expert_params=expert,
    )


def shape_from_arch(
    arch: ArchBreakdown, config: Mapping[str, Any], name: str, origin: str
) -> ModelShape:
    """The plan's view of an exactly counted architecture."""
    top_k = _config_int(config, _TOP_K_KEYS)
    cache: dict[int, LayerShape] = {}
    layers = []
    for layer in arch.layers:
        if id(layer) not in cache:
            cache[id(layer)] = _layer_shape(layer, arch.hidden_size, top_k)
        layers.append(cache[id(layer)])
    notes: list[str] = []
    if any(la.experts for la in layers) and top_k is None:
        notes.append("the config names no experts per token: one assumed")
    if any(not la.attention for la in layers):
        notes.append(
            "recurrent (linear-attention/SSM) layers are counted like attention layers of "
            "the same weights, without a score matrix: an approximation"
        )
    groups = arch.groups
    largest = max(
        [p.params for p in arch.model_parts]
        + [p.params for la in {id(x): x for x in arch.layers}.values() for p in la.parts]
    )
    return ModelShape(
        name=name,
        origin=origin,
        exact=True,
        layers=tuple(layers),
        vocab=arch.vocab_size,
        hidden=arch.hidden_size,
        embedding_params=groups.embedding,
        lm_head_params=groups.lm_head,
        tied=arch.tied_embeddings,
        final_norm_params=sum(p.params for p in arch.model_parts if p.group == "norms"),
        total_params=arch.total_params,
        active_params=arch.active_params,
        largest_module_params=largest,
        dropout=_has_dropout(config),
        notes=tuple(notes),
        arch=arch,
    )


def shape_from_counts(
    *,
    total_params: float,
    active_params: float,
    layers: int | None,
    hidden: int | None,
    heads: int | None,
    kv_heads: int | None = None,
    vocab: int | None = None,
    experts: int | None = None,
    top_k: int | None = None,
) -> ModelShape:
    """An approximate shape from parameter counts and typed dimensions (no config.json).

    Each layer is a grouped-query attention block (q and o of hidden x hidden, k and v of
    hidden x hidden x kv_heads / heads) and a gated MLP holding the rest of its parameters;
    routed experts hold the parameters a token does not use (total - active).
    """
    missing = [n for n, v in (("layers", layers), ("hidden", hidden), ("heads", heads)) if not v]
    if missing:
        raise FlopcastError(
            "a plan without a config.json needs the model's shape: add "
            + " ".join(f"{opt(n)} N" for n in missing)
        )
    assert layers is not None and hidden is not None and heads is not None
    kv = kv_heads or heads
    if heads % kv:
        raise FlopcastError(f"{opt('kv_heads')} {kv} must divide {opt('heads')} {heads}")
    if hidden % heads:
        raise FlopcastError(f"{opt('heads')} {heads} must divide {opt('hidden')} {hidden}")
    if active_params > total_params:
        raise FlopcastError(
            f"{opt('active_params')} is larger than {opt('total_params')}: "
            "active parameters are at most the total"
        )
    v = vocab or 0
    embed = v * hidden
    head_dim = hidden // heads
    attention = 2 * hidden * hidden + 2 * hidden * kv * head_dim
    per_layer_active = (active_params - 2 * embed) / layers
    mlp_active = per_layer_active - attention - 2 * hidden
    if mlp_active <= 0:
        raise FlopcastError(
            f"{opt('active_params')} leaves no MLP weights for {layers} layers of width "
            f"{hidden}: check {opt('layers')}, {opt('hidden')} and {opt('active_params')}"
        )
    unused = (total_params - active_params) / layers  # experts a token does not visit
    e = experts or (0 if unused <= 0 else None)
    if e is None:
        raise FlopcastError(
            f"{opt('total_params')} is above {opt('active_params')}: a mixture of experts "
            f"needs {opt('experts')} N and {opt('top_k')} K"
        )
    k = top_k or (1 if e else 0)
    if e and (k >= e):
        raise FlopcastError(f"{opt('top_k')} {k} must be smaller than {opt('experts')} {e}")
    routed_all = unused * e / (e - k) if e else 0.0
    routed_active = routed_all * k / e if e else 0.0
    mlp = max(mlp_active - routed_active, 0.0)
    layer = LayerShape(
        hidden=hidden,
        heads=heads,
        kv_heads=kv,
        q_width=hidden,
        kv_width=2 * kv * head_dim,
        o_width=hidden,
        attention=True,
        mixer_params=0,
        mlp_params=round(mlp),
        routed_params=round(routed_active),
        experts=e,
        top_k=k,
        gated=True,
        tp_params=round(attention + mlp),
        replicated_params=2 * hidden,
        expert_params=round(routed_all),
    )
    notes = ["approximate: parameters split by a typical layer (GQA attention, gated MLP)"]
    if not vocab:
        notes.append(f"no {opt('vocab')}: embeddings counted inside the layers")
    from flopcast.quantity import fmt_si

    name = f"A {fmt_si(total_params)} model"
    if active_params < total_params:
        name += f" ({fmt_si(active_params)} active)"
    return ModelShape(
        name=name,
        origin="given counts and shape",
        exact=False,
        layers=(layer,) * layers,
        vocab=v,
        hidden=hidden,
        embedding_params=embed,
        lm_head_params=embed,
        tied=False,
        final_norm_params=hidden,
        total_params=round(total_params),
        active_params=round(active_params),
        largest_module_params=max(embed, round(mlp / 3), round(routed_all)),
        notes=tuple(notes),
    )
