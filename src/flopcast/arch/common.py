"""Pieces shared by every family: config access, attention, MLPs, experts, norms.

Each builder returns ``Part`` rows mirroring the ``nn.Linear``/``nn.Parameter`` shapes that
transformers' modeling files create; the family modules only wire them together.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from flopcast.arch.types import Attention, AttentionKind, Group, Layer, Part
from flopcast.errors import FlopcastError
from flopcast.sanitize import short

#: The largest size a config.json may give (vocabularies are ~10^5, widths ~10^4, context
#: windows ~10^7): beyond it counts leave the range where they are exact in a float.
MAX_SIZE = 2**31
#: Layers are built one by one: the deepest released models have under 200.
MAX_LAYERS = 10_000
_CAPS = {"num_hidden_layers": MAX_LAYERS, "num_layers": MAX_LAYERS}


class Cfg:
    """Validated read access to a config.json dict; errors name the missing/bad field."""

    def __init__(self, data: Mapping[str, Any], model_type: str, prefix: str = "") -> None:
        self.data = data
        self.model_type = model_type
        self.prefix = prefix

    def _name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def req_int(self, key: str, minimum: int = 1) -> int:
        if key not in self.data or self.data[key] is None:
            raise FlopcastError(
                f"config.json is missing {self._name(key)!r}, needed for model_type "
                f"{self.model_type!r}"
            )
        return self._as_int(key, self.data[key], minimum)

    def opt_int(self, key: str, default: int | None, minimum: int = 1) -> int | None:
        value = self.data.get(key)
        if value is None:
            return default
        return self._as_int(key, value, minimum)

    def int_or(self, key: str, default: int, minimum: int = 1) -> int:
        value = self.opt_int(key, default, minimum)
        assert value is not None
        return value

    def window(self, key: str, default: int | None) -> int | None:
        """A window size: the class default when the key is absent, None when it is null/0."""
        if key not in self.data:
            return default
        value = self.data[key]
        if value is None:
            return None
        return self._as_int(key, value, 0) or None

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool | int):
            raise FlopcastError(f"{self._name(key)} must be true or false, got {_short(value)}")
        return bool(value)

    def int_list(self, key: str) -> list[int] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            raise FlopcastError(
                f"{self._name(key)} must be a list of integers, got {_short(value)}"
            )
        return [self._as_int(key, v, 0) for v in value]

    def str_list(self, key: str) -> list[str] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise FlopcastError(f"{self._name(key)} must be a list of strings, got {_short(value)}")
        return list(value)

    def sub(self, key: str) -> Cfg | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise FlopcastError(f"{self._name(key)} must be an object, got {_short(value)}")
        return Cfg(value, self.model_type, f"{self.prefix}{key}.")

    def _as_int(self, key: str, value: Any, minimum: int) -> int:
        cap = _CAPS.get(key, MAX_SIZE)
        if type(value) is int and minimum <= value <= cap:  # the common case, checked fast
            return value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise FlopcastError(f"{self._name(key)} must be an integer, got {_short(value)}")
        if value < minimum:
            raise FlopcastError(f"{self._name(key)} must be at least {minimum}, got {value}")
        if value > cap:
            raise FlopcastError(
                f"{self._name(key)} is {_short(value)}, above the {cap:,} flopcast accepts "
                "(no released model comes near it): check the config"
            )
        return value


def _short(value: Any) -> str:
    """A config value for a message, cut short (a hostile config can hold anything)."""
    return short(value)


# ---- dimensions --------------------------------------------------------------------------


def head_dim(cfg: Cfg, hidden: int, heads: int, default: int | None = None) -> int:
    """``head_dim`` from the config, else ``default``, else hidden // heads (must divide)."""
    explicit = cfg.opt_int("head_dim", None)
    if explicit is not None:
        return explicit
    if default is not None:
        return default
    if hidden % heads:
        raise FlopcastError(
            f"{cfg._name('num_attention_heads')} ({heads}) does not divide "
            f"{cfg._name('hidden_size')} ({hidden}) and the config gives no head_dim"
        )
    return hidden // heads


def kv_heads(cfg: Cfg, heads: int, default: int | None) -> int:
    """``num_key_value_heads`` (class default when absent; None means = heads); must divide."""
    nkv = cfg.opt_int("num_key_value_heads", default)
    nkv = heads if nkv is None else nkv
    if heads % nkv:
        raise FlopcastError(
            f"{cfg._name('num_key_value_heads')} ({nkv}) must divide "
            f"{cfg._name('num_attention_heads')} ({heads})"
        )
    return nkv


def check_top_k(cfg: Cfg, top_k: int, experts: int, experts_key: str) -> None:
    if top_k > experts:
        raise FlopcastError(
            f"{cfg._name('num_experts_per_tok')} ({top_k}) is larger than "
            f"{cfg._name(experts_key)} ({experts})"
        )


_LAYER_TYPES: dict[str, AttentionKind] = {
    "full_attention": "full",
    "sliding_attention": "sliding",
    "chunked_attention": "chunked",
}


def layer_types(cfg: Cfg, num_layers: int, default: Sequence[AttentionKind]) -> list[AttentionKind]:
    """The config's ``layer_types`` if given (validated), else the family's default pattern."""
    given = cfg.str_list("layer_types")
    if given is None:
        return list(default)
    if len(given) != num_layers:
        raise FlopcastError(
            f"{cfg._name('layer_types')} has {len(given)} entries but "
            f"{cfg._name('num_hidden_layers')} is {num_layers}"
        )
    kinds: list[AttentionKind] = []
    for t in given:
        if t not in _LAYER_TYPES:
            raise FlopcastError(
                f"{cfg._name('layer_types')} has unknown layer type {_short(t)}; "
                f"known: {', '.join(_LAYER_TYPES)}"
            )
        kinds.append(_LAYER_TYPES[t])
    return kinds


def attention_shape(
    kind: AttentionKind, window: int | None, heads: int, qk: int, v: int, kv_elements: int
) -> Attention:
    """An ``Attention``; a sliding/chunked layer with no window attends to everything."""
    if kind != "full" and not window:
        kind, window = "full", None
    if kind == "full":
        window = None
    return Attention(kind, window, heads, qk, v, kv_elements)


# ---- parameter blocks ----------------------------------------------------------------------


def dense(group: Group, name: str, n_in: int, n_out: int, bias: bool = False) -> list[Part]:
    """``nn.Linear(n_in, n_out)`` used by every token; its bias goes to the biases group."""
    parts = [Part(group, name, n_in * n_out, n_in * n_out, n_in * n_out)]
    if bias:
        parts.append(Part("biases", f"{name}.bias", n_out, n_out, 0))
    return parts


def norm(name: str, size: int, with_bias: bool = False) -> list[Part]:
    """An RMSNorm (weight only) or a LayerNorm (weight + bias, both in the norms group)."""
    n = size * (2 if with_bias else 1)
    return [Part("norms", name, n, n, 0)]


def gqa_attention(
    hidden: int,
    heads: int,
    kv: int,
    dim: int,
    *,
    qkv_bias: bool = False,
    o_bias: bool = False,
    qk_norm: bool = False,
    sinks: bool = False,
) -> list[Part]:
    """q/k/v/o projections of grouped-query attention (llama/modeling_llama.py LlamaAttention).

    q and o stay ``heads * dim`` wide under GQA; k and v are ``kv * dim``. ``qk_norm`` adds
    Qwen3/Gemma3's per-head RMSNorms (2 x dim); ``sinks`` gpt-oss's one logit per head.
    """
    parts: list[Part] = []
    parts += dense("attention", "q_proj", hidden, heads * dim, qkv_bias)
    parts += dense("attention", "k_proj", hidden, kv * dim, qkv_bias)
    parts += dense("attention", "v_proj", hidden, kv * dim, qkv_bias)
    parts += dense("attention", "o_proj", heads * dim, hidden, o_bias)
    if qk_norm:
        parts += norm("q_norm+k_norm", 2 * dim)
    if sinks:
        parts.append(Part("attention", "sinks", heads, heads, 0))
    return parts


def glu_mlp(
    hidden: int, inter: int, group: Group = "dense_mlp", name: str = "mlp", bias: bool = False
) -> list[Part]:
    """Gated MLP: gate, up (hidden -> inter) and down (inter -> hidden) (LlamaMLP)."""
    parts: list[Part] = []
    parts += dense(group, f"{name}.gate_proj", hidden, inter, bias)
    parts += dense(group, f"{name}.up_proj", hidden, inter, bias)
    parts += dense(group, f"{name}.down_proj", inter, hidden, bias)
    return parts


def routed_experts(
    hidden: int, inter: int, experts: int, top_k: int, bias: bool = False
) -> list[Part]:
    """E gated experts stored as fused 3-D tensors; a token uses ``top_k`` of them.

    transformers v5 stores ``gate_up_proj`` [E, 2I, h] and ``down_proj`` [E, h, I]
    (mixtral/modeling_mixtral.py MixtralExperts); gpt-oss adds per-expert biases.
    """
    per_expert = 3 * hidden * inter
    parts = [
        Part(
            "routed_experts",
            "experts",
            experts * per_expert,
            top_k * per_expert,
            top_k * per_expert,
        )
    ]
    if bias:
        per_bias = 2 * inter + hidden
        parts.append(Part("biases", "experts.bias", experts * per_bias, top_k * per_bias, 0))
    return parts


def router(hidden: int, experts: int, bias: bool = False) -> list[Part]:
    """Router logits Linear(hidden -> E): every token multiplies the whole matrix."""
    return dense("router", "router", hidden, experts, bias)


def decoder_norms(hidden: int, count: int = 2) -> list[Part]:
    """The per-layer RMSNorms around attention and MLP (2; Gemma 2/3 have 4)."""
    return norm("layernorms", count * hidden)


def embedding_parts(vocab: int, hidden: int, tied: bool, final_norm: int) -> tuple[Part, ...]:
    """Input embedding, final norm and LM head (shares the embedding matrix when tied).

    The embedding is a gather (no FLOP); the LM head is multiplied for every position whether
    or not it is tied.
    """
    vh = vocab * hidden
    return (
        Part("embedding", "embed_tokens", vh, vh, 0),
        Part("norms", "norm", final_norm, final_norm, 0),
        Part("lm_head", "lm_head", 0 if tied else vh, 0 if tied else vh, vh),
    )


def shared_layers(keys: Sequence[Hashable], build: Callable[[int], Layer]) -> list[Layer]:
    """One layer per entry of ``keys``, building one object per distinct key (layers repeat)."""
    seen: dict[Hashable, Layer] = {}
    for i, k in enumerate(keys):
        if k not in seen:
            seen[k] = build(i)
    return [seen[k] for k in keys]


def make_layer(attention: Attention, moe: bool, parts: list[Part]) -> Layer:
    return Layer(attention, "moe" if moe else "dense", tuple(parts))


def gqa_kv_elements(kv: int, dim: int) -> int:
    """Cached elements per token per layer under GQA: a key and a value per KV head."""
    return 2 * kv * dim
