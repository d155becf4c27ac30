"""(query, key) pair counts of sparse attention: DSA top-k and DeepSeek-V4 compressed keys.

The convention is stated in ``flopcast.arch.types``; ``Attention`` delegates here when it has
an indexer (``topk``) or compressed entries (``compress``). Query t (1-based) sees its raw
keys (every earlier token, or the last W under a sliding window), and with compression rate
m also the t // m compressed entries; an indexer keeps the top k of the raw keys (DSA) or of
the compressed entries (DeepSeek-V4 CSA) and scores every candidate it chooses from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flopcast.arch.types import Attention, MaskMode


def capped_sum(t: int, k: int) -> int:
    """sum over query positions 1..t of min(position, k)."""
    if t <= k:
        return t * (t + 1) // 2
    return k * (k + 1) // 2 + (t - k) * k


def floor_sum(t: int, m: int) -> int:
    """sum over positions 1..t of position // m (compressed entries visible to each query)."""
    q, r = divmod(t, m)
    return m * q * (q - 1) // 2 + q * (r + 1)


def capped_floor_sum(t: int, m: int, k: int) -> int:
    """sum over positions 1..t of min(position // m, k)."""
    if t < k * m:
        return floor_sum(t, m)
    return floor_sum(k * m - 1, m) + (t - k * m + 1) * k


def _raw(att: Attention, t: int) -> int:
    """Raw-token pairs: causal, or capped by a sliding window."""
    if att.kind == "sliding" and att.window is not None:
        return capped_sum(t, att.window)
    return t * (t + 1) // 2


def pairs(att: Attention, t: int, mask: MaskMode) -> int:
    """Core-attention pairs; ``none`` is eager's full square (+ T x T // m compressed)."""
    m, k = att.compress, att.topk
    if mask == "none":
        return t * t + (t * (t // m) if m else 0)
    if m:
        return _raw(att, t) + (floor_sum(t, m) if k is None else capped_floor_sum(t, m, k))
    assert k is not None
    return capped_sum(t, k)


def index_pairs(att: Attention, t: int, mask: MaskMode) -> int:
    """Pairs the indexer scores: every causal key (DSA) or every visible compressed entry."""
    if not att.index_pair_flops:
        return 0
    m = att.compress
    if mask == "none":
        return t * (t // m) if m else t * t
    return floor_sum(t, m) if m else t * (t + 1) // 2


def decode_keys(att: Attention, context: int) -> int:
    """Keys token number ``context`` attends to: raw (window-capped) + chosen compressed."""
    m, k = att.compress, att.topk
    if m:
        entries = context // m
        raw = min(context, att.window) if att.window is not None else context
        return raw + (entries if k is None else min(entries, k))
    assert k is not None
    return min(context, k)


def decode_scored(att: Attention, context: int) -> int:
    """Candidates the indexer scores for token number ``context``."""
    if not att.index_pair_flops:
        return 0
    return context // att.compress if att.compress else context
