"""Sentences of the report's cluster section about training systems: the model's own run (its
power, energy and costs beside Epoch AI's, and its developer's systems), and the typical
frontier cluster's power and cost at the release date, with the real systems of its size."""

from __future__ import annotations

from typing import Any

from flopcast.accounting import ModelCompute
from flopcast.figures import Model
from flopcast.power import fmt_mwh, fmt_watts
from flopcast.prices import fmt_usd
from flopcast.reporting.document import Sources
from flopcast.reporting.given import is_unreleased
from flopcast.reporting.prose import PROSE_SIG
from flopcast.uncertainty import Sampling

#: The prose shows central values only (exact whatever the sampling): few samples suffice for
#: the intervals its JSON carries.
_SAMPLING = Sampling(samples=2_000)

_COTTIER = ("Cottier et al. 2024, The rising costs of training frontier AI models",
            "https://arxiv.org/abs/2405.21015")  # fmt: skip
_PILZ = ("Pilz et al. 2025, Trends in AI Supercomputers (power: TDP x overhead x PUE)",
         "https://epoch.ai/data/gpu-clusters-documentation/estimation")  # fmt: skip


def _usd(x: float, sig: int = PROSE_SIG) -> str:
    return fmt_usd(x, sig)


def _beside(theirs: float | None, one: Any) -> str:
    """`` (Epoch AI: 23 MW)`` where Epoch AI has the figure."""
    return "" if not theirs else f" (Epoch AI: {one(theirs, PROSE_SIG)})"


def systems_sentences(
    m: Model, mc: ModelCompute, sources: Sources
) -> tuple[list[str], dict[str, Any]]:
    """(sentences, JSON) on the model's run and the typical frontier cluster at its release."""
    from flopcast.runs import COMPARED, frontier_cluster, training_run
    from flopcast.systems import credit

    out: list[str] = []
    data: dict[str, Any] = {}
    run = training_run(m, mc, sampling=_SAMPLING)

    def clusters() -> int:  # cited where first used
        return sources.cite(
            f"Epoch AI GPU Clusters data: {credit()}", "https://epoch.ai/data/gpu-clusters"
        )

    if run is not None:
        c = run.cost
        epoch = {} if run.epoch is None else {
            ours: run.epoch.figures.get(theirs) for ours, theirs in COMPARED.items()
        }  # fmt: skip
        marks = f"[{sources.cite(*_PILZ)}, {sources.cite(*_COTTIER)}]"
        parts = []
        power, energy = c.get("facility_power_w"), c.get("energy_mwh")
        if power is not None:
            theirs = _beside(epoch.get("facility_power_w"), fmt_watts)
            parts.append(f"drew {fmt_watts(power.value, PROSE_SIG)}{theirs}")
        if energy is not None:
            parts.append(f"used {fmt_mwh(energy.value, PROSE_SIG)}")
        costs = []
        for key, words in (("amortized_cost_usd", "amortized"), ("cloud_cost_usd", "to rent"),
                           ("acquisition_cost_usd", "to buy its hardware")):  # fmt: skip
            q = c.get(key)
            if q is not None:
                costs.append(f"{_usd(q.value)} {words}{_beside(epoch.get(key), _usd)}")
        if costs:
            parts.append(f"cost {_and(costs)}, in {c.dollars_year} dollars")
        if parts:
            out.append(f"Its own run {_and(parts)} {marks}.")
        p = run.placement
        if p is not None and p.system is not None and p.share is not None:
            out.append(
                f"Its {si_count(p.accelerators)} {p.chip} were {p.share:.0%} of {p.system.name}, "
                f"the largest {p.chip} system {m.developer} had at release [{clusters()}]."
            )
        data["run"] = run.to_dict()
    f = frontier_cluster(m.released, sampling=_SAMPLING)
    fc = f.cost
    power, buy, amortized = (fc.get(k) for k in ("facility_power_w", "acquisition_cost_usd",
                                                 "amortized_cost_usd"))  # fmt: skip
    if power is not None and buy is not None and amortized is not None:
        out.append(
            f"That cluster draws {fmt_watts(power.value, PROSE_SIG)} at the facility; at "
            f"{m.released.isoformat()} prices it costs {_usd(buy.value)} to buy and "
            f"{_usd(amortized.value)} amortized over its run ({fc.dollars_year} dollars) "
            f"[{sources.cite(*_PILZ)}, {sources.cite(*_COTTIER)}]."
        )
    at = f"on {m.released.isoformat()}" if is_unreleased(m) else "at release"
    if f.systems:
        named = [f"{s.name} ({s.owner.replace(',', ', ') or 'owner unknown'})" for s in f.systems]
        out.append(f"Systems of that size existing {at}: {'; '.join(named)} [{clusters()}].")
    else:
        out.append(f"No system of that size existed {at} [{clusters()}].")
    data["frontier_cluster"] = f.to_dict()
    return out, data


def si_count(x: float) -> str:
    from flopcast.quantity import fmt_si

    return fmt_si(x, PROSE_SIG)


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
