"""``flopcast local`` and ``flopcast memory``: can I run it, where, and how fast at most."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from flopcast.cli.common import CsvOpt, JsonOpt

if TYPE_CHECKING:
    from flopcast.cli.common import Section
    from flopcast.inference import Choice, Fit, Machine, MemoryEstimate

ModelArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[MODEL]",
        help="A catalog model (scout, maverick, gpt-oss-120b), a config.json path or "
        "directory, or a Hub repo id. Optional with --total.",
    ),
]
QuantOpt = Annotated[
    str | None,
    typer.Option(
        "--quant",
        "-q",
        metavar="FORMAT",
        help="Weight format: native (the checkpoint's own, default), bf16, fp8, int8, int4 "
        "(GPTQ/AWQ g128), nf4, mxfp4, nvfp4, a GGUF type (q8_0, q6_k, q5_k_m, q4_k_m, q4_0, "
        "q3_k_m, q2_k, iq4_xs, iq3_xxs, iq2_xxs, iq1_s, ...) or a uniform width (4bit, 4.5bpw).",
    ),
]
ContextOpt = Annotated[
    str | None,
    typer.Option(
        "--context",
        "-c",
        metavar="TOKENS",
        help="Context length: 8192 (default), 32k, 128k, 1M. Here k = 1,024 and M = 1,048,576, "
        "as context windows are quoted (128k = 131,072); elsewhere flopcast reads K as 1,000.",
    ),
]
KvOpt = Annotated[
    str,
    typer.Option(
        "--kv-dtype",
        metavar="DTYPE",
        help="KV-cache type: bf16/f16 (default), fp8, q8_0, q4_0, f32.",
    ),
]
SeqOpt = Annotated[
    int, typer.Option("--sequences", min=1, max=100_000, help="Concurrent sequences (KV cache).")
]
OverheadOpt = Annotated[
    float | None,
    typer.Option(
        "--overhead",
        min=0,
        max=1000,
        metavar="GB",
        help="Runtime overhead per device: context + compute buffers (default 1 GB).",
    ),
]
ModelsArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[MODEL]...",
        help="Catalog models (scout, maverick, gpt-oss-120b), config.json paths or "
        "directories, or Hub repo ids; several at once. Optional with --total.",
    ),
]
OnOpt = Annotated[
    str | None,
    typer.Option(
        "--on",
        metavar="MACHINE",
        help="One machine: 'rtx 4090', 'm3 ultra 512', 'dgx spark', '8x h100', '2x rtx 3090', "
        "'cpu 128gb' (flopcast machines lists them); custom:24GB@1008GB/s (memory @ "
        "bandwidth; add ' unified' for memory shared with the CPU, ' cpu' for RAM only); "
        "or 'this', the machine it runs on. Shows the best format and longest context.",
    ),
]
OsReserveOpt = Annotated[
    float | None,
    typer.Option(
        "--os-reserve",
        min=0,
        max=10_000,
        metavar="GB",
        help="Memory the OS keeps when a unified-memory GPU limit is raised, off host RAM for "
        "offload and off a CPU-only machine's RAM. Default by kind of machine: a Mac 8 GB, a "
        "Windows or Linux desktop 4 GB, a server 1.5 GB (flopcast machines shows each).",
    ),
]
TotalOpt = Annotated[
    str | None,
    typer.Option("--total", metavar="PARAMS", help="Total parameters instead of a config: 109B."),
]
ActiveOpt = Annotated[
    str | None,
    typer.Option("--active", metavar="PARAMS", help="Active parameters per token: 17B."),
]
KvPerTokenOpt = Annotated[
    int | None,
    typer.Option(
        "--kv-per-token",
        min=1,
        max=10**9,  # flopcast.inference.spec.MAX_KV_BYTES_PER_TOKEN
        metavar="BYTES",
        help="KV-cache bytes per token in 16 bits, for a model without a config.",
    ),
]
TextOnlyOpt = Annotated[
    bool, typer.Option("--text-only", help="Leave a vision tower out of the weights.")
]


def register(app: typer.Typer) -> None:
    app.command(
        "local",
        help=(
            "Can I run it? The memory a model needs (weights + KV cache + overhead) against "
            "consumer GPUs, Macs, DGX Spark, Strix Halo and datacenter nodes: fits / fits if "
            "the GPU limit is raised / fits with CPU offload / does not fit, with headroom and "
            "decode-speed upper bounds. With --on: the best format and longest context that "
            "fit one machine.\n\n"
            "Examples: flopcast local llama-4-scout --quant q4_k_m --context 32k\n\n"
            "flopcast local llama-4-scout --on 'rtx 4090'"
        ),
    )(local_command)
    app.command(
        "machines",
        help=(
            "The machines flopcast knows, with their memory, what a model may use of it by "
            "default, their bandwidth, what the OS keeps, and sources; or how it reads one "
            "(a custom description, or 'this' machine).\n\n"
            "Examples: flopcast machines;  flopcast machines this"
        ),
    )(machines_command)
    app.command(
        "memory",
        help=(
            "Inference memory of a model at a format and context: weights per tensor group, "
            "KV cache, overhead, and the bytes one decoded token reads.\n\n"
            "Example: flopcast memory maverick --quant int4 --context 128k"
        ),
    )(memory_command)


def machines_command(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[MACHINE]",
            help="One machine, to see how flopcast reads it: 'rtx 4090', 'custom:24GB@1008GB/s', "
            "'this' (the machine it runs on).",
        ),
    ] = None,
    json_output: JsonOpt = False,
    csv_output: CsvOpt = False,
) -> None:
    from flopcast.answers.local import machines_answer
    from flopcast.cli.common import Column, Footnotes, Table, print_json, render

    answer = machines_answer(name)
    if json_output:
        print_json(answer)
        return
    rows = answer.machines
    notes = Footnotes()
    table = Table(
        "Machines for flopcast local --on" if name is None else "",
        [
            Column("machine", keep=True),
            Column("GB", align="right"),
            Column("usable", align="right"),
            Column("GB/s", align="right"),
            Column("OS", align="right"),
            Column("src"),
            Column("name", label_below=False, style="dim"),
        ],
    )
    for m in rows:
        src = notes.mark("", m.source).strip() if m.source.startswith("http") else m.source
        table.add(
            m.id,
            f"{m.memory_gb:,.0f}" if m.memory_gb >= 10 else f"{m.memory_gb:.1f}",
            f"{m.gpu_limit_bytes() / 1e9:,.0f}",
            f"{m.aggregate_bandwidth_gbs:,.0f}",
            f"{m.os_reserve_gb:g}" if m.kind != "gpu" or m.host_ram_gb else "–",
            src,
            m.name,
        )
    if csv_output:
        table.write_csv()
        return
    footer = [
        "GB: memory, the vendors' GB (10^9 bytes; all GPUs of a node); usable: GB a model may "
        "use by default, without raising a limit (Macs: Metal's working set); GB/s: memory "
        "bandwidth, all GPUs together (decode speed is at most GB/s ÷ bytes read per token); "
        "OS: GB the OS keeps when a Mac's GPU limit is raised, off host RAM for CPU offload, "
        "or off a CPU's RAM (--os-reserve; – where nothing is offloaded).",
        "Also: 'Nx NAME' (8x h100), 'cpu 128gb', custom:24GB@1008GB/s (add ' unified' or "
        "' cpu'), and 'this' for the machine flopcast runs on.",
    ]
    if name is not None and rows[0].detected:
        footer += [f"detected {line}" for line in rows[0].detected]
    render("", [table], footer=[*footer, *notes.lines()])


def memory_command(
    model: ModelArg = None,
    quant: QuantOpt = None,
    context: ContextOpt = None,
    kv_dtype: KvOpt = "bf16",
    sequences: SeqOpt = 1,
    overhead: OverheadOpt = None,
    total: TotalOpt = None,
    active: ActiveOpt = None,
    kv_per_token: KvPerTokenOpt = None,
    text_only: TextOnlyOpt = False,
    json_output: JsonOpt = False,
    on: Annotated[str | None, typer.Option("--on", hidden=True)] = None,
) -> None:
    from flopcast.answers.local import memory_answer
    from flopcast.cli.common import print_json, render

    if on is not None:  # a machine is local's question: say so rather than "no such option"
        import shlex

        from flopcast.errors import FlopcastError

        raise FlopcastError(
            "memory sizes a model on its own; to check it against a machine, run: flopcast "
            f"local {shlex.quote(model or 'MODEL')} --on {shlex.quote(on)}"
            + (f" --quant {shlex.quote(quant)}" if quant else "")
        )
    est = memory_answer(
        model, quant=quant, context=context, kv_dtype=kv_dtype, sequences=sequences,
        overhead=overhead, total=total, active=active, kv_per_token=kv_per_token,
        text_only=text_only,
    )  # fmt: skip
    if json_output:
        print_json(est)
        return
    spec, ctx = est.model, est.context
    headline = (
        f"{spec.name} at {est.weights.format.name}, {ctx:,} tokens: "
        f"{_gb(est.total)} on one device ({est.total / 2**30:.1f} GiB)"
    )
    if not est.kv.known:
        headline += " + the KV cache (unknown: no config.json)"
    elif spec.estimate:
        headline += "  [estimate: no config.json]"
    render(headline, _memory_sections(est), warnings=list(est.warnings), footer=_footer(est))


def local_command(
    models: ModelsArg = None,
    quant: QuantOpt = None,
    context: ContextOpt = None,
    on: OnOpt = None,
    kv_dtype: KvOpt = "bf16",
    sequences: SeqOpt = 1,
    overhead: OverheadOpt = None,
    os_reserve: OsReserveOpt = None,
    ram: Annotated[
        float | None,
        typer.Option(
            "--ram",
            min=1,
            max=100_000,
            metavar="GB",
            help="Host RAM for CPU offload next to discrete GPUs (default: the machine's).",
        ),
    ] = None,
    total: TotalOpt = None,
    active: ActiveOpt = None,
    kv_per_token: KvPerTokenOpt = None,
    text_only: TextOnlyOpt = False,
    json_output: JsonOpt = False,
) -> None:
    from flopcast.answers.local import local_answer
    from flopcast.cli.common import print_json

    answer = local_answer(
        models, quant=quant, context=context, on=on, kv_dtype=kv_dtype, sequences=sequences,
        overhead=overhead, os_reserve=os_reserve, ram=ram, total=total, active=active,
        kv_per_token=kv_per_token, text_only=text_only,
    )  # fmt: skip
    if json_output:
        print_json(answer)
        return
    for i, one in enumerate(answer.models):
        if i:
            sys.stdout.write("\n")
        if one.fit is not None and one.best is not None:
            _one_machine(one.memory, one.fit, one.best, os_reserve, ram)
        else:
            _table(one.memory, one.machines, os_reserve)


# ---- rendering -----------------------------------------------------------------------------


def _gb(n: float) -> str:
    if n >= 1e8 or n == 0:
        return f"{n / 1e9:,.1f} GB"
    return f"{n / 1e6:,.0f} MB" if n >= 1e6 else f"{n / 1e3:,.0f} KB"


def _rate(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:,.0f}" if x >= 10 else f"{x:.1f}"


def _bound(x: float | None) -> str:
    return "–" if x is None else f"≤ {_rate(x)} tokens/s"


def _memory_sections(est: MemoryEstimate) -> list[Section]:
    from flopcast.cli.common import Section
    from flopcast.quantity import fmt_si

    w, kv = est.weights, est.kv
    ws = Section(
        "Weights",
        subtitle=f"{w.format.name}; {w.bits_per_weight:.3g} bits/weight overall; "
        f"{fmt_si(w.params, 4)} parameters",
    )
    for g in w.groups:
        types = ", ".join(
            f"{k} {100 * v / g.params:.0f}%"
            for k, v in sorted(g.types.items(), key=lambda t: -t[1])
        )
        ws.add(
            g.name.replace("_", " "),
            _gb(g.bytes),
            f"{fmt_si(g.params, 4)} params at {g.bits_per_weight:.3g} bpw ({types})",
        )
    ws.add("all weights", _gb(w.bytes), f"{w.bytes / 2**30:.2f} GiB; {w.bytes:,} bytes")

    ks = Section("KV cache", subtitle=f"{kv.dtype}, {kv.bits_per_element:g} bits per element")
    seqs = f" x {kv.sequences}" if kv.sequences > 1 else ""
    if kv.known and kv.fixed_bytes:
        ks.add("per token, every layer", f"{kv.bytes_per_token:,} B", "attention layers")
        ks.add(
            f"growing, at {kv.context:,} tokens{seqs}",
            _gb(kv.growing_bytes),
            f"{kv.growing_bytes / 2**30:.3g} GiB; {kv.note}".rstrip("; "),
        )
        ks.add(
            f"fixed recurrent state{seqs}",
            _gb(kv.fixed_bytes),
            f"{kv.fixed_bytes / 2**20:.3g} MiB at {kv.fixed_state_dtype}; conv + state, "
            "same at any context",
        )
        ks.add("total", _gb(kv.bytes), f"{kv.bytes / 2**30:.3g} GiB")
    elif kv.known:
        ks.add("per token, every layer", f"{kv.bytes_per_token:,} B")
        ks.add(
            f"at {kv.context:,} tokens{seqs}",
            _gb(kv.bytes),
            f"{kv.bytes / 2**30:.3g} GiB; {kv.note}".rstrip("; "),
        )
    else:
        ks.add("not included", "–", kv.note)

    os_ = Section("Overhead and total", subtitle="one device")
    os_.add(
        "overhead", _gb(est.overhead_per_device), "runtime context + compute buffers (--overhead)"
    )
    os_.add("total", _gb(est.total), f"{est.total / 2**30:.2f} GiB")

    ds = Section("Per decoded token", subtitle="bytes read; tokens/s <= bandwidth / bytes")
    ds.add(
        "active weights",
        _gb(w.read_bytes_per_token),
        f"{fmt_si(est.model.active_params, 4)} active params (one embedding row read)",
    )
    if kv.known:
        note = f"at {kv.context:,} tokens"
        if kv.fixed_bytes:
            note += " + the recurrent state"
        ds.add("KV cache", _gb(kv.read_bytes_per_token), note)
    ds.add(
        "total",
        _gb(est.decode_bytes_per_token),
        f"e.g. <= {1e12 / est.decode_bytes_per_token:,.0f} tokens/s at 1,000 GB/s",
    )
    return [ws, ks, os_, ds]


def _footer(est: MemoryEstimate) -> list[str]:
    f = est.weights.format
    lines = [f"format: {f.note}"] + ([f"source: {f.source}"] if f.source else [])
    lines += [f"model: {est.model.source}"] + [f"note: {n}" for n in est.model.notes]
    lines += [f"note: {n}" for n in est.weights.notes]
    lines.append("GB = 10^9 bytes, GiB = 2^30 bytes")
    return lines


def _table(est: MemoryEstimate, rows: tuple[Fit, ...], os_reserve: float | None) -> None:
    from flopcast.cli.common import WRAP, Cell, Column, Section, Table, render

    spec, w, kv = est.model, est.weights, est.kv
    kv_text = f"KV {_gb(kv.bytes)}" if kv.known else "KV unknown (no config.json)"
    if kv.known and kv.fixed_bytes:
        kv_text = f"KV {_gb(kv.growing_bytes)} + recurrent state {_gb(kv.fixed_bytes)}"
    title = (
        f"{spec.name} at {w.format.name}, {est.context:,} tokens: weights {_gb(w.bytes)} + "
        f"{kv_text} + overhead {_gb(est.overhead_per_device)} per device"
    )
    if spec.estimate:
        title += "  [estimate: no config.json]"
    table = Table(
        columns=[
            Column("machine", keep=True),
            Column("memory GB", align="right"),
            Column("need GB", align="right"),
            Column("headroom GB", align="right"),
            Column("decode ≤ tok/s", align="right"),
            Column("verdict", wrap=WRAP),
        ]
    )
    style = {"fits": "green", "does_not_fit": "red"}
    for r in rows:
        table.add(
            r.machine.id,
            f"{r.limit_bytes / 1e9:,.0f}",
            f"{r.need_bytes / 1e9:,.1f}",
            f"{r.headroom_bytes / 1e9:+,.1f}",
            _rate(r.decode_tokens_per_s),
            Cell(r.label, style.get(r.verdict, "yellow")),
        )
    fixes = Section("Notes, and what would make it fit")
    offloaded = False
    for r in rows:
        for n in r.remedies:
            if r.verdict == "fits_with_offload" and "of weights in host RAM" in n:
                n = f"{r.offloaded_bytes / 1e9:.1f} GB of weights in host RAM"
                offloaded = True
            fixes.add(r.machine.id, "", n)
    if offloaded:
        fixes.subtitle = "an offloaded row's decode bound includes reading host RAM"
    render(
        title,
        [table, fixes] if fixes.rows else [table],
        warnings=list(est.warnings),
        footer=_table_footer(est, os_reserve),
    )


def _table_footer(est: MemoryEstimate, os_reserve: float | None) -> list[str]:
    from flopcast.inference import os_reserve_gb

    keep = (
        f"{os_reserve:g} GB for the OS (--os-reserve)"
        if os_reserve is not None
        else f"for the OS {os_reserve_gb('macos'):g} GB on a Mac, {os_reserve_gb('desktop'):g} "
        f"GB on a desktop, {os_reserve_gb('server'):g} GB on a server (--os-reserve)"
    )
    return [
        "machine: an id of 'flopcast machines' (their names, memory, bandwidth and sources); "
        "memory: what the model may use by default (Macs: 3/4 of RAM, Metal's working set; "
        f"Strix Halo: 96 GB); raised limits and host RAM keep {keep}; desktops assume 64 GB "
        "host RAM at 89.6 GB/s (--ram).",
        "decode ≤ tok/s: an upper bound, memory bandwidth / bytes read per token (active "
        "weights + KV at this context); multi-GPU rows assume tensor parallelism.",
        "capacities are vendors' GB read as 10^9 bytes (the chips are binary: up to 7.4% more).",
        *_footer(est),
    ]


def _one_machine(
    est: MemoryEstimate, r: Fit, choice: Choice, os_reserve: float | None, ram: float | None
) -> None:
    """Print one model on one machine, the best format and longest context that fit it."""
    from flopcast.cli.common import Section, render

    m = r.machine
    fmt = est.weights.format
    kv_known = est.kv.known
    at = Section(f"At {fmt.name}", subtitle=f"{est.context:,} tokens of context")
    at.add("verdict", r.label if kv_known else f"{r.label}, before the KV cache")
    at.add(
        "needs",
        _gb(r.need_bytes) if kv_known else f"{_gb(r.need_bytes)} + KV",
        f"weights {_gb(est.weights.bytes)} + KV "
        f"{_gb(est.kv.bytes) if kv_known else 'unknown (no config.json)'} + overhead "
        f"{_gb(m.devices * est.overhead_per_device)}",
    )
    at.add("GPU memory", _gb(r.limit_bytes), _limit_note(m, r.os_reserve_gb))
    at.add(
        "headroom",
        f"{r.headroom_bytes / 1e9:+,.1f} GB",
        "" if kv_known else "less the KV cache, unknown",
    )
    at.add(
        "decode",
        _bound(r.decode_tokens_per_s),
        f"upper bound: bandwidth / {_gb(est.decode_bytes_per_token)} read per token",
    )
    if r.prefill_tokens_per_s is not None:
        at.add(
            "prefill",
            _bound(r.prefill_tokens_per_s),
            f"upper bound: dense {m.peak_precision} peak / forward FLOP per token",
        )
    if r.longest_context is not None:
        at.add("longest context", f"{r.longest_context:,} tokens", "at this format")
    for note in r.remedies:
        at.add("to fit", "", note)
    best = Section("Best format that fits", subtitle="the checkpoint's own first, then GGUF")
    if choice.fit is None:
        why = "not even the smallest format fits within the default GPU limit"
        if m.kind == "gpu" and not (ram or m.host_ram_gb):
            why += "; --ram GB to offload to host RAM"
        best.add("none", "", why)
        for x in (choice.relaxed, choice.offload):
            if x is not None:
                best.add(
                    x.label,
                    x.estimate.weights.format.name,
                    f"needs {_gb(x.need_bytes)}; decode {_bound(x.decode_tokens_per_s)}",
                )
    else:
        b = choice.fit
        bw = b.estimate.weights
        best.add("format", bw.format.name, f"{bw.bits_per_weight:.3g} bits/weight")
        best.add("needs", _gb(b.need_bytes), f"weights {_gb(bw.bytes)}")
        best.add("headroom", f"{b.headroom_bytes / 1e9:+,.1f} GB")
        best.add("decode", _bound(b.decode_tokens_per_s), "upper bound")
        if choice.longest_context is not None:
            best.add(
                "longest context",
                f"{choice.longest_context:,} tokens",
                "at this format, within the default GPU limit",
            )
        if choice.offload is not None:
            x = choice.offload
            best.add(
                "or, offloaded" if x.verdict == "fits_with_offload" else "or, limit raised",
                x.estimate.weights.format.name,
                f"needs {_gb(x.need_bytes)}; decode {_bound(x.decode_tokens_per_s)}",
            )
    sections = [at, best]
    if m.detected:
        found = Section("Detected", subtitle="what --on this found")
        for line in m.detected:
            label, _, text = line.partition(": ")
            found.add(label, text)
        sections.insert(0, found)
    headline = f"{est.model.name} on {m.name}: {r.label} at {fmt.id}"
    if not kv_known:
        headline += " before the KV cache (unknown: no config.json)"
    elif est.model.estimate:
        headline += "  [estimate: no config.json]"
    render(
        headline,
        sections,
        warnings=list(est.warnings),
        footer=[*_footer(est), *_machine_footer(m, r.os_reserve_gb)],
    )


def _machine_footer(m: Machine, os_reserve: float) -> list[str]:
    from flopcast.inference import os_reserve as reserve_of

    lines = [f"machine: {m.notes or m.name}"]
    if m.source and m.source not in ("given", "detected"):
        lines.append(f"source: {m.source}")
    if m.kind != "gpu" or m.host_ram_gb:
        r = reserve_of(m.os)
        if os_reserve == r["gb"]:
            lines.append(
                f"OS reserve: {os_reserve:g} GB ({m.os}; {r['low']:g}–{r['high']:g} GB): "
                f"{r['note']} (--os-reserve)"
            )
            lines.append(f"source: {r['source']}")
        else:
            lines.append(f"OS reserve: {os_reserve:g} GB, as given")
    return lines


def _limit_note(m: Machine, os_reserve: float) -> str:
    """What the machine's GPU memory is, and what the OS keeps of it."""
    if m.kind == "unified":
        return (
            f"{m.gpu_share:.0%} of {m.memory_gb:g} GB by default; up to "
            f"{m.memory_gb - os_reserve:g} GB if raised"
        )
    if m.kind == "cpu":
        return f"{m.memory_gb:g} GB RAM less {os_reserve:g} GB for the OS"
    host = f"; host RAM {m.host_ram_gb:g} GB for offload" if m.host_ram_gb else ""
    return f"{m.devices} x {m.device_memory_gb:g} GB{host}"
