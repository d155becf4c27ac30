"""The report's cluster section: what a typical frontier cluster produces, and the
compute-optimal model for that budget."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flopcast.accounting import ModelCompute
from flopcast.clusters import cluster
from flopcast.comparison import ratio_words
from flopcast.datafiles import load_toml
from flopcast.figures import Model
from flopcast.reporting.document import Section, Sources
from flopcast.reporting.prose import flop, si
from flopcast.reporting.sections.systems import systems_sentences

if TYPE_CHECKING:
    from flopcast.model_optimality import Optimality


def cluster_section(
    m: Model, mc: ModelCompute, o: Optimality | None, law: str, moe: str, sources: Sources
) -> Section:
    """What a typical frontier cluster produces, against what the model used."""
    from flopcast.scaling import optimal

    tc = load_toml("defaults.toml")["typical_cluster"]
    res = cluster(
        accelerators=tc["accelerators"],
        accelerator_name=tc["accelerator"],
        duration=tc["days"],
        utilization=tc["utilization"],
    )
    assert res.total is not None
    total = res.total.value
    acc = res.accelerator.name if res.accelerator is not None else tc["accelerator"]
    ref = sources.cite(f"Typical cluster: {tc['note']}", tc["source"])
    s = [
        f"A cluster of {tc['accelerators']} {acc} running {tc['days']} days at "
        f"{float(tc['utilization']):.0%} utilization [{ref}] produces {flop(total)}: "
        f"{ratio_words(total / mc.headline.value)} than {m.name} used."
    ]
    sp = None if o is None else o.report.sparsity
    p = optimal(law, total, sparsity=sp, moe=moe)
    s.append(
        f"The compute-optimal model for that budget under {law}"
        + (f" at sparsity {sp.label}" if sp is not None else "")
        + f" has {si(p.N)} active parameters trained on {si(p.D)} tokens."
    )
    more, systems = systems_sentences(m, mc, sources)  # power, cost, real systems
    s += more
    data = {"cluster": res.to_dict(), "compute_optimal": p.to_dict(), "systems": systems}
    return Section("cluster", "What a frontier cluster could have done", tuple(s), (), data)
