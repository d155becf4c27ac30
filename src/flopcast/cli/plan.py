"""``flopcast plan``: memory per GPU under parallelism and ZeRO, the step time, and with
``--search`` the layouts that fit a cluster or the smallest cluster for a layout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from flopcast.cli.common import JsonOpt, SigOpt

if TYPE_CHECKING:
    from flopcast.cli.common import Footnotes, Section
    from flopcast.planning import Plan, PlanSearch
    from flopcast.planning.inputs import Setting

_Int = Annotated[int | None, typer.Option()]


def _int(flag: str, help_text: str, metavar: str = "N") -> Any:
    return typer.Option(flag, metavar=metavar, help=help_text)


def register(app: typer.Typer) -> None:
    app.command(
        "plan",
        help=(
            "Plan a training run: memory per GPU by part (parameters, gradients and optimizer "
            "states as ZeRO shards them, activations by Korthikanti et al. 2022, overhead) "
            "against the chip, the step time from the FLOPs, the peak, a utilization and the "
            "pipeline bubble, and the run's time. --search: the layouts that fit --gpus, "
            "ranked by step time, or without --gpus the smallest cluster for a layout. Every "
            "default used is printed.\n\n"
            "Examples: flopcast plan llama-3.1-405b --gpus 16384 --tp 8 --pp 16 --zero 1 "
            "--recompute full --mfu 40%\n\n"
            "flopcast plan llama-3.1-8b --gpus 8 --search\n\n"
            "flopcast plan --total 7B --active 7B --layers 32 --hidden 4096 --heads 32 --gpus 8"
        ),
    )(plan_command)


def plan_command(
    model: Annotated[
        str | None,
        typer.Argument(
            metavar="[MODEL]",
            help="A catalog model, a config.json path or directory, or a Hub repo id. "
            "Optional with --total and --active.",
        ),
    ] = None,
    gpus: Annotated[str | None, _int("--gpus", "Number of GPUs: 8, 512, 16384.")] = None,
    gpu: Annotated[
        str | None, typer.Option("--gpu", metavar="NAME", help="Accelerator (default h100).")
    ] = None,
    tp: Annotated[int | None, _int("--tp", "Tensor-parallel degree.")] = None,
    pp: Annotated[int | None, _int("--pp", "Pipeline-parallel stages.")] = None,
    dp: Annotated[int | None, _int("--dp", "Data-parallel degree (default: the rest).")] = None,
    cp: Annotated[int | None, _int("--cp", "Context-parallel degree.")] = None,
    ep: Annotated[int | None, _int("--ep", "Expert-parallel degree (MoE).")] = None,
    zero: Annotated[
        int | None,
        typer.Option("--zero", min=0, max=3, metavar="N", help="ZeRO stage 0-3 (default 1)."),
    ] = None,
    fsdp: Annotated[bool, typer.Option("--fsdp", help="Full sharding: ZeRO-3.")] = False,
    seq: Annotated[
        str | None, typer.Option("--seq", metavar="TOKENS", help="Sequence length: 8192, 8k.")
    ] = None,
    micro_batch: Annotated[
        int | None, _int("--micro-batch", "Sequences per micro-batch (default 1).")
    ] = None,
    global_batch: Annotated[
        str | None,
        typer.Option(
            "--global-batch",
            metavar="N",
            help="Per step: sequences (1024), or tokens when at least --seq (4M, 16M tokens).",
        ),
    ] = None,
    recompute: Annotated[
        str | None,
        typer.Option("--recompute", metavar="MODE", help="none, selective (default) or full."),
    ] = None,
    precision: Annotated[
        str | None, typer.Option("--precision", metavar="P", help="bf16 (default) or fp8.")
    ] = None,
    optimizer: Annotated[
        str | None,
        typer.Option("--optimizer", metavar="NAME", help="adam (default), sgd, adam-8bit."),
    ] = None,
    optimizer_bytes: Annotated[
        float | None,
        typer.Option("--optimizer-bytes", metavar="K", help="Optimizer bytes per parameter."),
    ] = None,
    flash_attention: Annotated[
        bool | None,
        typer.Option("--flash-attention/--no-flash-attention", help="Default: flash."),
    ] = None,
    sequence_parallel: Annotated[
        bool | None,
        typer.Option("--sequence-parallel/--no-sequence-parallel", help="Default: with TP."),
    ] = None,
    mfu: Annotated[
        str | None,
        typer.Option("--mfu", metavar="U", help="Utilization of the peak: 40% (default 37.5%)."),
    ] = None,
    mfu_of: Annotated[
        str,
        typer.Option(
            "--mfu-of",
            metavar="WHAT",
            help="compute (default: bubble and recomputation come on top) or step (the whole "
            "step, as papers report it).",
        ),
    ] = "compute",
    tokens: Annotated[
        str | None, typer.Option("--tokens", metavar="N", help="Training tokens: 15.6T.")
    ] = None,
    overhead: Annotated[
        float | None,
        typer.Option("--overhead", metavar="GB", help="Framework overhead per GPU (4 GB)."),
    ] = None,
    convention: Annotated[
        str,
        typer.Option(
            "--convention",
            metavar="NAME",
            help="zero (the ZeRO paper's) or deepspeed (its estimator).",
        ),
    ] = "zero",
    search: Annotated[bool, typer.Option("--search", help="Search layouts (see above).")] = False,
    top: Annotated[
        int | None, typer.Option("--top", min=1, max=50, metavar="N", help="Layouts shown.")
    ] = None,
    total: Annotated[
        str | None, typer.Option("--total", metavar="PARAMS", help="Total parameters: 7B.")
    ] = None,
    active: Annotated[
        str | None, typer.Option("--active", metavar="PARAMS", help="Active per token.")
    ] = None,
    layers: Annotated[int | None, _int("--layers", "With --total: decoder layers.")] = None,
    hidden: Annotated[int | None, _int("--hidden", "With --total: hidden size.")] = None,
    heads: Annotated[int | None, _int("--heads", "With --total: attention heads.")] = None,
    kv_heads: Annotated[int | None, _int("--kv-heads", "With --total: KV heads.")] = None,
    vocab: Annotated[int | None, _int("--vocab", "With --total: vocabulary.")] = None,
    experts: Annotated[int | None, _int("--experts", "With --total: routed experts.")] = None,
    top_k: Annotated[int | None, _int("--top-k", "With --total: experts per token.")] = None,
    json_output: JsonOpt = False,
    sig: SigOpt = 3,
) -> None:
    from flopcast.answers.plan import plan_answer
    from flopcast.cli.common import print_json
    from flopcast.planning import Plan

    answer = plan_answer(
        model, gpus=gpus, gpu=gpu, tp=tp, pp=pp, dp=dp, cp=cp, ep=ep, zero=zero, fsdp=fsdp,
        seq=seq, micro_batch=micro_batch, global_batch=global_batch, recompute=recompute,
        precision=precision, optimizer=optimizer, optimizer_bytes=optimizer_bytes,
        flash_attention=flash_attention, sequence_parallel=sequence_parallel, mfu=mfu,
        mfu_of=mfu_of, tokens=tokens, overhead=overhead, convention=convention, search=search,
        top=top, total=total, active=active, layers=layers, hidden=hidden, heads=heads,
        kv_heads=kv_heads, vocab=vocab, experts=experts, top_k=top_k,
    )  # fmt: skip
    if json_output:
        print_json(answer)
    elif isinstance(answer, Plan):
        _render_plan(answer, sig)
    else:
        _render_search(answer, model, sig)


def _bytes(x: float, sig: int = 3) -> str:
    from flopcast.quantity import fmt_plain

    if abs(x) >= 1e9:
        return f"{fmt_plain(x / 1e9, sig)} GB"
    if abs(x) >= 1e6:
        return f"{fmt_plain(x / 1e6, sig)} MB"
    return f"{fmt_plain(x / 1e3, sig)} kB"


def _verdict(p: Plan, sig: int) -> str:
    mem, cap = _bytes(p.busiest.total, sig), _bytes(p.capacity, sig)
    if p.fits:
        return f"fits, {mem} of {cap} per GPU"
    return f"does not fit, {mem} per GPU against {cap}"


def _render_plan(p: Plan, sig: int) -> None:
    from flopcast.cli.common import Footnotes, render

    notes = Footnotes()
    acc = p.accelerator.name.removeprefix("NVIDIA ")
    headline = f"{p.model} on {p.layout.gpus:,} × {acc}: {_verdict(p, sig)}"
    sections = [
        _layout_section(p, notes),
        _memory_section(p, notes, sig),
        _time_section(p, notes, sig),
        _layer_section(p, sig),
        _defaults_section(p, notes),
    ]
    warnings = list(p.warnings) + list(p.notes)
    render(headline, sections, warnings=warnings, footer=notes.lines())


def _layout_section(p: Plan, notes: Footnotes) -> Section:
    from flopcast.cli.common import Section

    lay = p.layout
    sec = Section("Layout", subtitle=f"{lay.describe()} = {lay.gpus:,} GPUs")

    def origin(name: str) -> str:
        s = p.setting(name)
        return "" if s is None else s.origin

    sec.add("tensor parallel", str(lay.tp), origin("tensor parallel"))
    sec.add("pipeline parallel", str(lay.pp), f"{origin('pipeline parallel')}; {_stages(lay)}")
    sec.add("context parallel", str(lay.cp), origin("context parallel"))
    dp_note = origin("data parallel")
    if dp_note == "derived":
        dp_note = f"{lay.gpus:,} ÷ ({lay.tp} × {lay.pp} × {lay.cp})"
    sec.add("data parallel", f"{lay.dp:,}", dp_note)
    if p.shape.is_moe:
        sec.add(
            "expert parallel",
            str(lay.ep),
            f"{origin('expert parallel')}; {p.shape.experts} experts",
        )
    zero_note = {
        0: "nothing sharded",
        1: "optimizer states sharded",
        2: "optimizer states and gradients sharded",
        3: "parameters, gradients and optimizer states sharded",
    }[p.zero]
    if p.zero:
        zero_note += f" over {lay.zero_group:,} GPUs"
    sec.add("ZeRO", f"stage {p.zero}", f"{origin('ZeRO stage')}: {zero_note}")
    sec.add(
        "parameters",
        _params(p.shape.total_params),
        notes.mark("exact" if p.shape.exact else "approximate", p.shape.origin),
    )
    return sec


def _stages(lay: Any) -> str:
    """``8 layers per stage, 7 on the first and last``."""
    sizes = lay.stage_layers
    most = max(sizes)
    text = f"{most} layers per stage" if lay.pp > 1 else f"{most} layers"
    fewer = [i for i, n in enumerate(sizes) if n < most]
    if not fewer:
        return text
    if fewer == [0, lay.pp - 1]:
        where = "the first and last"
    elif fewer == [0]:
        where = "the first"
    else:
        where = f"{len(fewer)} of them"
    return f"{text}, {min(sizes)} on {where}"


def _params(n: float) -> str:
    from flopcast.quantity import fmt_si

    return fmt_si(n)


def _memory_section(p: Plan, notes: Footnotes, sig: int) -> Section:
    from flopcast.cli.common import Section

    st = p.busiest
    where = f"stage {st.stage + 1} of {p.layout.pp}, " if p.layout.pp > 1 else ""
    sec = Section("Memory per GPU", subtitle=f"{where}{st.layers} layers, the busiest")
    for part in st.parts:
        note = part.formula
        if part.name == "framework overhead":
            s = p.setting("framework overhead")
            note = notes.mark(s.origin if s else "assumed", s.source if s else "")
        sec.add(part.name, _bytes(part.bytes, sig), note)
    sec.add("total", _bytes(st.total, sig), "")
    acc = p.accelerator
    sec.add(
        "capacity",
        _bytes(p.capacity, sig),
        notes.mark(acc.name.removeprefix("NVIDIA "), acc.source),
    )
    word = "fits" if p.fits else "does not fit"
    how = "ZeRO paper's accounting" if p.convention == "zero" else "DeepSpeed's estimator"
    sec.add("headroom", _bytes(p.headroom, sig), f"{word} ({how})")
    return sec


def _layer_section(p: Plan, sig: int) -> Section:
    from flopcast.cli.common import Section

    a, la = p.activation, p.per_layer
    lay = max(p.shape.layers, key=lambda x: x.params)
    tok = f"{a.seq // a.cp:,} tokens × {a.micro_batch}"
    sec = Section("Activations per layer", subtitle=f"Korthikanti et al. 2022; {tok}, one GPU")
    kv = f"K, V: {lay.kv_heads} of {lay.heads} heads" if lay.kv_heads < lay.heads else "Q, K, V"
    sec.add("attention", _bytes(la.attention, sig), f"input, {kv}, output")
    score_note = (
        "flash attention: softmax statistics only"
        if a.flash_attention
        else "softmax of the a × s × s scores"
    )
    sec.add("scores", _bytes(la.scores, sig), score_note)
    kind = "gated (SwiGLU)" if lay.gated else "plain"
    sec.add("MLP", _bytes(la.mlp, sig), f"{kind}, f = {lay.ffn:,.0f} per token")
    if la.moe:
        sec.add(
            "MoE dispatch",
            _bytes(la.moe, sig),
            f"top-{lay.top_k} of {lay.experts}: input copies, router logits",
        )
    sec.add("norms", _bytes(la.norms, sig), "two norm inputs")
    if la.dropout:
        sec.add("dropout masks", _bytes(la.dropout, sig), "1 byte per element")
    split = f"÷ {a.tp} (TP{' + SP' if p.sequence_parallel and a.tp > 1 else ''})"
    sec.add("stored", _bytes(la.stored, sig), split if a.tp > 1 else "")
    kept = {
        "none": "no recomputation",
        "selective": "selective: all but the attention core",
        "full": "full: the layer's input",
    }[la.recompute]
    sec.add("kept", _bytes(la.kept, sig), kept)
    return sec


def _central(q: Any, kind: Any, sig: int) -> str:
    """A quantity's central value alone (its interval goes in the note)."""
    from flopcast.quantity import Quantity, fmt

    return fmt(Quantity(q.value, unit=q.unit), kind, sig)


def _interval(q: Any, kind: Any, sig: int, unit: str = "") -> str:
    from flopcast.quantity import fmt_value

    if q.low is None or q.high is None:
        return ""
    tail = f" {unit}" if unit else ""
    return f"90%: {fmt_value(q.low, kind, sig)}–{fmt_value(q.high, kind, sig)}{tail}"


def _time_section(p: Plan, notes: Footnotes, sig: int) -> Section:
    from flopcast.cli.common import Section
    from flopcast.quantity import Kind, fmt, fmt_fraction, fmt_plain, fmt_sci

    t = p.time
    u = t.utilization
    what = "of the step" if t.utilization_of == "step" else "while computing"
    sub = f"at {_central(u.quantity, Kind.FRACTION, sig)} utilization {what} ({u.origin})"
    sec = Section("Time", subtitle=sub)
    seq = p.activation.seq
    per_step = f"{t.sequences_per_step:,} × {seq:,}"
    published = [
        s
        for s in (p.setting("global batch"), p.setting("sequence length"))
        if s is not None and s.origin.startswith("catalog")  # the model's own, published
    ]
    if published:
        by = published[0].origin.removeprefix("catalog:").strip()
        per_step += ", " + notes.mark(f"as {by} trained it", published[0].source)
    per_step += f"; {t.micro_batches} micro-batches per replica"
    sec.add("tokens per step", f"{t.tokens_per_step:,}", per_step)
    sec.add("FLOP per token", fmt_sci(t.flop_per_token, sig), t.flop_basis)
    peak = f"{fmt_plain(t.peak / 1e12, sig)} TFLOP/s"
    if t.utilization_of == "compute":
        if t.recompute_overhead:
            again = "a second forward" if p.recompute == "full" else "the attention core again"
            sec.add("recomputation", f"+{fmt_fraction(t.recompute_overhead, sig)}", again)
        sec.add(
            "compute",
            _central(t.compute_seconds, Kind.NUMBER, sig),
            f"÷ ({t.gpus:,} GPUs × {peak} × utilization)",
        )
        if p.layout.pp > 1:
            sec.add(
                "pipeline bubble",
                f"+{fmt_fraction(t.bubble, sig)}",
                f"(p − 1)/m = {p.layout.pp - 1}/{t.micro_batches} (1F1B)",
            )
    elif p.layout.pp > 1:
        sec.add("pipeline bubble", fmt_fraction(t.bubble, sig), "inside the utilization")
    sec.add(
        "step time",
        _central(t.step_seconds, Kind.NUMBER, sig),
        _interval(t.step_seconds, Kind.NUMBER, sig, "s"),
    )
    sec.add("MFU of the step", _central(t.mfu, Kind.FRACTION, sig), "model FLOPs ÷ peak")
    if t.run_tokens is not None and t.run_seconds is not None and t.gpu_hours is not None:
        run = t.run_tokens
        sec.add(
            "run",
            _central(t.run_seconds, Kind.DURATION, sig),
            notes.mark(f"{fmt(run.quantity, Kind.COUNT, sig)}, {run.origin}", run.source),
        )
        sec.add(
            "GPU-hours",
            fmt_sci(t.gpu_hours.value, sig)
            if t.gpu_hours.value >= 1e15
            else _central(t.gpu_hours, Kind.COUNT, sig),
            _interval(t.gpu_hours, Kind.COUNT, sig),
        )
    return sec


def _defaults_section(p: Plan, notes: Footnotes) -> Section:
    from flopcast.cli.common import Section

    sec = Section("Defaults used", subtitle="change any with its option")
    for s in p.defaults_used:
        _add_setting(sec, s, notes)
    return sec


def _add_setting(sec: Section, s: Setting, notes: Footnotes) -> None:
    sec.add(s.name, s.value, notes.mark("default", s.source) if s.source else "default")


def _render_search(found: PlanSearch, model: str | None, sig: int) -> None:
    from flopcast.cli.common import Footnotes, Section, render
    from flopcast.quantity import fmt_plain

    notes = Footnotes()
    best = found.best
    name = best.model if best is not None else (model or "the model")
    acc = best.accelerator.name.removeprefix("NVIDIA ") if best is not None else "the GPU"
    if found.mode == "cluster":
        head = (
            f"{name} on {found.gpus:,} × {acc}: {found.fitting} of {found.considered} layouts fit"
        )
    else:
        head = f"{name} on {acc}: the smallest clusters that fit"
    sections: list[Section] = []
    for i, c in enumerate(found.candidates, 1):
        title = (
            f"{i}. {c.layout.describe()}"
            if found.mode == "cluster"
            else f"{i}. {c.layout.gpus:,} GPUs: {c.layout.describe()}"
        )
        sec = Section(title)
        cap = best.capacity if best is not None else 0.0
        rc = "no recomputation" if c.recompute == "none" else f"{c.recompute} recomputation"
        sec.add(
            "memory per GPU",
            f"{_bytes(c.memory, sig)} of {_bytes(cap, sig)}",
            f"ZeRO-{c.zero}, {rc}",
        )
        sec.add(
            "step time",
            f"{fmt_plain(c.step_seconds, sig)} s",
            f"bubble {c.bubble:.0%}, {c.micro_batches} micro-batches",
        )
        sections.append(sec)
    warnings = []
    if not found.candidates:
        warnings.append("no layout fits: more GPUs, full recomputation or ZeRO-3 may help")
    order = (
        "Ranked by estimated step time"
        if found.mode == "cluster"
        else "Fewest GPUs first, then by estimated step time"
    )
    footer = [
        f"{order}; communication is not modelled, so ties go to the least model "
        "parallelism, then the lowest ZeRO stage."
    ]
    if best is not None:
        sections.append(_defaults_section(best, notes))
        footer.append(f"The first in full: {_next_step(best, model)}")
    footer += notes.lines()
    render(head, sections, warnings=warnings, footer=footer)


def _next_step(best: Plan, model: str | None) -> str:
    lay = best.layout
    return (
        f"flopcast plan {model or '...'} --gpus {lay.gpus} --tp {lay.tp} --pp {lay.pp} "
        f"--cp {lay.cp}"
        + (f" --ep {lay.ep}" if lay.ep > 1 else "")
        + f" --zero {best.zero} --recompute {best.recompute}"
    )
