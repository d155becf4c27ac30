"""The report's "Training compute" section: both methods, reconciled, with their inputs."""

from __future__ import annotations

from flopcast.accounting import ModelCompute
from flopcast.figures import Model
from flopcast.quantity import fmt_duration, fmt_plain
from flopcast.reporting.document import Section, Sources, Table
from flopcast.reporting.prose import cite, flop, flop_q, si
from flopcast.training import Input


def compute_section(m: Model, mc: ModelCompute, sources: Sources) -> Section:
    """Training compute by both methods, reconciled, with the inputs and their sources."""
    s: list[str] = []
    est = mc.estimate
    s.append(f"{m.name} took about {flop_q(mc.headline)} to train ({mc.basis}).")
    rows: list[tuple[str, ...]] = []
    if est is not None and est.operation_count is not None:
        n, d = est.inputs["active_params"], est.inputs["tokens"]
        s.append(
            f"By operation counting, 6 × {si(n.quantity.value)} active parameters{cite(sources, n)}"
            f" × {si(d.quantity.value)} tokens{cite(sources, d)} = "
            f"{flop_q(est.operation_count)}."
        )
    if est is not None and est.hardware is not None:
        parts = []
        for key in ("accelerators", "accelerator_hours", "duration"):
            item = est.inputs.get(key)
            if item is None:
                continue
            label = {"accelerators": "accelerators", "accelerator_hours": "accelerator-hours"}.get(
                key, ""
            )
            value = (
                fmt_duration(item.quantity.value)
                if key == "duration"
                else f"{si(item.quantity.value)} {label}"
            )
            parts.append(value + cite(sources, item))
        acc = est.accelerator.name if est.accelerator is not None else "the accelerators"
        util = est.inputs.get("utilization")
        util_text = ""
        if util is not None:
            how = "assumed" if util.origin == "assumed" else "given"
            pct = fmt_plain(util.quantity.value * 100, 3)
            util_text = f" at {pct}% utilization ({how}{cite(sources, util)})"
        s.append(
            f"By hardware, {' over '.join(parts)} of {acc} at their dense {est.precision} peak"
            f"{util_text} give {flop_q(est.hardware)}."
        )
    if est is not None and est.implied_utilization is not None:
        s.append(
            f"The two reconcile at an implied utilization of "
            f"{fmt_plain(est.implied_utilization.value * 100, 3)}% of the dense "
            f"{est.precision} peak."
        )
    if est is not None and est.implied_duration is not None:
        rate = est.inputs.get("achieved")
        rate_text = (
            f" at the reported {fmt_plain(rate.quantity.value / 1e12, 3)} TFLOP/s per accelerator"
            f"{cite(sources, rate)}"
            if rate is not None
            else ""
        )
        s.append(
            f"On {si(est.inputs['accelerators'].quantity.value)} accelerators"
            f"{cite(sources, est.inputs['accelerators'])}{rate_text}, that is "
            f"{fmt_duration(est.implied_duration.value)} of training."
        )
    stated = mc.stated
    if stated is not None and stated.quantity is not None and mc.basis.startswith("6·N·D"):
        s.append(
            f"For comparison, {stated.by} puts it at {flop_q(stated.quantity)}"
            f"{cite(sources, stated)}."
        )
    if est is not None:
        for key, item in est.inputs.items():
            rows.append((key.replace("_", " "), _fmt_input(item), item.origin))
    if mc.exact is not None and mc.operation_count_exact is not None and est is not None:
        c_exact = mc.operation_count_exact
        assert est.operation_count is not None
        diff = c_exact / est.operation_count.value - 1
        s.append(
            f"With the exact {si(mc.exact.active_params or 0)} active parameters counted from "
            f"its config.json, 6·N·D is {flop(c_exact)} ({diff:+.1%})."
        )
    data = {
        "training_compute_flop": mc.headline.to_dict(),
        "basis": mc.basis,
        "estimate": None if est is None else est.to_dict(),
        "stated": None if stated is None else stated.to_dict(),
    }
    tables = (Table("Inputs", ("input", "value", "origin"), tuple(rows)),) if rows else ()
    warnings = () if est is None else est.warnings
    return Section("compute", "Training compute", (*s, *warnings), tables, data)


def _fmt_input(item: Input) -> str:
    from flopcast.quantity import fmt

    return fmt(item.quantity, item.kind, 3)
