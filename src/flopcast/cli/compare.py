"""``flopcast compare``: one compute figure relative to another, in numbers and words."""

from __future__ import annotations

from typing import Annotated

import typer

from flopcast.cli.common import CsvOpt, JsonOpt, SamplesOpt, SeedOpt, SigOpt
from flopcast.settings import DEFAULT_SAMPLES, DEFAULT_SEED


def register(app: typer.Typer) -> None:
    app.command(
        "compare",
        help=(
            "Compare training compute figures: the ratio of the first to each of the others, "
            "in numbers and words.\n\nExample: flopcast compare 5.18e25 3.8e25  →  1.36x, 36% more"
        ),
    )(compare_command)


def compare_command(
    figures: Annotated[
        list[str],
        typer.Argument(
            help="Compute figures or model names: 5.18e25 3.8e25, behemoth llama-3.1-405b."
        ),
    ],
    at_frontier: Annotated[
        bool,
        typer.Option(
            "--frontier",
            help="Also compare the first model with the largest runs before its release date.",
        ),
    ] = False,
    top: Annotated[int, typer.Option("--top", help="How many frontier models (--frontier).")] = 3,
    at: Annotated[
        str | None,
        typer.Option("--date", help="Frontier date for a figure (YYYY-MM-DD, YYYY-MM or YYYY)."),
    ] = None,
    json_output: JsonOpt = False,
    csv_output: CsvOpt = False,
    sig: SigOpt = 3,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
) -> None:
    from flopcast.answers.compare import compare_answer
    from flopcast.cli.common import print_json
    from flopcast.cli.compute import fmt_ratio

    result = compare_answer(
        figures, frontier=at_frontier, top=top, date=at, samples=samples, seed=seed
    )
    if json_output:
        print_json(result)
        return
    from flopcast.cli.common import WRAP_LAST, Cell, Column, Table, render
    from flopcast.quantity import Kind, fmt

    first = result.first
    table = Table(
        columns=[
            Column("", keep=True),
            Column("training compute", wrap=WRAP_LAST),
            Column(f"{first.label} vs it", wrap=WRAP_LAST),
            Column("in words"),
        ]
    )
    table.add(Cell(first.label, "bold"), fmt(first.compute, Kind.FLOP, sig), "", "", style="bold")
    for r, other in zip(result.results, result.others, strict=True):
        table.add(other.label, fmt(other.compute, Kind.FLOP, sig), fmt_ratio(r.ratio, sig), r.words)
    if csv_output:
        table.write_csv()
        return
    footer = [f"{sub.label}: {sub.basis}" for sub in (first, *result.others) if sub.basis]
    render("", [table], footer=footer)
