"""Typed results of counting an architecture from its config.json.

Conventions (they are stated again in ``ArchBreakdown.conventions``):

* **Parameters** are the unique tensors of the model class that transformers builds for the
  text model (``*ForCausalLM``). A tied LM head counts once (in the ``embedding`` group; the
  ``lm_head`` group is then 0). Buffers are not parameters (rotary ``inv_freq``, Gemma's
  ``embed_scale``, DeepSeek's ``e_score_correction_bias``).
* **Active parameters per token**: every non-expert parameter, the top-k routed experts, the
  shared experts and the whole router. Two conventions are offered because vendors differ:
  ``active_params`` counts the input embedding matrix (Mixtral, Qwen, Llama 4, DeepSeek do);
  ``active_params_without_embedding`` leaves it out (gpt-oss does). When the embedding is tied
  to the LM head the shared matrix stays in both, since the LM head uses it.
* **FLOPs**: one multiply-add is 2 FLOP. A token's forward pass costs 2 x the weights it
  multiplies (attention projections, the MLP or its k routed experts plus shared experts, the
  router and the LM head - always counted, tied or not) plus the attention score/value part
  2 x heads x (d_qk + d_v) per (query, key) pair. The embedding gather, norms, biases,
  softmax and activations are not counted. Training = 3 x forward (forward + backward).
* **KV cache**: bytes per token for every attention layer; sliding-window layers hold at most
  their window and chunked layers (Llama 4) at most one chunk; DeepSeek MLA caches the
  compressed latent plus the shared rope key.
* **Sparse attention** (DeepSeek-V3.2-Exp tech report, sec. 2.1, "DeepSeek Sparse
  Attention"): a lightning indexer scores every (query, key) pair it may see,
  I_ts = sum_j w_tj ReLU(q_tj . k_s) over H_I heads of width d_I, costing
  2 x H_I x (d_I + 1) FLOP per pair (dot products + the weighted head sum); the core attention
  then runs only on the top-k keys, so a query at position t has min(t, k) pairs. Attention
  FLOP = 2 x heads x (d_qk + d_v) x selected pairs + indexer FLOP x scored pairs.
  DeepSeek-V4 (tech report sec. 2.3) adds compressed keys: one per m tokens (t // m visible
  to query t), all attended (HCA) or top-k of them chosen by an indexer (CSA), next to a
  sliding window of raw tokens. The indexer's key cache and the compressed entries count in
  the KV cache.
* **Hyper-connections** (DeepSeek-V4 mHC): the N residual streams are mixed by an N x N
  matrix per token, N^2 x hidden multiply-adds per mixing that no weight carries; they are
  counted with the weights multiplied (a part with 0 parameters).
* **Recurrent layers** (linear attention such as Gated DeltaNet, state-space mixers such as
  Mamba and Mamba-2, short convolutions) have no (query, key) pairs. Their token mixing
  costs a fixed number of FLOP per token, linear in context: the state update and read-out
  of the recurrent form, counted as multiply-adds on the state (the elementwise decay is not
  counted, like other elementwise ops): Gated DeltaNet 6 x d_k x d_v per value head (S^T k,
  k delta^T, S^T q; Yang et al. 2024, arXiv 2412.06464), Mamba-2 4 x d_head x d_state per
  head (x B^T, h C; Dao & Gu 2024, arXiv 2405.21060), Mamba 4 x d_inner x d_state (Gu & Dao
  2023, arXiv 2312.00752). The chunked kernels used for prefill and training add terms
  bounded by the chunk size (tests/arch/test_hybrid_exact.py works them out); they are not
  counted. A short causal convolution is weights multiplied (kernel x channels per token).
* **Fixed state**: a recurrent layer keeps a state that does NOT grow with context: its
  convolution window (K - 1 past inputs per channel; transformers' cache keeps K) and its
  recurrent/SSM state, per sequence, at the cache dtype, or for the recurrent state at the
  dtype the config pins (``mamba_ssm_dtype``; Nemotron-H's ``mamba_ssm_cache_dtype``, float32
  by default). ``kv_cache_bytes(context)`` is the growing KV cache plus this fixed state;
  ``fixed_state_bytes`` gives the fixed part alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal, NamedTuple

from flopcast.arch import sparse
from flopcast.errors import FlopcastError, FlopcastTypeError
from flopcast.kvdtypes import kv_dtype
from flopcast.sanitize import short

Group = Literal[
    "embedding",
    "lm_head",
    "attention",
    "dense_mlp",
    "routed_experts",
    "shared_experts",
    "router",
    "norms",
    "biases",
    "hyper_connections",
    "linear_attention",
    "ssm",
    "moe_latent",
    "per_layer_embedding",
    "short_conv",
    "altup",
    "laurel",
]
GROUPS: tuple[Group, ...] = (
    "embedding",
    "lm_head",
    "attention",
    "dense_mlp",
    "routed_experts",
    "shared_experts",
    "router",
    "norms",
    "biases",
    "hyper_connections",
    "linear_attention",
    "ssm",
    "moe_latent",
    "per_layer_embedding",
    "short_conv",
    "altup",
    "laurel",
)

# "none": the layer has no softmax attention (a recurrent mixer, or an MLP-only layer)
AttentionKind = Literal["full", "sliding", "chunked", "none"]
MlpKind = Literal["dense", "moe", "none"]
MixerKind = Literal["gated_deltanet", "mamba", "mamba2", "short_conv", "kda"]
MaskMode = Literal["causal", "none"]

CONVENTIONS: dict[str, str] = {
    "params": "unique parameter tensors of the transformers text model; tied LM head counted once",
    "active_params": "non-expert params + top-k routed + shared experts + full router, "
    "including the input embedding matrix (Mixtral/Qwen/Llama 4/DeepSeek convention)",
    "active_params_without_embedding": "active_params minus the input embedding matrix when it "
    "is not tied to the LM head (gpt-oss convention)",
    "flop": "1 multiply-add = 2 FLOP; forward = 2 x weights multiplied (LM head counted, "
    "tied or not) + attention scores/values; training = 3 x forward",
    "attention": "2 x heads x (d_qk + d_v) per (query, key) pair; causal masking, sliding "
    "windows and chunked attention reduce the pairs",
    "kv_cache": "keys+values (or MLA latent + rope key) of every layer; sliding/chunked layers "
    "capped at their window",
    "sparse_attention": "DSA (DeepSeek-V3.2-Exp): the indexer costs 2 x H_I x (d_I + 1) per "
    "(query, key) pair it scores; the core attention runs on min(t, top-k) keys per query",
    "recurrent": "linear-attention/SSM layers: state multiply-adds of the recurrent form per "
    "token (Gated DeltaNet 6 d_k d_v per value head; Mamba-2 4 d_head d_state per head; Mamba "
    "4 d_inner d_state), "
    "linear in context; chunked-kernel extras not counted",
    "fixed_state": "recurrent layers hold a fixed state per sequence (conv window of K-1 inputs "
    "+ recurrent/SSM state) at the cache dtype (the state at mamba_ssm_dtype when the config "
    "pins one); it does not grow with context",
}


def kv_dtype_bits(dtype: str) -> Fraction:
    """Bits per cached element of a KV-cache dtype (``bf16``, ``fp8``, ``q8_0``): the one
    table, :mod:`flopcast.kvdtypes`."""
    return kv_dtype(dtype).bits


class Part(NamedTuple):
    """One parameter block, e.g. a layer's ``q_proj`` or its routed experts.

    ``params`` is what is stored, ``active`` what one token uses, ``matmul`` the weights
    multiplied for one token (the multiply-adds; 0 for norms, biases and gathers).
    """

    group: Group
    name: str
    params: int
    active: int
    matmul: int


@dataclass(frozen=True)
class Attention:
    """Shape of one layer's attention, as far as FLOPs and the KV cache are concerned.

    The last four fields describe sparse attention (``flopcast.arch.sparse``)."""

    kind: AttentionKind
    window: int | None  # sliding window W (keys incl. the query) or chunk size C
    heads: int
    qk_dim: int
    v_dim: int
    kv_elements: int  # cached elements per token (K and V, or MLA latent + rope key)
    topk: int | None = None
    index_pair_flops: int = 0
    compress: int | None = None
    compressed_kv_elements: int = 0

    def pair_flops(self) -> int:
        """FLOP per (query, key) pair: Q.K^T and A.V over all query heads (2 FLOP per MAC)."""
        return 2 * self.heads * (self.qk_dim + self.v_dim)

    def pairs(self, seq_len: int, mask: MaskMode = "causal") -> int:
        """(query, key) pairs computed for a sequence of ``seq_len`` tokens.

        ``causal`` mirrors transformers' masks (masking_utils.py): a sliding window keeps
        keys with kv > q - W, a chunk keeps keys in the query's chunk, an indexer the top k.
        ``none`` is the full T x T square that eager attention multiplies regardless of the
        mask.
        """
        t = seq_len
        if self.topk is not None or self.compress:
            return sparse.pairs(self, t, mask)
        if self.kind == "none":
            return 0
        if mask == "none":
            return t * t
        if self.kind == "sliding" and self.window is not None and t > self.window:
            w = self.window
            return w * (w + 1) // 2 + (t - w) * w
        if self.kind == "chunked" and self.window is not None:
            c = self.window
            full, rest = divmod(t, c)
            return full * c * (c + 1) // 2 + rest * (rest + 1) // 2
        return t * (t + 1) // 2

    def index_pairs(self, seq_len: int, mask: MaskMode = "causal") -> int:
        """(query, key) pairs a sparse-attention indexer scores (0 without one)."""
        return sparse.index_pairs(self, seq_len, mask)

    def sequence_flops(self, seq_len: int, mask: MaskMode = "causal") -> int:
        """Attention FLOP of one sequence: scores/values on the pairs + the indexer."""
        return self.pair_flops() * self.pairs(seq_len, mask) + (
            self.index_pair_flops * self.index_pairs(seq_len, mask)
        )

    def decode_keys(self, context: int) -> int:
        """Keys one new token attends to when it is token number ``context`` (incl. itself)."""
        if self.topk is not None or self.compress:
            return sparse.decode_keys(self, context)
        if self.kind == "none":
            return 0
        if self.kind == "sliding" and self.window is not None:
            return min(context, self.window)
        if self.kind == "chunked" and self.window is not None:
            return (context - 1) % self.window + 1
        return context

    def decode_flops(self, context: int) -> int:
        """Attention FLOP of token number ``context``: its keys + the indexer's candidates."""
        scored = sparse.decode_scored(self, context)
        return self.pair_flops() * self.decode_keys(context) + self.index_pair_flops * scored

    def cached_tokens(self, context: int) -> int:
        """Tokens this layer must keep in its KV cache at a context of ``context`` tokens."""
        if self.kind == "none":
            return 0
        if self.kind in ("sliding", "chunked") and self.window is not None:
            return min(context, self.window)
        return context

    def cached_elements(self, context: int) -> int:
        """Cached elements at ``context`` tokens: raw tokens (windows capped) + compressed."""
        raw = self.kv_elements * self.cached_tokens(context)
        if self.compress:
            raw += self.compressed_kv_elements * (context // self.compress)
        return raw


NO_ATTENTION = Attention("none", None, 0, 0, 0, 0)


@dataclass(frozen=True)
class Recurrent:
    """A token mixer with a fixed-size state (linear attention, SSM, short convolution).

    ``flops_per_token`` is the state work of the recurrent form beyond the weights multiplied
    (see the module docstring); ``state_elements`` the recurrent/SSM state and
    ``conv_elements`` the convolution window, both per sequence and fixed in context.
    """

    kind: MixerKind
    flops_per_token: int
    state_elements: int
    conv_elements: int
    formula: str

    @property
    def fixed_elements(self) -> int:
        return self.state_elements + self.conv_elements

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "flops_per_token": self.flops_per_token,
            "state_elements": self.state_elements,
            "conv_elements": self.conv_elements,
            "formula": self.formula,
        }


def _sum(parts: Iterable[Part], attr: str) -> int:
    return sum(int(getattr(p, attr)) for p in parts)


@dataclass(frozen=True)
class Layer:
    """One decoder layer: its attention shape and its parameter blocks.

    Layers of the same kind are one shared object (most of a model's layers repeat), so the
    sums below are computed once per kind.
    """

    attention: Attention
    mlp: MlpKind
    parts: tuple[Part, ...]
    recurrent: Recurrent | None = None
    params: int = field(init=False)
    active: int = field(init=False)
    matmul: int = field(init=False)
    groups: dict[Group, int] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        groups, _, params, active, matmul = zip(*self.parts, strict=True) or ((),) * 5
        sums: dict[Group, int] = {}
        for g, n in zip(groups, params, strict=True):
            sums[g] = sums.get(g, 0) + n
        object.__setattr__(self, "params", sum(params))
        object.__setattr__(self, "active", sum(active))
        object.__setattr__(self, "matmul", sum(matmul))
        object.__setattr__(self, "groups", sums)

    def group(self, name: Group) -> int:
        return self.groups.get(name, 0)

    @property
    def mixer(self) -> str:
        """What mixes tokens: an attention kind, a recurrent kind, both (Falcon-H1), or "none"."""
        if self.recurrent is None:
            return self.attention.kind
        if self.attention.kind == "none":
            return self.recurrent.kind
        return f"{self.attention.kind}+{self.recurrent.kind}"

    def to_dict(self, index: int) -> dict[str, Any]:
        return {
            "index": index,
            "mixer": self.mixer,
            "recurrent": None if self.recurrent is None else self.recurrent.to_dict(),
            "attention": self.attention.kind,
            "window": self.attention.window,
            "mlp": self.mlp,
            "params": self.params,
            "active_params": self.active,
            "matmul_params": self.matmul,
            "kv_elements_per_token": self.attention.kv_elements,
            "groups": {g: n for g, n in self.groups.items() if n},
        }


@dataclass(frozen=True)
class ParamGroups:
    """Parameters by kind. They add up to the total."""

    embedding: int
    lm_head: int
    attention: int
    dense_mlp: int
    routed_experts: int
    shared_experts: int
    router: int
    norms: int
    biases: int
    hyper_connections: int = 0
    linear_attention: int = 0
    ssm: int = 0
    moe_latent: int = 0
    per_layer_embedding: int = 0
    short_conv: int = 0
    altup: int = 0
    laurel: int = 0

    @property
    def total(self) -> int:
        return sum(self.to_dict().values())

    def to_dict(self) -> dict[str, int]:
        return {g: int(getattr(self, g)) for g in GROUPS}


@dataclass(frozen=True)
class ExtraModule:
    """A module outside the text model (MTP head, vision tower); not in ``total_params``."""

    name: str
    params: int
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "params": self.params, "note": self.note}


@dataclass(frozen=True)
class FlopsPerToken:
    """FLOP per token at a context length (see the module docstring for the conventions).

    ``forward``/``training`` are averages over a causal sequence of ``context`` tokens (the
    prefill/training view); ``decode_forward`` is one new token generated at position
    ``context`` with all earlier tokens cached. ``recurrent`` is the state work of
    linear-attention/SSM layers, the same at every context; it is in both forwards.
    """

    context: int
    matmul: int
    attention: float
    forward: float
    training: float
    decode_attention: int
    decode_forward: int
    recurrent: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "context": self.context,
            "matmul": self.matmul,
            "attention": self.attention,
            "recurrent": self.recurrent,
            "forward": self.forward,
            "training": self.training,
            "decode_attention": self.decode_attention,
            "decode_forward": self.decode_forward,
        }


@dataclass(frozen=True)
class ArchBreakdown:
    """Exact parameter, FLOP and KV-cache accounting of one config.json."""

    model_type: str
    family: str
    modeling_file: str
    vocab_size: int
    hidden_size: int
    tied_embeddings: bool
    model_parts: tuple[Part, ...]
    layers: tuple[Layer, ...]
    extras: tuple[ExtraModule, ...] = ()
    notes: tuple[str, ...] = field(default=())
    # dtype the config pins for recurrent/SSM states (``mamba_ssm_dtype``), else None
    state_dtype: str | None = None

    # ---- parameters -------------------------------------------------------------------
    def _layer_counts(self) -> list[tuple[Layer, int]]:
        """Each distinct layer object with how many times it occurs."""
        counts: dict[int, int] = {}
        for layer in self.layers:
            counts[id(layer)] = counts.get(id(layer), 0) + 1
        distinct = {id(layer): layer for layer in self.layers}
        return [(distinct[key], n) for key, n in counts.items()]

    @property
    def groups(self) -> ParamGroups:
        sums = dict.fromkeys(GROUPS, 0)
        for p in self.model_parts:
            sums[p.group] += p.params
        for layer, n in self._layer_counts():
            for g, v in layer.groups.items():
                sums[g] += n * v
        return ParamGroups(**sums)

    @property
    def total_params(self) -> int:
        """Parameters of the text model (what ``*ForCausalLM`` holds), extras excluded."""
        return _sum(self.model_parts, "params") + sum(layer.params for layer in self.layers)

    @property
    def extra_params(self) -> int:
        return sum(e.params for e in self.extras)

    @property
    def total_params_with_extras(self) -> int:
        return self.total_params + self.extra_params

    @property
    def embedding_params(self) -> int:
        return sum(p.params for p in self.model_parts if p.group == "embedding")

    @property
    def active_params(self) -> int:
        """Active parameters per token, input embedding matrix included."""
        return _sum(self.model_parts, "active") + sum(layer.active for layer in self.layers)

    @property
    def active_params_without_embedding(self) -> int:
        """Active parameters per token without the input embedding (unless tied to the head)."""
        if self.tied_embeddings:
            return self.active_params
        return self.active_params - self.embedding_params

    @property
    def non_embedding_params(self) -> int:
        """Total minus the input embedding and an untied LM head (Qwen's "non-embedding")."""
        g = self.groups
        return self.total_params - g.embedding - g.lm_head

    @property
    def matmul_params_per_token(self) -> int:
        """Weights multiplied for one token (LM head and router included)."""
        return _sum(self.model_parts, "matmul") + sum(layer.matmul for layer in self.layers)

    # ---- FLOPs ------------------------------------------------------------------------
    def attention_flops_sequence(self, seq_len: int, mask: MaskMode = "causal") -> int:
        _check_positive(seq_len, "sequence length")
        return sum(layer.attention.sequence_flops(seq_len, mask) for layer in self.layers)

    def forward_flops_sequence(self, seq_len: int, mask: MaskMode = "causal") -> int:
        """Exact forward FLOP for one sequence of ``seq_len`` tokens (logits at every position).

        ``mask="none"`` counts the full T x T attention square, which is what eager attention
        multiplies (and what ``torch.utils.flop_counter`` reports) whatever the mask.
        """
        return (
            2 * self.matmul_params_per_token * seq_len
            + self.attention_flops_sequence(seq_len, mask)
            + self.recurrent_flops_per_token * seq_len
        )

    @property
    def recurrent_flops_per_token(self) -> int:
        """State FLOP per token of the linear-attention/SSM layers (context-independent)."""
        return sum(la.recurrent.flops_per_token for la in self.layers if la.recurrent)

    def flops_per_token(self, context: int) -> FlopsPerToken:
        """FLOP per token at ``context`` tokens of context (see ``FlopsPerToken``)."""
        _check_positive(context, "context")
        matmul = 2 * self.matmul_params_per_token
        attention = self.attention_flops_sequence(context) / context
        decode_attention = sum(layer.attention.decode_flops(context) for layer in self.layers)
        recurrent = self.recurrent_flops_per_token
        forward = matmul + attention + recurrent
        return FlopsPerToken(
            context=context,
            matmul=matmul,
            attention=attention,
            forward=forward,
            training=3 * forward,
            decode_attention=decode_attention,
            decode_forward=matmul + decode_attention + recurrent,
            recurrent=recurrent,
        )

    # ---- KV cache ---------------------------------------------------------------------
    @property
    def kv_elements_per_token(self) -> int:
        return sum(layer.attention.kv_elements for layer in self.layers)

    def kv_cache_bytes_per_token(self, dtype: str = "bf16") -> int:
        """KV-cache bytes per token with every layer holding the token (no window caps)."""
        return int(self.kv_elements_per_token * kv_dtype_bits(dtype) // 8)

    @property
    def fixed_state_elements(self) -> int:
        """Elements of recurrent state per sequence (conv windows + recurrent/SSM states)."""
        return sum(la.recurrent.fixed_elements for la in self.layers if la.recurrent)

    def fixed_state_bytes(self, dtype: str = "bf16", batch: int = 1) -> int:
        """Bytes of recurrent state for ``batch`` sequences; the same at every context.

        Conv windows are held at ``dtype``; recurrent/SSM states at the config's
        ``mamba_ssm_dtype`` when it pins one (Qwen3.5: float32), else at ``dtype``.
        """
        _check_positive(batch, "batch")
        conv = sum(la.recurrent.conv_elements for la in self.layers if la.recurrent)
        state = self.fixed_state_elements - conv
        bits = conv * kv_dtype_bits(dtype) + state * kv_dtype_bits(self.state_dtype or dtype)
        return int(batch * bits // 8)

    def growing_kv_bytes(self, context: int, dtype: str = "bf16", batch: int = 1) -> int:
        """Bytes of the attention KV cache alone (grows with context; window caps applied)."""
        _check_positive(context, "context")
        _check_positive(batch, "batch")
        elements = sum(layer.attention.cached_elements(context) for layer in self.layers)
        return int(batch * elements * kv_dtype_bits(dtype) // 8)

    def kv_cache_bytes(self, context: int, dtype: str = "bf16", batch: int = 1) -> int:
        """Cache bytes for ``batch`` sequences of ``context`` tokens: the growing KV cache
        (window caps applied) plus the fixed recurrent state of hybrid models."""
        return self.growing_kv_bytes(context, dtype, batch) + self.fixed_state_bytes(dtype, batch)

    # ---- output -----------------------------------------------------------------------
    def to_dict(
        self, context: int | None = None, kv_dtype: str = "bf16", layers: bool = True
    ) -> dict[str, Any]:
        out: dict[str, Any] = {
            "model_type": self.model_type,
            "family": self.family,
            "modeling_file": self.modeling_file,
            "num_layers": len(self.layers),
            "vocab_size": self.vocab_size,
            "hidden_size": self.hidden_size,
            "tied_embeddings": self.tied_embeddings,
            "total_params": self.total_params,
            "active_params": self.active_params,
            "active_params_without_embedding": self.active_params_without_embedding,
            "non_embedding_params": self.non_embedding_params,
            "matmul_params_per_token": self.matmul_params_per_token,
            "groups": self.groups.to_dict(),
            "extras": [e.to_dict() for e in self.extras],
            "total_params_with_extras": self.total_params_with_extras,
            "kv_cache": {
                "dtype": kv_dtype,
                "bytes_per_token": self.kv_cache_bytes_per_token(kv_dtype),
                "fixed_state_bytes": self.fixed_state_bytes(kv_dtype),
                "fixed_state_elements": self.fixed_state_elements,
                "state_dtype": self.state_dtype or kv_dtype,
            },
            "conventions": dict(CONVENTIONS),
            "notes": list(self.notes),
        }
        if context is not None:
            out["flops_per_token"] = self.flops_per_token(context).to_dict()
            out["kv_cache"]["context"] = context
            out["kv_cache"]["growing_bytes_at_context"] = self.growing_kv_bytes(context, kv_dtype)
            out["kv_cache"]["bytes_at_context"] = self.kv_cache_bytes(context, kv_dtype)
        if layers:
            out["layers"] = [layer.to_dict(i) for i, layer in enumerate(self.layers)]
        return out


#: The longest context or sequence counted (2^31 tokens; released windows are ~10^7).
MAX_CONTEXT = 2**31
#: The most sequences a KV cache is sized for at once.
MAX_BATCH = 10**6


def _check_positive(value: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FlopcastTypeError(f"{what} must be a positive integer, got {value!r}")
    cap = MAX_BATCH if what == "batch" else MAX_CONTEXT
    if not 1 <= value <= cap:
        shown = f"{value:,}" if value.bit_length() < 64 else short(value)
        raise FlopcastError(f"{what} must be a positive integer up to {cap:,}, got {shown}")
