"""Machines to run a model on: ``data/machines.toml``, N of any accelerator, a CPU with RAM."""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

from flopcast.datafiles import NameIndex, lenient_key, load_validated
from flopcast.errors import FlopcastError, FlopcastTypeError, listing
from flopcast.inference.defaults import GB, OsKind, os_reserve_gb


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
    os: OsKind = "desktop"  # the kind of OS, for its memory reserve
    detected: tuple[str, ...] = ()  # what `--on this` found, one line each

    @property
    def os_reserve_gb(self) -> float:
        """The memory (GB) its OS keeps by default (data/defaults.toml, by kind of machine)."""
        return os_reserve_gb(self.os)

    def reserve(self, os_reserve_gb: float | None) -> float:
        """The OS reserve to use: the one given, else this machine's default."""
        return self.os_reserve_gb if os_reserve_gb is None else os_reserve_gb

    @property
    def memory_gb(self) -> float:
        return self.devices * self.device_memory_gb

    @property
    def aggregate_bandwidth_gbs(self) -> float:
        """All devices reading at once (tensor parallelism): the decode upper bound's rate."""
        return self.devices * self.bandwidth_gbs

    def gpu_limit_bytes(self, os_reserve_gb: float | None = None) -> int:
        """Memory the model may use without changing any setting."""
        total = self.memory_gb * GB
        if self.kind == "gpu":
            return int(total)
        reserve = max(0.0, total - self.reserve(os_reserve_gb) * GB)
        if self.kind == "cpu":
            return int(reserve)
        return int(min(self.gpu_share * total, reserve))

    def gpu_max_bytes(self, os_reserve_gb: float | None = None) -> int:
        """Memory the GPU may use once its limit is raised (unified memory), else the limit."""
        if self.kind == "unified":
            return int(max(0.0, self.memory_gb * GB - self.reserve(os_reserve_gb) * GB))
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
            "os": self.os,
            "os_reserve_gb": self.os_reserve_gb,
            "detected": list(self.detected),
        }


def os_of(category: str) -> OsKind:
    """The kind of OS of a machine category: Macs run macOS, datacenter nodes a headless
    server; consumer and workstation desktops, DGX Spark, Strix Halo and CPU boxes a desktop."""
    return "macos" if category == "apple" else "server" if category == "datacenter" else "desktop"


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
    category = kw.pop("category", "datacenter")
    return Machine(
        id=id or (acc.id if count == 1 else f"{count}x-{acc.id}"),
        name=name or (acc.name if count == 1 else f"{count}x {acc.name}"),
        kind="gpu",
        category=category,
        os=kw.pop("os", os_of(category)),
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
def _table() -> dict[str, Any]:
    """``data/machines.toml``, validated on first use, as plain values (then loaded from the
    cache, without pydantic)."""
    return load_validated("machines.toml", _machines_schema, Path(__file__))


def _record(row: dict[str, Any]) -> Any:
    """A validated row of the table, its fields as attributes."""
    return SimpleNamespace(**row)


@cache
def _index() -> NameIndex[Machine]:
    return NameIndex(
        "data/machines.toml",
        "machine",
        ((m.id, (m.name, *m.aliases), m) for m in machines()),
        hint=lambda: (
            f"{listing('machines')}; or '8x h100', 'cpu 128gb', 'custom:24GB@1008GB/s', 'this'"
        ),
    )


@cache
def _ambiguous() -> dict[str, tuple[str, ...]]:
    """Folded names that fit several machines → the ids they may mean."""
    out: dict[str, tuple[str, ...]] = {}
    index = _index()
    for row in map(_record, _table()["ambiguous"]):
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
    out: list[Machine] = []
    for r in map(_record, _table()["machine"]):
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
                    os=os_of(r.category),
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


_CUSTOM = re.compile(
    r"^(?:custom\s*:?\s*)?(?:(?P<n>\d+)\s*(?:x|×|\*)\s*)?"
    r"(?P<mem>\d+(?:\.\d+)?)\s*(?P<mu>gb|gib|g|tb|t)?\s*@\s*"
    r"(?P<bw>\d+(?:\.\d+)?)\s*(?P<bu>gb/s|g/s|gbps|tb/s|t/s|tbps)?"
    r"\s*(?P<kind>gpu|unified|mac|cpu)?$"
)
CUSTOM_FORM = (
    "custom:24GB@1008GB/s (memory @ bandwidth: a GPU), custom:2x24GB@936GB/s (two), "
    "custom:128GB@546GB/s unified (one pool shared with the CPU; 'mac' for a Mac's) or "
    "custom:64GB@89.6GB/s cpu"
)


def custom_machine(
    memory_gb: float,
    bandwidth_gbs: float,
    kind: Literal["gpu", "unified", "mac", "cpu"] = "gpu",
    devices: int = 1,
) -> Machine:
    """A machine described by its memory and bandwidth: ``devices`` GPUs of ``memory_gb``
    each (host RAM for offload only with ``host_ram_gb``), a unified pool the GPU may use
    all of but the OS reserve (``mac``: a Mac's, with macOS's reserve), or a CPU with that
    RAM. ``flopcast local MODEL --on custom:24GB@1008GB/s``."""
    for value, what, top in ((memory_gb, "memory", 1e5), (bandwidth_gbs, "bandwidth", 1e6)):
        if not (isinstance(value, int | float) and math.isfinite(value) and 0 < value <= top):
            raise FlopcastError(f"a custom machine's {what} must be above 0 and at most {top:,g}")
    if not 1 <= devices <= 1024:
        raise FlopcastError("a custom machine has 1 to 1024 GPUs")
    if kind != "gpu" and devices != 1:
        raise FlopcastError("only GPUs come in several: write custom:2x24GB@1008GB/s")
    count = f"{devices}x " if devices > 1 else ""
    described = f"{count}{memory_gb:g} GB at {bandwidth_gbs:,g} GB/s"
    if kind == "cpu":
        m = cpu_machine(memory_gb, bandwidth_gbs)
        return dataclasses.replace(m, id="custom", name=f"custom CPU, {described}")
    what = {"gpu": "GPU", "unified": "unified memory", "mac": "Mac"}[kind]
    return Machine(
        id="custom",
        name=f"custom {what}, {described}",
        kind="gpu" if kind == "gpu" else "unified",
        category="custom",
        os="macos" if kind == "mac" else "desktop",
        devices=devices,
        device_memory_gb=memory_gb,
        bandwidth_gbs=bandwidth_gbs,
        host_bandwidth_gbs=DEFAULT_CPU_BANDWIDTH_GBS if kind == "gpu" else None,
        source="given",
        notes="memory and bandwidth as given; host RAM for offload only with --ram"
        if kind == "gpu"
        else "memory and bandwidth as given; the GPU may use all of it but the OS reserve",
    )


def _custom(text: str, name: str) -> Machine | None:
    found = _CUSTOM.match(text)
    if found is None:
        if text.startswith("custom"):
            raise FlopcastError(f"cannot read the machine {name!r}: write {CUSTOM_FORM}")
        return None
    mem = float(found["mem"]) * (1000 if found["mu"] in ("tb", "t") else 1)
    if found["mu"] == "gib":
        mem *= 2**30 / GB
    bw = float(found["bw"]) * (1000 if found["bu"] in ("tb/s", "t/s", "tbps") else 1)
    kind = found["kind"] or "gpu"
    return custom_machine(mem, bw, kind, int(found["n"] or 1))  # type: ignore[arg-type]


def detect_machine() -> Machine:
    """This machine: its GPUs and their memory (``nvidia-smi``), else a Mac's unified memory
    and chip, else its RAM for a CPU; the bandwidth from flopcast's tables for what was found
    (:attr:`Machine.detected` says what was found and where each figure comes from)."""
    from flopcast.inference import detect

    found = detect.probe()
    os_kind: OsKind = "macos" if found.system == "Darwin" else "desktop"
    if found.headless:
        os_kind = "server"
    ram_gb = None if found.ram_bytes is None else found.ram_bytes / GB
    lines = [f"OS: {found.system or 'unknown'} ({_OS_WORDS[os_kind]})"]
    if found.gpus:
        return _detected_gpus(found.gpus, ram_gb, found.ram_tool, os_kind, lines)
    if found.chip is not None:
        return _detected_mac(found.chip, ram_gb, found.ram_tool, lines)
    if ram_gb is None:
        raise FlopcastError(
            f"found no GPU and could not read this machine's RAM: describe it, {CUSTOM_FORM}"
        )
    lines.append(
        f"no GPU found (nvidia-smi); RAM {ram_gb:,.1f} GB ({found.ram_tool}), read at an "
        f"assumed {DEFAULT_CPU_BANDWIDTH_GBS:g} GB/s (dual-channel DDR5-5600)"
    )
    m = cpu_machine(ram_gb)
    return dataclasses.replace(
        m, id="this", name=f"this machine (CPU, {ram_gb:,.0f} GB RAM)", os=os_kind,
        detected=tuple(lines),
    )  # fmt: skip


_OS_WORDS = {"macos": "macOS", "desktop": "a desktop", "server": "a server: no display"}


def _detected_gpus(
    gpus: tuple[Any, ...], ram_gb: float | None, ram_tool: str, os_kind: OsKind, lines: list[str]
) -> Machine:
    from flopcast.hardware import accelerator

    name = gpus[0].name
    same = [g for g in gpus if g.name == name]
    memory_gb = min(g.memory_bytes for g in same) / GB
    lines.append(
        f"GPU: {len(same)} x {name}, {same[0].memory_bytes / 2**20:,.0f} MiB each "
        f"({same[0].tool})"
        + (f"; {len(gpus) - len(same)} other GPUs left out" if len(gpus) > len(same) else "")
    )
    acc = None
    for candidate in _driver_names(name):
        try:
            acc = accelerator(candidate)
            break
        except FlopcastError:
            continue
    if acc is None or acc.memory_bandwidth_gbs is None:
        raise FlopcastError(
            f"found {len(same)} x {name} ({memory_gb:,.1f} GB) but flopcast has no memory "
            f"bandwidth for it: describe it, e.g. --on custom:{memory_gb:.0f}GB@<GB/s>"
        )
    lines.append(
        f"bandwidth: {acc.memory_bandwidth_gbs:,g} GB/s per GPU, the accelerator table's "
        f"figure for {acc.id}"
    )
    if ram_gb is not None:
        lines.append(
            f"RAM: {ram_gb:,.1f} GB ({ram_tool}), for CPU offload at an assumed "
            f"{DEFAULT_CPU_BANDWIDTH_GBS:g} GB/s (dual-channel DDR5-5600)"
        )
    m = _gpu_machine(
        acc.id,
        len(same),
        id="this",
        name=f"this machine ({len(same)} x {acc.name})",
        category="detected",
        os=os_kind,
        host_ram_gb=ram_gb,
        host_bandwidth_gbs=DEFAULT_CPU_BANDWIDTH_GBS if ram_gb is not None else None,
        detected=tuple(lines),
        source="detected",
    )
    return dataclasses.replace(m, device_memory_gb=memory_gb)


def _driver_names(name: str) -> list[str]:
    """A driver's GPU name, then shorter forms the accelerator table may know it by:
    ``NVIDIA H100 80GB HBM3`` → ``H100 80GB HBM3`` → ``H100``."""
    bare = re.sub(r"^(nvidia|amd)\s+", "", name.strip(), flags=re.I)
    core = re.sub(r"\s+(\d+\s*gb|hbm\w*|gddr\w*)\b", "", bare, flags=re.I).strip()
    return list(dict.fromkeys(x for x in (name, bare, core) if x))


def _detected_mac(chip: str, ram_gb: float | None, ram_tool: str, lines: list[str]) -> Machine:
    if ram_gb is None:
        raise FlopcastError(f"found an {chip} but could not read its memory: describe it, "
                            f"{CUSTOM_FORM}")  # fmt: skip
    model = chip.removeprefix("Apple").strip()  # "M3 Max"
    rows = [m for m in machines() if m.category == "apple" and f"({model}," in m.name]
    if not rows:
        raise FlopcastError(
            f"found an {chip} with {ram_gb:,.0f} GB but flopcast has no memory bandwidth for "
            f"it: describe it, e.g. --on custom:{ram_gb:.0f}GB@<GB/s> unified"
        )
    row = min(rows, key=lambda m: abs(m.memory_gb - ram_gb))
    lines.append(f"chip: {chip}; memory {ram_gb:,.1f} GB ({ram_tool})")
    lines.append(
        f"bandwidth: {row.bandwidth_gbs:,g} GB/s and a GPU share of {row.gpu_share:.0%}, "
        f"from {row.id}" + ("" if row.memory_gb == round(ram_gb) else " (the same chip)")
    )
    return dataclasses.replace(
        row, id="this", name=f"this machine ({chip}, {ram_gb:,.0f} GB)", device_memory_gb=ram_gb,
        detected=tuple(lines), aliases=(),
    )  # fmt: skip


def machine(name: str) -> Machine:
    """A machine by id or alias (``rtx 4090``, ``m3 ultra 512``, ``dgx spark``), ``8x h100``
    or ``2x rtx 3090`` for N of any accelerator, ``cpu 256gb`` for a CPU with that RAM,
    ``custom:24GB@1008GB/s`` for one described by its memory and bandwidth, or ``this`` for
    the machine flopcast runs on (:func:`detect_machine`)."""
    if not isinstance(name, str):
        raise FlopcastTypeError(f"a machine name is text, not {type(name).__name__}")
    text = " ".join(name.strip().lower().split())
    if text in ("this", "this machine", "here"):
        return detect_machine()
    custom = _custom(text, name)
    if custom is not None:
        return custom
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
