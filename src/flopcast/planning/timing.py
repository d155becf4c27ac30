"""Time per step and for a whole run, from FLOPs, the chip's peak, a utilization and the bubble.

A step processes B tokens (the global batch) at F FLOP per token (6N for N active parameters,
Kaplan et al. 2020, arXiv 2001.08361, sec. 2.1; or the exact training FLOPs of the
architecture). On n GPUs of dense peak P at utilization u the GPUs compute for
B·F·(1 + r)/(n·P·u), r being the FLOPs recomputation adds, and the 1F1B pipeline schedule idles
a fraction (p - 1)/m of that on top, for p stages and m micro-batches per step (Narayanan et al.
2021, arXiv 2104.04473, sec. 2.2.1). With ``utilization_of="step"`` the utilization is taken as
the whole step's model-FLOP utilization (what papers report), bubble and recomputation inside.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from flopcast.quantity import Quantity
from flopcast.training import Input

UtilizationOf = Literal["compute", "step"]


@dataclass(frozen=True)
class StepTime:
    """The time of one training step and of the run, with how each was reached."""

    tokens_per_step: int
    sequences_per_step: int
    micro_batches: int
    flop_per_token: float
    flop_basis: str
    recompute_overhead: float
    bubble: float
    peak: float
    gpus: int
    utilization: Input
    utilization_of: UtilizationOf
    compute_seconds: Quantity
    step_seconds: Quantity
    mfu: Quantity
    run_tokens: Input | None = None
    run_seconds: Quantity | None = None
    gpu_hours: Quantity | None = None

    @property
    def flop_per_step(self) -> float:
        return self.flop_per_token * self.tokens_per_step

    def to_dict(self) -> dict[str, Any]:
        def q(x: Quantity | None) -> dict[str, Any] | None:
            return None if x is None else x.to_dict()

        return {
            "tokens_per_step": self.tokens_per_step,
            "sequences_per_step": self.sequences_per_step,
            "micro_batches": self.micro_batches,
            "flop_per_token": self.flop_per_token,
            "flop_basis": self.flop_basis,
            "flop_per_step": self.flop_per_step,
            "recompute_overhead": self.recompute_overhead,
            "bubble": self.bubble,
            "peak_flops": self.peak,
            "gpus": self.gpus,
            "utilization": self.utilization.to_dict(),
            "utilization_of": self.utilization_of,
            "compute_seconds": q(self.compute_seconds),
            "step_seconds": q(self.step_seconds),
            "mfu": q(self.mfu),
            "run_tokens": None if self.run_tokens is None else self.run_tokens.to_dict(),
            "run_seconds": q(self.run_seconds),
            "gpu_hours": q(self.gpu_hours),
        }


def bubble_fraction(stages: int, micro_batches: int) -> float:
    """The 1F1B pipeline bubble as a fraction of the compute time: (p - 1)/m (Narayanan et al.
    2021, sec. 2.2.1)."""
    return (stages - 1) / micro_batches


def _scale(q: Quantity, factor: float, unit: str = "") -> Quantity:
    """``factor / q`` with the interval flipped (the time falls as the utilization rises)."""
    if q.low is None or q.high is None:
        return Quantity(factor / q.value, unit=unit)
    return Quantity(factor / q.value, factor / q.high, factor / q.low, unit)


def step_time(
    *,
    tokens_per_step: int,
    sequences_per_step: int,
    micro_batches: int,
    stages: int,
    flop_per_token: float,
    flop_basis: str,
    recompute_overhead: float,
    peak: float,
    gpus: int,
    utilization: Input,
    utilization_of: UtilizationOf = "compute",
    run_tokens: Input | None = None,
) -> StepTime:
    """Seconds per step (and for ``run_tokens`` tokens), as the module docstring says."""
    flop = flop_per_token * tokens_per_step
    rate = gpus * peak
    bubble = bubble_fraction(stages, micro_batches)
    u = utilization.quantity
    if utilization_of == "step":
        step = _scale(u, flop / rate, "s")
        compute = step
    else:
        compute = _scale(u, flop * (1 + recompute_overhead) / rate, "s")
        step = _scale(u, flop * (1 + recompute_overhead) * (1 + bubble) / rate, "s")
    mfu = _scale(step, flop / rate)  # model FLOPs over what the GPUs could do in the step
    run_seconds = gpu_hours = None
    if run_tokens is not None and not math.isfinite(
        run_tokens.quantity.value / tokens_per_step * step.value * gpus
    ):
        from flopcast.errors import FlopcastError, opt

        raise FlopcastError(f"{opt('tokens')} is too large: the run's time overflows")
    if run_tokens is not None:
        steps = run_tokens.quantity.value / tokens_per_step
        run_seconds = Quantity(
            step.value * steps,
            None if step.low is None else step.low * steps,
            None if step.high is None else step.high * steps,
            "s",
        )
        hours = gpus / 3600
        gpu_hours = Quantity(
            run_seconds.value * hours,
            None if run_seconds.low is None else run_seconds.low * hours,
            None if run_seconds.high is None else run_seconds.high * hours,
            "GPU-hours",
        )
    return StepTime(
        tokens_per_step=tokens_per_step,
        sequences_per_step=sequences_per_step,
        micro_batches=micro_batches,
        flop_per_token=flop_per_token,
        flop_basis=flop_basis,
        recompute_overhead=recompute_overhead,
        bubble=bubble,
        peak=peak,
        gpus=gpus,
        utilization=utilization,
        utilization_of=utilization_of,
        compute_seconds=compute,
        step_seconds=step,
        mfu=mfu,
        run_tokens=run_tokens,
        run_seconds=run_seconds,
        gpu_hours=gpu_hours,
    )
