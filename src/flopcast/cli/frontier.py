"""``flopcast frontier``: the largest known training runs up to a date."""

from __future__ import annotations

from typing import Annotated

import typer

from flopcast.cli.common import CsvOpt, JsonOpt, SigOpt


def register(app: typer.Typer) -> None:
    app.command(
        "frontier",
        help=(
            "The largest known training runs released up to a date (curated catalog and Epoch "
            "AI's dataset), with regulatory thresholds.\n\n"
            "Example: flopcast frontier --date 2025-04-05 --top 5"
        ),
    )(frontier_command)


def frontier_command(
    at: Annotated[
        str | None,
        typer.Option(
            "--date", help="Up to this date (YYYY-MM-DD, YYYY-MM or YYYY); default today."
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="How many models to list.")] = 10,
    json_output: JsonOpt = False,
    csv_output: CsvOpt = False,
    sig: SigOpt = 3,
) -> None:
    from flopcast.answers.frontier import frontier_answer
    from flopcast.cli.common import Section, print_json, render
    from flopcast.epoch import credit
    from flopcast.quantity import fmt_sci
    from flopcast.regulation import verdict

    answer = frontier_answer(date=at, top=top)
    if json_output:
        print_json(answer)
        return
    f = answer.frontier
    from flopcast.cli.common import WRAP, Column, Table

    table = Table(
        f"Largest known training runs up to {f.at.isoformat()}",
        [
            Column("#", align="right", keep=True),
            Column("model", keep=True),
            Column("released"),
            Column("FLOP", align="right"),
            Column("90% range"),
            Column("basis", wrap=WRAP, label_below=False, style="dim"),
        ],
    )
    for i, e in enumerate(f.entries, 1):
        q = e.compute
        rng = (
            f"{fmt_sci(q.low, sig)}–{fmt_sci(q.high, sig)}"
            if q.uncertain and q.low is not None and q.high is not None
            else ""
        )
        table.add(
            str(i), e.model.name, e.model.released.isoformat(), fmt_sci(q.value, sig), rng, e.basis
        )
    if csv_output:
        table.write_csv()
        return
    thr = Section("Thresholds")
    for t in answer.thresholds:
        above = sum(verdict(e.compute, t.flop) in ("above", "likely above") for e in f.entries)
        thr.add(f"{fmt_sci(t.flop)} FLOP", t.label, f"{above} of these above; {t.status}")
    footer = [f"{t.label}: {t.source}" for t in answer.thresholds]
    footer.append(f"Data: {credit()}; curated figures: flopcast show MODEL.")
    render("", [table, thr], footer=footer)
