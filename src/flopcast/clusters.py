"""Clusters: what N accelerators for T days produce, and how long a run takes on them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flopcast.errors import FlopcastError, opt
from flopcast.hardware import Accelerator, accelerator, normalize_precision
from flopcast.quantity import SECONDS_PER_DAY, Kind, Quantity, QuantityLike, parse
from flopcast.training import (
    Input,
    check_accelerators,
    default_precision,
    default_utilization,
    labels,
    mfu_and_achieved,
    table_peak,
)
from flopcast.uncertainty import Sampling, propagate


@dataclass(frozen=True)
class ClusterEstimate:
    """A cluster's output: FLOP/s, FLOP per day, total FLOP over a duration, days for a budget."""

    inputs: dict[str, Input]
    accelerator: Accelerator | None
    precision: str | None
    flops: Quantity  # the whole cluster, sustained FLOP/s
    flop_per_day: Quantity
    total: Quantity | None = None  # over the given duration
    duration_for_compute: Quantity | None = None  # seconds to reach the given compute

    def to_dict(self) -> dict[str, Any]:
        def q(x: Quantity | None) -> dict[str, Any] | None:
            return None if x is None else x.to_dict()

        days = self.duration_for_compute
        return {
            "accelerator": None if self.accelerator is None else self.accelerator.id,
            "precision": self.precision,
            "cluster_flops": q(self.flops),
            "flop_per_day": q(self.flop_per_day),
            "total_flop": q(self.total),
            "days_for_compute": q(
                None if days is None else days.scaled(1 / SECONDS_PER_DAY, "days")
            ),
            "inputs": {k: v.to_dict() for k, v in self.inputs.items()},
        }


def cluster(
    *,
    accelerators: QuantityLike,
    accelerator_name: str | Accelerator | None = None,
    precision: str | None = None,
    peak: QuantityLike | None = None,
    utilization: QuantityLike | None = None,
    achieved: QuantityLike | None = None,
    duration: QuantityLike | None = None,
    compute: QuantityLike | None = None,
    sampling: Sampling | None = None,
) -> ClusterEstimate:
    """What a cluster produces: ``cluster(accelerators="100K", accelerator_name="h100",
    duration="90d", utilization=0.4).total`` is 3.08e26 FLOP."""
    gpus = parse(accelerators, Kind.COUNT, what=opt("accelerators"), unit="accelerators")
    check_accelerators(gpus, opt("accelerators"))
    inputs: dict[str, Input] = {"accelerators": Input("accelerators", gpus, Kind.COUNT, "given")}
    if utilization is not None and achieved is not None:
        raise FlopcastError(mfu_and_achieved())
    acc: Accelerator | None = None
    if accelerator_name is not None:
        acc = (
            accelerator_name
            if isinstance(accelerator_name, Accelerator)
            else accelerator(accelerator_name)
        )
    prec = normalize_precision(precision or default_precision()) if achieved is None else None
    if achieved is not None:
        inputs["achieved"] = Input(
            "achieved", parse(achieved, Kind.RATE, what=opt("achieved")), Kind.RATE, "given"
        )
    else:
        if peak is not None:
            inputs["peak"] = Input(
                "peak", parse(peak, Kind.RATE, what=opt("peak")), Kind.RATE, "given"
            )
        elif acc is not None:
            assert prec is not None
            inputs["peak"] = table_peak(acc, prec)
        else:
            raise FlopcastError(
                f"a cluster needs a FLOP/s per accelerator: add {opt('accelerator_name')} (e.g. "
                f"h100), {opt('peak')} (e.g. 989T), or {opt('achieved')} (e.g. 390T)"
            )
        inputs["utilization"] = (
            Input(
                "utilization",
                parse(utilization, Kind.FRACTION, what=opt("utilization")),
                Kind.FRACTION,
                "given",
            )
            if utilization is not None
            else default_utilization()
        )
    if duration is not None:
        inputs["duration"] = Input(
            "duration",
            parse(duration, Kind.DURATION, what=opt("duration"), default_duration="d"),
            Kind.DURATION,
            "given",
        )
    if compute is not None:
        inputs["compute"] = Input(
            "compute",
            parse(compute, Kind.FLOP, what=opt("compute"), unit="FLOP"),
            Kind.FLOP,
            "given",
        )
    if duration is None and compute is None:
        raise FlopcastError(
            f"say how long ({opt('duration')} 90) or how much compute ({opt('compute')} 5.2e25) "
            "to plan for"
        )
    names = set(inputs)

    def f(**x: Any) -> dict[str, Any]:
        rate = x["achieved"] if "achieved" in names else x["peak"] * x["utilization"]
        flops = x["accelerators"] * rate
        out = {"flops": flops, "flop_per_day": flops * SECONDS_PER_DAY}
        if "duration" in names:
            out["total"] = flops * x["duration"]  # C = n · peak · MFU · t
        if "compute" in names:
            out["duration_for_compute"] = x["compute"] / flops
        return out

    res = propagate(
        f,
        {n: i.quantity for n, i in inputs.items()},
        {"flops": "FLOP/s", "flop_per_day": "FLOP", "total": "FLOP"},
        sampling,
        labels(
            inputs,
            {
                "flops": "cluster throughput",
                "flop_per_day": "FLOP per day",
                "total": "total compute",
                "duration_for_compute": "time for the budget",
            },
        ),
    )
    return ClusterEstimate(
        inputs=inputs,
        accelerator=acc,
        precision=prec,
        flops=res["flops"],
        flop_per_day=res["flop_per_day"],
        total=res.get("total"),
        duration_for_compute=res.get("duration_for_compute"),
    )
