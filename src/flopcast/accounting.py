"""A catalog model's training compute: both methods from its cited figures, reconciled.

Which figure leads: one the developer reported; else 6·N·D from the catalog's parameters
and tokens; else a third party's estimate (e.g. Epoch AI's); else the hardware method. Any
figure can be overridden, which makes the result a what-if on 6·N·D.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from flopcast.catalog import Figure, Model
from flopcast.compute import ComputeEstimate, Input, estimate
from flopcast.errors import FlopcastError
from flopcast.exact import ExactCounts, exact_counts
from flopcast.hardware import accelerator
from flopcast.quantity import Quantity, QuantityLike
from flopcast.uncertainty import Sampling


@dataclass(frozen=True)
class ModelCompute:
    """A model's training compute, the figure chosen as headline, and why."""

    model: Model
    estimate: ComputeEstimate | None
    stated: Figure | None  # the catalog's training_compute figure, if any
    headline: Quantity
    basis: str  # how the headline was obtained, in words
    exact: ExactCounts | None = None

    @property
    def operation_count_exact(self) -> float | None:
        """6·N·D with the exact active parameters of the shipped config.json (central)."""
        est = self.estimate
        if self.exact is None or self.exact.active_params is None or est is None:
            return None
        tokens = est.inputs.get("tokens")
        if tokens is None or est.operation_count is None:
            return None
        return est.flop_per_param_token * self.exact.active_params * tokens.quantity.value

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model.id,
            "name": self.model.name,
            "training_compute_flop": self.headline.to_dict(),
            "basis": self.basis,
            "exact_counts": None if self.exact is None else self.exact.to_dict(),
            "operation_count_exact_flop": self.operation_count_exact,
            "stated_compute": None if self.stated is None else self.stated.to_dict(),
            "estimate": None if self.estimate is None else self.estimate.to_dict(),
        }


def _catalog_input(est: ComputeEstimate, key: str, fig: Figure | None) -> ComputeEstimate:
    item = est.inputs.get(key)
    if fig is None or item is None or item.origin != "given":
        return est
    inputs = dict(est.inputs)
    inputs[key] = Input(key, item.quantity, item.kind, f"catalog: {fig.provenance}", fig.source)
    return dataclasses.replace(est, inputs=inputs)


def model_compute(
    m: Model,
    *,
    active_params: QuantityLike | None = None,
    tokens: QuantityLike | None = None,
    accelerators: QuantityLike | None = None,
    accelerator_name: str | None = None,
    precision: str | None = None,
    peak: QuantityLike | None = None,
    utilization: QuantityLike | None = None,
    achieved: QuantityLike | None = None,
    duration: QuantityLike | None = None,
    accelerator_hours: QuantityLike | None = None,
    recompute: bool = False,
    sampling: Sampling | None = None,
) -> ModelCompute:
    """Training compute of a catalog model; keyword arguments override its figures."""
    overridden = recompute or any(v is not None for v in (active_params, tokens))
    n_fig = m.figure("active_params") or (
        m.figure("total_params") if m.architecture == "dense" else None
    )
    d_fig = m.figure("training_tokens")
    hours_fig = None if (accelerators or duration) else m.figure("accelerator_hours")
    hw_fig = m.figure("training_hardware")
    n = active_params if active_params is not None else (n_fig.quantity if n_fig else None)
    d = tokens if tokens is not None else (d_fig.quantity if d_fig else None)
    hours = (
        accelerator_hours
        if accelerator_hours is not None
        else (hours_fig.quantity if hours_fig else None)
    )
    count_fig = None if (accelerators or accelerator_hours) else m.figure("accelerator_count")
    days_fig = (
        None
        if (duration or accelerator_hours or hours_fig is not None)
        else m.figure("training_duration")
    )
    rate_fig = None if (peak or utilization) else m.figure("achieved_flops")
    if accelerators is None and count_fig is not None:
        accelerators = count_fig.quantity
    if duration is None and days_fig is not None:
        duration = days_fig.quantity
    if achieved is None and rate_fig is not None:
        achieved = rate_fig.quantity
    acc_name = accelerator_name
    if acc_name is None and hw_fig is not None and peak is None and achieved is None:
        try:
            acc_name = accelerator(hw_fig.text).id
        except FlopcastError:
            acc_name = None  # hardware not in the table: the hardware method is skipped
    has_counting = n is not None and d is not None
    has_hardware = (
        hours is not None
        or (accelerators is not None and duration is not None)
        or (accelerators is not None and has_counting)
    )
    if has_hardware and acc_name is None and peak is None and achieved is None:
        has_hardware = False
    est = None
    if has_counting or has_hardware:
        est = estimate(
            active_params=n if has_counting else None,
            tokens=d if has_counting else None,
            accelerators=accelerators if has_hardware else None,
            accelerator_name=acc_name if has_hardware else None,
            precision=precision,
            peak=peak if has_hardware else None,
            utilization=utilization if has_hardware else None,
            achieved=achieved if has_hardware else None,
            duration=duration if has_hardware else None,
            accelerator_hours=hours if has_hardware else None,
            recompute=recompute,
            sampling=sampling,
        )
        if active_params is None:
            est = _catalog_input(est, "active_params", n_fig)
        if tokens is None:
            est = _catalog_input(est, "tokens", d_fig)
        if accelerator_hours is None:
            est = _catalog_input(est, "accelerator_hours", hours_fig)
        est = _catalog_input(est, "accelerators", count_fig)
        est = _catalog_input(est, "duration", days_fig)
        est = _catalog_input(est, "achieved", rate_fig)
    stated = m.figure("training_compute")
    if est is not None and est.operation_count is not None and overridden:
        basis = f"{est.flop_per_param_token}·N·D with the figures you gave"
        if recompute:
            basis += ", counting full activation recomputation"
        headline = est.operation_count
    elif stated is not None and stated.basis == "reported" and stated.quantity is not None:
        headline, basis = stated.quantity, f"reported by {stated.by}"
    elif est is not None and est.operation_count is not None:
        headline, basis = est.operation_count, "6·N·D from the catalog's parameters and tokens"
    elif stated is not None and stated.quantity is not None:
        headline, basis = (
            stated.quantity,
            f"estimated by {stated.by}" + (f" ({stated.confidence})" if stated.confidence else ""),
        )
    elif est is not None and est.hardware is not None:
        headline, basis = est.hardware, "hardware method from the catalog's figures"
    else:
        raise FlopcastError(
            f"{m.name} has no training compute, parameters and tokens, or accelerator-hours in "
            "the catalog: give --active and --tokens"
        )
    exact = exact_counts(m) if active_params is None else None
    return ModelCompute(m, est, stated, headline.with_unit("FLOP"), basis, exact)
