"""Can I run it? Inference memory, quantization, KV cache and decode speed on real machines.

Memory = weights + KV cache + runtime overhead, each computed and reported on its own:

* **Weights**: every tensor of the config's architecture (``flopcast.arch``) gets a storage
  type from its format (``data/formats.toml``): a float width, a grouped quantization rate,
  or llama.cpp's per-tensor GGUF recipe. Memory needs **all** parameters, MoE experts included.
* **KV cache**: cached elements per token of every layer (sliding-window and chunked layers
  capped at their window, MLA's compressed latent) x context x concurrent sequences x the
  cache dtype's bits.
* **Overhead**: ``DEFAULT_OVERHEAD_GB`` per device, adjustable. It stands for the runtime
  context (CUDA 0.3-0.6 GiB per GPU) plus compute buffers at a default micro-batch with flash
  attention (a few hundred MB). It is shown as its own line, never folded into the weights.

On a machine (``data/machines.toml``) the verdict is *fits* (all in GPU memory at the default
limit), *fits if the GPU limit is raised* (unified memory), *fits with CPU offload* (discrete
GPUs: the rest in host RAM) or *does not fit*. Speeds are **upper bounds**: one decoded token
reads the **active** weights once plus the KV cache at that context, so tokens/s <= memory
bandwidth / those bytes; a prefilled token costs its forward FLOP, so tokens/s <= peak FLOP/s /
FLOP per token. For a mixture of experts that is ~17B parameters per token for Llama 4
Maverick, not its 400B.

A model without a config.json (only catalog figures, or ``--total/--active``) is an
**estimate**: total parameters x the format's nominal bits per weight, no KV cache unless
bytes per token are given; every result says so.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from flopcast.datafiles import lenient_key, load_toml
from flopcast.errors import FlopcastError

if TYPE_CHECKING:
    from flopcast.arch import ArchBreakdown

# ---- documented, adjustable defaults ---------------------------------------------------------

#: Context length when none is given (tokens).
DEFAULT_CONTEXT = 8192
#: KV-cache dtype when none is given: the model's own 16-bit dtype.
DEFAULT_KV_DTYPE = "bf16"
#: Runtime overhead per device (GB): CUDA/Metal context (0.3-0.6 GiB per GPU) + compute
#: buffers at a default micro-batch of 512 with flash attention. Change it with --overhead.
DEFAULT_OVERHEAD_GB = 1.0
#: Memory the OS keeps when a unified-memory GPU limit is raised, and off host RAM for CPU
#: offload (GB). An assumption, shown in the output; change it with --os-reserve.
DEFAULT_OS_RESERVE_GB = 8.0
#: Contexts above this are refused as absurd (tokens).
MAX_CONTEXT = 1 << 27

GB = 10**9
GIB = 1 << 30

Verdict = Literal["fits", "fits_if_limit_raised", "fits_with_offload", "does_not_fit"]
VERDICT_LABELS: dict[str, str] = {
    "fits": "fits",
    "fits_if_limit_raised": "fits if GPU limit raised",
    "fits_with_offload": "fits with CPU offload",
    "does_not_fit": "does not fit",
}
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

# ---- data: formats ---------------------------------------------------------------------------


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
class KVDtype:
    id: str
    aliases: tuple[str, ...]
    bits: Fraction
    source: str
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "aliases": list(self.aliases),
            "bits": float(self.bits),
            "source": self.source,
            "note": self.note,
        }


@dataclass(frozen=True)
class _FormatData:
    types: dict[str, GgmlType]
    formats: tuple[WeightFormat, ...]
    kv: tuple[KVDtype, ...]
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

    class KVRow(BaseModel):
        model_config = ConfigDict(extra="forbid")
        id: str
        aliases: list[str] = []
        bits: float = Field(gt=0, le=32)
        source: HttpUrl
        note: str

    class Ladder(BaseModel):
        model_config = ConfigDict(extra="forbid")
        order: list[str]

    class Table(BaseModel):
        model_config = ConfigDict(extra="forbid")
        sources: dict[str, HttpUrl]
        ladder: Ladder
        ggml_type: list[TypeRow]
        format: list[FormatRow]
        kv_dtype: list[KVRow]

    return Table


@cache
def _format_data() -> _FormatData:
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
    kv = tuple(
        KVDtype(k.id, tuple(k.aliases), _frac(k.bits), str(k.source), k.note)
        for k in table.kv_dtype
    )
    ids = {f.id for f in formats}
    missing = [i for i in table.ladder.order if i not in ids]
    if missing:
        raise FlopcastError(f"data/formats.toml: ladder names unknown formats {missing}")
    return _FormatData(
        types,
        tuple(formats),
        kv,
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
            raise FlopcastError(f"--quant {name!r}: bits per weight must be between 1 and 32")
        label = f"{m.group(1)} bits/weight"
        return WeightFormat(
            id=f"{m.group(1)}bit",
            name=f"uniform {label}",
            kind="uniform",
            bits=bits,
            source="https://arxiv.org/abs/2001.08361",
            note=f"every parameter at {label}: the idealised figure, no scales, nothing kept "
            "at higher precision",
        )
    key = lenient_key(text)
    for f in formats():
        if key in {lenient_key(f.id), *(lenient_key(a) for a in f.aliases)}:
            return f
    names = sorted({f.id for f in formats()})
    close = difflib.get_close_matches(text, names, n=4, cutoff=0.5)
    hint = f"closest: {', '.join(close)}; " if close else ""
    raise FlopcastError(
        f"unknown weight format {name!r}: {hint}known: {', '.join(names)}, native, or a width "
        "such as 4bit"
    )


def kv_dtype(name: str) -> KVDtype:
    """A KV-cache dtype: f16, bf16, fp8, q8_0, q4_0, ..."""
    key = lenient_key(name)
    for k in _format_data().kv:
        if key in {lenient_key(k.id), *(lenient_key(a) for a in k.aliases)}:
            return k
    names = [k.id for k in _format_data().kv]
    close = difflib.get_close_matches(name.lower(), names, n=3, cutoff=0.5)
    hint = f"closest: {', '.join(close)}; " if close else ""
    raise FlopcastError(f"unknown KV-cache dtype {name!r}: {hint}known: {', '.join(names)}")


# ---- data: machines --------------------------------------------------------------------------


@dataclass(frozen=True)
class Machine:
    """Somewhere to run a model. ``kind``: gpu (discrete, ``devices`` of them), unified, cpu.

    Memory and bandwidth are per device for GPUs and for the whole pool otherwise; GB are
    10^9 bytes as the vendors state them (see data/machines.toml on binary capacities).
    """

    id: str
    name: str
    kind: Literal["gpu", "unified", "cpu"]
    category: str
    devices: int
    device_memory_gb: float
    bandwidth_gbs: float
    gpu_share: float = 1.0
    host_ram_gb: float | None = None
    host_bandwidth_gbs: float | None = None
    peak_flops: float | None = None  # dense 16-bit peak per device
    peak_precision: str | None = None
    accelerator: str | None = None
    limit_hint: str = ""
    aliases: tuple[str, ...] = ()
    source: str = ""
    other_sources: tuple[str, ...] = ()
    notes: str = ""

    @property
    def memory_gb(self) -> float:
        return self.devices * self.device_memory_gb

    @property
    def aggregate_bandwidth_gbs(self) -> float:
        """All devices reading at once (tensor parallelism): the decode upper bound's rate."""
        return self.devices * self.bandwidth_gbs

    def gpu_limit_bytes(self, os_reserve_gb: float = DEFAULT_OS_RESERVE_GB) -> int:
        """Memory the model may use without changing any setting."""
        total = self.memory_gb * GB
        if self.kind == "gpu":
            return int(total)
        reserve = max(0.0, total - os_reserve_gb * GB)
        if self.kind == "cpu":
            return int(reserve)
        return int(min(self.gpu_share * total, reserve))

    def gpu_max_bytes(self, os_reserve_gb: float = DEFAULT_OS_RESERVE_GB) -> int:
        """Memory the GPU may use once its limit is raised (unified memory), else the limit."""
        if self.kind == "unified":
            return int(max(0.0, self.memory_gb * GB - os_reserve_gb * GB))
        return self.gpu_limit_bytes(os_reserve_gb)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "category": self.category,
            "devices": self.devices,
            "memory_gb": self.memory_gb,
            "bandwidth_gbs_per_device": self.bandwidth_gbs,
            "gpu_share": self.gpu_share,
            "host_ram_gb": self.host_ram_gb,
            "host_bandwidth_gbs": self.host_bandwidth_gbs,
            "peak_flops_per_device": self.peak_flops,
            "peak_precision": self.peak_precision,
            "accelerator": self.accelerator,
            "source": self.source,
            "other_sources": list(self.other_sources),
            "notes": self.notes,
        }


def _machines_schema() -> Any:
    from pydantic import BaseModel, ConfigDict, Field, HttpUrl

    class Row(BaseModel):
        model_config = ConfigDict(extra="forbid")
        id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
        name: str
        kind: str = Field(pattern=r"^(gpu|unified)$")
        category: str = Field(pattern=r"^(consumer|workstation|apple|unified|datacenter)$")
        accelerator: str | None = None
        count: int = Field(1, ge=1)
        memory_gb: float | None = Field(None, gt=0)
        bandwidth_gbs: float | None = Field(None, gt=0)
        gpu_share: float = Field(1.0, gt=0, le=1)
        host_ram_gb: float | None = Field(None, gt=0)
        host_bandwidth_gbs: float | None = Field(None, gt=0)
        aliases: list[str] = []
        source: HttpUrl
        host_source: HttpUrl | None = None
        other_sources: list[HttpUrl] = []
        limit_hint: str = ""
        notes: str = ""

    class Table(BaseModel):
        model_config = ConfigDict(extra="forbid")
        machine: list[Row]

    return Table


def _gpu_machine(
    acc_name: str, count: int, *, id: str | None = None, name: str | None = None, **kw: Any
) -> Machine:
    from flopcast.hardware import accelerator

    acc = accelerator(acc_name)
    if acc.memory_gb is None or acc.memory_bandwidth_gbs is None:
        raise FlopcastError(f"{acc.name} has no memory or bandwidth figure in the table")
    precision = (
        "bf16" if "bf16" in acc.peak_tflops else "fp16" if "fp16" in acc.peak_tflops else None
    )
    peak = acc.peak_tflops[precision] * 1e12 if precision else None
    return Machine(
        id=id or (acc.id if count == 1 else f"{count}x-{acc.id}"),
        name=name or (acc.name if count == 1 else f"{count}x {acc.name}"),
        kind="gpu",
        category=kw.pop("category", "datacenter"),
        devices=count,
        device_memory_gb=acc.memory_gb,
        bandwidth_gbs=acc.memory_bandwidth_gbs,
        peak_flops=peak,
        peak_precision=precision,
        accelerator=acc.id,
        source=kw.pop("source", acc.source),
        **kw,
    )


@cache
def machines() -> tuple[Machine, ...]:
    """The machines of ``data/machines.toml`` (GPU rows filled in from the accelerator table)."""
    from pydantic import ValidationError

    try:
        table: Any = _machines_schema().model_validate(load_toml("machines.toml"))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise FlopcastError(f"data/machines.toml: {where}: {err['msg']}") from None
    out: list[Machine] = []
    for r in table.machine:
        others = tuple(str(s) for s in r.other_sources)
        if r.host_source is not None:
            others += (str(r.host_source),)
        if r.kind == "gpu":
            if r.accelerator is None:
                raise FlopcastError(f"data/machines.toml: {r.id}: a gpu row needs accelerator")
            out.append(
                _gpu_machine(
                    r.accelerator,
                    r.count,
                    id=r.id,
                    name=r.name,
                    category=r.category,
                    host_ram_gb=r.host_ram_gb,
                    host_bandwidth_gbs=r.host_bandwidth_gbs,
                    aliases=tuple(r.aliases),
                    source=str(r.source),
                    other_sources=others,
                    notes=r.notes,
                )
            )
        else:
            if r.memory_gb is None or r.bandwidth_gbs is None:
                raise FlopcastError(f"data/machines.toml: {r.id}: needs memory and bandwidth")
            out.append(
                Machine(
                    id=r.id,
                    name=r.name,
                    kind="unified",
                    category=r.category,
                    devices=1,
                    device_memory_gb=r.memory_gb,
                    bandwidth_gbs=r.bandwidth_gbs,
                    gpu_share=r.gpu_share,
                    limit_hint=r.limit_hint,
                    aliases=tuple(r.aliases),
                    source=str(r.source),
                    other_sources=others,
                    notes=r.notes,
                )
            )
    return tuple(out)


def _machine_keys(m: Machine) -> set[str]:
    return {lenient_key(m.id), lenient_key(m.name), *(lenient_key(a) for a in m.aliases)}


_MULTI = re.compile(r"^(\d+)\s*(?:x|×|\*)\s*(.+)$")
_CPU = re.compile(r"^(?:cpu\s*(?:with\s*)?)?(\d+(?:\.\d+)?)\s*gb?\s*(?:of\s*)?(?:ram|cpu)?$")
#: A desktop CPU's RAM bandwidth when none is given: dual-channel DDR5-5600,
#: 2 channels x 8 bytes x 5600 MT/s (JEDEC JESD79-5).
DEFAULT_CPU_BANDWIDTH_GBS = 89.6


def cpu_machine(memory_gb: float, bandwidth_gbs: float = DEFAULT_CPU_BANDWIDTH_GBS) -> Machine:
    """A CPU-only machine with ``memory_gb`` of RAM (bandwidth: dual-channel DDR5-5600)."""
    if not 0 < memory_gb <= 1e5:
        raise FlopcastError(f"RAM must be between 0 and 100,000 GB, got {memory_gb:g}")
    return Machine(
        id=f"cpu-{memory_gb:g}gb",
        name=f"CPU with {memory_gb:g} GB RAM",
        kind="cpu",
        category="cpu",
        devices=1,
        device_memory_gb=memory_gb,
        bandwidth_gbs=bandwidth_gbs,
        source="https://www.jedec.org/standards-documents/docs/jesd79-5c",
        notes=f"bandwidth assumed {bandwidth_gbs:g} GB/s (dual-channel DDR5-5600)",
    )


def machine(name: str) -> Machine:
    """A machine by id or alias (``rtx 4090``, ``m3 ultra 512``, ``dgx spark``), ``8x h100``
    or ``2x rtx 3090`` for N of any accelerator, or ``cpu 256gb`` for a CPU with that RAM."""
    text = " ".join(name.strip().lower().split())
    key = lenient_key(text)
    found = [m for m in machines() if key in _machine_keys(m)]
    if len(found) == 1:
        return found[0]
    if found:  # an alias shared on purpose ("mac 64gb"): ask, do not pick one
        choices = ", ".join(f"{m.id} ({m.bandwidth_gbs:g} GB/s)" for m in found)
        raise FlopcastError(f"machine name {name!r} is ambiguous: did you mean one of {choices}?")
    cpu = _CPU.match(text)
    if cpu and ("cpu" in text or "ram" in text):
        return cpu_machine(float(cpu.group(1)))
    multi = _MULTI.match(text)
    if multi:
        count = int(multi.group(1))
        if not 1 <= count <= 1024:
            raise FlopcastError(f"{name!r}: the GPU count must be between 1 and 1024")
        base = machine(multi.group(2))
        if base.kind != "gpu" or base.accelerator is None:
            raise FlopcastError(f"{name!r}: only discrete GPUs can be multiplied")
        host = base.host_ram_gb
        return _gpu_machine(
            base.accelerator,
            count * base.devices,
            category=base.category,
            host_ram_gb=host,
            host_bandwidth_gbs=base.host_bandwidth_gbs,
        )
    try:
        from flopcast.hardware import accelerator

        acc = accelerator(text)
    except FlopcastError:
        acc = None
    if acc is not None:
        return _gpu_machine(acc.id, 1)
    names = sorted({m.id for m in machines()})
    close = difflib.get_close_matches(text.replace(" ", "-"), names, n=4, cutoff=0.4)
    hint = f"closest: {', '.join(close)}; " if close else ""
    raise FlopcastError(
        f"unknown machine {name!r}: {hint}try one of {', '.join(names[:6])}, ..., "
        "'8x h100', or 'cpu 128gb'"
    )


# ---- the model ---------------------------------------------------------------------------------

#: Configs flopcast derives rather than ships (no verifiable copy of the Hub file found):
#: repo id -> (shipped config it starts from, overrides, provenance).
_GPT_OSS_20B_NOTE = (
    "config derived from the shipped gpt-oss-120b config.json with the 20b's 24 layers and "
    "32 experts (gpt-oss model card, arXiv:2508.10925); a public copy at "
    "github.com/jihengzhang/jihz-gpt-oss-20b @ 7ec89800, gpt-oss-20b/config.json, has exactly "
    "these architecture fields"
)


def _derived_config(repo: str) -> tuple[dict[str, Any], str] | None:
    if repo != "openai/gpt-oss-20b":
        return None
    from flopcast.arch.hub import read_config_file, shipped_config_for

    path = shipped_config_for("openai/gpt-oss-120b")
    if path is None:  # pragma: no cover - the 120b config ships with flopcast
        return None
    cfg = dict(read_config_file(path))
    layers = 24
    cfg.update(
        num_hidden_layers=layers,
        num_local_experts=32,
        layer_types=[
            "sliding_attention" if i % 2 == 0 else "full_attention" for i in range(layers)
        ],
    )
    return cfg, _GPT_OSS_20B_NOTE


@dataclass(frozen=True, eq=False)  # compared and hashed by identity (results are cached)
class ModelSpec:
    """What is known about a model: an exact architecture, or catalog/given totals."""

    name: str
    source: str
    arch: ArchBreakdown | None
    config: Mapping[str, Any] | None
    total_params: int  # every parameter that is loaded, extras included
    active_params: int  # per token, the convention of ``active_params`` (input embedding in)
    native_format: str
    estimate: bool
    max_context: int | None = None
    kv_bytes_per_token: int | None = None  # bf16, for estimates without a config
    extras: tuple[str, ...] = ()  # extra modules loaded with the text model (vision tower)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "estimate": self.estimate,
            "total_params": self.total_params,
            "active_params": self.active_params,
            "native_format": self.native_format,
            "max_context": self.max_context,
            "extras_loaded": list(self.extras),
            "notes": list(self.notes),
        }


def _text_config(config: Mapping[str, Any]) -> Mapping[str, Any]:
    tc = config.get("text_config")
    return tc if isinstance(tc, Mapping) else config


def _native_format(config: Mapping[str, Any]) -> str:
    """The format a checkpoint ships in, from its quantization_config or torch_dtype."""
    qc = config.get("quantization_config")
    if isinstance(qc, Mapping):
        method = str(qc.get("quant_method", "")).lower()
        if method == "mxfp4":
            return "mxfp4"
        if method == "fp8":
            return "fp8"
        if method in ("gptq", "awq") and qc.get("bits", 4) == 4:
            return "int4"
        if method == "bitsandbytes":
            return "nf4" if qc.get("load_in_4bit") else "int8"
    dtype = str(config.get("torch_dtype") or _text_config(config).get("torch_dtype") or "")
    return {"float32": "fp32", "float16": "fp16"}.get(dtype, "bf16")


def _spec_from_config(
    config: Mapping[str, Any], name: str, source: str, text_only: bool, notes: tuple[str, ...]
) -> ModelSpec:
    from flopcast.arch import from_config

    arch = from_config(config)
    loaded = () if text_only else tuple(e for e in arch.extras if e.name != "mtp")
    skipped = [e for e in arch.extras if e not in loaded]
    extra_notes = [
        f"{e.name} ({e.params:,} params) not loaded: "
        + ("--text-only" if e.name != "mtp" else "MTP head, used only for speculative decoding")
        for e in skipped
    ]
    max_ctx = _text_config(config).get("max_position_embeddings")
    return ModelSpec(
        name=name,
        source=source,
        arch=arch,
        config=config,
        total_params=arch.total_params + sum(e.params for e in loaded),
        active_params=arch.active_params,
        native_format=_native_format(config),
        estimate=False,
        max_context=int(max_ctx) if isinstance(max_ctx, int) and max_ctx > 0 else None,
        extras=tuple(e.name for e in loaded),
        notes=notes + tuple(extra_notes),
    )


def model_spec(
    model: str | Path | Mapping[str, Any] | None = None,
    *,
    total: Any = None,
    active: Any = None,
    kv_bytes_per_token: int | None = None,
    text_only: bool = False,
) -> ModelSpec:
    """Resolve a model: a catalog name, a config.json path/dir/repo id or dict, or numbers.

    ``total``/``active`` (``"109B"``, ``17e9``) make an estimate without a config, labelled as
    such; they win over a name. ``text_only`` leaves a vision tower out.
    """
    from flopcast.quantity import Kind, parse

    if total is not None or active is not None:
        if total is None:
            raise FlopcastError("--active needs --total (memory needs every parameter)")
        n = parse(total, Kind.COUNT, what="--total").value
        a = parse(active, Kind.COUNT, what="--active").value if active is not None else n
        if a > n:
            raise FlopcastError("--active cannot exceed --total")
        label = str(model) if model is not None else "given parameters"
        return ModelSpec(
            name=label,
            source="given --total/--active",
            arch=None,
            config=None,
            total_params=round(n),
            active_params=round(a),
            native_format="bf16",
            estimate=True,
            kv_bytes_per_token=kv_bytes_per_token,
            notes=("estimate from the given totals: no per-tensor mix, no architecture",),
        )
    if model is None:
        raise FlopcastError("name a model, give a config.json, or pass --total (and --active)")
    if isinstance(model, Mapping):
        return _spec_from_config(
            model, str(model.get("model_type", "config")), "config dict", text_only, ()
        )
    text = str(model)
    derived = _derived_config(text)
    if derived is not None:
        return _spec_from_config(derived[0], text, "derived config", text_only, (derived[1],))
    if isinstance(model, Path) or "/" in text or Path(text).expanduser().exists():
        from flopcast.arch.hub import load_config

        return _spec_from_config(load_config(model), text, f"config: {text}", text_only, ())
    return _spec_from_catalog(text, kv_bytes_per_token, text_only)


def _spec_from_catalog(name: str, kv_bytes_per_token: int | None, text_only: bool) -> ModelSpec:
    from flopcast.arch.hub import read_config_file, shipped_config_for
    from flopcast.catalog import model

    m = model(name)
    if m.hf_repo:
        derived = _derived_config(m.hf_repo)
        if derived is not None:
            return _spec_from_config(derived[0], m.name, "derived config", text_only, (derived[1],))
        path = shipped_config_for(m.hf_repo)
        if path is not None:
            return _spec_from_config(
                read_config_file(path),
                m.name,
                f"config.json of {m.hf_repo} (shipped)",
                text_only,
                (),
            )
    total, active = m.value("total_params"), m.value("active_params")
    if total is None:
        raise FlopcastError(
            f"{m.name} has no parameter count in the catalog; pass --total (and --active)"
        )
    ctx = m.value("context_length")
    a = active.value if active is not None else total.value
    return ModelSpec(
        name=m.name,
        source=f"catalog: {m.name}",
        arch=None,
        config=None,
        total_params=round(total.value),
        active_params=round(a),
        native_format="bf16",
        estimate=True,
        max_context=None if ctx is None else round(ctx.value),
        kv_bytes_per_token=kv_bytes_per_token,
        notes=(
            "estimate from catalog figures (no config.json): total parameters x the format's "
            "nominal bits per weight",
        ),
    )


def resolve_format(name: str | None, spec: ModelSpec) -> WeightFormat:
    """``name`` as a format, with ``native``/``shipped``/None meaning the checkpoint's own."""
    if name is None or lenient_key(name) in ("native", "shipped", "auto", "checkpoint"):
        return weight_format(spec.native_format)
    return weight_format(name)


# ---- weights -----------------------------------------------------------------------------------


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
    # group -> (storage type, bits) -> [params, active weights]; bytes = weights x bits / 8
    acc: dict[str, dict[tuple[str, Fraction], list[Fraction]]] = {}
    for t in _tensors(spec, hp):
        key = _tensor_bits(f, t, hp, arch.tied_embeddings)
        cell = acc.setdefault(t.group, {}).setdefault(key, [Fraction(0), Fraction(0)])
        cell[0] += t.params
        cell[1] += t.active
    sums: dict[str, list[Any]] = {}
    for group, cells in acc.items():
        row = sums.setdefault(group, [Fraction(0), Fraction(0), Fraction(0), {}])
        for (tname, bits), (params, active) in cells.items():
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


# ---- KV cache and overhead ---------------------------------------------------------------------


@dataclass(frozen=True)
class KVCache:
    """KV cache at a context: bytes stored (all sequences) and read per decoded token."""

    dtype: str
    bits_per_element: float
    context: int
    sequences: int
    bytes_per_token: int | None  # every layer holding the token (no window caps)
    bytes: int
    read_bytes_per_token: int  # one sequence, one new token at this context
    known: bool
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "dtype": self.dtype,
            "bits_per_element": self.bits_per_element,
            "context": self.context,
            "sequences": self.sequences,
            "bytes_per_token": self.bytes_per_token,
            "bytes": self.bytes,
            "gib": self.bytes / GIB,
            "read_bytes_per_token": self.read_bytes_per_token,
            "known": self.known,
            "note": self.note,
        }


def kv_cache(
    spec: ModelSpec, context: int, dtype: str = DEFAULT_KV_DTYPE, sequences: int = 1
) -> KVCache:
    """KV bytes for ``sequences`` sequences of ``context`` tokens: sliding/chunked layers hold at
    most their window, MLA its latent (flopcast.arch); elements x bits / 8."""
    check_context(context)
    if isinstance(sequences, bool) or not isinstance(sequences, int) or sequences < 1:
        raise FlopcastError(f"sequences must be a positive integer, got {sequences!r}")
    dt = kv_dtype(dtype)
    if spec.arch is None:
        if spec.kv_bytes_per_token is None:
            return KVCache(
                dt.id,
                float(dt.bits),
                context,
                sequences,
                None,
                0,
                0,
                False,
                "KV cache not included: no config.json (give --kv-per-token)",
            )
        per = Fraction(spec.kv_bytes_per_token) * dt.bits / 16
        return KVCache(
            dt.id,
            float(dt.bits),
            context,
            sequences,
            _round(per),
            _round(per * context * sequences),
            _round(per * context),
            True,
            "estimate: given bytes per token x context, no window caps",
        )
    layers = spec.arch.layers
    # bytes = sum over layers of cached K/V elements (windows capped) x bits / 8 (research §5)
    stored = sum(la.attention.kv_elements * la.attention.cached_tokens(context) for la in layers)
    read = sum(la.attention.kv_elements * la.attention.decode_keys(context) for la in layers)
    per_token = spec.arch.kv_elements_per_token * dt.bits / 8
    capped = any(la.attention.window for la in layers)
    return KVCache(
        dt.id,
        float(dt.bits),
        context,
        sequences,
        _round(per_token),
        _round(stored * dt.bits / 8 * sequences),
        _round(read * dt.bits / 8),
        True,
        "sliding/chunked layers capped at their window" if capped else "",
    )


@dataclass(frozen=True)
class MemoryEstimate:
    """Weights + KV cache + overhead of one model at one format and context."""

    model: ModelSpec
    weights: Weights
    kv: KVCache
    overhead_per_device: int
    context: int
    sequences: int

    def need(self, devices: int = 1) -> int:
        """Bytes needed on a machine with ``devices`` GPUs (the overhead is per device)."""
        return self.weights.bytes + self.kv.bytes + devices * self.overhead_per_device

    @property
    def total(self) -> int:
        return self.need(1)

    @property
    def decode_bytes_per_token(self) -> int:
        """Bytes one decoded token reads: active weights + the KV cache at this context."""
        return self.weights.read_bytes_per_token + self.kv.read_bytes_per_token

    @property
    def estimate(self) -> bool:
        return self.model.estimate

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model.to_dict(),
            "context": self.context,
            "sequences": self.sequences,
            "weights": self.weights.to_dict(),
            "kv_cache": self.kv.to_dict(),
            "overhead_per_device_bytes": self.overhead_per_device,
            "overhead_note": f"runtime context + compute buffers, {DEFAULT_OVERHEAD_GB:g} GB per "
            "device by default (--overhead)",
            "total_bytes_one_device": self.total,
            "total_gb_one_device": self.total / GB,
            "decode_bytes_per_token": self.decode_bytes_per_token,
            "estimate": self.estimate,
        }


def memory(
    spec: ModelSpec,
    quant: str | WeightFormat | None = None,
    context: int = DEFAULT_CONTEXT,
    kv_dtype: str = DEFAULT_KV_DTYPE,
    sequences: int = 1,
    overhead_gb: float = DEFAULT_OVERHEAD_GB,
) -> MemoryEstimate:
    """The memory a model needs: weights at ``quant`` + KV cache + overhead."""
    if not 0 <= overhead_gb <= 1000:
        raise FlopcastError(f"overhead must be between 0 and 1000 GB, got {overhead_gb:g}")
    w = weights(spec, quant)
    kv = kv_cache(spec, context, kv_dtype, sequences)
    return MemoryEstimate(spec, w, kv, round(overhead_gb * GB), context, sequences)


# ---- fitting on machines -----------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """A model at a format on a machine: the verdict, the margin and the speed bounds."""

    machine: Machine
    estimate: MemoryEstimate
    verdict: Verdict
    need_bytes: int
    limit_bytes: int  # usable without changing settings
    max_bytes: int  # usable once a unified-memory GPU limit is raised (or with offload)
    headroom_bytes: int  # against the capacity of the verdict (negative: short by)
    offloaded_bytes: int
    decode_tokens_per_s: float | None  # upper bound
    prefill_tokens_per_s: float | None  # upper bound
    os_reserve_gb: float
    remedies: tuple[str, ...] = ()
    smaller_format: str | None = None
    required_limit_bytes: int | None = None
    longest_context: int | None = None

    @property
    def fits(self) -> bool:
        return self.verdict != "does_not_fit"

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    def to_dict(self) -> dict[str, Any]:
        return {
            "machine": self.machine.id,
            "machine_name": self.machine.name,
            "category": self.machine.category,
            "format": self.estimate.weights.format.id,
            "verdict": self.verdict,
            "need_bytes": self.need_bytes,
            "need_gb": self.need_bytes / GB,
            "gpu_limit_gb": self.limit_bytes / GB,
            "max_gb": self.max_bytes / GB,
            "headroom_gb": self.headroom_bytes / GB,
            "offloaded_gb": self.offloaded_bytes / GB,
            "decode_tokens_per_s_upper_bound": self.decode_tokens_per_s,
            "prefill_tokens_per_s_upper_bound": self.prefill_tokens_per_s,
            "os_reserve_gb": self.os_reserve_gb,
            "remedies": list(self.remedies),
            "smaller_format": self.smaller_format,
            "required_gpu_limit_gb": None
            if self.required_limit_bytes is None
            else self.required_limit_bytes / GB,
            "longest_context": self.longest_context,
        }


def _verdict(
    est: MemoryEstimate, m: Machine, os_reserve_gb: float, host_ram_gb: float | None
) -> tuple[Verdict, int, int, int, int, int]:
    """(verdict, need, limit, max, headroom, offloaded bytes)."""
    need = est.need(m.devices)
    limit = m.gpu_limit_bytes(os_reserve_gb)
    top = m.gpu_max_bytes(os_reserve_gb)
    if need <= limit:
        return "fits", need, limit, top, limit - need, 0
    if m.kind == "unified":
        if need <= top:
            return "fits_if_limit_raised", need, limit, top, top - need, 0
        return "does_not_fit", need, limit, top, top - need, 0
    host = host_ram_gb if host_ram_gb is not None else m.host_ram_gb
    if m.kind == "gpu" and host:
        spare = int(max(0.0, (host - os_reserve_gb) * GB))
        if need <= limit + spare:
            return (
                "fits_with_offload",
                need,
                limit,
                limit + spare,
                limit + spare - need,
                need - limit,
            )
        return "does_not_fit", need, limit, limit + spare, limit + spare - need, 0
    return "does_not_fit", need, limit, top, limit - need, 0


def _speeds(
    est: MemoryEstimate, m: Machine, verdict: Verdict, offloaded: int, host_bw: float | None
) -> tuple[float | None, float | None]:
    if verdict == "does_not_fit":
        return None, None
    w_read, kv_read = est.weights.read_bytes_per_token, est.kv.read_bytes_per_token
    bw = m.aggregate_bandwidth_gbs * GB
    if verdict == "fits_with_offload":
        if not host_bw:
            return None, None
        # the offloaded share of the weights is read from host RAM at host bandwidth
        share = min(1.0, offloaded / est.weights.bytes) if est.weights.bytes else 0.0
        seconds = (w_read * (1 - share) + kv_read) / bw + w_read * share / (host_bw * GB)
        return 1 / seconds, None
    # decode: tokens/s <= bandwidth / bytes read per token (active weights + KV at context)
    decode = bw / (w_read + kv_read) if w_read + kv_read else None
    prefill = None
    if m.peak_flops:
        # prefill: tokens/s <= peak FLOP/s / forward FLOP per token (causal average at context)
        arch = est.model.arch
        per_token = (
            arch.flops_per_token(est.context).forward
            if arch is not None
            else 2.0 * est.model.active_params
        )
        prefill = m.devices * m.peak_flops / per_token
    return decode, prefill


def fit(
    est: MemoryEstimate,
    m: Machine | str,
    *,
    os_reserve_gb: float = DEFAULT_OS_RESERVE_GB,
    host_ram_gb: float | None = None,
    remedies: bool = True,
) -> Fit:
    """Whether ``est`` fits ``m``, with its headroom, speed bounds and (when it does not fit
    as is) what would make it fit: a smaller format, a raised GPU limit, a shorter context."""
    mach = machine(m) if isinstance(m, str) else m
    if not 0 <= os_reserve_gb <= 1e4:
        raise FlopcastError(f"OS reserve must be between 0 and 10,000 GB, got {os_reserve_gb:g}")
    verdict, need, limit, top, headroom, off = _verdict(est, mach, os_reserve_gb, host_ram_gb)
    decode, prefill = _speeds(est, mach, verdict, off, mach.host_bandwidth_gbs)
    result = Fit(
        mach, est, verdict, need, limit, top, headroom, off, decode, prefill, os_reserve_gb
    )
    if not remedies or verdict == "fits":
        return result
    return _with_remedies(result, os_reserve_gb, host_ram_gb)


def _with_remedies(r: Fit, os_reserve_gb: float, host_ram_gb: float | None) -> Fit:
    import dataclasses

    est, m = r.estimate, r.machine
    notes: list[str] = []
    smaller = None
    current = est.weights.bytes
    for fid in ladder():
        try:
            alt = memory(
                est.model,
                fid,
                est.context,
                est.kv.dtype,
                est.sequences,
                est.overhead_per_device / GB,
            )
        except FlopcastError:
            continue
        if alt.weights.bytes >= current:
            continue
        if _verdict(alt, m, os_reserve_gb, host_ram_gb)[0] == "fits":
            smaller = fid
            limit_word = "the default GPU limit" if m.kind == "unified" else "GPU memory"
            notes.append(
                f"a smaller format fits within {limit_word}: {fid} "
                f"({alt.weights.bytes / GB:.1f} GB of weights, {alt.need(m.devices) / GB:.1f} GB "
                "in all)"
            )
            break
    required = None
    if m.kind == "unified":
        required = r.need_bytes
        mb = math.ceil(required / 2**20)
        hint = m.limit_hint.format(mb=mb) if m.limit_hint else "raise the GPU memory limit"
        left = m.memory_gb - required / GB
        if r.verdict == "fits_if_limit_raised":
            notes.append(
                f"or raise the GPU memory limit to {required / GB:.1f} GB ({hint}), leaving "
                f"{left:.1f} GB for the OS"
            )
        elif left > 0:
            notes.append(
                f"raising the GPU memory limit to {required / GB:.1f} GB ({hint}) would leave "
                f"the OS only {left:.1f} GB, under the {os_reserve_gb:g} GB flopcast keeps "
                "(--os-reserve to change)"
            )
        else:
            notes.append(
                f"no GPU limit helps: it needs {required / GB:.1f} GB, more than the "
                f"{m.memory_gb:g} GB of memory"
            )
    if r.verdict == "fits_with_offload":
        notes.append(
            f"{r.offloaded_bytes / GB:.1f} GB of weights in host RAM: the decode bound includes "
            "reading them at host bandwidth"
        )
    longest = None
    if est.kv.known and est.model.arch is not None:
        longest = longest_context(
            est.model,
            est.weights.format,
            m,
            kv_dtype=est.kv.dtype,
            sequences=est.sequences,
            overhead_gb=est.overhead_per_device / GB,
            os_reserve_gb=os_reserve_gb,
        )
        if longest is not None and longest < est.context:
            notes.append(f"or keep this format with a context of at most {longest:,} tokens")
    return dataclasses.replace(
        r,
        remedies=tuple(notes),
        smaller_format=smaller,
        required_limit_bytes=required,
        longest_context=longest,
    )


def default_machines() -> tuple[Machine, ...]:
    """The machines of the ``flopcast local`` table."""
    return machines()


def fit_table(
    est: MemoryEstimate,
    machine_list: Iterable[Machine] | None = None,
    *,
    os_reserve_gb: float = DEFAULT_OS_RESERVE_GB,
    host_ram_gb: float | None = None,
) -> tuple[Fit, ...]:
    """``est`` on every machine (default: the machines table)."""
    rows = default_machines() if machine_list is None else tuple(machine_list)
    return tuple(fit(est, m, os_reserve_gb=os_reserve_gb, host_ram_gb=host_ram_gb) for m in rows)


def longest_context(
    spec: ModelSpec,
    fmt: str | WeightFormat | None,
    m: Machine | str,
    *,
    kv_dtype: str = DEFAULT_KV_DTYPE,
    sequences: int = 1,
    overhead_gb: float = DEFAULT_OVERHEAD_GB,
    os_reserve_gb: float = DEFAULT_OS_RESERVE_GB,
) -> int | None:
    """The longest context that fits within the default GPU limit (no offload, no raised
    limit), up to the model's maximum; None if not even one token fits or the KV cache is
    unknown (no config)."""
    mach = machine(m) if isinstance(m, str) else m
    est = memory(spec, fmt, 1, kv_dtype, sequences, overhead_gb)
    if not est.kv.known:
        return None
    limit = mach.gpu_limit_bytes(os_reserve_gb)
    fixed = est.weights.bytes + mach.devices * est.overhead_per_device

    def fits(ctx: int) -> bool:
        return fixed + kv_cache(spec, ctx, kv_dtype, sequences).bytes <= limit

    if not fits(1):
        return None
    top = min(spec.max_context or MAX_CONTEXT, MAX_CONTEXT)
    if fits(top):
        return top
    lo, hi = 1, top  # fits(lo), not fits(hi): the KV cache grows with the context
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    return lo


@dataclass(frozen=True)
class Choice:
    """The best format that fits a machine, and the longest context at it."""

    machine: Machine
    fit: Fit | None  # at the best format that fits within the default limit
    longest_context: int | None
    tried: tuple[Fit, ...]
    relaxed: Fit | None = None  # the best that fits with a raised limit or CPU offload

    def to_dict(self) -> dict[str, Any]:
        return {
            "machine": self.machine.to_dict(),
            "best": None if self.fit is None else self.fit.to_dict(),
            "best_format": None if self.fit is None else self.fit.estimate.weights.format.id,
            "longest_context_at_best": self.longest_context,
            "best_with_raised_limit_or_offload": None
            if self.relaxed is None
            else self.relaxed.to_dict(),
            "tried": [
                {
                    "format": t.estimate.weights.format.id,
                    "verdict": t.verdict,
                    "need_gb": t.need_bytes / GB,
                }
                for t in self.tried
            ],
        }


def best_format(
    spec: ModelSpec,
    m: Machine | str,
    context: int = DEFAULT_CONTEXT,
    *,
    kv_dtype: str = DEFAULT_KV_DTYPE,
    sequences: int = 1,
    overhead_gb: float = DEFAULT_OVERHEAD_GB,
    os_reserve_gb: float = DEFAULT_OS_RESERVE_GB,
    host_ram_gb: float | None = None,
    candidates: Iterable[str] | None = None,
) -> Choice:
    """The highest-quality format (the checkpoint's own first, then ``ladder()``) that fits
    ``m`` within its default GPU limit at ``context``; when none does, ``relaxed`` is the best
    that fits once the GPU limit is raised or with CPU offload."""
    mach = machine(m) if isinstance(m, str) else m
    order = list(candidates) if candidates is not None else [spec.native_format, *ladder()]
    tried: list[Fit] = []
    relaxed: Fit | None = None
    seen: set[str] = set()
    for fid in order:
        if fid in seen:
            continue
        seen.add(fid)
        try:
            est = memory(spec, fid, context, kv_dtype, sequences, overhead_gb)
        except FlopcastError:
            continue
        f = fit(est, mach, os_reserve_gb=os_reserve_gb, host_ram_gb=host_ram_gb, remedies=False)
        tried.append(f)
        if f.verdict == "fits":
            longest = longest_context(
                spec,
                fid,
                mach,
                kv_dtype=kv_dtype,
                sequences=sequences,
                overhead_gb=overhead_gb,
                os_reserve_gb=os_reserve_gb,
            )
            return Choice(mach, f, longest, tuple(tried))
        if relaxed is None and f.fits:
            relaxed = f
    return Choice(mach, None, None, tuple(tried), relaxed)


# ---- context -----------------------------------------------------------------------------------

_CONTEXT = re.compile(r"^(\d+(?:\.\d+)?)\s*(k|m)?i?\s*(?:tokens?)?$")


def parse_context(text: str | int) -> int:
    """A context length: ``32k`` = 32,768 and ``128k`` = 131,072 (k = 1,024 here, as context
    windows are quoted), ``1M`` = 1,048,576, or a plain number of tokens."""
    if isinstance(text, bool):
        raise FlopcastError(f"context {text!r} is not a number of tokens")
    if isinstance(text, int):
        return check_context(text)
    raw = text.strip().lower().replace(",", "").replace("_", "")
    m = _CONTEXT.match(raw)
    if not m:
        raise FlopcastError(
            f"context {text!r} is not a number of tokens: write 8192, 32k or 128k (k = 1,024)"
        )
    scale = {None: 1, "k": 1 << 10, "m": 1 << 20}[m.group(2)]
    value = float(m.group(1)) * scale
    if value != int(value):
        raise FlopcastError(f"context {text!r} is not a whole number of tokens")
    return check_context(int(value))


def check_context(context: int) -> int:
    if isinstance(context, bool) or not isinstance(context, int) or context < 1:
        raise FlopcastError(f"context must be a positive number of tokens, got {context!r}")
    if context > MAX_CONTEXT:
        raise FlopcastError(
            f"context {context:,} tokens is absurd (flopcast stops at {MAX_CONTEXT:,})"
        )
    return context
