"""``flopcast hardware``: the accelerator table, or one accelerator with its sources."""

from __future__ import annotations

from typing import Annotated

import typer

from flopcast.cli.common import CsvOpt, JsonOpt


def register(app: typer.Typer) -> None:
    app.command(
        "hardware",
        help=(
            "List accelerators with their dense peak FLOP/s, memory and bandwidth, or show one "
            "with its sources.\n\nExample: flopcast hardware h100"
        ),
    )(hardware_command)


def _tflops(x: float | None) -> str:
    if x is None:
        return "–"
    # thousands separated, as machines and every other command print them: 3,350 GB/s
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,g}"


def hardware_command(
    name: Annotated[
        str | None, typer.Argument(help="An accelerator: h100, 'tpu v5p', mi300x.")
    ] = None,
    json_output: JsonOpt = False,
    csv_output: CsvOpt = False,
) -> None:
    from flopcast.answers.hardware import hardware_answer
    from flopcast.cli.common import Section, print_json, render
    from flopcast.hardware import PRECISIONS, Accelerator

    answer = hardware_answer(name)
    if json_output:
        print_json(answer)
        return
    if isinstance(answer, Accelerator):
        acc = answer
        sec = Section("Dense peak (no sparsity)", subtitle="TFLOP/s")
        for p in PRECISIONS:
            if p in acc.peak_tflops:
                sec.add(p, _tflops(acc.peak_tflops[p]))
        mem = Section("Memory and power")
        if acc.memory_gb is not None:
            mem.add("memory", f"{_tflops(acc.memory_gb)} GB")
        if acc.memory_bandwidth_gbs is not None:
            mem.add("bandwidth", f"{_tflops(acc.memory_bandwidth_gbs)} GB/s")
        if acc.tdp_w is not None:
            mem.add("TDP", f"{_tflops(acc.tdp_w)} W")
        mem.add("released", str(acc.release_year))
        footer = [f"source: {acc.source}"]
        footer += [f"also: {other}" for other in acc.other_sources]
        if acc.epoch_name:
            from flopcast.hardware import epoch_hardware_credit

            footer.append(f"compared with {epoch_hardware_credit()}: '{acc.epoch_name}'")
        footer += [
            f"differs from Epoch AI ({key}): {note}" for key, note in acc.epoch_notes.items()
        ]
        if acc.notes:
            footer.append(f"notes: {acc.notes}")
        if acc.aliases:
            footer.append(f"aliases: {', '.join(acc.aliases)}")
        render(f"{acc.name} ({acc.id})", [sec, mem], footer=footer)
        return

    rows = answer.accelerators
    from flopcast.cli.common import Column, Table

    table = Table(
        "Accelerators: dense peak TFLOP/s (no sparsity)",
        [
            Column("id", keep=True),
            Column("year", align="right"),
            *(Column(p, align="right") for p in ("bf16", "fp8", "fp4")),
            Column("GB", align="right"),
            Column("GB/s", align="right"),
        ],
    )
    for a in rows:
        bf16 = a.peak_tflops.get("bf16")
        table.add(
            a.id,
            str(a.release_year),
            _tflops(bf16) if bf16 is not None else f"({_tflops(a.peak_tflops.get('fp16'))} fp16)",
            *(_tflops(a.peak_tflops.get(p)) for p in ("fp8", "fp4")),
            _tflops(a.memory_gb),
            _tflops(a.memory_bandwidth_gbs),
        )
    if csv_output:
        table.write_csv()
        return
    render(
        "",
        [table],
        footer=["Sources: 'flopcast hardware NAME' shows one accelerator with its sources."],
    )
