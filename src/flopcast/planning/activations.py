"""Activation memory per GPU: Korthikanti et al. 2022, adjusted for today's layers.

Korthikanti et al., "Reducing Activation Recomputation in Large Transformer Models" (arXiv
2205.05198) count what a GPT layer keeps for its backward pass, in bytes, with 16-bit
activations and 1-byte dropout masks (sec. 4.1): attention 11sbh + 5as²b, MLP 19sbh, norms 4sbh,
in all sbh(34 + 5as/h) for s tokens per sequence, b sequences, hidden size h and a heads.
Tensor parallelism over t GPUs splits all but 10sbh of it (sec. 4.2.1:
sbh(10 + 24/t + 5as/ht)); sequence parallelism splits the rest (sec. 4.2.2: sbh(34 + 5as/h)/t);
selective recomputation drops the score matrix and keeps 34sbh/t (sec. 5); full recomputation
keeps a layer's input, 2sbh (sec. 5, Table 2).

flopcast counts the same tensors from a layer's real widths, so each term generalizes:

* the attention block keeps its input (2h), Q (2·q), K and V (2·kv) and the attention output
  that enters the out-projection (2·o), per token; GPT's q = o = h and kv = 2h give 10h;
* the MLP keeps its input (2h) and its intermediates, 2·(weights a token multiplies)/h per
  token: 16h for GPT's 4h-wide MLP; a gated MLP keeps the gate and up outputs and the
  down-projection's input, 6f per token for width f, which is the same 2·(3hf)/h;
* dropout masks are 1 byte per element where the model uses dropout (today's LLMs do not).

Every formula below names the paper and section it follows, or the adjustment and its source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from flopcast.planning.shape import LayerShape

Recompute = Literal["none", "selective", "full"]
RECOMPUTE_MODES: tuple[Recompute, ...] = ("none", "selective", "full")

BF16 = 2  # bytes per activation element (16-bit training)
FP32 = 4  # bytes per element kept in fp32 (softmax statistics, logits for the loss)
MASK = 1  # bytes per dropout-mask element (Korthikanti et al. 2022, sec. 4.1)


@dataclass(frozen=True)
class ActivationSettings:
    """How the activations are laid out: sequence s, micro-batch b, parallelism, savings."""

    seq: int
    micro_batch: int = 1
    tp: int = 1
    cp: int = 1
    sequence_parallel: bool = True
    flash_attention: bool = True
    recompute: Recompute = "selective"
    dropout: bool = False

    @property
    def tokens(self) -> float:
        """Tokens of one micro-batch on one GPU: its share of the sequence, times b."""
        return self.seq / self.cp * self.micro_batch

    @property
    def replicated_divisor(self) -> int:
        """What the parts outside the tensor-parallel regions are divided by: t with sequence
        parallelism (Korthikanti et al. 2022, sec. 4.2.2), else 1 (sec. 4.2.1)."""
        return self.tp if self.sequence_parallel else 1


@dataclass(frozen=True)
class LayerActivations:
    """Bytes one GPU stores for one layer and one micro-batch, term by term.

    The terms add up to what the layer stores with nothing recomputed; ``kept`` is what the
    recomputation mode keeps until the backward pass.
    """

    attention: float
    scores: float
    mlp: float
    moe: float
    norms: float
    dropout: float
    kept: float
    recompute: Recompute

    @property
    def stored(self) -> float:
        return self.attention + self.scores + self.mlp + self.moe + self.norms + self.dropout

    def to_dict(self) -> dict[str, Any]:
        return {
            "attention": self.attention,
            "scores": self.scores,
            "mlp": self.mlp,
            "moe": self.moe,
            "norms": self.norms,
            "dropout": self.dropout,
            "stored": self.stored,
            "kept": self.kept,
            "recompute": self.recompute,
        }


def layer_activations(layer: LayerShape, a: ActivationSettings) -> LayerActivations:
    """What one GPU keeps for ``layer`` and one micro-batch (see the module docstring)."""
    h, t = layer.hidden, a.tp
    rep = a.replicated_divisor
    n = a.tokens
    dropout = a.dropout
    attention = 0.0
    scores = 0.0
    if layer.attention:
        # Korthikanti et al. 2022 sec. 4.1: QKV input 2sbh, Q and K 4sbh, V 2sbh, output 2sbh;
        # under tensor parallelism all but the input are split over t (sec. 4.2.1).
        # GQA (Ainslie et al. 2023, arXiv 2305.13245, sec. 2.2): K and V have kv_heads < a
        # heads; a GPU holds at least one KV head, so they split over min(t, kv_heads).
        kv_split = min(t, layer.kv_heads) if layer.kv_heads else t
        attention = BF16 * (h / rep + (layer.q_width + layer.o_width) / t)
        attention += BF16 * layer.kv_width / kv_split
        if a.flash_attention:
            # FlashAttention (Dao et al. 2022, arXiv 2205.14135, sec. 3.1) never stores the
            # a x s x s matrix: it keeps the softmax's row statistics (FlashAttention-2: one
            # fp32 logsumexp per head and query token) and recomputes the scores backward.
            scores = FP32 * layer.heads / t
        else:
            # Korthikanti et al. 2022 sec. 4.1: softmax output 2as²b, dropout mask as²b and
            # dropout output 2as²b = 5as²b, split by heads over t; 2as²b without dropout.
            # Each local query token meets all s keys (context parallelism splits queries).
            per = BF16 + (MASK + BF16 if dropout else 0)
            scores = per * layer.heads * a.seq / t
    if layer.mixer_params:
        # A linear-attention/SSM mixer: its input, and its projections' outputs as the
        # 2·weights/h rule counts them (an approximation: no score matrix).
        attention += (0 if layer.attention else BF16 * h / rep) + (
            BF16 * layer.mixer_params / h / t
        )
    # Korthikanti et al. 2022 sec. 4.1: MLP input 2sbh and intermediates 16sbh (4h wide);
    # SwiGLU (Shazeer 2020, arXiv 2002.05202) keeps gate and up outputs (4sbf) for its
    # backward and the down-projection's input (2sbf), as Megatron-LM's fused SwiGLU does
    # (megatron/core/fusions/fused_bias_swiglu.py): 2·(weights a token multiplies)/h either way.
    mlp = BF16 * (h / rep + (layer.mlp_params + layer.routed_params) / h / t)
    moe = 0.0
    if layer.experts:
        # Top-k routing (Fedus et al. 2021, arXiv 2101.03961, sec. 2.1, Switch Transformer;
        # k experts per token): each token's input is copied to its k experts (2hk), and the
        # router's logits over E experts are kept in fp32 (4E); the experts' intermediates are
        # in the MLP term, once per expert a token visits.
        moe = (BF16 * h * layer.top_k + FP32 * layer.experts) / rep
    # Korthikanti et al. 2022 sec. 4.1: two layer norms keep their inputs, 4sbh (RMSNorm too).
    norms = BF16 * 2 * h / rep
    # Korthikanti et al. 2022 sec. 4.1: dropout masks after attention and after the MLP, sbh
    # each; none where the model trains without dropout.
    masks = MASK * 2 * h / rep if dropout else 0.0
    attention, scores, mlp, moe, norms, masks = (
        x * n for x in (attention, scores, mlp, moe, norms, masks)
    )
    stored = attention + scores + mlp + moe + norms + masks
    if a.recompute == "full":
        # Korthikanti et al. 2022 sec. 5 (Table 2): only the layer's input, 2sbh, is kept; it
        # lies in the sequence-parallel region, so it is split over t with sequence parallelism.
        kept = BF16 * h / rep * n
    elif a.recompute == "selective" and not a.flash_attention:
        # Korthikanti et al. 2022 sec. 5: recompute the attention core, keep the rest (34sbh/t).
        kept = stored - scores
    else:
        kept = stored  # none, or selective with flash attention (the kernel recomputes already)
    return LayerActivations(attention, scores, mlp, moe, norms, masks, kept, a.recompute)


def output_activations(hidden: int, vocab: int, a: ActivationSettings) -> float:
    """Bytes the last pipeline stage keeps for the final norm, the LM head and the loss.

    Korthikanti et al. 2022 sec. 4.3 and Megatron-LM's theoretical memory estimator
    (megatron/training/theoretical_memory_usage.py): the inputs of the final norm and of the
    output layer (2sbh each) and the logits in fp32 for the cross-entropy loss (4sbv), split
    over t (the output layer is vocabulary-parallel).
    """
    rep = a.replicated_divisor
    return (2 * BF16 * hidden / rep + FP32 * vocab / a.tp) * a.tokens


def in_flight(stage: int, stages: int, micro_batches: int) -> int:
    """Micro-batches whose activations stage ``stage`` (0-based) holds at once under 1F1B.

    Narayanan et al. 2021 (arXiv 2104.04473, sec. 2.2.1): the first stage runs p forward
    passes before its first backward, so stage i holds up to p - i micro-batches
    (Korthikanti et al. 2022, sec. 4.2.3); never more than there are.
    """
    return max(1, min(stages - stage, micro_batches))


def working_set(layers: Sequence[LayerShape], a: ActivationSettings) -> float:
    """With full recomputation, the one layer whose activations are rebuilt for its backward
    pass (Chen et al. 2016, arXiv 1604.06174, sec. 4): the largest, stored in full."""
    if a.recompute != "full" or not layers:
        return 0.0
    return max(layer_activations(la, a).stored for la in {id(x): x for x in layers}.values())
