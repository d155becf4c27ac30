"""The assumptions flopcast makes when a value is not given, from ``data/defaults.toml``.

One place for every default the library and the CLI share (the utilization of a run, the
precision of a peak, the "typical cluster", what a report
shows, the context length, runtime overhead and OS reserve of local inference, and what a
training plan assumes). Each is
printed as an assumption wherever it is used, with its source.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flopcast.datafiles import load_validated


def _schema() -> Any:
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, Field, HttpUrl

    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid")

    class Utilization(Strict):
        value: str
        source: HttpUrl
        by: str
        note: str

    class Precision(Strict):
        value: str
        note: str

    class TypicalCluster(Strict):
        accelerators: str
        accelerator: str
        days: str
        utilization: str
        source: HttpUrl
        note: str

    class Report(Strict):
        law: str
        moe: str
        default_family: str
        peer_window_days: int = Field(gt=0)
        frontier_top: int = Field(ge=0)

    class ReportLocal(Strict):
        headline_format: str
        formats: list[str]
        context: int = Field(gt=0)
        machines: list[str]

    class OsReserve(Strict):
        gb: float = Field(ge=0, le=1000)
        low: float = Field(ge=0, le=1000)
        high: float = Field(ge=0, le=1000)
        source: HttpUrl
        other_sources: list[HttpUrl] = Field(default_factory=list)
        note: str

    class Local(Strict):
        offload_format: str
        offload_format_source: HttpUrl
        offload_format_note: str
        os_reserve: dict[Literal["macos", "desktop", "server"], OsReserve]

    class Optimizer(Strict):
        aliases: list[str] = Field(default_factory=list)
        bytes_per_param: float = Field(gt=0, le=64)
        source: HttpUrl
        note: str

    class Plan(Strict):
        accelerator: str
        zero: int = Field(ge=0, le=3)
        recompute: Literal["none", "selective", "full"]
        flash_attention: bool
        sequence_parallel: bool
        micro_batch: int = Field(gt=0)
        precision: str
        optimizer: str
        sequence_length: int = Field(gt=0)
        sequence_source: HttpUrl
        sequence_note: str
        global_batch_tokens: str
        global_batch_source: HttpUrl
        global_batch_note: str
        overhead_gb: float = Field(ge=0)
        overhead_source: HttpUrl
        overhead_note: str
        node_gpus: int = Field(gt=0)
        node_source: HttpUrl
        search_context_parallel: list[int]
        search_top: int = Field(gt=0)
        search_max_layouts: int = Field(gt=0)
        optimizers: dict[str, Optimizer]

    class Defaults(Strict):
        utilization: Utilization
        precision: Precision
        typical_cluster: TypicalCluster
        report: Report
        report_local: ReportLocal
        local: Local
        plan: Plan

    return Defaults


@cache
def defaults() -> dict[str, Any]:
    """Every default, validated (cached: see :func:`flopcast.datafiles.validated`)."""
    return load_validated("defaults.toml", _schema, Path(__file__))


def section(name: str) -> dict[str, Any]:
    """One section of ``data/defaults.toml`` (``"utilization"``, ``"report"``, ...)."""
    return dict(defaults()[name])
