"""Weight formats (float widths, grouped quantization, GGUF recipes, uniform widths), llama.cpp
storage types, KV-cache dtypes and the quality ladder, from ``data/formats.toml``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from flopcast.datafiles import (
    NameIndex,
    check_unique_names,
    data_path,
    lenient_key,
    load_toml,
    validated,
)
from flopcast.errors import FlopcastError, opt
from flopcast.inference.gguf import _ROLES, LAYER_SELECTORS, _condition
from flopcast.inference.spec import ModelSpec


@dataclass(frozen=True)
class GgmlType:
    """A llama.cpp storage type: ``block_bytes`` per ``block_weights`` weights."""

    id: str
    block_weights: int
    block_bytes: int
    fallback: str | None
    source: str
    note: str

    @property
    def bits(self) -> Fraction:
        # bits per weight = bytes per block x 8 / weights per block (ggml-common.h)
        return Fraction(self.block_bytes * 8, self.block_weights)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "block_weights": self.block_weights,
            "block_bytes": self.block_bytes,
            "bits_per_weight": float(self.bits),
            "fallback": self.fallback,
            "source": self.source,
            "note": self.note,
        }


@dataclass(frozen=True)
class Rule:
    """One line of a GGUF recipe: these tensors get this type on these layers, if ``when``."""

    tensors: tuple[str, ...]
    type: str
    layers: str = "all"
    when: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "tensors": list(self.tensors),
            "type": self.type,
            "layers": self.layers,
            "when": self.when,
        }


@dataclass(frozen=True)
class WeightFormat:
    """How weights are stored. ``kind``: float | grouped | gguf | uniform."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    bits: Fraction | None = None
    group_size: int = 0
    group_overhead_bits: Fraction = Fraction(0)
    quantized: tuple[str, ...] = ()
    other_bits: Fraction = Fraction(16)
    base: str | None = None
    output: str | None = None
    token_embd: str | None = None
    rules: tuple[Rule, ...] = ()
    nominal_bpw: float | None = None
    moe_only: bool = False
    source: str = ""
    note: str = ""

    def grouped_bits(self, row: int | None) -> Fraction:
        """Bits per quantized weight: value bits + the group's scale/zero bits per weight."""
        assert self.bits is not None
        size = self.group_size or row or 4096  # 0 = one scale per row of ``row`` inputs
        # bpw = value bits + scale/zero bits per group / group size (AWQ, QLoRA, OCP MX)
        return self.bits + self.group_overhead_bits / size

    @property
    def nominal_bits(self) -> float:
        """One bits-per-weight figure for the format (used when no config is available)."""
        if self.kind == "gguf":
            assert self.nominal_bpw is not None
            return self.nominal_bpw
        if self.kind == "grouped":
            return float(self.grouped_bits(None))
        assert self.bits is not None
        return float(self.bits)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "kind": self.kind}
        if self.kind in ("float", "uniform"):
            out["bits_per_weight"] = float(self.bits or 0)
        elif self.kind == "grouped":
            out["bits_per_quantized_weight"] = float(self.grouped_bits(None))
            out["quantized_groups"] = list(self.quantized)
            out["other_bits"] = float(self.other_bits)
        else:
            out.update(base=self.base, output=self.output, nominal_bpw=self.nominal_bpw)
            out["rules"] = [r.to_dict() for r in self.rules]
        out.update(source=self.source, note=self.note)
        return out


@dataclass(frozen=True)
class _FormatData:
    types: dict[str, GgmlType]
    formats: tuple[WeightFormat, ...]
    ladder: tuple[str, ...]
    sources: dict[str, str]


def _frac(x: Any) -> Fraction:
    return Fraction(str(x))


def _formats_schema() -> Any:
    from pydantic import BaseModel, ConfigDict, Field, HttpUrl

    class TypeRow(BaseModel):
        model_config = ConfigDict(extra="forbid")
        id: str
        block_weights: int = Field(gt=0)
        block_bytes: int = Field(gt=0)
        fallback: str | None = None
        source: HttpUrl
        note: str

    class RuleRow(BaseModel):
        model_config = ConfigDict(extra="forbid")
        tensors: list[str] = Field(min_length=1)
        type: str
        layers: str = "all"
        when: str = ""

    class FormatRow(BaseModel):
        model_config = ConfigDict(extra="forbid")
        id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
        name: str
        kind: str = Field(pattern=r"^(float|grouped|gguf)$")
        aliases: list[str] = []
        bits: float | None = Field(None, gt=0, le=32)
        group_size: int = Field(0, ge=0)
        group_overhead_bits: float = Field(0, ge=0)
        quantized: list[str] = []
        other_bits: float = 16
        base: str | None = None
        output: str | None = None
        token_embd: str | None = None
        nominal_bpw: float | None = Field(None, gt=0, le=32)
        moe_only: bool = False
        source: HttpUrl
        note: str
        rule: list[RuleRow] = []

    class Ladder(BaseModel):
        model_config = ConfigDict(extra="forbid")
        order: list[str]

    class Table(BaseModel):
        model_config = ConfigDict(extra="forbid")
        sources: dict[str, HttpUrl]
        ladder: Ladder
        ggml_type: list[TypeRow]
        format: list[FormatRow]

    return Table


@cache
def _format_data() -> _FormatData:
    """The formats, storage types and ladder of ``data/formats.toml``, validated on first use
    (then loaded from the cache, without pydantic)."""
    return validated("formats", (data_path("formats.toml"), Path(__file__)), _build_format_data)


def _build_format_data() -> _FormatData:
    from pydantic import ValidationError

    try:
        table: Any = _formats_schema().model_validate(load_toml("formats.toml"))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise FlopcastError(f"data/formats.toml: {where}: {err['msg']}") from None
    types = {
        t.id: GgmlType(t.id, t.block_weights, t.block_bytes, t.fallback, str(t.source), t.note)
        for t in table.ggml_type
    }
    check_unique_names("data/formats.toml", ((t, ()) for t in types))
    if len(types) != len(table.ggml_type):
        raise FlopcastError("data/formats.toml: a ggml_type id is listed twice")
    formats = []
    for f in table.format:
        rules = tuple(Rule(tuple(r.tensors), r.type, r.layers, r.when) for r in f.rule)
        wf = WeightFormat(
            id=f.id,
            name=f.name,
            kind=f.kind,
            aliases=tuple(f.aliases),
            bits=None if f.bits is None else _frac(f.bits),
            group_size=f.group_size,
            group_overhead_bits=_frac(f.group_overhead_bits),
            quantized=tuple(f.quantized),
            other_bits=_frac(f.other_bits),
            base=f.base,
            output=f.output,
            token_embd=f.token_embd,
            rules=rules,
            nominal_bpw=f.nominal_bpw,
            moe_only=f.moe_only,
            source=str(f.source),
            note=f.note,
        )
        _check_format(wf, types)
        formats.append(wf)
    ids = {f.id for f in formats}
    missing = [i for i in table.ladder.order if i not in ids]
    if missing:
        raise FlopcastError(f"data/formats.toml: ladder names unknown formats {missing}")
    return _FormatData(
        types,
        tuple(formats),
        tuple(table.ladder.order),
        {k: str(v) for k, v in table.sources.items()},
    )


def _check_format(f: WeightFormat, types: Mapping[str, GgmlType]) -> None:
    where = f"data/formats.toml: format {f.id}"
    if f.kind == "gguf":
        for name in (f.base, f.output, f.token_embd, *(r.type for r in f.rules)):
            if name is not None and name not in types:
                raise FlopcastError(f"{where}: unknown ggml type {name!r}")
        if f.base is None or f.output is None or f.nominal_bpw is None:
            raise FlopcastError(f"{where}: a gguf format needs base, output and nominal_bpw")
        for r in f.rules:
            if r.layers not in LAYER_SELECTORS:
                raise FlopcastError(f"{where}: unknown layer selector {r.layers!r}")
            for t in r.tensors:
                if t.removesuffix("_exps") not in _ROLES:
                    raise FlopcastError(f"{where}: unknown tensor role {t!r}")
            _condition(r.when, 1, 0)  # parses, or raises
    elif f.bits is None:
        raise FlopcastError(f"{where}: needs bits")


def formats() -> tuple[WeightFormat, ...]:
    """Every named weight format in ``data/formats.toml``."""
    return _format_data().formats


def ggml_types() -> dict[str, GgmlType]:
    return dict(_format_data().types)


def ladder() -> tuple[str, ...]:
    """Format ids from best to smallest, for "the best format that fits"."""
    return _format_data().ladder


_UNIFORM = re.compile(r"^(\d+(?:\.\d+)?)\s*-?\s*(?:bit|bits|bpw|b)$")


def weight_format(name: str) -> WeightFormat:
    """A format by id or alias (``q4_k_m``, ``Q4_K_M``, ``int4``, ``gptq``), or ``4bit`` /
    ``4.5bpw`` for an idealised uniform width on every weight. ``native`` needs a model: use
    :func:`resolve_format`."""
    text = name.strip().lower()
    m = _UNIFORM.match(text)
    if m:
        bits = _frac(m.group(1))
        if not 1 <= bits <= 32:
            raise FlopcastError(
                f"{opt('quant')} {name!r}: bits per weight must be between 1 and 32"
            )
        label = f"{m.group(1)} bits/weight"
        return WeightFormat(
            id=f"{m.group(1)}bit",
            name=f"uniform {label}",
            kind="uniform",
            bits=bits,
            source="",  # the width is the user's own figure: nothing to cite
            note=f"every parameter at {label} (your --quant): the idealised figure, no "
            "scales, nothing kept at higher precision",
        )
    return _format_index().get(text)


@cache
def _format_index() -> NameIndex[WeightFormat]:
    return NameIndex(
        "data/formats.toml",
        "weight format",
        ((f.id, f.aliases, f) for f in formats()),
        hint=lambda: (
            "known: "
            + ", ".join(sorted(f.id for f in formats()))
            + ", native, or a width such as 4bit"
        ),
    )


def resolve_format(name: str | None, spec: ModelSpec) -> WeightFormat:
    """``name`` as a format, with ``native``/``shipped``/None meaning the checkpoint's own."""
    if name is None or lenient_key(name) in ("native", "shipped", "auto", "checkpoint"):
        return weight_format(spec.native_format)
    return weight_format(name)
