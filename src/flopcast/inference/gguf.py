"""llama.cpp's per-tensor GGUF recipes: the grammar ``data/formats.toml`` may use (tensor
roles, layer selectors, hparams conditions) and a model's tensors as llama.cpp sees them.

:mod:`flopcast.inference.weight_bytes` applies a recipe to each tensor."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from flopcast.errors import FlopcastError
from flopcast.inference.spec import ModelSpec, _text_config

LAYER_SELECTORS = (
    "all",
    "more_bits",
    "first_eighth",
    "first_sixteenth",
    "below_2",
    "below_4",
    "middle",
)
_ROLES = ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down")


@dataclass(frozen=True)
class _Tensor:
    group: str
    role: str  # token_embd, output, attn_*, ffn_*, other, f32 (norm/bias/router), extra
    expert: bool
    layer: int | None
    params: Fraction
    active: Fraction  # weights read per token (a gather reads one row)
    ncols: int
    quantizable: bool


@dataclass(frozen=True)
class _HParams:
    hidden: int
    layers: int
    gqa: int
    experts: int
    q_lora: int | None
    kv_lora: int | None


def _hparams(spec: ModelSpec) -> _HParams:
    assert spec.arch is not None
    tc = _text_config(spec.config or {})
    heads = int(tc.get("num_attention_heads") or 1)
    kv = int(tc.get("num_key_value_heads") or heads)
    experts = next(
        (int(tc[k]) for k in ("num_local_experts", "n_routed_experts", "num_experts") if tc.get(k)),
        0,
    )
    ql, kl = tc.get("q_lora_rank"), tc.get("kv_lora_rank")
    return _HParams(
        hidden=spec.arch.hidden_size,
        layers=len(spec.arch.layers),
        gqa=max(1, heads // kv),
        experts=experts,
        q_lora=int(ql) if ql else None,
        kv_lora=int(kl) if kl else None,
    )


def _role(group: str, name: str) -> tuple[str, bool]:
    """llama.cpp's tensor category for a flopcast part (llama-quant.cpp tensor_get_category)."""
    if group in ("norms", "biases", "router"):
        return "f32", False  # 1-D, norms, biases, ffn_gate_inp: F32 (convert_hf_to_gguf.py)
    if group == "attention":
        if name == "sinks":
            return "f32", False
        leaf = name.rsplit(".", 1)[-1]
        return {
            "q_proj": "attn_q",
            "k_proj": "attn_k",
            "v_proj": "attn_v",
            "kv_b_proj": "attn_v",
            "o_proj": "attn_output",
        }.get(leaf, "other"), True
    if group in ("dense_mlp", "shared_experts"):
        leaf = name.rsplit(".", 1)[-1]
        return {"gate_proj": "ffn_gate", "up_proj": "ffn_up", "down_proj": "ffn_down"}.get(
            leaf, "other"
        ), True
    return "other", True


@lru_cache(maxsize=64)
def _tensors(spec: ModelSpec, hp: _HParams) -> tuple[_Tensor, ...]:
    arch = spec.arch
    assert arch is not None
    h = hp.hidden
    out: list[_Tensor] = []
    for p in arch.model_parts:
        if not p.params:
            continue
        frac = Fraction(p.active, p.params)
        if p.group == "embedding":
            # a gather reads one row per token, unless the matrix is also the LM head
            act = Fraction(p.params) if arch.tied_embeddings else Fraction(h)
            out.append(
                _Tensor("embedding", "token_embd", False, None, Fraction(p.params), act, h, True)
            )
        elif p.group == "lm_head":
            out.append(
                _Tensor(
                    "lm_head", "output", False, None, Fraction(p.params), p.params * frac, h, True
                )
            )
        else:
            role, q = _role(p.group, p.name)
            out.append(
                _Tensor(p.group, role, False, None, Fraction(p.params), p.params * frac, h, q)
            )
    for i, layer in enumerate(arch.layers):
        for p in layer.parts:
            if not p.params:
                continue
            frac = Fraction(p.active, p.params)
            if p.group == "routed_experts":
                # fused [E, 2I, h] + [E, h, I]: gate, up and down are a third each
                third = Fraction(p.params, 3)
                inter = int(third) // (h * max(1, hp.experts))
                for role, cols in (("ffn_gate", h), ("ffn_up", h), ("ffn_down", inter)):
                    out.append(_Tensor(p.group, role, True, i, third, third * frac, cols, True))
                continue
            role, q = _role(p.group, p.name)
            cols = h
            if role == "attn_output" or role == "ffn_down":
                cols = p.params // h
            elif p.name.endswith("kv_b_proj") and hp.kv_lora:
                cols = hp.kv_lora
            elif p.name.endswith("q_b_proj") and hp.q_lora:
                cols = hp.q_lora
            out.append(
                _Tensor(p.group, role, False, i, Fraction(p.params), p.params * frac, cols, q)
            )
    return tuple(out)


def _condition(when: str, gqa: int, experts: int) -> bool:
    """``experts==8``, ``gqa>=4|experts>=4``: llama.cpp's hparams tests in llama-quant.cpp."""
    if not when:
        return True
    values = {"gqa": gqa, "experts": experts}
    for clause in when.split("|"):
        m = re.fullmatch(r"\s*(gqa|experts)\s*(==|!=|>=|<=|<|>)\s*(\d+)\s*", clause)
        if not m:
            raise FlopcastError(f"data/formats.toml: bad condition {when!r}")
        v, op, n = values[m.group(1)], m.group(2), int(m.group(3))
        ok = {"==": v == n, "!=": v != n, ">=": v >= n, "<=": v <= n, "<": v < n, ">": v > n}
        if ok[op]:
            return True
    return False


def _on_layer(selector: str, i: int | None, n: int) -> bool:
    if selector == "all":
        return True
    if i is None:
        return False
    if selector == "more_bits":  # llama-quant.cpp use_more_bits()
        return i < n // 8 or i >= 7 * n // 8 or (i - n // 8) % 3 == 2
    if selector == "first_eighth":
        return i < n // 8
    if selector == "first_sixteenth":
        return i < n // 16
    if selector == "below_2":
        return i < 2
    if selector == "below_4":
        return i < 4
    return n // 8 <= i < 7 * n // 8  # middle
