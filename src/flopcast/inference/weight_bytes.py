"""Bytes of a model's weights at a format, per tensor group, and the bytes one decoded token
reads (active weights, one embedding row)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

from flopcast.errors import FlopcastError
from flopcast.inference.defaults import GIB
from flopcast.inference.gguf import _condition, _HParams, _hparams, _on_layer, _Tensor, _tensors
from flopcast.inference.quantization import WeightFormat, _format_data, _frac, resolve_format
from flopcast.inference.spec import ModelSpec


def _gguf_type(f: WeightFormat, t: _Tensor, hp: _HParams, tied: bool) -> str:
    types = _format_data().types
    assert f.base is not None and f.output is not None
    if not t.quantizable:
        return "F32"
    if t.role == "output" or (t.role == "token_embd" and tied):
        name = f.output
        if hp.hidden % types[f.base].block_weights:  # llama-quant.cpp: nx % qk_k != 0 -> Q8_0
            name = "Q8_0"
    elif t.role == "token_embd":
        name = f.token_embd or f.base
    else:
        name = f.base
        for r in f.rules:
            hit = any(
                x == t.role or (x.endswith("_exps") and t.expert and x[:-5] == t.role)
                for x in r.tensors
            )
            if (
                hit
                and _on_layer(r.layers, t.layer, hp.layers)
                and _condition(r.when, hp.gqa, hp.experts)
            ):
                name = r.type
    # rows that are not a whole number of blocks fall back (tensor_type_fallback)
    seen = set()
    while t.ncols % types[name].block_weights and name not in seen:
        seen.add(name)
        name = types[name].fallback or "F16"
    return name


@dataclass(frozen=True)
class WeightGroup:
    """The weights of one tensor group at a format."""

    name: str
    params: int
    bytes: int
    read_bytes_per_token: int
    types: dict[str, int] = field(default_factory=dict)  # storage type -> params

    @property
    def bits_per_weight(self) -> float:
        return 8 * self.bytes / self.params if self.params else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "params": self.params,
            "bytes": self.bytes,
            "bits_per_weight": self.bits_per_weight,
            "read_bytes_per_token": self.read_bytes_per_token,
            "types": dict(self.types),
        }


@dataclass(frozen=True)
class Weights:
    """Weights of a model at a format: bytes stored and bytes read per decoded token."""

    format: WeightFormat
    params: int
    bytes: int
    read_bytes_per_token: int
    groups: tuple[WeightGroup, ...]
    estimate: bool
    notes: tuple[str, ...] = ()

    @property
    def bits_per_weight(self) -> float:
        return 8 * self.bytes / self.params if self.params else 0.0

    def group(self, name: str) -> WeightGroup | None:
        return next((g for g in self.groups if g.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format.to_dict(),
            "params": self.params,
            "bytes": self.bytes,
            "gib": self.bytes / GIB,
            "bits_per_weight": self.bits_per_weight,
            "read_bytes_per_token": self.read_bytes_per_token,
            "groups": [g.to_dict() for g in self.groups],
            "estimate": self.estimate,
            "notes": list(self.notes),
        }


def _tensor_bits(f: WeightFormat, t: _Tensor, hp: _HParams, tied: bool) -> tuple[str, Fraction]:
    if f.kind in ("float", "uniform"):
        assert f.bits is not None
        return f"{float(f.bits):g}-bit", f.bits
    if f.kind == "grouped":
        if t.quantizable and t.group in f.quantized:
            return f.id, f.grouped_bits(t.ncols)
        return f"{float(f.other_bits):g}-bit", f.other_bits
    name = _gguf_type(f, t, hp, tied)
    return name, _format_data().types[name].bits


def weights(spec: ModelSpec, fmt: WeightFormat | str | None = None) -> Weights:
    """Bytes of every weight at ``fmt`` (default: the checkpoint's own), per tensor group, and
    the bytes one decoded token reads (active weights; one embedding row)."""
    f = resolve_format(fmt, spec) if not isinstance(fmt, WeightFormat) else fmt
    if spec.arch is None:
        return _estimated_weights(spec, f)
    return _weights(spec, f)


@lru_cache(maxsize=1024)
def _weights(spec: ModelSpec, f: WeightFormat) -> Weights:
    arch = spec.arch
    assert arch is not None
    has_experts = arch.groups.routed_experts > 0
    if f.moe_only and not has_experts:
        raise FlopcastError(
            f"{f.id} quantizes MoE experts only and {spec.name} has none; use e.g. int4, "
            "q4_k_m or 4bit"
        )
    hp = _hparams(spec)
    scale, tensors = _scaled_tensors(spec)
    # A tensor's storage type depends on its group, role, shape and which of the recipe's layer
    # selectors its layer meets, so it is worked out once per such kind of tensor.
    selected = {
        layer: tuple(_on_layer(r.layers, layer, hp.layers) for r in f.rules)
        for layer in (None, *range(hp.layers))
    }
    kinds: dict[tuple[object, ...], list[_ScaledTensor]] = {}
    for scaled in tensors:
        t = scaled[0]
        kind = (t.group, t.role, t.expert, t.ncols, t.quantizable, selected[t.layer])
        kinds.setdefault(kind, []).append(scaled)
    # group -> (storage type, bits) -> its tensors; bytes = weights x bits / 8
    acc: dict[str, dict[tuple[str, Fraction], list[_ScaledTensor]]] = {}
    for alike in kinds.values():
        t = alike[0][0]
        key = _tensor_bits(f, t, hp, arch.tied_embeddings)
        acc.setdefault(t.group, {}).setdefault(key, []).extend(alike)
    sums: dict[str, list[Any]] = {}
    for group, cells in acc.items():
        row = sums.setdefault(group, [Fraction(0), Fraction(0), Fraction(0), {}])
        for (tname, bits), cell in cells.items():
            params = Fraction(sum(r[1] for r in cell), scale)
            active = Fraction(sum(r[2] for r in cell), scale)
            row[0] += params
            row[1] += params * bits / 8
            row[2] += active * bits / 8
            row[3][tname] = row[3].get(tname, 0) + int(params)
    for e in arch.extras:
        if e.name in spec.extras:
            bits = (
                f.bits
                if f.kind in ("float", "uniform") and f.bits is not None
                else f.other_bits
                if f.kind == "grouped"
                else Fraction(16)
            )
            label = f"{float(bits):g}-bit" if f.kind != "gguf" else "F16 (mmproj)"
            sums[e.name] = [Fraction(e.params), e.params * bits / 8, Fraction(0), {label: e.params}]
    groups = tuple(
        WeightGroup(name, int(v[0]), _round(v[1]), _round(v[2]), v[3])
        for name, v in sums.items()
        if v[0]
    )
    notes = []
    if f.kind == "gguf":
        notes.append(
            "llama.cpp recipe applied per tensor (no imatrix); 1-D tensors, norms and the "
            "router stay F32; a vision tower is counted as an F16 mmproj file"
        )
        fallbacks = {t for g in groups for t in g.types} - _gguf_expected(f)
        if fallbacks - {"F32", "F16 (mmproj)"}:
            notes.append(
                "rows not a multiple of the block size fell back to "
                + ", ".join(sorted(fallbacks - {"F32", "F16 (mmproj)"}))
            )
    return Weights(
        format=f,
        params=sum(g.params for g in groups),
        bytes=sum(g.bytes for g in groups),
        read_bytes_per_token=sum(g.read_bytes_per_token for g in groups),
        groups=groups,
        estimate=False,
        notes=tuple(notes),
    )


#: A tensor, its parameters and its active weights, both times a model's common denominator.
_ScaledTensor = tuple[_Tensor, int, int]


@lru_cache(maxsize=64)
def _scaled_tensors(spec: ModelSpec) -> tuple[int, tuple[_ScaledTensor, ...]]:
    """A model's tensors with their (fractional) parameters and active weights as integers over
    one common denominator, so that summing them is adding integers: exact, and fast."""
    tensors = _tensors(spec, _hparams(spec))
    scale = math.lcm(*(x.denominator for t in tensors for x in (t.params, t.active)))
    return scale, tuple((t, int(t.params * scale), int(t.active * scale)) for t in tensors)


def _gguf_expected(f: WeightFormat) -> set[str]:
    names = {f.base, f.output, f.token_embd, *(r.type for r in f.rules)}
    return {n for n in names if n}


def _round(x: Fraction) -> int:
    return math.ceil(x)


def _estimated_weights(spec: ModelSpec, f: WeightFormat) -> Weights:
    if f.moe_only:
        raise FlopcastError(
            f"{f.id} quantizes MoE experts only; without a config.json flopcast cannot tell "
            f"which of {spec.name}'s parameters are experts (pass a config.json)"
        )
    bits = _frac(f.nominal_bits)
    total = spec.total_params * bits / 8
    read = spec.active_params * bits / 8
    group = WeightGroup(
        "all parameters",
        spec.total_params,
        _round(total),
        _round(read),
        {f"{float(bits):g} bpw nominal": spec.total_params},
    )
    why = (
        "whole-file bpw of llama.cpp's Llama-3-8B size table"
        if f.kind == "gguf"
        else "the format's rate applied to every parameter (embeddings would stay wider)"
        if f.kind == "grouped"
        else "every parameter at this width"
    )
    return Weights(
        f,
        spec.total_params,
        group.bytes,
        group.read_bytes_per_token,
        (group,),
        True,
        (f"estimate without a config: {float(bits):g} bits/weight, {why}",),
    )
