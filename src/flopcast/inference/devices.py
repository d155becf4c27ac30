"""Machines to run a model on: ``data/machines.toml``, N of any accelerator, a CPU with RAM."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from flopcast.datafiles import NameIndex, first_error, lenient_key, load_toml
from flopcast.errors import FlopcastError, FlopcastTypeError, listing
from flopcast.inference.defaults import DEFAULT_OS_RESERVE_GB, GB


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

    class Ambiguous(BaseModel):
        model_config = ConfigDict(extra="forbid")
        names: list[str] = Field(min_length=1)
        choices: list[str] = Field(min_length=2)

    class Table(BaseModel):
        model_config = ConfigDict(extra="forbid")
        machine: list[Row]
        ambiguous: list[Ambiguous] = []

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
def _table() -> Any:
    from pydantic import ValidationError

    try:
        return _machines_schema().model_validate(load_toml("machines.toml"))
    except ValidationError as exc:
        raise FlopcastError(f"data/machines.toml: {first_error(exc)}") from None


@cache
def _index() -> NameIndex[Machine]:
    return NameIndex(
        "data/machines.toml",
        "machine",
        ((m.id, (m.name, *m.aliases), m) for m in machines()),
        hint=lambda: f"{listing('machines')}; or '8x h100', 'cpu 128gb'",
    )


@cache
def _ambiguous() -> dict[str, tuple[str, ...]]:
    """Folded names that fit several machines → the ids they may mean."""
    out: dict[str, tuple[str, ...]] = {}
    index = _index()
    for row in _table().ambiguous:
        for choice in row.choices:
            index.get(choice)  # every choice is a machine
        for name in row.names:
            if index.find(name) is not None:
                raise FlopcastError(
                    f"data/machines.toml: {name!r} is a machine's name and ambiguous"
                )
            out[lenient_key(name)] = tuple(row.choices)
    return out


@cache
def machines() -> tuple[Machine, ...]:
    """The machines of ``data/machines.toml`` (GPU rows filled in from the accelerator table)."""
    table = _table()
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
    if not isinstance(name, str):
        raise FlopcastTypeError(f"a machine name is text, not {type(name).__name__}")
    text = " ".join(name.strip().lower().split())
    found = _index().find(text)
    if found is not None:
        return found
    choices = _ambiguous().get(lenient_key(text))
    if choices:  # a name that fits several machines: ask, do not pick one
        options = ", ".join(f"{c} ({_index().get(c).bandwidth_gbs:g} GB/s)" for c in choices)
        raise FlopcastError(f"machine name {name!r} is ambiguous: did you mean one of {options}?")
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
    raise _index().unknown(name)
