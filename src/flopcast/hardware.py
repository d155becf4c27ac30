"""Accelerators: dense peak FLOP/s per precision, memory and bandwidth, each with its source.

The table lives in ``data/accelerators.toml``. Peaks are **dense**: NVIDIA's headline tensor
figures are 2:4-sparse (H100 SXM dense BF16 is 989.4 TFLOP/s, not 1979), and using them halves
every utilization computed from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcast.datafiles import (
    NameIndex,
    data_path,
    first_error,
    lenient_key,
    load_toml,
    validated,
)
from flopcast.errors import FlopcastError, listing, opt

if TYPE_CHECKING:
    from pydantic import BaseModel

PRECISIONS = ("fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "fp4", "int8")

_PRECISION_ALIASES = {
    "bfloat16": "bf16",
    "float16": "fp16",
    "half": "fp16",
    "float32": "fp32",
    "single": "fp32",
    "float64": "fp64",
    "double": "fp64",
    "float8": "fp8",
    "e4m3": "fp8",
    "e5m2": "fp8",
    "float4": "fp4",
    "nvfp4": "fp4",
    "mxfp4": "fp4",
    "tensorfloat32": "tf32",
}

# Words that may prefix or suffix an accelerator name without changing which chip it is.
_NOISE_WORDS = (
    "nvidia", "amd", "google", "intel", "instinct", "geforce", "cloud", "habana", "tpu"
)  # fmt: skip


@dataclass(frozen=True)
class Accelerator:
    """One accelerator, as a plain typed value."""

    id: str
    name: str
    vendor: str
    kind: str
    aliases: tuple[str, ...]
    release_year: int
    peak_tflops: dict[str, float]  # dense, per precision
    memory_gb: float | None
    memory_bandwidth_gbs: float | None
    tdp_w: float | None
    source: str
    other_sources: tuple[str, ...]
    epoch_name: str | None
    notes: str
    epoch_notes: dict[str, str]

    def peak_flops(self, precision: str) -> float:
        """Dense peak FLOP/s at a precision (e.g. ``"bf16"``)."""
        p = normalize_precision(precision)
        if p not in self.peak_tflops:
            have = ", ".join(k for k in PRECISIONS if k in self.peak_tflops)
            raise FlopcastError(
                f"{self.name} has no {p} peak in flopcast's table; it has: {have} "
                f"(or give {opt('peak')} yourself)"
            )
        return self.peak_tflops[p] * 1e12

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "vendor": self.vendor,
            "kind": self.kind,
            "aliases": list(self.aliases),
            "release_year": self.release_year,
            "peak_tflops_dense": dict(self.peak_tflops),
            "memory_gb": self.memory_gb,
            "memory_bandwidth_gbs": self.memory_bandwidth_gbs,
            "tdp_w": self.tdp_w,
            "source": self.source,
            "other_sources": list(self.other_sources),
            "epoch_name": self.epoch_name,
            "notes": self.notes,
            "epoch_notes": dict(self.epoch_notes),
        }


def normalize_precision(precision: str) -> str:
    """``BF16``, ``bfloat16`` → ``bf16``; an unknown precision is a one-line error."""
    p = precision.strip().lower().replace("-", "").replace("_", "")
    p = _PRECISION_ALIASES.get(p, p)
    if p not in PRECISIONS:
        raise FlopcastError(f"unknown precision {precision!r}: use one of {', '.join(PRECISIONS)}")
    return p


def _schema() -> type[BaseModel]:
    from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

    class PeakTable(BaseModel):
        model_config = ConfigDict(extra="forbid")
        fp64: float | None = Field(None, gt=0)
        fp32: float | None = Field(None, gt=0)
        tf32: float | None = Field(None, gt=0)
        bf16: float | None = Field(None, gt=0)
        fp16: float | None = Field(None, gt=0)
        fp8: float | None = Field(None, gt=0)
        fp4: float | None = Field(None, gt=0)
        int8: float | None = Field(None, gt=0)

    class Row(BaseModel):
        model_config = ConfigDict(extra="forbid")
        id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
        name: str
        vendor: str
        kind: str = Field(pattern=r"^(gpu|tpu|asic)$")
        aliases: list[str] = []
        release_year: int = Field(ge=2010, le=2035)
        memory_gb: float | None = Field(None, gt=0)
        memory_bandwidth_gbs: float | None = Field(None, gt=0)
        tdp_w: float | None = Field(None, gt=0)
        source: HttpUrl
        other_sources: list[HttpUrl] = []
        epoch_name: str | None = None
        notes: str = ""
        peak_tflops: PeakTable
        epoch_notes: dict[str, str] = {}

        @field_validator("epoch_notes")
        @classmethod
        def _known_keys(cls, v: dict[str, str]) -> dict[str, str]:
            allowed = {*PRECISIONS, "memory_gb", "memory_bandwidth_gbs", "tdp_w"}
            unknown = set(v) - allowed
            if unknown:
                raise ValueError(f"unknown epoch_notes keys {sorted(unknown)}")
            return v

    class Dataset(BaseModel):
        model_config = ConfigDict(extra="forbid")
        dataset: str
        date: str = Field(pattern=r"^\d{4}-\d{2}$")
        url: HttpUrl
        license: str
        file: str

    class Table(BaseModel):
        model_config = ConfigDict(extra="forbid")
        epoch_hardware: Dataset
        accelerator: list[Row]

    return Table


def epoch_hardware_credit() -> str:
    """The credit line of the Epoch AI dataset the table's ``epoch_name`` rows refer to."""
    from flopcast.datafiles import epoch_credit, shipped_dataset

    return epoch_credit(shipped_dataset(load_toml("accelerators.toml")["epoch_hardware"]))


@cache
def accelerators() -> tuple[Accelerator, ...]:
    """Every accelerator in the shipped table, validated on first use (then cached)."""
    sources = (data_path("accelerators.toml"), Path(__file__))
    return validated("accelerators", sources, _build_accelerators)


def _build_accelerators() -> tuple[Accelerator, ...]:
    from pydantic import ValidationError

    try:
        table: Any = _schema().model_validate(load_toml("accelerators.toml"))
    except ValidationError as exc:  # a broken data file is a bug: name the entry and field
        raise FlopcastError(f"data/accelerators.toml: {first_error(exc)}") from None
    out = []
    for row in table.accelerator:
        peaks = {k: v for k, v in row.peak_tflops.model_dump().items() if v is not None}
        out.append(
            Accelerator(
                id=row.id,
                name=row.name,
                vendor=row.vendor,
                kind=row.kind,
                aliases=tuple(row.aliases),
                release_year=row.release_year,
                peak_tflops=peaks,
                memory_gb=row.memory_gb,
                memory_bandwidth_gbs=row.memory_bandwidth_gbs,
                tdp_w=row.tdp_w,
                source=str(row.source),
                other_sources=tuple(str(s) for s in row.other_sources),
                epoch_name=row.epoch_name,
                notes=row.notes,
                epoch_notes=dict(row.epoch_notes),
            )
        )
    return tuple(out)


def _strip_noise(key: str) -> str:
    for word in _NOISE_WORDS:
        if key.startswith(word):
            key = key[len(word) :]
    return key


@cache
def _index() -> NameIndex[Accelerator]:
    # every name, and each with its vendor words stripped ("nvidia h100 sxm5" → "h100sxm5")
    def names(acc: Accelerator) -> set[str]:
        base = {acc.id, acc.name, *acc.aliases}
        return base | {_strip_noise(lenient_key(n)) for n in base}

    return NameIndex(
        "data/accelerators.toml",
        "accelerator",
        ((acc.id, names(acc), acc) for acc in accelerators()),
        hint=lambda: f"{listing('accelerators')}, or give {opt('peak')} yourself",
    )


def accelerator(name: str) -> Accelerator:
    """Look an accelerator up leniently: ``h100``, ``H100-SXM``, ``nvidia h100 sxm5 80gb``."""
    index = _index()
    found = index.find(name) if isinstance(name, str) else None
    if found is None and isinstance(name, str):
        found = index.find(_strip_noise(lenient_key(name)))
    return found if found is not None else index.get(name)
