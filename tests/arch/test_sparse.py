"""Sparse-attention pair counts (DSA top-k, DeepSeek-V4 compressed keys) by enumeration."""

from __future__ import annotations

import pytest

from flopcast.arch import Attention


def _brute(t: int, window: int | None, topk: int | None, m: int | None) -> tuple[int, int]:
    """(core-attention pairs, indexer-scored pairs) for queries 1..t, enumerated.

    Query q (1-based) sees raw keys 1..q (the last ``window`` of them under a window), and,
    with compression rate m, the q // m compressed entries; an indexer keeps ``topk`` of the
    raw keys (no compression) or of the compressed entries, scoring every candidate.
    """
    core = scored = 0
    for q in range(1, t + 1):
        raw = min(q, window) if window else q
        if m:
            entries = q // m
            core += raw + (entries if topk is None else min(entries, topk))
            scored += entries
        else:
            core += raw if topk is None else min(raw, topk)
            scored += q
    return core, scored


@pytest.mark.parametrize("topk", [1, 3, 8])
def test_dsa_topk_pairs(topk: int) -> None:
    att = Attention("full", None, 2, 4, 4, 16, topk=topk, index_pair_flops=10)
    for t in range(1, 40):
        core, scored = _brute(t, None, topk, None)
        assert att.pairs(t) == core
        assert att.index_pairs(t) == scored
        assert att.sequence_flops(t) == att.pair_flops() * core + 10 * scored
        assert att.decode_keys(t) == core - _brute(t - 1, None, topk, None)[0]
        assert att.decode_flops(t) == att.pair_flops() * att.decode_keys(t) + 10 * t
        assert att.pairs(t, "none") == att.index_pairs(t, "none") == t * t


@pytest.mark.parametrize("m", [1, 4, 7])
@pytest.mark.parametrize("topk", [None, 1, 3])
@pytest.mark.parametrize("window", [2, 5])
def test_compressed_pairs(m: int, topk: int | None, window: int) -> None:
    att = Attention(
        "sliding", window, 2, 4, 4, 8, topk=topk, index_pair_flops=6 if topk else 0, compress=m
    )
    for t in range(1, 60):
        core, scored = _brute(t, window, topk, m)
        assert att.pairs(t) == core
        assert att.index_pairs(t) == (scored if topk else 0)
        previous = _brute(t - 1, window, topk, m)[0]
        assert att.decode_keys(t) == core - previous
        assert att.pairs(t, "none") == t * t + t * (t // m)
        assert att.cached_elements(t) == 8 * min(t, window)  # no compressed elements given


def test_compressed_entries_are_cached() -> None:
    att = Attention("sliding", 128, 1, 512, 512, 512, compress=4, compressed_kv_elements=640)
    assert att.cached_elements(1000) == 512 * 128 + 640 * 250
