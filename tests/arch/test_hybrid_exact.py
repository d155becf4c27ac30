"""FLOPs of hybrid models (recurrent layers) equal torch's FlopCounterMode exactly.

flopcast counts a recurrent layer's state work in its recurrent form (see
``flopcast.arch.types``). transformers runs a whole sequence through the chunked form instead
(its torch fallbacks of the fla / mamba_ssm kernels), which does the same state
multiply-adds plus terms that depend on the chunk size; and its causal conv1d pads by K - 1
on both sides and throws the right-hand outputs away. Those implementation terms are worked
out below from the config, each with the matmul it comes from, and added to flopcast's count:
nothing is loosened.
"""

from __future__ import annotations

from typing import Any

import pytest

from flopcast.arch import ArchBreakdown, from_config

from . import hf
from .tiny import TINY

pytestmark = pytest.mark.slow  # builds real models or figures: run by CI, skipped by -m 'not slow'

GDN_CHUNK = 64  # torch_chunk_gated_delta_rule's default chunk_size
HYBRID_TEXT = sorted(n for n, c in TINY.items() if c["model_type"] in hf.HYBRID - hf.MULTIMODAL)


def _text(config: dict[str, Any]) -> dict[str, Any]:
    sub = config.get("text_config")
    return dict(sub) if isinstance(sub, dict) else config


def _gdn_dims(t: dict[str, Any]) -> tuple[int, int, int, int, int]:
    """(nk, nv, d_k, d_v, kernel), with OlmoHybridConfig's defaults where it has them."""
    nk = int(t.get("linear_num_key_heads") or t["num_attention_heads"])
    nv = int(t.get("linear_num_value_heads") or t["num_attention_heads"])
    dk = int(t.get("linear_key_head_dim") or int(0.75 * t["hidden_size"] / nk))
    dv = int(t.get("linear_value_head_dim") or 2 * dk)
    return nk, nv, dk, dv, int(t.get("linear_conv_kernel_dim", 4))


def _gdn_chunk_extra(config: dict[str, Any], seq_len: int) -> int:
    """FLOPs torch_chunk_gated_delta_rule spends beyond the recurrent form, one layer.

    Per chunk of L = 64 (the sequence padded to whole chunks) and value head: the UT system
    k_beta @ k^T and the intra-chunk scores q @ k^T (2 L^2 d_k each), intra @ v_new
    (2 L^2 d_v); the state reads k_cumdecay @ S, q @ S and the write k^T @ v_new are
    2 L d_k d_v each over the padded length, i.e. 6 d_k d_v per token as counted, plus the
    padding. The triangular solves are not seen by the counter.
    """
    t = _text(config)
    _, nv, dk, dv, _ = _gdn_dims(t)
    chunks = -(-seq_len // GDN_CHUNK)
    ell = GDN_CHUNK
    intra = 2 * ell * ell * (2 * dk + dv)
    padding = 6 * (chunks * ell - seq_len) * dk * dv
    return nv * (chunks * intra) + nv * padding


def _conv_padding_extra(channels: int, kernel: int) -> int:
    """F.conv1d(padding=K-1) computes T + K - 1 outputs of K taps per channel; T are kept."""
    return 2 * channels * kernel * (kernel - 1)


_MAMBA_KEYS = {  # model_type -> config keys of (heads, head dim, state, groups, kernel, chunk)
    "nemotron_h": ("mamba_num_heads", "mamba_head_dim", "ssm_state_size", "mamba_n_groups",
                   "conv_kernel", "chunk_size"),
    "falcon_h1": ("mamba_n_heads", "mamba_d_head", "mamba_d_state", "mamba_n_groups",
                  "mamba_d_conv", "mamba_chunk_size"),
    "granitemoehybrid": ("mamba_n_heads", "mamba_d_head", "mamba_d_state", "mamba_n_groups",
                         "mamba_d_conv", "mamba_chunk_size"),
}  # fmt: skip


def _mamba_dims(t: dict[str, Any]) -> tuple[int, int, int, int, int, int]:
    keys = _MAMBA_KEYS[t["model_type"]]
    vals = dict(t)
    vals.setdefault("mamba_n_groups", vals.get("n_groups"))  # mamba_* overrides the plain key
    if t["model_type"] in ("granitemoehybrid", "falcon_h1") and "mamba_d_head" not in vals:
        inner = vals.get("mamba_expand", 2) * t["hidden_size"]
        if t["model_type"] == "falcon_h1":
            inner = vals.get("mamba_d_ssm", 1024) or inner
        vals["mamba_d_head"] = inner // t["mamba_n_heads"]
    heads, p, n, groups, kernel, chunk = (int(vals[k]) for k in keys)
    return heads, p, n, groups, kernel, chunk


def _mamba2_chunk_extra(config: dict[str, Any], seq_len: int) -> int:
    """FLOPs mamba2_chunk_scan spends beyond the recurrent form, one layer.

    Per chunk of L = chunk_size (the sequence padded to nc whole chunks) and head: the
    C.B scores (2 L^2 N) and their product with x (2 L^2 P); the chunk states
    B^T x and the read-out C h are 2 L P N each over the padded length (4 P N per token as
    counted, plus the padding); and the inter-chunk mixing of the nc + 1 states is a
    (nc + 1) x (nc + 1) product over P x N: 2 (nc + 1)^2 P N per sequence.
    """
    heads, p, n, _, _, ell = _mamba_dims(config)
    nc = -(-seq_len // ell)
    per_head = nc * 2 * ell * ell * (n + p) + 4 * p * n * (nc * ell - seq_len)
    per_head += 2 * (nc + 1) ** 2 * p * n
    return heads * per_head


def _implementation_extra(config: dict[str, Any], got: ArchBreakdown, seq_len: int) -> int:
    t = _text(config)
    extra = 0
    for layer in got.layers:
        rec = layer.recurrent
        if rec is None:
            continue
        if rec.kind == "gated_deltanet":
            nk, nv, dk, dv, kernel = _gdn_dims(t)
            extra += _gdn_chunk_extra(config, seq_len)
            extra += _conv_padding_extra(2 * nk * dk + nv * dv, kernel)
        elif rec.kind == "mamba2":
            heads, p, n, groups, kernel, _ = _mamba_dims(t)
            extra += _mamba2_chunk_extra(t, seq_len)
            extra += _conv_padding_extra(heads * p + 2 * groups * n, kernel)
        elif rec.kind == "mamba":
            # mamba_selective_scan's torch loop writes the state elementwise (unseen by the
            # counter) and reads it with a matmul: only half the counted state work shows
            inner = int(t.get("mamba_expand", 2)) * int(t["hidden_size"])
            extra -= 2 * inner * int(t["mamba_d_state"]) * seq_len
            extra += _conv_padding_extra(inner, int(t.get("mamba_d_conv", 4)))
        elif rec.kind == "short_conv":
            extra += _conv_padding_extra(int(t["hidden_size"]), int(t.get("conv_L_cache", 3)))
    return extra


@pytest.mark.parametrize("name", HYBRID_TEXT)
@pytest.mark.parametrize("seq_len", [64, 40, 16])
def test_hybrid_forward_flops_equal_flop_counter(name: str, seq_len: int) -> None:
    config = TINY[name]
    measured, pairs = hf.measure_forward(config, seq_len)
    got = from_config(config)
    expected = got.forward_flops_sequence(seq_len, mask="none")
    assert measured == expected + _implementation_extra(config, got, seq_len)
    attending = {i: la.attention.pairs(seq_len) for i, la in enumerate(got.layers)
                 if la.attention.kind != "none"}  # fmt: skip
    assert pairs == attending
