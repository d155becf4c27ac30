"""Recurrent token mixers of hybrid models: Gated DeltaNet and Mamba-2.

Each builder returns the mixer's ``Part`` rows (mirroring the transformers modules) and a
``Recurrent`` with its state work per token and its fixed state. Conventions are in
``flopcast.arch.types``: state FLOPs are the multiply-adds of the recurrent form, 2 FLOP each;
the fixed state is the convolution window (K - 1 past inputs per channel) plus the
recurrent/SSM state, per sequence.
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch.types import Group, Part, Recurrent
from flopcast.errors import FlopcastError


def conv1d(group: Group, channels: int, kernel: int, bias: bool = False) -> list[Part]:
    """Depthwise causal ``nn.Conv1d(channels, channels, K, groups=channels)``.

    Every token multiplies each channel's K taps once: ``channels x K`` multiply-adds.
    """
    n = channels * kernel
    parts = [Part(group, "conv1d", n, n, n)]
    if bias:
        parts.append(Part("biases", "conv1d.bias", channels, channels, 0))
    return parts


def gated_deltanet(
    hidden: int, nk: int, nv: int, dk: int, dv: int, kernel: int
) -> tuple[list[Part], Recurrent]:
    """Gated DeltaNet layer (qwen3_next/modeling_qwen3_next.py Qwen3NextGatedDeltaNet).

    Projections: q, k (nk x dk each), v and the output gate z (nv x dv each), beta and the
    decay input a (nv each), fused as in_proj_qkvz + in_proj_ba (Qwen3-Next) or split as
    in_proj_qkv/z/b/a (Qwen3.5): the same shapes. A depthwise conv over q, k, v; per-head
    A_log and dt_bias; a gated RMSNorm over dv; out_proj.
    """
    key_dim, value_dim = nk * dk, nv * dv
    conv_dim = 2 * key_dim + value_dim
    g: Group = "linear_attention"
    parts: list[Part] = []
    parts += c.dense(g, "in_proj_qkvz", hidden, 2 * key_dim + 2 * value_dim)
    parts += c.dense(g, "in_proj_ba", hidden, 2 * nv)
    parts += conv1d(g, conv_dim, kernel)
    parts.append(Part(g, "A_log", nv, nv, 0))
    parts.append(Part("biases", "dt_bias", nv, nv, 0))
    parts += c.norm("linear_attn.norm", dv)
    parts += c.dense(g, "out_proj", value_dim, hidden)
    # Gated delta rule, recurrent form (Yang, Kautz & Hatamizadeh 2024, arXiv 2412.06464,
    # eq. 10): S_t = S_{t-1} a_t (I - b_t k_t k_t^T) + b_t v_t k_t^T, o_t = S_t q_t, with a
    # d_k x d_v state per value head (q, k repeat over nv / nk heads). Per token and head:
    # read S^T k, write k (b (v - S^T k))^T, read S^T q = 3 d_k d_v multiply-adds
    # (transformers torch_recurrent_gated_delta_rule; the decay S a_t is elementwise).
    flops = 2 * 3 * nv * dk * dv
    recurrent = Recurrent(
        kind="gated_deltanet",
        flops_per_token=flops,
        state_elements=nv * dk * dv,
        conv_elements=conv_dim * (kernel - 1),
        formula="6 x d_k x d_v per value head (S^T k, k delta^T, S^T q)",
    )
    return parts, recurrent


def mamba2(
    hidden: int,
    heads: int,
    head_dim: int,
    state: int,
    groups: int,
    kernel: int,
    *,
    conv_bias: bool = True,
    proj_bias: bool = False,
    gated_norm: bool = True,
    out_bias: bool | None = None,
) -> tuple[list[Part], Recurrent]:
    """Mamba-2 mixer (nemotron_h/modeling_nemotron_h.py NemotronHMamba2Mixer and its kin).

    in_proj: hidden -> gate z (H x P) + conv input x, B, C (H x P + 2 G N) + dt (H); a
    depthwise conv over x, B, C; per-head dt_bias, A_log and D; a gated RMSNorm over H x P;
    out_proj back to hidden (``out_bias`` when it differs from the in_proj bias, as in
    Falcon-H1's ``projectors_bias``).
    """
    inner = heads * head_dim
    conv_dim = inner + 2 * groups * state
    g: Group = "ssm"
    parts: list[Part] = []
    parts += c.dense(g, "in_proj", hidden, inner + conv_dim + heads, proj_bias)
    parts += conv1d(g, conv_dim, kernel, conv_bias)
    parts.append(Part("biases", "dt_bias", heads, heads, 0))
    parts.append(Part(g, "A_log", heads, heads, 0))
    parts.append(Part(g, "D", heads, heads, 0))
    if gated_norm:
        parts += c.norm("mixer.norm", inner)
    parts += c.dense(g, "out_proj", inner, hidden, proj_bias if out_bias is None else out_bias)
    # SSD recurrence (Dao & Gu 2024, arXiv 2405.21060, eq. 1 / §3.1, scalar-times-identity A):
    # h_t = exp(dt A) h_{t-1} + dt x_t B_t^T, y_t = h_t C_t + D x_t, a P x N state per head
    # (B, C shared by the H / G heads of a group). Per token and head: write x B^T and read
    # h C = 2 P N multiply-adds (transformers mamba2_selective_state_update).
    flops = 2 * 2 * heads * head_dim * state
    recurrent = Recurrent(
        kind="mamba2",
        flops_per_token=flops,
        state_elements=heads * head_dim * state,
        conv_elements=conv_dim * (kernel - 1),
        formula="4 x d_head x d_state per head (x B^T, h C)",
    )
    return parts, recurrent


def mamba1(
    hidden: int,
    inner: int,
    state: int,
    dt_rank: int,
    kernel: int,
    *,
    conv_bias: bool = True,
    proj_bias: bool = False,
    bcdt_norms: bool = True,
) -> tuple[list[Part], Recurrent]:
    """Mamba (selective SSM) mixer (jamba/modeling_jamba.py JambaMambaMixer).

    in_proj: hidden -> x and gate z (2 x inner); a depthwise conv over x; x_proj: inner -> dt
    rank + B + C (R + 2N); dt_proj: R -> inner with bias; A_log [inner, N] and D [inner];
    out_proj back to hidden; Jamba adds RMSNorms over dt, B and C (``bcdt_norms``).
    """
    g: Group = "ssm"
    parts: list[Part] = []
    parts += c.dense(g, "in_proj", hidden, 2 * inner, proj_bias)
    parts += conv1d(g, inner, kernel, conv_bias)
    parts += c.dense(g, "x_proj", inner, dt_rank + 2 * state)
    parts += c.dense(g, "dt_proj", dt_rank, inner, bias=True)
    parts.append(Part(g, "A_log", inner * state, inner * state, 0))
    parts.append(Part(g, "D", inner, inner, 0))
    parts += c.dense(g, "out_proj", inner, hidden, proj_bias)
    if bcdt_norms:
        parts += c.norm("dt/b/c layernorms", dt_rank + 2 * state)
    # Selective scan, recurrent form (Gu & Dao 2023, arXiv 2312.00752, Algorithm 2):
    # h_t = exp(dt A) h_{t-1} + dt B_t x_t, y_t = C_t h_t + D x_t with an N-wide state per
    # channel (inner x N). Per token: write dt B x and read C h = 2 inner N multiply-adds.
    flops = 2 * 2 * inner * state
    recurrent = Recurrent(
        kind="mamba",
        flops_per_token=flops,
        state_elements=inner * state,
        conv_elements=inner * (kernel - 1),
        formula="4 x d_inner x d_state (dt B x written, C h read)",
    )
    return parts, recurrent


def state_dtype(cfg: c.Cfg, key: str = "mamba_ssm_dtype", default: str | None = None) -> str | None:
    """The dtype a config pins for recurrent states (``mamba_ssm_dtype``), validated."""
    from flopcast.arch.types import kv_dtype_bits

    value = cfg.data.get(key, default)
    if value is None or value == "auto":
        return None
    if not isinstance(value, str):
        raise FlopcastError(f"{cfg._name(key)} must be a dtype name, got {value!r}")
    kv_dtype_bits(value)
    return value
