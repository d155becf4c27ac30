"""The report's "training plan" section: a developer's published training layout, planned.

For a model whose catalog entry gives its training setup (tensor and pipeline parallelism at
least; context and data parallelism, the ZeRO stage, recomputation, sequence length, tokens per
step and the reported MFU where known), :func:`flopcast.planning.plan` counts the memory of the
busiest GPU and the time of a step and of the run. Models without a published layout, or without
a config.json flopcast ships, get no such section.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flopcast.errors import FlopcastError
from flopcast.figures import Figure, Model
from flopcast.reporting.document import Section, Sources, Table
from flopcast.reporting.prose import cite, si

if TYPE_CHECKING:
    from flopcast.planning import Plan

#: The figures a layout needs; the rest are used when present.
REQUIRED = ("tensor_parallel", "pipeline_parallel", "accelerator_count", "training_hardware")


def _gb(x: float) -> str:
    if x >= 100e9:
        return f"{x / 1e9:,.0f} GB"
    return f"{x / 1e9:.3g} GB" if x >= 1e9 else f"{x / 1e6:.3g} MB"


def _int(m: Model, name: str) -> int | None:
    q = m.value(name)
    return None if q is None else round(q.value)


def _text(m: Model, name: str) -> str | None:
    fig = m.figure(name)
    return None if fig is None else fig.text


def plan_for(m: Model) -> Plan | None:
    """The plan of a model's published training layout, or None when it has none."""
    if any(m.figure(k) is None for k in REQUIRED) or m.hf_repo is None:
        return None
    from flopcast.planning import plan  # only for a model with a layout to plan

    seq, batch, mfu = (
        _int(m, "training_sequence_length"),
        _int(m, "training_batch_tokens"),
        m.value("training_mfu"),
    )
    try:
        return plan(
            m.id,
            accelerators=_int(m, "accelerator_count"),
            accelerator_name=_text(m, "training_hardware"),
            tp=_int(m, "tensor_parallel"),
            pp=_int(m, "pipeline_parallel"),
            cp=_int(m, "context_parallel"),
            dp=_int(m, "data_parallel"),
            zero=_int(m, "zero_stage"),
            recompute=_text(m, "activation_recomputation"),
            precision=_text(m, "training_precision"),
            seq=seq,
            global_batch=None if batch is None else f"{batch} tokens",
            utilization=None if mfu is None else mfu.value,
            utilization_of="step" if mfu is not None else "compute",
            hub=False,
        )
    except FlopcastError:
        return None


def plan_section(m: Model, sources: Sources) -> Section | None:
    """Memory per GPU and step time of the model's published layout, if it has one."""
    p = plan_for(m)
    if p is None:
        return None
    lay, t, st = p.layout, p.time, p.busiest

    def c(name: str) -> str:
        fig: Figure | None = m.figure(name)
        return cite(sources, fig)

    zero = {
        0: "no ZeRO sharding",
        1: "optimizer states sharded (ZeRO-1)",
        2: "optimizer states and gradients sharded (ZeRO-2)",
        3: "everything sharded (ZeRO-3)",
    }[p.zero]
    rc = {
        "none": "no activation recomputation",
        "selective": "selective recomputation",
        "full": "full recomputation",
    }[p.recompute]
    acc = p.accelerator.name.removeprefix("NVIDIA ")
    s = [
        f"{m.developer} trained {m.name} on {lay.gpus:,} {acc} as {lay.describe()}"
        f"{c('tensor_parallel')}, {p.activation.seq:,}-token sequences, "
        f"{si(t.tokens_per_step)} tokens per step, {zero} and {rc}{c('zero_stage')}."
    ]
    states = sum(
        x.bytes
        for x in st.parts
        if x.name in ("parameters", "gradients", "optimizer states", "gathered layer")
    )
    acts = st.total - states - p.overhead
    where = f"pipeline stage {st.stage + 1} of {lay.pp}, " if lay.pp > 1 else ""
    s.append(
        f"Planned by flopcast, its busiest GPU ({where}{st.in_flight} micro-batches in flight) "
        f"holds {_gb(st.total)} of its {_gb(p.capacity)}: {_gb(states)} of parameters, "
        f"gradients and optimizer states, {_gb(acts)} of activations (Korthikanti et al. 2022, "
        f"with flash attention and sequence parallelism assumed) and {_gb(p.overhead)} of "
        "assumed framework overhead."
    )
    if p.fits:
        s.append(f"It fits, with {_gb(p.headroom)} to spare.")
    else:
        s.append(
            f"That is {_gb(-p.headroom)} more than the chip holds: by this count the layout "
            "would not fit as described, so the developer's run kept less than the formulas "
            "assume."
        )
    whole = 2 * p.shape.total_params
    if p.zero < 3 and lay.tp * lay.pp > 1:
        s.append(
            f"Without tensor and pipeline parallelism every GPU would hold all "
            f"{si(p.shape.total_params)} parameters' 16-bit weights, {_gb(whole)}, more than "
            "the chip has."
            if whole > p.capacity
            else f"Its {_gb(whole)} of 16-bit weights would fit one GPU without model "
            "parallelism; the layout spreads the activations."
        )
    s += _time_sentences(m, p, sources, c)
    rows = tuple((x.name, _gb(x.bytes), x.formula) for x in st.parts)
    table = Table(
        f"Memory of the busiest GPU ({lay.describe()})",
        ("part", "per GPU", "how it is counted"),
        (*rows, ("total", _gb(st.total), f"of {_gb(p.capacity)}")),
    )
    data: dict[str, Any] = {
        "layout": lay.to_dict(),
        "zero": p.zero,
        "recompute": p.recompute,
        "fits": p.fits,
        "memory_per_gpu_gb": st.total / 1e9,
        "capacity_gb": p.capacity / 1e9,
        "parts": [x.to_dict() for x in st.parts],
        "step_seconds": t.step_seconds.value,
        "utilization": t.utilization.quantity.value,
        "utilization_of": t.utilization_of,
        "bubble": t.bubble,
        "run_days": None if t.run_seconds is None else t.run_seconds.value / 86400,
        "gpu_hours": None if t.gpu_hours is None else t.gpu_hours.value,
    }
    return Section("plan", "Its training layout, planned", tuple(s), (table,), data)


def _time_sentences(m: Model, p: Plan, sources: Sources, c: Any) -> list[str]:
    t = p.time
    u = t.utilization.quantity.value
    given = t.utilization_of == "step"
    how = (
        f"the {u:.0%} MFU {m.developer} reports for this layout{c('training_mfu')}"
        if given
        else f"an assumed {u:.0%} utilization"
    )
    s = [f"At {how}, a step takes {t.step_seconds.value:.3g} s"]
    if t.run_seconds is not None and t.run_tokens is not None and t.gpu_hours is not None:
        days = t.run_seconds.value / 86400
        s[0] += (
            f", and the {si(t.run_tokens.quantity.value)} training tokens{c('training_tokens')}"
            f" take {days:.3g} days on {p.layout.gpus:,} GPUs ({si(t.gpu_hours.value)} "
            "GPU-hours"
        )
        hours = m.value("accelerator_hours")
        if hours is not None:
            s[0] += f"; {m.developer} reports {si(hours.value)} in all{c('accelerator_hours')}"
        s[0] += ")"
    s[0] += "."
    if p.layout.pp > 1:
        bubble = (
            f"With {t.micro_batches} micro-batches per replica a plain 1F1B schedule would "
            f"leave the pipeline idle {t.bubble:.0%} of the compute time ((p − 1)/m, Narayanan "
            "et al. 2021)"
        )
        s.append(
            bubble + "; a reported MFU already includes the bubble of the schedule used."
            if given
            else bubble + "."
        )
    return s
