"""``flopcast cluster``: what N accelerators (or a site of a given power) produce over a time,
how long a budget takes, and the cluster's power, energy and cost."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flopcast.settings import DEFAULT_SAMPLES, DEFAULT_SEED

if TYPE_CHECKING:
    from flopcast.clusters import ClusterEstimate
    from flopcast.cost import RunCost
    from flopcast.power import ClusterPower
    from flopcast.scaling import OptimalPoint
    from flopcast.uncertainty import Sampling


@dataclass(frozen=True)
class ClusterAnswer:
    """The cluster's output; with a known accelerator its power and cost (or why not); with
    ``--power`` the site it stands for and the compute-optimal model for its output."""

    cluster: ClusterEstimate
    cost: RunCost | None = None
    why_no_cost: str | None = None  # e.g. a TPU without a TDP in the table
    site: ClusterPower | None = None
    compute_optimal: OptimalPoint | None = None

    def to_dict(self) -> dict[str, Any]:
        data = self.cluster.to_dict()
        if self.cost is not None:
            data.update(self.cost.to_dict())
        if self.site is not None:
            data["site"] = self.site.to_dict()
        if self.compute_optimal is not None:
            data["compute_optimal"] = self.compute_optimal.to_dict()
        return data


def cluster_answer(
    *,
    gpus: str | None = None,
    power: str | None = None,
    gpu: str | None = None,
    days: str | None = None,
    compute: str | None = None,
    mfu: str | None = None,
    achieved: str | None = None,
    peak: str | None = None,
    precision: str | None = None,
    date: str | None = None,
    dollars: int | None = None,
    tdp: str | None = None,
    overhead: str | None = None,
    pue: str | None = None,
    gpu_price: str | None = None,
    cloud_price: str | None = None,
    electricity_price: str | None = None,
    cloud_term: str = "3-year",
    law: str = "fixed:40",
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> ClusterAnswer:
    """``flopcast cluster --gpus N | --power W [--gpu NAME] [--days T | --compute C] ...``."""
    import dataclasses

    from flopcast.answers._common import sampling
    from flopcast.clusters import cluster
    from flopcast.errors import FlopcastError, opt

    s = sampling(samples, seed)
    site: ClusterPower | None = None
    if (gpus is None) == (power is None):
        raise FlopcastError(
            f"give the cluster's size: {opt('gpus', '--gpus')} 100K, or a site's power: "
            f"{opt('power')} 1GW"
        )
    if power is not None:
        from flopcast.power import accelerators_for_power

        if gpu is None:
            raise FlopcastError(
                f"{opt('power')} needs the accelerator: add {opt('gpu')} NAME (e.g. "
                f"{opt('gpu')} gb200)"
            )
        site = accelerators_for_power(
            power, gpu, at=date, tdp=tdp, overhead=overhead, pue=pue, sampling=s
        )
    untimed = days is None and compute is None and gpu is not None
    res = cluster(
        accelerators=site.accelerators if site is not None else gpus or "",
        accelerator_name=gpu,
        precision=precision,
        peak=peak,
        utilization=mfu,
        achieved=achieved,
        duration="1d" if untimed else days,
        compute=compute,
        sampling=s,
    )
    if untimed:  # no duration: its throughput, power and purchase price only
        inputs = {k: v for k, v in res.inputs.items() if k != "duration"}
        res = dataclasses.replace(res, total=None, inputs=inputs)
    cost = _cost(
        res, power=power, s=s, date=date, dollars=dollars, tdp=tdp, overhead=overhead, pue=pue,
        gpu_price=gpu_price, cloud_price=cloud_price, electricity_price=electricity_price,
        cloud_term=cloud_term,
    )  # fmt: skip
    best = None
    if site is not None and res.total is not None:
        from flopcast.scaling import optimal

        best = optimal(law, res.total.value)
    return ClusterAnswer(
        res,
        cost=None if isinstance(cost, str) else cost,
        why_no_cost=cost if isinstance(cost, str) else None,
        site=site,
        compute_optimal=best,
    )


def _cost(
    res: ClusterEstimate, *, power: str | None, s: Sampling, date: str | None, **kw: Any
) -> RunCost | str | None:
    """The cluster's power, energy and cost where the accelerator is known (or why not)."""
    from flopcast.cost import run_cost
    from flopcast.errors import FlopcastError

    if res.accelerator is None:
        return None
    duration = res.inputs["duration"].quantity if "duration" in res.inputs else None
    if duration is None:
        duration = res.duration_for_compute
    try:
        return run_cost(
            res.accelerator,
            accelerators=None if power is not None else res.inputs["accelerators"].quantity,
            power=power,
            duration=duration,
            at=date,
            sampling=s,
            **kw,
        )
    except FlopcastError as exc:
        given = [date, *(kw[k] for k in ("tdp", "overhead", "pue", "gpu_price", "cloud_price"))]
        if power is None and all(x is None for x in given) and "TDP" in str(exc):
            return str(exc)  # e.g. a TPU: its output is still worth showing, and why no power
        raise
