"""``flopcast local``, ``memory`` and ``machines``: can I run it, where, and how fast at most."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from flopcast.figures import Model
    from flopcast.inference import Choice, Fit, Machine, MemoryEstimate

#: A model as ``local`` and ``memory`` take it: a catalog name or model, a config.json path,
#: directory or Hub repo id, or a config dict.
ModelLike: TypeAlias = "str | Path | Mapping[str, Any] | Model"


def _context(value: str | int | None) -> int:
    from flopcast.inference import DEFAULT_CONTEXT, parse_context

    return DEFAULT_CONTEXT if value is None else parse_context(value)


def _texts(**options: object) -> None:
    from flopcast.answers._common import text

    for name, value in options.items():
        text(value, name)


def _overhead(gb: float | None) -> float:
    from flopcast.inference import DEFAULT_OVERHEAD_GB

    return DEFAULT_OVERHEAD_GB if gb is None else gb


def memory_answer(
    model: ModelLike | None = None,
    *,
    quant: str | None = None,
    context: str | int | None = None,
    kv_dtype: str = "bf16",
    sequences: int = 1,
    overhead: float | None = None,
    total: str | None = None,
    active: str | None = None,
    kv_per_token: int | None = None,
    text_only: bool = False,
) -> MemoryEstimate:
    """``flopcast memory [MODEL] ...``: weights, KV cache and overhead at a format and context."""
    from flopcast.inference import memory, model_spec

    _texts(quant=quant, kv_dtype=kv_dtype)
    spec = model_spec(
        model, total=total, active=active, kv_bytes_per_token=kv_per_token, text_only=text_only
    )
    return memory(spec, quant, _context(context), kv_dtype, sequences, _overhead(overhead))


@dataclass(frozen=True)
class LocalModel:
    """One model against every machine (``machines``), or against one (``fit``) with the best
    format and the longest context that fit it (``best``)."""

    memory: MemoryEstimate
    machines: tuple[Fit, ...] = ()
    fit: Fit | None = None
    best: Choice | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.fit is None or self.best is None:
            return {
                "memory": self.memory.to_dict(),
                "machines": [r.to_dict() for r in self.machines],
                "warnings": list(self.memory.warnings),
            }
        return {
            "memory": self.memory.to_dict(),
            "fit": self.fit.to_dict(),
            "best": self.best.to_dict(),
            "warnings": list(self.memory.warnings),
        }


@dataclass(frozen=True)
class LocalAnswer:
    """``flopcast local``: each model given, against the machines (or the one of ``--on``)."""

    models: tuple[LocalModel, ...]
    machine: Machine | None = None
    os_reserve: float | None = None  # as given (None: by kind of machine)
    ram: float | None = None

    def to_dict(self) -> dict[str, Any]:
        if len(self.models) == 1:
            return self.models[0].to_dict()
        return {"models": [m.to_dict() for m in self.models]}


def local_answer(
    models: ModelLike | Sequence[ModelLike] | None = None,
    *,
    quant: str | None = None,
    context: str | int | None = None,
    on: str | None = None,
    kv_dtype: str = "bf16",
    sequences: int = 1,
    overhead: float | None = None,
    os_reserve: float | None = None,
    ram: float | None = None,
    total: str | None = None,
    active: str | None = None,
    kv_per_token: int | None = None,
    text_only: bool = False,
) -> LocalAnswer:
    """``flopcast local [MODEL]... [--on MACHINE] ...``: can I run it?"""
    from flopcast.errors import FlopcastError, opt
    from flopcast.inference import best_format, fit, fit_table, machine, memory, model_spec

    _texts(quant=quant, kv_dtype=kv_dtype, on=on)
    ctx = _context(context)
    if (
        models is None
        or isinstance(models, str | Path | Mapping)
        or not isinstance(models, Sequence)
    ):
        names: list[Any] = [models]
    else:
        names = list(models) or [None]
    if len(names) > 1 and (total is not None or active is not None or kv_per_token is not None):
        raise FlopcastError(
            f"{opt('total')}, {opt('active')} and {opt('kv_per_token', '--kv-per-token')} "
            "describe one model: give one"
        )
    mach = machine(on) if on is not None else None  # validate (or detect) before any work
    specs = [
        model_spec(n, total=total, active=active, kv_bytes_per_token=kv_per_token,
                   text_only=text_only)
        for n in names
    ]  # fmt: skip
    found: list[LocalModel] = []
    for spec in specs:
        est = memory(spec, quant, ctx, kv_dtype, sequences, _overhead(overhead))
        if mach is None:
            rows = fit_table(est, os_reserve_gb=os_reserve, host_ram_gb=ram)
            found.append(LocalModel(est, machines=tuple(rows)))
            continue
        one = fit(est, mach, os_reserve_gb=os_reserve, host_ram_gb=ram)
        choice = best_format(
            est.model, mach, est.context, kv_dtype=est.kv.dtype, sequences=est.sequences,
            overhead_gb=est.overhead_per_device / 1e9, os_reserve_gb=os_reserve,
            host_ram_gb=ram,
        )  # fmt: skip
        found.append(LocalModel(est, fit=one, best=choice))
    return LocalAnswer(tuple(found), mach, os_reserve, ram)


@dataclass(frozen=True)
class MachinesAnswer:
    """The machines ``local`` checks against (or one, as flopcast reads it)."""

    machines: tuple[Machine, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "machines": [
                {**m.to_dict(), "gpu_limit_gb": m.gpu_limit_bytes() / 1e9} for m in self.machines
            ]
        }


def machines_answer(name: str | None = None) -> MachinesAnswer:
    """``flopcast machines [MACHINE]``."""
    from flopcast.inference import machine, machines

    return MachinesAnswer((machine(name),) if name is not None else tuple(machines()))
